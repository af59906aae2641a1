"""A reader's own copy of the store's files, so that a writer beside it cannot remove them.

pyoxigraph opens a store read-only as a snapshot of the files the writer had; it opens the first 16 table
files (*.sst) with the store and the others when a query first needs them. A `kg load` running beside the
reader merges table files and removes them; a query that then needs one fails, and pyoxigraph 0.5 does not
stop there: a query that reads all its input before answering (COUNT, GROUP BY, ORDER BY …) asks for the
missing file again and again, forever, its memory growing by hundreds of megabytes a second (seen with
bench/serve.py on 100 documents). So a reader opens a copy instead, in the store folder
(`kg-readers/<process>-<n>`): the table files hard-linked (they are never changed, only removed: the link
keeps them), the rest copied (the writer reuses its write-ahead logs and appends to the MANIFEST). The copy
is taken again if the MANIFEST changed while it was taken: the writer records there every change of its
table files before it removes any.

A copy is removed once its reader let it go and `KEEP` seconds have passed (a query may still read it; a
query worker, which answers one query at a time, keeps none), and at the reader's exit; a copy of a process
that is gone, by the next reader. Where no copy can be made (a store on read-only media, a filesystem
without hard links) the reader opens the folder itself.

Imports only the standard library: the query workers (api/worker.py) use it.
"""
from __future__ import annotations

import atexit
import itertools
import os
import shutil
import threading
import time

READERS = "kg-readers"  # in the store folder: the readers' copies
KEEP = 120.0  # seconds a copy is kept after its reader let it go
_TRIES = 20

_numbers = itertools.count()
_lock = threading.Lock()
_released: dict[str, float] = {}  # this process's copies let go: folder → when it may be removed
_held: set[str] = set()


class Pin:
    """A copy of the store's files; `folder` is where to open it; `release()` when no longer read."""

    def __init__(self, folder: str, copied: bool):
        self.folder, self.copied = folder, copied

    def release(self, keep: float = KEEP) -> None:
        """No longer read here: removed `keep` seconds from now (by the next `pin` of this process, or at exit);
        0 where nothing can still be reading it (a query worker answers one query at a time)."""
        if self.copied:
            with _lock:
                if self.folder in _held:
                    _held.discard(self.folder)
                    _released[self.folder] = time.monotonic() + keep


def pin(path: str) -> Pin:
    """A copy of the store folder `path` for a reader (or the folder itself where no copy can be made)."""
    root = os.path.join(path, READERS)
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        return Pin(path, False)
    _sweep(root)
    for attempt in range(_TRIES):
        folder = os.path.join(root, f"{os.getpid()}-{next(_numbers)}")
        try:
            os.mkdir(folder)
            if _copy(path, folder):
                with _lock:
                    _held.add(folder)
                return Pin(folder, True)
        except FileNotFoundError:  # removed while copied: the writer moved on
            pass
        except OSError:  # no hard links here, no room: read the folder itself
            shutil.rmtree(folder, ignore_errors=True)
            return Pin(path, False)
        shutil.rmtree(folder, ignore_errors=True)
        time.sleep(0.01 * (attempt + 1))
    return Pin(path, False)


def _copy(src: str, dst: str) -> bool:
    """Whether `dst` now holds a whole copy of the store at `src` (False: the writer changed it meanwhile)."""
    current = _read(os.path.join(src, "CURRENT"))
    manifest = current.decode("ascii").strip()
    if not manifest.startswith("MANIFEST-") or "/" in manifest:
        raise FileNotFoundError(manifest)
    size = os.stat(os.path.join(src, manifest)).st_size
    with open(os.path.join(src, manifest), "rb") as f, open(os.path.join(dst, manifest), "wb") as out:
        out.write(f.read(size))
    for name in os.listdir(src):
        if name.endswith(".sst"):
            os.link(os.path.join(src, name), os.path.join(dst, name))
        elif name.endswith(".log") or name.startswith("OPTIONS-") or name == "IDENTITY":
            shutil.copyfile(os.path.join(src, name), os.path.join(dst, name))
    with open(os.path.join(dst, "CURRENT"), "wb") as out:
        out.write(current)
    # a table file named by the MANIFEST copied is removed only after a later record in it: none, all are here
    return _read(os.path.join(src, "CURRENT")) == current and os.stat(os.path.join(src, manifest)).st_size == size


def _read(path: str) -> bytes:
    with open(path, "rb") as f:
        return f.read()


def _sweep(root: str) -> None:
    """Remove this process's copies let go and kept long enough, and the copies of processes gone."""
    now = time.monotonic()
    with _lock:
        old = [f for f, t in _released.items() if now >= t]
        for f in old:
            del _released[f]
    for f in old:
        shutil.rmtree(f, ignore_errors=True)
    remove_orphans(root)


def remove_orphans(root: str, prefix: str = "") -> None:
    """Remove the folders `<prefix><pid>-…` in `root` whose process is gone (killed: nothing of theirs removed
    them)."""
    try:
        names = [n for n in os.listdir(root) if n.startswith(prefix)]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            shutil.rmtree(os.path.join(root, name), ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@atexit.register
def remove_all() -> None:
    """Remove this process's copies (at its exit)."""
    with _lock:
        folders = [*_held, *_released]
        _held.clear()
        _released.clear()
    for f in folders:
        shutil.rmtree(f, ignore_errors=True)
        try:
            os.rmdir(os.path.dirname(f))  # the last reader leaves no folder behind
        except OSError:
            pass
