"""`--endpoint`: the same end-to-end checks against a real Oxigraph server, the embedded store as the reference."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest

from conftest import (OBSERVATIONS_PER_TABLE, SAMPLE, all_nquads, assert_bad_file_leaves_store_unchanged,
                      malformed_amount, nquads, numeric_cells_by_table, run, select)
from cnbudget.kg.queries import catalog
from cnbudget.kg.store.remote import RemoteStore
from cnbudget.kg.store import Store

# the server binary comes with the `oxigraph` package of the test extra, next to this interpreter
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path | None, log: Path, union: bool = True):
    """`oxigraph serve` on a free loopback port (on disk at `location`, in memory without), stopped on exit."""
    if not OXIGRAPH:
        pytest.fail("no oxigraph server binary: install the test extra (pip install -e '.[test]')")
    port = _free_port()
    args = [OXIGRAPH, "serve", "--bind", f"127.0.0.1:{port}"]
    args += ["--location", str(location)] if location else []
    args += ["--union-default-graph"] if union else []
    with open(log, "wb") as out:
        server = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            if server.poll() is not None:
                pytest.fail(f"oxigraph exited with {server.returncode}: {log.read_text(errors='replace')}")
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(f"oxigraph did not answer on {url} within 30 s: {log.read_text(errors='replace')}")
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def endpoint(tmp_path_factory) -> str:
    """A server on disk holding the sample, loaded through the CLI."""
    tmp = tmp_path_factory.mktemp("oxigraph")
    with oxigraph_server(tmp / "db", tmp / "server.log") as url:
        out = run("load", "--endpoint", url, str(SAMPLE)).output
        assert "1 documents loaded, 0 failed" in out and f"store {url} holds" in out
        yield url


def both(sample_store: str, endpoint: str, *args: str, ok: bool = True):
    """The same command's result on the embedded store and on the endpoint."""
    return run(*args, "--store", sample_store, ok=ok), run(*args, "--endpoint", endpoint, ok=ok)


def test_same_graphs_and_triple_count(sample_store, endpoint):
    local, remote = Store(sample_store, read_only=True), RemoteStore(endpoint, read_only=True)
    assert remote.graphs() == local.graphs()
    assert len(remote) == len(local) > 19000


def test_same_quads(sample_store, endpoint):
    def by_kind(store_args) -> tuple[set[str], set[str]]:
        """The quads but the load record's; the load record without its times (each store was loaded apart)."""
        lines = all_nquads(store_args)
        record = {q for q in lines if q.endswith("/graph/loads> .")}
        return lines - record, {q.split('"')[0] for q in record}
    remote, local = by_kind(("--endpoint", endpoint)), by_kind(("--store", sample_store))
    assert remote == local and len(local[1]) == 2  # the document's graph: created, modified


def test_kg_ask_gives_the_same_answer_on_the_endpoint(sample_store, endpoint):
    """The search box's words read from the server (no store folder to keep them in): the same answer as on the
    embedded store, the 三公 totals of 表07 (80.92 budget, 54.96 actual)."""
    local, remote = both(sample_store, endpoint, "ask", "--format", "json", "三公经费")
    assert json.loads(remote.output)["rows"] == json.loads(local.output)["rows"]
    assert "80.92" in remote.output and "54.96" in remote.output


def test_observation_counts_per_table(sample_store, endpoint):
    expected = numeric_cells_by_table(SAMPLE.read_text(encoding="utf-8"))
    remote = select(RemoteStore(endpoint, read_only=True), OBSERVATIONS_PER_TABLE)
    assert {r["table"]: int(r["n"]) for r in remote} == expected
    assert remote == select(Store(sample_store, read_only=True), OBSERVATIONS_PER_TABLE)


def test_tidy_csv_export_identical(sample_store, endpoint):
    local, remote = both(sample_store, endpoint, "export", "--format", "csv")
    assert remote.output == local.output and len(remote.output.splitlines()) > 1001


@pytest.mark.parametrize("name", sorted(catalog()))
def test_named_query_same_rows_in_same_order(sample_store, endpoint, name):
    local, remote = both(sample_store, endpoint, "query", name, "--format", "json")
    assert json.loads(remote.stdout) == json.loads(local.stdout)


@pytest.mark.parametrize("fmt", ["table", "json"])
def test_check_findings_identical(sample_store, endpoint, fmt):
    local, remote = both(sample_store, endpoint, "check", "--format", fmt, "--strict", ok=False)
    assert (remote.exit_code, remote.output) == (local.exit_code, local.output)
    assert local.exit_code == 1  # the sample has findings beyond rounding


def test_terms_round_trip(sample_store, endpoint):
    """Language tags, datatypes, blank nodes and unbound variables come back as the embedded store gives them."""
    sparql = """SELECT ?lang ?typed ?plain ?b ?same ?unbound WHERE {
        BIND ("焦作"@zh AS ?lang) BIND (1.50 AS ?typed) BIND ("x" AS ?plain) BIND (BNODE("k") AS ?b) BIND (?b AS ?same) }"""
    local = Store(sample_store, read_only=True).select(sparql)
    remote = RemoteStore(endpoint, read_only=True).select(sparql)
    assert remote.variables == local.variables
    (lang, typed, plain, b, same, unbound), = remote.rows
    assert (lang, typed, plain) == tuple(local.rows[0][:3])
    assert isinstance(b, ox.BlankNode) and b == same and unbound is None


def test_reload_gives_same_triple_count(endpoint):
    before = len(RemoteStore(endpoint))
    out = run("load", "--endpoint", endpoint, str(SAMPLE)).output
    assert f"holds {before} triples" in out and len(RemoteStore(endpoint)) == before


def test_bad_file_leaves_store_unchanged(tmp_path, endpoint):
    bad, line = malformed_amount(tmp_path)
    assert_bad_file_leaves_store_unchanged(("--endpoint", endpoint), bad, line, "expects an amount")


def test_server_errors_are_clear(endpoint):
    r = run("query", "SELECT * WHERE { ?s ?p }", "--endpoint", endpoint, ok=False)
    assert r.exit_code == 1 and "HTTP 400" in r.output and "/query" in r.output
    closed = f"http://127.0.0.1:{_free_port()}"
    r = run("check", "--endpoint", closed, ok=False)
    assert r.exit_code == 1 and f"cannot reach {closed}/query" in r.output
    r = run("export", "--endpoint", "file:///tmp", ok=False)
    assert r.exit_code == 1 and "http://" in r.output


def test_store_without_union_default_graph_is_refused(tmp_path):
    with oxigraph_server(None, tmp_path / "server.log", union=False) as url:
        run("load", "--endpoint", url, str(SAMPLE))  # an empty store can be filled …
        r = run("query", "three-public-expenses", "--endpoint", url, ok=False)  # … but not queried
        assert r.exit_code == 1 and "--union-default-graph" in r.output
        r = run("load", "--endpoint", url, str(SAMPLE), ok=False)  # nor written to once it holds data
        assert r.exit_code == 1 and "--union-default-graph" in r.output


def test_endpoint_from_environment_and_precedence(sample_store, endpoint, tmp_path, monkeypatch):
    """An option beats an environment variable; KG_ENDPOINT beats KG_STORE; --store and --endpoint together is an error."""
    expected = run("query", "three-public-expenses", "--store", sample_store, "--format", "json").output
    nowhere = str(tmp_path / "no-store")  # reading a missing embedded store fails: shows which store was used
    monkeypatch.setenv("KG_STORE", nowhere)
    assert run("query", "three-public-expenses", "--endpoint", endpoint, "--format", "json").output == expected
    monkeypatch.setenv("KG_ENDPOINT", endpoint)
    assert run("query", "three-public-expenses", "--format", "json").output == expected
    r = run("query", "three-public-expenses", "--store", nowhere, ok=False)
    assert r.exit_code == 1 and f"no store at {nowhere}" in r.output
    r = run("query", "three-public-expenses", "--store", sample_store, "--endpoint", endpoint, ok=False)
    assert r.exit_code == 2 and "not both" in r.output
