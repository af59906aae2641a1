"""Word, Excel and PDF documents shaped like real ones (tests/fixtures/office/, built by its make.py with values
read off the collected pages): vertically merged cells, headers over two lines, two tables on one sheet or page,
元 with thousands separators and 万元. tests/test_formats.py checks the readers against the sample rendered in
each format; these check them against layouts the sample does not have.

First what each format reader gives, cell by cell, written out by hand from the layouts make.py draws and the
merge rules the readers document; then the figures `kg load` should give, written out by hand from the pages.
Reading these tables is issue 14 (tables found by content, whatever their title, in either orientation: the
Qujiang table prints its categories as columns over a row per year, the Jiangbei one a vertically merged 其中 beside
its sub-items)."""
from __future__ import annotations

import csv
import importlib.util
import io
from decimal import Decimal

import pytest

from conftest import ROOT, run
from cnbudget.loaders import formats

OFFICE = ROOT / "tests" / "fixtures" / "office"

# rows as the readers give them: (paragraph?, cell texts); a merged cell is one cell, a cell continuing a
# vertical merge is an empty cell in its place, a header cell's own line break is kept
ROWS = {
    "chongqing_jiangbei_2021_sangong_ys.docx": [
        (True, ["按照区政府关于推进政府信息公开工作部署和要求,经汇总,2021年区本级一般公共预算中“三公”经费支出预算为"
                "4432万元,与2020年预算基本持平。"]),
        (True, ["2021年区本级“三公”经费预算支出表"]), (True, ["单位:万元"]),
        (False, ["项目", "预算数"]), (False, ["合计", "4432"]), (False, ["1.因公出国(境)费用", "39"]),
        (False, ["2.公务接待费", "323"]), (False, ["3.公务用车购置及运行维护费", "4070"]),
        (False, ["其中", "公务用车运行维护费", "2648"]), (False, ["", "公务用车购置", "1422"])],
    "quzhou_qujiang_2016_sangong_js.docx": [
        (True, ["衢江区2016年一般公共预算安排“三公”经费决算数2364万元,比上年决算数下降16.77 %。"]),
        (True, ["2016年决算数与2015年决算数对比情况"]), (True, ["单位:万元"]),
        (False, ["年度", "合计", "因公出国(境)经费", "公务接待费", "公车购置及运行维护费"]),
        (False, ["", "", "", "", "合计", "车辆购置", "车辆运行"]),
        (False, ["2015年", "2840", "90", "1400", "1350", "73", "1277"]),
        (False, ["2016年", "2364", "12", "1356", "996", "37", "959"]),
        (False, ["2016年比2015年增减%", "-16.77", "-86.62", "-3.14", "-26.24", "-47.95", "-24.98"])],
    "wuzhou_zhongxue_2023_ys.xlsx": [
        (False, ["财政拨款收支总表"]), (False, ["单位:元"]), (False, ["收入", "支出"]),
        (False, ["项目", "预算数", "项目", "预算数"]),
        (False, ["一、一般公共预算拨款", "7,034,418.94", "一、教育支出", "5,806,105.16"]),
        (False, ["二、上年结转结余", "23,067.24", "二、社会保障和就业支出", "557,718.56"]),
        (False, ["", "", "三、卫生健康支出", "275,373.54"]), (False, ["", "", "四、住房保障支出", "418,288.92"]),
        (False, ["收入总计", "7,057,486.18", "支出总计", "7,057,486.18"]),
        (False, ["一般公共预算支出表"]), (False, ["单位:元"]),
        (False, ["科目编码", "科目名称", "本年一般公共预算支出"]), (False, ["", "", "合计", "基本支出", "项目支出"]),
        (False, ["2050203", "初中教育", "2,065,405.42", "2,065,405.42", "0.00"]),
        (False, ["2050204", "高中教育", "3,717,632.50", "3,717,632.50", "0.00"])],
    "chongqing_yongchuan_2020_sangong_js.pdf": [
        (True, ["2020年度全区“三公”经费决算情况"]), (True, ["单位:万元"]),
        (False, ["经费项目", "2020年度支出\n(万元)", "支出减少情况\n(万元)", "支出减少率"]),
        (False, ["因公出国(境)费", "0", "0", "0%"]), (False, ["公务接待费", "71.53", "-", "-"]),
        (False, ["公务用车购置及运行维护费", "1857.23", "-", "-"]), (False, ["公务用车购置费", "423.81", "-", "-"]),
        (False, ["公务用车运行维护费", "1433.42", "-", "-"]), (False, ["总“三公”经费支出", "1928.76", "-", "-"]),
        (True, ["2020年度全区“三公”经费使用情况"]), (False, ["使用项目", "2020年度数量或人次"]),
        (False, ["因公出国(境)团组数", "0"]), (False, ["因公出国(境)人次", "0"]), (False, ["公务用车购置数", "32"]),
        (False, ["公务用车保有量", "660"]), (False, ["国内公务接待批次", "486"]), (False, ["国内公务接待人次", "7371"])],
}

# the tables' figures as printed: (row, column, amount, unit)
FIGURES = {
    "chongqing_jiangbei_2021_sangong_ys.docx": [
        ("合计", "预算数", "4432", "万元"), ("因公出国(境)费用", "预算数", "39", "万元"),
        ("公务接待费", "预算数", "323", "万元"), ("公务用车购置及运行维护费", "预算数", "4070", "万元"),
        ("公务用车运行维护费", "预算数", "2648", "万元"), ("公务用车购置", "预算数", "1422", "万元")],
    "quzhou_qujiang_2016_sangong_js.docx": [  # categories as columns: the row is the category, the column the year
        ("合计", "2015年", "2840", "万元"), ("因公出国(境)经费", "2015年", "90", "万元"),
        ("公务接待费", "2016年", "1356", "万元"), ("车辆购置", "2016年", "37", "万元"),
        ("车辆运行", "2016年", "959", "万元"), ("公务接待费", "2016年比2015年增减%", "-3.14", "%")],
    "wuzhou_zhongxue_2023_ys.xlsx": [
        ("一般公共预算拨款", "预算数", "7034418.94", "元"), ("上年结转结余", "预算数", "23067.24", "元"),
        ("收入总计", "预算数", "7057486.18", "元"), ("教育支出", "预算数", "5806105.16", "元"),
        ("住房保障支出", "预算数", "418288.92", "元"), ("支出总计", "预算数", "7057486.18", "元"),
        ("初中教育", "合计", "2065405.42", "元"), ("高中教育", "基本支出", "3717632.50", "元")],
    "chongqing_yongchuan_2020_sangong_js.pdf": [
        ("公务接待费", "2020年度支出", "71.53", "万元"), ("公务用车购置费", "2020年度支出", "423.81", "万元"),
        ("公务用车运行维护费", "2020年度支出", "1433.42", "万元"), ("总“三公”经费支出", "2020年度支出", "1928.76", "万元"),
        ("公务用车保有量", "2020年度数量或人次", "660", "辆"), ("国内公务接待人次", "2020年度数量或人次", "7371", "人次")],
}


def rows_read(path) -> list[tuple[bool, list[str]]]:
    """The rows the file's format reader gives, each without the empty cells the sheet's width adds at its end."""
    rendering = formats.format_for(path.suffix).read(str(path), path.read_bytes())
    out = []
    for r in rendering.rows:
        texts = [c.text for c in r.cells]
        while len(texts) > 1 and texts[-1] == "":
            texts.pop()
        out.append((r.paragraph, texts))
    return out


def test_every_office_fixture_is_checked():
    built = {p.name for p in OFFICE.iterdir() if p.suffix in (".docx", ".xlsx", ".pdf")}
    assert built == set(ROWS) == set(FIGURES)


@pytest.mark.parametrize("name", sorted(ROWS))
def test_the_reader_gives_the_cells_as_laid_out(name):
    assert rows_read(OFFICE / name) == ROWS[name]


def test_make_builds_the_committed_files(tmp_path):
    """make.py is how the committed files were made: what it builds now reads the same."""
    spec = importlib.util.spec_from_file_location("office_make", OFFICE / "make.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    for build, name in [(make.jiangbei_docx, "chongqing_jiangbei_2021_sangong_ys.docx"),
                        (make.qujiang_docx, "quzhou_qujiang_2016_sangong_js.docx"),
                        (make.wuzhou_xlsx, "wuzhou_zhongxue_2023_ys.xlsx"),
                        (make.yongchuan_pdf, "chongqing_yongchuan_2020_sangong_js.pdf")]:
        build(tmp_path / name)
        assert rows_read(tmp_path / name) == rows_read(OFFICE / name), name


def _same(a: str, b: str) -> bool:
    a, b = (x.replace(" ", "").replace("“", "").replace("”", "") for x in (a, b))
    return bool(a and b) and (a in b or b in a)


@pytest.mark.parametrize("name", sorted(FIGURES))
def test_the_tables_figures_come_out(name, tmp_path):
    store = str(tmp_path / "store")
    run("load", "--store", store, "--jobs", "1", str(OFFICE / name))
    loaded = list(csv.DictReader(io.StringIO(run("export", "--store", store, "--format", "csv").output)))
    missing = [f for f in FIGURES[name] if not any(
        _same(f[0], o["row_name"]) and _same(f[1], o["measure"]) and Decimal(o["amount"]) == Decimal(f[2]) and o["unit"] == f[3]
        for o in loaded)]
    assert not missing, missing
