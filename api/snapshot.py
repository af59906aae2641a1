"""A read-only view of the store folder that stays current without being opened for every request.

Opening a store read-only costs tens of milliseconds (RocksDB reads its manifest and opens its files), and the
store so opened is a snapshot: it never sees what a `kg load` writes after. So a reader keeps its store open
while the folder is unchanged, and opens it again, a newer snapshot, when any file of the folder has changed
(a write appends to the log or adds files; a flush or compaction adds and removes them) and the snapshot it
holds is at least `MIN_AGE` old: a reader sees each document as of a moment at most that long ago, its old
graph or its new one, never part of one (a document is written in one transaction or one bulk load). While
opening is slow (a load has a long log to replay), a query worker keeps its snapshot longer (OPEN_SHARE). The
server's own process (pages, catalog) opens it again only once the writer has finished (`settled`): opened
again and again beside a writer, within one process with many threads reading, its memory was seen to grow
by gigabytes in a minute (bench/serve.py): most likely a query that met a table file the writer had removed
from its snapshot, which pyoxigraph asks for again and again, a reader's memory growing by hundreds of MB a
second (kg/store/pinned.py, whose copies prevent it: so opened again throughout a load, it stayed under 300 MB).
It still waits for the writer to finish: each opening replays the writer's log while pages wait (p99 2.6 s).

With `pinned`, a snapshot is opened on a reader's own copy of the store's files (kg/store/pinned.py), which
the writer cannot remove under it.

Imports only the standard library and kg/store/pinned.py: the query worker (api/worker.py) uses it too.
"""
from __future__ import annotations

import os
import threading
import time
from typing import Callable, Generic, TypeVar

from cnbudget.kg.store import pinned as _pinned

MIN_AGE = 2.0  # seconds a snapshot is kept at least, while a writer changes the folder
# and, in a query worker, at least this many times as long as it took to open: opening replays the writer's
# log, which grows while a load writes, so that reopening takes no more than a tenth of its time
OPEN_SHARE = 10

_S = TypeVar("_S")


def signature(path: str) -> tuple:
    """Names, sizes and modification times of the folder's files: changes with every write."""
    out = []
    with os.scandir(path) as entries:
        for e in entries:
            if e.name == _pinned.READERS:  # the readers' copies, not the store's files
                continue
            try:
                st = e.stat()
            except FileNotFoundError:  # removed while listed (a compaction)
                continue
            out.append((e.name, st.st_size, st.st_mtime_ns))
    return tuple(sorted(out))


class Snapshots(Generic[_S]):
    """`current()`: the store `open_store(path)` gave, opened again when the folder has changed."""

    def __init__(self, path: str, open_store: Callable[[str], _S], min_age: float = MIN_AGE, open_share: float = 0,
                 settled: bool = False, pinned: bool = False, release_keep: float = 0):
        """`settled`: open it again only once the folder has stayed unchanged for `min_age` (a writer has
        finished), not while it changes. `pinned`: `open_store` is given a copy of the folder's files
        (kg/store/pinned.py), let go when the snapshot is replaced and removed `release_keep` seconds later
        (0: one reader, a query worker, holds it, and it has moved on)."""
        self.path, self.open_store, self.min_age, self.open_share = path, open_store, min_age, open_share
        self.pinned, self._pin, self.release_keep = pinned, None, release_keep
        self.settled, self._seen = settled, None
        self._store: _S | None = None
        self._signature: tuple | None = None
        self._checked = 0.0
        self._keep = min_age
        self._lock = threading.Lock()

    def current(self) -> _S:
        with self._lock:
            now = time.monotonic()
            if self._store is not None and now - self._checked < self._keep:
                return self._store
            sig = signature(self.path)
            if self._store is not None and self.settled and sig != self._signature and sig != self._seen:
                self._seen, self._checked = sig, now  # still changing: the snapshot held goes on
                return self._store
            if self._store is None or sig != self._signature:
                self._store, self._signature = self._open(), sig
                self._keep = max(self.min_age, self.open_share * (time.monotonic() - now))
            self._checked = now
            return self._store

    def _open(self) -> _S:
        if not self.pinned:
            return self.open_store(self.path)
        old, self._pin = self._pin, _pinned.pin(self.path)
        self._store = None
        if old is not None:
            old.release(keep=self.release_keep)
        return self.open_store(self._pin.folder)

    def forget(self) -> None:
        """Open it again next time (its files went away under it)."""
        with self._lock:
            self._store = None
