"""Figures of the explanatory sections (三公, 机关运行经费, 政府采购, 国有资产, the totals paragraphs …):
every number the narrative states, read by a small clause grammar into `Figure` records.

A sentence is cut into clauses on ，；：、 (clauses.py), and in each clause a label is followed by a
verb or measure word (为 / 是 / 预算 / 决算 / 增加 / 减少 / 占 / 完成…的 …) and one number, or a list of
numbers ("各是A,B万元"), with its unit. A clause without a label of its own ("增长44.37%", "占99.91%",
"支出决算为54.96万元") is about the label of the clause before it. A list of values that does not
match its labels is reported in `warnings`, not read.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cnbudget.loaders import vocab
from cnbudget.loaders.narrative.clauses import NumberGroup, number_groups, sentence_clauses
from cnbudget.loaders.narrative.lines import Line
from cnbudget.loaders.narrative.printed import CN_NUMERALS, PrintedText
from cnbudget.loaders.records import Figure

_MONEY = ("亿元", "万元", "千元", "元")
MONEY_UNITS = _MONEY
# what a count in this unit counts, named after the subject it continues ("团组数0个，累计0人次")
_COUNT_NOUN = {"人次": "人次", "辆": "车辆数", "台(套)": "台（套）数", "台": "台数", "套": "套数", "个": "个数",
               "人": "人数", "次": "次数", "批": "批次", "项": "项数", "家": "家数", "户": "户数", "名": "人数",
               "件": "件数"}
# units as printed in the records (matched on the normal form)
_UNIT_PRINT = {"台(套)": "台（套）", "台套": "台（套）"}
_RATE_WORD = re.compile(r"占(?!用)|比重|完成|执行率|完成率|(?:为|是|达到?)(?:年初|全年|调整后|调整)?预算(?:数)?的"
                        r"|增长|增加|上升|提高|下降|减少|降低")
_CHANGE = re.compile(r"(增加|增长|上升|提高|减少|下降|降低|节约|节省|压减|增收|增支|减收|减支"
                     r"|(?:大于|超过|超出|多于|小于|低于|少于)(?:年初|调整后)?预算数?)了?$")
_DECREASE = ("减少", "下降", "降低", "节约", "节省", "压减", "减收", "减支", "小于", "低于", "少于")
_MEASURE_WORD = re.compile(r"(决算|预算|执行)数?$")  # 决算数大于预算数55.93万元: the subject's, not a label
# 申请预算资金90万元 is a budget, 完成预算资金89.97万元 an actual
_MEASURE_BUDGET = re.compile(r"(年初预算|全年预算|调整后预算|调整预算|预算安排|(?<!完成|执行|使用)预算)(数|资金)?$")
_MEASURE_ACTUAL = re.compile(r"(决算支出|决算|执行|实际执行|(?:完成|执行|使用)预算)(数|资金)?$")
_REVISED = re.compile(r"调整(?:预算)?后")
_FUND_BEFORE = re.compile(r"(一般公共|政府性基金|国有资本经营|社会保险基金|部门|单位|财政)$")
_TRAIL = re.compile(r"(为|是|:|达到|达|约为|约|共计|共有|共|各|均|分别为|分别是|分别|合计为|总计为|有)$")
_LEAD = re.compile(r"^(其中|含|包括|包含|另外|此外|同时|以及|及|和|主要用于以下方面|具体情况如下|我部门\(单位\)|我单位\(部门\)|我部门|"
                   r"我单位|我局|我委|我院|本部门|本单位|全年|累计|共有|共计|共)+")
_COMPARE = re.compile(r"^(?:与|较|比|相比|同比)\s*(?:上年度?|上一年度?|去年|上年同期|\d{4}\s*年度?)?(?:同期)?"
                      r"(?:年初)?(?:预算|决算|执行)?(?:数)?(?:相比|比较|对比)?")
_YEAR_LEAD = re.compile(r"^.*\d{4}\s*年(?:度|末|期末|底|初|全年)?")
_PUNCT_LEAD = re.compile(r"^[,、:的]+")
# the body speaking, named with its short form: 红河州数据发展中心(以下简称“州数据发展中心”)实施项目
_SPEAKER = re.compile(r"^.*?\(以下简称[^()]*\)")
# a count's noun ends where the next thing is joined on: 28个展区以及174台拼接屏
_NOUN_TRAIL = re.compile(r"(?:以及|及|和|与|并)$")
_PUNCT_TRAIL = re.compile(r"[,、:的]+$")
# labels that name nothing of their own: such a clause is about the subject before it
_GENERIC = {"", "支出", "收入", "其中", "各", "均", "累计", "共", "其他"}
# the number a line starts with: "（一）", "1.", "一、"
_ORDINAL_LEAD = re.compile(rf"^\s*(?:\(\s*[{CN_NUMERALS}\d]+\s*\)|\d{{1,3}}\s*[.、](?!\d)|[{CN_NUMERALS}]+\s*、)\s*")


@dataclass
class _Subject:
    """What the clauses after a figure are about, when they name nothing themselves."""
    labels: list[str]
    phase: str | None
    unit: str
    measure: str | None = None
    values: tuple = ()


def _bare_label(t: PrintedText) -> PrintedText:
    """A label without what surrounds it in the sentence: comparison (与上年度相比, 比2023年预算),
    the year (2020年度), the speaker (我部门), connectors (其中, 共, 为, 各 …)."""
    prev = None
    while prev is None or prev.n != t.n:
        prev = t
        t = t.strip().cut_prefix(_COMPARE).cut_prefix(_YEAR_LEAD).cut_prefix(_LEAD).cut_prefix(_PUNCT_LEAD)
        t = t.cut_prefix(_SPEAKER).cut_suffix(_TRAIL).cut_suffix(_PUNCT_TRAIL)
        if t.n.startswith("(") and ")" not in t.n:  # (含1个项目: the bracket opened before the label
            t = t[1:]
        if t.n.endswith(")") and "(" not in t.n:  # …项目5个): closed after it
            t = t[:-1]
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
    """The vocabulary item a label names, also read without 支出 after it or a fund before it."""
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


def figures_in_line(ln: Line, kind: str, path: str, warnings: list[str], about: str | None = None,
                    carried: list | None = None) -> list[Figure]:
    """The figures a line states; `about`: the subject a line names before its figures (a
    subject line not read as budget against actual); `carried`: one slot holding the whole a line ending in
    其中: opens for the next line's parts (…缴费支出 150384 元,其中: / 基本支出 150384 元,项目支出 0元。)."""
    defaults = ("决算", "executed") if kind == "final" else ("预算", "approved")
    out: list[Figure] = []
    # what a clause that names nothing is about: the last subject of an amount, of a count, of either
    last: dict[str, _Subject | None] = {"money": None, "count": None, "any": None}
    if about:
        last["money"] = last["any"] = _Subject([about], None, "万元")
    # the subject an inclusion (含 A …, B …; 其中: A …, B …) lists parts of
    whole = carried[0] if carried else None
    opening = whole is not None
    ends_open = False
    opened = None  # the subject before a bracket (A 500万元(其中 B …, C …),占…%): what follows it is A's again
    for clauses in sentence_clauses(ln.t.cut_prefix(_ORDINAL_LEAD)):
        for i, c in enumerate(clauses):
            if whole is not None and not opening and (i == 0 or _after_semicolon(ln.t.n, c.at)):
                last["money"] = last["any"] = whole  # 含A 250万元,B 537.31万元;比2012年预算增加…: the whole again
                whole = None
            opening = False
            if i == 0:
                opened = None
            elif opened is not None and _after_bracket(ln.t.n, c.at):
                last["money"] = last["any"] = opened
                opened = whole = None
            ends_open = whole is None and bool(_INCLUDES.fullmatch(c.n)) and last["money"] is not None
            if whole is None and _INCLUDES.match(c.n):
                whole = last["money"]
            out += _clause_figures(c, ln, last, defaults, path, warnings, whole)
            if c.n.count("(") > c.n.count(")") and last["money"] is not None:
                opened = last["money"]
    if carried is not None:
        carried[0] = whole if ends_open and ln.t.n.rstrip().endswith(":") else None
    return out


# the columns a 支出 breaks into by its nature (基本支出 | 项目支出 | 经营支出 … of the expenditure tables)
_NATURE_PARTS = re.compile(r"(?:基本|项目|項目|经营|經營|上缴上级|上繳上級|对附属单位补助|對附屬單位補助)支出")
# a whole that is the unit's own spending: its 基本支出 and 项目支出 are the unit's, rows of their own
_UNIT_TOTAL = re.compile(r"^(?:本年度?|本|全年)?(?:[单單]位|部[门門])?(?:支出|总支出|總支出)(?:[合总總][计計]|总额|總額)?$")


def _part_of(whole: _Subject | None, label: str) -> str | None:
    """The whole a part names, when `label` is a nature column (基本支出, 项目支出) of a whole that is a fund's
    or a subject's spending (一般公共预算拨款支出 …，其中:基本支出 A,项目支出 B: the columns of its row, as in
    the 一般公共预算支出表), not the unit's total (本年支出合计 …，其中:基本支出: the unit's own rows)."""
    if whole is None or len(whole.labels) != 1 or whole.unit not in _MONEY or not _NATURE_PARTS.fullmatch(label):
        return None
    name = whole.labels[0]
    return None if _UNIT_TOTAL.match(name) or _NATURE_PARTS.search(name) else name


def _after_bracket(n: str, at: int) -> bool:
    """Whether the text before position `at` is a closing bracket and the clause's separator (…0 万元),占),
    read back from `at`."""
    k = at - 1
    while k >= 0 and (n[k].isspace() or n[k] in ",，"):
        k -= 1
    return k >= 0 and n[k] == ")"


def _after_semicolon(n: str, at: int) -> bool:
    """Whether the text before position `at` ends with ';' (spaces aside), read back from `at`, not sliced."""
    k = at - 1
    while k >= 0 and n[k].isspace():
        k -= 1
    return k >= 0 and n[k] == ";"


_INCLUDES = re.compile(r"\s*(?:含|包括|包含|其中)(?!义)\s*")


def _clause_figures(c: PrintedText, ln: Line, last: dict[str, _Subject | None], defaults: tuple[str, str],
                    path: str, warnings: list[str], whole: _Subject | None = None) -> list[Figure]:
    """The figures of one clause of `ln`, `last` updated as they are read; `defaults`: the measure and
    phase of an amount that names neither (决算 / executed in final accounts)."""
    default_measure, default_phase = defaults
    section = ln.section or ln.part
    out: list[Figure] = []
    prev_end = 0
    groups = number_groups(c)
    if not groups:
        _unchanged_subject(c, last, default_measure)
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
            of = _part_of(whole, lab) if unit in _MONEY and measure == default_measure else None
            out.append(Figure(section=section, label=of or lab, measure=lab if of else measure, amount=v * sign,
                              unit=printed_unit, line=ln.line_at(c.at + g.start), item=_vocab_item(of or lab),
                              phase=phase))
        if unit not in ("%", "个百分点"):
            subject = _Subject(labels, phase, unit, measure, tuple(values))
            if unit in _MONEY and last["money"] is not None:
                subject = _both_totals(last["money"], subject) or subject
            last["money" if unit in _MONEY else "count"] = last["any"] = subject
    return out


_INCOME_TOTAL = re.compile(r"(.*)收入(总计|合计)")


def _both_totals(before: _Subject, subject: _Subject) -> _Subject | None:
    """收入总计 N, 支出总计 N: what the next clause says of neither (与上年相比,增加…) is of both, the 收入支出总计
    (收、支总计 read back); None for any other pair."""
    if len(before.labels) != 1 or len(subject.labels) != 1 or before.values != subject.values \
            or before.measure != subject.measure:
        return None
    m = _INCOME_TOTAL.fullmatch(before.labels[0])
    if not m or subject.labels[0] not in ("支出" + m.group(2), m.group(1) + "支出" + m.group(2)):
        return None
    return _Subject([m.group(1) + "收入支出" + m.group(2)], subject.phase, subject.unit, subject.measure,
                    subject.values)


# 公务用车运行维护费支出决算比预算无增减变化: a subject stated unchanged, no figure, that the next clause continues
_UNCHANGED = re.compile(r"(?:与|较|比)\s*(?:上年度?|上一年度?|去年|上年同期|\d{4}\s*年度?|年初)?(?:同期)?(?:预算|决算)?(?:数)?"
                        r"(?:相比|比较)?\s*(?:无增减变化|无增减|无变化|未发生变化|持平|相同|一致)$")


# 收入支出总体与上年相比,增加58.21万元: a subject and what it is compared with, the change in the next clause
_COMPARED = re.compile(r"(?:与|较|同)\s*(?:上年度?|上一年度?|去年|上年同期|\d{4}\s*年度?)(?:同期)?(?:预算|决算)?(?:数)?"
                       r"\s*(?:相比|比较|对比)$")


_SUBJECT_ENDS = {"变化", "增减", "持平", "相同", "一致", "相比", "比较", "对比"}


def _unchanged_subject(c: PrintedText, last: dict[str, _Subject | None], default_measure: str) -> None:
    end = c.n.rstrip()[-2:]
    if end not in _SUBJECT_ENDS:  # most clauses without a figure: nothing to search
        return
    m = _UNCHANGED.search(c.n) or _COMPARED.search(c.n)
    if not m:
        return
    label_t, _, _, phase = _amount_measure(c[:m.start()], True, default_measure)
    if label_t.label not in _GENERIC:
        last["money"] = last["any"] = _Subject([label_t.label], phase, "万元")


def _read_group(text: PrintedText, after: PrintedText, g: NumberGroup, last: dict, default_measure: str,
                default_phase: str):
    """(labels, measure, unit, sign, phase) for the numbers of one group, `text`
    being the clause before them and `after` the rest up to the next number; None: not a figure."""
    unit = g.unit
    rate_m = _RATE_WORD.search(text.n)
    if unit is None:
        if not rate_m:
            return None  # a bare number (图1, a table cell) is not a figure
        unit = "%"  # "完成年初预算的109.82": the % sign left out
    if unit in ("%", "个百分点"):
        label_t, measure, sign = _rate_measure(text, rate_m, unit)
        inherit_from = last["any"]
        phase = None if measure == "完成率" else default_phase
        own_phase = False
    else:
        money = unit in _MONEY
        label_t, measure, sign, phase = _amount_measure(text, money, default_measure)
        inherit_from = last["money" if money else "count"]
        own_phase = phase is not None
        if not money:
            phase = None
        elif phase is None:
            phase = default_phase
    label = label_t.label
    if unit not in _MONEY and unit not in ("%", "个百分点"):
        noun = _bare_label(after.cut_suffix(re.compile(r"\(.*$"))).cut_suffix(_NOUN_TRAIL)
        if noun and not re.search(r"\d", noun.n):  # "共接待17个团组": the noun follows the count
            listed = label.endswith("等")  # 序厅、…、留言板等28个展区: the things counted, listed
            label = (label if label not in _GENERIC and not listed else "") + noun.label
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
    if unit in _MONEY and not own_phase and inherit_from.measure in ("预算", "决算") and _COMPARE.fullmatch(text.strip().n):
        measure = inherit_from.measure  # 预算数为4196万元,较2020年4729万元减少533万元: the other year's 预算数
    return labels, measure, unit, sign, phase


def _rate_measure(text: PrintedText, rate_m: re.Match | None, unit: str) -> tuple[PrintedText, str, int]:
    """A rate's label, measure and sign, by the word before the number (`rate_m`): 占 → 占比,
    增长 → 增长率, 下降 → 下降率 (negative), 完成 → 完成率; none → 比率; 个百分点 → 增减百分点."""
    sign = 1
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
    return label_t, measure, sign


def _amount_measure(text: PrintedText, money: bool, default_measure: str
                    ) -> tuple[PrintedText, str, int, str | None]:
    """An amount's or a count's label, measure and sign, and the phase its words state (None: none):
    a change (增加 / 减少 …) or a budget / an actual (预算 / 决算) named before the number; else a total
    by its label (总计, 合计), else the document's measure (数量 for a count)."""
    sign = 1
    measure = phase = None
    work = text.strip().cut_suffix(_TRAIL)
    cm = _CHANGE.search(work.n)
    if cm:
        measure = "减少" if cm.group(1)[:2] in _DECREASE else "增加"
        sign = -1 if measure == "减少" else 1
        work = work[:cm.start()].strip().cut_suffix(_TRAIL).cut_prefix(_COMPARE)
        if cm.group(1)[:2] in ("大于", "超过", "超出", "多于", "小于", "低于", "少于"):
            work = work.cut_suffix(_MEASURE_WORD)
    else:
        work = _bare_label(work)
        for rx, name, ph in ((_MEASURE_BUDGET, "预算", "approved"), (_MEASURE_ACTUAL, "决算", "executed")):
            mm = rx.search(work.n)
            if mm and not _FUND_BEFORE.search(work.n[:mm.start()]):
                measure, phase = name, ph
                work = work[:mm.start()]
                break
    label_t = _bare_label(work)
    revised = _REVISED.match(label_t.n)
    if revised and measure == "预算":  # 调整预算后项目预算861.46万元: the revised budget of 项目
        label_t, measure, phase = label_t[revised.end():].strip(), "调整预算", "revised"
    if measure is None:
        key = label_t.n
        if re.search(r"(总计|总额)$", key):
            measure = "总计"
        elif key.endswith("合计"):
            measure = "合计"
        else:
            measure = default_measure if money else "数量"
    return label_t, measure, sign, phase
