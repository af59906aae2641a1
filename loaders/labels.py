"""What a printed label means to a table: its number marker (公开NN表), its title's table type, its header
metadata (部门 / year / 金额单位), a note under it, a stub header (科目编码, 项目, 行次, 栏次), a total row,
the 栏次 row of column numbers.

Below both the layout producers (loaders/layouts/), which need these to tell where a table begins and
ends in text that does not mark its rows, and the table reader (loaders/tables/), which reads them.
"""
from __future__ import annotations

import re

from cnbudget.loaders import vocab
from cnbudget.loaders.records import Row, Table
from cnbudget.loaders.text import PART_HEADING, clean_label, is_blank, label_key, nfkc

# 表, in every marker and title: no other character has it in its normal form (NFKC), so a text without it
# is neither, whatever its normal form (most cells, passed over without normalising them)
_TABLE = "表"
MARKER = re.compile(r"^\s*公开\s*(\d{1,2})\s*表\s*$")
_DEPT = re.compile(r"^(?:部门|单位|编制单位|部门名称|单位名称|预算单位|填报单位)\s*[:：]\s*(.*)$")
YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_UNIT = re.compile(r"(?:金额|货币)?单位\s*[:：]\s*(万元|元|千元|亿元)(?![\u4e00-\u9fff])")  # not 单位：元宝山区…
_UNIT_WORD = re.compile(r"(万元|元|千元|亿元)")
# where a department name printed in the same cell as the year or unit ends
_AFTER_NAME = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年|(?:金额|货币)?单位\s*[:：])")
_NOTE = re.compile(r"^\s*(注|备注)\s*[:：]")
_NOT_TITLE = re.compile(r"[。；;，,:：]")
# a subject code (201, 2010301) in a code column or before a row's name
SUBJECT_CODE = re.compile(r"^\d{3,7}$")

STUB_CODE = {"科目编码", "功能分类科目编码", "经济分类科目编码", "功能分类编码", "经济分类编码", "科目代码", "编码",
             "功能科目编码", "经济科目编码", "支出功能分类科目编码", "支出经济分类科目编码"}
STUB_NAME = {"科目名称", "项目", "名称", "科目", "项目名称", "功能分类科目名称", "经济分类科目名称"}
STUB_ROWNUM = {"行次"}
STUB_COLNUM = {"栏次"}
STUBS = STUB_CODE | STUB_NAME | STUB_ROWNUM | STUB_COLNUM


def stub_role(text: str) -> str | None:
    """code / name / rownum / colnum for a stub header label (科目编码, 项目, 行次, 栏次), else None."""
    key = label_key(text)
    if key in STUB_CODE:
        return "code"
    if key in STUB_NAME:
        return "name"
    if key in STUB_ROWNUM:
        return "rownum"
    if key in STUB_COLNUM:
        return "colnum"
    return None


def is_total_label(text: str) -> bool:
    key = label_key(text)
    return key in {"合计", "小计", "总计"} or key.endswith("合计") or key.endswith("小计")


def is_marker(text: str) -> bool:
    """A table number marker: 公开03表."""
    return _TABLE in text and bool(MARKER.match(nfkc(text)))


def is_note(text: str) -> bool:
    """A note under a table: 注：… / 备注：…"""
    return bool(_NOTE.match(text))


def is_meta(text: str) -> bool:
    """A table's header metadata: 部门：… / 金额单位：万元 / 2020年度."""
    return not is_blank(text) and read_meta(Table(number="", code="", title="", line=0), text)


def table_title_type(text: str) -> str | None:
    """The table type (tables.ttl key) a table title names: short text ending in 表 that contains
    a known title (altLabels included); None for anything else (headings, sentences, 部分 titles)."""
    if _TABLE not in text:
        return None
    t = clean_label(nfkc(text))
    if not t or len(t) > 60 or _NOT_TITLE.search(t) or PART_HEADING.match(t):
        return None
    key = re.sub(r"(?:（[^（）]*）)+$", "", label_key(t))
    if not key.endswith("表"):
        return None
    return vocab.table_type_for(t)


def read_meta(table: Table, text: str) -> bool:
    """Read department / year / unit from one header cell; True if the cell was header metadata."""
    t = clean_label(nfkc(text))
    hit = False
    rest = t  # the cell after the department name: year and unit may share the cell
    m = _DEPT.match(t)
    if m and not _UNIT_WORD.fullmatch(m.group(1).strip()):  # 单位：万元 is the unit, not a department
        name = m.group(1)
        cut = _AFTER_NAME.search(name)
        name, rest = (name[:cut.start()], name[cut.start():]) if cut else (name, "")
        name = name.strip()
        table.consolidated = "汇总" in name
        name = re.sub(r"[（(]\s*汇总\s*[)）]", "", name).strip()
        if name:
            table.department = name
        hit = True
    m = _UNIT.search(rest)
    if m:
        table.unit = m.group(1)
        hit = True
    m = YEAR.search(rest)
    if m and len(_UNIT.sub("", rest).strip()) <= 12:
        table.year = int(m.group(1))
        hit = True
    return hit


def column_numbers(row: Row) -> list[int] | None:
    """The column numbers 1, 2, 3 … of the 栏次 row (with 栏次 labels and blanks around); None for any other row."""
    nums = []
    labelled = False
    for c in row.cells:
        t = label_key(c.text)
        if not t:
            continue
        if t in STUB_COLNUM:
            labelled = True
            continue
        if not t.isdigit():
            return None
        nums.append(int(t))
    if not nums or nums[0] != 1 or any(b <= a for a, b in zip(nums, nums[1:])):
        return None
    if not labelled and (len(nums) < 2 or nums != list(range(1, len(nums) + 1))):
        return None  # unlabelled: only a full run 1, 2, … n, never a lone 1 (that may be a figure)
    return nums
