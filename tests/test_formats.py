"""The .docx, .xlsx and PDF readers (loaders/formats/) against the text sample.

No binary fixture is committed: each document is generated here, once per module, from the
rows the tab-layout reader gives for the bundled sample (python-docx, openpyxl, reportlab), with
real merged cells where a row is shorter than its table. Each reader must then recover the same
figures as the text sample: per table, the multiset of (row code, row label, column label and
group, phase, amount), line numbers aside; and the same department, year and currency unit.
The bad inputs (a .docx that is no zip, an old .doc, a PDF without a text layer) must fail
through `loaders.load_file` and the CLI naming the file and the reason, the store untouched.
"""
from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from xml.sax.saxutils import escape

import pytest

from cnbudget import loaders
from conftest import SAMPLE, assert_bad_file_leaves_store_unchanged, run
from cnbudget.loaders import LoadError
from cnbudget.loaders.formats import Rendering, xlsx as xlsx_reader
from cnbudget.loaders.layouts.tabs import tab_cell_rows
from cnbudget.loaders.records import Row
from cnbudget.loaders.text import parse_amount

docx = pytest.importorskip("docx")
openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("pdfplumber")
reportlab = pytest.importorskip("reportlab")

MARKER = re.compile(r"^公开(\d\d)表$")


# --- the sample's rows, and its parts ---------------------------------------------------------

def sample_rows() -> list[Row]:
    return tab_cell_rows(SAMPLE.read_text(encoding="utf-8"))


def table_segments(rows: list[Row]) -> tuple[list[Row], list[tuple[str, list[Row]]], list[Row]]:
    """(rows before the first table, [(公开NN表, rows from its title to the next title)], rows after
    the last table from 第三部分 on)."""
    markers = [(i, MARKER.match(c.text.strip()).group(0)) for i, r in enumerate(rows) if not r.paragraph
               for c in r.cells if MARKER.match(c.text.strip())]
    starts = [i - 1 for i, _ in markers]  # each marker row follows its one-cell title row
    end = next(i for i, r in enumerate(rows) if r.paragraph and r.cells[0].text.startswith("第三部分"))
    bounds = starts[1:] + [end]
    return rows[:starts[0]], [(m, rows[s:e]) for (_, m), s, e in zip(markers, starts, bounds)], rows[end:]


def runs(rows: list[Row]):
    """("p", row) for a paragraph, ("t", [rows]) for each run of consecutive table rows."""
    out: list = []
    for r in rows:
        if r.paragraph:
            out.append(("p", r))
        elif out and out[-1][0] == "t":
            out[-1][1].append(r)
        else:
            out.append(("t", [r]))
    return out


# --- writers ------------------------------------------------------------------------------------

def write_docx(rows: list[Row], path: Path) -> Path:
    """Paragraphs as paragraphs; each run of table rows one Word table, a short row's last cell
    merged across the rest of the width."""
    document = docx.Document()
    for kind, item in runs(rows):
        if kind == "p":
            document.add_paragraph(item.cells[0].text)
            continue
        width = max(len(r.cells) for r in item)
        table = document.add_table(rows=len(item), cols=width)
        for row, source in zip(table.rows, item):
            cells = row.cells
            for cell, c in zip(cells, source.cells):
                cell.text = c.text
            n = len(source.cells)
            if n < width:
                cells[n - 1].merge(cells[width - 1])
    document.save(path)
    return path


def _value(text: str):
    """A cell's value as a finance system exports it: amounts as numbers, codes as integers."""
    t = text.strip()
    if re.fullmatch(r"[1-9]\d{0,6}", t):
        return int(t)
    if "." in t and parse_amount(t) is not None:
        return float(parse_amount(t))
    return text


def write_xlsx(rows: list[Row], path: Path) -> Path:
    """A prose sheet with the part before the tables, then one sheet per 公开NN表: its rows from
    its title on (amounts as numeric cells with a fixed-decimal format), a short row's last cell
    merged across the rest of the sheet's width."""
    workbook = openpyxl.Workbook()
    before, tables, _ = table_segments(rows)
    prose = workbook.active
    prose.title = "概况"
    for r, row in enumerate(before, 1):
        prose.cell(r, 1, row.cells[0].text)
    for number, segment in tables:
        sheet = workbook.create_sheet(number)
        width = max(len(r.cells) for r in segment)
        for r, row in enumerate(segment, 1):
            for c, cell in enumerate(row.cells, 1):
                target = sheet.cell(r, c, _value(cell.text))
                if isinstance(target.value, float):
                    target.number_format = "#,##0.00" if "," in cell.text else "0.00"
            if len(row.cells) < width:
                sheet.merge_cells(start_row=r, start_column=len(row.cells), end_row=r, end_column=width)
    workbook.save(path)
    return path


def write_pdf(rows: list[Row], path: Path, numbers: list[str] | None = None) -> Path:
    """The whole document, or only the tables `numbers` with their titles, units and notes, on
    landscape A3 in the CID font STSong-Light so the text has a text layer: paragraphs indented
    by two characters as Chinese documents print them; each run of table rows one ruled Table,
    a short row's last cell spanning the rest."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK", firstLineIndent=18)
    small = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")
    if numbers is None:
        chosen = rows
    else:
        _, tables, _ = table_segments(rows)
        chosen = [r for number, segment in tables if number in numbers for r in segment]

    def para(text: str, style) -> Paragraph:
        return Paragraph(escape(text.strip()).replace("\n", "<br/>"), style)

    page = landscape(A3)
    story = []
    for kind, item in runs(chosen):
        if kind == "p":
            story.append(para(item.cells[0].text, body))
            continue
        width = max(len(r.cells) for r in item)
        data, spans = [], []
        for i, r in enumerate(item):
            data.append([para(c.text, small) for c in r.cells] + [""] * (width - len(r.cells)))
            if len(r.cells) < width:
                spans.append(("SPAN", (len(r.cells) - 1, i), (width - 1, i)))
        column = (page[0] - 72) / width
        table = Table(data, colWidths=[column] * width)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36,
                      bottomMargin=36).build(story)
    return path


# --- what is compared ---------------------------------------------------------------------------

def figures(disclosure) -> dict[str, Counter]:
    """Per table number: the multiset of (row code, row label, column label, column group, phase, amount)."""
    out: dict[str, Counter] = {}
    for t in disclosure.tables:
        out[t.number] = Counter((o.row_code, o.row_label, o.column.label, tuple(o.column.group), o.column.phase,
                                 o.amount) for o in t.observations)
    return out


def assert_same_figures(got, want, numbers=None) -> None:
    numbers = numbers or sorted(want)
    for n in numbers:
        assert got.get(n) == want[n], (n, (got.get(n, Counter()) - want[n]), (want[n] - got.get(n, Counter())))
    assert sum(sum(got[n].values()) for n in numbers) == sum(sum(want[n].values()) for n in numbers)


def assert_same_header(got, want) -> None:
    assert (got.department, got.year, got.kind, got.consolidated) == \
           (want.department, want.year, want.kind, want.consolidated)
    assert {t.number: t.unit for t in got.tables} == {t.number: t.unit for t in want.tables
                                                      if t.number in {g.number for g in got.tables}}


# --- fixtures: each document generated once ---------------------------------------------------

@pytest.fixture(scope="module")
def text_disclosure():
    return loaders.load_file(SAMPLE)


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("formats")


@pytest.fixture(scope="module")
def docx_file(generated) -> Path:
    return write_docx(sample_rows(), generated / "jiaozuo-ecology-2020.docx")


@pytest.fixture(scope="module")
def xlsx_file(generated) -> Path:
    return write_xlsx(sample_rows(), generated / "jiaozuo-ecology-2020.xlsx")


@pytest.fixture(scope="module")
def pdf_file(generated) -> Path:
    return write_pdf(sample_rows(), generated / "jiaozuo-ecology-2020.pdf")


# --- .docx --------------------------------------------------------------------------------------

def test_docx_has_real_merged_cells(docx_file):
    table = docx.Document(docx_file).tables[0]
    spans = [c.grid_span for row in table.rows for c in row.cells]
    assert max(spans) > 1


def test_docx_gives_the_same_figures_as_the_text(docx_file, text_disclosure):
    d = loaders.load_file(docx_file)
    assert d.media_type == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert_same_figures(figures(d), figures(text_disclosure))
    assert len(d.observations) == len(text_disclosure.observations) == 1001
    assert_same_header(d, text_disclosure)


def assert_same_narrative(got, want, blank_insensitive: bool = False) -> None:
    """The same narrative and performance records, line numbers aside (and, with `blank_insensitive`,
    whitespace inside texts: a PDF keeps no runs of spaces, and cannot tell a line break from a wrap
    when the line ends at the margin)."""
    def value(v):
        return re.sub(r"\s+", "", v) if blank_insensitive and isinstance(v, str) else v

    def strip(items):
        return [{k: value(v) for k, v in vars(x).items() if k != "line" and not isinstance(v, list)} for x in items]

    d, t = got.narrative, want.narrative
    for part in ("duties", "units", "subject_lines", "figures", "project_counts", "key_evaluations", "reports"):
        assert strip(getattr(d, part)) == strip(getattr(t, part)), part
    for e, f in zip(d.evaluations, t.evaluations, strict=True):
        assert strip([e]) == strip([f])
        assert strip(e.tasks) == strip(f.tasks) and strip(e.indicators) == strip(f.indicators)
    assert got.rounding_note == want.rounding_note


def test_docx_gives_the_same_narrative_and_performance(docx_file, text_disclosure):
    assert_same_narrative(loaders.load_file(docx_file), text_disclosure)


def test_docx_lines_are_those_of_its_tab_layout_rendering(docx_file):
    """Cell.line is the line of the cell in the document written out in the tab layout: reading
    that rendering back gives the same rows on the same lines."""
    from cnbudget.loaders.formats import docx as docx_reader
    rendering = docx_reader.read(str(docx_file))
    back = tab_cell_rows(render(rendering))
    assert [(r.line, r.paragraph, [(c.line, c.text) for c in r.cells]) for r in back] == \
           [(r.line, r.paragraph, [(c.line, c.text) for c in r.cells]) for r in rendering.rows]
    lines = [c.line for r in rendering.rows for c in r.cells]
    assert lines == sorted(lines) and len(set(lines)) == len(lines) and lines[0] >= 1


def render(rendering: Rendering) -> str:
    """The tab-layout text the line numbers refer to (blank lines where no row is)."""
    out = [""] * (rendering.next_line - 1)
    for r in rendering.rows:
        for c in r.cells:
            for k, piece in enumerate(c.text.split("\n")):
                out[c.line - 1 + k] = piece if r.paragraph or k else "\t" + piece
    return "\n".join(out)


def test_docx_error_names_table_row(docx_file, tmp_path):
    """A misprinted amount in a .docx: the error names the file, the rendering line and the table row."""
    document = docx.Document(docx_file)
    target = next(c for t in document.tables for row in t.rows for c in row.cells if c.text == "1,175.87")
    target.text = "1,17a5.87"
    bad = tmp_path / "bad.docx"
    document.save(bad)
    with pytest.raises(LoadError) as err:
        loaders.load_file(bad)
    assert err.value.path == str(bad) and err.value.line
    assert "'1,17a5.87'" in err.value.reason and re.search(r"\(table \d+, row \d+\)", err.value.reason)


# --- .xlsx --------------------------------------------------------------------------------------

def test_xlsx_gives_the_same_figures_as_the_text(xlsx_file, text_disclosure):
    workbook = openpyxl.load_workbook(xlsx_file)
    assert workbook.sheetnames[1:] == [f"公开{n:02d}表" for n in range(1, 10)]
    sheet = workbook["公开02表"]
    assert sheet.merged_cells.ranges  # real merged ranges, and amounts as numeric cells:
    assert any(isinstance(c.value, float) and c.number_format == "#,##0.00" for row in sheet.iter_rows() for c in row)
    d = loaders.load_file(xlsx_file)
    assert d.media_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert_same_figures(figures(d), figures(text_disclosure))
    assert_same_header(d, text_disclosure)
    assert [u.name for u in d.narrative.units] == [u.name for u in text_disclosure.narrative.units]


def test_xlsx_numbers_print_as_the_sheet_shows_them():
    def cell(value, number_format="General"):
        return SimpleNamespace(value=value, number_format=number_format)

    assert xlsx_reader.text(cell(0.1 + 0.2)) == "0.3"
    assert xlsx_reader.text(cell(0.1 + 0.2, "0.00")) == "0.30"
    assert xlsx_reader.text(cell(13190.69, "#,##0.00")) == "13,190.69"
    assert xlsx_reader.text(cell(-1175.875, '#,##0.00_);[Red]\\(#,##0.00\\)')) == "-1,175.88"
    assert xlsx_reader.text(cell(5, "0.00")) == "5.00"
    assert xlsx_reader.text(cell(0.8543, "0.00%")) == "85.43%"
    assert xlsx_reader.text(cell(2050803)) == "2050803"
    assert xlsx_reader.text(cell(100.0)) == "100"
    assert xlsx_reader.text(cell(None)) == ""


def test_xlsx_merged_and_empty_cells(tmp_path):
    """Cells a merged range covers are left out, an empty cell keeps its place, an empty row is skipped;
    the line numbers run on over sheets in workbook order."""
    workbook = openpyxl.Workbook()
    first = workbook.active
    first.append(["标题", None, None])
    first.merge_cells("A1:C1")
    first.append([])
    first.append(["a", None, 1.5])
    first["C3"].number_format = "0.00"
    second = workbook.create_sheet("二")
    second.append(["x", "y"])
    path = tmp_path / "small.xlsx"
    workbook.save(path)
    rendering = xlsx_reader.read(str(path))
    assert [(r.line, r.texts) for r in rendering.rows] == [(1, ["标题"]), (3, ["a", "", "1.50"]), (7, ["x", "y"])]
    assert rendering.place_of(7) == "sheet '二', row 1"


def test_xlsx_export_with_tall_header_cells(tmp_path, text_disclosure):
    """公开02表 as a finance system exports it: header cells merged down over the header rows
    (本年收入合计 C4:C7, 功能分类科目编码 A5:A7) and across (项目 A4:B4, 栏次, 合计): the same figures."""
    _, tables, _ = table_segments(sample_rows())
    segment = dict(tables)["公开02表"]
    head = [r.texts for r in segment[:3]]  # title, marker, 部门 / 年度 / 单位
    sums = next(i for i, r in enumerate(segment) if r.texts[0] == "合计")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "收入决算表"
    sheet.append(head[0])
    sheet.merge_cells("A1:I1")
    sheet.append([""] * 8 + ["公开02表"])
    sheet.append(head[2])
    sheet.append(["项目", None, "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                  "附属单位上缴收入", "其他收入"])
    sheet.merge_cells("A4:B4")
    for column in "CDEFGHI":
        sheet.merge_cells(f"{column}4:{column}7")
    sheet.append(["功能分类科目编码", "科目名称"])
    sheet.merge_cells("A5:A7")
    sheet.merge_cells("B5:B7")
    sheet.append([])
    sheet.append([])
    sheet.append(["栏次", None, *range(1, 8)])
    sheet.merge_cells("A8:B8")
    for r in segment[sums:]:
        if r.texts[0] == "合计":
            sheet.append(["合计", None, *map(_value, r.texts[1:])])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=2)
        else:
            sheet.append(list(map(_value, r.texts)))
    path = tmp_path / "exported.xlsx"
    workbook.save(path)
    d = loaders.load_file(path)
    assert [t.number for t in d.tables] == ["公开02表"]
    assert figures(d)["公开02表"] == figures(text_disclosure)["公开02表"]
    assert (d.department, d.year, d.tables[0].unit) == (text_disclosure.department, 2020, "万元")


def test_xlsx_error_names_sheet_and_row(xlsx_file, tmp_path):
    workbook = openpyxl.load_workbook(xlsx_file)
    sheet = workbook["公开05表"]
    target = next(c for row in sheet.iter_rows() for c in row if c.value == 1175.87)
    target.value = "1,17a5.87"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    with pytest.raises(LoadError) as err:
        loaders.load_file(bad)
    assert err.value.line and str(err.value).startswith(f"{bad}:{err.value.line}: ")
    assert f"(sheet '公开05表', row {target.row})" in err.value.reason


# --- PDF ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def pdf_disclosure(pdf_file):
    return loaders.load_file(pdf_file)


def test_pdf_gives_the_same_figures_as_the_text(pdf_disclosure, text_disclosure):
    d = pdf_disclosure
    assert d.media_type == "application/pdf"
    assert_same_figures(figures(d), figures(text_disclosure))
    assert len(d.observations) == 1001
    assert_same_header(d, text_disclosure)


def test_pdf_gives_the_same_narrative_and_performance(pdf_disclosure, text_disclosure):
    """Running text wrapped over lines and pages is joined back into its paragraphs."""
    assert_same_narrative(pdf_disclosure, text_disclosure, blank_insensitive=True)


def test_pdf_error_names_page(tmp_path):
    rows = sample_rows()
    _, tables, _ = table_segments(rows)
    cell = next(c for n, segment in tables if n == "公开05表" for r in segment for c in r.cells if c.text == "1,175.87")
    cell.text = "1,17a5.87"
    bad = write_pdf(rows, tmp_path / "bad.pdf", ["公开05表"])
    with pytest.raises(LoadError) as err:
        loaders.load_file(bad)
    assert err.value.path == str(bad) and err.value.line
    assert "'1,17a5.87'" in err.value.reason and err.value.reason.endswith("(page 1)")


def test_pdf_text_outside_tables_is_paragraphs_in_reading_order(tmp_path):
    from cnbudget.loaders.formats import pdf as pdf_reader
    rows = [Row([loaders.Cell("第一段文字，说明。", 1)], 1, paragraph=True),
            Row([loaders.Cell("项目", 2), loaders.Cell("金额", 3)], 2),
            Row([loaders.Cell("合计", 5), loaders.Cell("1.00", 6)], 5),
            Row([loaders.Cell("表后的文字。", 8)], 8, paragraph=True)]
    path = tmp_path / "order.pdf"
    _write_rows_pdf(rows, path)
    rendering = pdf_reader.read(str(path))
    assert [(r.paragraph, [c.text.strip() for c in r.cells]) for r in rendering.rows] == \
           [(r.paragraph, r.texts) for r in rows]
    assert rendering.place_of(rendering.rows[-1].line) == "page 1"


def _write_rows_pdf(rows: list[Row], path: Path) -> None:
    from reportlab.lib import colors
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("p", fontName="STSong-Light", fontSize=10, leading=14)
    story = []
    for kind, item in runs(rows):
        if kind == "p":
            story.append(Paragraph(item.cells[0].text, style))
        else:
            table = Table([[Paragraph(c.text, style) for c in r.cells] for r in item])
            table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
            story.append(table)
    SimpleDocTemplate(str(path)).build(story)


# --- bad files ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def bad_files(generated) -> dict[str, tuple[Path, str]]:
    """name → (file, the words its error must contain)."""
    from reportlab.pdfgen import canvas

    corrupt = generated / "corrupt.docx"
    corrupt.write_bytes(b"this is not a zip archive\n")
    old = generated / "old.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    broken_xlsx = generated / "broken.xlsx"
    broken_xlsx.write_bytes(b"PK\x03\x04 truncated")
    scanned = generated / "scanned.pdf"
    page = canvas.Canvas(str(scanned))
    page.rect(72, 72, 300, 400, fill=1)  # a picture of a page: shapes, no text
    page.showPage()
    page.save()
    return {"corrupt docx": (corrupt, "not a readable Word .docx file"),
            "old doc": (old, "libreoffice --headless --convert-to docx"),
            "broken xlsx": (broken_xlsx, "not a readable Excel .xlsx file"),
            "scanned pdf": (scanned, "no text layer")}


@pytest.mark.parametrize("name", ["corrupt docx", "old doc", "broken xlsx", "scanned pdf"])
def test_bad_file_is_a_load_error(bad_files, name):
    path, reason = bad_files[name]
    with pytest.raises(LoadError) as err:
        loaders.load_file(path)
    assert err.value.path == str(path) and reason in err.value.reason


def test_renamed_old_binary_says_so(tmp_path):
    renamed = tmp_path / "renamed.docx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    with pytest.raises(LoadError, match="old binary Office document"):
        loaders.load_file(renamed)


@pytest.mark.parametrize("name", ["corrupt docx", "old doc", "scanned pdf"])
def test_bad_file_through_cli_leaves_store_unchanged(bad_files, name, tmp_path):
    """`kg load` of the sample, then of the bad file: exit non-zero naming the file and the reason."""
    path, reason = bad_files[name]
    assert_bad_file_leaves_store_unchanged(("--store", str(tmp_path / "kg-store")), path, None, reason)


# --- the CLI on a folder of all formats -------------------------------------------------------

def test_cli_loads_a_folder_of_text_docx_and_xlsx(docx_file, xlsx_file, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    (folder / docx_file.name).write_bytes(docx_file.read_bytes())
    (folder / xlsx_file.name).write_bytes(xlsx_file.read_bytes())
    (folder / "~$jiaozuo-ecology-2020.docx").write_bytes(b"lock")  # Office's lock file: not a document
    result = run("load", "--store", str(tmp_path / "kg-store"), str(folder))
    assert "3 documents loaded, 0 failed" in result.output
