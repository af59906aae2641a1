"""What a person typed, in the form the dictionary is kept in: simplified characters (OpenCC t2s), full-width
forms folded to half-width (NFKC), control characters, bidirectional marks and zero-width characters gone,
runs of space made one, and at most MAX_CHARS characters kept (a 10 kB paste is a question, not a document)."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

MAX_CHARS = 200
# C0/C1 controls, zero-width and bidirectional formatting characters (RLM, LRE … PDI), BOM
_INVISIBLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError:  # opencc-py is a runtime dependency; without it the text is taken as typed
        return None
    return opencc.OpenCC("t2s")


def fold(text: str) -> str:
    """Width-folded, simplified, lower-case Latin text of one line, without invisible characters."""
    text = _INVISIBLE.sub(" ", unicodedata.normalize("NFKC", text))
    converter = _converter()
    if converter is not None and not text.isascii():
        text = converter.convert(text)
    return _SPACES.sub(" ", text).strip().lower()


def query_text(text: str) -> str:
    """A typed query, folded and cut to MAX_CHARS characters."""
    return fold(str(text)[:MAX_CHARS * 4])[:MAX_CHARS]
