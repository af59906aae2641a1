"""Printed text with its same-length normal form: what the narrative readers match on and slice.

All matching is done on a normalised copy of each line with the same length as the printed
text (full-width digits and punctuation to their ASCII forms, one character for one
character), so that names and labels are always sliced from the text as printed.
"""
from __future__ import annotations

import re
import unicodedata

from cnbudget.loaders.text import clean_label

# the characters of a number written in Chinese: ordinals (（二）) and counts (十六个)
CN_NUMERALS = "一二三四五六七八九十百零〇两"
_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# a number as printed, with or without thousands separators
NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"


def _norm(text: str) -> str:
    """Same-length normal form: each character to its NFKC form where that is one character."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        if ch == "\u2212":
            n = "-"
        out.append(n if len(n) == 1 else ch)
    return "".join(out)


class PrintedText:
    """A piece of printed text (`o`) with its same-length normal form (`n`): match on `n`, and
    slicing slices both, so what is found in `n` is read from `o` as printed."""
    __slots__ = ("o", "n", "at")

    def __init__(self, o: str, n: str | None = None, at: int = 0):
        self.o = o
        self.n = _norm(o) if n is None else n
        self.at = at  # where it starts in the text it was sliced from (a figure's line in a wrapped paragraph)

    def __getitem__(self, s: slice) -> "PrintedText":
        start = s.indices(len(self.n))[0]
        return PrintedText(self.o[s], self.n[s], self.at + start)

    def __bool__(self) -> bool:
        return bool(self.n.strip())

    def strip(self) -> "PrintedText":
        """Without whitespace (ideographic and no-break spaces too) at either end."""
        i, j = 0, len(self.n)
        while i < j and (self.n[i].isspace() or self.n[i] in "\u3000\u00a0"):
            i += 1
        while j > i and (self.n[j - 1].isspace() or self.n[j - 1] in "\u3000\u00a0"):
            j -= 1
        return self[i:j]

    def cut_prefix(self, rx: re.Pattern) -> "PrintedText":
        """The text after what `rx` matches at its start (unchanged when that is nothing)."""
        m = rx.match(self.n)
        return self[m.end():].strip() if m and m.end() else self

    def cut_suffix(self, rx: re.Pattern) -> "PrintedText":
        """The text before what `rx` finds (unchanged when that is nothing)."""
        m = rx.search(self.n)
        return self[:m.start()].strip() if m and m.end() > m.start() else self

    @property
    def label(self) -> str:
        """The text as printed, trimmed of layout whitespace."""
        return clean_label(self.o)


def cn_int(text: str) -> int | None:
    """16, "十六", "两" … → int."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    if not text or any(ch not in CN_NUMERALS for ch in text):
        return None
    total, current = 0, 0
    for ch in text:
        if ch in "十百":
            unit = 10 if ch == "十" else 100
            total += (current or 1) * unit
            current = 0
        else:
            current = _CN_DIGITS[ch]
    return total + current
