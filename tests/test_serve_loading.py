"""`kg serve` while `kg load` writes the same store: no request fails, and every answer is each document's
old graph or its new one.

A reader opens the store read-only as a snapshot of the writer's files; the writer's compaction removes
table files the snapshot has not opened yet. pyoxigraph 0.5 then loops forever on a query that reads all its
input before answering (COUNT, GROUP BY, ORDER BY), its memory growing fast: a query worker was stopped at
the time limit (503; bench/serve.py, 100 documents), the server's own process grew by gigabytes. Readers
therefore open a copy of the files that the writer cannot remove (kg/store/pinned.py). A small store keeps
every table file open from the start, so only a large one shows the loop; here the copy is checked to keep
the files, and the service to answer every request while loads write.
"""
from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx
import pyoxigraph as ox

from conftest import SAMPLE, run, select
from serving import kg_serve
from cnbudget.kg.store import Store, pinned

ENV = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
JSON = {"Accept": "application/sparql-results+json"}
FIGURES = """SELECT ?g (COUNT(?o) AS ?n) (SUM(?a) AS ?sum) WHERE { GRAPH ?g {
  ?d a bud:Disclosure ; dct:title %s . ?o a qb:Observation ; bud:amount ?a } } GROUP BY ?g"""
ROOT = "https://w3id.org/cnbudget"  # an IRI under it is served at its path below it
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
# queries that read their whole input before answering, by graph and over the union
WHOLE = [COUNT, "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?s ?p ?o }",
         "SELECT (SUM(?a) AS ?n) WHERE { ?o <https://w3id.org/cnbudget/def#amount> ?a }"]


def variants(folder: Path, factor: int, departments: int = 2) -> list[Path]:
    """The sample under other department names, every table figure times `factor` (a new version of each
    when the factor differs)."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    out = []
    for i in range(departments):
        variant = text.replace("焦作市生态环境局", f"样本市{i}号生态环境局")
        variant = re.sub(r"(?m)^\t(\d[\d,]*\.\d\d)$",
                         lambda m: "\t" + f"{Decimal(m.group(1).replace(',', '')) * factor:,.2f}", variant)
        path = folder / f"doc-{i}.txt"
        path.write_text(variant, encoding="utf-8")
        out.append(path)
    return out


def test_a_readers_copy_keeps_the_files_a_writer_removes(tmp_path):
    path = str(tmp_path / "kg-store")
    run("load", "--store", path, str(SAMPLE))
    expected = [" ".join(r[0].value for r in Store(path, read_only=True).select(q).rows) for q in WHOLE]
    copy = pinned.pin(path)
    assert copy.copied and Path(copy.folder).parent == Path(path) / pinned.READERS
    tables = sorted(Path(path).glob("*.sst"))
    assert tables and all((Path(copy.folder) / t.name).stat().st_ino == t.stat().st_ino for t in tables)
    for t in tables:  # what a writer's compaction does to the table files it merged
        t.unlink()
    reader = ox.Store.read_only(copy.folder)
    assert [" ".join(r[0].value for r in reader.query(q, use_default_graph_as_union=True)) for q in WHOLE] == expected
    del reader
    copy.release()
    assert Path(copy.folder).exists()  # kept a while: a query may still read it


def test_requests_while_kg_load_writes_all_answer_old_or_new(tmp_path):
    path = str(tmp_path / "kg-store")
    factors = (1, 11, 13)  # the versions loaded one after the other
    run("load", "--store", path, *map(str, variants(tmp_path / "v1", 1)))
    store = Store(path, read_only=True)
    titles = [r["t"] for r in select(store, "SELECT ?t WHERE { ?d a bud:Disclosure ; dct:title ?t "
                                            "FILTER(LANG(?t) = 'zh') }")]
    pages = [r["o"] for r in select(store, "SELECT ?o WHERE { ?o a qb:Observation } LIMIT 200")]
    del store
    assert len(titles) == 2

    with kg_serve("--store", path, "--no-sample") as url:
        def figures(title: str) -> frozenset:
            r = httpx.get(url + "/sparql", params={"query": FIGURES % literal(title)}, headers=JSON, timeout=60)
            r.raise_for_status()
            return frozenset((b["g"]["value"], b["n"]["value"], Decimal(b["sum"]["value"]))
                             for b in r.json()["results"]["bindings"])

        before = {t: figures(t) for t in titles}
        versions = {t: [before[t]] for t in titles}  # each document's figures after each load
        seen: dict[str, set] = {t: set() for t in titles}
        errors: list[str] = []
        answers = [0]
        stop = threading.Event()
        lock = threading.Lock()

        def client(seed: int) -> None:
            rng = random.Random(seed)
            with httpx.Client(timeout=120) as http:
                while not stop.is_set():
                    kind = rng.random()
                    try:
                        if kind < 0.25:  # a resource page, read by the server's own process
                            iri = rng.choice(pages)
                            r = http.get(url + iri[len(ROOT):], headers={"Accept": "text/html"})
                        elif kind < 0.4:  # an aggregate over every graph
                            r = http.get(url + "/sparql", params={"query": COUNT}, headers=JSON)
                        else:
                            title = rng.choice(titles)
                            r = http.get(url + "/sparql", params={"query": FIGURES % literal(title)}, headers=JSON)
                            if r.status_code == 200:
                                rows = frozenset((b["g"]["value"], b["n"]["value"], Decimal(b["sum"]["value"]))
                                                 for b in r.json()["results"]["bindings"])
                                with lock:
                                    seen[title].add(rows)
                        if r.status_code >= 400:
                            errors.append(f"{r.request.url}: {r.status_code} {r.text[:200]}")
                    except httpx.HTTPError as e:
                        errors.append(repr(e))
                    with lock:
                        answers[0] += 1

        clients = [threading.Thread(target=client, args=(i,)) for i in range(6)]
        for c in clients:
            c.start()
        try:
            time.sleep(1)
            first = answers[0]
            for factor in factors[1:]:  # loads in a row: flushes, compactions, files removed
                files = variants(tmp_path / f"v{factor}", factor)
                subprocess.run([sys.executable, "-m", "cnbudget.kg.cli", "load", "--store", path, *map(str, files)],
                               check=True, stdout=subprocess.DEVNULL, env=ENV)
                held = Store(path, read_only=True)  # this version's figures, as the store holds them now
                for t in titles:
                    versions[t].append(frozenset((g.value, n.value, Decimal(a.value))
                                                 for g, n, a in held.select(FIGURES % literal(t)).rows))
                del held
            during = answers[0] - first  # answered while the loads wrote
            time.sleep(3)  # and a little after
        finally:
            stop.set()
            for c in clients:
                c.join()

    assert not errors, f"{len(errors)} of {answers[0]} requests failed, e.g. {errors[:3]}"
    for t in titles:
        assert len(set(versions[t])) == len(factors)  # each load changed it
        assert seen[t] <= set(versions[t]), f"{t}: an answer that is no version whole: {seen[t] - set(versions[t])}"
    assert during > 50


def literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"@zh'
