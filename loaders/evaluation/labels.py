"""The labels of a 整体绩效自评表, and the cell helpers every part of the package reads them with.

A form is found by its title (…整体绩效自评表) and its 部门（单位）名称 row; its parts by their own
labels (任务名称 / 完成情况 / 预算数 / 执行数 / 其中：本级财政资金, 金额合计, 预算执行率 / 分值 / 得分,
绩效目标 / 目标实际完成情况, 一级指标 / 二级指标 / 指标内容 / 预期指标值 / 实际完成指标值 / 分值 / 得分,
自评得分). Keys are compared after `unitless_key`, so 预算数（万元） is 预算数.
"""
from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache
from typing import Iterator

from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import clean_label, is_blank, label_key, nfkc, parse_amount

# --- title and header --------------------------------------------------------------------------

FORM_TITLE = re.compile(r"整体(?:支出)?绩效(?:自评|评价)表$")
NAME_LABEL = re.compile(r"^\s*(?:部门|单位|预算)?\s*[（(]?\s*(?:部门|单位)?\s*[）)]?\s*名称\s*[:：]?")
NAME_KEYS = {"部门（单位）名称", "单位（部门）名称", "部门名称", "单位名称", "预算单位名称", "预算部门名称", "部门（单位）"}
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
CURRENCY_UNIT = re.compile(r"(?:金额|货币)?单位\s*[:：]\s*(万元|元|千元|亿元)(?![\u4e00-\u9fff])")
UNIT_IN_HEADER = re.compile(r"[（(]\s*(万元|元|千元|亿元)\s*[）)]")

# --- tasks and amounts ---------------------------------------------------------------------------

TASK_NAME_KEYS = {"任务名称", "任务内容", "主要任务名称", "年度主要任务"}
TASK_DONE_KEYS = {"完成情况", "实际完成情况", "任务完成情况", "主要完成情况", "完成情况说明"}
BUDGET = re.compile(r"^(?:全年|年初|调整后|年度)?预算(?:数|金额|资金)?$")
ACTUAL = re.compile(r"^(?:全年|实际)?(?:执行数|执行金额|支出数|决算数|实际支出|执行)$")
OWN_FUNDS = re.compile(r"本级财政|^财政资金$|^财政拨款$")
AMOUNT_TOTAL = re.compile(r"^(?:金额合计|资金合计|合计|总计)$")

# --- rate, scores, goals -------------------------------------------------------------------------

EXECUTION_RATE = re.compile(r"^(?:预算)?执行率$")
WEIGHT_KEYS = {"分值", "权重", "指标分值"}
SCORE_KEYS = {"得分", "指标得分", "自评分"}
TOTAL_SCORE = re.compile(r"^(?:自评得分|自评总分|总分|综合得分|总得分|整体绩效自评得分)$")
GOAL_KEYS = {"绩效目标", "年度绩效目标", "年度目标", "总体目标", "预期目标", "年度总体目标"}
ACHIEVED_KEYS = {"目标实际完成情况", "实际完成情况", "全年实际完成情况", "年度目标实际完成情况", "实际完成目标情况",
                 "目标完成情况", "年度目标完成情况"}

# --- indicators: column role → the labels it is printed with --------------------------------------

INDICATOR_COLUMNS = {
    "level1": {"一级指标"},
    "level2": {"二级指标"},
    "content": {"指标内容", "三级指标", "指标名称", "绩效指标内容"},
    "expected": {"预期指标值", "年度指标值", "指标值", "预期值", "目标值", "年度目标值", "预期目标值", "计划指标值",
                 "全年指标值", "预期指标"},
    "actual": {"实际完成指标值", "实际完成值", "全年实际值", "实际值", "完成值", "实际完成情况", "实际指标值",
               "全年完成值", "实际完成指标"},
    "op": {"指标性质"},
    "unit": {"度量单位", "计量单位", "单位"},
    "weight": WEIGHT_KEYS,
    "score": SCORE_KEYS,
}


# --- cells -----------------------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)
def unitless_key(text: str) -> str:
    """label_key without a trailing bracketed unit: 预算数（万元） → 预算数, 预算执行率（%） → 预算执行率."""
    return re.sub(r"(?:（[^（）]*）)+$", "", label_key(text)).strip()


def cell_number(text: str) -> Decimal | None:
    """An amount, a score or a percentage cell (85.43% → 85.43)."""
    t = nfkc(text).strip().replace(" ", "")
    if t.endswith("%"):
        t = t[:-1]
    return parse_amount(t)


def row_text(row: Row) -> str:
    return "".join(c.text for c in row.cells)


def nonblank_cells(row: Row) -> list[Cell]:
    return [c for c in row.cells if not is_blank(c.text)]


def cell_text(cell: Cell | None) -> str:
    """A text cell trimmed; "" for a missing or blank one."""
    return clean_label(cell.text) if cell is not None and not is_blank(cell.text) else ""


def running_text(rows: list[Row]) -> Iterator[tuple[str, int]]:
    """(text, line) of paragraphs and single-cell rows: running text."""
    for r in rows:
        nb = nonblank_cells(r)
        if r.paragraph or len(nb) == 1:
            for c in nb:
                yield c.text.strip(), c.line
