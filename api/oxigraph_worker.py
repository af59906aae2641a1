"""Query workers that are Oxigraph's own server: the `oxigraph` command (PyPI package `oxigraph`), the same
engine pyoxigraph wraps, built for speed (bench/serve.py: the same queries took it 10–25 % less CPU than
pyoxigraph in a Python process). Used by api/pool.py in place of api/worker.py where the command is installed.

Each worker is one `oxigraph serve-read-only` process on loopback, sent one query at a time, so that a query
past the time limit is stopped by killing its process, as with api/worker.py (the server's own `--timeout-s`
was seen to stop a cross product only after minutes, and answers 200 with the message appended). It reads a
copy of the store's files (kg/store/pinned.py), taken again when the folder has changed (api/snapshot.py),
shared by all workers; a worker on an older copy is started again on the newer before its next query.

Answers come as SPARQL TSV (SELECT, ASK: `true`/`false`) or N-Triples, spooled to the request's `out` file
line by line, counted against the row limit: the form api/runner.py expects of api/worker.py.
"""
from __future__ import annotations

import ctypes
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

from cnbudget.api.snapshot import Snapshots
from cnbudget.kg.store import pinned
from cnbudget.kg.store.base import missing_prefixes

BINARY = shutil.which("oxigraph", path=os.path.dirname(sys.executable)) or shutil.which("oxigraph")
START_SECONDS = 60.0  # to open a copy of the store and listen
_ACCEPT = "text/tab-separated-values, application/n-triples;q=0.9"
_CHUNK = 1 << 16
_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def available() -> bool:
    return BINARY is not None


# --- starting processes --------------------------------------------------------------------------------------
# A worker is killed with the server (Linux: PR_SET_PDEATHSIG). That signal follows the *thread* that started
# it, and the web server's threads come and go: so every worker is started by one thread that lives as long
# as the process.

_STARTER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="oxigraph-starter")  # its thread stays


def _prctl():
    try:
        return ctypes.CDLL(None).prctl  # looked up here: not in the forked child, where dlopen may deadlock
    except (OSError, AttributeError):
        return None


_PRCTL = _prctl() if sys.platform.startswith("linux") else None


def _die_with_parent() -> None:
    _PRCTL(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _popen(args: list[str]) -> subprocess.Popen:
    return _STARTER.submit(subprocess.Popen, args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL,
                           preexec_fn=_die_with_parent if _PRCTL is not None else None).result()


# --- the copies of the store ------------------------------------------------------------------------------------

_copies: dict[str, Snapshots] = {}
_copies_lock = threading.Lock()


def _copy_of(path: str, timeout: float | None) -> str:
    """The folder of the current copy of the store at `path` (a newer one once the folder has changed)."""
    with _copies_lock:
        snapshots = _copies.get(path)
        if snapshots is None:
            # a copy replaced stays while a worker may still be answering on it: the time limit and more
            # (without one, a day: its table files are links, what it keeps is the space of those removed)
            keep = max(pinned.KEEP, 2 * timeout + 10) if timeout else 86400.0
            snapshots = _copies[path] = Snapshots(path, lambda folder: folder, pinned=True, release_keep=keep)
    return snapshots.current()


def _forget_copy(path: str) -> None:
    """Take a new copy next time (this one could not be opened: removed, or cut short)."""
    with _copies_lock:
        snapshots = _copies.get(path)
    if snapshots is not None:
        snapshots.forget()


# --- the worker -------------------------------------------------------------------------------------------------

class OxigraphWorker:
    """api/pool.py's worker: `ask(request, timeout)` → status dict, None past the time limit (then killed)."""

    def __init__(self):
        self.queries = 0
        self.proc: subprocess.Popen | None = None
        self.folder: str | None = None
        self.conn: http.client.HTTPConnection | None = None

    def _start(self, folder: str, deadline: float | None) -> None:
        """An oxigraph server on `folder`, answering; TimeoutError past `deadline`, RuntimeError if it fails."""
        self.stop()
        for _ in range(5):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            proc = _popen([BINARY, "serve-read-only", "--location", folder, "--bind", f"127.0.0.1:{port}"])
            started = time.monotonic() + START_SECONDS
            self.proc, self.folder = proc, folder
            while proc.poll() is None and time.monotonic() < started:
                if deadline is not None and time.monotonic() > deadline:
                    raise TimeoutError()
                if self._answers(port):
                    return
                time.sleep(0.005)
            self.stop()  # the port taken meanwhile, or it did not open the store
        raise RuntimeError(f"oxigraph did not start on the store copy {folder}")

    def _answers(self, port: int) -> bool:
        """Whether the server on `port` is this worker's Oxigraph, answering (not another program that took
        the port between its choice and Oxigraph's start)."""
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/query?query=ASK%7B%7D", headers={"Accept": _ACCEPT})
            response = conn.getresponse()
            response.read()
            if response.status == 200 and (response.getheader("server") or "").startswith("Oxigraph"):
                self.conn = conn
                return True
        except (OSError, http.client.HTTPException):
            pass
        conn.close()
        return False

    def ask(self, request: dict, timeout: float | None) -> dict | None:
        self.queries += 1
        deadline = None if not timeout else time.monotonic() + timeout
        try:
            for attempt in (1, 2):
                folder = _copy_of(request["path"], timeout)
                if self.proc is not None and self.folder == folder and self.proc.poll() is None:
                    break
                try:
                    self._start(folder, deadline)
                    break
                except RuntimeError:
                    _forget_copy(request["path"])  # a copy removed under it: a new one, once
                    if attempt == 2:
                        raise
        except TimeoutError:
            self.stop()
            return None
        except (OSError, RuntimeError) as e:
            self.stop()
            return {"error": "store", "message": f"cannot open the store: {e}"}
        try:
            with open(request["out"], "r+b") as out:
                return self._query(request, out, deadline)
        except (TimeoutError, socket.timeout):
            self.stop()
            return None
        except (OSError, http.client.HTTPException) as e:  # the process died, or broke off its answer
            code = self.proc.poll() if self.proc is not None else None
            self.stop()
            if code is not None:
                return {"died": code}
            return {"error": "engine", "message": f"the query failed: {e}"}

    def _query(self, request: dict, out, deadline: float | None) -> dict:
        sparql = request["sparql"]
        declared = missing_prefixes(sparql)
        params = [("query", declared + "\n" + sparql if declared else sparql)]
        params += [("default-graph-uri", g) for g in request.get("default_graph") or []]
        params += [("named-graph-uri", g) for g in request.get("named_graphs") or []]
        if not request.get("default_graph") and not request.get("named_graphs") and not request.get("own_dataset"):
            params.append(("union-default-graph", ""))  # as kg query does; not with a dataset (it would win)
        body = urllib.parse.urlencode(params)
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": _ACCEPT}
        for attempt in (1, 2):
            self._timeout(deadline)
            try:
                self.conn.request("POST", "/query", body, headers)
                response = self.conn.getresponse()
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                # Oxigraph closes a connection left idle for a minute: the query never reached it
                if attempt == 2 or self.proc.poll() is not None:
                    raise
                self.conn.close()
        if response.status != 200:
            message = response.read().decode("utf-8", "replace").strip()
            if response.status != 400:
                return {"error": "engine", "message": f"the query failed: {message}"}
            m = _POSITION.match(message)
            if m and declared:  # the position in the query as sent: one line (the prefixes) less
                message = f"error at {int(m.group(1)) - 1}:{m.group(2)}: {m.group(3)}"
            return {"error": "syntax", "message": message}
        ctype = response.getheader("content-type", "")
        triples = "n-triples" in ctype
        limit = request.get("max_rows") or None
        header = 0 if triples else 1
        lines = 0
        first = b""
        while True:
            self._timeout(deadline)
            chunk = response.read1(_CHUNK)
            if not chunk:
                break
            if len(first) < 8:
                first += chunk[:8]
            lines += chunk.count(b"\n")
            if limit is not None and lines - header > limit:
                self.stop()  # its answer is not read to the end
                return {"error": "rows", "message": f"more than {limit} rows"}
            out.write(chunk)
        response.close()  # read to its end (http.client leaves a response of known length open at its end)
        if not triples and first.strip() in (b"true", b"false"):  # an ASK (a SELECT's TSV starts with ?var)
            return {"kind": "ask", "boolean": first.strip() == b"true"}
        out.flush()
        return {"kind": "triples" if triples else "select", "rows": max(0, lines - header)}

    def _timeout(self, deadline: float | None) -> None:
        left = None if deadline is None else deadline - time.monotonic()
        if left is not None and left <= 0:
            raise TimeoutError()
        self.conn.timeout = left
        if self.conn.sock is not None:
            self.conn.sock.settimeout(left)

    def stop(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.kill()
            self.proc.wait()
            self.proc = None
