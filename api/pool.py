"""Query workers kept running between queries: `kg serve` answers SPARQL in child processes, as `kg query` does
(a query past its time limit is stopped by killing its process), but starting Python and opening the store for
each query cost more than most queries. So each worker (api/worker.py `serve()`) answers one query after
another, its store kept open while the folder is unchanged; one that passes the time limit or dies is killed
and replaced. At most `size` run at once (the endpoint's concurrency).
"""
from __future__ import annotations

import json
import os
import queue
import select
import subprocess
import sys
import tempfile
import threading
import time
from typing import BinaryIO

from cnbudget.kg import guard
from cnbudget.kg.store import pinned

MAX_QUERIES = 1000  # a worker is replaced after this many (what its engine caches, it gives back)
_ANSWERS = "kg-serve-answers-"  # the temporary folder of a server's answers: kg-serve-answers-<pid>-…


class _Worker:
    def __init__(self):
        paths = [p for p in sys.path if p]
        boot = f"import sys; sys.path[:0] = {paths!r}; from cnbudget.api.worker import serve; serve()"
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", boot], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.queries = 0
        self._pending = b""

    def ask(self, request: dict, timeout: float | None) -> dict | None:
        """The worker's status for `request`; None when the time limit passed or the worker died (then it is
        killed: not to be used again)."""
        self.queries += 1
        try:
            self.proc.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
            self.proc.stdin.flush()
        except OSError:
            self.stop()
            return None
        deadline = None if not timeout else time.monotonic() + timeout
        fd = self.proc.stdout.fileno()
        while b"\n" not in self._pending:
            wait = None if deadline is None else deadline - time.monotonic()
            if wait is not None and wait <= 0 or not select.select([fd], [], [], wait)[0]:
                self.stop()
                return None
            chunk = os.read(fd, 1 << 16)
            if not chunk:  # it died
                self.stop()
                return {"died": self.proc.wait()}
            self._pending += chunk
        line, self._pending = self._pending.split(b"\n", 1)
        return json.loads(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass


class Pool:
    def __init__(self, size: int, worker=None):
        """`worker`: what a worker is (default: api/worker.py in a Python process; api/oxigraph_worker.py's
        OxigraphWorker where the `oxigraph` command is installed)."""
        self.size, self._make = size, worker or _Worker
        self._closed = False
        self._idle: queue.LifoQueue[_Worker] = queue.LifoQueue()
        self._running = 0
        self._lock = threading.Lock()
        pinned.remove_orphans(tempfile.gettempdir(), _ANSWERS)  # those of servers killed outright
        self._folder = tempfile.mkdtemp(prefix=f"{_ANSWERS}{os.getpid()}-")

    def _take(self) -> _Worker:
        while True:
            try:
                return self._idle.get_nowait()
            except queue.Empty:
                pass
            with self._lock:
                if self._running < self.size:
                    self._running += 1
                    break
            try:
                return self._idle.get(timeout=1)
            except queue.Empty:
                continue
        try:
            return self._make()
        except BaseException:
            with self._lock:
                self._running -= 1
            raise

    def _give_back(self, worker: _Worker, usable: bool) -> None:
        if usable and worker.queries < MAX_QUERIES and not self._closed:
            self._idle.put(worker)
            return
        worker.stop()
        with self._lock:
            self._running -= 1

    def run(self, request: dict, path: str, limits: guard.Limits) -> tuple[dict, BinaryIO]:
        """Like `guard.run_worker`: the worker's status and its answer (a file, at its start; the caller closes
        it); a timeout, a refusal or a failure raises the guard's errors."""
        fd, out = tempfile.mkstemp(dir=self._folder)
        os.close(fd)
        worker = self._take()
        status = None
        try:
            status = worker.ask({**request, "path": os.path.abspath(path), "out": out}, limits.timeout)
        finally:
            self._give_back(worker, status is not None and "died" not in status)
            spool = open(out, "rb")
            os.unlink(out)  # gone with the file object
        try:
            return _checked(status, limits), spool
        except BaseException:
            spool.close()
            raise

    def close(self) -> None:
        self._closed = True  # a worker still answering is stopped when it comes back
        while True:
            try:
                self._idle.get_nowait().stop()
            except queue.Empty:
                break
        try:
            os.rmdir(self._folder)
        except OSError:
            pass


def _checked(status: dict | None, limits: guard.Limits) -> dict:
    """The status of an answer; a worker's error raised as the guard's (as guard.run_worker does)."""
    if status is None:
        raise guard.QueryRefused(f"the query passed the time limit of {limits.timeout:g} s and was stopped",
                                 "timeout")
    if "died" in status:
        raise guard.QueryFailed(f"the query engine stopped unexpectedly (exit status {status['died']})")
    if "error" in status:
        kind, message = status["error"], status.get("message", "")
        if kind == "rows":
            raise guard._too_many(limits.max_rows)
        if kind == "syntax":
            raise guard._syntax_error(message)
        raise guard.QueryFailed(message)
    return status
