"""The running text of a disclosure → organization, per-subject execution lines and stated figures.

`read_narrative(rows, path, warnings)` reads the paragraph rows of a document (any layout
that yields `Row`s with paragraph=True for free text) and returns

* `Duty` records: the numbered items under a 部门职责 / 主要职能 heading;
* `UnitMention`s: the department (from the 概况 heading), its internal divisions and
  affiliated units ("内设16个职能科（室）：A、B…", "7个直属事业单位：…") and the units whose
  accounts are consolidated (决算单位构成: "…的单位共8个…具体是：" and the list after it);
* `SubjectLine`s: "1．X（类）Y（款）Z（项）。年初预算为…万元，支出决算为…万元，完成年初预算的…%。
  …主要原因是…";
* `Figure`s: every other number the narrative states, read by a small clause grammar:
  a sentence is cut into clauses on ，；：、, and in each clause a label is followed by a
  verb or measure word (为 / 是 / 预算 / 决算 / 增加 / 减少 / 占 / 完成…的 …) and one number, or a
  list of numbers ("各是A,B万元"), with its unit. A clause without a label of its own
  ("增长44.37%", "占99.91%", "支出决算为54.96万元") is about the label of the clause before it.

Nothing is chosen silently: a count that differs from the names listed, a subject line
that states one figure twice with different values, or a list of values that does not
match its labels is reported in `warnings` ("path:line: …").

All matching is done on a normalised copy of each line with the same length as the
printed text (full-width digits and punctuation to their ASCII forms, one character for
one character), so that names and labels are always sliced from the text as printed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cnbudget.loaders import vocab
from cnbudget.loaders.narrative.duties import read_duties
from cnbudget.loaders.narrative.lines import Line, disclosure_kind, paragraph_lines
from cnbudget.loaders.narrative.printed import CN_NUMERALS, NUMBER, PrintedText
from cnbudget.loaders.narrative.subjects import read_subject_line, subject_head
from cnbudget.loaders.narrative.units import read_department, read_units
from cnbudget.loaders.records import Duty, Figure, Row, SubjectLine, UnitMention
from cnbudget.loaders.text import parse_amount

__all__ = ["read_narrative"]

_MONEY = ("亿元", "万元", "千元", "元")
_COUNT_NOUN = {"人次": "人次", "辆": "车辆数", "台(套)": "台（套）数", "台": "台数", "套": "套数", "个": "个数",
               "人": "人数", "次": "次数", "批": "批次", "项": "项数", "家": "家数", "户": "户数", "名": "人数",
               "件": "件数"}
_UNIT_PRINT = {"台(套)": "台（套）", "台套": "台（套）"}


# --- figures: the clause grammar ----------------------------------------------------------------

_UNITS = r"个百分点|亿元|万元|千元|元|%|人次|台\(套\)|台套|辆|台|套|个|人|次|批|项|家|户|名|件"
_TOKEN = re.compile(rf"(?<![\dA-Za-z.\-])(?P<num>-?(?:{NUMBER}))\s*(?P<unit>{_UNITS})?")
_DATE_AFTER = re.compile(r"^\s*(?:年|月|日|号|时|周岁|岁)")  # 2020年, 10月: not figures
_THRESHOLD_AFTER = re.compile(r"^\s*(?:及)?(?:以上|以下|以内)")  # 单位价值50万元以上…: part of a label
_LIST_GAP = re.compile(r"\s*(?:,|、|和|及|与)\s*")
_RATE_WORD = re.compile(r"占(?!用)|比重|完成|执行率|完成率|(?:为|是|达到?)(?:年初|全年|调整后)?预算(?:数)?的"
                        r"|增长|增加|上升|提高|下降|减少|降低")
_CHANGE = re.compile(r"(增加|增长|上升|提高|减少|下降|降低|节约|节省|压减)了?$")
_DECREASE = ("减少", "下降", "降低", "节约", "节省", "压减")
_MEASURE_BUDGET = re.compile(r"(年初预算|全年预算|调整后预算|调整预算|预算安排|预算)(数)?$")
_MEASURE_ACTUAL = re.compile(r"(决算|执行|实际执行)(数)?$")
_FUND_BEFORE = re.compile(r"(一般公共|政府性基金|国有资本经营|社会保险基金|部门|单位|财政)$")
_TRAIL = re.compile(r"(为|是|:|达到|达|约为|约|共计|共有|共|各|均|分别为|分别是|分别|合计为|总计为|有)$")
_LEAD = re.compile(r"^(其中|另外|此外|同时|以及|及|和|主要用于以下方面|具体情况如下|我部门\(单位\)|我单位\(部门\)|我部门|"
                   r"我单位|我局|我委|我院|本部门|本单位|全年|累计|共有|共计|共)+")
_COMPARE = re.compile(r"^(?:与|较|比|相比|同比)\s*(?:上年度?|上一年度?|去年|上年同期|\d{4}\s*年度?)?(?:同期)?"
                      r"(?:年初)?(?:预算|决算|执行)?(?:数)?(?:相比|比较|对比)?")
_YEAR_LEAD = re.compile(r"^.*\d{4}\s*年(?:度|末|期末|底|初|全年)?")
_PUNCT_LEAD = re.compile(r"^[,、:的]+")
_PUNCT_TRAIL = re.compile(r"[,、:的]+$")
_GENERIC = {"", "支出", "收入", "其中", "各", "均", "累计", "共", "其他"}
_SKIP_SUB = re.compile(r"自评结果|评价结果|自评表|评价报告|重点绩效|绩效目标")
_ORDINAL_LEAD = re.compile(rf"^\s*(?:\(\s*[{CN_NUMERALS}\d]+\s*\)|\d{{1,3}}\s*[.、](?!\d)|[{CN_NUMERALS}]+\s*、)\s*")
# a clause that ends with a figure ("…用车0辆", "…团组0个（不含…）"): a 、 after it starts the next clause
_FIGURE_END = re.compile(rf"\d\s*(?:{_UNITS})?\s*(?:\([^()]*\))?\s*$")


@dataclass
class _Subject:
    """What the clauses after a figure are about, when they name nothing themselves."""
    labels: list[str]
    phase: str | None
    unit: str


@dataclass
class NumberGroup:
    start: int
    end: int
    values: list[Decimal]
    unit: str | None


def sentence_clauses(t: PrintedText) -> list[list[PrintedText]]:
    """Sentences on 。 (and on a '.' that is not a decimal point), clauses on , ; : and on a
    、 that follows a figure; never on a comma between digits (1,234.5 or 4125.49,4143.91)."""
    n = t.n
    sentences, clauses, start = [], [], 0

    def close(i: int, end_sentence: bool):
        nonlocal start, clauses
        c = t[start:i].strip()
        if c:
            clauses.append(c)
        start = i + 1
        if end_sentence and clauses:
            sentences.append(clauses)
            clauses = []

    for i, ch in enumerate(n):
        between_digits = i > 0 and n[i - 1].isdigit() and i + 1 < len(n) and n[i + 1].isdigit()
        if ch in "。!?？" or (ch == "." and not between_digits):
            close(i, True)
        elif ch in ";:" or (ch == "," and not between_digits):
            close(i, False)
        elif ch == "、" and _FIGURE_END.search(n[start:i]) and not (i + 1 < len(n) and n[i + 1].isdigit()):
            close(i, False)
    close(len(n), True)
    return sentences


def number_groups(c: PrintedText) -> list[NumberGroup]:
    """The numbers of a clause, those printed as one list sharing a unit grouped
    ("4125.49,4143.91万元", "23.51%、38.28%", "A万元和B万元")."""
    toks = []
    for m in _TOKEN.finditer(c.n):
        unit = m.group("unit")
        after = c.n[m.end():]
        if not unit and _DATE_AFTER.match(c.n[m.end("num"):]):
            continue
        if unit and _THRESHOLD_AFTER.match(after):
            continue
        if m.start() > 0 and c.n[m.start() - 1] == "第":
            continue
        value = parse_amount(m.group("num"))
        if value is None:
            continue
        toks.append((m.start(), m.end() if unit else m.end("num"), value, unit))
    groups: list[list[tuple]] = []
    for tok in toks:
        if groups:
            prev = groups[-1][-1]
            if _LIST_GAP.fullmatch(c.n[prev[1]:tok[0]]) and (prev[3] is None or prev[3] == tok[3]):
                groups[-1].append(tok)
                continue
        groups.append([tok])
    return [NumberGroup(g[0][0], g[-1][1], [x[2] for x in g], g[-1][3]) for g in groups]


def _bare_label(t: PrintedText) -> PrintedText:
    """A label without what surrounds it in the sentence: comparison (与上年度相比, 比2023年预算),
    the year (2020年度), the speaker (我部门), connectors (其中, 共, 为, 各 …)."""
    prev = None
    while prev is None or prev.n != t.n:
        prev = t
        t = t.strip().cut_prefix(_COMPARE).cut_prefix(_YEAR_LEAD).cut_prefix(_LEAD).cut_prefix(_PUNCT_LEAD)
        t = t.cut_suffix(_TRAIL).cut_suffix(_PUNCT_TRAIL)
    if t.n.endswith("费支出"):  # 公务接待费支出 is 公务接待费
        t = t[:len(t.n) - 2]
    return t


def _split_label(label: str, n_values: int) -> list[str]:
    """收、支总计 → 收入总计, 支出总计; "A、B" (or A和B) → A, B when as many values follow."""
    m = re.match(r"^(?P<pre>.*?)(?P<a>收入|收|支出|支)、(?P<b>收入|收|支出|支)(?P<post>.+)$", label)
    if m:
        full = {"收": "收入", "收入": "收入", "支": "支出", "支出": "支出"}
        return [m.group("pre") + full[m.group(k)] + m.group("post") for k in ("a", "b")]
    if n_values > 1:
        parts = [p for p in re.split(r"、|和|及", label) if p]
        if len(parts) == n_values:
            return parts
    return [label]


def _vocab_item(label: str) -> str | None:
    candidates = [label]
    if label.endswith("支出"):
        candidates.append(label[:-2])
    for fund in ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款", "财政拨款"):
        if label.startswith(fund) and len(label) > len(fund):
            candidates.append(label[len(fund):])
    for c in candidates:
        item = vocab.item_for(c)
        if item:
            return item
    return None


def figures_in_line(ln: Line, kind: str, path: str, warnings: list[str], about: str | None = None) -> list[Figure]:
    """The figures a line states; `about`: the subject a line names before its figures (a
    subject line not read as budget against actual)."""
    default_measure, default_phase = ("决算", "executed") if kind == "final" else ("预算", "approved")
    section = ln.section or ln.part
    out: list[Figure] = []
    last: dict[str, _Subject | None] = {"money": None, "count": None, "any": None}
    if about:
        last["money"] = last["any"] = _Subject([about], None, "万元")
    for clauses in sentence_clauses(ln.t.cut_prefix(_ORDINAL_LEAD)):
        for c in clauses:
            prev_end = 0
            groups = number_groups(c)
            for k, g in enumerate(groups):
                text = c[prev_end:g.start].strip()
                after = c[g.end:(groups[k + 1].start if k + 1 < len(groups) else len(c.n))]
                prev_end = g.end
                read = _read_group(text, after, g, last, default_measure, default_phase)
                if read is None:
                    continue
                labels, measure, unit, sign, phase = read
                if not labels:
                    warnings.append(f"{path}:{ln.line}: {c.label!r}: a figure without a label; not read")
                    continue
                values = g.values
                if len(values) == 1:
                    pairs = [(x, values[0]) for x in labels]
                elif len(values) == len(labels):
                    pairs = list(zip(labels, values))
                else:
                    warnings.append(f"{path}:{ln.line}: {c.label!r}: {len(values)} figures for "
                                    f"{len(labels)} label(s) {labels}; not read")
                    continue
                printed_unit = _UNIT_PRINT.get(unit, unit)
                for lab, v in pairs:
                    out.append(Figure(section=section, label=lab, measure=measure, amount=v * sign,
                                      unit=printed_unit, line=ln.line, item=_vocab_item(lab), phase=phase))
                if unit not in ("%", "个百分点"):
                    subject = _Subject(labels, phase, unit)
                    last["money" if unit in _MONEY else "count"] = last["any"] = subject
    return out


def _read_group(text: PrintedText, after: PrintedText, g: NumberGroup, last: dict, default_measure: str, default_phase: str):
    """(labels, measure, unit, sign, phase) for the numbers of one group, `text`
    being the clause before them and `after` the rest up to the next number; None: not a figure."""
    unit = g.unit
    rate_m = _RATE_WORD.search(text.n)
    if unit is None:
        if not rate_m:
            return None  # a bare number (图1, a table cell) is not a figure
        unit = "%"  # "完成年初预算的109.82": the % sign left out
    sign = 1
    if unit in ("%", "个百分点"):
        if rate_m:
            word = rate_m.group(0)
            label_t = _bare_label(text[:rate_m.start()])
            if word in ("占", "比重"):
                measure = "占比"
            elif word in ("增长", "增加", "上升", "提高"):
                measure = "增长率"
            elif word in _DECREASE:
                measure, sign = "下降率", -1
            else:
                measure = "完成率"
        else:
            label_t, measure = _bare_label(text), "比率"
        if unit == "个百分点":
            measure = "增减百分点"
        inherit_from = last["any"]
        phase = None if measure == "完成率" else default_phase
        own_phase = False
    else:
        money = unit in _MONEY
        measure = phase = None
        work = text.strip().cut_suffix(_TRAIL)
        cm = _CHANGE.search(work.n)
        if cm:
            measure = "减少" if cm.group(1) in _DECREASE else "增加"
            sign = -1 if measure == "减少" else 1
            work = work[:cm.start()].strip().cut_suffix(_TRAIL).cut_prefix(_COMPARE)
        else:
            work = _bare_label(work)
            for rx, name, ph in ((_MEASURE_BUDGET, "预算", "approved"), (_MEASURE_ACTUAL, "决算", "executed")):
                mm = rx.search(work.n)
                if mm and not _FUND_BEFORE.search(work.n[:mm.start()]):
                    measure, phase = name, ph
                    work = work[:mm.start()]
                    break
        label_t = _bare_label(work)
        inherit_from = last["money" if money else "count"]
        own_phase = phase is not None
        if measure is None:
            key = label_t.n
            if re.search(r"(总计|总额)$", key):
                measure = "总计"
            elif key.endswith("合计"):
                measure = "合计"
            else:
                measure = default_measure if money else "数量"
        if not money:
            phase = None
        elif phase is None:
            phase = default_phase
    label = label_t.label
    if unit not in _MONEY and unit not in ("%", "个百分点"):
        noun = _bare_label(after.cut_suffix(re.compile(r"\(.*$")))
        if noun and not re.search(r"\d", noun.n):  # "共接待17个团组": the noun follows the count
            label = (label if label not in _GENERIC else "") + noun.label
    if label not in _GENERIC:
        return _split_label(label, len(g.values)), measure, unit, sign, phase
    if inherit_from is None:
        return ([label] if label else []), measure, unit, sign, phase
    labels = list(inherit_from.labels)
    if unit not in _MONEY and unit not in ("%", "个百分点") and unit != inherit_from.unit:
        # "团组数0个，累计0人次": the persons of the same subject
        labels = [re.sub(r"(团组数|团组|批次|人数|数量|个数|数)$", "", x) + _COUNT_NOUN.get(unit, unit) for x in labels]
    if not own_phase and measure not in ("完成率", "数量") and inherit_from.phase:
        phase = inherit_from.phase
    return labels, measure, unit, sign, phase


# --- entry point ------------------------------------------------------------------------------------

def read_narrative(rows: list[Row], path: str, warnings: list[str]
                   ) -> tuple[list[Duty], list[UnitMention], list[SubjectLine], list[Figure]]:
    """Organization, per-subject execution lines and stated figures from the paragraph rows."""
    lines = paragraph_lines(rows)
    duties, duty_line = read_duties(lines, path, warnings)
    units = read_department(lines, duty_line, path, warnings) + read_units(lines, path, warnings)
    kind = disclosure_kind(lines)
    subjects: list[SubjectLine] = []
    figures: list[Figure] = []
    for ln in lines:
        if ln.zone != "narrative" or ln.level is not None:
            continue
        if re.search(r"绩效", ln.section) and _SKIP_SUB.search(ln.sub):
            continue  # per-unit and per-project evaluation results are read elsewhere
        head = subject_head(ln.t)
        s = read_subject_line(ln, head, len(subjects) + 1, path, warnings) if head else None
        if s:
            subjects.append(s)
            continue
        figures += figures_in_line(ln, kind, path, warnings, head.name if head else None)
    return duties, units, subjects, figures
