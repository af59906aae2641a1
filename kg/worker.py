"""The child process one query runs in (`kg/guard.py` starts it and kills it when the time limit passes).

It imports pyoxigraph and nothing of the project, so it starts in a tenth of a second. It reads one request
(a JSON line: store folder, query, prefixes, row limit) from standard input, opens the store read-only, and
writes the answer to standard output as it comes: SELECT as SPARQL TSV results, CONSTRUCT and DESCRIBE as
N-Triples, one row a line. Past the row limit it stops. Its last line on standard error is a status (JSON)
saying what it wrote or why it stopped. When standard input closes (the caller went away) it exits.

The query runs in a thread with a large stack: pyoxigraph parses and evaluates recursively, and the guard's
nesting limits leave a wide margin to what that stack holds.
"""
from __future__ import annotations

import json
import os
import sys
import threading

import pyoxigraph as ox

STATUS = b"\x1ekg-worker-status "
STACK = 256 << 20  # bytes of stack for the query's thread (address space: pages are used as touched)


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


def answer(request: dict, out) -> dict:
    try:
        store = ox.Store.read_only(request["path"])
    except OSError as e:
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
    except OSError as e:
        return {"error": "store", "message": f"reading the store: {e}"}
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


if __name__ == "__main__":
    main()
