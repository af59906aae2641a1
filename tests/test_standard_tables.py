"""The sample's standard tables in the graph: counts and the figures read by hand."""
from __future__ import annotations

from decimal import Decimal

from conftest import OBSERVATIONS_PER_TABLE, SAMPLE, numeric_cells_by_table, select


def test_one_observation_per_numeric_cell(store):
    expected = numeric_cells_by_table(SAMPLE.read_text(encoding="utf-8"))
    assert sum(n for t, n in expected.items() if t <= "公开07表") == 1001
    rows = select(store, OBSERVATIONS_PER_TABLE)
    got = {r["table"]: int(r["n"]) for r in rows}
    assert got == expected
    assert got["公开08表"] == got["公开09表"] == 0


def test_empty_tables_keep_their_reason(store):
    rows = select(store, """SELECT ?table ?reason WHERE { ?t bud:tableNumber ?table ; bud:isEmpty true ;
                            bud:emptyReason ?reason } ORDER BY ?table""")
    assert [r["table"] for r in rows] == ["公开08表", "公开09表"]
    assert "政府性基金" in rows[0]["reason"] and "无数据" in rows[0]["reason"]


def _amount(store, where: str) -> list[Decimal]:
    return [Decimal(r["a"]) for r in select(store, f"SELECT ?a WHERE {{ {where} }}")]


def test_summary_totals_table_01(store):
    base = "?t bud:tableType tbl:IncomeExpenditureSummary . ?o qb:dataSet ?t ; bud:amount ?a ; bud:item "
    assert _amount(store, base + "item:TotalIncome .") == [Decimal("13202.51")]
    assert _amount(store, base + "item:TotalExpenditure .") == [Decimal("9853.45")]
    assert sorted(_amount(store, base + "item:GrandTotal .")) == [Decimal("17730.57")] * 2


def test_table_05_administration_subtotal(store):
    rows = select(store, """
        SELECT ?a ?measure ?group ?line WHERE {
          ?t bud:tableNumber "公开05表"@zh . ?o qb:dataSet ?t ; bud:rowCode "2110101" ; bud:rowLabel "行政运行"@zh ;
             bud:measureLabel ?measure ; bud:measureGroup ?group ; bud:amount ?a ; bud:sourceLine ?line .
        } ORDER BY ?line""")
    assert [(r["measure"], Decimal(r["a"])) for r in rows] == [
        ("小计", Decimal("1175.87")), ("基本支出", Decimal("1175.87")), ("项目支出", Decimal("0"))]
    assert rows[0]["group"] == "本年支出" and rows[0]["line"] == "1864"


def test_table_06_basic_salary(store):
    assert _amount(store, """?t bud:tableType tbl:GeneralBudgetBasicExpenditure .
        ?o qb:dataSet ?t ; bud:economicSubject ?c ; bud:amount ?a . ?c skos:notation "30101" .""") == [Decimal("626.60")]


def test_table_07_three_public_budget_and_actual(store):
    base = "?t bud:tableType tbl:ThreePublicExpenses . ?o qb:dataSet ?t ; bud:measure item:Total ; bud:amount ?a ; "
    assert _amount(store, base + "bud:budgetPhase phase:revised .") == [Decimal("80.92")]
    assert _amount(store, base + "bud:budgetPhase phase:executed .") == [Decimal("54.96")]


def test_subject_hierarchy_and_code_list_per_year(store):
    rows = select(store, """
        SELECT ?label ?mid ?top ?toplabel ?year WHERE {
          ?c skos:notation "2110301" ; skos:prefLabel ?label ; skos:broader ?m ; skos:inScheme ?s .
          ?m skos:notation ?mid ; skos:broader ?t . ?t skos:notation ?top ; skos:prefLabel ?toplabel .
          FILTER NOT EXISTS { ?t skos:broader ?any }
          ?s a bud:SubjectCodeList ; bud:fiscalYear ?year ; bud:classificationKind bud:FunctionalClassification .
        }""")
    assert rows == [{"label": "大气", "mid": "21103", "top": "211", "toplabel": "节能环保支出", "year": "2020"}]


def test_leaf_rows_flagged_at_load(store):
    rows = select(store, """SELECT (SUM(?a) AS ?s) (COUNT(?o) AS ?n) WHERE { ?t bud:tableType tbl:ExpenditureStatement .
        ?o qb:dataSet ?t ; bud:measure item:TotalExpenditure ; bud:isLeafRow true ; bud:amount ?a }""")
    assert (Decimal(rows[0]["s"]), rows[0]["n"]) == (Decimal("9853.46"), "28")


def test_amounts_are_decimals_never_floats(store):
    rows = select(store, "SELECT DISTINCT (DATATYPE(?a) AS ?dt) WHERE { ?o bud:amount ?a }")
    assert rows == [{"dt": "http://www.w3.org/2001/XMLSchema#decimal"}]


def test_every_observation_traces_to_document_table_and_line(store):
    rows = select(store, """
        SELECT (COUNT(?o) AS ?n) WHERE {
          ?o a qb:Observation ; prov:wasDerivedFrom ?t ; bud:sourceLine ?line ; bud:disclosure ?d .
          ?t a bud:DisclosureTable ; bud:disclosure ?d . ?d dcat:distribution/spdx:checksum/spdx:checksumValue ?sha .
        }""")
    assert rows[0]["n"] == "1001"


def test_header_metadata_read_from_each_table(store):
    rows = select(store, """SELECT DISTINCT ?unit ?year ?dept WHERE { ?t a bud:DisclosureTable ;
        bud:currencyUnit ?unit ; bud:fiscalYear ?year ; bud:department/skos:prefLabel ?dept }""")
    assert rows == [{"unit": "万元", "year": "2020", "dept": "焦作市生态环境局"}]
    assert select(store, "ASK { ?d a bud:FinalAccountsDisclosure ; bud:consolidated true }")[0]["ask"] == "true"
