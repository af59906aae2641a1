"""The paragraph rows of a disclosure → lines of running text, each with its headings and zone.

A line knows the part (第一部分 …), section (一、) and subsection (（一）) it is under, and its
zone: "org" (概况: duties, divisions, units), "narrative" (the explanatory sections) or "other"
(tables, 名词解释, 附件, a table of contents).
"""
from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from cnbudget.loaders.narrative.printed import CN_NUMERALS, PrintedText
from cnbudget.loaders.narrative.wrapped import unwrap
from cnbudget.loaders.records import Row
from cnbudget.loaders.text import PART_HEADING


@dataclass
class Line:
    """One line of running text (a heading is a line too), with where it stands in the document."""
    line: int
    t: PrintedText
    level: int | None = None  # 0 part, 1 一、, 2 （一）; None for text
    title: str = ""  # heading as printed (trimmed)
    part: str = ""
    section: str = ""
    sub: str = ""
    zone: str = "other"  # org / narrative / other
    breaks: tuple[int, ...] = ()  # where in `t` the next printed lines of a wrapped paragraph start
    contents: bool = False  # 目录 or one of its entries: places nothing under it

    def line_at(self, offset: int) -> int:
        """The printed line of a position in `t` (`PrintedText.at` of a slice of it)."""
        return self.line + bisect_right(self.breaks, offset) if self.breaks else self.line


_PART = PART_HEADING
_H1 = re.compile(rf"^\s*[{CN_NUMERALS}]+\s*[、.]")
_H1_ARABIC = re.compile(r"^\s*\d{1,2}\s*、")
_H2 = re.compile(rf"^\s*\(\s*[{CN_NUMERALS}]+\s*\)")
# the same, matched at a position (pattern.match(text, pos))
_PART_AT = re.compile(_PART.pattern[1:])
_H1_AT = re.compile(_H1.pattern[1:])
_H1_ARABIC_AT = re.compile(_H1_ARABIC.pattern[1:])
_H2_AT = re.compile(_H2.pattern[1:])
_SPACE_AT = re.compile(r"\s*")
_HEADING_END = re.compile(r"(说明|情况|概况|解释|职责|职能|设置|构成|附件|目录)[。.]?$")
_BOOKMARK = re.compile(r"\[bookmark:[^\]]*\]\s*")
# a heading printed at the end of the line before it: "…工作。(二)机构设置及部门决算单位构成"
_GLUED = re.compile(rf"(?<=[。;])\s*(?=\(\s*[{CN_NUMERALS}]+\s*\)|[{CN_NUMERALS}]+、)")


def _heading_level(n: str) -> int | None:
    """0 part, 1 一、 (or 1、 naming a topic), 2 （一）; None when the line is not a heading."""
    return _heading_level_at(n, 0, _body_end(n))


def _body_end(n: str) -> int:
    """Where the text of `n` ends without its trailing whitespace and full stops (what `_heading_like` keeps)."""
    return len(n.rstrip().rstrip("。."))


def _heading_level_at(n: str, start: int, body_end: int) -> int | None:
    """`_heading_level(n[start:])`, read in place: a line is tried at every glued heading, and slicing the
    rest of the line each time made a long line quadratic; `body_end` is `_body_end(n)`."""
    if _PART_AT.match(n, start):
        return 0
    m = _H1_AT.match(n, start)
    if m and _heading_like_at(n, m.end(), body_end):
        return 1
    m = _H1_ARABIC_AT.match(n, start)
    if m and _heading_like_at(n, m.end(), body_end) and _HEADING_END.search(n[start:].strip()):
        return 1
    m = _H2_AT.match(n, start)
    if m and _heading_like_at(n, m.end(), body_end):
        return 2
    return None


def _heading_like_at(n: str, at: int, body_end: int) -> bool:
    """Whether what follows a heading's number, at `at`, reads as a title: short, and not a sentence. Its text
    runs from `at` (its leading whitespace left out) to `body_end` (read in place, not sliced off)."""
    lead = _SPACE_AT.match(n, at).end()
    if not 0 < body_end - lead <= 40:
        return False
    return not re.search(r"[。,;]", n[lead:body_end])


def paragraph_lines(rows: list[Row]) -> list[Line]:
    """The lines of running text in `rows`, placed under their headings and in their zones."""
    lines = _text_lines(rows)
    _place_under_headings(lines)
    has_parts = any(ln.level == 0 and not ln.contents for ln in lines)
    for ln in lines:
        ln.zone = "other" if ln.contents else _zone(ln, has_parts)
    return lines


def _text_lines(rows: list[Row]) -> list[Line]:
    """The lines of the paragraph rows, a heading glued to the end of a line cut off as its own line; in a text
    a PDF converter wrapped (wrapped.py), the printed lines of a paragraph joined into one."""
    out: list[Line] = []
    for row, breaks in unwrap(rows):
        cell = row.cells[0]
        raw = _BOOKMARK.sub("", cell.text).replace("\r", "") if not breaks else cell.text
        for piece in raw.split("\n"):
            t = PrintedText(piece).strip()
            if not t or t.n.count("|") >= 2:
                continue  # a table row of another layout ("a | b | c |") is not running text
            end = _body_end(t.n)
            cuts = [m.start() for m in _GLUED.finditer(t.n)
                    if m.start() > 0 and _heading_level_at(t.n, m.start(), end) is not None]
            bounds = [0, *cuts[-1:], len(t.n)]  # only the last glued heading ends the line
            for a, b in zip(bounds, bounds[1:]):
                part = t[a:b].strip()
                if part:
                    out.append(Line(cell.line, part, breaks=breaks))
    return out


_CONTENTS = re.compile(r"目\s*录")


def _place_under_headings(lines: list[Line]) -> None:
    """Each line's heading level (when it is a heading) and the part, section and subsection it is under. The
    entries of a table of contents (目录, then headings only) place nothing under them: the text after them is
    under the headings it repeats, or under none when the page left them out."""
    for ln in lines:
        ln.level = _heading_level(ln.t.n)
        if ln.level is not None:
            ln.title = ln.t.label
    _mark_contents(lines)
    part = section = sub = ""
    for ln in lines:
        if ln.contents:
            part = section = sub = ""
            continue
        if ln.level == 0:
            part, section, sub = ln.title, "", ""
        elif ln.level == 1:
            section, sub = ln.title, ""
        elif ln.level == 2:
            sub = ln.title
        ln.part, ln.section, ln.sub = part, section, sub


def _mark_contents(lines: list[Line]) -> None:
    """目录 and the headings after it up to the body: the body starts where the contents' first entry is printed
    again, or at its first line of text, under the headings right before it that go part, section, subsection
    (第一部分 单位概况, 一、主要职能); the rest are the contents' entries."""
    i = 0
    while i < len(lines):
        if not _CONTENTS.fullmatch(lines[i].t.n.strip()):
            i += 1
            continue
        j = i + 1
        while j < len(lines) and lines[j].level is not None and not (j > i + 1 and lines[j].title == lines[i + 1].title):
            j += 1
        body = j
        if j < len(lines) and lines[j].level is None:  # the body's own headings, if any, right before its text
            k, above = j - 1, 3
            while k > i and lines[k].level < above:
                above = lines[k].level
                k -= 1
                if above == 0:
                    body = k + 1
                    break
        for ln in lines[i:body]:
            ln.contents = True
        i = max(body, i + 1)


def _zone(ln: Line, has_parts: bool) -> str:
    """org / narrative / other: by the part when the document has parts, else by the section."""
    if has_parts:
        if not ln.part:
            return "other"
        elif re.search(r"概况|基本情况", ln.part):
            return "org"
        elif re.search(r"[决预]算表|报表|公开表|名词解释|附件|附表|目录", ln.part):
            return "other"
        else:
            return "narrative"
    else:
        if re.search(r"概况|基本情况|职责|职能|机构设置|单位构成", ln.section):
            return "org"
        elif re.search(r"名词解释|附件|目录", ln.section):
            return "other"
        else:
            return "narrative"


def disclosure_kind(lines: list[Line]) -> str:
    """final (决算) or budget (预算), from the headings."""
    titles = " ".join(ln.title for ln in lines if ln.level is not None)
    if "决算" in titles:
        return "final"
    if re.search(r"预算(?:安排)?(情况说明|表|公开)", titles):
        return "budget"
    return "final"
