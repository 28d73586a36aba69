"""Exceptions never reach the user as a traceback: a refused edit becomes a status-bar reason,
a file or data error a plain message, and anything unexpected goes to ui.crash (recovery copies
of the open designs, a crash report, a plain message) and the app goes on. `guarded` wraps
slots and event handlers; the main window sets the targets.
"""
from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Callable
from typing import Any

from rackstudio.commands import Refused
from rackstudio.errors import RackStudioError

log = logging.getLogger("rackstudio.ui")


def _log_status(text: str) -> None:
    log.info("%s", text)


def _log_message(title: str, text: str) -> None:
    log.warning("%s: %s", title, text)


class Reporter:
    """Where refusals and errors go. `unexpected` may be replaced (tests make it fail the test)."""

    def __init__(self) -> None:
        self.status: Callable[[str], None] = _log_status
        self.message: Callable[[str, str], None] = _log_message
        self.unexpected: Callable[[BaseException], None] = self._unexpected
        self._showing = False  # an error while a message is up (a repaint) is logged, not shown again

    def refused(self, exc: Refused) -> None:
        self.status(f"Not done: {exc}")

    def error(self, exc: RackStudioError) -> None:
        self.message("RackStudio", str(exc))

    def _unexpected(self, exc: BaseException) -> None:
        """Keep the user's work (ui.crash: recovery copies and a crash report), then say so."""
        log.error("unexpected error", exc_info=exc)
        if self._showing:
            return
        self._showing = True
        try:
            try:
                from rackstudio.ui.crash import keep_the_work

                text = keep_the_work(exc)
            except Exception as error:  # the handler itself failed: still tell the user
                log.error("crash handler failed", exc_info=error)
                text = f"Something went wrong and the action was not completed:\n{exc}"
            if text:
                self.message("RackStudio — unexpected error", text)
        finally:
            self._showing = False

    def handle(self, exc: BaseException) -> None:
        if isinstance(exc, Refused):
            self.refused(exc)
        elif isinstance(exc, RackStudioError):
            self.error(exc)
        else:
            self.unexpected(exc)


REPORT = Reporter()


def _positional_limit(fn: Callable) -> int | None:
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return None
    if any(p.kind == p.VAR_POSITIONAL for p in params):
        return None
    return sum(1 for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def guarded(fn: Callable) -> Callable:
    """Run `fn`, reporting any exception through REPORT instead of raising. Extra positional
    arguments a signal sends (e.g. `checked`) are dropped when `fn` does not take them."""
    limit = _positional_limit(fn)

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if limit is not None:
            args = args[:limit]
        try:
            return fn(*args, **kwargs)
        except Exception as exc:  # the one place that turns errors into messages
            REPORT.handle(exc)
            return None

    return wrapper
