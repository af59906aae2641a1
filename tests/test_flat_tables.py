"""Tables flattened into a line of PDF text, read by their shape (loaders/layouts/flat_labels.py): labels then
figures, a header printed over two lines flattened (years over measures), columns of percentages whose labels
the converter lost, a page footer inside a label, rows with empty cells left out.

Two documents of the class: 银川市西夏区's revenue execution table (tests/fixtures/collected/, real, its title
unknown to the vocabulary, its first row's label lost, the copy cut off inside a figure) and a 三公 final-accounts
table made by hand the way a PDF converter flattens one (tests/fixtures/variants/flat_shape_2022_sangong_js.txt:
figures chosen so that its totals add up; 因公出国(境)费 prints two 0.00 for three amount columns, 公务用车购置费
two amounts and one percentage). Every expected figure below was read off the fixtures by eye."""
from __future__ import annotations

import csv
import io
from decimal import Decimal as D

import pytest

from conftest import ROOT, run, select
from cnbudget.kg.store import Store

XIXIA = ROOT / "tests" / "fixtures" / "collected" / "yinchuan_xixia_2021_yszx.txt"
SANGONG = ROOT / "tests" / "fixtures" / "variants" / "flat_shape_2022_sangong_js.txt"

# (row as printed, column as printed, amount): all on line 2 of the hand-made 三公 table
SANGONG_FIGURES = [
    ("合计", "2022年预算数", D("42.60")), ("合计", "2022年决算数", D("37.85")), ("合计", "2021年决算数", D("40.12")),
    ("2、公务接待费", "2022年预算数", D("14.60")), ("2、公务接待费", "2022年决算数", D("12.35")),
    ("2、公务接待费", "2021年决算数", D("13.02")),
    ("3、公务用车购置及运行费", "2022年预算数", D("28.00")), ("3、公务用车购置及运行费", "2022年决算数", D("25.50")),
    ("3、公务用车购置及运行费", "2021年决算数", D("27.10")),
    # two figures for three amount columns: only 10.00 under 预算数 and 9.80 under 决算数 keep 28.00 = 10.00 +
    # 18.00, 25.50 = 9.80 + 15.70 and 27.10 = 0 + 27.10
    ("其中:(1)公务用车购置费", "2022年预算数", D("10.00")), ("其中:(1)公务用车购置费", "2022年决算数", D("9.80")),
    ("(2)公务用车运行维护费", "2022年预算数", D("18.00")), ("(2)公务用车运行维护费", "2022年决算数", D("15.70")),
    ("(2)公务用车运行维护费", "2021年决算数", D("27.10")),
]
# the percentages of the full rows, under columns printed without a label
# (percentages are figures of the narrative's kind: their rows named without the numbering)
SANGONG_RATES = {("合计", D("88.85")), ("合计", D("-5.66")), ("公务接待费", D("84.59")), ("公务接待费", D("-5.15")),
                 ("公务用车购置及运行费", D("91.07")), ("公务用车购置及运行费", D("-5.90")),
                 ("公务用车运行维护费", D("87.22")), ("公务用车运行维护费", D("-42.07"))}
XIXIA_FIGURES = [
    ("税收收入小计", "2020年完成数", D("27631")), ("税收收入小计", "2021年预算数", D("33385")),
    ("税收收入小计", "2021年完成数", D("33385")),
    ("增值税", "2020年完成数", D("13950")), ("增值税", "2021年预算数", D("18835")), ("增值税", "2021年完成数", D("17585")),
    ("企业所得税", "2020年完成数", D("564")), ("企业所得税", "2021年预算数", D("600")), ("企业所得税", "2021年完成数", D("850")),
    ("个人所得税", "2020年完成数", D("615")), ("个人所得税", "2021年预算数", D("650")), ("个人所得税", "2021年完成数", D("650")),
    ("房产税", "2020年完成数", D("2782")), ("房产税", "2021年预算数", D("2800")), ("房产税", "2021年完成数", D("3800")),
    # the copy ends inside this row (印花税 2,335 2,6): the figure before the cut stands under the first column
    ("印花税", "2020年完成数", D("2335")),
]


def _load(path, tmp_path_factory, text: str | None = None) -> tuple[str, list[dict]]:
    folder = tmp_path_factory.mktemp("flat")
    if text is not None:
        path = folder / path.name
        path.write_text(text, encoding="utf-8")
    store = str(folder / "store")
    run("load", "--store", store, str(path))
    rows = list(csv.DictReader(io.StringIO(run("export", "--store", store, "--format", "csv").output)))
    return store, rows


@pytest.fixture(scope="module")
def sangong(tmp_path_factory):
    return _load(SANGONG, tmp_path_factory)


@pytest.fixture(scope="module")
def xixia(tmp_path_factory):
    return _load(XIXIA, tmp_path_factory)


def _table_figures(rows: list[dict]) -> list[tuple]:
    return sorted((r["row_name"], r["measure"], D(r["amount"])) for r in rows
                  if r["unit"] == "万元" and r["table"] != "说明" and r["source_line"] == "2")


def _findings(store: str) -> list[tuple[str, str]]:
    found = select(Store(store, read_only=True), """SELECT ?rule ?message WHERE { ?f a bud:ReconciliationFinding ;
        bud:rule ?rule ; rdfs:comment ?message }""")
    return [(r["rule"].rsplit("#", 1)[1], r["message"]) for r in found]


def test_a_hand_flattened_table_comes_out_by_row_and_column(sangong):
    _, rows = sangong
    assert _table_figures(rows) == sorted(SANGONG_FIGURES)
    rates = {(r["row_name"], D(r["amount"])) for r in rows if r["unit"] == "%" and r["source_line"] == "2"}
    assert rates == SANGONG_RATES  # 98.00%, alone under two columns of percentages, is not placed


def test_the_row_the_arithmetic_decides_and_the_one_it_cannot(sangong):
    """公务用车购置费's two amounts are placed by the sums, with the evidence; 因公出国(境)费's two 0.00 hold under
    any two of the columns: a finding, and neither is loaded."""
    store, rows = sangong
    findings = _findings(store)
    decided = [m for rule, m in findings if rule == "ReadingByArithmetic"]
    undecided = [m for rule, m in findings if rule == "UndecidedReading"]
    assert len(decided) == 1 and "10.00 在「2022年预算数」" in decided[0] and "9.80 在「2022年决算数」" in decided[0]
    assert len(undecided) == 1 and "这些数字未载入" in undecided[0]
    assert not [r for r in rows if r["row_name"].startswith("1、因公出国")]


def test_a_page_footer_inside_a_label_is_left_out(sangong):
    _, rows = sangong
    assert {r["row_name"] for r in rows if "公务用车购置及" in r["row_name"]} == {"3、公务用车购置及运行费",
                                                                               "公务用车购置及运行费"}
    assert not [r for r in rows if r["amount"] in ("9", "12") and r["source_line"] == "2"]  # 第 9 页,共 12 页


def test_a_revenue_table_with_an_unknown_title_and_a_lost_label(xixia):
    """The first row (49,171 51,385 51,385 100.00% 4.50%) has lost its label: no row it certainly belongs to, so
    none of its figures is loaded; the figure cut short at the end (2,6) neither."""
    _, rows = xixia
    assert _table_figures(rows) == sorted(XIXIA_FIGURES)
    assert not [r for r in rows if r["amount"] in ("49171", "51385", "4.5", "2.6", "26")]


def test_every_loaded_amount_is_in_the_input(sangong, xixia):
    for path, (_, rows) in ((SANGONG, sangong), (XIXIA, xixia)):
        lines = path.read_text(encoding="utf-8").split("\n")
        for r in rows:
            printed = lines[int(r["source_line"]) - 1].replace(",", "")
            amount = abs(D(r["amount"]))  # 减少2.27万元: a sign taken from the words
            assert any(abs(D(x)) == amount for x in _numbers(printed)), (path.name, r)


def _numbers(line: str) -> list[str]:
    import re
    return re.findall(r"-?\d+(?:\.\d+)?", line)


def test_a_header_whose_years_cannot_be_paired_gives_no_figure_under_a_guessed_column(tmp_path_factory):
    """Two years over three measures (a year over two columns, merged in the PDF): which columns each year heads
    is not printed, so neither reading of the line is taken; nothing comes out under a guessed column."""
    text = SANGONG.read_text(encoding="utf-8").replace("项目 2022年 2022年 2021年", "项目 2022年 2021年")
    _, rows = _load(SANGONG, tmp_path_factory, text)
    assert not [r for r in rows if r["source_line"] == "2"]


# --- the same in a Word or PDF document: paragraphs as a converter leaves them -----------------------------

def _docx(lines: list[str], path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    document.save(path)
    return path


def _pdf(lines: list[str], path):
    """One paragraph per line, wrapped at the page's width (pdfplumber gives each printed line; the reader joins
    them again)."""
    pytest.importorskip("pdfplumber")
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK")
    SimpleDocTemplate(str(path), pagesize=A4).build([Paragraph(line, style) for line in lines if line])
    return path


@pytest.mark.parametrize("write", [_docx, _pdf], ids=["docx", "pdf"])
def test_a_table_flattened_into_a_paragraph_of_a_word_or_pdf_document(write, tmp_path):
    """A paragraph that is a flattened table is read as the table it is, as a text's line is (the PDF's printed
    lines joined again, 运行费 and 28.00 met at a line break)."""
    from cnbudget import loaders
    path = write(SANGONG.read_text(encoding="utf-8").split("\n"), tmp_path / f"sangong.{write.__name__[1:]}")
    document = loaders.load_file(path)
    got = sorted((o.row_label, o.column.label, o.amount) for t in document.tables for o in t.observations)
    assert got == sorted(SANGONG_FIGURES)


def test_a_word_document_of_pipe_paragraphs_gets_the_second_reading_text_gets(tmp_path):
    """沅陵县's 三公 table (tests/fixtures/hand-read/, its first 12 lines: the table without the note under it) typed
    into Word as paragraphs of '|' cells: nothing in its tables or paragraphs, so its paragraphs are read as a
    text is, in the layout they are in."""
    from cnbudget import loaders
    lines = (ROOT / "tests" / "fixtures" / "hand-read" / "yuanling_xian_2021_sangong.txt").read_text(
        encoding="utf-8").split("\n")[:12]
    document = loaders.load_file(_docx(lines, tmp_path / "yuanling.docx"))
    got = sorted((o.line, o.row_label, o.column.label, o.amount) for t in document.tables for o in t.observations)
    assert got == [(6, "合计", "本年预算数", D("4196")), (8, "1、因公出国(境)费用", "本年预算数", D("0")),
                   (9, "2、公务接待费", "本年预算数", D("2747")), (10, "3、公务用车费", "本年预算数", D("1449")),
                   (11, "其中:(1)公务用车运行维护费", "本年预算数", D("1449")), (12, "(2)公务用车购置", "本年预算数", D("0"))]


YUANLING = ROOT / "tests" / "fixtures" / "hand-read" / "yuanling_xian_2021_sangong.txt"


@pytest.mark.parametrize("fmt", ["txt", "docx", "pdf"])
def test_a_unit_cut_short_names_no_body_in_any_format(fmt, tmp_path):
    """沅陵县's table declares 單位:萬 (its unit cut short): read as 万元, never as a department called 万 (which
    named the whole disclosure 万2021年度“三公”经费预算 and stopped bench/corpus.py from making its copies). As
    text and as the .docx and PDF bench/corpus.py makes from its rows, the same six figures come out."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    from cnbudget import loaders
    path = corpus.write(YUANLING.read_text(encoding="utf-8"), fmt, tmp_path / f"yuanling.{fmt}")
    document = loaders.load_file(path)
    assert document.department is None and [(t.department, t.unit) for t in document.tables] == [(None, "万元")]
    assert sorted((o.row_label, o.amount) for o in document.observations) == sorted([
        ("合计", D("4196")), ("1、因公出国(境)费用", D("0")), ("2、公务接待费", D("2747")), ("3、公务用车费", D("1449")),
        ("其中:(1)公务用车运行维护费", D("1449")), ("(2)公务用车购置", D("0"))])


def test_a_flat_line_whose_title_is_on_the_lines_above_is_read_as_before():
    """公开01表 of the flattened variant with its title and marker on lines of their own: the line is the table's
    body, read by the stream reading (the reading by shape needs a title and unit on the line itself)."""
    from cnbudget.loaders.layouts import rows_of
    line = (ROOT / "tests" / "fixtures" / "variants" / "flat_2020_js_01_05_07.txt").read_text(
        encoding="utf-8").split("\n")[2]
    text = "收入支出决算总表\n公开01表\n" + line[line.index("收入 支出"):]
    layout, rows = rows_of(text, "p", [])
    assert layout.name == "flat"
    assert rows[5].texts[:4] == ["一、一般公共预算财政拨款收入", "1", "13,190.69", "一、一般公共服务支出"]


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_the_revenue_table_as_a_word_excel_or_pdf_table(fmt, tmp_path):
    """西夏区's table written as a table of a .docx, .xlsx or PDF (bench/corpus.py's writers, from the rows the text
    gives): found by its header of column labels under its title and unit, its rows read whatever their labels
    name (增值税 is no item of the vocabulary), the same figures as the text."""
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    corpus = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(corpus)
    from cnbudget import loaders
    document = loaders.load_file(corpus.write(XIXIA.read_text(encoding="utf-8"), fmt, tmp_path / f"xixia.{fmt}"))
    assert sorted((o.row_label, o.column.label, o.amount) for o in document.observations) == sorted(XIXIA_FIGURES)
