"""Tables found by what they hold, in the layouts the hand-read fragments are printed in (issue 14 items 1–2),
and the money unit as declared. Expected values are read from the fragments by hand."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import ROOT
from cnbudget.loaders import layouts
from cnbudget.loaders.dispatch import load_file
from cnbudget.loaders.labels import declared_unit

HAND_READ = ROOT / "tests" / "fixtures" / "hand-read"


@pytest.mark.parametrize("printed, unit", [
    ("金额单位:万元", "万元"), ("单位:元", "元"), ("单位：万 元", "万元"),
    ("单位:万 |", "万元"),  # 沅陵县's header, cut short by the page (單位:萬, converted)
    ("单位：元宝山区财政局", None), ("本单位2024年预算", None),
])
def test_declared_units(printed, unit):
    assert declared_unit(printed) == unit


@pytest.mark.parametrize("name, layout", [
    ("nantong_gzw_2016_sangong.txt", "words"),  # label then figures apart by single spaces
    ("luan_gsl_2021_sangong.txt", "pipe-cells"),
    ("yuanling_xian_2021_sangong.txt", "pipe-rows"),
    ("unknown_jiaoyuju_2020_ys.txt", "flat"),
])
def test_layouts_of_the_fragments(name, layout):
    path = HAND_READ / name
    assert layouts.detect(path.read_text(encoding="utf-8"), str(path)).name == layout


def _table(name: str):
    doc = load_file(HAND_READ / name)
    assert len(doc.tables) == 1
    return doc, doc.tables[0]


def test_a_table_found_by_its_header_and_rows_whatever_its_title():
    """沅陵县's 统计表 is no known title: its header (项目 | 本年预算数 | 备注) and 三公 rows make it a table; the
    remark in the 备注 column is not a figure; 单位:萬 is 万元."""
    doc, t = _table("yuanling_xian_2021_sangong.txt")
    assert (t.title, t.unit) == ("沅陵县2021年“三公”经费预算财政拨款情况统计表", "万元")
    assert [(o.row_label, o.column.label, o.amount, o.line) for o in t.observations] == [
        ("合计", "本年预算数", D(4196), 6), ("1、因公出国(境)费用", "本年预算数", D(0), 8),
        ("2、公务接待费", "本年预算数", D(2747), 9), ("3、公务用车费", "本年预算数", D(1449), 10),
        ("其中:(1)公务用车运行维护费", "本年预算数", D(1449), 11), ("(2)公务用车购置", "本年预算数", D(0), 12)]


def test_words_where_figures_would_stand_are_none():
    """南通市国资委: 单位不需填列 under both columns of 因公出国(境)费, the header over two lines."""
    doc, t = _table("nantong_gzw_2016_sangong.txt")
    assert not [o for o in t.observations if o.line == 9]
    assert {(tuple(o.column.group), o.column.label) for o in t.observations} == {
        (("2016年预算数",), "小计"), (("2016年预算数",), "其中:一般公共预算安排数")}
    assert sorted({o.amount for o in t.observations if o.column.label == "小计"}) == [
        D("6.8"), D("7.59"), D("14.83"), D("15.86"), D("21.63")]


def test_a_flattened_two_sided_table_without_a_decodable_header():
    """The document library's copy of 表1 部门收支总表: labels each with the figure after it, the sides told by
    their names and numbering; 12,204.85 follows the repeated header label 2020年预算数, so which row it belongs
    to is not printed: not loaded, and said so."""
    doc, t = _table("unknown_jiaoyuju_2020_ys.txt")
    got = {(o.column.side, o.row_label, o.amount) for o in t.observations}
    assert got == {(0, "一、一般公共预算拨款收入", D("16745.59")), (1, "八、社会保障和就业支出", D("1663.86")),
                   (1, "九、卫生健康支出", D("1235.48")), (1, "十九、住房保障支出", D("1641.40")),
                   (0, "本年收入合计", D("16745.59")), (1, "本年支出合计", D("16745.59")),
                   (0, "收入总计", D("16745.59")), (1, "支出总计", D("16745.59"))}
    assert any(":12: 12,204.85 follows '2020年预算数'" in w for w in doc.warnings)


def test_a_wrapped_pdf_paragraph_reads_its_figures_on_their_lines():
    """梧州: 公务接待费支出决算 1.5万 / 元。 — the unit on the next printed line; 1.55 万元 under the 比去年增加 of
    the line before."""
    doc = load_file(HAND_READ / "wuzhou_ncpzj_2020_js.txt")
    figures = {(f.label, f.measure, f.amount, f.unit, f.line) for f in doc.narrative.figures}
    assert ("公务接待费", "决算", D("1.5"), "万元", 3) in figures
    assert any(f[2] == D("1.55") and f[3] == "万元" and f[4] == 7 and f[1] == "增加" for f in figures), figures


def test_a_table_printed_cell_by_cell_found_by_its_header():
    """江北区's 三公 table (tests/fixtures/collected/chongqing_jiangbei_2021_sangong_ys.txt) is printed one cell per
    line, nothing ending a row, under a title no template names: its header 项目 | 预算数 starts it."""
    doc = load_file(ROOT / "tests" / "fixtures" / "collected" / "chongqing_jiangbei_2021_sangong_ys.txt")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert (t.title, t.unit) == ("2021年区本级“三公”经费预算支出表", "万元")
    assert [(o.row_label, o.column.label, o.amount, o.line) for o in t.observations] == [
        ("合计", "预算数", D(4432), 7), ("1.因公出国(境)费用", "预算数", D(39), 9), ("2.公务接待费", "预算数", D(323), 11),
        ("3.公务用车购置及运行维护费", "预算数", D(4070), 13), ("其中:公务用车运行维护费", "预算数", D(2648), 15),
        ("公务用车购置", "预算数", D(1422), 17)]


def test_a_header_naming_its_unit_and_year_and_a_decrease_column():
    """永川区's 三公 table (tests/fixtures/collected/chongqing_yongchuan_2020_sangong_js.txt): 经费项目 | 2020年度支出
    (万元) | 支出减少情况(万元) | 支出减少率, cell by cell, under a heading that is no table title; dashes stand
    for no figure. The counts table after it (使用项目 | 2020年度数量或人次) gives counts in the units its row labels
    imply (辆, 批次, 人次), not amounts."""
    doc = load_file(ROOT / "tests" / "fixtures" / "collected" / "chongqing_yongchuan_2020_sangong_js.txt")
    assert len(doc.tables) == 2 and not doc.tables[1].observations
    assert {(f.label, f.amount, f.unit, f.line) for f in doc.narrative.figures if 30 < f.line < 46} == {
        ("因公出国(境)团组数", D(0), "个", 34), ("因公出国(境)人次", D(0), "人次", 36), ("公务用车购置数", D(32), "辆", 38),
        ("公务用车保有量", D(660), "辆", 40), ("国内公务接待批次", D(486), "批次", 42), ("国内公务接待人次", D(7371), "人次", 44)}
    t = doc.tables[0]
    assert [(o.row_label, o.column.label, o.amount, o.line) for o in t.observations
            if o.column.label.startswith("2020")] == [
        ("因公出国(境)费", "2020年度支出 (万元)", D(0), 7), ("公务接待费", "2020年度支出 (万元)", D("71.53"), 11),
        ("公务用车购置及运行维护费", "2020年度支出 (万元)", D("1857.23"), 15),
        ("公务用车购置费", "2020年度支出 (万元)", D("423.81"), 19),
        ("公务用车运行维护费", "2020年度支出 (万元)", D("1433.42"), 23),
        ("总“三公”经费支出", "2020年度支出 (万元)", D("1928.76"), 27)]
    assert {o.column.item for o in t.observations} == {"ActualAmount", "Decrease"}
    assert not [o for o in t.observations if o.line > 29] and not any(w.endswith("are not read") for w in doc.warnings)


def test_cells_between_bar_lines_two_bars_an_empty_cell():
    """宣州区直工委's 三公 table (tests/fixtures/collected/xuanzhou_zgw_2020_sangong_ys.txt): one cell per line with a
    line holding only '|' between cells, two such lines around an empty one (因公出国(境)费 | | 公务接待费)."""
    doc = load_file(ROOT / "tests" / "fixtures" / "collected" / "xuanzhou_zgw_2020_sangong_ys.txt")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    assert [(o.row_label, o.column.label, o.amount, o.line) for o in t.observations] == [
        ("合计", "预算数", D("0.36"), 9), ("公务接待费", "预算数", D("0.36"), 16)]


def test_a_wrapped_pdf_page_whose_lines_differ_in_characters_by_their_digits():
    """梧州市中学's budget page (tests/fixtures/collected/wuzhou_zhongxue_2023_ys_p5.txt): its lines are one printed
    width but not one length in characters (half-width digits); still joined, 同比增加 3,520,772.45 元 on line 3 is
    教育支出类科目's, and 上年结转结余 23,067.24 元 (its label on line 12, its figure on line 13) is read."""
    doc = load_file(ROOT / "tests" / "fixtures" / "collected" / "wuzhou_zhongxue_2023_ys_p5.txt")
    got = {(f.label, f.measure, f.amount, f.line) for f in doc.narrative.figures}
    assert ("教育支出类科目", "增加", D("3520772.45"), 3) in got
    assert ("上年结转结余", "预算", D("23067.24"), 13) in got


def test_years_as_rows_under_categories_over_two_header_rows():
    """衢江区's 三公 comparison (tests/fixtures/collected/quzhou_qujiang_2016_sangong_js.txt, cells between bar lines):
    年度 | 合计 | 因公出国(境)经费 | 公务接待费 | 公车购置及运行维护费, that last over 合计 | 车辆购置 | 车辆运行; a row per
    year in 万元 and a row of rates (2016年比2015年增减%) whose figures are percentages, not amounts. Read with its
    categories as rows (loaders/tables/transpose.py): the row is the category (公车购置及运行维护费's 合计 is that
    category's), the column the year, each rate the category's under the rate row's label."""
    doc = load_file(ROOT / "tests" / "fixtures" / "collected" / "quzhou_qujiang_2016_sangong_js.txt")
    assert len(doc.tables) == 1
    t = doc.tables[0]
    got = [(o.row_label, o.row_item, o.column.label, o.amount, o.line) for o in t.observations]
    assert got[:6] == [("合计", "Total", "2015年", D(2840), 25), ("因公出国(境)经费", "OverseasTravel", "2015年", D(90), 27),
                       ("公务接待费", "OfficialReception", "2015年", D(1400), 29),
                       ("公车购置及运行维护费", "OfficialVehicles", "2015年", D(1350), 31),
                       ("车辆购置", "VehiclePurchase", "2015年", D(73), 33),
                       ("车辆运行", "VehicleOperation", "2015年", D(1277), 35)]
    assert ("公务接待费", "OfficialReception", "2016年", D(1356), 43) in got
    assert [c.label for c in t.columns] == ["2015年", "2016年"]
    assert len(got) == 12 and not [o for o in t.observations if o.line > 50]
    rates = {(f.label, f.measure, f.amount, f.unit, f.line) for f in doc.narrative.figures if f.line > 50}
    assert {("合计", "2016年比2015年增减%", D("-16.77"), "%", 53),
            ("车辆购置", "2016年比2015年增减%", D("-47.95"), "%", 61)} <= rates
    assert not [f for f in doc.narrative.figures if f.line > 50 and f.label.startswith("2016年")]


def test_a_table_of_years_as_rows_is_checked_by_its_categories(tmp_path):
    """The same table, checked the way its categories add up, per year: 合计 = the three 三公 categories, and
    公车购置及运行维护费 = 车辆购置 + 车辆运行 (2840 = 90 + 1400 + 1350, 1350 = 73 + 1277; 2364 = 12 + 1356 + 996,
    996 = 37 + 959): four checks, all holding; a 合计 changed in a copy is a mismatch."""
    from cnbudget.kg.interpret.reconcile import reconcile
    path = ROOT / "tests" / "fixtures" / "collected" / "quzhou_qujiang_2016_sangong_js.txt"
    result = reconcile(load_file(path))
    assert (result.checks, result.findings) == (4, [])
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[24] == "2840"
    copy = tmp_path / path.name
    copy.write_text("\n".join([*lines[:24], "2841", *lines[25:]]), encoding="utf-8")
    result = reconcile(load_file(copy))
    assert [(f.rule, f.stated, f.computed, f.tolerated) for f in result.findings] == [
        ("ItemEqualsParts", D(2841), D(2840), False)]
