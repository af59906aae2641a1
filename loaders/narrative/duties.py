"""Duties: the numbered items under a 部门职责 / 主要职能 heading of the overview."""
from __future__ import annotations

import re

from cnbudget.loaders.narrative.lines import Line
from cnbudget.loaders.narrative.printed import CN_NUMERALS, PrintedText, cn_int
from cnbudget.loaders.records import Duty

_DUTY_HEADING = re.compile(r"(?:部门|主要|单位|工作)?(?:主要)?(?:职责|职能)")
# an item's number: "1." / "(1)" / "(一)"
_DUTY_ITEM = re.compile(r"^\s*(?:(?P<a>\d{1,3})\s*[.、](?!\d)|\(\s*(?P<p>\d{1,3})\s*\)"
                        r"|\(\s*(?P<c>[" + CN_NUMERALS + r"]+)\s*\))\s*")
# a subheading that names the next topic of the overview, not a duty
_ORG_TOPIC = re.compile(r"机构|人员|单位|编制|构成|概况")
_INLINE_ITEM = re.compile(r"(?:^|(?<=[;。:]))\s*(\d{1,2})\s*[.、](?!\d)")


def read_duties(lines: list[Line], path: str, warnings: list[str]) -> tuple[list[Duty], int | None]:
    """The duties under the first duty heading that lists any, and the line of that heading (of the
    first duty heading when none lists any; None without one): `read_department` takes the overview
    heading the duties follow."""
    blocks: list[tuple[Line, list[Duty]]] = []
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.level in (0, 1, 2) and _DUTY_HEADING.search(ln.title) and len(ln.title) <= 24 \
                and ln.zone != "narrative":
            duties, i = _duty_block(lines, i)
            blocks.append((ln, duties))
            continue
        i += 1
    with_items = [(h, d) for h, d in blocks if d]
    if not with_items:
        return [], (blocks[0][0].line if blocks else None)
    head, duties = with_items[0]
    for other, more in with_items[1:]:
        warnings.append(f"{path}:{other.line}: a second list of duties ({len(more)} items) under {other.title!r}; "
                        f"the duties are read from line {head.line}")
    expected = list(range(1, len(duties) + 1))
    if [d.number for d in duties] != expected:
        warnings.append(f"{path}:{head.line}: duties are numbered {[d.number for d in duties]}, not 1…{len(duties)}")
    return duties, head.line


def _duty_block(lines: list[Line], start: int) -> tuple[list[Duty], int]:
    """The numbered items after the duty heading at `start`, up to the next heading."""
    head = lines[start]
    duties: list[Duty] = []
    style: str | None = None  # "a" 1. / "p" (1) / "c" (一)
    continued: dict[int, list[str]] = {}  # duty index → the lines that continue it (joined once, at the end)
    i = start + 1
    while i < len(lines):
        ln = lines[i]
        m = _DUTY_ITEM.match(ln.t.n)
        kind = next((k for k in "apc" if m and m.group(k)), None)
        if ln.level == 2 and _DUTY_HEADING.search(ln.title) and len(ln.title) <= 24:
            break  # "一、部门主要职责及内设机构" then "（一）主要职责": the duties are under the latter
        if ln.level is not None:
            # under a 一、 heading, duties may be numbered （一）（二）…: such a line is an item
            # unless it names the next topic (机构设置, 人员情况, 决算单位构成 …)
            item_c = (ln.level == 2 and head.level in (0, 1) and kind == "c" and style in (None, "c")
                      and not _ORG_TOPIC.search(ln.title))
            if not item_c:
                break
        if ln.zone != head.zone:
            break
        if kind and (style is None or kind == style):
            style = kind
            number = int(m.group(kind)) if kind != "c" else cn_int(m.group("c"))
            pieces = _inline_items(ln.t[m.end():], number)
            for n, text in pieces:
                duties.append(Duty(number=n, text=text.label, line=ln.line))
        elif duties:
            continued.setdefault(len(duties) - 1, []).append(ln.t.label)  # a duty continued on the next line
        else:
            for n, text in _inline_items(ln.t, None):  # "主要职责是：1.…；2.…"
                duties.append(Duty(number=n, text=text.label, line=ln.line))
                style = "a"
        i += 1
    for k, more in continued.items():
        duties[k].text += "".join(more)
    return duties, i


def _inline_items(t: PrintedText, first: int | None) -> list[tuple[int, PrintedText]]:
    """Items numbered inside one line ("…；2.负责…；3.…"), numbers in sequence; `first` is the
    number already read from the line's start (None: the line has no leading item)."""
    marks = []
    expect = (first + 1) if first is not None else 1
    for m in _INLINE_ITEM.finditer(t.n):
        if m.start() == 0 and first is None and int(m.group(1)) == 1:
            marks.append((1, m.start(), m.end()))
            expect = 2
        elif m.start() > 0 and int(m.group(1)) == expect:
            marks.append((expect, m.start(), m.end()))
            expect += 1
    if first is None:
        if len(marks) < 2:
            return []
        return [(n, t[e:(marks[k + 1][1] if k + 1 < len(marks) else len(t.n))].strip())
                for k, (n, s, e) in enumerate(marks)]
    out = [(first, t[:(marks[0][1] if marks else len(t.n))].strip())]
    out += [(n, t[e:(marks[k + 1][1] if k + 1 < len(marks) else len(t.n))].strip()) for k, (n, s, e) in enumerate(marks)]
    return out
