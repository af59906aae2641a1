"""Money across documents: every money figure also carries its value in yuan (bud:amountYuan, exact decimal; the
tidy CSV's last column amount_yuan), so figures printed in 元 and in 万元 compare and sum. Expected values are the
printed figures converted by hand."""
from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from conftest import FRAGMENTS, run, select

from cnbudget.kg.store import Store

YUEYANG = FRAGMENTS / "yueyang_taichuangyuan_2017_sangong_ys.txt"  # 三公 budget printed in 元 (单位:元)
WANJIANG = FRAGMENTS / "wanjiang_jnxq_2024_sangong_ys.txt"  # 三公 budget printed in 万元


@pytest.fixture(scope="module")
def two_units(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("yuan") / "store")
    run("load", "--store", path, str(YUEYANG), str(WANJIANG))
    return path


def _csv(store: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(run("export", "--store", store, "--format", "csv").output)))


def test_tidy_csv_gains_amount_yuan_as_its_last_column(two_units):
    out = run("export", "--store", two_units, "--format", "csv").output
    assert out.splitlines()[0].split(",")[-2:] == ["source_line", "amount_yuan"]
    rows = _csv(two_units)
    by_line = {(r["document"], r["source_line"], r["measure"]): r for r in rows}
    # 岳阳县台创园, line 9: 「2、公务接待费   150000」 under 单位:元 — 150000 元
    r = by_line[(YUEYANG.name, "9", "2017-预算数")]
    assert (r["amount"], r["unit"], r["amount_yuan"]) == ("150000", "元", "150000")
    # line 7: 「一、支出合计   250000」
    assert by_line[(YUEYANG.name, "7", "2017-预算数")]["amount_yuan"] == "250000"
    # 皖江, line 13: 「328.7」 under 单位:万元, the “三公”经费合计 — 3,287,000 元
    r = by_line[(WANJIANG.name, "13", "“三公”经费合计")]
    assert (r["amount"], r["unit"], r["amount_yuan"]) == ("328.7", "万元", "3287000")
    # line 18: 公务接待费 240 万元 — 2,400,000 元
    assert by_line[(WANJIANG.name, "18", "公务接待费")]["amount_yuan"] == "2400000"


def test_counts_and_rates_have_no_yuan_value(two_units):
    rows = _csv(two_units)
    # 岳阳 line 17: 「4.公务用车保有量(辆)   1」 — a count of cars
    cars = [r for r in rows if r["document"] == YUEYANG.name and r["source_line"] == "17"]
    assert [(r["amount"], r["unit"], r["amount_yuan"]) for r in cars] == [("1", "辆", "")]
    # 皖江 line 20: 「…下降5%」 — a rate
    rates = [r for r in rows if r["document"] == WANJIANG.name and r["unit"] == "%"]
    assert rates and all(r["amount_yuan"] == "" for r in rates)


def test_figures_printed_in_different_units_sum_in_yuan(two_units):
    """公务接待费 budgets of the two documents: 150000 元 + 240 万元 = 2,550,000 元 (summing bud:amount would
    give 150240, a meaningless number)."""
    rows = select(Store(two_units, read_only=True), """
        SELECT (SUM(?yuan) AS ?total) (COUNT(?o) AS ?n) WHERE {
          ?o qb:dataSet/a bud:DisclosureTable ; bud:measureLabel|bud:rowLabel ?label ; bud:amountYuan ?yuan .
          FILTER (REGEX(STR(?label), "公务接待费$")) }""")
    assert len(rows) == 1 and Decimal(rows[0]["total"]) == Decimal("2550000") and rows[0]["n"] == "2"


def test_the_sample_in_wan_yuan(sample_store):
    rows = _csv(sample_store)
    # 公开01表 本年收入合计 13202.51 万元 — 132,025,100 元
    t01 = [r for r in rows if r["table"] == "公开01表" and r["row_name"] == "本年收入合计"]
    assert [(r["amount"], r["amount_yuan"]) for r in t01] == [("13202.51", "132025100")]
    # line 2750: 「“三公”经费财政拨款支出预算为80.92万元」 — 809,200 元; and 54.96万元 — 549,600 元
    narrative = {r["amount_yuan"] for r in rows if r["source_line"] == "2750" and r["unit"] == "万元"}
    assert {"809200", "549600"} <= narrative
    # line 2757: 「公务用车保有量为29辆」
    cars = [r for r in rows if r["source_line"] == "2757" and r["unit"] == "辆"]
    assert [(r["amount"], r["amount_yuan"]) for r in cars] == [("29", "")]
    # every money figure has one, exact: no exponent, no float rounding
    money = [r for r in rows if r["unit"] in ("元", "万元")]
    assert money and all(r["amount_yuan"] and "E" not in r["amount_yuan"].upper() for r in money)
    assert all(Decimal(r["amount_yuan"]) == Decimal(r["amount"]) * 10000 for r in money if r["unit"] == "万元")


def test_amount_yuan_is_typed_decimal_in_the_graph(sample_store):
    rows = select(Store(sample_store, read_only=True), """
        SELECT (COUNT(?o) AS ?n) WHERE { ?o bud:amountYuan ?y FILTER (DATATYPE(?y) != xsd:decimal) }""")
    assert rows == [{"n": "0"}]


def test_budget_executions_in_yuan(sample_store):
    """Line 2718: 「年初预算为9.65万元，支出决算为5.07万元」 — 96,500 元 against 50,700 元."""
    rows = select(Store(sample_store, read_only=True), """
        SELECT ?budget ?actual ?by ?ay WHERE { ?e a bud:SubjectExecution ; bud:sourceLine 2718 ;
          bud:budgetAmount ?budget ; bud:actualAmount ?actual ; bud:budgetAmountYuan ?by ; bud:actualAmountYuan ?ay }""")
    assert rows == [{"budget": "9.65", "actual": "5.07", "by": "96500", "ay": "50700"}]
    untyped = select(Store(sample_store, read_only=True), """
        SELECT (COUNT(?e) AS ?n) WHERE { ?e bud:budgetAmountYuan|bud:actualAmountYuan ?y
          FILTER (DATATYPE(?y) != xsd:decimal) }""")
    assert untyped == [{"n": "0"}]
