"""Errors a loader raises for input it cannot read."""
from __future__ import annotations


class LoadError(Exception):
    """Bad input: names the file, the line (1-based, or None) and the reason."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = str(path), line, reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")
