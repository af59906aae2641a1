"""Whether a performance indicator's achieved value (实际完成值) meets its target (预期指标值).

A verdict is given where the printed texts decide it, and nowhere else:

- numbers: in one unit or two convertible ones (万元 and 元, 公顷 and 亩, ug/m3 and 微克/立方米, 人 and 名; not 天 and
  工作日), under the target's comparison (≥ 不低于 以上, ≤ 不高于 以内, > <, a range 80%-90%); a bare target is reached
  from below, a cost (成本) or a count of mishaps (失误率, 事故发生次数) from above; water quality classes (Ⅲ类) the
  lower the better;
- a target of several named parts (PM10 …，PM2.5 …; 断面 …) against the achieved text's figure for each part;
- nothing achieved (未建成, 无, 没有, 否) against a target that asks for something: missed; against a ceiling or
  zero: met; a mishap that did not happen (未发生, 零失误, 未超预算) against a ceiling, zero or 不超…: met;
- the form's words for "target reached" (完成, 达标, 达成预期指标, 是, 有, 100%), a date no later than the target's,
  a cost saving (节约率4.14%) against 不超预算, the achieved text restating the target (已通过专家评审 for 通过专家评审),
  the direction the target names (下降38.7% for 逐年减少) — met.

Anything else is undecided, with the reason in Chinese (bud:targetUndecidedReason): a target or achieved value not
printed, units that do not convert, a saving rate against an amount, a target without a figure against a number,
an achieved text that says something else.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from cnbudget.loaders.evaluation.targets import parse_target
from cnbudget.loaders.records import Indicator
from cnbudget.loaders.text import nfkc


@dataclass(frozen=True)
class Verdict:
    met: bool | None  # None: undecided
    basis: str  # the rule that decided (numbers, range, negation, …) or why not (units, no-target, …)
    reason: str | None = None  # why it is undecided, in Chinese; None when decided


def _met(ok: bool, basis: str) -> Verdict:
    return Verdict(ok, basis)


def _undecided(basis: str, reason: str) -> Verdict:
    return Verdict(None, basis, reason)


# --- text --------------------------------------------------------------------------------------------------

_NO_VALUE = {"", "/", "-", "--", "—", "——", "－", "…", "\\", "无数据", "不适用"}
_CLAUSES = re.compile(r"[，,；;。]")
_PUNCT = "，,。；;、:： "


def _norm(text: str | None) -> str:
    t = re.sub(r"\s+", "", nfkc(text or ""))
    return t.strip(_PUNCT).replace("“", "").replace("”", "").replace('"', "")


def _clauses(text: str) -> list[str]:
    return [c for c in _CLAUSES.split(text) if c]


def _core(text: str) -> str:
    """A text without the words that only say it is done or true (已, 均, 已经)."""
    return re.sub(r"^(?:已经|已|均已|均)", "", text)


# Negations, and the words after 不/无/未 that do not negate (不低于 is a comparison, 不断 "continuously").
_NEGATION = re.compile(r"(尚未|未能|未(?!来)|没有|无法|(?<!是)否|不是|不(?!断|低于|少于|小于|高于|多于|大于|定期|仅|同)|"
                       r"无(?!缝|偿))")
# Words that say a thing is only partly done or still under way: the achieved text then restates no target.
_PARTLY = re.compile(r"基本|部分|大部|正在|推进中|进行中|接近|尚")
# What one is glad did not happen: 未超预算, 未发生事故, 无投诉, 零失误 are achievements, not failures.
_ADVERSE = ("超", "发生", "出现", "违", "失误", "差错", "投诉", "事故", "延误", "滞后", "拖欠", "逾期", "问题",
            "失败", "损失", "泄露", "事件", "隐患", "浪费", "挪用", "闲置")
_NOTHING = re.compile(r"(?:无|没有|否|零|0)")


def _negated(clause: str) -> tuple[str, str] | None:
    """(negation, what it negates) of a clause that says something is not so."""
    m = _NEGATION.search(clause)
    return (m.group(1), clause[m.end():]) if m else None


def _adverse(text: str) -> str | None:
    """The mishap word near the start of a negated predicate (发生 in 发生重大事故)."""
    return next((w for w in _ADVERSE if w in text[:6]), None)


_WHEN = re.compile(r"^(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底|末|度|内|以前|之前|前)*")


def _zero(text: str) -> str | None:
    """What an achieved text without a figure says of the quantity: "nothing" (未建成, 无, 没有, 否: the thing asked
    for was not done), "no-mishap" (未发生事故, 零失误, 未超预算: a bad thing did not happen) or None."""
    if _NOTHING.fullmatch(text):
        return "nothing"
    if text.startswith("零") and len(text) > 1:
        return "no-mishap" if _adverse(text[1:]) else "nothing"
    for clause in _clauses(text)[:1]:
        clause = _WHEN.sub("", clause)
        neg = _negated(clause)
        if neg and clause.index(neg[0]) <= 4:  # the clause is about the negation, not about something before it
            return "no-mishap" if _adverse(neg[1]) else "nothing"
    return None


# --- figures -----------------------------------------------------------------------------------------------

# units as one canonical spelling, and units that convert: (dimension, factor to the dimension's base)
_UNIT_SPELLINGS = {
    "％": "%", "百分比": "%", "个工作日": "工作日", "日": "天", "个小时": "小时", "名": "人", "位": "人",
    "微克/立方米": "μg/m3", "毫克/立方米": "mg/m3", "毫克/升": "mg/L", "千米": "公里", "个季度": "季度",
}
_SCALES = {
    "元": ("yuan", Fraction(1)), "千元": ("yuan", Fraction(1000)), "万元": ("yuan", Fraction(10 ** 4)),
    "亿元": ("yuan", Fraction(10 ** 8)),
    "米": ("m", Fraction(1)), "公里": ("m", Fraction(1000)),
    "平方米": ("m2", Fraction(1)), "万平方米": ("m2", Fraction(10 ** 4)), "公顷": ("m2", Fraction(10 ** 4)),
    "平方公里": ("m2", Fraction(10 ** 6)), "亩": ("m2", Fraction(10 ** 4, 15)),
    "立方米": ("m3", Fraction(1)), "万立方米": ("m3", Fraction(10 ** 4)),
    "分钟": ("s", Fraction(60)), "小时": ("s", Fraction(3600)), "天": ("s", Fraction(86400)),
    "人": ("person", Fraction(1)), "万人": ("person", Fraction(10 ** 4)),
    "人次": ("visit", Fraction(1)), "万人次": ("visit", Fraction(10 ** 4)),
    "吨": ("t", Fraction(1)), "万吨": ("t", Fraction(10 ** 4)),
}


_ASCII_SPELLINGS = {"ug/m3": "μg/m3", "μg/m3": "μg/m3", "mg/m3": "mg/m3", "mg/l": "mg/L", "km": "公里",
                    "km2": "平方公里", "m": "米", "m2": "平方米", "t": "吨", "h": "小时"}


def _unit(unit: str | None) -> str | None:
    if not unit:
        return None
    u = nfkc(unit).strip()
    u = _ASCII_SPELLINGS.get(u.lower(), u)
    return _UNIT_SPELLINGS.get(u, u)


def _factor(target_unit: str | None, achieved_unit: str | None) -> Fraction | None:
    """What an achieved figure is multiplied by to be in the target's unit; None when the units do not convert.
    A figure printed without a unit is taken in the other's unit (a form prints its 完成值 bare)."""
    t, a = _unit(target_unit), _unit(achieved_unit)
    if t is None or a is None or t == a:
        return Fraction(1)
    if t in _SCALES and a in _SCALES and _SCALES[t][0] == _SCALES[a][0]:
        return _SCALES[a][1] / _SCALES[t][1]
    return None


# 未达到98%, 不足90%: less than the figure
_SHORT_OF = re.compile(r"(?:未达到|未达|未满|没有达到|没达到|不足|不到)\d")
_RANGE = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)(%|％)?(?:-|~|～|—|–|－|至|到)(\d+(?:\.\d+)?)")
_CLASS = re.compile(r"(劣)?(V|IV|III|II|I)类")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_LOWER_IS_BETTER = re.compile(r"成本|(?:失误|差错|事故|发生|超标|违规|逾期|延误|投诉)(?:率|次数|起数|数量|件数|数)")
_HANDLED = re.compile(r"受理|解决|处理|办结|回复|整改|查处|化解")


def _lower_is_better(level2: str, content: str) -> bool:
    """A cost, or a count or rate of mishaps: a bare target is a ceiling."""
    return "成本" in level2 or bool(_LOWER_IS_BETTER.search(content) and not _HANDLED.search(content))


def _range(text: str) -> tuple[Decimal, Decimal, str | None] | None:
    """A target printed as a range (80%-90%, 3至5个): (low, high, unit)."""
    m = _RANGE.search(text)
    if not m:
        return None
    value, unit, _ = parse_target(text[m.start(3):])
    if unit is None and m.group(2):
        unit = "%"
    if unit == "年":  # 2019-2020年: years, not a range of figures
        return None
    low, high = Decimal(m.group(1)), value
    return (low, high, unit) if high is not None and low <= high else None


def _class(text: str) -> int | None:
    """A water quality class (Ⅲ类 → 3; 劣Ⅴ类 → 6)."""
    m = _CLASS.search(text)
    return (6 if m.group(1) else _ROMAN[m.group(2)]) if m else None


def _compare(value: Fraction, target: Fraction, op: str) -> bool:
    return {"≥": value >= target, ">": value > target, "≤": value <= target, "<": value < target}[op]


def _figures(ind: Indicator, e: str, a: str, lower: bool) -> Verdict | None:
    """Target and achieved as figures (numbers, a range, a water class, a zero said in words)."""
    span = _range(e)
    tv, tu, op = ind.expected_value, ind.expected_unit, ind.expected_op
    if span is None and tv is None and (e in _NO or e.startswith("零")):
        tv, op = Decimal(0), "≤"  # 零投诉, 无: none at all
    if span is None and tv is None:
        tc, ac = _class(e), _class(a)
        if tc is not None and ac is not None:
            return _met(ac <= tc, "class")
        return None
    op = op if op in ("≥", "≤", ">", "<") else ("≤" if lower else "≥")  # = or none: reaching it from below
    av, au = ind.actual_value, ind.actual_unit
    if av is None:
        zero = _zero(a)
        if zero is None:
            return None
        low = span[0] if span else tv
        if (span is None and op in ("≤", "<") and (tv > 0 or op == "≤")) or (span is None and tv == 0) or (
                span and low == 0):
            return _met(True, "zero")
        if zero == "nothing":
            return _met(False, "zero")
        return None  # a mishap that did not happen, against a target asking for something: not comparable
    if tv == 0 and av == 0 and span is None and op in ("≤", "≥"):
        return _met(True, "numbers")  # nothing in one unit is nothing in another
    unit = span[2] if span else tu
    factor = _factor(unit, au)
    if factor is None:
        return _undecided("units", f"单位不同，无法换算：预期指标值「⟨E⟩」以{_unit(unit)}计，实际完成值「⟨A⟩」以{_unit(au)}计")
    value = Fraction(av) * factor
    achieved_op = parse_target(a)[2] or ("<" if _SHORT_OF.search(a) else None)
    if achieved_op is None:
        if span:
            return _met(Fraction(span[0]) <= value <= Fraction(span[1]), "range")
        return _met(_compare(value, Fraction(tv), op), "numbers")
    # the achieved value is a bound itself (≥98%): met when every value within it meets the target
    if span is None:
        target, strict = Fraction(tv), bool({achieved_op, op} & {"<", ">"})
        if {achieved_op, op} <= {"≥", ">"} or {achieved_op, op} <= {"≤", "<"}:
            if _compare(value, target, op):
                return _met(True, "numbers")
        else:  # opposite ways (低于90% against ≥90%): missed when every value the achieved bound allows misses
            beyond = value < target if achieved_op in ("≤", "<") else value > target
            if beyond or (value == target and strict):
                return _met(False, "numbers")
    return _undecided("bound-only", "实际完成值「⟨A⟩」只给出界限，不足以判断是否达到预期指标值「⟨E⟩」")


# --- several named parts: PM10 …，PM2.5 …; 断面 … ------------------------------------------------------------

_PART_VERB = re.compile(r"达到或优于|达到|优于|好于|不高于|不低于|不超过|不大于|不小于|不少于|高于|低于|小于|大于|"
                        r"≤|≥|<|>|=|保持|控制在|为")


def _parts(e: str, a: str) -> Verdict | None:
    """A target naming its parts (PM10不高于106ug/m3，PM2.5不高于60ug/m3) against the achieved figure printed after
    each part's name; None unless the achieved text names at least one part."""
    results: list[bool] = []
    missing: list[str] = []
    for clause in _clauses(e):
        m = _PART_VERB.search(clause)
        if not m or m.start() < 2:
            continue
        names = [n for n in clause[:m.start()].split("、") if len(n) >= 2]
        target = clause[m.start():]
        tv, tu, op = parse_target(target)
        tc = _class(target)
        if tv is None and tc is None:
            continue
        for name in names:
            i = a.find(name)
            if i < 0:
                missing.append(name)
                continue
            said = _CLAUSES.split(a[i + len(name):], 1)[0]
            if tc is not None:
                ac = _class(said)
                if ac is None:
                    missing.append(name)
                    continue
                results.append(ac <= tc)
                continue
            av, au, _ = parse_target(said)
            factor = _factor(tu, au)
            if av is None or factor is None:
                missing.append(name)
                continue
            results.append(_compare(Fraction(av) * factor, Fraction(tv), op if op in ("≥", "≤", ">", "<") else "≥"))
    if not results:
        return None
    if not all(results):
        return _met(False, "parts")
    if missing:
        return _undecided("parts", f"预期指标值分项列出，实际完成值没有说到：{'、'.join(missing)}")
    return _met(True, "parts")


# --- texts -------------------------------------------------------------------------------------------------

_DATE = re.compile(r"((?:19|20)\d{2})年(?:(\d{1,2})月)?(?:(\d{1,2})[日号])?(上半年|下半年)?")


def _date(text: str) -> tuple[int, int, int] | None:
    """The last day a date names (2020年底 → 2020-12-31, 2020年11月 → 2020-11-31, 2020年上半年 → 2020-06-31)."""
    m = _DATE.search(text)
    if not m:
        return None
    month = int(m.group(2)) if m.group(2) else 6 if m.group(4) == "上半年" else 12
    return int(m.group(1)), month, int(m.group(3)) if m.group(3) else 31


_SAVING = re.compile(r"(节约|超支)(?:率)?(?:为|达)?(-?\d+(?:\.\d+)?)%")
_WITHIN_BUDGET = re.compile(r"(?:不|未|没有)超(?:过|出)?(?:年初|年度)?预算|预算(?:范围)?(?:之|以)?内|≤预算")


def _saving(ind: Indicator, e: str, a: str) -> Verdict | None:
    """A cost saving (成本节约率4.14%) or overrun (超支率3%) against 不超预算 (met when saved, missed when overrun),
    or against an amount (undecided: the budget the rate is a share of is not printed beside it)."""
    m = _SAVING.search(a)
    if not m:
        return None
    saved = Decimal(m.group(2)) if m.group(1) == "节约" else -Decimal(m.group(2))
    if _WITHIN_BUDGET.search(e):
        return _met(saved >= 0, "saving")
    if ind.expected_value is not None and _unit(ind.expected_unit) in _SCALES \
            and _SCALES[_unit(ind.expected_unit)][0] == "yuan":
        return _undecided("saving", f"实际完成值为{m.group(1)}率（{m.group(2)}%），预期指标值为金额「⟨E⟩」："
                                    f"{m.group(1)}率所对的预算数没有印出，无法折算成金额比较")
    return None


_DONE = re.compile(r"(?:已经|已|均已|均|全部|全面|按时|按期|如期|顺利|圆满)?(?:完成|达标|达到|达成|实现|合格|符合|满足)"
                   r"(?:了)?(?:预期|既定|年度|计划)?(?:目标|指标|要求|标准|任务)?(?:值)?")
_FULL = re.compile(r"(?:完成率?)?100(?:\.0+)?%(?:完成)?")
_YES, _NO = {"是", "有"}, {"否", "无", "没有"}
_TARGET_VERBS = re.compile(r"^(?:完成|实现|达到|达成|获得|获|取得|确保|做到)")


def _is_nothing(e: str) -> bool:
    """A target asking that nothing happen or be: 无, 否, 0次, 零失误, 不发生…"""
    return bool(e in _NO or re.fullmatch(r"(?:0|零)\D{0,6}", e) or
                (re.match(r"(?:不|无|杜绝|避免|未)", e) and _adverse(e[1:])))


def _words(ind: Indicator, e: str, a: str, lower: bool) -> Verdict | None:
    """Texts that decide it: the form's words for "reached", a date, the target restated, nothing done,
    a mishap avoided, the direction named."""
    a_core = _core(a)
    target_has_figure = ind.expected_value is not None or _range(e) is not None
    # 完成, 达标, 达成预期指标, 是, 有, 100%
    if _DONE.fullmatch(a):
        return _met(True, "affirmation")
    if a_core in _YES:
        if e in _NO or _is_nothing(e):
            return _met(False, "affirmation")
        if not _WITHIN_BUDGET.search(e):
            return _met(True, "affirmation")
    if e in _YES and a_core in _NO:
        return _met(False, "negation")
    if _FULL.fullmatch(a) and not (_is_nothing(e) or _WITHIN_BUDGET.search(e) or
                                   (ind.expected_op in ("≤", "<")) or lower):
        return _met(True, "affirmation")
    # a completion date
    td, ad = _date(e), _date(a)
    if td and ad and not _negated(a):
        return _met(ad <= td, "date")
    # the target restated in one of the achieved clauses (已通过专家评审; 成功复创 for 完成复创; 国家一等奖 for 获奖)
    core = _TARGET_VERBS.sub("", _core(e)) or _core(e)
    if not target_has_figure and core:
        for clause in _clauses(a):
            i = clause.find(core)
            bounded = re.search(r"(?:≤|<|≥|>|不超过|不高于|不低于|低于|高于|以内|以上)$", clause[:i]) if i >= 0 else None
            if i >= 0 and not bounded and not _negated(clause) and not _PARTLY.search(clause):
                return _met(True, "restated")
    # the achieved value says something was not done, or a mishap did not happen
    if e in _NO and (a_core in _NO or _zero(a) == "nothing"):
        return _met(True, "negation")
    zero = _zero(a)
    if zero == "nothing" and not (_is_nothing(e) or _WITHIN_BUDGET.search(e)):
        return _met(False, "negation")
    if zero == "no-mishap":
        word = _adverse(_negated(a)[1]) if _negated(a) else _adverse(a[1:])
        if (_is_nothing(e) or _WITHIN_BUDGET.search(e)) and word and (word in e or (word == "超" and "超" in e)):
            return _met(True, "negation")
    # a direction: 逐年减少 and 下降38.7%
    v = _direction(e, a)
    if v is not None:
        return v
    # 成本 ≤合同价/预算数 against 合同价/预算数
    if lower and re.fullmatch(r"(?:≤|<|不超过|不高于|未超过|低于)" + re.escape(e.lstrip("≤")), a):
        return _met(True, "bounded")
    return None


_UP = re.compile(r"提升|提高|增加|增长|上升|增强|加强|扩大")
_DOWN = re.compile(r"下降|降低|减少|减小|压减|缩减|回落")
_BETTER, _WORSE = re.compile(r"改善|好转|向好"), re.compile(r"恶化|变差|下滑")
_DEGREE = r"(?:有效|明显|显著|持续|逐年|逐步|稳步|大幅|进一步|同比|较上年|有所|略有|稍有)*"


def _direction(e: str, a: str) -> Verdict | None:
    """The change a target names (逐年减少) against the change the achieved value states, where the achieved value
    is only that change (有效提升, 下降38.7%): the same direction is met, the opposite missed."""
    m = re.fullmatch(_DEGREE + r"(\D{2})了?(?:\d+(?:\.\d+)?(?:%|个百分点)?)?", a)
    if not m:
        return None
    said = m.group(1)
    for same, opposite in ((_UP, _DOWN), (_DOWN, _UP), (_BETTER, _WORSE), (_WORSE, _BETTER)):
        if same.fullmatch(said):
            if same.search(e):
                return _met(True, "direction")
            if opposite.search(e):
                return _met(False, "direction")
    return None


# --- the verdict -------------------------------------------------------------------------------------------

def judge(ind: Indicator) -> Verdict:
    """Whether the indicator's achieved value meets its target, and how that was decided or why it cannot be."""
    v = _judge(ind)
    if v.reason:  # the texts as printed in the reason
        v = Verdict(None, v.basis, v.reason.replace("⟨E⟩", ind.expected.strip()).replace("⟨A⟩", ind.actual.strip()))
    return v


def _judge(ind: Indicator) -> Verdict:
    e, a = _norm(ind.expected), _norm(ind.actual)
    if e in _NO_VALUE:
        return _undecided("no-target", "未填预期指标值" + ("和实际完成值" if a in _NO_VALUE else ""))
    if a in _NO_VALUE:
        return _undecided("no-achieved", "未填实际完成值")
    if _core(e) == _core(a):
        return _met(True, "same-text")
    lower = _lower_is_better(ind.level2, ind.content)
    for rule in (lambda: _parts(e, a), lambda: _saving(ind, e, a)):
        v = rule()
        if v is not None:
            return v
    figures = _figures(ind, e, a, lower)
    if figures is not None and figures.met is not None:
        return figures
    v = _words(ind, e, a, lower)
    if v is not None:
        return v
    if figures is not None:
        return figures
    if ind.expected_value is None and ind.actual_value is not None and _range(e) is None:
        return _undecided("textual-target", "预期指标值「⟨E⟩」没有数值，实际完成值「⟨A⟩」无从比较")
    if _zero(a) == "no-mishap":
        return _undecided("no-mishap", "实际完成值「⟨A⟩」说的是不利事项没有发生，没有说明预期指标值「⟨E⟩」是否达到")
    return _undecided("unrelated", "实际完成值「⟨A⟩」没有说明预期指标值「⟨E⟩」是否达到")


def target_met(ind: Indicator) -> bool | None:
    """Whether the achieved value meets the target; None where the texts do not decide it (judge says why)."""
    return judge(ind).met
