"""The units of the overview: the department (from the 概况 heading), its internal divisions and
affiliated units ("内设16个职能科（室）：A、B…", "7个直属事业单位：…") and the units whose accounts
are consolidated (决算单位构成: "…的单位共8个…具体是：" and the list after it).

A count that differs from the names listed is reported in `warnings`.
"""
from __future__ import annotations

import re

from cnbudget.loaders.narrative.lines import Line
from cnbudget.loaders.narrative.printed import CN_NUMERALS, PrintedText, cn_int
from cnbudget.loaders.records import UnitMention

# the overview heading that names the department: "一、X概况", "第一部分 X2020年度部门基本情况"
_DEPT_HEADING = re.compile(r"^\s*(?:第\s*[一1]\s*部分|[一1]\s*[、.])\s*(?P<name>.+?)\s*(?:(?:19|20)\d{2}\s*年度?)?"
                           r"\s*(?:部门|单位)?\s*(?:基本)?(?:概况|基本情况)\s*$")

# a count and its list: "内设3个科室：A、B、C", "7个直属事业单位，分别是A、B…"
_COUNT_LIST = re.compile(
    rf"(?P<pre>内设|下设|设有|设立|共设|设|下属|所属|直属|共有|有)?\s*(?P<n>\d+|[{CN_NUMERALS}]+)\s*个\s*"
    r"(?P<noun>[^,;:。、\d]{1,20}?)\s*(?:,\s*)?"
    r"(?::|(?:分别为|分别是|分别有|包括|具体为|具体是|具体包括|即)\s*:?)\s*(?P<list>[^。;]+)")
# "内设办公室、综合科、业务科3个科室". The list up to its first 、 is an atomic group: where no count follows
# the list, the ends tried after the first 、 are all the ends there are, and trying them again from each
# later 、 made a long list quadratic
_LIST_COUNT = re.compile(
    rf"(?P<pre>内设|下设|设有|设|下属|所属|直属|包括)\s*(?P<list>(?>[^。;:,]+?、)[^。;:,]+?)\s*(?:等|共)?\s*"
    rf"(?P<n>\d+|[{CN_NUMERALS}]+)\s*个\s*(?P<noun>[^,;:。、\d]{{1,12}}?)(?=[,;。]|$)")
# a count without its list: "内设16个职能科（室）和7个直属事业单位。"
_COUNT_ONLY = re.compile(rf"(?P<pre>内设|下设|设有|设|下属|所属|直属|和|及)?\s*(?P<n>\d+|[{CN_NUMERALS}]+)\s*个\s*"
                         r"(?P<noun>[^,;:。、\d和及]{1,12}?)(?=[,;:。和及]|$)")
_AFFILIATED = re.compile(r"单位|直属|下属|所属|二级")
_DIVISION = re.compile(r"科|室|处|股|机构|部门|办|组|队|所|中心")
# the units within the accounts: "纳入本部门2020年度决算编制范围的单位共8个…具体是："
_BUDGET_TRIGGER = re.compile(r"编制范围|决算单位|预算单位|单位构成|纳入.*?(?:决算|预算)")
_BUDGET_COUNT = re.compile(rf"共(?:有|计)?\s*(\d+|[{CN_NUMERALS}]+)\s*(?:个|家)")
_ENDS_INTRO = re.compile(r"(?:(?:具体是|具体为|具体包括|包括|分别是|分别为|如下)\s*:?|:)\s*$")
_LIST_AFTER = re.compile(r"(?:具体是|具体为|具体包括|分别是|分别为|包括|如下)\s*:?|:")
_NUMBERED = re.compile(r"^\s*(?:\(\s*\d{1,3}\s*\)|\d{1,3}\s*[.、](?!\d))\s*")


def read_department(lines: list[Line], duty_line: int | None, path: str, warnings: list[str]) -> list[UnitMention]:
    """The department a 概况 heading names ("一、焦作市生态环境局概况"); `duty_line`: where the duties are read."""
    found: list[tuple[Line, str]] = []
    for ln in lines:
        if ln.level not in (0, 1):
            continue
        m = _DEPT_HEADING.match(ln.t.n)
        if not m:
            continue
        name = ln.t[m.start("name"):m.end("name")].label
        if name and name not in ("部门", "单位", "本部门", "本单位"):
            found.append((ln, name))
    if not found:
        return []
    # a table of contents repeats the heading: take the one the duties follow, else the last
    before = [f for f in found if duty_line is not None and f[0].line <= duty_line]
    ln, name = before[-1] if before else found[-1]
    others = {n for _, n in found if n != name}
    if others:
        warnings.append(f"{path}:{ln.line}: the overview headings name different departments: "
                        f"{name!r} and {', '.join(sorted(others))!r}")
    return [UnitMention(name=name, role="department", line=ln.line)]


def _split_names(t: PrintedText) -> list[PrintedText]:
    """A list of names separated by 、 (or ，；), not splitting inside brackets."""
    parts, depth, start = [], 0, 0
    seps = "、" if "、" in t.n else ",;"
    for i, ch in enumerate(t.n):
        if ch in "(（[【《“":
            depth += 1
        elif ch in ")）]】》”" and depth:
            depth -= 1
        elif ch in seps and depth == 0:
            parts.append(t[start:i])
            start = i + 1
    parts.append(t[start:])
    out = []
    for p in parts:
        p = p.strip().cut_suffix(re.compile(r"[。.,;:：、\s]+$"))
        p = p.cut_suffix(re.compile(r"等$")) if p.n.endswith("等") and len(p.n) > 2 else p
        if p:
            out.append(p)
    return out


def _role(noun: str, pre: str = "") -> str | None:
    """affiliated (单位, 直属 …) or division (科, 室 …) by the noun counted and the verb before it; None: neither."""
    if _AFFILIATED.search(noun) or _AFFILIATED.search(pre):
        return "affiliated"
    if _DIVISION.search(noun):
        return "division"
    return None


def read_units(lines: list[Line], path: str, warnings: list[str]) -> list[UnitMention]:
    """The divisions, affiliated units and units within the accounts the overview lists, each
    numbered in the order listed within its role."""
    out: list[UnitMention] = []
    order = {"division": 0, "affiliated": 0, "budget-unit": 0}
    summary: dict[str, tuple[int, str, int]] = {}  # role → (count, as printed, line) from "内设16个科室和7个直属单位。"
    i = 0
    while i < len(lines):
        ln = lines[i]
        if ln.zone == "narrative" or ln.level is not None:
            i += 1
            continue
        stated, names, after = _budget_unit_list(lines, i)
        if names:
            for t, line in names:
                order["budget-unit"] += 1
                out.append(UnitMention(t.label, "budget-unit", line, order["budget-unit"]))
            if stated is not None and stated != len(names):
                warnings.append(f"{path}:{ln.line}: states {stated} units within the accounts but lists "
                                f"{len(names)}")
            i = after
            continue
        if not _read_counted_lists(ln, order, out, path, warnings):
            _note_counts(ln, summary)
        i += 1
    for role, (count, printed, line) in summary.items():
        listed_n = order[role]
        if listed_n and listed_n != count:
            warnings.append(f"{path}:{line}: states {printed} but {listed_n} are listed")
    return out


def _budget_unit_list(lines: list[Line], i: int) -> tuple[int | None, list[tuple[PrintedText, int]], int]:
    """The units within the accounts that line `i` introduces, listed after it on the line or
    numbered on the lines below: (count stated, [(name, line)], index of the line after the list);
    no names when the line introduces none."""
    ln = lines[i]
    n = ln.t.n
    names: list[tuple[PrintedText, int]] = []
    j = i + 1
    if not (_BUDGET_TRIGGER.search(n) and (_BUDGET_COUNT.search(n) or _ENDS_INTRO.search(n))):
        return None, names, j
    count_m = _BUDGET_COUNT.search(n)
    stated = cn_int(count_m.group(1)) if count_m else None
    intro = list(_LIST_AFTER.finditer(n))
    inline = ln.t[intro[-1].end():].strip() if intro else PrintedText("")
    if inline and stated is not None:
        names = [(p, ln.line) for p in _split_names(inline)]
    elif not inline and intro:
        while j < len(lines) and lines[j].level is None and _NUMBERED.match(lines[j].t.n):
            item = lines[j].t.cut_prefix(_NUMBERED).cut_suffix(re.compile(r"[。;,]+$"))
            if item:
                names.append((item, lines[j].line))
            j += 1
    return stated, names, j


def _read_counted_lists(ln: Line, order: dict[str, int], out: list[UnitMention], path: str,
                        warnings: list[str]) -> bool:
    """The divisions and affiliated units a line lists with their count ("内设3个科室：A、B、C",
    "内设A、B、C3个科室"), added to `out`; False when it lists none."""
    n = ln.t.n
    listed = False
    matches = sorted((m for rx in (_COUNT_LIST, _LIST_COUNT) for m in rx.finditer(n)
                      if _role(m.group("noun"), m.group("pre") or "")), key=lambda m: m.start())
    taken_to = 0
    for m in matches:
        if m.start() < taken_to:
            continue  # overlaps a list already read
        taken_to = m.end()
        role = _role(m.group("noun"), m.group("pre") or "")
        listed = True
        stated = cn_int(m.group("n"))
        names = _split_names(ln.t[m.start("list"):m.end("list")])
        for t in names:
            order[role] += 1
            out.append(UnitMention(t.label, role, ln.line, order[role]))
        if stated is not None and stated != len(names):
            printed = ln.t[m.start("n"):m.end("noun")].label
            warnings.append(f"{path}:{ln.line}: states {printed} but lists {len(names)} names")
    return listed


def _note_counts(ln: Line, summary: dict[str, tuple[int, str, int]]) -> None:
    """The first count stated without its list for each role ("内设16个职能科（室）和7个直属事业单位。"),
    to compare with the names listed elsewhere."""
    n = ln.t.n
    for m in _COUNT_ONLY.finditer(n):
        role = _role(m.group("noun"), m.group("pre") or "")
        if role and role not in summary and cn_int(m.group("n")) is not None:
            summary[role] = (cn_int(m.group("n")), ln.t[m.start("n"):m.end("noun")].label, ln.line)
