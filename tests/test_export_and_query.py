"""The public contract of the CLI: kg query output shapes, tidy CSV columns, RDF exports."""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pyoxigraph as ox
import pytest

from conftest import run
from cnbudget.kg.export import TIDY_COLUMNS


def test_tidy_csv_columns_and_rows(sample_store):
    out = run("export", "--store", sample_store, "--format", "csv").output
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0] == ("document,year,organization,table,row_code,row_name,measure,amount,unit,source_line,"
                                   "amount_yuan")
    assert TIDY_COLUMNS == out.splitlines()[0].split(",")
    assert len([r for r in rows if r["table"].startswith("公开")]) == 1001
    hit = [r for r in rows if r["table"] == "公开05表" and r["row_code"] == "2110101" and r["measure"] == "小计"]
    assert hit == [{"document": "jiaozuo-ecology-2020-final-accounts.txt", "year": "2020",
                    "organization": "焦作市生态环境局", "table": "公开05表", "row_code": "2110101",
                    "row_name": "行政运行", "measure": "小计", "amount": "1175.87", "unit": "万元",
                    "source_line": "1864", "amount_yuan": "11758700"}]
    assert all("," not in r["amount"] and Decimal(r["amount"]) >= 0 for r in rows if r["table"].startswith("公开"))
    narrative = [r for r in rows if not r["table"].startswith("公开")]
    assert {"source_line", "unit"} <= set(narrative[0]) and any(r["unit"] == "辆" for r in narrative)
    # money only: counts and rates have no yuan value
    assert all(r["amount_yuan"] == "" for r in narrative if r["unit"] not in ("元", "万元"))
    t01 = [r for r in rows if r["table"] == "公开01表" and r["row_name"] == "本年收入合计"]
    assert [(r["row_code"], r["amount"]) for r in t01] == [("", "13202.51")]


@pytest.mark.parametrize("fmt,parse_as", [
    ("turtle", ox.RdfFormat.TURTLE), ("ntriples", ox.RdfFormat.N_TRIPLES), ("nquads", ox.RdfFormat.N_QUADS),
    ("trig", ox.RdfFormat.TRIG), ("jsonld", ox.RdfFormat.JSON_LD), ("rdfxml", ox.RdfFormat.RDF_XML)])
def test_rdf_exports_parse_back(sample_store, tmp_path, fmt, parse_as):
    target = tmp_path / f"out.{fmt}"
    run("export", "--store", sample_store, "--format", fmt, "-o", str(target))
    parsed = list(ox.parse(path=str(target), format=parse_as))
    assert len(parsed) > 19000
    amounts = {q.object.value for q in parsed if q.predicate.value.endswith("#amount")}
    assert "9853.45" in amounts


def test_query_json_is_a_list_of_objects_keyed_by_variables(sample_store):
    out = run("query", "SELECT ?code ?name WHERE { ?c skos:notation ?code ; skos:prefLabel ?name ; "
                       "bud:subjectLevel 1 } ORDER BY ?code", "--store", sample_store, "--format", "json").output
    data = json.loads(out)
    assert isinstance(data, list) and data[0] == {"code": "201", "name": "一般公共服务支出"}
    assert {tuple(d) for d in data} == {("code", "name")}


def test_query_from_rq_file_and_named_query_with_params(sample_store, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("# title: test\n# param: code = \"2110301\" ; a code\n"
                  "SELECT DISTINCT ?label WHERE { ?c skos:notation $code ; skos:prefLabel ?label }", encoding="utf-8")
    assert json.loads(run("query", str(rq), "--store", sample_store, "--format", "json").output) == [{"label": "大气"}]
    out = run("query", str(rq), "--param", "code=211", "--store", sample_store, "--format", "json").output
    assert json.loads(out) == [{"label": "节能环保支出"}]
    out = run("query", "table-figures", "--param", "table_type=tbl:ThreePublicExpenses", "--store", sample_store,
              "--format", "csv").output
    assert len(out.strip().splitlines()) == 13


def test_query_errors_are_clear(sample_store):
    r = run("query", "no-such-query", "--store", sample_store, ok=False)
    assert r.exit_code != 0 and "no named query" in r.output
    r = run("query", "leaf-subject-sum", "--param", "bogus=1", "--store", sample_store, ok=False)
    assert r.exit_code != 0 and "no parameter bogus" in r.output
    r = run("query", "SELECT * WHERE { ?s ?p }", "--store", sample_store, ok=False)
    assert r.exit_code != 0 and "syntax" in r.output.lower()


def test_three_public_expenses_named_query(sample_store):
    data = json.loads(run("query", "three-public-expenses", "--store", sample_store, "--format", "json").output)
    by = {d["category"]: d for d in data}
    assert (by["合计"]["budget"], by["合计"]["actual"], by["合计"]["rate"]) == (80.92, 54.96, 0.6792)
    assert by["公务接待费"]["actual"] == 2.28 and "rate" in by["因公出国（境）费"]


def test_every_named_query_is_documented_and_runs(sample_store):
    from cnbudget.kg.queries import catalog
    queries = catalog()
    assert {"three-public-expenses", "leaf-subject-sum", "reconciliation-findings"} <= set(queries)
    empty_on_sample: set[str] = set()
    for q in queries.values():
        assert q.title and q.description and q.keywords, q.name
        assert all(p.default is not None for p in q.params), q.name
        out = run("query", q.name, "--store", sample_store, "--format", "json").stdout
        assert bool(json.loads(out)) != (q.name in empty_on_sample), f"{q.name} on the sample: {out[:200]}"
