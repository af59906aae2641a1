"""/api/ask, /api/suggest and the search page without JavaScript, on a real `kg serve` over the sample.

Expected figures are read from the sample's tables: 三公 budget 80.92 and actual 54.96 (万元); 公务接待费
28.24 and 2.28. Hostile input must give a normal or empty answer (200, never an error page) and leave the
store as it was."""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
import pytest

from conftest import nquads
from serving import kg_serve

from cnbudget.ontology import PREFIXES

HOSTILE = [
    "\"'; DROP TABLE x; --",
    "} DROP ALL {",
    "三公经费 } ; DELETE WHERE { ?s ?p ?o } ; SELECT * WHERE {",
    "INSERT DATA { <urn:x> <urn:y> <urn:z> }",
    "LOAD <http://example.org/x.ttl> INTO GRAPH <urn:g>",
    "{{{{{{{{{{ ((((( [[[[ <<<< \"\"\"",
    "\\u0022 \\\" ?s ?p ?o . FILTER(true) #",
    "三公经费" * 860,                            # 10 kB of UTF-8
    "x" * 10_240,
    "公务接待费\x00\x01\x07\x1b[31m\x7f预算",      # control characters
    "\u202e费经公三\u202c \u200f决算\u200e",        # right-to-left override and marks
    "\ufeff\u200b\u2028\u2029",
    "%00%27%7D",
]


@pytest.fixture(scope="module")
def server(sample_store):
    with kg_serve("--store", sample_store, "--no-sample") as url:
        yield url


def get(url: str, timeout: float = 120) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.headers.get("content-type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type", ""), e.read()


def ask(server: str, q: str) -> dict:
    status, ctype, body = get(server + "/api/ask?" + urllib.parse.urlencode({"q": q}))
    assert status == 200, body[:500]
    assert ctype.startswith("application/json")
    return json.loads(body)


def numbers(answer: dict) -> set[float]:
    out = set()
    for row in answer["rows"]:
        for v in row.values():
            try:
                out.add(round(float(v), 4))
            except (TypeError, ValueError):
                pass
    return out


def test_three_public_expenses_answer_as_json(server):
    answer = ask(server, "三公经费")
    for key in ("query", "intent", "sparql", "columns", "rows", "links", "explanation", "alternatives", "chart"):
        assert key in answer, key
    assert answer["query"] == "三公经费"
    assert {80.92, 54.96} <= numbers(answer)
    assert all(set(row) <= set(answer["columns"]) for row in answer["rows"])
    assert "SELECT" in answer["sparql"].upper()


def test_reception_budget_and_actual(server):
    assert {28.24, 2.28} <= numbers(ask(server, "公务接待费 预算 决算"))


def test_unrelated_words_find_nothing(server):
    answer = ask(server, "量子色动力学 渐近自由")
    assert answer["rows"] == []


@pytest.mark.parametrize("q", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_input_gets_a_normal_or_empty_answer(server, q):
    answer = ask(server, q)
    assert isinstance(answer["rows"], list) and isinstance(answer["columns"], list)
    if answer["sparql"]:  # what ran is one query the engine parses as such, never an update
        ox.Store().query(answer["sparql"], prefixes=PREFIXES)
        assert not re.search(r"\b(DROP|DELETE|INSERT|LOAD|CLEAR)\b", answer["sparql"], re.I)


def test_hostile_input_leaves_the_store_as_it_was(sample_store):
    before = nquads(("--store", sample_store))
    with kg_serve("--store", sample_store, "--no-sample") as url:
        for q in HOSTILE:
            ask(url, q)
    assert nquads(("--store", sample_store)) == before


def test_suggestions_complete_a_prefix_from_the_graphs_words(server):
    for prefix, word in (("三公", "三公经费"), ("公务接", "公务接待费"), ("固废", "焦作市固废辐射环境技术中心")):
        status, ctype, body = get(server + "/api/suggest?" + urllib.parse.urlencode({"q": prefix}))
        assert status == 200 and ctype.startswith("application/json")
        words = json.loads(body)
        assert word in words and words[0].startswith(prefix) and all(prefix in w for w in words), words
    for q in HOSTILE:
        status, _, body = get(server + "/api/suggest?" + urllib.parse.urlencode({"q": q}))
        assert status == 200 and isinstance(json.loads(body), list)


def test_the_page_answers_without_javascript(server):
    status, ctype, body = get(server + "/?" + urllib.parse.urlencode({"q": "三公经费"}))
    assert status == 200 and ctype.startswith("text/html")
    page = body.decode("utf-8")
    table = page[page.index('id="answer-table"'):page.index("</table>")]
    assert ">80.92<" in table and ">54.96<" in table
    assert '<pre id="sparql">' in page
    link = re.search(r'id="open-query" href="([^"]+)"', page).group(1)
    assert link.startswith("/sparql#query=")
    shown = urllib.parse.unquote(link.split("#query=", 1)[1])
    ox.Store().query(shown.replace("&amp;", "&"), prefixes=PREFIXES)


def test_answer_rows_link_to_their_resources_pages(server):
    status, _, body = get(server + "/?" + urllib.parse.urlencode({"q": "公务接待费 预算 决算"}))
    assert status == 200
    page = body.decode("utf-8")
    table = page[page.index('id="answer-table"'):page.index("</table>")]
    hrefs = re.findall(r'<a href="(/id/[^"]+)"', table)
    assert any("/obs/" in h for h in hrefs) and any("/org/" in h for h in hrefs), hrefs
    for href in sorted(set(hrefs))[:10]:
        assert get(server + href)[0] == 200, href


def test_hostile_input_on_the_page_is_shown_escaped(server):
    status, ctype, body = get(server + "/?" + urllib.parse.urlencode({"q": "<script>alert(1)</script> 三公"}))
    assert status == 200 and ctype.startswith("text/html")
    assert b"<script>alert(1)" not in body


def test_a_search_past_the_time_limit_says_so(sample_store):
    """The answer's query runs under kg serve's --timeout, as /sparql's do: past it, 503 and the reason (JSON
    for the API, the page with the message for a browser), never a stack trace."""
    with kg_serve("--store", sample_store, "--no-sample", "--timeout", "0.001", ready_path="/static/site.css") as url:
        status, ctype, body = get(url + "/api/ask?" + urllib.parse.urlencode({"q": "三公经费"}))
        assert status == 503 and ctype.startswith("application/json")
        assert "time limit" in json.loads(body)["error"]
        status, ctype, body = get(url + "/?" + urllib.parse.urlencode({"q": "三公经费"}))
        assert status == 503 and ctype.startswith("text/html")
        assert b'id="error"' in body and b"time limit" in body and b"Traceback" not in body
