"""The graph store: pyoxigraph on disk by default (embedded.py), or a SPARQL 1.1 store over HTTP
(remote.py); both are a `GraphStore` (base.py), one named graph per disclosure."""
from __future__ import annotations

import os

from cnbudget.kg.store.base import DEFAULT_STORE, GraphStore, Rows, store_path
from cnbudget.kg.store.embedded import Store
from cnbudget.kg.store.remote import RemoteError, RemoteStore


def chosen_endpoint(path: str | None = None, endpoint: str | None = None) -> str | None:
    """The endpoint `open_store` uses, None for the embedded store."""
    return endpoint or (None if path else os.environ.get("KG_ENDPOINT")) or None


def open_store(path: str | None = None, endpoint: str | None = None, read_only: bool = False,
               timeout: float | None = None):
    """The embedded store at `path`, or a SPARQL 1.1 endpoint (`RemoteStore`) when one is
    given; an explicit path beats the KG_ENDPOINT environment variable, an explicit endpoint beats both.
    `timeout`: a remote store's HTTP timeout in seconds (default 600)."""
    endpoint = chosen_endpoint(path, endpoint)
    if endpoint:
        return RemoteStore(endpoint, read_only=read_only, **({"timeout": timeout} if timeout else {}))
    return Store(path, read_only=read_only)


__all__ = ["DEFAULT_STORE", "GraphStore", "RemoteError", "RemoteStore", "Rows", "Store", "chosen_endpoint", "open_store",
           "store_path"]
