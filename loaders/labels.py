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
# 单位：万元; cut short by the page (单位:万, 單位:萬 before conversion) or spaced out (万 元): not 单位：元宝山区…
_UNIT = re.compile(r"(?:金额|货币)?单位\s*[:：]\s*(万|元|千|亿)\s*(元?)(?![\u4e00-\u9fff])")
_UNIT_WORD = re.compile(r"(万元|元|千元|亿元)")
# where a department name printed in the same cell as the year or unit ends
_AFTER_NAME = re.compile(r"\s*(?:(?:19|20)\d{2}\s*年|(?:金额|货币)?单位\s*[:：])")
YEAR_LABEL = re.compile(r"^(?:19|20)\d{2}\s*年度?$")  # a row or column per year (2019年度): a table of years
_NOTE = re.compile(r"^\s*(注|备注)\s*[:：]")
_NOT_TITLE = re.compile(r"[。；;，,:：]")
# a subject code (201, 2010301) in a code column or before a row's name
SUBJECT_CODE = re.compile(r"^\d{3,7}$")

STUB_CODE = {"科目编码", "功能分类科目编码", "经济分类科目编码", "功能分类编码", "经济分类编码", "科目代码", "编码",
             "功能科目编码", "经济科目编码", "支出功能分类科目编码", "支出经济分类科目编码"}
STUB_NAME = {"科目名称", "项目", "名称", "科目", "项目名称", "功能分类科目名称", "经济分类科目名称", "经费项目", "支出项目", "年度", "使用项目"}
STUB_ROWNUM = {"行次"}
STUB_COLNUM = {"栏次"}
STUB_NOTE = {"备注", "说明", "备注说明"}
STUBS = STUB_CODE | STUB_NAME | STUB_ROWNUM | STUB_COLNUM
# words printed where a figure would stand: no figure, not an error
FILLERS = {"单位不需填列", "不需填列", "无需填列", "不适用", "无", "空", "/"}


def stub_role(text: str) -> str | None:
    """code / name / rownum / colnum / note for a stub header label (科目编码, 项目, 行次, 栏次, 备注), else None."""
    key = label_key(text)
    if key in STUB_CODE:
        return "code"
    if key in STUB_NAME:
        return "name"
    if key in STUB_ROWNUM:
        return "rownum"
    if key in STUB_COLNUM:
        return "colnum"
    if key in STUB_NOTE:
        return "note"
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
    # 单位：万元 is the unit, not a department, and so is one cut short (單位:萬)
    if m and not _UNIT_WORD.fullmatch(m.group(1).strip()) and not _UNIT.match(t):
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
        table.unit = unit_of(m)
        hit = True
    m = YEAR.search(rest)
    if m and len(_UNIT.sub("", rest).strip()) <= 12 and not (rest == t and vocab.phase_for(t)):  # not 2020年预算数
        table.year = int(m.group(1))
        hit = True
    return hit


def unit_of(m: re.Match) -> str:
    """The money unit a 单位 declaration states, in full (单位:万 is 万元)."""
    return m.group(1) if m.group(1) == "元" else m.group(1) + "元"


def declared_unit(text: str) -> str | None:
    """The money unit declared in a text (金额单位：万元, 单位:元, a header cut short: 单位:万), else None."""
    m = _UNIT.search(clean_label(nfkc(text)))
    return unit_of(m) if m else None


def is_column_label(text: str) -> bool:
    """A value column's header: a known measure (items.ttl, phases.ttl), 合计/小计, or 其中… ."""
    if len(text) > 40:  # not worth a key: no header is this long
        return False
    key = label_key(text)
    if not key or len(key) > 24:
        return False
    return bool(vocab.item_for(text) or vocab.phase_for(text) or is_total_label(text)
                or nfkc(clean_label(text)).replace(" ", "").startswith("其中"))


def is_item_label(text: str) -> bool:
    """A row's stub naming a known item, 类 or subject (公务接待费, 教育支出, 2050803 …), or a total."""
    if len(text) > 60:
        return False
    t = clean_label(text)
    if not t or len(t) > 40:
        return False
    head = nfkc(t).split(" ")[0]
    return bool(SUBJECT_CODE.match(head) or vocab.item_for(t) or vocab.functional_class_for(t) or is_total_label(t))


def is_filler(text: str) -> bool:
    """A word printed where a figure would stand (单位不需填列, 无, 空): no figure."""
    return label_key(text) in FILLERS


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


def is_year_label(text: str) -> bool:
    return bool(YEAR_LABEL.match(nfkc(text).strip()))
