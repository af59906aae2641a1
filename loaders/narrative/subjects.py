"""Per-subject execution lines: "1．X（类）Y（款）Z（项）。年初预算为…万元，支出决算为…万元，完成年初预算的…%。
…主要原因是…" → `SubjectLine` (budget against actual, the stated rate and the reason).

A line that states one figure twice with different values, or only one of budget and actual,
is not read as budget against actual, and says so in `warnings`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cnbudget.loaders.narrative.lines import Line
from cnbudget.loaders.narrative.printed import NUMBER, PrintedText
from cnbudget.loaders.records import SubjectLine

_SUBJ_NUM = re.compile(r"^\s*(?:(\d{1,3})\s*[.、](?!\d)|\(\s*(\d{1,3})\s*\))\s*")
_CLASS_MARK = re.compile(r"\(\s*类\s*\)")
_SECTION_MARK = re.compile(r"\(\s*款\s*\)")
_ITEM_MARK = re.compile(r"\(\s*项\s*\)")
_HEAD_END = re.compile(r"[。,;:]|年初预算|全年预算|调整后预算|预算数|预算为")
_AMT_UNIT = rf"(?P<v>{NUMBER})\s*(?P<u>亿元|万元|千元|元)"
_BUDGET = re.compile(rf"(?:年初预算|全年预算|调整后预算|预算)(?:支出)?(?:数)?\s*(?:为|是|:)?\s*{_AMT_UNIT}")
_ACTUAL = re.compile(rf"(?:支出决算|决算|执行数|实际支出|支出)(?:数)?\s*(?:为|是|:)?\s*{_AMT_UNIT}")
_RATE = re.compile(rf"(?:(?:完成|执行)了?(?:年初|全年|调整后)?预算(?:数)?的?\s*(?:比例)?\s*(?:为|是)?"
                   rf"|(?:为|是|达到?|占)(?:年初|全年|调整后)?预算(?:数)?的)\s*(?P<v>{NUMBER})\s*(?P<p>%)?"
                   rf"|(?:预算)?(?:完成率|执行率)\s*(?:为|是|:)?\s*(?P<v2>{NUMBER})\s*(?P<p2>%)?")
_REASON = re.compile(r"(?:主要)?原因(?:主要)?(?:是|为|有|在于)?\s*:?")


@dataclass
class SubjectHead:
    """The subject a line names, and where its figures begin."""
    number: int | None
    class_name: str
    section_name: str
    item_name: str
    end: int  # where the names end and the figures begin

    @property
    def name(self) -> str:
        return "".join(f"{n}（{lvl}）" for n, lvl in
                       ((self.class_name, "类"), (self.section_name, "款"), (self.item_name, "项")) if n)


def subject_head(t: PrintedText) -> SubjectHead | None:
    """The names of "1．X（类）Y（款）Z（项）。年初预算…" (款 and 项 may be missing)."""
    cm = _CLASS_MARK.search(t.n)
    if not cm:
        return None
    m = _SUBJ_NUM.match(t.n)
    start = m.end() if m else 0
    if cm.start() <= start or not re.search(r"预算|决算", t.n[cm.end():]):
        return None
    end_m = _HEAD_END.search(t.n, cm.end())
    head_end = end_m.start() if end_m else len(t.n)
    class_name = t[start:cm.start()].label
    if not class_name or re.search(r"预算|决算|\d", class_name):
        return None
    section_name = item_name = ""
    pos = cm.end()
    sm = _SECTION_MARK.search(t.n, pos, head_end)
    if sm:
        section_name = t[pos:sm.start()].label
        pos = sm.end()
    im = _ITEM_MARK.search(t.n, pos, head_end)
    if im:
        item_name = t[pos:im.start()].label
    number = int(m.group(1) or m.group(2)) if m else None
    return SubjectHead(number, class_name, section_name, item_name, head_end)


def read_subject_line(ln: Line, head: SubjectHead, ordinal: int, path: str, warnings: list[str]) -> SubjectLine | None:
    """Budget against actual from a line whose subject `head` names; `ordinal`: its number when it prints
    none. None when the line does not state one budget and one actual (and one rate, if any)."""
    t = ln.t
    head_end = head.end
    class_name, section_name, item_name = head.class_name, head.section_name, head.item_name
    reason_m = _REASON.search(t.n, head_end)
    body_end = reason_m.start() if reason_m else len(t.n)
    body = t.n[head_end:body_end]
    budgets, actuals = _budgets_and_actuals(body)
    rates = list(_RATE.finditer(body))
    name = head.name
    if not budgets or not actuals:
        if budgets or actuals:
            warnings.append(f"{path}:{ln.line}: subject line {name} states "
                            f"{'no actual' if budgets else 'no budget'}; not read as budget against actual")
        return None
    for what, values in (("budget", budgets), ("actual", actuals)):
        if len({v for v in values}) > 1:
            warnings.append(f"{path}:{ln.line}: subject line {name} states {len(values)} different {what} figures "
                            f"({', '.join(f'{v}{u}' for v, u in values)}); not read")
            return None
    if len({(r.group("v") or r.group("v2")) for r in rates}) > 1:
        warnings.append(f"{path}:{ln.line}: subject line {name} states different execution rates; not read")
        return None
    (budget, bu), (actual, au) = budgets[0], actuals[0]
    unit = bu
    if bu != au:
        factor = {"元": 1, "千元": 1000, "万元": 10000, "亿元": 100000000}
        warnings.append(f"{path}:{ln.line}: subject line {name} states the budget in {bu} and the actual in {au}; "
                        "both read in 元")
        budget, actual, unit = budget * factor[bu], actual * factor[au], "元"
    stated, stated_text = _stated_rate(t, head_end, rates)
    number = head.number if head.number is not None else ordinal
    reason = t[reason_m.end():].label if reason_m else ""
    return SubjectLine(number=number, class_name=class_name, section_name=section_name, item_name=item_name,
                       budget=budget, actual=actual, stated_rate=stated, stated_rate_text=stated_text,
                       reason=reason, line=ln.line, unit=unit)


def _budgets_and_actuals(body: str) -> tuple[list[tuple[Decimal, str]], list[tuple[Decimal, str]]]:
    """The budget and the actual amounts a line's figures state, each with its unit."""
    budgets = [(Decimal(x.group("v").replace(",", "")), x.group("u")) for x in _BUDGET.finditer(body)]
    # "年初预算支出为X" is the budget: an actual must not follow 预算 directly
    # (what r"预算(?:数)?$" finds in body[:x.start()], without slicing the line at every match)
    actuals = [(Decimal(x.group("v").replace(",", "")), x.group("u")) for x in _ACTUAL.finditer(body)
               if not body.endswith(("预算", "预算数", "预算\n", "预算数\n"), 0, x.start())]
    return budgets, actuals


def _stated_rate(t: PrintedText, head_end: int, rates: list[re.Match]) -> tuple[Decimal | None, str | None]:
    """The first execution rate the figures state (they begin at `head_end`), as a number and as
    printed (with its % sign when one is printed)."""
    stated = stated_text = None
    if rates:
        r = rates[0]
        g = "v" if r.group("v") else "v2"
        p = "p" if g == "v" else "p2"
        stated = Decimal(r.group(g).replace(",", ""))
        stated_text = t.o[head_end + r.start(g):head_end + (r.end(p) if r.group(p) else r.end(g))]
    return stated, stated_text
