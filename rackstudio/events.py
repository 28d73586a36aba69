"""Qt-free. A tiny observer for the core: views subscribe with plain callables."""
from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Signal(Generic[T]):
    def __init__(self) -> None:
        self._slots: list[Callable[[T], None]] = []

    def connect(self, slot: Callable[[T], None]) -> None:
        if slot not in self._slots:
            self._slots.append(slot)

    def disconnect(self, slot: Callable[[T], None]) -> None:
        if slot in self._slots:
            self._slots.remove(slot)

    def emit(self, value: T) -> None:
        for slot in list(self._slots):
            slot(value)
