"""Qt-free. The host's end of the plugin worker: one long-lived child process per PluginManager
(so per running app) that runs every call into plugin code, with limits that hold whatever the
plugin does.

Why a child process speaking JSON over pipes, not threads or multiprocessing: a thread cannot be
stopped while plugin code holds the GIL (a C-level loop, a catastrophic regex), and `os._exit`
or a 5 GB allocation in a thread is the host's; a process can be killed, limited and restarted.
JSON rather than multiprocessing's pickles because the replies come from plugin code: unpickling
them would run whatever the plugin put there inside the host, while JSON carries only data,
which the manager then validates. The child is this same program (`python -m
rackstudio.plugins.worker`; in the frozen app the executable with `--plugin-worker`), so it works
wherever the app does, with no multiprocessing bootstrap to freeze.

Limits: wall-clock time per call (the host kills the child), address space on Linux (the child
sets RLIMIT_AS on itself) and, elsewhere, a watchdog here that samples the child's resident
memory while a call runs and kills it above the limit (Windows: GetProcessMemoryInfo; macOS and
other POSIX: `ps`). The non-Linux paths are written but untested here. A killed or dead child is
replaced by a fresh one on the next call; a live one is killed when the host exits
(`weakref.finalize` runs at interpreter exit).
"""
from __future__ import annotations

import contextlib
import json
import os
import queue
import subprocess
import sys
import threading
import time
import weakref
from collections.abc import Callable
from typing import Any

__all__ = ["DEFAULT_MEMORY_MIB", "MAX_MESSAGE_BYTES", "PluginProcess", "WorkerGone", "WorkerOverrun",
           "worker_command"]

DEFAULT_MEMORY_MIB = 2048
MAX_MESSAGE_BYTES = 32 << 20  # a reply larger than this is refused (hits are capped far below it)
POLL_S = 0.1  # how often a waiting call looks at the clock and, off Linux, the child's memory
START_LIMIT_S = 60.0  # starting the worker (an interpreter and the plugin API) is not charged to a plugin


class WorkerOverrun(Exception):
    """The call did not finish within its limit; the worker was killed."""


class WorkerGone(Exception):
    """The worker ended during the call (exited, was killed by the system, broke the protocol)."""


def worker_command() -> list[str]:
    """How to start the worker: this interpreter with the worker module, or in the frozen app
    the executable itself (its entry point dispatches `--plugin-worker`)."""
    if getattr(sys, "frozen", False):
        exe = sys.executable
        if sys.platform == "win32":  # the windowed exe has no standard streams: use the console one
            cli = os.path.join(os.path.dirname(exe), "rackstudio-cli.exe")
            exe = cli if os.path.exists(cli) else exe
        return [exe, "--plugin-worker"]
    return [sys.executable, "-m", "rackstudio.plugins.worker"]


def _rss_bytes(pid: int) -> int | None:
    """The child's resident memory off Linux (untested here), None when it cannot be read."""
    try:
        if sys.platform == "win32":
            import ctypes
            from ctypes import wintypes

            class Counters(ctypes.Structure):
                _fields_ = [("cb", wintypes.DWORD), ("PageFaultCount", wintypes.DWORD)] + [
                    (n, ctypes.c_size_t) for n in ("PeakWorkingSetSize", "WorkingSetSize",
                                                   "QuotaPeakPagedPoolUsage", "QuotaPagedPoolUsage",
                                                   "QuotaPeakNonPagedPoolUsage", "QuotaNonPagedPoolUsage",
                                                   "PagefileUsage", "PeakPagefileUsage")]

            handle = ctypes.windll.kernel32.OpenProcess(0x1000 | 0x0010, False, pid)
            if not handle:
                return None
            try:
                counters = Counters()
                counters.cb = ctypes.sizeof(counters)
                if not ctypes.windll.psapi.GetProcessMemoryInfo(handle, ctypes.byref(counters), counters.cb):
                    return None
                return int(counters.WorkingSetSize)
            finally:
                ctypes.windll.kernel32.CloseHandle(handle)
        out = subprocess.run(["ps", "-o", "rss=", "-p", str(pid)], capture_output=True, text=True, timeout=2)
        return int(out.stdout.strip()) * 1024 if out.returncode == 0 and out.stdout.strip() else None
    except (OSError, ValueError, subprocess.SubprocessError, AttributeError):
        return None


def _how_it_ended(code: int | None) -> str:
    if code is None:
        return "it stopped answering"
    if code < 0:
        import signal
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        extra = " (its CPU time limit)" if name == "SIGXCPU" else ""
        return f"it was ended by {name}{extra}"
    return f"it exited with code {code}"


class PluginProcess:
    """The worker process: started on first use, killed on overrun, restarted on the next call."""

    def __init__(self, memory_mib: int | None = DEFAULT_MEMORY_MIB):
        self.memory_mib = memory_mib
        self.starts = 0  # how many workers this host has started (1 + restarts)
        self.pid: int | None = None
        self._proc: subprocess.Popen | None = None
        self._replies: queue.SimpleQueue[bytes | None] | None = None
        self._requests: queue.SimpleQueue[bytes | None] | None = None
        self._lock = threading.Lock()  # one call at a time (the GUI and a background check may both call)
        self._finalizer = weakref.finalize(self, PluginProcess._kill_proc, [None])

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    # --- lifecycle ---------------------------------------------------------------------------------
    def _start(self, limit_s: float) -> None:
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0
        proc = subprocess.Popen(worker_command(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=None,
                                creationflags=flags, close_fds=True)
        self._proc, self.pid = proc, proc.pid
        self.starts += 1
        self._finalizer.detach()
        self._finalizer = weakref.finalize(self, PluginProcess._kill_proc, [proc])
        replies: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        requests: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._replies, self._requests = replies, requests
        threading.Thread(target=_read, args=(proc.stdout, replies), name="rackstudio-plugin-replies",
                         daemon=True).start()
        threading.Thread(target=_write, args=(proc.stdin, requests), name="rackstudio-plugin-requests",
                         daemon=True).start()
        reply = self._exchange({"op": "hello", "sys_path": list(sys.path), "memory_mib": self.memory_mib,
                                "limit_s": limit_s}, max(limit_s, START_LIMIT_S), None)
        if not reply.get("ok"):
            self.kill()
            raise WorkerGone(f"the plugin worker did not start: {reply}")

    @staticmethod
    def _kill_proc(holder: list) -> None:
        proc = holder[0] if holder else None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    def kill(self) -> None:
        """End the worker now (it is replaced on the next call)."""
        proc, self._proc = self._proc, None
        if self._requests is not None:
            self._requests.put(None)
        if proc is not None:
            if proc.poll() is None:
                proc.kill()
            proc.wait()

    def close(self) -> None:
        """Let the worker leave on its own (end of input), then make sure it has."""
        proc = self._proc
        if proc is not None and self._requests is not None:
            self._requests.put(None)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=2)
        self.kill()

    # --- calls ---------------------------------------------------------------------------------------
    def call(self, request: dict[str, Any], limit_s: float,
             answer: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> dict[str, Any]:
        """Send one request and return the worker's final reply (a dict). `answer` replies to the
        worker's {"need": ...} messages meanwhile. Raises WorkerOverrun (the worker was killed)
        or WorkerGone (it ended); either way the next call starts a fresh worker."""
        with self._lock:
            if not self.running:
                self.kill()  # collect a dead one
                self._start(limit_s)
            return self._exchange({**request, "limit_s": limit_s}, limit_s, answer)

    def _exchange(self, request: dict[str, Any], limit_s: float,
                  answer: Callable[[dict[str, Any]], dict[str, Any]] | None) -> dict[str, Any]:
        assert self._replies is not None and self._requests is not None
        self._send(request)
        deadline = time.monotonic() + limit_s
        watch = self.memory_mib and not sys.platform.startswith("linux")
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                self.kill()
                raise WorkerOverrun(f"no result within {limit_s:g} s")
            try:
                line = self._replies.get(timeout=min(left, POLL_S))
            except queue.Empty:
                if watch and self.pid is not None:
                    rss = _rss_bytes(self.pid)
                    if rss is not None and rss > self.memory_mib * (1 << 20):
                        self.kill()
                        raise WorkerGone(f"it used more than {self.memory_mib} MiB (the plugin memory limit)") from None
                continue
            if line is None:
                code = None
                if self._proc is not None:
                    with contextlib.suppress(subprocess.TimeoutExpired):
                        code = self._proc.wait(timeout=2)
                self.kill()
                raise WorkerGone(_how_it_ended(code))
            message = self._parse(line)
            if "need" in message:
                self._send(answer(message) if answer is not None else {"missing": "nothing to ask here"})
                continue
            return message

    def _send(self, message: dict[str, Any]) -> None:
        assert self._requests is not None
        self._requests.put(json.dumps(message).encode() + b"\n")

    def _parse(self, line: bytes) -> dict[str, Any]:
        if not line.endswith(b"\n"):
            self.kill()
            raise WorkerGone(f"it sent a message larger than {MAX_MESSAGE_BYTES >> 20} MiB")
        try:
            message = json.loads(line)
        except (ValueError, RecursionError):
            message = None
        if not isinstance(message, dict):
            self.kill()
            raise WorkerGone("it sent something that is not a JSON object")
        return message


def _read(stream, replies: queue.SimpleQueue) -> None:
    """The reader thread: one reply line at a time (bounded), None at the end."""
    try:
        while True:
            line = stream.readline(MAX_MESSAGE_BYTES + 1)
            if not line:
                break
            replies.put(line)
            if not line.endswith(b"\n"):
                break  # too long: the caller kills the worker
    except (OSError, ValueError):
        pass
    replies.put(None)


def _write(stream, requests: queue.SimpleQueue) -> None:
    """The writer thread: a worker that stops reading blocks this thread, never the caller."""
    try:
        while True:
            data = requests.get()
            if data is None:
                break
            stream.write(data)
            stream.flush()
    except (OSError, ValueError):
        pass
    finally:
        with contextlib.suppress(OSError):
            stream.close()
