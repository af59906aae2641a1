"""Benchmark: load and query rates on a corpus made by varying the bundled sample.

Prints ratios measured in one run (the machines are shared and noisy):
  - kg load (parsing, checks and RDF included, worker processes as `kg load` runs them) in documents/s
    and quads/s, with its peak memory;
  - the raw pyoxigraph bulk_load rate of the same triples on disk (the store's limit here), in one call,
    and its rate and peak memory in calls of about eight documents as kg load makes them (the store's own);
  - an rdflib-based load (what a Python user would otherwise write), on the first eight documents: the same
    parsing and checks, the quads added one at a time as rdflib terms (Graph.add), the dataset saved to
    disk as N-Quads; and, in memory only, rdflib's Graph.add and its N-Quads parser alone on those quads;
  - the median latency of each named query (its default page of 100 rows).

    python bench/run.py --sizes 10 100
"""
from __future__ import annotations

import argparse
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

import pyoxigraph as ox

from cnbudget.kg.queries import catalog
from cnbudget.kg.store import Store

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
from cnbudget.kg.load import default_jobs, load_paths
from cnbudget.kg.store import Store
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


# the raw bulk loader on the same quads, in a process of its own for the same reason: in one call (the
# rate) or in calls of `chunk` lines (the memory the store itself takes when written as kg load writes it)
_RAW = """
import json, sys, time, pyoxigraph as ox
store, dump, chunk = ox.Store(sys.argv[1]), sys.argv[2], int(sys.argv[3])
start = time.perf_counter()
if chunk:
    with open(dump, "rb") as f:
        while lines := [l for _, l in zip(range(chunk), f)]:
            store.bulk_load(b"".join(lines), format=ox.RdfFormat.N_QUADS)
else:
    store.bulk_load(path=dump, format=ox.RdfFormat.N_QUADS)
seconds = time.perf_counter() - start
peak = next(int(l.split()[1]) / 1024 for l in open("/proc/self/status") if l.startswith("VmHWM:"))
print(json.dumps({"seconds": seconds, "quads": len(store), "peak_mb": peak}))
"""


def _child(script: str, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _rdflib_add(quads):
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
    return ds


def rdflib_rates(files: list[Path], work: Path) -> dict:
    """The first documents loaded with rdflib doing the RDF: parsed and checked as kg load does (prepare),
    their quads added as rdflib terms one at a time, the dataset saved to disk. The quads are turned into
    plain strings untimed, as a builder would hold them; only rdflib's work and the parsing are timed."""
    import rdflib
    from cnbudget.kg.load import prepare
    docs, t_prepare = timed(lambda: [prepare(f) for f in files])
    data = b"".join(d.quads + d.reference for d in docs)
    quads = [(q.subject.value, q.predicate.value, q.object, q.graph_name.value)
             for q in ox.parse(data, format=ox.RdfFormat.N_QUADS)]
    ds, t_add = timed(lambda: _rdflib_add(quads))
    _, t_save = timed(lambda: ds.serialize(destination=str(work / "rdflib.nq"), format="nquads"))
    count = len(ds)  # distinct quads, as the store counts them
    del ds, quads
    (work / "rdflib.nq").unlink()
    parsed = rdflib.Dataset()
    _, t_parse = timed(lambda: parsed.parse(data=data.decode("utf-8"), format="nquads"))
    return {"rdflib_count": count, "t_rdflib_load": t_prepare + t_add + t_save, "t_rdflib_add": t_add,
            "t_rdflib_parse": t_parse, "rdflib_parse_count": len(parsed)}


def bench(n: int, work: Path) -> dict:
    corpus = work / f"corpus-{n}"
    make_corpus(corpus, n)
    store_dir = work / f"store-{n}"
    load = _child(_LOAD, store_dir, corpus, 0)

    store = Store(str(store_dir))
    dump = work / f"dump-{n}.nq"
    store._store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    raw = {}
    for name, chunk in (("whole", 0), ("groups", 8 * load["quads"] // n)):
        raw[name] = _child(_RAW, work / f"raw-{n}-{name}", dump, chunk)
        shutil.rmtree(work / f"raw-{n}-{name}", ignore_errors=True)
    dump.unlink()
    rdflib = rdflib_rates(sorted(corpus.iterdir())[:8], work)

    latencies = {}
    for name, q in catalog().items():
        sparql = q.bind()
        times = []
        for _ in range(7):
            _, t = timed(lambda: store.select(sparql))
            times.append(t)
        latencies[name] = statistics.median(times) * 1000
    return {"n": n, "failed": load["failed"], "quads": load["quads"], "t_load": load["seconds"], "jobs": load["jobs"],
            "peak_mb": load["peak_mb"], "worker_peak_mb": load["worker_peak_mb"], "t_raw": raw["whole"]["seconds"],
            "raw_count": raw["whole"]["quads"], "raw_peak_mb": raw["groups"]["peak_mb"],
            "t_raw_groups": raw["groups"]["seconds"], **rdflib, "latencies": latencies}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--keep", help="folder to keep the corpora and stores in")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    columns = [("N", 6), ("quads", 11), ("docs/s", 7), ("kg load q/s", 11), ("bulk q/s", 9), ("bulk×8 q/s", 10),
               ("rdflib load", 11), ("r.add mem", 9), ("r.parse mem", 11), ("÷bulk", 6), ("÷r.load", 7), ("÷r.add", 6), ("÷r.parse", 8),
               ("peak MB", 7), ("bulk MB", 7), ("worker MB", 9), ("failed", 6)]
    print(" ".join(f"{name:>{width}}" for name, width in columns), flush=True)
    results = []
    for n in args.sizes:
        r = bench(n, work)
        results.append(r)
        load = r["quads"] / r["t_load"]
        rates = [r["raw_count"] / r["t_raw"], r["rdflib_count"] / r["t_rdflib_load"],
                 r["rdflib_count"] / r["t_rdflib_add"], r["rdflib_parse_count"] / r["t_rdflib_parse"]]
        cells = [f"{r['n']:,}", f"{r['quads']:,}", f"{r['n'] / r['t_load']:.1f}", f"{load:,.0f}", f"{rates[0]:,.0f}",
                 f"{r['raw_count'] / r['t_raw_groups']:,.0f}", *(f"{x:,.0f}" for x in rates[1:]),
                 *(f"{load / x:.2f}" for x in rates),
                 f"{r['peak_mb']:,.0f}", f"{r['raw_peak_mb']:,.0f}", f"{r['worker_peak_mb']:,.0f}", f"{r['failed']}"]
        print(" ".join(f"{c:>{w}}" for c, (_, w) in zip(cells, columns)), flush=True)
    print()
    names = sorted(results[0]["latencies"])
    print(f"{'median query latency (ms)':<28}" + "".join(f"{'N=' + str(r['n']):>10}" for r in results))
    for name in names:
        print(f"{name:<28}" + "".join(f"{r['latencies'][name]:>10.1f}" for r in results))
    print(f"\nkg load ran {results[-1]['jobs']} worker processes. rdflib load: the first 8 documents parsed and "
          "checked as kg load does, their quads added with Graph.add and saved as N-Quads, in one process; "
          "r.add mem and r.parse mem: Graph.add alone and rdflib's N-Quads parser alone, in memory. bulk q/s: the raw "
          "bulk loader in one call; bulk×8 q/s and bulk MB: in calls of 8 documents' quads. peak MB is "
          "kg load's writing process, worker MB the "
          "largest worker. Queries ask for their default page (limit=100).")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
