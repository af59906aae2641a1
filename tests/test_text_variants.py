"""Disclosures in the remaining real-world text variants (tests/fixtures/variants/), made by hand from the
sample's real figures (data/samples/jiaozuo-ecology-2020-final-accounts.txt):

* traditional_2020_js_01_07.txt — 公开01表 and 公开07表 of the sample (lines 47–296 and 2361–2437, under
  one heading line) in traditional characters, with six pinyin readings a converter left (預(yù)算, 單(dān)位,
  預（yù）算 …);
* flat_2020_js_01_05_07.txt — 公开01表, the first rows of 公开05表 and 公开07表 of the sample, each flattened
  into one line (cells apart by single spaces, empty cells gone);
* pdf_broken_words_2020_js_01_05.txt — the first 8 rows of 公开01表 and the 211 rows of 公开05表 as PDF text:
  space-aligned rows with labels wrapped over lines (一般公共预算财政拨款收 / 入, 三、国有资本经营预算财政 /
  拨款收入, 2110299 其他环境监测与 / 监察支出 …);
* format_2017_js_01.txt — a 收入支出决算总表 in the 2017 format (一、财政拨款收入 not split by fund,
  十、医疗卫生与计划生育支出, 2017 row numbers), filled with the sample's figures.

Every expected figure below was read off the fixture by eye: table, row, 行次, column, amount, currency
unit and the line it is printed on.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from cnbudget import loaders
from conftest import ROOT, SAMPLE, run, select
from cnbudget.kg.store import Store
from cnbudget.loaders import layouts, vocab
from cnbudget.loaders.layouts.flat import is_flat_line
from cnbudget.loaders.layouts.spaces import space_rows
from cnbudget.loaders.text import is_traditional, simplified_text, strip_pinyin_debris

D = Decimal
VARIANTS = ROOT / "tests" / "fixtures" / "variants"
TRADITIONAL = VARIANTS / "traditional_2020_js_01_07.txt"
FLAT = VARIANTS / "flat_2020_js_01_05_07.txt"
PDF = VARIANTS / "pdf_broken_words_2020_js_01_05.txt"
Y2017 = VARIANTS / "format_2017_js_01.txt"
DEPT = "焦作市生态环境局"


def figures(d) -> list[tuple]:
    """(table, row, code, 行次, column, amount, unit, line) of every observation."""
    return [(t.number, o.row_label, o.row_code, o.line_number, o.column.label, o.amount, t.unit, o.line)
            for t in d.tables for o in t.observations]


def key(t, o) -> tuple:
    return (t.number, t.title, t.type_key, t.unit, t.department, t.year, o.row_label, o.row_code, o.line_number,
            o.row_item, o.row_class, o.column.label, tuple(o.column.group), o.column.item, o.column.phase,
            o.amount, o.line)


# --- traditional characters -------------------------------------------------------------------------

def test_pinyin_debris_removed_and_real_brackets_kept():
    assert strip_pinyin_debris("一般公共預(yù)算財政撥款") == ("一般公共預算財政撥款", 1)
    assert strip_pinyin_debris("決(jué)算 單（dān）位") == ("決算 單位", 2)
    for kept in ["(一)行政运行", "（2020）", "支出（类）", "金额(万元)", "因公出国（境）费", "（汇总）", "PPP(BOT)",
                 "项目(a)"]:
        assert strip_pinyin_debris(kept) == (kept, 0)


def test_simplified_text_is_never_touched():
    sample = SAMPLE.read_text(encoding="utf-8")
    assert not is_traditional(sample)
    assert simplified_text(sample) == (sample, ())
    for fragment in (ROOT / "tests" / "fixtures" / "fragments").iterdir():
        text = fragment.read_text(encoding="utf-8")
        assert simplified_text(text) == (text, ()), fragment.name


def test_traditional_converted_line_by_line():
    text = TRADITIONAL.read_text(encoding="utf-8")
    assert is_traditional(text)
    converted, notes = simplified_text(text)
    assert converted.count("\n") == text.count("\n")
    lines = converted.split("\n")
    assert lines[2] == "\t收入支出决算总表\u3000" and lines[16] == "\t金额单位：万元"
    assert lines[35] == "\t一、一般公共预算财政拨款收入"
    assert "6 pinyin reading(s)" in notes[0] and "traditional characters" in notes[1]


def _simplified_counterpart(tmp_path: Path) -> Path:
    """The same part of the sample, in simplified characters: the heading, then lines 47–296 and 2361–2437."""
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    text = "\n".join([f"{DEPT}2020年度部门决算", ""] + lines[46:296] + ["", ""] + lines[2360:2437]) + "\n"
    path = tmp_path / "simplified_2020_js_01_07.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_traditional_gives_the_same_observations_as_simplified(tmp_path):
    trad = loaders.load_file(TRADITIONAL)
    simp = loaders.load_file(_simplified_counterpart(tmp_path))
    assert (trad.department, trad.year, trad.kind) == (simp.department, simp.year, simp.kind) == (DEPT, 2020, "final")
    assert [(t.number, t.title, t.type_key, t.unit) for t in trad.tables] == \
        [(t.number, t.title, t.type_key, t.unit) for t in simp.tables] == [
            ("公开01表", "收入支出决算总表", "IncomeExpenditureSummary", "万元"),
            ("公开07表", "一般公共预算财政拨款“三公”经费支出决算表", "ThreePublicExpenses", "万元")]
    assert Counter(key(t, o) for t in trad.tables for o in t.observations) == \
        Counter(key(t, o) for t in simp.tables for o in t.observations)
    assert len(trad.observations) == 42 + 12
    assert any("converted to simplified" in w and str(TRADITIONAL) in w for w in trad.warnings)
    assert any("pinyin reading" in w for w in trad.warnings)
    assert not any("converted" in w for w in simp.warnings)


def test_traditional_figures_by_hand():
    d = loaders.load_file(TRADITIONAL)
    got = figures(d)
    for expected in [
        ("公开01表", "一、一般公共预算财政拨款收入", None, 1, "金额", D("13190.69"), "万元", 38),  # 預(yù)算 on line 36
        ("公开01表", "二、政府性基金预算财政拨款收入", None, 2, "金额", D("0.00"), "万元", 45),  # 預（yù）算
        ("公开01表", "九、卫生健康支出", None, 40, "金额", D("146.60"), "万元", 97),
        ("公开01表", "总计", None, 62, "金额", D("17730.57"), "万元", 251),
        ("公开07表", "", None, None, "公务接待费", D("2.28"), "万元", 329),
    ]:
        assert expected in got, expected
    rows = {(o.row_label, o.row_item, o.row_class) for o in d.observations}
    assert ("一、一般公共预算财政拨款收入", "GeneralBudgetAppropriationIncome", None) in rows
    assert ("九、卫生健康支出", None, "210") in rows


# --- a spreadsheet flattened into one line ------------------------------------------------------------

def test_flat_detection():
    text = FLAT.read_text(encoding="utf-8")
    assert layouts.detect(text, str(FLAT)) is layouts.FLAT
    lines = text.split("\n")
    assert [n for n, l in enumerate(lines, 1) if is_flat_line(l)] == [3, 6, 8]
    assert not is_flat_line("项目  2016年执行数  2017年预算数")
    assert not is_flat_line("本年收入合计13,202.51万元，" * 20 + "。")


def test_flat_figures_by_hand():
    d = loaders.load_file(FLAT)
    assert (d.department, d.year, d.kind) == (DEPT, 2020, "final")
    assert [(t.number, t.type_key, t.unit, t.department, t.year, len(t.observations)) for t in d.tables] == [
        ("公开01表", "IncomeExpenditureSummary", "万元", DEPT, 2020, 42),
        ("公开05表", "GeneralBudgetExpenditure", "万元", DEPT, 2020, 30),
        ("公开07表", "ThreePublicExpenses", "万元", DEPT, 2020, 12)]
    got = figures(d)
    for expected in [
        ("公开01表", "一、一般公共预算财政拨款收入", None, 1, "金额", D("13190.69"), "万元", 3),
        ("公开01表", "一、一般公共服务支出", None, 32, "金额", D("0.00"), "万元", 3),
        ("公开01表", "九、卫生健康支出", None, 40, "金额", D("146.60"), "万元", 3),  # its income side is empty
        ("公开01表", "二十三、其他支出", None, 54, "金额", D("108.24"), "万元", 3),
        ("公开01表", "年末结转和结余", None, 60, "金额", D("7877.12"), "万元", 3),
        ("公开01表", "总计", None, 31, "金额", D("17730.57"), "万元", 3),
        ("公开05表", "合计", None, None, "项目支出", D("7092.63"), "万元", 6),
        ("公开05表", "机关事业单位基本养老保险缴费支出", "2080505", None, "基本支出", D("152.39"), "万元", 6),
        ("公开05表", "其他就业补助支出", "2080799", None, "小计", D("1.07"), "万元", 6),
        ("公开07表", "", None, None, "合计", D("80.92"), "万元", 8),
        ("公开07表", "", None, None, "公务接待费", D("2.28"), "万元", 8),
    ]:
        assert expected in got, expected
    three = {(tuple(o.column.group), o.column.label): o.amount for o in d.tables[2].observations}
    assert three[(("预算数",), "合计")] == D("80.92") and three[(("决算数",), "合计")] == D("54.96")
    assert three[(("决算数", "公务用车购置及运行费"), "公务用车运行费")] == D("52.68")
    assert not any("could not be followed" in w for w in d.warnings)


def test_flat_table_reads_as_the_sample_table():
    """The flattened 公开01表 gives the sample's own figures: row, 行次, side, column and amount alike."""
    flat = loaders.load_file(FLAT).tables[0]
    sample = next(t for t in loaders.load_file(SAMPLE).tables if t.number == "公开01表")
    def obs(t):
        return Counter((o.row_label, o.line_number, o.column.side_label, o.column.label, o.column.number, o.row_item,
                        o.row_class, o.amount) for o in t.observations)
    assert obs(flat) == obs(sample)


# --- PDF text with labels broken over lines -----------------------------------------------------------

def test_pdf_broken_labels_joined():
    assert layouts.detect(PDF.read_text(encoding="utf-8"), str(PDF)) is layouts.SPACES
    d = loaders.load_file(PDF)
    assert (d.department, d.year) == (DEPT, 2020)
    assert [(t.number, t.type_key, t.unit, len(t.observations)) for t in d.tables] == [
        ("公开01表", "IncomeExpenditureSummary", "万元", 16), ("公开05表", "GeneralBudgetExpenditure", "万元", 42)]
    got = figures(d)
    for expected in [
        ("公开01表", "一、一般公共预算财政拨款收入", None, 1, "金额", D("13190.69"), "万元", 9),  # 收 / 入
        ("公开01表", "二、政府性基金预算财政拨款收入", None, 2, "金额", D("0.00"), "万元", 11),  # 拨 / 款收入
        ("公开01表", "三、国有资本经营预算财政拨款收入", None, 3, "金额", D("0.00"), "万元", 14),  # wrapped before
        ("公开01表", "七、文化旅游体育与传媒支出", None, 38, "金额", D("0.00"), "万元", 18),  # right side
        ("公开01表", "八、社会保障和就业支出", None, 39, "金额", D("323.44"), "万元", 20),
        ("公开05表", "其他环境保护管理事务支出", "2110199", None, "小计", D("265.41"), "万元", 35),
        ("公开05表", "建设项目环评审查与监督", "2110203", None, "项目支出", D("16.34"), "万元", 38),
        ("公开05表", "其他环境监测与监察支出", "2110299", None, "基本支出", D("619.72"), "万元", 42),
        ("公开05表", "污染防治", "21103", None, "小计", D("4716.10"), "万元", 43),
        ("公开05表", "大气", "2110301", None, "项目支出", D("3090.39"), "万元", 45),
    ]:
        assert expected in got, expected
    items = {o.row_label: (o.row_item, o.row_class) for o in d.observations}
    assert items["一、一般公共预算财政拨款收入"] == ("GeneralBudgetAppropriationIncome", None)
    assert items["三、国有资本经营预算财政拨款收入"] == ("StateCapitalAppropriationIncome", None)
    assert items["七、文化旅游体育与传媒支出"] == (None, "207")
    assert not {"入", "出", "督", "治", "款收入", "拨款收入", "监察支出"} & set(items)


def test_wrapped_label_joining_leaves_section_rows_alone():
    text = "\n".join([
        "项目  2016年执行数  2017年预算数",
        "一、支出合计  250000  300000",
        "二、相关统计数",
        "1.因公出国(境)团组数(个)  0  0",
        "2110101  行政运行  12.00  13.00",
        "          运行",
    ])
    rows = space_rows(text, "t.txt", [])
    assert [r.texts for r in rows][2] == ["二、相关统计数"]
    assert rows[-1].texts[1] == "行政运行运行"  # a fragment under a label continues it


# --- the 2017 format --------------------------------------------------------------------------------

def test_2017_summary_table_items():
    d = loaders.load_file(Y2017)
    assert (d.department, d.year, d.kind) == (DEPT, 2017, "final")
    [t] = d.tables
    assert (t.number, t.title, t.type_key, t.unit, len(t.observations)) == (
        "公开01表", "收入支出决算总表", "IncomeExpenditureSummary", "万元", 21)
    by_row = {o.row_label: (o.line_number, o.row_item, o.row_class, o.amount, o.line) for o in t.observations}
    assert by_row["一、财政拨款收入"] == (1, "FiscalAppropriationIncome", None, D("13190.69"), 32)
    assert by_row["十、医疗卫生与计划生育支出"] == (18, None, "210", D("146.60"), 63)
    assert by_row["七、文化体育与传媒支出"] == (16, None, "207", D("0.00"), 49)
    assert by_row["用事业基金弥补收支差额"] == (9, "UseOfNonFiscalBalance", None, D("0.00"), 88)
    assert by_row["本年支出合计"] == (21, "TotalExpenditure", None, D("9853.45"), 84)
    assert by_row["总计"][0] in (11, 24)
    # the un-split appropriation is the broader item of the three split ones
    for split in ["GeneralBudgetAppropriationIncome", "GovernmentFundAppropriationIncome",
                  "StateCapitalAppropriationIncome"]:
        assert vocab.broader_item(split) == "FiscalAppropriationIncome"
    assert vocab.functional_class_for("医疗卫生与计划生育支出") == vocab.functional_class_for("卫生健康支出") == "210"


# --- through the CLI, the store and SPARQL -------------------------------------------------------------

@pytest.fixture(scope="module")
def vstore(tmp_path_factory) -> dict[str, Store]:
    """Each fixture loaded through the CLI into a store of its own (three of them are the same department's
    2020 disclosure, which a reload into one store would replace)."""
    stores = {}
    for fixture in (TRADITIONAL, FLAT, PDF, Y2017):
        path = str(tmp_path_factory.mktemp("variants") / "kg-store")
        result = run("load", "--store", path, str(fixture))
        assert "1 documents loaded, 0 failed" in result.output, result.output
        if fixture is TRADITIONAL:
            assert "converted to simplified" in result.output
        stores[fixture.name] = Store(path, read_only=True)
    return stores


def store_figures(vstore: dict[str, Store], name: str) -> set[tuple]:
    rows = select(vstore[name], f"""
        SELECT ?number ?row ?lineNo ?measure ?amount ?unit ?year ?dept ?item ?cls ?line WHERE {{
          ?d dcat:distribution/dct:title "{name}" .
          ?t a bud:DisclosureTable ; bud:disclosure ?d ; bud:tableNumber ?number .
          ?o qb:dataSet ?t ; bud:rowLabel ?row ; bud:measureLabel ?measure ; bud:amount ?amount ;
             bud:currencyUnit ?unit ; bud:sourceLine ?line .
          OPTIONAL {{ ?o bud:lineNumber ?lineNo }} OPTIONAL {{ ?o bud:fiscalYear ?year }}
          OPTIONAL {{ ?o bud:department/skos:prefLabel ?dept }} OPTIONAL {{ ?o bud:item ?item }}
          OPTIONAL {{ ?o bud:functionalSubject ?cls }}
        }}""")
    return {(r["number"], r["row"], int(r["lineNo"]) if r["lineNo"] else None, r["measure"], D(r["amount"]),
             r["unit"], r["year"], r["dept"], (r["item"] or "").rsplit("#", 1)[-1], r["cls"] or "", int(r["line"]))
            for r in rows}


def test_variants_through_cli_store_and_sparql(vstore):
    trad = store_figures(vstore, TRADITIONAL.name)
    assert ("公开01表", "一、一般公共预算财政拨款收入", 1, "金额", D("13190.69"), "万元", "2020", DEPT,
            "GeneralBudgetAppropriationIncome", "", 38) in trad
    flat = store_figures(vstore, FLAT.name)
    assert ("公开01表", "年末结转和结余", 60, "金额", D("7877.12"), "万元", "2020", DEPT, "ClosingBalance", "", 3) in flat
    assert any(f[:6] == ("公开05表", "机关事业单位基本养老保险缴费支出", None, "基本支出", D("152.39"), "万元")
               for f in flat)
    pdf = store_figures(vstore, PDF.name)
    assert any(f[:6] == ("公开05表", "其他环境监测与监察支出", None, "基本支出", D("619.72"), "万元") and f[-1] == 42
               for f in pdf)
    y2017 = store_figures(vstore, Y2017.name)
    assert ("公开01表", "一、财政拨款收入", 1, "金额", D("13190.69"), "万元", "2017", DEPT, "FiscalAppropriationIncome",
            "", 32) in y2017
    health = [f for f in y2017 if f[1] == "十、医疗卫生与计划生育支出"]
    assert len(health) == 1 and health[0][4] == D("146.60") and health[0][9].endswith("210")
