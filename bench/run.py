"""Benchmark: load and query rates on a corpus made by varying the bundled sample.

Prints ratios measured in one run (the machines are shared and noisy):
  - kg load (parsing, checks and RDF included, worker processes as `kg load` runs them) in documents/s
    and quads/s, with its peak memory;
  - the raw pyoxigraph bulk_load rate of the same triples on disk (the store's limit here);
  - rdflib on the same quads (what a Python user would otherwise write): parsing their N-Quads, and adding
    them one at a time as terms (Graph.add), each timed on the first 200,000;
  - the median latency of each named query (its default page of 100 rows).

    python bench/run.py --sizes 10 100
"""
from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.queries import catalog  # noqa: E402
from kg.store import Store  # noqa: E402

SAMPLE = ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt"


def make_corpus(folder: Path, n: int) -> None:
    """n disclosures: the sample under other department names and years, every amount multiplied by a whole
    factor (1–7), so that literals differ between documents while totals, rates and shares still add up."""
    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    cell = re.compile(r"(?m)^\t(\d[\d,]*\.\d\d)$")  # a table cell
    money = re.compile(r"(\d[\d,]*\.\d\d)(?=\s*万?元)")  # a narrative amount
    for i in range(n):
        year, factor = 2016 + i % 8, Decimal(1 + i % 7)

        def times(amount: str) -> str:
            return f"{Decimal(amount.replace(',', '')) * factor:,.2f}"

        variant = text.replace("焦作市生态环境局", f"样本市{i // 8}号生态环境局").replace("2020", str(year))
        variant = cell.sub(lambda m: "\t" + times(m.group(1)), variant)
        variant = money.sub(lambda m: times(m.group(1)), variant)
        (folder / f"doc-{i:05d}.txt").write_text(variant, encoding="utf-8")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


# `kg load` as a user runs it (worker processes included), in a process of its own so that its peak
# memory is its own: the writing process's and the largest worker's.
_LOAD = """
import json, resource, sys, time
from kg.load import default_jobs, load_paths
from kg.store import Store
store = Store(sys.argv[1])
jobs = int(sys.argv[3]) or default_jobs()
start = time.perf_counter()
reports = load_paths(store, [sys.argv[2]], jobs=jobs)
seconds = time.perf_counter() - start
# VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so it would report the bench's own size
peak = next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
worker_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "jobs": jobs, "quads": len(store),  # counted after: a scan fills the cache
                  "failed": sum(r.status != "loaded" for r in reports), "peak_mb": peak, "worker_peak_mb": worker_peak}))
"""


def kg_load(store_dir: Path, corpus: Path, jobs: int = 0) -> dict:
    out = subprocess.run([sys.executable, "-c", _LOAD, str(store_dir), str(corpus), str(jobs)], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _rdflib_add(quads) -> None:
    import rdflib
    ds = rdflib.Dataset()
    graphs: dict[str, rdflib.Graph] = {}
    for s, p, o, g in quads:
        if isinstance(o, ox.Literal):
            obj = rdflib.Literal(o.value, lang=o.language) if o.language else \
                rdflib.Literal(o.value, datatype=rdflib.URIRef(o.datatype.value))
        else:
            obj = rdflib.URIRef(o.value)
        graph = graphs.get(g) or graphs.setdefault(g, ds.graph(rdflib.URIRef(g)))
        graph.add((rdflib.URIRef(s), rdflib.URIRef(p), obj))


def bench(n: int, work: Path) -> dict:
    corpus = work / f"corpus-{n}"
    make_corpus(corpus, n)
    store_dir = work / f"store-{n}"
    load = kg_load(store_dir, corpus)

    store = Store(str(store_dir))
    dump = work / f"dump-{n}.nq"
    store._store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    raw_dir = work / f"raw-{n}"
    raw = ox.Store(str(raw_dir))
    _, t_raw = timed(lambda: raw.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS))
    raw_count = len(raw)
    del raw
    shutil.rmtree(raw_dir, ignore_errors=True)

    import rdflib
    with dump.open(encoding="utf-8") as f:  # rdflib is slow: time a slice and report its rate
        lines = list(itertools.islice(f, 200_000))
    ds = rdflib.Dataset()
    _, t_rdflib = timed(lambda: ds.parse(data="".join(lines), format="nquads"))
    rdflib_count = len(lines)
    # what a Python user building the graph would write: terms made and added one quad at a time
    quads = [(q.subject.value, q.predicate.value, q.object, q.graph_name.value)
             for q in ox.parse("".join(lines).encode("utf-8"), format=ox.RdfFormat.N_QUADS)]
    _, t_rdflib_add = timed(lambda: _rdflib_add(quads))
    del ds, lines, quads
    dump.unlink()

    latencies = {}
    for name, q in catalog().items():
        sparql = q.bind()
        times = []
        for _ in range(7):
            _, t = timed(lambda: store.select(sparql))
            times.append(t)
        latencies[name] = statistics.median(times) * 1000
    return {"n": n, "failed": load["failed"], "quads": load["quads"], "t_load": load["seconds"], "jobs": load["jobs"],
            "peak_mb": load["peak_mb"], "worker_peak_mb": load["worker_peak_mb"], "t_raw": t_raw,
            "raw_count": raw_count, "t_rdflib": t_rdflib, "t_rdflib_add": t_rdflib_add, "rdflib_count": rdflib_count,
            "latencies": latencies}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--keep", help="folder to keep the corpora and stores in")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print(f"{'N':>6} {'quads':>11} {'docs/s':>7} {'kg load q/s':>12} {'bulk_load q/s':>14} {'rdflib parse':>12} "
          f"{'rdflib add':>10} {'load/bulk':>9} {'/r.parse':>8} {'/r.add':>7} {'peak MB':>8} {'worker MB':>9} "
          f"{'failed':>6}", flush=True)
    results = []
    for n in args.sizes:
        r = bench(n, work)
        results.append(r)
        load_rate = r["quads"] / r["t_load"]
        raw_rate = r["raw_count"] / r["t_raw"]
        rdflib_rate = r["rdflib_count"] / r["t_rdflib"]
        add_rate = r["rdflib_count"] / r["t_rdflib_add"]
        print(f"{r['n']:>6} {r['quads']:>11,} {r['n'] / r['t_load']:>7.1f} {load_rate:>12,.0f} {raw_rate:>14,.0f} "
              f"{rdflib_rate:>12,.0f} {add_rate:>10,.0f} {load_rate / raw_rate:>9.2f} {load_rate / rdflib_rate:>8.2f} "
              f"{load_rate / add_rate:>7.2f} {r['peak_mb']:>8,.0f} {r['worker_peak_mb']:>9,.0f} {r['failed']:>6}",
              flush=True)
    print()
    names = sorted(results[0]["latencies"])
    print(f"{'median query latency (ms)':<28}" + "".join(f"{'N=' + str(r['n']):>10}" for r in results))
    for name in names:
        print(f"{name:<28}" + "".join(f"{r['latencies'][name]:>10.1f}" for r in results))
    print(f"\nkg load ran {results[-1]['jobs']} worker processes; peak MB is the writing process's, worker MB the "
          "largest worker's; queries ask for their default page (limit=100).")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
