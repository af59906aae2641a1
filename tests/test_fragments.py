"""Real fragments in other text layouts (tests/fixtures/fragments, described in
../shared/samples/README.md), loaded through the CLI into a store and checked by SPARQL against
the figures read by hand; and the layout producers on small synthetic inputs.

Every expected figure below was read off the fragment file by eye: table, row, column, amount,
currency unit, year, department where the fragment states one, and the line it is printed on.
"""
from __future__ import annotations

from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from cnbudget import loaders
from conftest import FRAGMENTS, SAMPLE, run, select
from cnbudget.kg.store import Store
from cnbudget.loaders import LoadError, layouts
from cnbudget.loaders.layouts.tabs import tab_cell_rows
from cnbudget.loaders.layouts.lines import blank_separated_items, blank_separated_rows, line_rows
from cnbudget.loaders.layouts.pipes import pipe_cell_rows, pipe_rows
from cnbudget.loaders.layouts.spaces import space_rows, split_cells
from cnbudget.loaders.layouts.stream_header import decode_header
from cnbudget.loaders.records import Cell

D = Decimal
NANZHANG = "nanzhang_zsfwzx_2019_js.txt"
QIANNAN = "qiannan_zyy_2020_js.txt"
YUEYANG = "yueyang_taichuangyuan_2017_sangong_ys.txt"
WANJIANG = "wanjiang_jnxq_2024_sangong_ys.txt"
DAYING_SFJ = "daying_sfj_2023_xmzxpj_p21.txt"
DAYING_WENLV = "daying_wenlv_2022_js_part2.txt"
ALL = [NANZHANG, QIANNAN, YUEYANG, WANJIANG, DAYING_SFJ, DAYING_WENLV]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> tuple[str, str]:
    """All fragments loaded in one CLI call: (store path, CLI output with its warnings)."""
    path = str(tmp_path_factory.mktemp("fragments") / "kg-store")
    result = run("load", "--store", path, str(FRAGMENTS))
    assert "6 documents loaded, 0 failed" in result.output
    return path, result.output


@pytest.fixture(scope="module")
def fstore(loaded) -> Store:
    return Store(loaded[0], read_only=True)


def warned(loaded, name: str, line: int | None, *words: str) -> bool:
    """The CLI printed a warning for file `name` at `line` containing all `words`."""
    where = f"warning: {FRAGMENTS / name}:{line}: " if line else f"warning: {FRAGMENTS / name}: "
    return any(l.startswith(where) and all(w in l for w in words) for l in loaded[1].splitlines())


def warnings_of(loaded, name: str) -> list[str]:
    return [l for l in loaded[1].splitlines() if l.startswith(f"warning: {FRAGMENTS / name}")]


def document(fstore, name: str) -> dict:
    rows = select(fstore, f"""
        SELECT ?d ?kind ?year ?dept WHERE {{
          ?d a bud:Disclosure ; a ?kind ; dcat:distribution/dct:title "{name}" .
          FILTER (?kind IN (bud:FinalAccountsDisclosure, bud:BudgetDisclosure))
          OPTIONAL {{ ?d bud:fiscalYear ?year }} OPTIONAL {{ ?d bud:department/skos:prefLabel ?dept }}
        }}""")
    assert len(rows) == 1, rows
    return rows[0]


def tables(fstore, name: str) -> list[dict]:
    return select(fstore, f"""
        SELECT ?number ?type ?title ?unit ?year ?dept ?n ?line WHERE {{
          ?d dcat:distribution/dct:title "{name}" .
          ?t a bud:DisclosureTable ; bud:disclosure ?d ; bud:tableNumber ?number ; dct:title ?title ;
             bud:currencyUnit ?unit ; bud:observationCount ?n ; bud:sourceLine ?line .
          OPTIONAL {{ ?t bud:tableType ?type }} OPTIONAL {{ ?t bud:fiscalYear ?year }}
          OPTIONAL {{ ?t bud:department/skos:prefLabel ?dept }}
        }} ORDER BY ?line""")


def table_figures(fstore, name: str) -> list[tuple]:
    """(row, 行次, side, column group, column, amount, amountYuan, unit, year, department, phase, line) of
    every observation of the document's tables, in the order of their lines."""
    rows = select(fstore, f"""
        SELECT ?row ?lineNo ?side ?group ?measure ?amount ?yuan ?unit ?year ?dept ?phase ?line WHERE {{
          ?d dcat:distribution/dct:title "{name}" .
          ?t a bud:DisclosureTable ; bud:disclosure ?d .
          ?o qb:dataSet ?t ; bud:rowLabel ?row ; bud:measureLabel ?measure ; bud:amount ?amount ;
             bud:amountYuan ?yuan ; bud:currencyUnit ?unit ; bud:budgetPhase ?phase ; bud:sourceLine ?line .
          OPTIONAL {{ ?o bud:lineNumber ?lineNo }} OPTIONAL {{ ?o bud:tableSide ?side }}
          OPTIONAL {{ ?o bud:measureGroup ?group }} OPTIONAL {{ ?o bud:fiscalYear ?year }}
          OPTIONAL {{ ?o bud:department/skos:prefLabel ?dept }}
        }} ORDER BY ?line""")
    return [(r["row"], int(r["lineNo"]) if r["lineNo"] else None, r["side"], r["group"], r["measure"],
             D(r["amount"]), D(r["yuan"]), r["unit"], r["year"], r["dept"], r["phase"].rsplit("#", 1)[1],
             int(r["line"])) for r in rows]


def narrative_figures(fstore, name: str) -> list[tuple]:
    """(section, label, measure, number as printed (money, count or percentage), unit (currency or count),
    amountYuan or None, phase, line)."""
    rows = select(fstore, f"""
        SELECT ?section ?label ?measure ?amount ?cur ?count ?yuan ?phase ?line WHERE {{
          ?d dcat:distribution/dct:title "{name}" .
          ?s a bud:NarrativeSection ; bud:disclosure ?d ; dct:title ?section .
          ?f qb:dataSet ?s ; bud:rowLabel ?label ; bud:measureLabel ?measure ;
             bud:budgetPhase ?phase ; bud:sourceLine ?line .
          OPTIONAL {{ ?f bud:amount ?money }} OPTIONAL {{ ?f bud:count ?number }} OPTIONAL {{ ?f bud:printedValue ?printed }}
          BIND (COALESCE(?money, ?number, ?printed) AS ?amount)
          OPTIONAL {{ ?f bud:currencyUnit ?cur }} OPTIONAL {{ ?f bud:unitOfMeasure ?count }}
          OPTIONAL {{ ?f bud:amountYuan ?yuan }}
        }} ORDER BY ?line ?label ?measure""")
    return [(r["section"], r["label"], r["measure"], D(r["amount"]), r["cur"] or r["count"],
             D(r["yuan"]) if r["yuan"] else None, r["phase"].rsplit("#", 1)[1], int(r["line"])) for r in rows]


# --- nanzhang: one cell per line, blank-separated; cut off inside 公开01表 ---------------------------

def test_nanzhang_summary_table(fstore, loaded):
    doc = document(fstore, NANZHANG)
    assert (doc["kind"].endswith("FinalAccountsDisclosure"), doc["year"], doc["dept"]) == (True, "2019", "南漳县招商服务中心")
    assert [(t["number"], t["type"].rsplit("#", 1)[1], t["title"], t["unit"], t["year"], t["dept"], t["n"])
            for t in tables(fstore, NANZHANG)] == [
        ("公开01表", "IncomeExpenditureSummary", "收入支出决算总表", "万元", "2019", "南漳县招商服务中心", "8")]
    by_hand = [  # row, 行次, side, column, amount (万元), line
        ("一、一般公共预算财政拨款收入", 1, "收入", "金额", "440.55", 75),
        ("一、一般公共服务支出", 29, "支出", "金额", "423.20", 81),
        ("二、政府性基金预算财政拨款收入", 2, "收入", "金额", "0.00", 87),
        ("二、外交支出", 30, "支出", "金额", "0.00", 93),
        ("三、上级补助收入", 3, "收入", "金额", "10.00", 99),
        ("三、国防支出", 31, "支出", "金额", "0.00", 105),
        ("四、事业收入", 4, "收入", "金额", "0.00", 111),
        ("四、公共安全支出", 32, "支出", "金额", "0.00", 117),
    ]
    assert table_figures(fstore, NANZHANG) == [
        (row, no, side, side, col, D(a), D(a) * 10000, "万元", "2019", "南漳县招商服务中心", "executed", line)
        for row, no, side, col, a, line in by_hand]


def test_nanzhang_cut_off_is_a_warning(loaded):
    # the page ends at "五、经" (line 119), the first cell of the next row
    assert warned(loaded, NANZHANG, 119, "公开01表", "ends inside this table", "cut off")
    assert warned(loaded, NANZHANG, 30, "9个内设机构")
    assert len(warnings_of(loaded, NANZHANG)) == 2


# --- qiannan: cells ending in " |", a row's empty cells as bare pipes; cut off inside a cell ----------

def test_qiannan_summary_table(fstore):
    doc = document(fstore, QIANNAN)
    assert (doc["year"], doc["dept"]) == ("2020", "贵州省黔南州中医医院")
    assert [(t["number"], t["type"].rsplit("#", 1)[1], t["title"], t["unit"], t["n"]) for t in tables(fstore, QIANNAN)] == [
        ("公开01表", "IncomeExpenditureSummary", "表1 收入支出决算总表", "万元", "9")]
    by_hand = [
        ("一、一般公共预算财政拨款收入", 1, "收入", "4,194.89", 40),
        ("一、一般公共服务支出", 31, "支出", "0.00", 43),
        ("二、政府性基金预算财政拨款收入", 2, "收入", "0.00", 46),
        ("二、外交支出", 32, "支出", "0.00", 49),
        ("三、国有资本经营预算财政拨款收入", 3, "收入", "0.00", 52),
        ("三、国防支出", 33, "支出", "0.00", 55),
        ("四、上级补助收入", 4, "收入", "0.00", 58),
        ("四、公共安全支出", 34, "支出", "0.00", 61),
        ("五、事业收入", 5, "收入", "38,358.13", 64),  # 五、教育支出 is cut off before its 行次 and figure
    ]
    assert table_figures(fstore, QIANNAN) == [
        (row, no, side, side, "决算数", D(a.replace(",", "")), D(a.replace(",", "")) * 10000, "万元", "2020",
         "贵州省黔南州中医医院", "executed", line) for row, no, side, a, line in by_hand]


def test_qiannan_cut_off_is_a_warning(loaded):
    assert warned(loaded, QIANNAN, 66, "ends inside a cell", "'3'", "not read")
    assert warned(loaded, QIANNAN, 62, "公开01表", "ends inside this table", "4 of its 6 cells")
    assert len(warnings_of(loaded, QIANNAN)) == 2


# --- yueyang: space-aligned, 三公 budget table in 元 found by its title -------------------------------

def test_yueyang_three_public_budget_in_yuan(fstore, loaded):
    doc = document(fstore, YUEYANG)
    assert (doc["kind"].endswith("BudgetDisclosure"), doc["year"], doc["dept"]) == (True, "2017", "岳阳县台创园")  # 来源:岳阳县台创园
    assert [(t["number"], t["type"].rsplit("#", 1)[1], t["title"], t["unit"], t["year"], t["dept"], t["n"], t["line"])
            for t in tables(fstore, YUEYANG)] == [
        ("", "ThreePublicExpenses", "台创园2017-度部门“三公”经费预算情况表", "元", "2017", "岳阳县台创园", "4", "4")]
    by_hand = [  # row, column (the 2017 budget; the 2016 column is empty), amount in 元, line
        ("一、支出合计", "2017-预算数", "250000", 7),
        ("2、公务接待费", "2017-预算数", "150000", 9),
        ("3、公务用车费", "2017-预算数", "100000", 10),
        ("其中:(1)公务用车运行维护费", "2017-预算数", "100000", 11),
    ]
    assert table_figures(fstore, YUEYANG) == [
        (row, None, None, None, col, D(a), D(a), "元", "2017", "岳阳县台创园", "approved", line)
        for row, col, a, line in by_hand]
    # the rows that count (groups, persons, vehicles, receptions) are numbers of things, not 元
    title = "台创园2017-度部门“三公”经费预算情况表"
    assert narrative_figures(fstore, YUEYANG) == [
        (title, "因公出国(境)团组数", "数量", D(0), "个", None, "approved", 14),
        (title, "因公出国(境)人数", "数量", D(0), "人", None, "approved", 15),
        (title, "公务用车保有量", "数量", D(1), "辆", None, "approved", 17),
        (title, "公务接待批次", "数量", D(10), "批", None, "approved", 18),
        (title, "公务接待人数", "数量", D(500), "人", None, "approved", 19),
    ]
    # one value per row under two value columns: read under the last one, and said so
    assert warned(loaded, YUEYANG, 7, "fewer figures than the 2 value columns", "2017-预算数")


# --- wanjiang: 三公 budget table, header and values one per line, 公务 / 接待费 split ------------------

def test_wanjiang_three_public_budget(fstore):
    doc = document(fstore, WANJIANG)
    assert (doc["kind"].endswith("BudgetDisclosure"), doc["year"], doc["dept"]) == (True, "2024", "皖江江南新兴产业集中区(管委会)")
    assert [(t["number"], t["type"].rsplit("#", 1)[1], t["title"], t["unit"], t["year"], t["n"], t["line"])
            for t in tables(fstore, WANJIANG)] == [
        ("", "ThreePublicExpenses", "一、2024年一般公共预算“三公”经费支出预算表", "万元", "2024", "6", "3")]
    car = "公务用车购置及运行费"
    by_hand = [  # column group, column, amount (万元), line
        (None, "“三公”经费合计", "328.7", 13),
        (None, "因公出国(境)费", "10", 14),
        (car, "小计", "78.7", 15),
        (car, "公务用车购置费", "43", 16),
        (car, "公务用车运行费", "35.7", 17),
        (None, "公务接待费", "240", 18),
    ]
    assert table_figures(fstore, WANJIANG) == [
        ("", None, None, group, col, D(a), D(a) * 10000, "万元", "2024", "皖江江南新兴产业集中区(管委会)", "approved", line)
        for group, col, a, line in by_hand]
    measures = select(fstore, f"""SELECT ?m WHERE {{ ?d dcat:distribution/dct:title "{WANJIANG}" .
        ?t bud:disclosure ?d ; a bud:DisclosureTable . ?o qb:dataSet ?t ; bud:measure ?m ; bud:sourceLine ?l }}
        ORDER BY ?l""")
    assert [r["m"].rsplit("#", 1)[1] for r in measures] == [
        "Total", "OverseasTravel", "OfficialVehicles", "VehiclePurchase", "VehicleOperation", "OfficialReception"]


def test_wanjiang_narrative_agrees_with_the_table(fstore):
    # the explanation states 328.7 / 10 / 240 / 78.7 / 35.7 / 43 万元: checked against the table, no finding
    rows = select(fstore, f"""SELECT ?checks (COUNT(?f) AS ?n) WHERE {{
        ?d dcat:distribution/dct:title "{WANJIANG}" ; bud:checkCount ?checks .
        OPTIONAL {{ ?f a bud:ReconciliationFinding ; bud:disclosure ?d }} }} GROUP BY ?checks""")
    assert int(rows[0]["checks"]) >= 6 and rows[0]["n"] == "0"


# --- daying_sfj: pipe rows with empty cells left out; a project self-evaluation's execution block ----

def test_daying_sfj_execution_block(fstore, loaded):
    doc = document(fstore, DAYING_SFJ)
    assert (doc["year"], doc["dept"]) == ("2023", "大英县司法局")  # 主管部门 | 大英县司法局部门
    assert tables(fstore, DAYING_SFJ) == []
    section = "51092324T000010263357-2023年全县安可替代补助资金项目：预算执行情况"
    by_hand = [  # row, column, amount, unit, phase, line
        ("总额", "年初预算", "0.00", "万元", "approved", 15),
        ("总额", "调整后预算数", "3.36", "万元", "revised", 15),
        ("总额", "预算执行数", "3.36", "万元", "executed", 15),
        ("总额", "预算执行率", "100.00", "%", None, 15),
        ("总额", "权重", "10", "分", None, 15),
        ("总额", "得分", "10", "分", None, 15),
        ("财政资金", "年初预算", "0.00", "万元", "approved", 16),
        ("财政资金", "调整后预算数", "3.36", "万元", "revised", 16),
        ("财政资金", "预算执行数", "3.36", "万元", "executed", 16),
        ("财政资金", "预算执行率", "100.00", "%", None, 16),
        ("财政专户管理资金", "年初预算", "0.00", "万元", "approved", 17),
        ("财政专户管理资金", "调整后预算数", "0.00", "万元", "revised", 17),
        ("财政专户管理资金", "预算执行数", "0.00", "万元", "executed", 17),
        ("财政专户管理资金", "预算执行率", "0.00", "%", None, 17),
        ("单位资金", "年初预算", "0.00", "万元", "approved", 18),
        ("单位资金", "调整后预算数", "0.00", "万元", "revised", 18),
        ("单位资金", "预算执行数", "0.00", "万元", "executed", 18),
        ("单位资金", "预算执行率", "0.00", "%", None, 18),
    ]  # 其他资金 prints "/" for both budgets: no figure
    got = narrative_figures(fstore, DAYING_SFJ)
    expected = [(section, row, col, D(a), unit, D(a) * 10000 if unit == "万元" else None,
                 phase or "executed", line) for row, col, a, unit, phase, line in by_hand]  # a 决算 document
    assert sorted(got, key=lambda x: (x[-1], x[1], x[2])) == sorted(expected, key=lambda x: (x[-1], x[1], x[2]))
    assert warned(loaded, DAYING_SFJ, 8, "项目支出绩效自评表", "预算执行情况", "indicators")
    assert warned(loaded, DAYING_SFJ, None, "no standard disclosure table")


# --- daying_wenlv: narrative only ---------------------------------------------------------------------

def test_daying_wenlv_narrative_only(fstore, loaded):
    doc = document(fstore, DAYING_WENLV)
    assert (doc["kind"].endswith("FinalAccountsDisclosure"), doc["year"], doc["dept"]) == (True, "2022", None)
    assert tables(fstore, DAYING_WENLV) == []
    got = narrative_figures(fstore, DAYING_WENLV)
    assert len(got) == 34
    by_hand = [  # section, label, measure, amount, unit, line
        ("一、收入支出决算总体情况说明", "收入总计", "总计", "4125.49", "万元", 3),
        ("一、收入支出决算总体情况说明", "支出总计", "总计", "4143.91", "万元", 3),
        ("二、收入决算情况说明", "本年收入合计", "合计", "4125.49", "万元", 6),
        ("二、收入决算情况说明", "一般公共预算财政拨款收入", "决算", "3859.16", "万元", 6),
        ("二、收入决算情况说明", "一般公共预算财政拨款收入", "占比", "93.54", "%", 6),
        ("二、收入决算情况说明", "其他收入", "决算", "266.33", "万元", 6),
        ("二、收入决算情况说明", "其他收入", "占比", "6.46", "%", 6),
        ("三、支出决算情况说明", "本年支出合计", "合计", "4143.91", "万元", 9),
        ("三、支出决算情况说明", "基本支出", "决算", "1140.27", "万元", 9),
        ("三、支出决算情况说明", "基本支出", "占比", "27.52", "%", 9),
        ("三、支出决算情况说明", "项目支出", "决算", "3003.64", "万元", 9),
        ("三、支出决算情况说明", "项目支出", "占比", "72.48", "%", 9),
    ]
    for section, label, measure, a, unit, line in by_hand:
        yuan = D(a) * 10000 if unit == "万元" else None
        assert (section, label, measure, D(a), unit, yuan, "executed", line) in got
    assert warnings_of(loaded, DAYING_WENLV) == [
        f"warning: {FRAGMENTS / DAYING_WENLV}: no standard disclosure table (公开NN表 or a known table title) found; "
        "only the narrative figures and performance records are loaded",
        f"warning: {FRAGMENTS / DAYING_WENLV}: the body cannot be told (the head of the document names no body); "
        "loaded under an unknown body of its own"]


# --- layout detection ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name, layout", [
    (NANZHANG, "blank-separated"), (QIANNAN, "pipe-cells"), (YUEYANG, "spaces"), (WANJIANG, "lines"),
    (DAYING_SFJ, "pipe-rows"), (DAYING_WENLV, "lines")])
def test_layout_detected(name, layout):
    path = FRAGMENTS / name
    assert layouts.detect(path.read_text(encoding="utf-8"), str(path)).name == layout


def test_sample_is_tab_layout():
    assert layouts.detect(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE)) is layouts.TAB


@pytest.mark.parametrize("text, line, words", [
    ("部门决算\n<table>\n<tr><td>合计</td><td>1.00</td></tr>\n</table>\n", 2, "markup"),
    ("部门决算\n项目,本年收入,本年支出\n合计,10.00,9.00\n2011,5.00,4.00\n", 3, "comma"),
])
def test_unknown_layout_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "odd.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LoadError) as err:
        loaders.load_file(path)
    assert (err.value.path, err.value.line) == (str(path), line)
    assert "unrecognised text layout" in err.value.reason and words in err.value.reason


def test_empty_text_is_an_error(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(LoadError, match="empty text"):
        loaders.load_file(path)


def test_layout_that_reads_nothing_falls_back_to_lines(tmp_path):
    # one line with a gap makes the text look space-aligned; read that way it yields nothing, so it is
    # read line by line, and said so
    path = tmp_path / "fb.txt"
    path.write_text("部门决算说明\n项目  内容\n本年收入合计10.00万元\n", encoding="utf-8")
    d = loaders.load_file(path)
    assert [(f.label, f.amount, f.unit, f.line) for f in d.narrative.figures] == [("本年收入合计", D("10.00"), "万元", 3)]
    assert d.warnings[0] == f"{path}: nothing readable as spaces (table rows one per line, cells separated by runs " \
                            "of spaces); read line by line"


def test_nothing_recognisable_still_fails(tmp_path):
    # plain lines with neither a table nor a figure nor a performance record
    path = tmp_path / "notes.txt"
    path.write_text("部门决算说明\n本部门没有表格。\n附件见下。\n", encoding="utf-8")
    with pytest.raises(LoadError) as err:
        loaders.load_file(path)
    assert "no standard disclosure table" in err.value.reason and "no narrative figures" in err.value.reason


# --- producers on synthetic inputs ------------------------------------------------------------------

def texts(rows):
    return [("p" if r.paragraph else "r", [c.text for c in r.cells]) for r in rows]


def blank_separated(*cells: str) -> str:
    """Layout (a): each cell followed by a blank line; None is an empty cell (one more blank line)."""
    out = []
    for c in cells:
        out += [""] if c is None else [c, ""]
    return "\n".join(out)


def test_blank_separated_items_mark_empty_and_wrapped_cells():
    items = blank_separated_items("栏次\n\n\n1\n\n收入\n合计\n\n2")
    assert [(c.text, c.line) for c in items] == [("栏次", 1), ("", 3), ("1", 4), ("收入\n合计", 6), ("2", 9)]


def test_blank_separated_two_sided_table_rows_from_header_and_line_numbers():
    text = blank_separated(
        "第二部分 测试局2021年部门决算表", "收入支出决算总表", "公开01表", "部门:测试局", "金额单位:万元",
        "收入", "支出", "项目", "行次", "金额", "项目", "行次", "金额",
        "栏次", None, "1", "栏次", None, "2",
        "一、一般公共预算财政拨款收入", "1", "10.00", "一、一般公共服务支出", "7", "8.00",
        "二、事业收入", "2", None, "二、外交支出", "8", "2.00",
        "本年收入合计", "3", "10.00", "本年支出合计", "9", "10.00",
        "第三部分 情况说明", "2021年收入合计10.00万元。")
    rows = blank_separated_rows(text, "t.txt", warnings := [])
    assert warnings == []
    assert texts(rows) == [
        ("p", ["第二部分 测试局2021年部门决算表"]), ("r", ["收入支出决算总表"]), ("r", ["公开01表"]),
        ("r", ["部门:测试局"]), ("r", ["金额单位:万元"]),
        ("r", ["收入", "支出"]), ("r", ["项目", "行次", "金额", "项目", "行次", "金额"]),
        ("r", ["栏次", "", "1", "栏次", "", "2"]),
        ("r", ["一、一般公共预算财政拨款收入", "1", "10.00", "一、一般公共服务支出", "7", "8.00"]),
        ("r", ["二、事业收入", "2", "", "二、外交支出", "8", "2.00"]),
        ("r", ["本年收入合计", "3", "10.00", "本年支出合计", "9", "10.00"]),
        ("p", ["第三部分 情况说明"]), ("p", ["2021年收入合计10.00万元。"])]
    assert rows[8].cells[2].line == text.split("\n").index("10.00") + 1  # each cell keeps its line


def test_blank_separated_total_printed_once_over_code_and_name():
    text = blank_separated(
        "支出决算表", "公开03表", "单位：万元",
        "科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出",
        "合计", "9.00", "4.00", "5.00",
        "211", "节能环保支出", "9.00", "4.00", "5.00",
        None, "其中：大气", "1.00", None, "1.00",
        "注：本表反映本年度各项支出。")
    rows = blank_separated_rows(text, "t.txt", [])
    assert texts(rows)[3:] == [
        ("r", ["科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出"]),
        ("r", ["合计", "9.00", "4.00", "5.00"]),
        ("r", ["211", "节能环保支出", "9.00", "4.00", "5.00"]),
        ("r", ["", "其中：大气", "1.00", "", "1.00"]),
        ("p", ["注：本表反映本年度各项支出。"])]


def test_blank_separated_heading_naming_a_table_stays_text():
    text = blank_separated("二、部门决算表", "一、收入支出决算总表", "二、收入决算表", "第三部分 说明")
    assert all(r.paragraph for r in blank_separated_rows(text, "t.txt", []))


def test_lines_header_split_over_lines_and_spanning_header():
    text = "\n".join([
        "一、2024年一般公共预算“三公”经费支出预算表", "单位:万元",
        "“三公”经费合计", "因公出国(境)费", "公务用车购置及运行费", "公务", "接待费", "小计", "公务用车购置费",
        "公务用车运行费", "30", "5", "15", "10", "5", "10",
        "二、2024年一般公共预算“三公”经费支出预算情况说明", "“三公”经费预算为30万元。"])
    rows = line_rows(text, "t.txt", warnings := [])
    assert warnings == []
    assert texts(rows) == [
        ("r", ["一、2024年一般公共预算“三公”经费支出预算表"]), ("r", ["单位:万元"]),
        ("r", ["“三公”经费合计", "因公出国(境)费", "公务用车购置及运行费", "公务\n接待费"]),
        ("r", ["", "", "小计", "公务用车购置费", "公务用车运行费", ""]),
        ("r", ["30", "5", "15", "10", "5", "10"]),
        ("p", ["二、2024年一般公共预算“三公”经费支出预算情况说明"]), ("p", ["“三公”经费预算为30万元。"])]


def test_lines_three_public_table_with_a_row_per_phase(tmp_path):
    # the same table with a stub column: one row for the budget, one for the actual
    text = "\n".join([
        "“三公”经费支出预算表", "单位：万元", "项目", "合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费",
        "小计", "公务用车购置费", "公务用车运行费",
        "预算数", "20.00", "0.00", "15.00", "5.00", "10.00", "5.00",
        "决算数", "18.00", "0.00", "14.00", "4.00", "10.00", "4.00"])
    d = load_text(text, tmp_path)
    (t,) = d.tables
    assert [(c.group, c.label) for c in t.columns] == [
        ([], "合计"), ([], "因公出国（境）费"), (["公务用车购置及运行费"], "小计"),
        (["公务用车购置及运行费"], "公务用车购置费"), (["公务用车购置及运行费"], "公务用车运行费"), ([], "公务接待费")]
    got = {(o.row_label, o.column.label): o.amount for o in t.observations}
    assert got[("预算数", "公务接待费")] == D("5.00") and got[("决算数", "公务用车运行费")] == D("10.00")
    assert len(got) == 12


def test_lines_width_from_row_numbers_without_column_numbers(tmp_path):
    # no 栏次 row: the first data row starts with as many names as the header has name columns,
    # and the 行次 numbers 1, 2 … say where each row ends
    text = "\n".join([
        "收入支出决算总表", "公开01表", "单位：万元", "收入", "支出", "项目", "行次", "金额", "项目", "行次", "金额",
        "一、财政拨款收入", "1", "5.00", "一、一般公共服务支出", "4", "3.00",
        "二、事业收入", "2", "1.00", "二、教育支出", "5", "3.00"])
    (t,) = load_text(text, tmp_path).tables
    assert [(o.row_label, o.line_number, o.column.side_label, o.amount) for o in t.observations] == [
        ("一、财政拨款收入", 1, "收入", D("5.00")), ("一、一般公共服务支出", 4, "支出", D("3.00")),
        ("二、事业收入", 2, "收入", D("1.00")), ("二、教育支出", 5, "支出", D("3.00"))]


def test_lines_rows_that_stop_fitting_are_a_warning():
    # a text cell where a figure belongs: the table ends before that row, and its figures are not guessed
    text = "\n".join(["支出决算表", "公开03表", "单位：万元", "科目编码", "科目名称", "合计", "基本支出",
                      "211", "节能环保支出", "9.00", "4.00", "21101", "环境保护管理事务", "9.00", "尚未", "5.00"])
    rows = line_rows(text, "t.txt", warnings := [])
    assert texts(rows)[4:] == [("r", ["211", "节能环保支出", "9.00", "4.00"]), ("p", ["21101"]),
                               ("p", ["环境保护管理事务"]), ("p", ["9.00"]), ("p", ["尚未"]), ("p", ["5.00"])]
    assert warnings == ["t.txt:12: the cells of the table at line 1 could not be followed past this line (a row that "
                        "does not fit its header); the figures up to line 16 are not read"]


def test_marked_table_without_figures_keeps_its_reason(tmp_path):
    text = blank_separated(
        "测试局2021年度部门决算", "政府性基金预算财政拨款收入支出决算表", "公开08表", "金额单位：万元",
        "项目", "本年收入", "本年支出", "栏次", "1", "2",
        "注：本单位无政府性基金收入，也没有使用政府性基金安排的支出，故本表无数据。")
    (t,) = load_text(text, tmp_path).tables
    assert t.is_empty and "无数据" in t.empty_reason and t.number == "公开08表"


def test_decode_header_three_levels():
    labels = [Cell(t, n) for n, t in enumerate(
        ["预算数", "决算数", "合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费", "合计", "因公出国（境）费",
         "公务用车购置及运行费", "公务接待费", "小计", "公务用车购置费", "公务用车运行费", "小计", "公务用车购置费",
         "公务用车运行费"], 1)]
    rows, roles = decode_header(labels)[0]
    assert roles == ["value"] * 12
    assert [[c.text for c in r.cells] for r in rows] == [
        ["预算数", "决算数"],
        ["合计", "因公出国（境）费", "公务用车购置及运行费", "公务接待费"] * 2,
        ["", "", "小计", "公务用车购置费", "公务用车运行费", ""] * 2]


def test_decode_header_codes_under_item():
    labels = [Cell(t, n) for n, t in enumerate(["项目", "本年支出", "科目编码", "科目名称", "小计", "基本支出", "项目支出"], 1)]
    rows, roles = decode_header(labels)[0]
    assert roles == ["code", "name", "value", "value", "value"]
    assert [[c.text for c in r.cells] for r in rows] == [
        ["项目", "本年支出"], ["科目编码", "科目名称", "小计", "基本支出", "项目支出"]]


def test_pipe_cells_rows_end_at_their_empty_cells():
    text = "\n".join([
        "一、概况", "表1 收入决算表 | |||", "公开02表 | |||", "单位:万元 | |||", "项 目 |", "合计 |",
        "财政拨款 | ||", "合计 |", "5.00 |", "5.00 | ||", "|", "教育支出 |", "1,234.50 |", "1,234.50 |", "其他"])
    rows = pipe_cell_rows(text, "t.txt", warnings := [])
    assert texts(rows) == [
        ("p", ["一、概况"]), ("r", ["表1 收入决算表"]), ("r", ["公开02表"]), ("r", ["单位:万元"]),
        ("r", ["项 目", "合计", "财政拨款"]), ("r", ["合计", "5.00", "5.00"]), ("r", ["教育支出", "1,234.50", "1,234.50"])]
    assert warnings == ["t.txt:15: the text ends inside a cell ('其他' has no closing '|'); the document appears cut "
                        "off here, and the cell is not read"]


def test_pipe_cells_without_row_ends_are_a_cell_stream():
    text = "\n".join(["收入决算表 |", "公开02表 |", "项目 |", "本年收入合计 |", "财政拨款收入 |",
                      "合计 |", "5.00 |", "5.00 |", "教育支出 |", "1.00 |", "1.00 |"])
    rows = pipe_cell_rows(text, "t.txt", [])
    assert texts(rows)[2:] == [("r", ["项目", "本年收入合计", "财政拨款收入"]), ("r", ["合计", "5.00", "5.00"]),
                               ("r", ["教育支出", "1.00", "1.00"])]


def test_pipe_rows_keep_the_cells_that_are_there():
    text = "说明文字。\n| 项目 | 年初预算 | 执行数 |\n总额 | 1.00 | 2.00 | ||\n其他资金 | / | |||"
    assert texts(pipe_rows(text, "t.txt", [])) == [
        ("p", ["说明文字。"]), ("r", ["项目", "年初预算", "执行数"]), ("r", ["总额", "1.00", "2.00"]),
        ("r", ["其他资金", "/"])]


def test_space_cells_split_at_gaps_and_full_width_spaces():
    assert split_cells("  其中：大气   1,000.00　2.00") == ["  其中：大气", "1,000.00", "2.00"]
    assert split_cells("日期 2017-04-27  10.00") == ["日期 2017-04-27", "10.00"]


def test_space_rows_header_on_single_spaces_and_text_around(tmp_path):
    text = "\n".join([
        "测试局2021年度“三公”经费预算情况表", "单位:元", "项目 2020年执行数 2021年预算数",
        "一、支出合计   100   120", "1、公务接待费      120", "",
        "备注:“三公”经费包括因公出国（境）费、公务用车购置及运行费和公务接待费，本表按规定口径编制。"])
    rows = space_rows(text, "t.txt", [])
    assert texts(rows) == [
        ("r", ["测试局2021年度“三公”经费预算情况表"]), ("r", ["单位:元"]), ("r", ["项目", "2020年执行数", "2021年预算数"]),
        ("r", ["一、支出合计", "100", "120"]), ("r", ["1、公务接待费", "120"]),
        ("p", ["备注:“三公”经费包括因公出国（境）费、公务用车购置及运行费和公务接待费，本表按规定口径编制。"])]
    (t,) = load_text(text, tmp_path, layout=layouts.SPACES).tables
    assert [(o.row_label, o.column.label, o.column.phase, o.amount) for o in t.observations] == [
        ("一、支出合计", "2020年执行数", "executed", D(100)), ("一、支出合计", "2021年预算数", "approved", D(120)),
        ("1、公务接待费", "2021年预算数", "approved", D(120))]
    assert t.unit == "元" and t.year == 2021


def test_space_rows_single_line_blocks_are_text():
    assert all(r.paragraph for r in space_rows("标题\n\n正文一行\n", "t.txt", []))


# --- tables without a marker, in the tab layout too ---------------------------------------------------

def test_title_only_table_in_tab_layout_and_a_contents_line_that_is_not(tmp_path):
    text = "\n\n".join([
        "测试局2021年部门预算", "（一）“三公”经费支出预算表；",
        "\t测试局2021年“三公”经费支出预算表", "\t单位：万元",
        "\t合计\n\t因公出国（境）费\n\t公务接待费", "\t3.00\n\t1.00\n\t2.00", "三、其他说明"])
    d = load_text(text, tmp_path)
    (t,) = d.tables
    assert (t.number, t.code, t.type_key, t.year, t.unit, d.kind) == ("", "07", "ThreePublicExpenses", 2021, "万元", "budget")
    assert [(o.column.label, o.amount) for o in t.observations] == [
        ("合计", D("3.00")), ("因公出国（境）费", D("1.00")), ("公务接待费", D("2.00"))]


# --- the whole sample in other layouts -----------------------------------------------------------------

def _sample_one_cell_per_line(separators: bool) -> str:
    """The sample's cells and paragraphs one per line, an empty cell as an empty line; with `separators`,
    a blank line after every cell (layout a), else nothing between them (layout e)."""
    out = []
    for r in tab_cell_rows(SAMPLE.read_text(encoding="utf-8")):
        for c in r.cells:
            t = c.text.replace("\u3000", " ").strip()
            out += ([t, ""] if t else [""]) if separators else [t]
    return "\n".join(out).strip("\n") + "\n"


@pytest.mark.parametrize("separators", [True, False], ids=["blank-separated", "lines"])
def test_sample_in_stream_layouts_reads_as_in_tab_layout(tmp_path, separators):
    # the bundled sample rewritten one cell per line (with and without blank lines between cells, an
    # empty cell as an empty line): every table figure is read as from the tab layout
    path = tmp_path / "sample.txt"
    path.write_text(_sample_one_cell_per_line(separators), encoding="utf-8")
    ref = loaders.load_file(SAMPLE)
    d = loaders.load_file(path)

    def key(o):
        c = o.column
        return (o.row_code, o.row_label, o.line_number, c.label, tuple(c.group), c.side, c.number, c.phase, o.amount)

    assert [(t.number, t.type_key, t.unit, t.year, t.department, t.empty_reason) for t in d.tables] == [
        (t.number, t.type_key, t.unit, t.year, t.department, t.empty_reason) for t in ref.tables]
    for t, r in zip(d.tables, ref.tables):
        assert Counter(map(key, t.observations)) == Counter(map(key, r.observations)), t.number
    assert len(d.observations) == 1001


def load_text(text: str, tmp_path: Path, name: str = "variant.txt", layout=None):
    """`text` loaded through loaders.load_file (in the given layout, else the detected one)."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if layout is None:
        return loaders.load_file(path)
    from cnbudget.loaders.dispatch import _disclosure
    warnings: list[str] = []
    return _disclosure(str(path), "0" * 64, "text/plain", layout.produce(text, str(path), warnings), warnings)
