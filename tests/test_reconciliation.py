"""Reconciliation findings: the document's rounding is reported as tolerated, a real mismatch as one."""
from __future__ import annotations

from decimal import Decimal

from conftest import ROOT, replace_in_table, run, sample_variant, select
from cnbudget.kg.store import Store


def test_leaf_sum_of_table_03_uses_only_ontology_terms(store):
    # no label matching: table type, measure, SKOS hierarchy and the total item
    rows = select(store, """
        SELECT (SUM(?a) AS ?leaves) (COUNT(?o) AS ?n) WHERE {
          ?t bud:tableType tbl:ExpenditureStatement .
          ?o qb:dataSet ?t ; bud:measure item:TotalExpenditure ; bud:functionalSubject ?c ; bud:amount ?a .
          FILTER NOT EXISTS { ?o2 qb:dataSet ?t ; bud:measure item:TotalExpenditure ; bud:functionalSubject/skos:broader ?c }
        }""")
    assert (Decimal(rows[0]["leaves"]), rows[0]["n"]) == (Decimal("9853.46"), "28")
    total = select(store, """SELECT ?a WHERE { ?t bud:tableType tbl:ExpenditureStatement .
        ?o qb:dataSet ?t ; bud:measure item:TotalExpenditure ; bud:item item:Total ; bud:amount ?a }""")
    assert Decimal(total[0]["a"]) == Decimal("9853.45")


def test_named_query_sets_leaf_sum_beside_stated_total(sample_store):
    import json
    out = run("query", "leaf-subject-sum", "--store", sample_store, "--format", "json").output
    assert json.loads(out) == [{"document": "焦作市生态环境局2020年度部门决算", "table": "公开03表", "stated": 9853.45,
                                "leaf_sum": 9853.46, "leaves": 28, "difference": -0.01}]


def test_rounding_gap_reported_as_tolerated(store):
    rows = select(store, """
        SELECT ?stated ?computed ?diff ?tol ?ok ?note WHERE {
          ?f a bud:ReconciliationFinding ; bud:rule chk:TotalEqualsLeaves ; bud:findingTable ?t ;
             bud:totalObservation/bud:measure item:TotalExpenditure ;
             bud:statedAmount ?stated ; bud:computedAmount ?computed ; bud:difference ?diff ;
             bud:tolerance ?tol ; bud:tolerated ?ok ; bud:disclosure/bud:roundingNote ?note .
          ?t bud:tableType tbl:ExpenditureStatement .
        }""")
    assert len(rows) == 1
    r = rows[0]
    assert (Decimal(r["stated"]), Decimal(r["computed"]), Decimal(r["diff"])) == (
        Decimal("9853.45"), Decimal("9853.46"), Decimal("-0.01"))
    assert r["ok"] == "true" and Decimal(r["tol"]) >= Decimal("0.01") and "尾数误差" in r["note"]
    # the tables themselves hold no real mismatch (stated rates in the narrative do: see test_whole_disclosure)
    assert select(store, "ASK { ?f bud:tolerated false ; bud:findingTable ?t }")[0]["ask"] == "false"


def test_findings_link_the_figures_they_compare(store):
    rows = select(store, """
        SELECT (COUNT(?p) AS ?parts) WHERE {
          ?f bud:rule chk:TotalEqualsLeaves ; bud:findingTable/bud:tableType tbl:ExpenditureStatement ;
             bud:totalObservation/bud:measure item:TotalExpenditure ; bud:partObservation ?p .
          ?p bud:sourceLine ?line .
        }""")
    assert rows[0]["parts"] == "28"


def test_real_mismatch_is_reported_as_one(tmp_path):
    # 表03 行政运行 本年支出合计 1,175.87 → 1,275.87: its parents and its row no longer add up
    bad = sample_variant(tmp_path, "mismatch.txt",
                         lambda t: replace_in_table(t, "公开03表", "\t1,175.87\n", "\t1,275.87\n"))
    path = str(tmp_path / "store")
    out = run("load", "--store", path, str(bad)).output
    assert "beyond rounding" in out and "(0 beyond rounding)" not in out
    rows = select(Store(path, read_only=True), """
        SELECT ?rule ?stated ?computed ?line WHERE {
          ?f bud:tolerated false ; bud:rule ?rule ; bud:statedAmount ?stated ; bud:computedAmount ?computed ;
             bud:totalObservation/bud:sourceLine ?line .
        }""")
    got = {(r["rule"].split("#")[1], Decimal(r["stated"]), Decimal(r["computed"])) for r in rows}
    assert ("ParentEqualsChildren", Decimal("2523.43"), Decimal("2623.43")) in got
    assert ("ColumnTotalEqualsParts", Decimal("1275.87"), Decimal("1175.87")) in got
    result = run("check", "--store", path, "--strict", ok=False)
    assert result.exit_code == 1 and "MISMATCH" in result.output


def test_cross_table_agreement_checked(tmp_path):
    # 表01 本年支出合计 changed: disagrees with 表03's 合计 beyond rounding
    bad = sample_variant(tmp_path, "cross.txt",
                         lambda t: replace_in_table(t, "公开01表", "\t9,853.45\n", "\t9,900.00\n"))
    path = str(tmp_path / "store")
    run("load", "--store", path, str(bad))
    rows = select(Store(path, read_only=True), """
        SELECT ?other WHERE { ?f bud:rule chk:CrossTableAgreement ; bud:tolerated false ;
                              bud:otherTable/bud:tableNumber ?other }""")
    assert {"公开03表"} <= {r["other"] for r in rows}


def test_check_command_lists_findings(sample_store):
    out = run("check", "--store", sample_store).output
    assert "4 mismatches" in out and "末级科目之和为 9853.46" in out
    assert "MISMATCH   焦作市环境监察支队 整体绩效自评表预算执行率所述为 89.80%" in out


def test_a_total_the_unplaced_figures_would_close_is_not_a_mismatch(tmp_path):
    """教育局's flattened 部门收支总表 prints 12,204.85 after a repeated header label (2020年预算数), so its row is
    not in the text and it is not loaded; 本年支出合计 16,745.59 is its listed items (1,663.86 + 1,235.48 +
    1,641.40 = 4,540.74) plus exactly that figure: a total that cannot be checked, not an inconsistency."""
    path = str(tmp_path / "store")
    run("load", "--store", path, str(ROOT / "tests" / "fixtures" / "hand-read" / "unknown_jiaoyuju_2020_ys.txt"))
    out = run("check", "--store", path, "--strict").output
    assert "MISMATCH" not in out and "0 mismatches" in out and "1 totals not checkable" in out
    assert "unchecked  部门收支总表：本年支出合计「2020年预算数」为 16745.59，各项之和为 4540.74" in out
    assert "第12行 12,204.85" in out


def test_how_rows_were_read_is_not_called_rounding(tmp_path):
    """怀远县水利局's 三公 table: a row read by its arithmetic and the text (tests/test_reading_by_arithmetic.py);
    kg check names them so, not 'within rounding'."""
    path = str(tmp_path / "store")
    run("load", "--store", path, str(ROOT / "tests" / "fixtures" / "hand-read" / "huaiyuan_slj_2025_sangong.txt"))
    out = run("check", "--store", path, "--strict").output
    assert "0 within rounding" in out and "MISMATCH" not in out
    assert "1 rows read by the table's arithmetic" in out and out.startswith("read       一、2025年")
