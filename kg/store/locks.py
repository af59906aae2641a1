"""Who may write the embedded store, and readers beside its writer: one writer at a time (a lock file in the
store folder naming its process), readers retrying while the writer's compaction removes files they were
about to read, and the points between writes where tests/test_crash_safety.py kills a load."""
from __future__ import annotations

import os
import signal
import sys
import time

try:
    import fcntl
except ImportError:  # not POSIX: the store's own lock still keeps a second writer out, without naming it
    fcntl = None

WRITER_LOCK = "kg-writer.lock"  # in the store folder: the writing process's id, locked while it writes
READ_RETRY_SECONDS = 30.0  # how long a reader retries a store a writer keeps changing under it


class StoreBusy(OSError):
    """Another process is writing the store: one writer at a time."""


class StoreUnreadable(OSError):
    """The store could not be read for READ_RETRY_SECONDS, a writer changing its files under the reader."""


def lock_for_writing(path: str):
    """The writer's lock: a file in the store folder, locked while the store is open for writing, that
    holds the process id, so a second writer can say which process holds the store."""
    if fcntl is None:
        return None
    f = open(os.path.join(path, WRITER_LOCK), "a+", encoding="ascii")
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = _pid_in(f)
        f.close()
        raise StoreBusy(f"the store {path} is being written by {holder}: one kg load at a time "
                        "(wait for it to finish)") from None
    f.seek(0)
    f.truncate()
    f.write(f"{os.getpid()}\n")
    f.flush()
    return f


def _pid_in(f) -> str:
    for _ in range(50):  # the writer may have locked the file and not yet written its number
        f.seek(0)
        pid = f.read().strip()
        if pid.isdigit():
            return f"process {pid}"
        time.sleep(0.01)
    return "another process"


def lock_holder(path: str) -> str | None:
    """The process holding the lock pyoxigraph (RocksDB) keeps on the store's LOCK file, from /proc/locks."""
    try:
        st = os.stat(os.path.join(path, "LOCK"))
        with open("/proc/locks", encoding="ascii", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return None
    wanted = (os.major(st.st_dev), os.minor(st.st_dev), st.st_ino)
    for line in lines:  # "1: POSIX  ADVISORY  WRITE 4242 08:01:1234567 0 EOF"
        fields = line.split()
        for pid, where in zip(fields, fields[1:]):
            parts = where.split(":")
            if len(parts) == 3 and pid.isdigit():
                try:
                    if (int(parts[0], 16), int(parts[1], 16), int(parts[2])) == wanted:
                        return pid
                except ValueError:
                    continue
    return None


def files_gone(e: BaseException) -> bool:
    """Whether a read failed because the writer's compaction removed files the reader's snapshot names."""
    text = str(e)
    return any(s in text for s in ("No such file", "MANIFEST", "Corruption", "IO error"))


def first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:300]


def written(step: str) -> None:
    """A point between two writes. For tests/test_crash_safety.py: with KG_TEST_KILL_AT=N in the
    environment each is counted on standard error, and the N-th kills the process (SIGKILL) just after
    it was written, as a crash there would."""
    kill_at = os.environ.get("KG_TEST_KILL_AT")
    if not kill_at:
        return
    global _steps
    _steps += 1
    sys.stderr.write(f"kg-test-step {_steps}: {step}\n")
    sys.stderr.flush()
    if _steps == int(kill_at):
        os.kill(os.getpid(), signal.SIGKILL)


_steps = 0
