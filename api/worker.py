"""The child process one endpoint query runs in: `kg/worker.py` with the SPARQL protocol's dataset.

`kg/worker.py` queries the union of the named graphs. The protocol's `default-graph-uri` and
`named-graph-uri` choose the graphs instead (request keys `default_graph`, `named_graphs`: lists of IRIs),
and a query with its own FROM / FROM NAMED (`own_dataset`) gets the dataset it names. The rest (SPARQL TSV or
N-Triples streamed to standard output, the row limit, the status line, exiting when the caller goes away)
is `kg/worker.py`'s. It imports only pyoxigraph and that module, so it starts quickly.
"""
from __future__ import annotations

import pyoxigraph as ox

from cnbudget.kg import worker as _base


class _DatasetStore:
    """A read-only store whose `query` applies the request's dataset."""

    def __init__(self, path: str, request: dict):
        self.store, self.request = ox.Store.read_only(path), request

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
    """pyoxigraph as `kg/worker.py`'s `answer` sees it: `Store.read_only` opens a `_DatasetStore`."""

    def __init__(self, request: dict):
        self.Store = type("Store", (), {"read_only": staticmethod(lambda path: _DatasetStore(path, request))})

    def __getattr__(self, name):
        return getattr(ox, name)


_answer = _base.answer


def answer(request: dict, out) -> dict:
    _base.ox = _Engine(request)
    try:
        return _answer(request, out)
    finally:
        _base.ox = ox


def main() -> None:
    _base.answer = answer
    _base.main()


if __name__ == "__main__":
    main()
