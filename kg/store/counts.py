"""The embedded store's quad count, kept beside it so that a load's summary line does not count the store.

A load counts the graphs it touches before it first writes each and again when it ends, and adds the
difference to the total it found in the store folder's count file (`kg-counts`); the file is removed while a
load is under way and written again when it ends. A write outside a load, or a load cut off, leaves no file:
the next count is then taken the slow way (every quad read) and kept again.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Iterable

COUNTS_FILE = "kg-counts"  # in the store folder: its quad count, one decimal number


class QuadCounts:
    def __init__(self, folder: str):
        self._file = Path(folder) / COUNTS_FILE
        self._before: dict[str, int] | None = None  # while a load is under way: graph → quads before it
        self._total: int | None = None  # known in this process (after a load, or once counted)

    @property
    def active(self) -> bool:
        return self._before is not None

    def begin(self) -> None:
        self._total = self.stored()
        self._forget()
        self._before = {}

    def touching(self, graphs: Iterable[str], size: Callable[[str], int]) -> None:
        """These graphs are about to change: their size now, unless taken already in this load."""
        if self._before is None:
            self.invalidate()
            return
        for g in graphs:
            if g not in self._before:
                self._before[g] = size(g)

    def end(self, size: Callable[[str], int]) -> None:
        before, self._before = self._before or {}, None
        if self._total is not None:
            self.keep(self._total + sum(size(g) - n for g, n in before.items()))

    def invalidate(self) -> None:
        """A write the count does not follow."""
        if self._before is None:
            self._total = None
            self._forget()

    def total(self) -> int | None:
        return self._total if self._total is not None else self.stored()

    def keep(self, total: int) -> None:
        self._total = total
        temporary = self._file.with_suffix(".tmp")
        temporary.write_text(f"{total}\n", encoding="ascii")
        os.replace(temporary, self._file)

    def stored(self) -> int | None:
        try:
            return int(self._file.read_text(encoding="ascii"))
        except (OSError, ValueError):
            return None

    def _forget(self) -> None:
        try:
            self._file.unlink()
        except FileNotFoundError:
            pass
