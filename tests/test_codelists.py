"""Code lists per fiscal year, linked where a code keeps its meaning; names derived from the tables."""
from __future__ import annotations

from conftest import SAMPLE, run, sample_variant, select
from cnbudget.kg.store import Store


def test_years_linked_where_code_and_name_agree(tmp_path):
    # the same department a year later, with one 项 renamed
    def next_year(text: str) -> str:
        return text.replace("2020", "2021").replace("\t  大气\n", "\t  大气污染防治\n")
    later = sample_variant(tmp_path, "next-year.txt", next_year)
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE), str(later))
    store = Store(path, read_only=True)
    links = select(store, """SELECT ?code ?ya ?yb WHERE {
        ?a skos:exactMatch ?b ; skos:notation ?code ; skos:inScheme/bud:fiscalYear ?ya .
        ?b skos:inScheme/bud:fiscalYear ?yb . FILTER (?ya < ?yb) }""")
    linked = {r["code"] for r in links}
    assert {"2110101", "211", "30101"} <= linked
    assert "2110301" not in linked  # renamed: not assumed to keep its meaning
    assert all((r["ya"], r["yb"]) == ("2020", "2021") for r in links)
    names = select(store, """SELECT ?year ?name WHERE { ?c skos:notation "2110301" ; skos:prefLabel ?name ;
                             skos:inScheme/bud:fiscalYear ?year } ORDER BY ?year""")
    assert names == [{"year": "2020", "name": "大气"}, {"year": "2021", "name": "大气污染防治"}]
    docs = select(store, "SELECT (COUNT(DISTINCT ?d) AS ?n) (COUNT(DISTINCT ?org) AS ?orgs) "
                         "WHERE { ?d a bud:Disclosure ; bud:department ?org }")
    assert docs == [{"n": "2", "orgs": "1"}]


def test_no_duplicate_rows_from_shared_resources(tmp_path):
    # two documents of the same year share concepts; a query over concepts must not see them twice
    other = sample_variant(tmp_path, "other-dept.txt", lambda t: t.replace("焦作市生态环境局", "焦作市测试局"))
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE), str(other))
    rows = select(Store(path, read_only=True), """SELECT ?name WHERE {
        ?c skos:notation "2110301" ; skos:inScheme/bud:fiscalYear 2020 ; skos:prefLabel ?name }""")
    assert rows == [{"name": "大气"}]


def test_year_over_year_named_query(tmp_path):
    import json
    later = sample_variant(tmp_path, "2021.txt", lambda t: t.replace("2020", "2021").replace(
        "\t2110101\n\t  行政运行\n\t1,175.87\n", "\t2110101\n\t  行政运行\n\t1,275.87\n"))
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE), str(later))
    rows = json.loads(run("query", "year-over-year", "--store", path, "--format", "json").output)
    admin = [r for r in rows if r["code"] == "2110101"]
    assert [(r["year"], r["amount"], r["previous"], r["change"]) for r in admin] == [
        (2020, 1175.87, None, None), (2021, 1275.87, 1175.87, 100)]
    assert {r["department"] for r in rows} == {"焦作市生态环境局"}


def test_years_linked_by_separate_loads_as_by_one(tmp_path):
    """Links made as documents come one load at a time (each load relinks only the codes it printed) are those
    of one load of all: the 2020 sample, its 2021 variant with 大气 renamed, then that variant loaded again
    without the renaming (2110301 then keeps its name, and is linked)."""
    def next_year(text: str) -> str:
        return text.replace("2020", "2021").replace("\t  大气\n", "\t  大气污染防治\n")
    later = sample_variant(tmp_path, "next-year.txt", next_year)
    links = """SELECT ?code WHERE { GRAPH <https://w3id.org/cnbudget/id/graph/codelist-links> { ?a skos:exactMatch ?b }
                                    ?a skos:notation ?code }"""
    one, apart = str(tmp_path / "one"), str(tmp_path / "apart")
    run("load", "--store", one, str(SAMPLE), str(later))
    run("load", "--store", apart, str(SAMPLE))
    assert select(Store(apart, read_only=True), links) == []
    run("load", "--store", apart, str(later))
    codes = sorted(r["code"] for r in select(Store(apart, read_only=True), links))
    assert codes == sorted(r["code"] for r in select(Store(one, read_only=True), links))
    assert "2110101" in codes and "2110301" not in codes
    unrenamed = sample_variant(tmp_path, "next-year.txt", lambda t: t.replace("2020", "2021"))
    run("load", "--store", apart, str(unrenamed))
    assert "2110301" in {r["code"] for r in select(Store(apart, read_only=True), links)}
