"""A benchmark corpus from every real fixture, in every file format, as many distinct documents as asked.

Sources: the bundled sample (data/samples/*.txt) and every real document and fragment under tests/fixtures/
that loads today (the others are listed and left out). Formats: the text itself, and Word .docx, Excel .xlsx
and PDF made here from the rows its layout reader gives (python-docx, openpyxl, reportlab with the CID font
STSong-Light so the PDF has a text layer): paragraphs as paragraphs, each run of table rows one table, a short
row's last cell merged across the rest, as tests/test_formats.py makes them for the sample.

Copy i takes source i mod S and format (i div S) mod 4, so any prefix of the corpus mixes all sources and
formats. Each copy is a distinct document: its department renamed (样本{i}号 put before the department the
reader finds, so its IRIs differ; a document with no department found is told apart by its file name) and
every two-decimal amount not followed by % multiplied by a whole factor 1–7 (totals still add up). `check`
loads one copy of each source × format and compares its figures with the text's; a combination that does not
give the same count of figures is reported and left out of the corpus.

    python bench/corpus.py /tmp/corpus 1000            # writes doc-00000.txt … doc-00999.pdf
    python bench/corpus.py --check                     # which sources and formats round-trip
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
FORMATS = ("txt", "docx", "xlsx", "pdf")
_AMOUNT = re.compile(r"(?<![\d.])(\d[\d,]*\.\d\d)(?![\d%％])")


def fixtures() -> list[Path]:
    """Every real text document: the sample(s) and tests/fixtures/**/*.txt."""
    return sorted((ROOT / "data" / "samples").glob("*.txt")) + sorted((ROOT / "tests" / "fixtures").rglob("*.txt"))


def vary(text: str, department: str | None, i: int) -> str:
    """Copy i of a document: its department renamed, its amounts multiplied by 1 + i mod 7."""
    factor = Decimal(1 + i % 7)

    def times(m: re.Match) -> str:
        value = Decimal(m.group(1).replace(",", "")) * factor
        return f"{value:,.2f}" if "," in m.group(1) else f"{value:.2f}"

    # the department as printed: whole, or (a text in traditional characters) its longest printed prefix; a
    # department told from elsewhere than its name (a title's abbreviation) is not renamed (`survey` leaves it out)
    printed = next((department[:k] for k in range(len(department or ""), 0, -1) if department[:k] in text), None)
    if printed:
        text = text.replace(printed, f"样本{i}号{printed}")
    return _AMOUNT.sub(times, text) if factor != 1 else text


# --- rows of cells → .docx / .xlsx / PDF --------------------------------------------------------------

def rows_of(text: str, path: str):
    """The rows the text's layout reader gives (paragraph rows and table rows), as the loader reads them."""
    from cnbudget.loaders.formats import text as text_format
    return text_format.read(path, text.encode("utf-8")).rows


def runs(rows):
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


def write_docx(rows, path: Path) -> None:
    import docx
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
            if len(source.cells) < width:
                cells[len(source.cells) - 1].merge(cells[width - 1])
    document.save(path)


def _value(text: str):
    """A cell as a finance system exports it: amounts as numbers, short codes as integers."""
    from cnbudget.loaders.text import parse_amount
    t = text.strip()
    if re.fullmatch(r"[1-9]\d{0,6}", t):
        return int(t)
    if "." in t and parse_amount(t) is not None:
        return float(parse_amount(t))
    return text


def write_xlsx(rows, path: Path) -> None:
    """One sheet per run: a run of paragraphs a sheet of one-cell rows (running text), a run of table rows a
    sheet of its own (amounts numeric, in a fixed-decimal format)."""
    import openpyxl
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    sheet = None
    for n, (kind, item) in enumerate(runs(rows)):
        if kind == "p":
            if sheet is None or sheet.title.startswith("表"):
                sheet = workbook.create_sheet(f"文{n}")
            sheet.cell(sheet.max_row + (sheet.max_row > 1 or sheet.cell(1, 1).value is not None), 1,
                       item.cells[0].text)
            continue
        sheet = workbook.create_sheet(f"表{n}")
        width = max(len(r.cells) for r in item)
        for r, row in enumerate(item, 1):
            for c, cell in enumerate(row.cells, 1):
                target = sheet.cell(r, c, _value(cell.text))
                if isinstance(target.value, float):
                    target.number_format = "#,##0.00" if "," in cell.text else "0.00"
            if len(row.cells) < width:
                sheet.merge_cells(start_row=r, start_column=len(row.cells), end_row=r, end_column=width)
    workbook.save(path)


def write_pdf(rows, path: Path) -> None:
    """Landscape A3, STSong-Light: paragraphs indented two characters, each run of table rows a ruled table."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A3, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    body = ParagraphStyle("body", fontName="STSong-Light", fontSize=9, leading=12, wordWrap="CJK", firstLineIndent=18)
    small = ParagraphStyle("cell", fontName="STSong-Light", fontSize=7, leading=9, wordWrap="CJK")

    def para(text: str, style):
        return Paragraph(escape(text.strip()).replace("\n", "<br/>"), style)

    page = landscape(A3)
    story = []
    for kind, item in runs(rows):
        if kind == "p":
            story.append(para(item.cells[0].text, body))
            continue
        width = max(len(r.cells) for r in item)
        data, spans = [], []
        for i, r in enumerate(item):
            data.append([para(c.text, small) for c in r.cells] + [""] * (width - len(r.cells)))
            if len(r.cells) < width:
                spans.append(("SPAN", (len(r.cells) - 1, i), (width - 1, i)))
        table = Table(data, colWidths=[(page[0] - 72) / width] * width)
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                                   ("VALIGN", (0, 0), (-1, -1), "TOP"), *spans]))
        story.append(table)
    SimpleDocTemplate(str(path), pagesize=page, leftMargin=36, rightMargin=36, topMargin=36,
                      bottomMargin=36).build(story)


WRITERS = {"docx": write_docx, "xlsx": write_xlsx, "pdf": write_pdf}


def write(text: str, fmt: str, path: Path) -> Path:
    if fmt == "txt":
        path.write_text(text, encoding="utf-8")
    else:
        WRITERS[fmt](rows_of(text, str(path.with_suffix(".txt"))), path)
    return path


# --- which sources and formats round-trip --------------------------------------------------------------

def _figures(path: Path) -> tuple[str | None, int]:
    from cnbudget import loaders
    d = loaders.load_file(path)
    return d.department, len(d.observations)


def survey(verbose: bool = True) -> list[tuple[Path, str | None, str]]:
    """(source, department, format) for every combination whose copy loads as its text does: the same count of
    figures, the renamed department found. Combinations that do not are printed and left out."""
    from cnbudget.loaders import LoadError
    kept = []
    with tempfile.TemporaryDirectory(prefix="kg-corpus-check-") as tmp:
        for source in fixtures():
            name = source.relative_to(ROOT)
            try:
                department, want = _figures(source)
            except LoadError as e:
                print(f"left out {name}: {e.reason if hasattr(e, 'reason') else e}", file=sys.stderr)
                continue
            text = vary(source.read_text(encoding="utf-8"), department, 3)
            for fmt in FORMATS:
                copy = Path(tmp) / f"{source.stem}.{fmt}"
                try:
                    got_department, got = _figures(write(text, fmt, copy))
                except Exception as e:  # a writer or reader failing: reported, the combination left out
                    print(f"left out {name} as {fmt}: {type(e).__name__}: {e}", file=sys.stderr)
                    continue
                renamed = f"样本3号{department}" if department else None
                if got != want or got_department != renamed:
                    print(f"left out {name} as {fmt}: {got} figures (text: {want}), department {got_department!r}",
                          file=sys.stderr)
                    continue
                kept.append((source, department, fmt))
                if verbose:
                    print(f"{fmt:>4} {want:>5} figures  {name}", file=sys.stderr)
    return kept


def make(folder: Path, n: int, combos=None) -> list[Path]:
    """n distinct documents in `folder` (doc-NNNNN.<format>), cycling through the sources and formats."""
    combos = combos if combos is not None else survey(verbose=False)
    sources = sorted({c[0] for c in combos})
    by_source = {s: [(d, f) for src, d, f in combos if src == s] for s in sources}
    texts = {s: s.read_text(encoding="utf-8") for s in sources}
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        source = sources[i % len(sources)]
        options = by_source[source]
        department, fmt = options[(i // len(sources)) % len(options)]
        path = folder / f"doc-{i:05d}-{source.stem[:24]}.{fmt}"
        if not path.exists():  # re-runnable: an interrupted build resumes
            part = path.with_name(f"{path.name}.{os.getpid()}.part")  # builders may run side by side
            write(vary(texts[source], department, i), fmt, part)
            part.rename(path)
        out.append(path)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("folder", nargs="?", type=Path)
    ap.add_argument("n", nargs="?", type=int, default=72)
    ap.add_argument("--check", action="store_true", help="only report which sources and formats round-trip")
    args = ap.parse_args()
    combos = survey(verbose=True)
    print(f"{len(combos)} source × format combinations from {len({c[0] for c in combos})} documents", file=sys.stderr)
    if args.folder and not args.check:
        files = make(args.folder, args.n, combos)
        print(f"{len(files)} documents in {args.folder}", file=sys.stderr)


if __name__ == "__main__":
    main()
