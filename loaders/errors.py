"""Errors a loader raises for input it cannot read, and the words a warning uses to say a document looks cut off."""
from __future__ import annotations

import os

# Every warning that says a document looks cut off contains these words (the tables' "the text ends inside
# this table … the document appears cut off here", the layouts' "the text ends inside a cell …", the
# dispatcher's own): kg/load.py refuses to let such a document replace a stored version, and records them.
CUT_OFF = "appears cut off"


def printable(path) -> str:
    """A path as text that can always be printed and written: a file name that is not UTF-8 (undecodable bytes
    kept by Python as surrogates) shows those bytes as \\xNN escapes."""
    text = os.fspath(path)
    if isinstance(text, bytes):
        return text.decode("utf-8", "backslashreplace")
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:  # a surrogate that stands for no byte
            return text.encode("utf-8", "backslashreplace").decode("utf-8")


class LoadError(Exception):
    """Bad input: names the file, the line (1-based, or None) and the reason."""

    def __init__(self, path: str, line: int | None, reason: str):
        self.path, self.line, self.reason = printable(path), line, reason
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {reason}")
