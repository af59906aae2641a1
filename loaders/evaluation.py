"""Performance disclosures → records: 整体绩效自评表 forms, project counts, key evaluations
and the appended evaluation reports (附件).

Layout-independent like loaders/tables.py: everything is read from `Row`s (loaders/layout.py).
A form is found by its title (…整体绩效自评表) and its 部门（单位）名称 row; its parts are
found by their own labels (任务名称 / 完成情况 / 预算数 / 执行数 / 其中：本级财政资金, 金额合计,
预算执行率 / 分值 / 得分, 绩效目标 / 目标实际完成情况, 一级指标 / 二级指标 / 指标内容 / 预期指标值 /
实际完成指标值 / 分值 / 得分, 自评得分), and the columns of each part from its header row, so
other column orders, extra columns and rows split across blank lines read the same.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from cnbudget.loaders.records import (Cell, EvaluationReport, Figure, Indicator, KeyEvaluation, PerformanceTask,
                             ProjectCount, Row, UnitEvaluation)
from cnbudget.loaders.text import clean_label, is_blank, label_key, nfkc, parse_amount, strip_ordinal

__all__ = ["read_performance", "read_project_execution", "parse_target"]

# --- labels --------------------------------------------------------------------------------------

_TITLE = re.compile(r"整体(?:支出)?绩效(?:自评|评价)表$")
_NAME_LABEL = re.compile(r"^\s*(?:部门|单位|预算)?\s*[（(]?\s*(?:部门|单位)?\s*[）)]?\s*名称\s*[:：]?")
_NAME_KEYS = {"部门（单位）名称", "单位（部门）名称", "部门名称", "单位名称", "预算单位名称", "预算部门名称", "部门（单位）"}
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT = re.compile(r"(?:金额|货币)?单位\s*[:：]\s*(万元|元|千元|亿元)(?![\u4e00-\u9fff])")
_UNIT_IN_HEADER = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[）)]")

_TASK_NAME = {"任务名称", "任务内容", "主要任务名称", "年度主要任务"}
_TASK_DONE = {"完成情况", "实际完成情况", "任务完成情况", "主要完成情况", "完成情况说明"}
_BUDGET = re.compile(r"^(?:全年|年初|调整后|年度)?预算(?:数|金额|资金)?$")
_ACTUAL = re.compile(r"^(?:全年|实际)?(?:执行数|执行金额|支出数|决算数|实际支出|执行)$")
_OWN = re.compile(r"本级财政|^财政资金$|^财政拨款$")
_TOTAL = re.compile(r"^(?:金额合计|资金合计|合计|总计)$")
_RATE = re.compile(r"^(?:预算)?执行率$")
_WEIGHT_KEYS = {"分值", "权重", "指标分值"}
_SCORE_KEYS = {"得分", "指标得分", "自评分"}
_TOTAL_SCORE = re.compile(r"^(?:自评得分|自评总分|总分|综合得分|总得分|整体绩效自评得分)$")
_GOALS = {"绩效目标", "年度绩效目标", "年度目标", "总体目标", "预期目标", "年度总体目标"}
_ACHIEVED = {"目标实际完成情况", "实际完成情况", "全年实际完成情况", "年度目标实际完成情况", "实际完成目标情况",
             "目标完成情况", "年度目标完成情况"}
_IND_ROLES = {
    "level1": {"一级指标"},
    "level2": {"二级指标"},
    "content": {"指标内容", "三级指标", "指标名称", "绩效指标内容"},
    "expected": {"预期指标值", "年度指标值", "指标值", "预期值", "目标值", "年度目标值", "预期目标值", "计划指标值",
                 "全年指标值", "预期指标"},
    "actual": {"实际完成指标值", "实际完成值", "全年实际值", "实际值", "完成值", "实际完成情况", "实际指标值",
               "全年完成值", "实际完成指标"},
    "op": {"指标性质"},
    "unit": {"度量单位", "计量单位", "单位"},
    "weight": _WEIGHT_KEYS,
    "score": _SCORE_KEYS,
}

_REPORT_MARK = re.compile(r"^附件\s*\d{1,2}$")
_REPORT_SUFFIX = re.compile(r"(?:绩效评价报告|绩效自评报告|绩效报告|评价报告|自评报告)$")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_SUBHEADING = re.compile(r"^\s*[（(][一二三四五六七八九十\d]+[）)]")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_REPORT_BUDGET = [
    re.compile(r"年度预算(?:数|资金|金额)?(?:为|是|：|:)?\s*(?:人民币)?[￥¥]?\s*" + _NUMBER + r"\s*万元"),
    re.compile(r"(?:资金预算|预算资金|预算金额|项目预算|申请资金|预算)(?:为|是|共计|合计|：|:)?\s*(?:人民币)?[￥¥]?\s*"
               + _NUMBER + r"\s*万元"),
]
_REPORT_ACTUAL = [
    re.compile(r"(?:实际支出|实际使用资金|使用资金|支出资金|实际执行|执行金额|实际支付|已支付)(?:为|了|共计|合计|：|:)?\s*"
               r"(?:人民币)?[￥¥]?\s*" + _NUMBER + r"\s*万元"),
]
_REPORT_SCORE = re.compile(r"得分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)(?![\d.])(?!\s*[%％])")
# a score stated for one part of the evaluation, not the whole: 决策/管理/产出/效益 … or a 合计 of a part
_PART_SCORE = ("合计", "决策", "管理", "产出", "效益", "效果", "过程", "立项", "满意度指标", "小计")
_KEY_EVAL = re.compile(r"选取了?\s*(?:(?:19|20)\d{2}\s*年度?)?\s*(.+?)\s*开展(?:了)?(?:重点绩效评价|部门评价|财政评价|"
                       r"重点评价|绩效评价|部门重点绩效评价|财政重点绩效评价)")
_KEY_SCORE = re.compile(r"得分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)\s*分")
_COUNT_TOTAL = re.compile(r"共有?\s*(\d+)\s*个项目批复了?绩效目标")


@lru_cache(maxsize=1 << 16)
def _key(text: str) -> str:
    """label_key without a trailing bracketed unit: 预算数（万元） → 预算数, 预算执行率（%） → 预算执行率."""
    return re.sub(r"(?:（[^（）]*）)+$", "", label_key(text)).strip()


def _num(text: str) -> Decimal | None:
    """An amount, a score or a percentage cell (85.43% → 85.43)."""
    t = nfkc(text).strip().replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    return parse_amount(t)


def _blank(text: str) -> bool:
    return is_blank(text)


def _row_text(row: Row) -> str:
    return "".join(c.text for c in row.cells)


def _nonblank(row: Row) -> list[Cell]:
    return [c for c in row.cells if not _blank(c.text)]


# --- target values: "≥80%" → (80, "%", "≥") ------------------------------------------------------

_PREFIX_OPS = [
    ("大于或等于", "≥"), ("大于等于", "≥"), ("不低于", "≥"), ("不少于", "≥"), ("不小于", "≥"), ("至少", "≥"),
    (">=", "≥"), ("≥", "≥"), ("≧", "≥"), ("⩾", "≥"),
    ("小于或等于", "≤"), ("小于等于", "≤"), ("不高于", "≤"), ("不超过", "≤"), ("不多于", "≤"), ("不大于", "≤"),
    ("不超", "≤"), ("最多", "≤"), ("<=", "≤"), ("≤", "≤"), ("≦", "≤"), ("⩽", "≤"),
    ("低于", "<"), ("少于", "<"), ("小于", "<"), ("<", "<"),
    ("高于", ">"), ("大于", ">"), ("超过", ">"), (">", ">"),
    ("=", "="),
]
_SUFFIX_OPS = [("及以上", "≥"), ("以上", "≥"), ("及以下", "≤"), ("以下", "≤"), ("以内", "≤")]
_CJK_UNITS = sorted([
    "微克/立方米", "毫克/立方米", "毫克/升", "平方公里", "万平方米", "平方米", "立方米", "万立方米", "个百分点", "百分点",
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


# --- forms -----------------------------------------------------------------------------------------

def _is_title(row: Row) -> bool:
    for c in row.cells:
        k = label_key(c.text)
        if k and len(k) <= 40 and _TITLE.search(k):
            return True
    return False


def _name_of(row: Row) -> tuple[str, int] | None:
    """The unit name printed in a 部门（单位）名称 row: (name, line)."""
    for j, c in enumerate(row.cells):
        k = _key(c.text)
        if k in _NAME_KEYS:
            for d in row.cells[j + 1:]:
                if not _blank(d.text) and not _UNIT.search(nfkc(d.text)):
                    return d.text.strip(), d.line
            return None
        m = _NAME_LABEL.match(c.text)
        if m and _key(c.text[:m.end()]) in _NAME_KEYS and c.text[m.end():].strip():
            return c.text[m.end():].strip(), c.line
    return None


def _is_name_label(text: str) -> bool:
    """部门（单位）名称, alone or leading its value (部门（单位）名称：焦作市生态环境局)."""
    if _key(text) in _NAME_KEYS:
        return True
    m = _NAME_LABEL.match(text)
    return bool(m) and _key(text[:m.end()]) in _NAME_KEYS


def _is_name_row(row: Row) -> bool:
    return any(_is_name_label(c.text) for c in row.cells)


@dataclass
class _Grid:
    """Columns of one part of a form, from its header row(s): position → role."""
    width: int
    roles: dict[int, str] = field(default_factory=dict)
    labels: dict[int, str] = field(default_factory=dict)

    def pos(self, role: str) -> int | None:
        return next((p for p, r in self.roles.items() if r == role), None)


def _task_grid(header: Row) -> _Grid:
    g = _Grid(width=len(header.cells))
    for p, c in enumerate(header.cells):
        k = _key(c.text)
        g.labels[p] = k
        if k in _TASK_NAME:
            g.roles[p] = "name"
        elif k in _TASK_DONE:
            g.roles[p] = "completion"
        elif _BUDGET.match(k):
            g.roles[p] = "budget"
        elif _ACTUAL.match(k):
            g.roles[p] = "actual"
        elif _OWN.search(k):
            g.roles[p] = "own"
    return g


def _add_subheader(g: _Grid, sub: Row) -> None:
    """A second header row (其中：本级财政资金 under 预算数 / 执行数)."""
    cells = sub.cells
    if len(cells) == g.width:
        targets = list(range(g.width))
    else:  # a shorter sub-header row: its cells sit under the header's empty positions
        empty = [p for p in range(g.width) if p not in g.roles and _blank(g.labels.get(p, ""))]
        nonblank = [c for c in cells if not _blank(c.text)]
        cells, targets = nonblank, empty[:len(nonblank)]
    for p, c in zip(targets, cells):
        k = _key(c.text)
        if not k:
            continue
        if _OWN.search(k):
            g.roles[p] = "own"
        elif _BUDGET.match(k) and p not in g.roles:
            g.roles[p] = "budget"
        elif _ACTUAL.match(k) and p not in g.roles:
            g.roles[p] = "actual"


def _money_roles(g: _Grid) -> list[tuple[int, str]]:
    """Amount columns left to right as budget / budget_own / actual / actual_own."""
    out, main = [], None
    for p in sorted(g.roles):
        r = g.roles[p]
        if r in ("budget", "actual"):
            main = r
            out.append((p, r))
        elif r == "own":
            out.append((p, f"{main or 'budget'}_own"))
    return out


def _indicator_grid(header: Row) -> _Grid | None:
    g = _Grid(width=len(header.cells))
    for p, c in enumerate(header.cells):
        k = _key(c.text)
        g.labels[p] = k
        for role, keys in _IND_ROLES.items():
            if k in keys and role not in g.roles.values():
                g.roles[p] = role
                break
    have = set(g.roles.values())
    if "content" in have and have & {"level1", "level2"} and have & {"expected", "actual"}:
        return g
    return None


def _is_task_header(row: Row) -> bool:
    keys = {_key(c.text) for c in row.cells}
    return bool(keys & _TASK_NAME) and any(_BUDGET.match(k) or _ACTUAL.match(k) or k in _TASK_DONE for k in keys)


def _is_goal_header(row: Row) -> bool:
    keys = {_key(c.text) for c in row.cells}
    return bool(keys & _GOALS) and bool(keys & _ACHIEVED) or (bool(keys & _GOALS) and not keys & _TASK_NAME
                                                              and len(_nonblank(row)) <= 3)


def _is_total(row: Row) -> bool:
    return any(_TOTAL.match(_key(c.text)) for c in row.cells)


def _is_rate(row: Row) -> bool:
    return any(_RATE.match(_key(c.text)) for c in row.cells)


def _is_total_score(row: Row) -> bool:
    return any(_TOTAL_SCORE.match(_key(c.text)) for c in row.cells)


def _kind(row: Row) -> str | None:
    """What a row inside a form is, by its labels."""
    if _indicator_grid(row) is not None:
        return "indicator-header"
    if _is_task_header(row):
        return "task-header"
    if _is_goal_header(row):
        return "goal-header"
    if _is_total_score(row):
        return "total-score"
    if _is_rate(row):
        return "rate"
    if _is_total(row):
        return "total"
    return None


def _is_label(text: str) -> bool:
    k = _key(text)
    return bool(_RATE.match(k) or k in _WEIGHT_KEYS or k in _SCORE_KEYS or _TOTAL_SCORE.match(k)
                or k == "预算执行情况")


def _label_values(row: Row, nxt: Row | None) -> tuple[dict[str, Cell], bool]:
    """Values of the labelled cells of a row (预算执行率 85.43% 分值 10 得分 8.54), each the next
    numeric cell after its label; labels left without one take the next row's numeric cells in
    order (labels on one row, values on the next). Returns the values and whether `nxt` was used."""
    out: dict[str, Cell] = {}
    pending: list[str] = []
    cells = row.cells
    for j, c in enumerate(cells):
        k = _key(c.text)
        role = ("rate" if _RATE.match(k) else "weight" if k in _WEIGHT_KEYS else "score" if k in _SCORE_KEYS
                else "total" if _TOTAL_SCORE.match(k) else None)
        if role is None:
            continue
        value = None
        for d in cells[j + 1:]:
            if _blank(d.text):
                continue
            if _is_label(d.text):
                break
            if _num(d.text) is not None:
                value = d
            break
        if value is not None:
            out[role] = value
        else:
            pending.append(role)
    used = False
    if pending and nxt is not None and not nxt.paragraph:
        values = [d for d in nxt.cells if not _blank(d.text)]
        if values and all(_num(d.text) is not None for d in values):
            for role, d in zip(pending, values):
                out[role] = d
            used = True
    return out, used


def _merge_split(rows: list[Row], i: int, end: int, width: int) -> tuple[Row, int]:
    """A data row split over blank lines (its last cells in the following row or rows): the row put
    back together when the pieces add up to the header's width. Returns the row and the next index."""
    row = rows[i]
    if len(row.cells) >= width:
        return row, i + 1
    cells = list(row.cells)
    j = i + 1
    while j < end and len(cells) < width:
        nxt = rows[j]
        if nxt.paragraph or _kind(nxt) is not None or len(cells) + len(nxt.cells) > width:
            break
        cells += nxt.cells
        j += 1
    if len(cells) == width and j > i + 1:
        return Row(cells=cells, line=row.line), j
    return row, i + 1


def _aligned(row: Row, width: int) -> list[Cell]:
    """Cells of a data row placed under a header of `width` columns: a shorter row is taken to
    lack its leftmost cells (merged cells printed once, on the group's first row)."""
    cells = row.cells
    if len(cells) < width:
        pad = [Cell("", row.line)] * (width - len(cells))
        return pad + list(cells)
    return list(cells)


def _orphan_number(row: Row) -> Cell | None:
    """A row holding a single number and nothing else: the tail of the row above, split off."""
    nb = _nonblank(row)
    if len(nb) == 1 and _num(nb[0].text) is not None:
        return nb[0]
    return None


def _text(cell: Cell | None) -> str:
    return clean_label(cell.text) if cell is not None and not _blank(cell.text) else ""


def _raw(cell: Cell | None) -> str:
    """A value text as printed, trimmed (no-figure marks kept: '/', '—')."""
    if cell is None:
        return ""
    return clean_label(cell.text)


def _long_text(cells: list[Cell]) -> str:
    lines = [l.strip() for c in cells for l in c.text.replace("\u3000", " ").split("\n")]
    return "\n".join(l for l in lines if l)


def _read_form(rows: list[Row], start: int, end: int, path: str, warnings: list[str]) -> UnitEvaluation | None:
    title_row = rows[start]
    title_cell = next(c for c in title_row.cells if _TITLE.search(label_key(c.text)))
    # header: year, currency unit, unit name
    name_at = None
    for i in range(start, min(end, start + 16)):
        if _is_name_row(rows[i]):
            name_at = i
            break
        if i > start and _kind(rows[i]) is not None:
            break
    if name_at is None:
        if not title_row.paragraph:
            warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 without a 部门（单位）名称 row; skipped")
        return None
    named = _name_of(rows[name_at])
    if named is None:
        warnings.append(f"{path}:{rows[name_at].line}: 整体绩效自评表 names no unit; skipped")
        return None
    unit_name = named[0]
    head = " ".join(c.text for r in rows[start:name_at + 1] for c in r.cells)
    ym = _YEAR.search(nfkc(head))
    um = _UNIT.search(nfkc(head))
    form = UnitEvaluation(unit_name=unit_name, line=title_cell.line, year=int(ym.group(1)) if ym else None,
                          currency_unit=um.group(1) if um else "")
    if ym is None:
        warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 of {unit_name} states no year")

    section = None
    task_grid: _Grid | None = None
    ind_grid: _Grid | None = None
    goal_pos: tuple[int | None, int | None, int] | None = None
    goals: list[Cell] = []
    achieved: list[Cell] = []
    carry = {"level1": "", "level2": ""}
    last: Indicator | None = None  # the indicator read from the row just above
    last_skipped = False
    i = name_at + 1
    while i < end:
        row = rows[i]
        if row.paragraph:
            if _blank(_row_text(row)):
                i += 1
                continue
            break
        kind = _kind(row)
        if kind == "task-header":
            section, task_grid = "tasks", _task_grid(row)
            if not form.currency_unit:
                hu = _UNIT_IN_HEADER.search(nfkc(_row_text(row)))
                form.currency_unit = hu.group(1) if hu else ""
            i += 1
            # further header rows: labels only, no figures (其中：本级财政资金)
            while i < end and not rows[i].paragraph and _kind(rows[i]) is None and \
                    not any(_num(c.text) is not None for c in rows[i].cells) and \
                    any(_OWN.search(_key(c.text)) or _BUDGET.match(_key(c.text)) or _ACTUAL.match(_key(c.text))
                        for c in rows[i].cells):
                _add_subheader(task_grid, rows[i])
                i += 1
            continue
        if kind == "total":
            if not form.currency_unit:  # 金额合计（万元）
                hu = _UNIT_IN_HEADER.search(nfkc(_row_text(row)))
                form.currency_unit = hu.group(1) if hu else ""
            _read_total(form, row, task_grid, path, warnings)
            section = None
            i += 1
            continue
        if kind == "rate":
            values, used = _label_values(row, rows[i + 1] if i + 1 < end else None)
            if "rate" in values:
                form.stated_rate_text = values["rate"].text.strip()
                form.stated_rate = _num(values["rate"].text)
            else:
                warnings.append(f"{path}:{row.line}: 预算执行率 of {unit_name} not read")
            form.rate_weight = _num(values["weight"].text) if "weight" in values else None
            form.rate_score = _num(values["score"].text) if "score" in values else None
            if "total" in values and form.total_score is None:
                form.total_score = _num(values["total"].text)
            section = None
            i += 2 if used else 1
            continue
        if kind == "goal-header":
            section = "goals"
            keys = [_key(c.text) for c in row.cells]
            gp = next((p for p, k in enumerate(keys) if k in _GOALS), None)
            ap = next((p for p, k in enumerate(keys) if k in _ACHIEVED), None)
            goal_pos = (gp, ap, len(row.cells))
            # values printed beside their labels on the header row itself
            for p, target in ((gp, goals), (ap, achieved)):
                if p is not None:
                    for d in row.cells[p + 1:]:
                        if _blank(d.text):
                            continue
                        if _key(d.text) not in _GOALS | _ACHIEVED:
                            target.append(d)
                        break
            i += 1
            continue
        if kind == "indicator-header":
            section, ind_grid = "indicators", _indicator_grid(row)
            last, last_skipped = None, False
            i += 1
            continue
        if kind == "total-score":
            values, used = _label_values(row, rows[i + 1] if i + 1 < end else None)
            nums = [c for c in row.cells if _num(c.text) is not None]
            if "total" in values:
                form.total_score = _num((nums[-1] if nums else values["total"]).text)
            else:
                warnings.append(f"{path}:{row.line}: 自评得分 of {unit_name} not read")
            i += 2 if used else 1
            break
        # data rows of the current part
        if section == "tasks" and task_grid is not None:
            row, i = _merge_split(rows, i, end, task_grid.width)
            if not _blank(_row_text(row)):
                _read_task(form, row, task_grid, rows[i] if i < end else None, path, warnings)
            continue
        if section == "goals" and goal_pos is not None:
            gp, ap, width = goal_pos
            labelled = _inline_goals(row)
            if labelled is not None:  # 全年实际完成情况 | text: a label and its value on one row
                (goals if labelled[0] == "goals" else achieved).extend(labelled[1])
            elif len(row.cells) == width:
                for p, target in ((gp, goals), (ap, achieved)):
                    if p is not None and not _blank(row.cells[p].text):
                        target.append(row.cells[p])
            else:
                texts = _nonblank(row)
                if texts:
                    goals.append(texts[0])
                if len(texts) > 1:
                    achieved.append(texts[1])
            i += 1
            continue
        if section == "indicators" and ind_grid is not None:
            orphan = _orphan_number(row)
            score_at = ind_grid.pos("score")
            if orphan is not None and (len(row.cells) < ind_grid.width
                                       or (score_at is not None and row.cells[score_at] is orphan)):
                if last is not None and last.score is None:
                    last.score = _num(orphan.text)
                elif not last_skipped:
                    warnings.append(f"{path}:{orphan.line}: number {orphan.text.strip()!r} alone in a row of the "
                                    f"indicators of {unit_name}; not used")
                i += 1
                continue
            row, i = _merge_split(rows, i, end, ind_grid.width)
            ind, skipped = _read_indicator(row, ind_grid, carry)
            if ind is not None:
                form.indicators.append(ind)
            if ind is not None or skipped:
                last, last_skipped = ind, skipped
            continue
        i += 1
    form.goals = _long_text(goals)
    form.achievements = _long_text(achieved)
    if not form.currency_unit:
        form.currency_unit = "万元"
        warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 of {unit_name} states no currency unit; using 万元")
    if not form.tasks:
        warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 of {unit_name}: no task rows read")
    if not form.indicators:
        warnings.append(f"{path}:{title_cell.line}: 整体绩效自评表 of {unit_name}: no indicator rows read")
    return form


def _inline_goals(row: Row) -> tuple[str, list[Cell]] | None:
    """A goals-part row led by its own label (年度总体目标 / 全年实际完成情况) with the text beside it."""
    for j, c in enumerate(row.cells):
        if _blank(c.text):
            continue
        k = _key(c.text)
        role = "goals" if k in _GOALS else "achieved" if k in _ACHIEVED else None
        if role is None:
            return None
        return role, [d for d in row.cells[j + 1:] if not _blank(d.text)]
    return None


def _read_task(form: UnitEvaluation, row: Row, g: _Grid, nxt: Row | None, path: str, warnings: list[str]) -> None:
    money = _money_roles(g)
    values: dict[str, Decimal | None] = {r: None for _, r in money}
    if len(row.cells) == g.width:
        name = row.cells[g.pos("name")] if g.pos("name") is not None else None
        done = row.cells[g.pos("completion")] if g.pos("completion") is not None else None
        for p, r in money:
            values[r] = _num(row.cells[p].text)
    else:  # another row split: texts are name then completion, figures in the header's order
        texts = [c for c in _nonblank(row) if _num(c.text) is None]
        nums = [c for c in _nonblank(row) if _num(c.text) is not None]
        name = texts[0] if texts else None
        done = texts[1] if len(texts) > 1 else None
        if len(nums) != len(money):
            warnings.append(f"{path}:{row.line}: task row with {len(nums)} figures for {len(money)} amount columns; "
                            "read in order")
        for (p, r), c in zip(money, nums):
            values[r] = _num(c.text)
    if name is None or _blank(name.text):
        if any(v is not None for v in values.values()):
            warnings.append(f"{path}:{row.line}: task row without a task name in the form of {form.unit_name}; skipped")
        return
    form.tasks.append(PerformanceTask(
        name=_text(name), completion=_text(done), budget=values.get("budget"), budget_own=values.get("budget_own"),
        actual=values.get("actual"), actual_own=values.get("actual_own"), line=name.line))


def _read_total(form: UnitEvaluation, row: Row, g: _Grid | None, path: str, warnings: list[str]) -> None:
    j = next(j for j, c in enumerate(row.cells) if _TOTAL.match(_key(c.text)))
    money = _money_roles(g) if g is not None else [(0, "budget"), (1, "budget_own"), (2, "actual"), (3, "actual_own")]
    after = row.cells[j + 1:]
    nums = [c for c in after if _num(c.text) is not None]
    if g is not None and len(row.cells) == g.width and len(nums) != len(money):
        pairs = [(r, row.cells[p]) for p, r in money]
    else:
        if len(nums) != len(money):
            warnings.append(f"{path}:{row.line}: 金额合计 of {form.unit_name} has {len(nums)} figures for "
                            f"{len(money)} amount columns; read in order")
        pairs = list(zip([r for _, r in money], nums))
    for r, c in pairs:
        setattr(form, r, _num(c.text))


def _read_indicator(row: Row, g: _Grid, carry: dict[str, str]) -> tuple[Indicator | None, bool]:
    """One indicator row. Returns (indicator or None, whether the row was a no-indicator row such as
    经济效益指标 / '/')."""
    cells = _aligned(row, g.width)

    def cell(role: str) -> Cell | None:
        p = g.pos(role)
        return cells[p] if p is not None and p < len(cells) else None

    l1, l2 = _text(cell("level1")), _text(cell("level2"))
    if l1:
        carry["level1"] = l1
        carry["level2"] = ""
    if l2:
        carry["level2"] = l2
    content = cell("content")
    if content is None or _blank(content.text):
        return None, bool(l1 or l2 or any(not _blank(c.text) for c in cells))
    expected, actual = _raw(cell("expected")), _raw(cell("actual"))
    ev, eu, eo = parse_target(expected)
    av, au, _ = parse_target(actual)
    op_cell, unit_cell = _text(cell("op")), _text(cell("unit"))
    if op_cell:
        eo = _op_word(op_cell) or eo
    if unit_cell:
        eu = eu or unit_cell
        au = au or (unit_cell if av is not None else None)
    weight, score = cell("weight"), cell("score")
    return Indicator(
        level1=carry["level1"], level2=carry["level2"], content=clean_label(content.text), expected=expected,
        actual=actual, weight=_num(weight.text) if weight is not None else None,
        score=_num(score.text) if score is not None else None, line=content.line,
        expected_value=ev, expected_unit=eu, expected_op=eo, actual_value=av, actual_unit=au), False


def _op_word(text: str) -> str | None:
    """An operator printed in a column of its own (指标性质: ≥ / ≤ / =); None for 定性 and the like."""
    t = nfkc(text).strip()
    return next((symbol for token, symbol in _PREFIX_OPS if t == token), None)


# --- project counts, key evaluations ----------------------------------------------------------------

def _texts(rows: list[Row]):
    """(text, line) of paragraphs and single-cell rows: running text."""
    for r in rows:
        nb = _nonblank(r)
        if r.paragraph or len(nb) == 1:
            for c in nb:
                yield c.text.strip(), c.line


def _project_counts(rows: list[Row], path: str, warnings: list[str]) -> list[ProjectCount]:
    out = []
    for text, line in _texts(rows):
        m = _COUNT_TOTAL.search(text)
        if not m:
            continue
        rest = text[m.end():]
        q = re.match(r"\s*[,，；;]?\s*其中\s*[,，:：]?", rest)
        if not q:
            continue
        segment = re.split(r"[。.](?!\d)", rest[q.end():])[0]
        found = []
        for part in re.split(r"[、，,；;]", segment):
            pm = re.fullmatch(r"\s*(.+?)\s*(\d+)\s*个(?:项目)?\s*", part)
            if pm:
                found.append(ProjectCount(unit_name=pm.group(1), count=int(pm.group(2)), line=line))
        total = int(m.group(1))
        if found and sum(p.count for p in found) != total:
            warnings.append(f"{path}:{line}: project counts by unit add up to {sum(p.count for p in found)}, "
                            f"not the {total} stated")
        out += found
    return out


def _key_evaluations(rows: list[Row]) -> list[KeyEvaluation]:
    out = []
    for text, line in _texts(rows):
        matches = list(_KEY_EVAL.finditer(text))
        for n, m in enumerate(matches):
            # the evaluation's text: from the start of its sentence to the start of the next one's
            begin = max(text.rfind("。", 0, m.start()) + 1, 0)
            stop = len(text)
            if n + 1 < len(matches):
                stop = max(text.rfind("。", 0, matches[n + 1].start()) + 1, m.end())
            chunk = text[begin:stop].strip()
            project = m.group(1).strip()
            if re.fullmatch(r"\d+\s*个(?:项目)?", project):
                continue  # "选取了5个项目开展…": a summary, not one project
            scores = _KEY_SCORE.findall(chunk[m.end() - begin:])
            out.append(KeyEvaluation(project=project, score=Decimal(scores[-1]) if scores else None,
                                     text=chunk, line=line))
    return out


# --- appended reports -------------------------------------------------------------------------------

def _reports(rows: list[Row], path: str, warnings: list[str]) -> list[EvaluationReport]:
    lines = list(_texts(rows))
    marks = [n for n, (t, _) in enumerate(lines) if _REPORT_MARK.match(label_key(t))]
    out = []
    for k, n in enumerate(marks):
        stop = marks[k + 1] if k + 1 < len(marks) else len(lines)
        body = lines[n + 1:stop]
        report = _report(body, lines[n][1], path, warnings)
        if report is not None:
            out.append(report)
    return out


def _report(body: list[tuple[str, int]], line: int, path: str, warnings: list[str]) -> EvaluationReport | None:
    title_at = None
    for j, (t, _) in enumerate(body[:6]):
        if _HEADING.match(t) or len(t) > 80:
            break
        if _REPORT_SUFFIX.search(clean_label(t)):
            title_at = j
            break
    if title_at is None:
        return None  # an attachment that is not an evaluation report
    head = [clean_label(t) for t, _ in body[:title_at + 1]]
    # title lines: the 报告 line, and the lines above it that carry the project's name
    title_parts = [head[-1]]
    j = title_at - 1
    while j >= 0:
        so_far = _project_of("".join(title_parts))
        if so_far and so_far != "项目" and not (head[j].endswith("项目") or _LEADING_YEAR.match(head[j])):
            break
        title_parts.insert(0, head[j])
        j -= 1
    unit_lines = head[:j + 1]
    title = "".join(title_parts)
    text = body[title_at + 1:]
    budget = _first_amount(text, _REPORT_BUDGET)
    actual = _first_amount(text, _REPORT_ACTUAL)
    problems, suggestions = _problems(text)
    return EvaluationReport(title=title, project=_project_of(title), unit_name="".join(unit_lines) or None,
                            budget=budget, actual=actual, score=_report_score(text), problems=problems,
                            suggestions=suggestions, line=line)


def _project_of(title: str) -> str:
    t = _REPORT_SUFFIX.sub("", title.strip())
    return _LEADING_YEAR.sub("", t).strip()


def _first_amount(text: list[tuple[str, int]], patterns: list[re.Pattern]) -> Decimal | None:
    for pattern in patterns:  # in order of preference
        for t, _ in text:
            m = pattern.search(nfkc(t))
            if m:
                return parse_amount(m.group(1))
    return None


def _report_score(text: list[tuple[str, int]]) -> Decimal | None:
    """The report's overall score: the last 得分 figure not stated for one part of the evaluation."""
    found = None
    for t, _ in text:
        t = nfkc(t)
        for m in _REPORT_SCORE.finditer(t):
            begin = max(t.rfind(ch, 0, m.start()) for ch in "。(（;；")
            context = t[begin + 1:m.start()]
            if any(w in context for w in _PART_SCORE):
                continue
            found = Decimal(m.group(1))
    return found


def _problems(text: list[tuple[str, int]]) -> tuple[str, str]:
    problems: list[str] = []
    suggestions: list[str] = []
    heading = None
    sub = None
    for t, _ in text:
        if _HEADING.match(t):
            heading = None
            if ("问题" in t or "建议" in t) and "其他需要说明" not in t and "其它需要说明" not in t:
                heading = ("问题" in t or "存在" in t, "建议" in t or "改进" in t)
            sub = None
            continue
        if heading is None:
            continue
        if _SUBHEADING.match(t) and ("问题" in t or "建议" in t or "措施" in t):
            sub = ("问题" in t, "建议" in t or "措施" in t)
            continue
        to_problems, to_suggestions = sub or heading
        if to_problems:
            problems.append(t)
        if to_suggestions:
            suggestions.append(t)
    return "\n".join(problems), "\n".join(suggestions)


# --- entry point ------------------------------------------------------------------------------------

def read_performance(rows: list[Row], path: str, warnings: list[str]
                     ) -> tuple[list[UnitEvaluation], list[ProjectCount], list[KeyEvaluation], list[EvaluationReport]]:
    """All performance content of a disclosure: the 整体绩效自评表 forms in document order, the
    per-unit counts of projects with approved targets, the 重点绩效评价 results and the appended
    evaluation reports. Problems are appended to `warnings` as "path:line: message"."""
    starts = [i for i, r in enumerate(rows) if _is_title(r)]
    forms = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        form = _read_form(rows, s, end, path, warnings)
        if form is not None:
            forms.append(form)
    return forms, _project_counts(rows, path, warnings), _key_evaluations(rows), _reports(rows, path, warnings)


# --- project self-evaluation forms (项目支出绩效自评表): the 预算执行情况 block -------------------------

_PROJECT_TITLE = re.compile(r"项目(?:支出)?绩效(?:自评|评价)表$")
_EXEC_BLOCK = re.compile(r"^(?:预算|资金)?执行情况$|^项目资金$")
# measure columns of the block, by their printed labels: (pattern, kind, phase)
_EXEC_COLUMNS = [
    (re.compile(r"^年初预算(?:数|金额)?$"), "money", "approved"),
    (re.compile(r"^(?:调整后|全年|调整)预算(?:数|金额)?$"), "money", "revised"),
    (re.compile(r"^(?:预算|全年|实际)?(?:执行数|执行金额|支出数|支出金额)$"), "money", "executed"),
    (re.compile(r"^(?:预算)?执行率$"), "rate", None),
    (re.compile(r"^(?:权重|分值)$"), "weight", None),
    (re.compile(r"^得分$"), "score", None),
]
_EXEC_END = re.compile(r"^(?:绩效指标|一级指标|年度总体目标|年度目标|绩效目标|总分|自评得分|评价结论)")


def _exec_kind(text: str) -> tuple[str, str | None] | None:
    k = _key(text)
    for rx, kind, phase in _EXEC_COLUMNS:
        if rx.match(k):
            return kind, phase
    return None


def read_project_execution(rows: list[Row], path: str, warnings: list[str]) -> list[Figure]:
    """The 预算执行情况 block of each 项目支出绩效自评表 (年初预算 / 调整后预算数 / 预算执行数 / 预算执行率 /
    权重 / 得分 for 总额 and its parts 财政资金 …) as figures: one per printed number, its row label
    as printed (其中： left out), its column label as the measure, in the block's currency unit.
    A stated rate that the amounts do not give, or parts that do not add up to the total, are warned of."""
    starts = [i for i, r in enumerate(rows)
              if any(_PROJECT_TITLE.search(_key(c.text)) and len(_key(c.text)) <= 40 for c in r.cells)]
    out: list[Figure] = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        out += _project_form(rows, s, end, path, warnings)
    return out


def _project_form(rows: list[Row], start: int, end: int, path: str, warnings: list[str]) -> list[Figure]:
    project = None
    header_at = None
    for i in range(start, end):
        cells = rows[i].cells
        keys = [_key(c.text) for c in cells]
        if project is None and "项目名称" in keys:
            project = next((clean_label(c.text) for c in cells[keys.index("项目名称") + 1:] if not _blank(c.text)), None)
        if sum(_exec_kind(c.text) is not None for c in cells) >= 2 and any(
                _exec_kind(c.text) == ("money", "executed") for c in cells):
            header_at = i
            break
    title = rows[start]
    title_line = next(c.line for c in title.cells if _PROJECT_TITLE.search(_key(c.text)))
    if header_at is None:
        return []
    header = rows[header_at]
    cells = [c for c in header.cells if not _blank(c.text)]
    if cells and _EXEC_BLOCK.match(_key(cells[0].text)):
        cells = cells[1:]  # the block's own label (预算执行情况（10分）), printed once for all its rows
    label_at = next((j for j, c in enumerate(cells) if _UNIT_IN_HEADER.search(nfkc(c.text))), None)
    if label_at is None:
        label_at = next((j for j, c in enumerate(cells) if _exec_kind(c.text) is None), 0)
    unit_m = _UNIT_IN_HEADER.search(nfkc(cells[label_at].text)) if cells else None
    unit = unit_m.group(1) if unit_m else "万元"
    if not unit_m:
        warnings.append(f"{path}:{header.line}: 预算执行情况 of {project or 'a project'} states no currency unit; "
                        "using 万元")
    columns = [(c, _exec_kind(c.text)) for c in cells[label_at + 1:]]
    section = f"{project or clean_label(title.cells[0].text)}：预算执行情况"
    figures: list[Figure] = []
    table: list[tuple[str, int, dict[str, tuple[Decimal, str]]]] = []  # (label, line, phase/kind → value)
    numeric = sum(1 for _, kind in columns if kind is not None)
    for i in range(header_at + 1, end):
        row = rows[i]
        data = [c for c in row.cells if not _blank(c.text) or c.text.strip() in ("/", "-", "—")]
        if row.paragraph or not data or _EXEC_END.match(_key(data[0].text)) or _num(data[0].text) is not None:
            break
        label = strip_ordinal(clean_label(data[0].text))
        values = data[1:]
        if not any(_num(c.text) is not None for c in values):
            if not values:
                break
            continue  # a row without figures (其他资金 | / | /)
        if len(values) < numeric:
            warnings.append(f"{path}:{row.line}: 预算执行情况 row {label} has {len(values)} cells for the "
                            f"{numeric} columns of its header; read left to right")
        read: dict[str, tuple[Decimal, str]] = {}
        for c, (head, kind) in zip(values, columns):
            value = _num(c.text)
            if kind is None or value is None:
                continue
            what, phase = kind
            measure = clean_label(head.text)
            fig_unit = unit if what == "money" else "%" if what == "rate" else "分"
            figures.append(Figure(section=section, label=label, measure=measure, amount=value, unit=fig_unit,
                                  line=c.line, phase=phase))
            read[phase if what == "money" else what] = (value, c.text.strip())
        table.append((label, row.line, read))
    if figures:
        warnings.append(f"{path}:{title_line}: 项目支出绩效自评表 of {project or '(no project name)'}: its 预算执行情况 "
                        "is read as figures; the form's indicators and conclusions are not kept (no record for "
                        "project self-evaluations)")
    _check_execution(table, project, path, warnings)
    return figures


def _check_execution(table, project, path: str, warnings: list[str]) -> None:
    """Stated rates against 执行数 / 调整后预算数 (else 年初预算), and the parts against the total."""
    for label, line, read in table:
        budget = read.get("revised") or read.get("approved")
        if "rate" not in read or "executed" not in read or budget is None or not budget[0]:
            continue
        stated, printed = read["rate"]
        computed = read["executed"][0] / budget[0] * 100
        places = -stated.as_tuple().exponent if stated.as_tuple().exponent < 0 else 0
        if abs(computed - stated) > Decimal(1).scaleb(-places) / 2:
            warnings.append(f"{path}:{line}: 预算执行率 of {label} ({project}) is printed {printed}, "
                            f"but {read['executed'][0]} / {budget[0]} is {computed.quantize(Decimal('0.01'))}%")
    if len(table) < 3:
        return
    total, parts = table[0], table[1:]
    for key in ("approved", "revised", "executed"):
        if key not in total[2]:
            continue
        present = [p[2][key][0] for p in parts if key in p[2]]
        if len(present) >= 2 and sum(present) != total[2][key][0]:
            warnings.append(f"{path}:{total[1]}: 预算执行情况 of {project}: the parts printed under "
                            f"{key} add up to {sum(present)}, not the {total[2][key][0]} of {total[0]}")
