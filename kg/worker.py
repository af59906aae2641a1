"""The child process one query runs in (`kg/guard.py` starts it and kills it when the time limit passes).

It imports pyoxigraph and nothing of the project, so it starts in a tenth of a second. It reads one request
(a JSON line: store folder, query, prefixes, row limit) from standard input, opens the store read-only, and
writes the answer to standard output: SELECT as SPARQL TSV results, CONSTRUCT and DESCRIBE as N-Triples, one
row a line. Past the row limit it stops. Its last line on standard error is a status (JSON) saying what it
wrote or why it stopped. When standard input closes (the caller went away) it exits.

A store opened read-only while `kg load` writes it is a snapshot of the files the writer had; the writer's
compaction may remove some before they are read ('Corruption … No such file … MANIFEST may be corrupted').
The answer is therefore spooled to a temporary file and the query run again on a newer snapshot, for up to
RETRY_SECONDS, before anything reaches standard output (kg/store/embedded.py retries the same way).

The query runs in a thread with a large stack: pyoxigraph parses and evaluates recursively, and the guard's
nesting limits leave a wide margin to what that stack holds.
"""
from __future__ import annotations

import collections
import json
import os
import shutil
import sys
import tempfile
import threading
import time

import pyoxigraph as ox

STATUS = b"\x1ekg-worker-status "
STACK = 256 << 20  # bytes of stack for the query's thread (address space: pages are used as touched)
RETRY_SECONDS = 30.0  # how long a query is run again while a writer removes the files its snapshot names


class _TooManyRows(Exception):
    pass


class _Counted:
    """Standard output, counting lines; past `limit` rows (after `header` lines) it refuses to write more."""

    def __init__(self, out, limit: int | None, header: int):
        self.out, self.limit, self.header, self.lines = out, limit, header, 0

    def write(self, data) -> int:
        data = bytes(data)
        self.lines += data.count(b"\n")
        if self.limit is not None and self.lines - self.header > self.limit:
            raise _TooManyRows()
        self.out.write(data)
        return len(data)

    def flush(self) -> None:
        self.out.flush()


def _files_gone(e: BaseException) -> bool:
    text = str(e)
    return any(s in text for s in ("No such file", "MANIFEST", "Corruption", "IO error"))


def answer(request: dict, out) -> dict:
    """The answer, written to `out`: run on a spool, again while the store's files change under it."""
    delay, deadline = 0.02, time.monotonic() + RETRY_SECONDS
    while True:
        with tempfile.TemporaryFile() as spool:
            try:
                status = _answer(request, spool)
            except _FilesGone as e:
                if time.monotonic() + delay > deadline:
                    return {"error": "store", "message": f"reading the store {request['path']}: its files kept "
                                                         f"changing for {RETRY_SECONDS:g} s ({e})"}
                time.sleep(delay)
                delay = min(2 * delay, 0.5)
                continue
            spool.seek(0)
            shutil.copyfileobj(spool, out, 1 << 16)
            return status


class _FilesGone(Exception):
    pass


def _answer(request: dict, out) -> dict:
    try:
        store = ox.Store.read_only(request["path"])
    except (OSError, RuntimeError) as e:
        if _files_gone(e):
            raise _FilesGone(str(e).strip().splitlines()[0]) from None
        return {"error": "store", "message": f"cannot open the store {request['path']}: {e}"}
    try:
        result = store.query(request["sparql"], prefixes=request["prefixes"], use_default_graph_as_union=True)
        limit = request.get("max_rows") or None
        if isinstance(result, ox.QueryBoolean):
            return {"kind": "ask", "boolean": bool(result)}
        if isinstance(result, ox.QueryTriples):
            counted = _Counted(out, limit, header=0)
            result.serialize(counted, format=ox.RdfFormat.N_TRIPLES)
            kind = "triples"
        else:
            counted = _Counted(out, limit, header=1)
            result.serialize(counted, format=ox.QueryResultsFormat.TSV)
            kind = "select"
        counted.flush()
        return {"kind": kind, "rows": counted.lines - counted.header}
    except _TooManyRows:
        return {"error": "rows", "message": f"more than {request.get('max_rows')} rows"}
    except SyntaxError as e:
        return {"error": "syntax", "message": str(e)}
    except (OSError, RuntimeError) as e:
        if _files_gone(e):
            raise _FilesGone(str(e).strip().splitlines()[0]) from None
        if isinstance(e, OSError):
            return {"error": "store", "message": f"reading the store: {e}"}
        return {"error": "engine", "message": f"the query failed: {e}"}
    except Exception as e:  # evaluation errors (an unsupported function, a failed SERVICE call …)
        return {"error": "engine", "message": f"the query failed: {e}"}


def _watch_parent() -> None:
    try:
        while sys.stdin.buffer.read(1 << 12):
            pass
    finally:
        os._exit(4)


def main() -> None:
    request = json.loads(sys.stdin.buffer.readline())
    threading.Thread(target=_watch_parent, daemon=True).start()
    out = sys.stdout.buffer
    status: dict = {}

    def run() -> None:
        status.update(answer(request, out))

    threading.stack_size(STACK)
    t = threading.Thread(target=run)
    t.start()
    t.join()
    try:
        out.flush()
    except OSError:
        pass
    sys.stderr.buffer.write(b"\n" + STATUS + json.dumps(status).encode("utf-8") + b"\n")
    sys.stderr.buffer.flush()
    os._exit(3 if status.get("error") == "rows" else 2 if "error" in status else 0)


class WorkerLog:
    """A worker's standard error as its parent reads it, kept to its first and last 16 KB; `status()` is the
    status line the worker writes last (STATUS)."""

    def __init__(self, keep: int = 1 << 14):
        self.head = bytearray()
        self.tail: collections.deque[bytes] = collections.deque()
        self.tail_size, self.keep = 0, keep

    def read_from(self, pipe) -> None:
        for chunk in iter(lambda: pipe.read1(1 << 14) if hasattr(pipe, "read1") else pipe.read(1 << 14), b""):
            if len(self.head) < self.keep:
                self.head += chunk
                continue
            self.tail.append(chunk)
            self.tail_size += len(chunk)
            while self.tail_size - len(self.tail[0]) > self.keep:
                self.tail_size -= len(self.tail.popleft())

    def text(self) -> str:
        return (bytes(self.head) + b"".join(self.tail)).decode("utf-8", "replace")

    def status(self) -> dict | None:
        data = bytes(self.head) + b"".join(self.tail)
        i = data.rfind(STATUS)
        if i < 0:
            return None
        try:
            return json.loads(data[i + len(STATUS):].split(b"\n", 1)[0])
        except ValueError:
            return None


if __name__ == "__main__":
    main()
