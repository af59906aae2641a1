"""A row printed with fewer figures than its table has columns (its empty cells collapsed) is read by the
table's own arithmetic (loaders/tables/arithmetic.py): the reading is recorded with its evidence as a finding,
and a figure no evidence places is left out, with a finding, never put under a guessed column.

The rows are real: 怀远县水利局's 2025 三公 budget table (tests/fixtures/hand-read/, and its table alone in
tests/fixtures/arithmetic/). Expected figures are read from the document by hand."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from conftest import ROOT, run, select
from cnbudget.kg.store import Store

WHOLE = ROOT / "tests" / "fixtures" / "hand-read" / "huaiyuan_slj_2025_sangong.txt"
TABLE_ONLY = ROOT / "tests" / "fixtures" / "arithmetic" / "huaiyuan_slj_2025_sangong_table.txt"
CAR = "公务用车购置及运行费"
# the figures the table's arithmetic places alone (the header over them, by hand): 合计 = 出国 + 接待 + 车辆小计
CERTAIN = [(None, "“三公”经费合计", D("11.1"), 13), (None, "因公出国(境)费", D("0"), 14),
           (None, "公务接待费", D("3"), 15), (CAR, "小计", D("8.1"), 16)]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory) -> dict[str, Store]:
    out = {}
    for path in (WHOLE, TABLE_ONLY):
        store = str(tmp_path_factory.mktemp("arith") / "store")
        run("load", "--store", store, str(path))
        out[path.name] = Store(store, read_only=True)
    return out


def _figures(store: Store) -> list[tuple]:
    rows = select(store, """SELECT ?group ?col ?v ?line WHERE { ?o a qb:Observation ; qb:dataSet ?t ;
        bud:measureLabel ?col ; bud:amount ?v ; bud:sourceLine ?line . ?t a bud:DisclosureTable .
        OPTIONAL { ?o bud:measureGroup ?group } } ORDER BY ?line ?col""")
    return [(r["group"], r["col"], D(r["v"]), int(r["line"])) for r in rows]


def _findings(store: Store) -> list[tuple[str, str]]:
    rows = select(store, """SELECT ?rule ?message WHERE { ?f a bud:ReconciliationFinding ; bud:rule ?rule ;
        rdfs:comment ?message }""")
    return [(r["rule"].rsplit("#", 1)[1], r["message"]) for r in rows]


def test_the_reading_the_arithmetic_and_the_text_give(loaded):
    """Five figures under six columns: the arithmetic places four (a reading with 11.1 anywhere but under 合计
    fails 合计 = its parts), and the explanation below the table (公务用车运行费8.1万元, 公务用车购置费0万元)
    places the last 8.1 under 公务用车运行费."""
    store = loaded[WHOLE.name]
    assert _figures(store) == CERTAIN + [(CAR, "公务用车运行费", D("8.1"), 17)]
    chosen = [m for rule, m in _findings(store) if rule == "ReadingByArithmetic"]
    assert len(chosen) == 1 and "第13行" in chosen[0] and "公务用车运行费" in chosen[0], chosen


def test_a_row_the_arithmetic_cannot_decide_gives_a_finding_and_no_misplaced_figure(loaded):
    """The table alone: 8.1 = 8.1 + 0 holds with the last 8.1 under 公务用车运行费 or under 公务用车购置费, and
    nothing else tells. The four certain figures are loaded, the fifth is not, and a finding says why."""
    store = loaded[TABLE_ONLY.name]
    assert _figures(store) == CERTAIN
    undecided = [m for rule, m in _findings(store) if rule == "UndecidedReading"]
    assert len(undecided) == 1, _findings(store)
    assert "第13行" in undecided[0] and "公务用车运行费" in undecided[0] and "公务用车购置费" in undecided[0]


def test_every_loaded_amount_is_in_the_input(loaded):
    for path in (WHOLE, TABLE_ONLY):
        text = path.read_text(encoding="utf-8")
        for _, _, amount, line in _figures(loaded[path.name]):
            assert str(amount) in text.split("\n")[line - 1], (path.name, amount, line)
