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
    """Most lines of running text within two characters of the commonest width, not ending a sentence."""
    lengths = [len(t.strip()) for t in lines if len(t.strip()) >= 10]
    if len(lengths) < _MIN_LINES:
        return False
    width = Counter(lengths).most_common(1)[0][0]
    near = [t for t in lines if abs(len(t.strip()) - width) <= 2 and not _END.search(t)]
    return len(near) >= _WRAPPED_SHARE * len(lengths)


def unwrap(rows: list[Row]) -> Iterator[tuple[Row, tuple[tuple[int, int], ...]]]:
    """The paragraph rows, with the printed lines of each wrapped paragraph joined into one row, and where in
    its text each next printed line starts (empty for a row left as it was)."""
    paragraphs = [r for r in rows if r.paragraph and r.cells]
    if not _is_wrapped([r.cells[0].text for r in paragraphs if "\n" not in r.cells[0].text]):
        for r in paragraphs:
            yield r, ()
        return
    run: list[Row] = []

    def flush() -> Iterator[tuple[Row, tuple[tuple[int, int], ...]]]:
        if not run:
            return
        texts = [r.cells[0].text.strip() for r in run]
        breaks, at = [], 0  # (offset, printed line): a page number left out between two lines skips a number
        for t, nxt in zip(texts, run[1:]):
            at += len(t)
            breaks.append((at, nxt.line))
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
    """Only a page number (and blank lines) between printed lines a and b: a paragraph of its own, not the cells
    of a table whose first column holds small numbers (0, 32, 660)."""
    between = [(r, c) for r in rows for c in r.cells if a < c.line < b and c.text.strip()]
    return 0 < len(between) <= 2 and all(r.paragraph and _PAGE_NUMBER.match(c.text) for r, c in between)
