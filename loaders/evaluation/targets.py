"""Indicator values as printed → (value, unit, operator): "≥80%" → (80, "%", "≥")."""
from __future__ import annotations

import re
from decimal import Decimal

from cnbudget.loaders.text import nfkc, parse_amount

# comparison words printed before the number, and the operator each states
_PREFIX_OPS = [
    ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("至少", "≥"),
    (">=", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("小于或等于", "≤"), ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"), ("不大于", "≤"),
    ("不超", "≤"), ("最多", "≤"), ("<=", "≤"), ("≤", "≤"), ("≦", "≤"), ("⩽", "≤"),
    ("低于", "<"), ("少于", "<"), ("小于", "<"), ("<", "<"),
    ("高于", ">"), ("大于", ">"), ("超过", ">"), (">", ">"),
    ("=", "="),
]
# …and after it (70%以上)
_SUFFIX_OPS = [("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤")]
# units printed after a number, longest first (万人次 before 人次)
_CJK_UNITS = sorted([
    "微克/立方米", "毫克/立方米", "毫克/升", "平方公里", "万平方米", "平方米", "立方米", "万立方米", "个百分点", "百分点",
    "百分比", "个工作日", "个月", "个小时", "个季度",
    "万人次", "人次", "家次", "户次", "台次", "车次", "架次", "批次", "篇次", "场次", "万元", "亿元", "千元", "元",
    "万人", "万吨", "公里", "千米", "公顷", "小时", "分钟", "工作日", "季度", "个", "次", "人", "名", "套", "亩", "类",
    "篇", "条", "部", "场", "本", "件", "家", "天", "日", "期", "辆", "台", "份", "项", "所", "户", "批", "座", "米",
    "吨", "月", "年", "周", "册", "张", "处", "棵", "株", "幅", "支", "只", "头", "间", "块", "宗", "起", "单", "封",
    "组", "届", "轮", "回", "分", "门", "栋", "片", "段", "根", "箱", "盒", "卷", "页", "点", "站", "所", "元/人",
], key=len, reverse=True)
_NUM_IN_TEXT = re.compile(r"(?<![A-Za-z\d.])(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")
_ASCII_UNIT = re.compile(r"%|‰|[A-Za-zμµ]+\d?(?:/[A-Za-zμµ]+\d?)?")
_DATE_AFTER_YEAR = re.compile(r"年(?:\d{1,2}月)?(?:\d{1,2}日)?")


def parse_target(text: str) -> tuple[Decimal | None, str | None, str | None]:
    """(value, unit, operator) of an indicator value as printed; (None, None, None) when it states no number.

    "≥80%" → (80, "%", "≥"); ">=5次" → (5, "次", "≥"); "PM10不高于106ug/m3，…" → (106, "ug/m3", "≤");
    "70%以上" → (70, "%", "≥"); "2020年底" (a date) → no number."""
    t = nfkc(text or "").replace("\n", " ")
    op = None
    best = None  # the first comparison word: (position, length, operator)
    for token, symbol in _PREFIX_OPS:
        i = t.find(token)
        if i >= 0 and (best is None or i < best[0] or (i == best[0] and len(token) > best[1])):
            best = (i, len(token), symbol)
    pos = 0
    while True:
        m = _NUM_IN_TEXT.search(t, pos)
        if not m:
            return None, None, None
        after = t[m.end():]
        if re.fullmatch(r"(?:19|20)\d{2}", m.group()) and after.startswith("年"):
            d = _DATE_AFTER_YEAR.match(after)
            pos = m.end() + d.end()
            continue
        if best is not None and m.start() < best[0]:
            # a number before the comparison word belongs to something else (PM10 不高于 …)
            pos = m.end()
            continue
        break
    if best is not None and not re.search(r"[，,。；;、]", t[best[0] + best[1]:m.start()]):
        op = best[2]  # the comparison word governs this number (not one in another clause)
    value = parse_amount(m.group())
    rest = t[m.end():].lstrip(" ")
    rest_units = re.sub(r"^(?:余|多)", "", rest)
    unit = None
    um = _ASCII_UNIT.match(rest_units)
    if um:
        unit = um.group()
        tail = rest_units[um.end():]
    else:
        unit = next((u for u in _CJK_UNITS if rest_units.startswith(u)), None)
        tail = rest_units[len(unit):] if unit else rest_units
    if op is None:
        op = next((s for w, s in _SUFFIX_OPS if tail.lstrip().startswith(w)), None)
    return value, unit, op


def operator_word(text: str) -> str | None:
    """An operator printed in a column of its own (指标性质: ≥ / ≤ / =); None for 定性 and the like."""
    t = nfkc(text).strip()
    return next((symbol for token, symbol in _PREFIX_OPS if t == token), None)
