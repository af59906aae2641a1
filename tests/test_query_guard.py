"""`kg query`'s guard rails (kg/guard.py): SERVICE, text size, nesting and operators refused before the engine
sees the text; the time and row limits stopping a query run in a child process; syntax errors placed in the
text as written. All through the real CLI on the real sample store."""
from __future__ import annotations

import json
import threading
import time
import urllib.request

import pytest

from conftest import run
from cnbudget.kg import guard

CARTESIAN = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def refused(store: str, sparql: str, *options: str):
    r = run("query", sparql, "--store", store, *options, ok=False)
    assert r.exit_code == 1, r.output
    assert "Traceback" not in r.output and len(r.output.strip().splitlines()) == 1, r.output
    return r.output


# --- SERVICE -----------------------------------------------------------------------------------------------------

# nothing here reaches a network: refused queries never run, and the ones run name no reachable endpoint
@pytest.mark.parametrize("sparql", [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "select * where { service silent <http://127.0.0.1:9/sparql> { ?s ?p ?o } }",
    "SELECT * WHERE {\n  ?s ?p ?o .\n  SERVICE ?endpoint { ?s ?p ?o }\n}",
    # the engine reads `<` after an operand as "less than": 'x>' is a string, SERVICE is code
    "SELECT * WHERE { ?s ?p ?o FILTER(?o<'x>') } SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } #' }",
    # \# is part of the prefixed name, not a comment
    "SELECT * WHERE { ?s bud:a\\#b ?o . SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_service_is_refused(sample_store, sparql):
    out = refused(sample_store, sparql)
    assert "SERVICE at line" in out and "--allow-service" in out


@pytest.mark.parametrize("sparql", [
    'SELECT ?s WHERE { ?s skos:prefLabel "SERVICE <http://127.0.0.1:9/> { ?s ?p ?o }" }',
    "SELECT ?s WHERE { ?s skos:prefLabel '''a\nSERVICE <http://127.0.0.1:9/> { }''' }",
    "SELECT ?s WHERE { ?s skos:prefLabel ?service # SERVICE <http://127.0.0.1:9/> { }\n FILTER(?service = 'x') }",
    "SELECT ?s WHERE { ?s <http://127.0.0.1:9/SERVICE> ?o }",
    "SELECT ?s WHERE { ?s bud:SERVICE ?o }",
])
def test_service_in_strings_comments_iris_and_names_is_not_a_service(sample_store, sparql):
    out = run("query", sparql, "--store", sample_store, "--format", "json").output
    assert json.loads(out) == []  # runs, and matches nothing in the sample


def test_allow_service_lets_it_through_the_guard(sample_store):
    sparql = "SELECT * WHERE { SERVICE ?nowhere { ?s ?p ?o } }"  # an unbound endpoint: the engine asks no one
    assert "SERVICE" in refused(sample_store, sparql)
    out = refused(sample_store, sparql, "--allow-service")
    assert "SERVICE at line" not in out and "service name is unbound" in out  # the engine's own answer


# --- size, nesting and operators, before the engine ------------------------------------------------------------

def test_deep_nesting_is_refused_before_the_engine(sample_store):
    # pyoxigraph 0.5 overflows its stack (the process dies) from about 2,200 nested braces, 4,700 parentheses
    started = time.monotonic()
    out = refused(sample_store, "SELECT * WHERE " + "{" * 3000 + " ?s ?p ?o " + "}" * 3000)
    assert "3000 deep" in out and "the limit is 64" in out
    out = refused(sample_store, "SELECT * WHERE { ?s ?p ?o FILTER(" + "(" * 10000 + "?o" + ")" * 10000 + ") }")
    assert "10002 deep" in out  # { and FILTER( around them
    assert time.monotonic() - started < 2


def test_nesting_up_to_the_limit_runs(sample_store):
    # the sample's code list has 2110301 (大气): see test_export_and_query
    inner = "?c skos:notation \"2110301\""
    ok = run("query", "ASK " + "{" * 64 + inner + "}" * 64, "--store", sample_store, "--format", "csv").output
    assert ok.splitlines() == ["ask", "true"]
    assert "65 deep" in refused(sample_store, "ASK " + "{" * 65 + inner + "}" * 65)


def test_ten_thousand_term_or_filter_is_refused(sample_store):
    long_filter = "SELECT * WHERE { ?s ?p ?o FILTER(" + " || ".join(f"?o = {i}" for i in range(10000)) + ") }"
    out = refused(sample_store, long_filter)
    # 9,999 || and 10,000 =, and the * of SELECT *
    assert "20,000 operators" in out and "the limit is 1,000" in out and "VALUES" in out
    short = "ASK { ?s ?p ?o FILTER(" + "||".join(["?o"] * 10000) + ") }"
    assert "9,999 operators" in refused(sample_store, short)
    # the same question as a list is fine: 10,000 values, no operator
    listed = "SELECT ?c WHERE { ?c skos:notation ?code FILTER(?code IN (" + \
        ", ".join(['"2110301"'] + [f'"x{i}"' for i in range(9999)]) + ")) }"
    assert len(json.loads(run("query", listed, "--store", sample_store, "--format", "json").output)) >= 1


def test_query_text_size_limit(sample_store):
    out = refused(sample_store, "SELECT * WHERE { ?s ?p ?o }" + " " * 200_000)
    assert "200,027 characters" in out and "200,000" in out


@pytest.mark.parametrize("sparql,depth,operators,service", [
    ("SELECT * WHERE { ?s ?p ?o }", 1, 1, False),                      # SELECT *
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o < 5 && ?o > -1) }", 2, 3, False),  # -1 is a number
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o<?s) }", 2, 1, False),       # < after an operand
    ("SELECT ?s WHERE { ?s ?p (<http://a> <http://b>) }", 2, 0, False),  # a collection of IRIs
    ("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?o <http://www.w3.org/2001/XMLSchema#integer>(?s)", 1, 0, False),
    ("SELECT ?s WHERE { VALUES (?a ?b) { (<http://a><http://b>) (-1 -2) } }", 3, 0, False),
    ('SELECT ?s WHERE { ?s ?p "a # SERVICE { ( [" }', 1, 0, False),
    ("SELECT ?s WHERE { ?s ?p ?o } # SERVICE {{{{{{", 1, 0, False),
    ("SELECT ?s WHERE { ?s ?p ?o FILTER(?o<'x>') } SERVICE <http://a> { } #'", 2, 1, True),
    ("SELECT ?s WHERE { << ?s ?p ?o >> ?q ?r }", 2, 0, False),
])
def test_scan_reads_the_text_as_the_engine_does(sparql, depth, operators, service):
    s = guard.scan(sparql)
    assert (s.depth, s.operators, s.service is not None) == (depth, operators, service)


# --- time and rows ------------------------------------------------------------------------------------------------

class _Rss:
    """The resident memory of this process (the one `kg query` runs in under CliRunner), sampled meanwhile."""

    def __init__(self):
        self.samples: list[int] = []
        self._stop = threading.Event()

    @staticmethod
    def now() -> int:
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))

    def __enter__(self):
        self.before = self.now()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self):
        while not self._stop.wait(0.02):
            self.samples.append(self.now())

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.after = self.now()

    @property
    def growth(self) -> int:
        return max(self.samples + [self.after]) - self.before


@pytest.mark.slow
def test_time_limit_stops_the_cartesian_query_and_memory_stays_flat(sample_store):
    run("query", "ASK { ?s ?p ?o }", "--store", sample_store)  # modules loaded before measuring
    with _Rss() as rss:
        started = time.monotonic()
        # no row limit: rows stream out of the child for the whole two seconds
        r = run("query", CARTESIAN, "--store", sample_store, "--timeout", "2", "--max-rows", "0", ok=False)
        elapsed = time.monotonic() - started
    print(f"stopped after {elapsed:.2f} s; RSS {rss.before >> 20} MB before, {rss.after >> 20} MB after, "
          f"{rss.growth >> 20} MB most growth")
    assert r.exit_code == 1 and r.output.strip() == \
        "Error: the query passed the time limit of 2 s and was stopped (--timeout SECONDS sets it; 0 means none)"
    assert 2 <= elapsed < 3
    assert rss.growth < 20 << 20  # rows kept in memory would take hundreds of MB by now


@pytest.mark.slow
def test_time_limit_stops_a_query_that_gives_no_rows(sample_store):
    started = time.monotonic()
    out = refused(sample_store, "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--timeout", "1.5")
    assert "time limit of 1.5 s" in out and time.monotonic() - started < 2.5


def test_row_limit_stops_the_cartesian_query(sample_store):
    with _Rss() as rss:
        started = time.monotonic()
        out = refused(sample_store, CARTESIAN)  # the default limit: 100,000 rows
        elapsed = time.monotonic() - started
    assert "more than 100,000 rows" in out and "--max-rows" in out
    assert elapsed < 10 and rss.growth < 20 << 20


def test_row_limit(sample_store):
    # the sample's 三公 table: 合计, 因公出国（境）费, 公务用车购置及运行费, 公务用车购置费, 公务用车运行费, 公务接待费
    out = run("query", "three-public-expenses", "--store", sample_store, "--format", "csv", "--max-rows", "6").output
    assert len(out.splitlines()) == 1 + 6
    assert "more than 5 rows" in refused(sample_store, "three-public-expenses", "--max-rows", "5")
    # CONSTRUCT rows count too
    assert "more than 3 rows" in refused(sample_store, "CONSTRUCT WHERE { ?s skos:prefLabel ?o }", "--max-rows", "3")


def test_result_kinds_through_the_child(sample_store):
    ask = run("query", 'ASK { ?c skos:notation "2110301" }', "--store", sample_store, "--format", "json").output
    assert json.loads(ask) == [{"ask": True}]
    rows = json.loads(run("query", 'CONSTRUCT { ?c skos:notation ?n } WHERE { ?c skos:notation ?n FILTER(?n = "2110301") }',
                          "--store", sample_store, "--format", "json").output)
    assert rows and {r["object"] for r in rows} == {"2110301"} and set(rows[0]) == {"subject", "predicate", "object"}
    # terms come back whole: language tags, datatypes, unbound values
    rows = json.loads(run("query", 'SELECT ?label ?n ?none WHERE { ?c skos:notation "2110301" ; skos:prefLabel ?label '
                                   'BIND(1.50 AS ?n) }', "--store", sample_store, "--format", "json").output)
    assert rows[0] == {"label": "大气", "n": 1.5, "none": None}


# --- syntax errors where they are in the text written ---------------------------------------------------------

def test_syntax_error_position_is_in_the_query_text(sample_store):
    r = run("query", "SELECT ?s\nWHERE {\n  ?s ?p ?o\n} LIMIT x", "--store", sample_store, ok=False)
    assert r.exit_code == 1
    lines = r.output.splitlines()
    assert lines[0] == "Error: SPARQL syntax error at line 4, column 9: expected one of HAVING, OFFSET, OPTIONAL, " \
                       "VALUES, a digit"
    assert lines[1:] == ["  } LIMIT x", "          ^"]


def test_syntax_error_position_in_a_query_file_with_parameters(sample_store, tmp_path):
    rq = tmp_path / "q.rq"
    rq.write_text('# title: t\n# param: code = "2110301" ; a code\n'
                  "SELECT ?l WHERE { ?c skos:notation $code ; skos:prefLabel ?l } LIMIT x\n", encoding="utf-8")
    # the value bound is longer or shorter than `$code`: the column is still the one in the file
    for value in ("2110301", "21", "2110301000000"):
        r = run("query", str(rq), "--param", f"code={value}", "--store", sample_store, ok=False)
        assert "line 3, column 70:" in r.output.splitlines()[0], r.output


def test_syntax_error_at_the_end_names_the_last_line(sample_store):
    r = run("query", "SELECT ?s WHERE {\n  ?s ?p ?o .\n  FILTER(?o > 1\n}\n\n", "--store", sample_store, ok=False)
    assert r.output.splitlines()[0].startswith("Error: SPARQL syntax error at the end of the query (line 4, column 2)")
    assert "['" not in r.output  # no parser character classes


# --- a remote store: the time limit is the HTTP timeout ---------------------------------------------------------

@pytest.mark.slow
def test_remote_time_and_row_limits(tmp_path):
    from test_remote import oxigraph_server
    triples = "".join(f"<http://example.org/s{i}> <http://example.org/p> \"{i}\" .\n" for i in range(1000)).encode()
    with oxigraph_server(None, tmp_path / "server.log") as url:
        request = urllib.request.Request(f"{url}/store?graph=http://example.org/g", data=triples, method="POST",
                                         headers={"Content-Type": "application/n-triples"})
        urllib.request.urlopen(request, timeout=10).close()
        r = run("query", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", url, "--max-rows", "999", ok=False)
        assert r.exit_code == 1 and "more than 999 rows" in r.output
        assert len(run("query", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", url, "--format", "csv",
                       "--max-rows", "1000").output.splitlines()) == 1001
        started = time.monotonic()
        r = run("query", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", "--endpoint", url,
                "--timeout", "1", ok=False)
        assert r.exit_code == 1 and "time limit of 1 s" in r.output, r.output
        assert time.monotonic() - started < 2.5
