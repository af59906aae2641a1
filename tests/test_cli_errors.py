"""A researcher's CLI: parameters of the wrong kind, `kg queries --show`, folders that are not stores, query files
that cannot be read and export paths that cannot be written: each a one-line error, exit 1, never a traceback."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, run
from cnbudget.kg.queries import KINDS, catalog


def one_line_error(result, *expected: str) -> str:
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


# --- parameters ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name,param,expected", [
    ("under-executed-units", "threshold=abc", "--param threshold=abc: parameter threshold of under-executed-units "
                                              "takes a number (e.g. 0.9)"),
    ("under-executed-units", "threshold=90%", "takes a number"),
    ("over-executed-subjects", "threshold=", "takes a number"),
    ("table-figures", "table_type=ExpenditureStatement", "table_type of table-figures takes an IRI"),
    ("table-figures", "table_type=table:ExpenditureStatement", "table: is not a known prefix"),
    ("table-figures", "table_type=tbl:Expenditure Statement", "takes an IRI"),
    ("reconciliation-findings", "tolerated=maybe", "takes one of true, false, any"),
    ("three-public-expenses", "limit=ten", "limit must be a whole number"),
    ("three-public-expenses", "threshold=0.9", "has no parameter threshold; it takes: limit"),
])
def test_parameter_of_the_wrong_kind_is_an_error(sample_store, name, param, expected):
    r = run("query", name, "--param", param, "--store", sample_store, ok=False)
    one_line_error(r, expected)


def test_parameters_of_the_right_kind_still_answer(sample_store):
    def rows(*args):
        return json.loads(run("query", *args, "--store", sample_store, "--format", "json").output)
    # the 三公 table's 12 figures (test_export_and_query), by prefixed name or by full IRI
    tbl = "https://w3id.org/cnbudget/def/table#"
    by_name = rows("table-figures", "--param", "table_type=tbl:ThreePublicExpenses")
    assert len(by_name) == 12 and by_name == rows("table-figures", "--param", f"table_type=<{tbl}ThreePublicExpenses>") \
        == rows("table-figures", "--param", f"table_type={tbl}ThreePublicExpenses")
    def key(r):
        return json.dumps(r, sort_keys=True, ensure_ascii=False)
    tolerated = rows("reconciliation-findings", "--param", "tolerated=true")
    assert tolerated and sorted(tolerated, key=key) == \
        sorted((r for r in rows("reconciliation-findings") if r["tolerated"] is True), key=key)
    assert rows("under-executed-units", "--param", "threshold=.9") == rows("under-executed-units") != []


def test_a_query_files_parameters_take_the_kind_of_their_default(sample_store, tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("# title: t\n# param: code = \"2110301\" ; a code\n# param: level = 1 ; a level\n"
                  "SELECT DISTINCT ?label WHERE { ?c skos:notation $code ; skos:prefLabel ?label ; bud:subjectLevel ?l "
                  "FILTER(?l >= $level) }", encoding="utf-8")
    r = run("query", str(rq), "--param", "level=one", "--store", sample_store, ok=False)
    one_line_error(r, "--param level=one: parameter level of mine takes a number (e.g. 1)")
    out = run("query", str(rq), "--param", "code=211", "--store", sample_store, "--format", "json").output
    assert json.loads(out) == [{"label": "节能环保支出"}]  # a string default: code=211 means "211"


def test_every_bundled_parameter_declares_a_known_kind():
    for q in catalog().values():
        for p in q.params:
            assert p.kind in KINDS or "|" in (p.kind or ""), (q.name, p.name, p.kind)
            if p.name != "limit":
                head = (ROOT / "queries" / f"{q.name}.rq").read_text(encoding="utf-8")
                assert f"# param: {p.name} ({p.kind})" in head, (q.name, p.name)


def test_queries_json_lists_the_kinds():
    data = {q["name"]: q for q in json.loads(run("queries", "--format", "json").output)}
    params = {p["name"]: p for p in data["reconciliation-findings"]["params"]}
    assert params["tolerated"] == {"name": "tolerated", "default": '"any"', "description": '"true", "false" or "any"',
                                   "kind": "true|false|any"}


# --- kg queries --show --------------------------------------------------------------------------------------------

def test_show_prints_the_query_text():
    text = (ROOT / "queries" / "three-public-expenses.rq").read_text(encoding="utf-8")
    out = run("queries", "--show", "three-public-expenses").output
    assert out == text.rstrip("\n") + "\n"
    assert out.startswith("# title: “三公”经费预算与决算对比\n") and "LIMIT $limit" in out
    data = json.loads(run("queries", "--show", "three-public-expenses", "--format", "json").output)
    assert data["sparql"] == text and data["title"] == "“三公”经费预算与决算对比"


def test_show_a_query_file_and_an_unknown_name(tmp_path):
    rq = tmp_path / "mine.rq"
    rq.write_text("# title: mine\nASK {}\n", encoding="utf-8")
    assert run("queries", "--show", str(rq)).output == "# title: mine\nASK {}\n"
    one_line_error(run("queries", "--show", "three-public", ok=False), "no named query 'three-public'; known:",
                   "three-public-expenses")


# --- folders that are not stores ------------------------------------------------------------------------------

@pytest.fixture
def not_a_store(tmp_path) -> Path:
    folder = tmp_path / "papers"
    folder.mkdir()
    (folder / "notes.txt").write_text("not a store", encoding="utf-8")
    return folder


@pytest.mark.parametrize("command", [["query", "three-public-expenses"], ["check"], ["export"]])
def test_reading_a_folder_that_is_not_a_store(not_a_store, tmp_path, command):
    one_line_error(run(*command, "--store", str(not_a_store), ok=False), f"{not_a_store} is not a kg store")
    empty = tmp_path / "empty"
    empty.mkdir()
    one_line_error(run(*command, "--store", str(empty), ok=False), f"no store at {empty}", "load documents first")
    one_line_error(run(*command, "--store", str(not_a_store / "notes.txt"), ok=False), "is a file, not a store folder")
    one_line_error(run(*command, "--store", str(tmp_path / "nowhere"), ok=False), "load documents first (kg load)")


def test_load_refuses_to_make_a_store_of_a_folder_of_other_files(not_a_store):
    r = run("load", "--store", str(not_a_store), str(SAMPLE), ok=False)
    one_line_error(r, f"{not_a_store} holds other files and is not a kg store", "new or empty folder")
    assert [p.name for p in not_a_store.iterdir()] == ["notes.txt"]  # untouched


def test_a_store_folder_is_recognised(sample_store):
    names = {p.name for p in Path(sample_store).iterdir()}
    assert "CURRENT" in names and any(n.startswith("MANIFEST-") for n in names)  # what pyoxigraph 0.5 writes
    assert run("query", "ASK { ?s ?p ?o }", "--store", sample_store, "--format", "csv").output == "ask\ntrue\n"


# --- query files that cannot be read ---------------------------------------------------------------------------

def test_query_files_that_cannot_be_read(sample_store, tmp_path):
    gbk = tmp_path / "gbk.rq"
    gbk.write_bytes("SELECT * WHERE { ?s ?p \"中文\" }".encode("gbk"))
    one_line_error(run("query", str(gbk), "--store", sample_store, ok=False),
                   f"cannot read query file {gbk}: not UTF-8 text (byte 24 is 0xd6)")
    folder = tmp_path / "folder.rq"
    folder.mkdir()
    one_line_error(run("query", str(folder), "--store", sample_store, ok=False), "is a folder, not a query file")
    one_line_error(run("query", str(tmp_path / "missing.rq"), "--store", sample_store, ok=False), "no query file")
    eio = tmp_path / "eio.rq"  # reading /proc/self/mem from its start fails with EIO, even for root
    eio.symlink_to("/proc/self/mem")
    one_line_error(run("query", str(eio), "--store", sample_store, ok=False),
                   f"cannot read query file {eio}: Input/output error")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_query_file_without_permission(sample_store, tmp_path):
    rq = tmp_path / "secret.rq"
    rq.write_text("ASK {}", encoding="utf-8")
    rq.chmod(0)
    one_line_error(run("query", str(rq), "--store", sample_store, ok=False), "Permission denied")


# --- export paths that cannot be written -----------------------------------------------------------------------

def test_export_to_a_path_that_cannot_be_written(sample_store, tmp_path):
    one_line_error(run("export", "--store", sample_store, "-o", str(tmp_path / "no" / "out.csv"), ok=False),
                   f"cannot write {tmp_path / 'no' / 'out.csv'}: there is no folder {tmp_path / 'no'}")
    afile = tmp_path / "a.txt"
    afile.write_text("x", encoding="utf-8")
    one_line_error(run("export", "--store", sample_store, "-o", str(afile / "out.csv"), ok=False),
                   f"{afile} is a file")
    # /dev/full takes the file open and fails every write, for root as for anyone
    one_line_error(run("export", "--store", sample_store, "--format", "nt", "-o", "/dev/full", ok=False),
                   "cannot write /dev/full: No space left on device")
