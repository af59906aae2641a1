"""Paragraphs a PDF converter wrapped into printed lines of one width (公务用车购 / 置及运行费支出决算3.98万元;
公务接待费支出决算 1.5万 / 元。): joined again, so that a label, a figure and its unit cut apart by the wrap are read
together, each figure still on its own printed line (`Line.line_at`).

A text is wrapped when most of its lines of running text are of nearly one length and do not end a sentence;
a line then runs on into the next unless it ends a sentence or a clause that introduces (：), or the next is a
heading. Page numbers (—10—) between two lines of a paragraph are left out of it.
"""
from __future__ import annotations

import re
from collections import Counter
from typing import Iterator

from cnbudget.loaders.records import Cell, Row

_END = re.compile(r"[。；;！!？?：:]\s*$")
_HEADING = re.compile(r"^\s*(?:第[一二三四五六七八九十]+部分|[（(][一二三四五六七八九十\d]+[)）]|[一二三四五六七八九十]+、|\d+[、.．](?!\d))")
_PAGE_NUMBER = re.compile(r"^\s*[—\-－]*\s*\d{1,4}\s*[—\-－]*\s*$")
_MIN_LINES = 6
_WRAPPED_SHARE = 0.5


def _is_wrapped(lines: list[str]) -> bool:
    """Most lines of running text within two characters of the commonest width, not ending a sentence; or,
    where half-width digits make lines of one printed width unequal in characters, of the commonest display
    width (a Chinese character two columns, a digit one) within four columns."""
    return _near_one_width(lines, lambda t: len(t), 2) or _near_one_width(lines, _display_width, 4)


_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff01-\uff60\uffe0-\uffe6]")  # CJK, full-width forms


def _display_width(t: str) -> int:
    return len(t) + len(_WIDE.findall(t))


def _near_one_width(lines: list[str], measure, tolerance: int) -> bool:
    texts = [t.strip() for t in lines if len(t.strip()) >= 10]
    if len(texts) < _MIN_LINES:
        return False
    open_widths = Counter(measure(t) for t in texts if not _END.search(t))  # lines that run on
    near = max((sum(n for w, n in open_widths.items() if abs(w - width) <= tolerance) for width in open_widths),
               default=0)
    return near >= _WRAPPED_SHARE * len(texts)


def unwrap(rows: list[Row]) -> Iterator[tuple[Row, tuple[int, ...]]]:
    """The paragraph rows, with the printed lines of each wrapped paragraph joined into one row, and where in
    its text each next printed line starts (empty for a row left as it was)."""
    paragraphs = [r for r in rows if r.paragraph and r.cells]
    if not _is_wrapped([r.cells[0].text for r in paragraphs if "\n" not in r.cells[0].text]):
        for r in paragraphs:
            yield r, ()
        return
    run: list[Row] = []

    def flush() -> Iterator[tuple[Row, tuple[int, ...]]]:
        if not run:
            return
        texts = [r.cells[0].text.strip() for r in run]
        breaks, at = [], 0
        for t, r, nxt in zip(texts, run, run[1:]):
            at += len(t)
            breaks += [at] * (nxt.line - r.line)  # a page number left out between: its line counted too
        first = run[0]
        joined = Row(cells=[Cell("".join(texts), first.line)], line=first.line, paragraph=True)
        yield joined, tuple(breaks)
        run.clear()

    for r in paragraphs:
        text = r.cells[0].text
        if _PAGE_NUMBER.match(text):
            yield r, ()
            continue
        if run and (_HEADING.match(text) or "\n" in text or r.line != run[-1].line + 1
                    and not _page_between(rows, run[-1].line, r.line)):
            yield from flush()
        if "\n" in text:
            yield r, ()
            continue
        run.append(r)
        if _END.search(text) or _HEADING.match(text) and len(text.strip()) < 30:
            yield from flush()
    yield from flush()


def _page_between(rows: list[Row], a: int, b: int) -> bool:
    """Only a page number (and blank lines) between printed lines a and b."""
    between = [r for r in rows if a < r.line < b and r.cells and r.cells[0].text.strip()]
    return bool(between) and all(_PAGE_NUMBER.match(r.cells[0].text) for r in between)
