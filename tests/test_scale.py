"""What keeps the graph fast and safe as documents pile up (issue 4): named queries answer a page,
figures they need are stored at load and agree with their inputs, year links survive separate runs,
worker processes load the same graph as one process, and a write cut off mid-way is undone."""
from __future__ import annotations

import json
from decimal import Decimal

import pyoxigraph as ox

from conftest import SAMPLE, nquads, run, select
from cnbudget.kg import queries
from cnbudget.kg.store import Store

D = Decimal


def sample_variant(folder, name: str, year: int, factor: int = 1):
    """The sample for another year, every table cell multiplied by `factor` (totals still add up)."""
    import re
    text = SAMPLE.read_text(encoding="utf-8").replace("2020", str(year))
    text = re.sub(r"(?m)^\t(\d[\d,]*\.\d\d)$",
                  lambda m: f"\t{D(m.group(1).replace(',', '')) * factor:,.2f}", text)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


# --- pages ---------------------------------------------------------------------------------------

def test_limit_is_a_page_and_zero_means_all(sample_store):
    def rows(*params):
        args = [a for p in params for a in ("--param", p)]
        return json.loads(run("query", "table-figures", *args, "--store", sample_store, "--format", "json").stdout)

    every = rows("limit=0")
    assert len(every) == 288  # 表03: every figure of the sample's expenditure statement
    assert len(rows()) == 100  # the default page
    noted = run("query", "table-figures", "--store", sample_store, "--format", "json")
    assert "the first 100 rows" in noted.stderr and "limit=0" in noted.stderr
    assert "first" not in run("query", "table-figures", "--param", "limit=0", "--store", sample_store).stderr
    page = rows("limit=7")
    assert len(page) == 7 and all(r in every for r in page)
    assert [r["source_line"] for r in page] == sorted(r["source_line"] for r in page)


def test_ordered_page_is_the_top_of_the_whole_order(sample_store):
    def rates(limit):
        out = run("query", "under-executed-units", "--param", "threshold=1.0", "--param", f"limit={limit}",
                  "--store", sample_store, "--format", "json").stdout
        return [r["rate"] for r in json.loads(out)]

    assert rates(0) == sorted(rates(0)) and len(rates(0)) == 8
    assert rates(3) == rates(0)[:3]


def test_bad_limit_is_refused(sample_store):
    r = run("query", "table-figures", "--param", "limit=lots", "--store", sample_store, ok=False)
    assert r.exit_code != 0 and "limit must be a whole number" in r.output
    assert "LIMIT" not in queries.catalog()["table-figures"].bind({"limit": "all"})


# --- figures stored at load agree with their inputs ----------------------------------------------

def test_leaf_sums_equal_the_sum_of_leaf_rows(store):
    rows = select(store, """
        SELECT ?total ?stored (SUM(?amount) AS ?sum) (COUNT(?leaf) AS ?n) ?count WHERE {
          ?total bud:leafSum ?stored ; bud:leafCount ?count ; qb:dataSet ?t ; bud:measureLabel ?col ; bud:measure ?m .
          ?leaf qb:dataSet ?t ; bud:isLeafRow true ; bud:amount ?amount ; bud:measureLabel ?col ; bud:measure ?m .
        } GROUP BY ?total ?stored ?count""")
    assert len(rows) >= 16, "合计 figures of 表02, 表03 and 表05 carry leaf sums"
    assert all(D(r["stored"]) == D(r["sum"]) and int(r["count"]) == int(r["n"]) for r in rows)
    # 表03 合计 of 本年支出: 28 leaves summing to 9853.46 against the stated 9853.45
    assert any(D(r["stored"]) == D("9853.46") and r["count"] == "28" for r in rows)


def test_shares_are_amount_over_total(store):
    rows = select(store, """
        SELECT ?amount ?total ?share WHERE {
          ?o bud:shareOfTotal ?share ; bud:amount ?amount ; bud:totalFigure/bud:amount ?total }""")
    assert len(rows) >= 5
    for r in rows:
        assert D(r["share"]) == (D(r["amount"]) / D(r["total"])).quantize(D("0.0001"))


def test_ranked_rates_are_the_computed_rates(store):
    rows = select(store, """
        SELECT ?x ?ranked ?computed WHERE {
          ?x a ?kind ; bud:computedRate ?computed .
          VALUES ?kind { bud:UnitPerformanceEvaluation bud:SubjectExecution }
          OPTIONAL { ?x bud:unitExecutionRate|bud:subjectExecutionRate ?ranked } }""")
    assert len(rows) == 8 + 14  # 8 units; the 14 of 28 subject lines with a 年初预算 (no rate without one)
    assert all(r["ranked"] == r["computed"] for r in rows)


def test_year_links_across_separate_loads(tmp_path):
    """2019 loaded first, 2021 next, 2020 last, each in its own run: every year finds the one before."""
    path = str(tmp_path / "s")
    for year, factor in ((2019, 1), (2021, 3), (2020, 2)):
        run("load", "--store", path, str(sample_variant(tmp_path, f"{year}.txt", year, factor)))
    out = run("query", "year-over-year", "--param", "limit=0", "--store", path, "--format", "json").output
    admin = sorted((r["year"], r["amount"], r["previous_year"], r["previous"])
                   for r in json.loads(out) if r["code"] == "2110101")
    assert admin == [(2019, 1175.87, None, None), (2020, 2351.74, 2019, 1175.87),
                     (2021, 3527.61, 2020, 2351.74)]


def _admin_links(path):
    out = run("query", "year-over-year", "--param", "limit=0", "--store", path, "--format", "json").output
    return sorted((r["year"], r["amount"], r["previous_year"], r["previous"])
                  for r in json.loads(out) if r["code"] == "2110101")


def test_year_links_kept_when_a_lone_year_or_a_latest_year_is_loaded(tmp_path):
    """A run that loads 2023 (no year beside it stored) or reloads 2021 must leave the links between the years
    it did not touch: the department's link graph was rebuilt from the run's years and their neighbours alone."""
    path = str(tmp_path / "s")
    folder = tmp_path / "in"
    folder.mkdir()
    for year, factor in ((2019, 1), (2020, 2), (2021, 3)):
        sample_variant(folder, f"{year}.txt", year, factor)
    run("load", "--store", path, str(folder))
    # 表03 行政运行 (2110101), 本年支出合计 1,175.87 in the sample, times each year's factor
    three_years = [(2019, 1175.87, None, None), (2020, 2351.74, 2019, 1175.87), (2021, 3527.61, 2020, 2351.74)]
    assert _admin_links(path) == three_years
    run("load", "--store", path, str(sample_variant(tmp_path, "2023.txt", 2023, 5)))
    assert _admin_links(path) == sorted(three_years + [(2023, 5879.35, None, None)])
    run("load", "--store", path, str(folder / "2021.txt"))  # the latest year reloaded: 2020 → 2019 stays
    assert _admin_links(path) == sorted(three_years + [(2023, 5879.35, None, None)])
    run("load", "--store", path, str(sample_variant(tmp_path, "2022.txt", 2022, 4)))  # the gap filled
    assert _admin_links(path) == sorted(three_years + [(2022, 4703.48, 2021, 3527.61), (2023, 5879.35, 2022, 4703.48)])


# --- loading ------------------------------------------------------------------------------------

def test_worker_processes_load_the_same_graph(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for year in (2018, 2019, 2020):
        sample_variant(folder, f"{year}.txt", year, year - 2017)
    (folder / "bad.txt").write_text("\t公开01表\n\n\t项目\n\t金额\n\n\t合计\n\t1,2,3.4.5\n", encoding="utf-8")
    one, two = str(tmp_path / "one"), str(tmp_path / "two")
    r1 = run("load", "--store", one, "--jobs", "1", str(folder), ok=False)
    r2 = run("load", "--store", two, "--jobs", "2", "--format", "json", str(folder), ok=False)
    assert r1.exit_code == r2.exit_code == 1
    assert "3 documents loaded, 1 failed" in r1.output
    reports = json.loads(r2.stdout)
    assert [(r["path"].rsplit("/", 1)[-1], r["status"]) for r in reports] == [
        ("2018.txt", "loaded"), ("2019.txt", "loaded"), ("2020.txt", "loaded"), ("bad.txt", "failed")]
    assert "bad.txt:7" in reports[3]["error"]
    assert nquads(("--store", one)) == nquads(("--store", two))


def test_progress_bar_on_a_terminal(tmp_path):
    """The real command with its standard error on a pseudo-terminal, as a user at a shell sees it."""
    import os
    import subprocess
    import sys
    from conftest import ROOT
    folder = tmp_path / "in"
    folder.mkdir()
    for year in (2019, 2020):
        sample_variant(folder, f"{year}.txt", year)
    main, child = os.openpty()
    try:
        done = subprocess.run([sys.executable, "-m", "cnbudget.kg.cli", "load", "--store", str(tmp_path / "s"), "--jobs", "1",
                               str(folder)], cwd=ROOT, stdout=subprocess.PIPE, stderr=child, timeout=120)
        os.close(child)
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
    assert done.returncode == 0
    assert b"loading" in shown and b"1/2" in shown and b"2/2" in shown
    quiet = run("load", "--store", str(tmp_path / "s"), "--jobs", "1", str(folder))
    assert "loading" not in quiet.stderr  # not a terminal: no bar unless --progress


def test_write_cut_off_is_undone_when_the_store_is_next_opened(tmp_path, sample_store):
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE))
    before = nquads(("--store", path))
    # what replace_graph leaves when the process dies inside bulk_extend: a journal entry, part of a graph
    raw = ox.Store(path)
    g = ox.NamedNode("https://w3id.org/cnbudget/id/graph/2099-final-cutoff")
    raw.add(ox.Quad(g, ox.NamedNode("https://w3id.org/cnbudget/def/load-journal#writing"), g,
                    ox.NamedNode("https://w3id.org/cnbudget/def/load-journal")))
    raw.add(ox.Quad(ox.NamedNode("https://example.org/half"), ox.NamedNode("https://example.org/p"),
                    ox.Literal("written"), g))
    del raw
    r = run("load", "--store", path, str(SAMPLE))
    assert f"removed graph {g.value}: a load was cut off" in r.stderr
    assert nquads(("--store", path)) == before
    assert g.value not in Store(path, read_only=True).graphs()


def test_labels_added_run_by_run_equal_labels_rebuilt(tmp_path):
    """Subject names are updated only for the subjects a run prints when it replaced no graph; that must
    give the labels a rebuild from every document gives, and a replaced graph must drop its old names."""
    a = sample_variant(tmp_path, "a.txt", 2020)
    b = tmp_path / "b.txt"  # another department, same year, one subject spelt otherwise
    b.write_text(a.read_text(encoding="utf-8").replace("焦作市生态环境局", "焦作市林业局")
                 .replace("\t2110101\n\t  行政运行\n", "\t2110101\n\t  行政运行（机关）\n"), encoding="utf-8")
    together, apart = str(tmp_path / "together"), str(tmp_path / "apart")
    run("load", "--store", together, str(a), str(b))  # one run: nothing replaced
    run("load", "--store", apart, str(b))
    run("load", "--store", apart, str(a))  # a second run: labels updated for its subjects only
    assert nquads(("--store", apart)) == nquads(("--store", together))
    names = """SELECT ?p ?name WHERE { GRAPH ?g { ?c skos:notation "2110101" } ?c ?p ?name .
               FILTER (?p IN (skos:prefLabel, skos:altLabel)) }"""
    assert {r["name"] for r in select(Store(apart, read_only=True), names)} == {"行政运行", "行政运行（机关）"}
    b.write_text(a.read_text(encoding="utf-8").replace("焦作市生态环境局", "焦作市林业局"), encoding="utf-8")
    run("load", "--store", apart, str(b))  # b replaced: its old spelling is printed nowhere now
    assert {r["name"] for r in select(Store(apart, read_only=True), names)} == {"行政运行"}


def test_same_disclosure_twice_in_one_run_keeps_the_later(tmp_path):
    """Documents are written several at a time; a disclosure met twice must still be replaced, not merged."""
    folder = tmp_path / "in"
    folder.mkdir()
    sample_variant(folder, "a-first.txt", 2020, 1)
    sample_variant(folder, "b-second.txt", 2020, 2)  # the same department, year and kind: the same graph
    path = str(tmp_path / "s")
    run("load", "--store", path, "--jobs", "1", str(folder))
    rows = select(Store(path, read_only=True), """SELECT ?amount WHERE {
        ?o bud:rowCode "2110101" ; qb:dataSet/bud:tableNumber "公开05表"@zh ; bud:measureLabel "小计"@zh ; bud:amount ?amount }""")
    assert [D(r["amount"]) for r in rows] == [D("2351.74")]
    alone = str(tmp_path / "alone")
    run("load", "--store", alone, str(folder / "b-second.txt"))
    assert nquads(("--store", path)) == nquads(("--store", alone))
