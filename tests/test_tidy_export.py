"""The tidy CSV written from each document's graph (kg/tidy.py) is, row for row and in order, what the SPARQL
that defines it (kg/export.py, TIDY_QUERY) selects: on the sample with another year of it and a copy under a
second file of the same name, and on documents of other layouts."""
from __future__ import annotations

import csv
import io

from conftest import ROOT, SAMPLE, run
from test_scale import sample_variant
from cnbudget.kg.export import TIDY_COLUMNS, export, tidy_rows
from cnbudget.kg.store import Store

FIXTURES = ROOT / "tests" / "fixtures"


def _by_sparql(store) -> list[list[str]]:
    return [TIDY_COLUMNS] + [["" if t is None else t.value for t in row] for row in tidy_rows(store).rows]


def _exported(store) -> list[list[str]]:
    return list(csv.reader(io.StringIO(export(store, "csv").decode("utf-8"), newline="")))


def test_tidy_csv_rows_and_order_as_the_query_defines_them(tmp_path):
    folder = tmp_path / "in"
    (folder / "again").mkdir(parents=True)
    sample_variant(folder, "2019.txt", 2019, 2)
    (folder / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    # the same file name, another department: the two documents' rows merged by line
    (folder / "again" / SAMPLE.name).write_text(SAMPLE.read_text(encoding="utf-8").replace(
        "焦作市生态环境局", "焦作市林业局"), encoding="utf-8")
    for name in ("variants/flat_2020_js_01_05_07.txt", "variants/traditional_2020_js_01_07.txt",
                 "hand-read/nantong_gzw_2016_sangong.txt", "hand-read/chongqing_tongliang_xiaolin_2022_js.txt"):
        (folder / name.replace("/", "-")).write_bytes((FIXTURES / name).read_bytes())
    path = str(tmp_path / "s")
    run("load", "--store", path, str(folder), ok=False)  # a fixture may fail to load; the others are compared
    store = Store(path, read_only=True)
    rows = _exported(store)
    assert rows == _by_sparql(store)
    names = {r[0] for r in rows[1:]}
    assert {"2019.txt", SAMPLE.name} <= names and len(names) >= 3
    # the sample's 1,001 table figures and its narrative figures, twice under its name
    assert sum(r[0] == SAMPLE.name for r in rows) > 2 * 1001
