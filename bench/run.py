"""Benchmark: load and query rates on a corpus made by varying the bundled sample.

Prints ratios measured in one run (the machines are shared and noisy):
  - kg load (parsing, checks and RDF included) in documents/s and triples/s;
  - the raw pyoxigraph bulk_load rate of the same triples on disk (the store's limit here);
  - an rdflib load of the same triples (what a Python user would otherwise write);
  - the median latency of each named query.

    python bench/run.py --sizes 10 100
"""
from __future__ import annotations

import argparse
import re
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from kg.load import load_paths  # noqa: E402
from kg.queries import catalog  # noqa: E402
from kg.store import Store  # noqa: E402

SAMPLE = ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt"


def make_corpus(folder: Path, n: int) -> None:
    """n disclosures: the sample under other department names and years, amounts shifted by a few cents."""
    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        year = 2016 + i % 8
        variant = text.replace("焦作市生态环境局", f"样本市{i // 8}号生态环境局").replace("2020", str(year))
        variant = re.sub(r"(?m)^(\t\d[\d,]*\.)(\d)(\d)$",
                         lambda m: f"{m.group(1)}{m.group(2)}{(int(m.group(3)) + i) % 10}", variant)
        (folder / f"doc-{i:05d}.txt").write_text(variant, encoding="utf-8")


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def bench(n: int, work: Path) -> dict:
    corpus = work / f"corpus-{n}"
    make_corpus(corpus, n)
    store_dir = work / f"store-{n}"
    store = Store(str(store_dir))
    reports, t_load = timed(lambda: load_paths(store, [str(corpus)]))
    triples = sum(r.triples for r in reports)
    failed = sum(r.status != "loaded" for r in reports)

    dump = work / f"dump-{n}.nq"
    store._store.dump(str(dump), format=ox.RdfFormat.N_QUADS)
    raw_dir = work / f"raw-{n}"
    raw = ox.Store(str(raw_dir))
    _, t_raw = timed(lambda: raw.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS))
    raw_count = len(raw)
    del raw

    import rdflib
    sample = min(raw_count, 200_000)  # rdflib is slow: time a slice and report its rate
    lines = dump.read_text(encoding="utf-8").splitlines()[:sample]
    ds = rdflib.Dataset()
    _, t_rdflib = timed(lambda: ds.parse(data="\n".join(lines), format="nquads"))

    latencies = {}
    for name, q in catalog().items():
        sparql = q.bind()
        times = []
        for _ in range(5):
            _, t = timed(lambda: store.select(sparql))
            times.append(t)
        latencies[name] = statistics.median(times) * 1000
    shutil.rmtree(raw_dir, ignore_errors=True)
    return {"n": n, "failed": failed, "triples": triples, "store_triples": len(store), "t_load": t_load,
            "t_raw": t_raw, "raw_count": raw_count, "t_rdflib": t_rdflib, "rdflib_count": sample,
            "latencies": latencies}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--keep", help="folder to keep the corpora and stores in")
    args = ap.parse_args()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="kg-bench-"))
    print(f"{'N':>6} {'docs/s':>8} {'kg load t/s':>12} {'bulk_load t/s':>14} {'rdflib t/s':>11} "
          f"{'load/bulk':>9} {'load/rdflib':>11} {'failed':>6}", flush=True)
    results = []
    for n in args.sizes:
        r = bench(n, work)
        results.append(r)
        load_rate = r["triples"] / r["t_load"]
        raw_rate = r["raw_count"] / r["t_raw"]
        rdflib_rate = r["rdflib_count"] / r["t_rdflib"]
        print(f"{r['n']:>6} {r['n'] / r['t_load']:>8.1f} {load_rate:>12,.0f} {raw_rate:>14,.0f} {rdflib_rate:>11,.0f} "
              f"{load_rate / raw_rate:>9.2f} {load_rate / rdflib_rate:>11.2f} {r['failed']:>6}", flush=True)
    print()
    names = sorted(results[0]["latencies"])
    print(f"{'median query latency (ms)':<28}" + "".join(f"{'N=' + str(r['n']):>10}" for r in results))
    for name in names:
        print(f"{name:<28}" + "".join(f"{r['latencies'][name]:>10.1f}" for r in results))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:,.0f} MB")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
