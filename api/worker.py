"""The Python query worker of `kg serve --engine python`: `kg/worker.py` with the SPARQL protocol's dataset.

`kg/worker.py` queries the union of the named graphs. The protocol's `default-graph-uri` and
`named-graph-uri` choose the graphs instead (request keys `default_graph`, `named_graphs`: lists of IRIs),
and a query with its own FROM / FROM NAMED (`own_dataset`) gets the dataset it names. The rest (SPARQL TSV or
N-Triples, the row limit, the status) is `kg/worker.py`'s. It imports only pyoxigraph and that module, so it
starts quickly.

`serve()` is the worker kept for many queries (api/pool.py): one request a line on standard input, each
answer written to the file the request names, a status line on standard output after each; the store kept open
while its folder is unchanged (api/snapshot.py), not opened again for every query, on a copy of its files that a
writer beside it cannot remove (kg/store/pinned.py).
"""
from __future__ import annotations

import json
import os
import sys
import threading
import time

import pyoxigraph as ox

from cnbudget.api.snapshot import OPEN_SHARE, Snapshots
from cnbudget.kg import worker as _base
from cnbudget.kg.store import pinned

_SNAPSHOTS: dict[str, Snapshots] = {}  # in serve(): the store of each path, kept open


class _DatasetStore:
    """A read-only store whose `query` applies the request's dataset."""

    def __init__(self, store: ox.Store, request: dict):
        self.store, self.request = store, request

    def query(self, sparql: str, prefixes=None, **_ignored):
        default, named = self.request.get("default_graph"), self.request.get("named_graphs")
        kwargs: dict = {"prefixes": prefixes}
        if default or named:
            kwargs["default_graph"] = [ox.NamedNode(g) for g in default or []]
            kwargs["named_graphs"] = [ox.NamedNode(g) for g in named or []]
        elif not self.request.get("own_dataset"):
            kwargs["use_default_graph_as_union"] = True
        return self.store.query(sparql, **kwargs)


class _Engine:
    """pyoxigraph as `kg/worker.py`'s `answer` sees it: `Store.read_only` opens a `_DatasetStore` (in serve(),
    on the kept snapshot; when `answer` opens it again, its files went away under it: a newer one)."""

    def __init__(self, request: dict):
        self.request, self.opened = request, 0
        self.Store = type("Store", (), {"read_only": staticmethod(self._open)})

    def _open(self, path: str) -> _DatasetStore:
        self.opened += 1
        kept = _SNAPSHOTS.get(path)
        if kept is None:
            return _DatasetStore(ox.Store.read_only(path), self.request)
        if self.opened > 1:
            kept.forget()
        return _DatasetStore(kept.current(), self.request)

    def __getattr__(self, name):
        return getattr(ox, name)


_answer = _base.answer


def answer(request: dict, out) -> dict:
    _base.ox = _Engine(request)
    try:
        return _answer(request, out)
    finally:
        _base.ox = ox


def _end_with_parent() -> None:
    parent = os.getppid()
    while os.getppid() == parent:  # a parent killed outright leaves its workers to init
        time.sleep(1)
    pinned.remove_all()
    os._exit(1)


def serve() -> None:
    """Answer requests until standard input closes: {"out": file, …request} a line → the answer in `out`,
    its status a line on standard output."""
    threading.Thread(target=_end_with_parent, daemon=True).start()

    def loop() -> None:
        for line in sys.stdin.buffer:
            request = json.loads(line)
            path = request["path"]
            if path not in _SNAPSHOTS:
                _SNAPSHOTS[path] = Snapshots(path, ox.Store.read_only, open_share=OPEN_SHARE, pinned=True)
            try:
                # "r+b": the pool made the file, empty; truncating it on open ("wb") makes ext4 write it to
                # disk when closed (auto_da_alloc), and its removal then waits for that: ~3 ms a query
                with open(request["out"], "r+b") as out:
                    status = answer(request, out)
            except Exception as e:  # noqa: BLE001 — the status says it; the worker goes on
                status = {"error": "engine", "message": f"the query failed: {e}"}
            if status.get("error") == "store":
                _SNAPSHOTS[path].forget()
            sys.stdout.buffer.write(json.dumps(status).encode("utf-8") + b"\n")
            sys.stdout.buffer.flush()

    threading.stack_size(_base.STACK)  # the engine evaluates recursively (kg/worker.py)
    t = threading.Thread(target=loop)
    t.start()
    t.join()
    pinned.remove_all()
    os._exit(0)
