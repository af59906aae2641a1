"""Header variants: the standard tables with other column sets, header layouts, amount
spellings and header metadata than the bundled sample, built here in the same tab layout.

Every disclosure is generated from Python lists (`table_text`), written to a .txt file and
read through the public entry point `loaders.load_file`.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from cnbudget import loaders
from cnbudget.loaders import LoadError

DEPT = ["部门：焦作市测试局（汇总）", "　", "2020年度", "　", "金额单位：万元"]
NOTE = "注：本表反映部门本年度的收支情况。"


def table_text(title: str, marker: str, meta: list[str], headers: list[list[str]], rows: list[list[str]],
               note: str | None = NOTE) -> str:
    """One table in the tab layout: each cell "\\t"+text on its own line, rows separated by a
    blank line (a cell text holding "\\n" continues on an untabbed line, as a wrapped header)."""
    blocks = [[title], ["", "", "", marker], meta, *headers, *rows]
    if note is not None:
        blocks.append([note])
    return "\n\n".join("\n".join("\t" + cell for cell in block) for block in blocks) + "\n"


def disclosure(tmp_path: Path, *tables: str, name: str = "variant.txt",
               heading: str = "焦作市测试局2020年度部门决算") -> Path:
    text = f"{heading}\n\n第二部分  部门决算表\n\n" + "\n\n\n".join(tables)
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_one(tmp_path: Path, *args, **kwargs):
    d = loaders.load_file(disclosure(tmp_path, table_text(*args, **kwargs)))
    assert len(d.tables) == 1
    return d.tables[0]


def line_of(path: Path, text: str, after: str | None = None) -> int:
    """1-based line of the first cell line "\\t"+text (after the first line containing `after`)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, l in enumerate(lines) if after in l) if after else 0
    return next(i for i in range(start, len(lines)) if lines[i] == "\t" + text) + 1


def grid(table) -> dict[tuple, Decimal]:
    """(row code or label, column label) → amount, for a one-sided table with unique leaf labels."""
    out: dict[tuple, Decimal] = {}
    for o in table.observations:
        key = (o.row_code or o.row_label, o.column.label)
        assert key not in out, f"two figures at {key}"
        out[key] = o.amount
    return out


def one(table, row: str, label: str, side: int | None = None, group: list[str] | None = None):
    """The single observation in row `row` (code or label) under leaf column `label`."""
    hits = [o for o in table.observations
            if row in (o.row_code, o.row_label) and o.column.label == label
            and (side is None or o.column.side == side) and (group is None or o.column.group == group)]
    assert len(hits) == 1, f"{len(hits)} figures at {row!r} / {label!r}: {hits}"
    return hits[0]


# 1. 支出决算表 with another column set and order --------------------------------------------

def test_expenditure_statement_other_columns_in_other_order(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", DEPT, [
        ["项目", "本年支出合计", "项目支出", "基本支出", "其他支出"],
        ["功能分类科目编码", "科目名称", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["栏次", "1", "2", "3", "4"],
    ], [
        ["合计", "100.00", "60.00", "30.00", "10.00"],
        ["211", "节能环保支出", "90.00", "55.00", "25.00", "10.00"],
        ["2110101", "  行政运行", "7.00", "", "7.00", "0.00"],
    ])
    assert t.type_key is not None and t.number == "公开03表"
    assert [(c.label, c.number, c.group, c.side) for c in t.columns] == [
        ("本年支出合计", 1, [], 0), ("项目支出", 2, [], 0), ("基本支出", 3, [], 0), ("其他支出", 4, [], 0)]
    assert [c.item for c in t.columns[:3]] == ["TotalExpenditure", "ProjectExpenditure", "BasicExpenditure"]
    assert grid(t) == {
        ("合计", "本年支出合计"): Decimal("100.00"), ("合计", "项目支出"): Decimal("60.00"),
        ("合计", "基本支出"): Decimal("30.00"), ("合计", "其他支出"): Decimal("10.00"),
        ("211", "本年支出合计"): Decimal("90.00"), ("211", "项目支出"): Decimal("55.00"),
        ("211", "基本支出"): Decimal("25.00"), ("211", "其他支出"): Decimal("10.00"),
        ("2110101", "本年支出合计"): Decimal("7.00"),  # blank 项目支出: no figure, not zero
        ("2110101", "基本支出"): Decimal("7.00"), ("2110101", "其他支出"): Decimal("0.00"),
    }
    o = one(t, "2110101", "基本支出")
    assert (o.row_label, o.indented, o.column.number) == ("行政运行", True, 3)
    assert one(t, "211", "项目支出").row_label == "节能环保支出"
    assert (t.department, t.year, t.unit, t.consolidated) == ("焦作市测试局", 2020, "万元", True)


def test_expenditure_statement_three_columns_single_header_row(tmp_path):
    # one header row spanning the full width, a wrapped header cell, no blank header rows
    t = load_one(tmp_path, "支出决算表", "公开03表", DEPT, [
        ["科目编码", "科目名称", "本年支出\n合计", "基本支出", "项目支出"],
        ["栏次", "", "1", "2", "3"],
    ], [
        ["", "合计", "50.00", "20.00", "30.00"],
        ["213", "农林水支出", "50.00", "20.00", "30.00"],
    ])
    assert [c.label for c in t.columns] == ["本年支出合计", "基本支出", "项目支出"]
    assert grid(t) == {
        ("合计", "本年支出合计"): Decimal("50.00"), ("合计", "基本支出"): Decimal("20.00"),
        ("合计", "项目支出"): Decimal("30.00"), ("213", "本年支出合计"): Decimal("50.00"),
        ("213", "基本支出"): Decimal("20.00"), ("213", "项目支出"): Decimal("30.00")}
    assert one(t, "213", "项目支出").column.position == 4


# 2. 收入决算表: 项目 over code + name, blanks under each measure ------------------------------

def test_income_statement_two_level_header_other_measures(tmp_path):
    t = load_one(tmp_path, "收入决算表", "公开02表", DEPT, [
        ["项目", "本年收入合计", "财政拨款收入", "事业收入", "其他收入"],
        ["功能分类科目编码", "科目名称", "", "", "", ""],
        ["", "", "", "", "", ""],
        ["栏次", "1", "2", "3", "4"],
    ], [
        ["合计", "1,500.00", "1,200.00", "250.00", "50.00"],
        ["208", "社会保障和就业支出", "300.00", "300.00", "0.00", "0.00"],
        ["20805", "行政事业单位养老支出", "300.00", "300.00", "", "—"],
    ])
    assert [(c.label, c.number, c.group, c.side_label) for c in t.columns] == [
        ("本年收入合计", 1, [], ""), ("财政拨款收入", 2, [], ""), ("事业收入", 3, [], ""), ("其他收入", 4, [], "")]
    assert [c.item for c in t.columns] == ["TotalIncome", "FiscalAppropriationIncome", "BusinessIncome", "OtherIncome"]
    assert grid(t) == {
        ("合计", "本年收入合计"): Decimal("1500.00"), ("合计", "财政拨款收入"): Decimal("1200.00"),
        ("合计", "事业收入"): Decimal("250.00"), ("合计", "其他收入"): Decimal("50.00"),
        ("208", "本年收入合计"): Decimal("300.00"), ("208", "财政拨款收入"): Decimal("300.00"),
        ("208", "事业收入"): Decimal("0.00"), ("208", "其他收入"): Decimal("0.00"),
        ("20805", "本年收入合计"): Decimal("300.00"), ("20805", "财政拨款收入"): Decimal("300.00")}
    total = one(t, "合计", "本年收入合计")
    assert total.row_code is None and total.row_item is not None


# 3. three-level header: budget / actual blocks with their own sub-columns --------------------

def test_three_level_header_with_other_blocks_and_phases(tmp_path):
    t = load_one(tmp_path, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", DEPT, [
        ["年初预算数", "决算数"],
        ["合计", "公务接待费", "公务用车购置及运行费", "合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"],
        ["", "", "小计", "公务用车运行费", "", "", "小计", "公务用车购置费", "公务用车运行费", ""],
        ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"],
    ], [
        ["30.00", "10.00", "20.00", "20.00", "25.50", "1.50", "15.00", "5.00", "10.00", "9.00"],
    ], note="注：本表反映“三公”经费支出预决算情况。")
    got = [(c.number, c.group, c.label, c.phase) for c in t.columns]
    assert got == [
        (1, ["年初预算数"], "合计", "approved"),
        (2, ["年初预算数"], "公务接待费", "approved"),
        (3, ["年初预算数", "公务用车购置及运行费"], "小计", "approved"),
        (4, ["年初预算数", "公务用车购置及运行费"], "公务用车运行费", "approved"),
        (5, ["决算数"], "合计", "executed"),
        (6, ["决算数"], "因公出国（境）费", "executed"),
        (7, ["决算数", "公务用车购置及运行费"], "小计", "executed"),
        (8, ["决算数", "公务用车购置及运行费"], "公务用车购置费", "executed"),
        (9, ["决算数", "公务用车购置及运行费"], "公务用车运行费", "executed"),
        (10, ["决算数"], "公务接待费", "executed"),
    ]
    by_number = {o.column.number: o.amount for o in t.observations}
    assert by_number == {1: Decimal("30.00"), 2: Decimal("10.00"), 3: Decimal("20.00"), 4: Decimal("20.00"),
                         5: Decimal("25.50"), 6: Decimal("1.50"), 7: Decimal("15.00"), 8: Decimal("5.00"),
                         9: Decimal("10.00"), 10: Decimal("9.00")}
    assert {c.item for c in t.columns if c.label == "小计"} == {"OfficialVehicles"}


def test_two_blocks_with_the_same_sub_columns_split_evenly(tmp_path):
    # no 合计 column to mark where the second block starts: the repeated labels do
    t = load_one(tmp_path, "一般公共预算财政拨款“三公”经费支出决算表", "公开07表", DEPT, [
        ["预算数", "决算数"],
        ["因公出国（境）费", "公务接待费", "因公出国（境）费", "公务接待费"],
        ["1", "2", "3", "4"],
    ], [
        ["4.00", "3.00", "2.00", "1.00"],
    ], note=None)
    assert [(c.group, c.label, c.phase, c.number) for c in t.columns] == [
        (["预算数"], "因公出国（境）费", "approved", 1), (["预算数"], "公务接待费", "approved", 2),
        (["决算数"], "因公出国（境）费", "executed", 3), (["决算数"], "公务接待费", "executed", 4)]
    assert [(o.column.phase, o.column.label, o.amount) for o in t.observations] == [
        ("approved", "因公出国（境）费", Decimal("4.00")), ("approved", "公务接待费", Decimal("3.00")),
        ("executed", "因公出国（境）费", Decimal("2.00")), ("executed", "公务接待费", Decimal("1.00"))]


# 4. two-sided summary tables -----------------------------------------------------------------

def test_two_sided_summary_with_row_numbers_and_one_sided_rows(tmp_path):
    t = load_one(tmp_path, "收入支出决算总表", "公开01表", DEPT, [
        ["收入", "支出"],
        ["项目", "行次", "金额", "项目", "行次", "金额"],
        ["栏次", "　", "1", "栏次", "　", "2"],
    ], [
        ["一、一般公共预算财政拨款收入", "1", "800.00", "一、一般公共服务支出", "20", "500.00"],
        ["二、其他收入", "2", "20.00", "二、节能环保支出", "21", "300.00"],
        ["　", "3", "　", "三、其他支出", "22", "15.00"],
        ["本年收入合计", "4", "820.00", "本年支出合计", "23", "815.00"],
        ["年初结转和结余", "5", "100.00", "年末结转和结余", "24", "105.00"],
        ["", "6", "", "", "25", ""],
        ["总计", "7", "920.00", "总计", "26", "920.00"],
    ])
    assert [(c.side, c.side_label, c.label, c.group, c.number) for c in t.columns] == [
        (0, "收入", "金额", ["收入"], 1), (1, "支出", "金额", ["支出"], 2)]
    got = sorted((o.column.side, o.line_number, o.row_label, o.amount) for o in t.observations)
    assert got == [
        (0, 1, "一、一般公共预算财政拨款收入", Decimal("800.00")), (0, 2, "二、其他收入", Decimal("20.00")),
        (0, 4, "本年收入合计", Decimal("820.00")), (0, 5, "年初结转和结余", Decimal("100.00")),
        (0, 7, "总计", Decimal("920.00")),
        (1, 20, "一、一般公共服务支出", Decimal("500.00")), (1, 21, "二、节能环保支出", Decimal("300.00")),
        (1, 22, "三、其他支出", Decimal("15.00")), (1, 23, "本年支出合计", Decimal("815.00")),
        (1, 24, "年末结转和结余", Decimal("105.00")), (1, 26, "总计", Decimal("920.00")),
    ]
    assert one(t, "二、节能环保支出", "金额").row_class == "211"


def test_two_sided_summary_with_four_expenditure_columns(tmp_path):
    t = load_one(tmp_path, "财政拨款收入支出决算总表", "公开04表", DEPT, [
        ["收     入", "支     出"],
        ["项目", "行次", "金额", "项目", "行次", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
         "国有资本经营预算财政拨款"],
        ["", "", "", "", "", "", "", "", ""],
        ["栏次", "　", "1", "栏次", "　", "2", "3", "4", "5"],
    ], [
        ["一、一般公共预算财政拨款", "1", "600.00", "一、教育支出", "30", "50.00", "50.00", "0.00", "—"],
        ["二、政府性基金预算财政拨款", "2", "40.00", "二、节能环保支出", "31", "590.00", "550.00", "40.00", ""],
        ["本年收入合计", "3", "640.00", "本年支出合计", "32", "640.00", "600.00", "40.00", "0.00"],
        ["  一般公共预算财政拨款", "4", "10.00", "　", "33", "　", "　", "　", "　"],
        ["总计", "5", "650.00", "总计", "34", "650.00", "610.00", "40.00", "0.00"],
    ])
    assert [(c.side, c.label, c.number, c.item) for c in t.columns] == [
        (0, "金额", 1, "Amount"), (1, "合计", 2, "Total"), (1, "一般公共预算财政拨款", 3, "GeneralBudgetFunds"),
        (1, "政府性基金预算财政拨款", 4, "GovernmentFundFunds"), (1, "国有资本经营预算财政拨款", 5, "StateCapitalFunds")]
    assert {c.side_label for c in t.columns} == {"收入", "支出"}
    assert [(o.line_number, o.column.label, o.amount) for o in t.observations if o.row_label == "二、节能环保支出"] == [
        (31, "合计", Decimal("590.00")), (31, "一般公共预算财政拨款", Decimal("550.00")),
        (31, "政府性基金预算财政拨款", Decimal("40.00"))]
    sub = [o for o in t.observations if o.line_number == 4]
    assert [(o.row_label, o.indented, o.column.side, o.amount) for o in sub] == [
        ("一般公共预算财政拨款", True, 0, Decimal("10.00"))]
    assert not [o for o in t.observations if o.line_number == 33]
    assert one(t, "总计", "国有资本经营预算财政拨款", side=1).amount == Decimal("0.00")
    assert len(t.observations) == 4 + 4 + 5 + 1 + 5


# 5. amount spellings -------------------------------------------------------------------------

def test_amount_spellings(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", DEPT, [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
    ], [
        ["201", "一般公共服务支出", "1,234.56", "１２３．４５", "1,111.11"],
        ["20101", "人大事务", "　", "-", "—"],
        ["20102", "政协事务", "-12.50", "－３．５０", "(9.00)"],
        ["20103", "政府办公厅（室）及相关机构事务", "1200", "12,000", "0"],
        ["20104", "发展与改革事务", "１，０００．００", " 2 000.10 ", "--"],
        ["20105", "统计信息事务", "——", "−7.25", "0.5"],  # U+2212 minus sign
        ["20106", "财政事务", "/", "", "  "],
    ])
    assert grid(t) == {
        ("201", "本年支出合计"): Decimal("1234.56"), ("201", "基本支出"): Decimal("123.45"),
        ("201", "项目支出"): Decimal("1111.11"),
        ("20102", "本年支出合计"): Decimal("-12.50"), ("20102", "基本支出"): Decimal("-3.50"),
        ("20102", "项目支出"): Decimal("-9.00"),
        ("20103", "本年支出合计"): Decimal("1200"), ("20103", "基本支出"): Decimal("12000"),
        ("20103", "项目支出"): Decimal("0"),
        ("20104", "本年支出合计"): Decimal("1000.00"), ("20104", "基本支出"): Decimal("2000.10"),
        ("20105", "基本支出"): Decimal("-7.25"), ("20105", "项目支出"): Decimal("0.5"),
    }
    assert all(isinstance(o.amount, Decimal) for o in t.observations)
    # the figure keeps its source line: the line of its own cell
    path = tmp_path / "variant.txt"
    assert one(t, "201", "基本支出").line == line_of(path, "１２３．４５")


def test_first_data_row_with_only_blank_amounts_is_data_not_header(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", DEPT, [
        ["项目", "本年支出合计", "基本支出", "项目支出"],
        ["科目编码", "科目名称", "", "", ""],
        ["栏次", "1", "2", "3"],
    ], [
        ["", "合计", "—", "—", "—"],
        ["201", "一般公共服务支出", "5.00", "", "5.00"],
    ])
    assert [c.label for c in t.columns] == ["本年支出合计", "基本支出", "项目支出"]
    assert grid(t) == {("201", "本年支出合计"): Decimal("5.00"), ("201", "项目支出"): Decimal("5.00")}


def test_table_with_only_blank_rows_after_column_numbers_is_empty(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", DEPT, [
        ["项目", "本年支出合计", "基本支出", "项目支出"],
        ["科目编码", "科目名称", "", "", ""],
        ["栏次", "1", "2", "3"],
    ], [
        ["", "合计", "", "", ""],
        ["", "", "", "", ""],
    ], note="注：本单位无此项支出，故本表无数据。")
    assert t.is_empty and t.observations == []
    assert t.empty_reason == "注：本单位无此项支出，故本表无数据。"


# 6. header metadata --------------------------------------------------------------------------

def test_unit_year_department_read_from_each_tables_header(tmp_path):
    income = table_text("收入决算表", "公开02表", ["单位：焦作市监测中心", "2019年度", "金额单位：元"], [
        ["科目编码", "科目名称", "本年收入合计", "财政拨款收入"],
    ], [["201", "一般公共服务支出", "12,345.00", "12,345.00"]])
    spending = table_text("支出决算表", "公开03表", ["编制单位：焦作市监测中心", "　", "2019年", "　", "单位：万元"], [
        ["科目编码", "科目名称", "本年支出合计", "基本支出"],
    ], [["201", "一般公共服务支出", "1.23", "1.23"]])
    d = loaders.load_file(disclosure(tmp_path, income, spending, heading="焦作市监测中心2019年度部门决算"))
    t02, t03 = d.tables
    assert (t02.unit, t02.year, t02.department, t02.consolidated) == ("元", 2019, "焦作市监测中心", False)
    assert (t03.unit, t03.year, t03.department, t03.consolidated) == ("万元", 2019, "焦作市监测中心", False)
    assert (d.department, d.year, d.consolidated) == ("焦作市监测中心", 2019, False)
    assert not [w for w in d.warnings if "unit" in w or "department" in w]


def test_consolidated_department_and_year_with_full_width_digits(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", ["部门：焦作市林业局（汇总）", "２０２１年", "金额单位：万元"], [
        ["科目编码", "科目名称", "本年支出合计"],
    ], [["213", "农林水支出", "8.00"], ["21302", "林业和草原", "8.00"]])
    assert (t.department, t.year, t.unit, t.consolidated) == ("焦作市林业局", 2021, "万元", True)


def test_department_name_starting_with_a_unit_word(tmp_path):
    # 单位：元宝山区… names a department, not the currency unit 元
    t = load_one(tmp_path, "支出决算表", "公开03表", ["单位：元宝山区林业局", "2020年度", "金额单位：万元"], [
        ["科目编码", "科目名称", "本年支出合计"],
    ], [["213", "农林水支出", "8.00"], ["21302", "林业和草原", "8.00"]])
    assert (t.department, t.unit) == ("元宝山区林业局", "万元")


def test_metadata_in_one_cell(tmp_path):
    t = load_one(tmp_path, "支出决算表", "公开03表", ["编制单位：焦作市测绘院  2022年度  金额单位：元"], [
        ["科目编码", "科目名称", "本年支出合计"],
    ], [["213", "农林水支出", "8.00"]])
    assert (t.department, t.year, t.unit) == ("焦作市测绘院", 2022, "元")


# 7. 栏次 rows ---------------------------------------------------------------------------------

def test_table_without_column_number_row(tmp_path):
    t = load_one(tmp_path, "一般公共预算财政拨款支出决算表", "公开05表", DEPT, [
        ["项目", "本年支出"],
        ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
        ["", "", "", "", ""],
    ], [
        ["合计", "9.00", "4.00", "5.00"],
        ["211", "节能环保支出", "9.00", "4.00", "5.00"],
    ])
    assert [(c.group, c.label, c.number) for c in t.columns] == [
        (["本年支出"], "小计", None), (["本年支出"], "基本支出", None), (["本年支出"], "项目支出", None)]
    assert grid(t) == {
        ("合计", "小计"): Decimal("9.00"), ("合计", "基本支出"): Decimal("4.00"), ("合计", "项目支出"): Decimal("5.00"),
        ("211", "小计"): Decimal("9.00"), ("211", "基本支出"): Decimal("4.00"), ("211", "项目支出"): Decimal("5.00")}
    assert one(t, "211", "小计").column.item == "TotalExpenditure"


def test_column_number_row_without_label(tmp_path):
    t = load_one(tmp_path, "一般公共预算财政拨款支出决算表", "公开05表", DEPT, [
        ["项目", "本年支出"],
        ["功能分类科目编码", "科目名称", "小计", "基本支出", "项目支出"],
        ["", "", "1", "2", "3"],
    ], [
        ["211", "节能环保支出", "9.00", "4.00", "5.00"],
    ])
    assert [(c.label, c.number) for c in t.columns] == [("小计", 1), ("基本支出", 2), ("项目支出", 3)]
    assert grid(t) == {("211", "小计"): Decimal("9.00"), ("211", "基本支出"): Decimal("4.00"),
                       ("211", "项目支出"): Decimal("5.00")}
    assert {o.row_label for o in t.observations} == {"节能环保支出"}


def test_two_column_numbers_without_label(tmp_path):
    # "1 2" under two measures is the 栏次 row, not a row of figures 1 and 2
    t = load_one(tmp_path, "一般公共预算财政拨款支出决算表", "公开05表", DEPT, [
        ["科目编码", "科目名称", "基本支出", "项目支出"],
        ["", "", "1", "2"],
    ], [
        ["211", "节能环保支出", "4.00", "5.00"],
    ])
    assert [(c.label, c.number) for c in t.columns] == [("基本支出", 1), ("项目支出", 2)]
    assert [(o.row_code, o.row_label, o.column.label, o.amount) for o in t.observations] == [
        ("211", "节能环保支出", "基本支出", Decimal("4.00")), ("211", "节能环保支出", "项目支出", Decimal("5.00"))]


# 8. malformed amount -------------------------------------------------------------------------

@pytest.mark.parametrize("bad", ["12,3a.45", "1,23.4.5"])
def test_malformed_amount_names_its_line(tmp_path, bad):
    path = disclosure(tmp_path, table_text("支出决算表", "公开03表", DEPT, [
        ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"],
    ], [
        ["211", "节能环保支出", "9.00", "4.00", "5.00"],
        ["21101", "环境保护管理事务", "9.00", bad, "5.00"],
    ]))
    with pytest.raises(LoadError) as err:
        loaders.load_file(path)
    assert err.value.line == line_of(path, bad)
    assert err.value.path == str(path) and bad in err.value.reason and "公开03表" in err.value.reason


# 9. document cut off after its first table ---------------------------------------------------

@pytest.mark.parametrize("ending", ["", "\n", "\n\n"])
def test_document_cut_off_after_first_table(tmp_path, ending):
    text = table_text("收入决算表", "公开02表", DEPT, [
        ["项目", "本年收入合计", "财政拨款收入"],
        ["科目编码", "科目名称", "", ""],
        ["栏次", "1", "2"],
    ], [
        ["合计", "7.00", "7.00"],
        ["211", "节能环保支出", "7.00", "7.00"],
    ], note=None)
    path = disclosure(tmp_path, text.rstrip("\n") + ending)
    d = loaders.load_file(path)
    (t,) = d.tables
    assert grid(t) == {("合计", "本年收入合计"): Decimal("7.00"), ("合计", "财政拨款收入"): Decimal("7.00"),
                       ("211", "本年收入合计"): Decimal("7.00"), ("211", "财政拨款收入"): Decimal("7.00")}
    assert t.observations[-1].line == len(path.read_text(encoding="utf-8").rstrip("\n").split("\n"))


def test_table_cut_off_before_next_tables_title(tmp_path):
    # no 注 line between the tables: the next table's title row ends the first one
    first = table_text("收入决算表", "公开02表", DEPT, [["科目编码", "科目名称", "本年收入合计"]],
                       [["211", "节能环保支出", "7.00"]], note=None)
    second = table_text("支出决算表", "公开03表", DEPT, [["科目编码", "科目名称", "本年支出合计"]],
                        [["211", "节能环保支出", "6.00"]])
    d = loaders.load_file(disclosure(tmp_path, first, second))
    assert [(t.number, [(o.row_code, o.amount) for o in t.observations]) for t in d.tables] == [
        ("公开02表", [("211", Decimal("7.00"))]), ("公开03表", [("211", Decimal("6.00"))])]
