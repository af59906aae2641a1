"""Benchmark: `kg load` against the raw bulk loader of the same quads, and against rdflib; query latencies.

The corpus is bench/corpus.py's: every real fixture (the sample, the real documents and fragments under
tests/fixtures) as text, .docx, .xlsx and PDF, copies told apart by department and amounts. For each size,
alternating the compared runs and repeating them (--repeat, at least 3), each run in a process of its own
on a fresh store:
  - kg load: the corpus folder loaded as `kg load` loads it (parsing, checks, RDF, its worker processes);
  - bulk_load: the N-Quads export of that loaded store (the same quads) bulk-loaded by pyoxigraph's
    Store.bulk_load into a fresh on-disk store, in one call: the store's own limit, the headline ratio;
  - rdflib: what a Python user would write to load that N-Quads file: rdflib.Dataset().parse(file,
    format="nquads") into rdflib's default in-memory store (no persistent rdflib store is installed);
and prints the min and median of each, their ratios (kg load ÷ bulk_load is the share of the raw store's
speed kg load keeps), peak memory, and the median latency of each named query (in process, default page).

    python bench/run.py --sizes 68 272 --repeat 3
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py)

ROOT = corpus.ROOT

# VmHWM, not ru_maxrss: on Linux ru_maxrss survives exec, so it would report the parent's size
_PEAK = "next(int(l.split()[1]) / 1024 for l in open('/proc/self/status') if l.startswith('VmHWM:'))"

# `kg load` as a user runs it (worker processes included), in a process of its own
_LOAD = f"""
import json, sys, time
from cnbudget.kg.load import default_jobs, load_paths
from cnbudget.kg.store import Store
store = Store(sys.argv[1])
start = time.perf_counter()
reports = load_paths(store, [sys.argv[2]], jobs=default_jobs())
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "jobs": default_jobs(), "failed": sum(r.status != "loaded" for r in reports),
                  "documents": len(reports), "peak_mb": {_PEAK}}}))
"""

# the raw bulk loader on the export of that store, in one call
_BULK = f"""
import json, sys, time, pyoxigraph as ox
store = ox.Store(sys.argv[1])
start = time.perf_counter()
store.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS)
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "quads": len(store), "peak_mb": {_PEAK}}}))
"""

# rdflib as a Python user loads an N-Quads file
_RDFLIB = f"""
import json, sys, time, rdflib
start = time.perf_counter()
ds = rdflib.Dataset()
ds.parse(sys.argv[1], format="nquads")
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "quads": len(ds), "peak_mb": {_PEAK}}}))
"""


def make_corpus(folder: Path, n: int) -> None:
    """The former corpus, kept for bench/exports.py: the sample alone, n copies under other department names and
    years, amounts multiplied by 1–7 (tab-layout text only)."""
    import re
    from decimal import Decimal
    text = (ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt").read_text(encoding="utf-8")
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


def _child(script: str, *args) -> dict:
    out = subprocess.run([sys.executable, "-c", script, *map(str, args)], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def export_nquads(store_dir: Path, dump: Path) -> int:
    """The loaded store's N-Quads export (kg export's writer); its number of quads."""
    from cnbudget.kg.export import export
    from cnbudget.kg.store import Store
    with open(dump, "wb") as out:
        export(Store(str(store_dir)), "nquads", out)
    return sum(1 for _ in open(dump, "rb"))


def query_latencies(store_dir: Path, repeat: int) -> dict[str, float]:
    """Median seconds of each named query (its default page), the queries alternated."""
    from cnbudget.kg.queries import catalog
    from cnbudget.kg.store import Store
    store, queries = Store(str(store_dir)), catalog()
    times: dict[str, list[float]] = {name: [] for name in queries}
    for _ in range(repeat):
        for name, q in queries.items():
            sparql = q.bind()
            start = time.perf_counter()
            store.select(sparql)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


def bench(sizes: list[int], repeat: int, work: Path) -> dict:
    combos = corpus.survey(verbose=False)
    files = corpus.make(work / "corpus", max(sizes), combos)
    runs: dict[int, dict[str, list[dict]]] = {n: {"kg load": [], "bulk_load": [], "rdflib": []} for n in sizes}
    info: dict[int, dict] = {}
    for n in sizes:
        folder = work / f"corpus-{n}"
        folder.mkdir(exist_ok=True)
        for f in files[:n]:
            target = folder / f.name
            if not target.exists():
                target.hardlink_to(f)
        info[n] = {"folder": folder, "formats": sorted({f.suffix for f in files[:n]}),
                   "sources": len({f.stem.split("-", 2)[2] for f in files[:n]}), "dump": work / f"dump-{n}.nq"}
    for r in range(repeat):
        for n in sizes:  # alternated: the sizes, and within a size the three loaders, so a busy spell hits all
            store = work / f"store-{n}-{r}"
            runs[n]["kg load"].append(_child(_LOAD, store, info[n]["folder"]))
            if r == 0:
                info[n]["quads"] = export_nquads(store, info[n]["dump"])
                info[n]["latencies"] = query_latencies(store, 7)
            shutil.rmtree(store)
            bulk = work / f"bulk-{n}-{r}"
            runs[n]["bulk_load"].append(_child(_BULK, bulk, info[n]["dump"]))
            shutil.rmtree(bulk)
            runs[n]["rdflib"].append(_child(_RDFLIB, info[n]["dump"]))
            print(f"  run {r + 1}/{repeat}, {n} documents: " + ", ".join(
                f"{k} {v[-1]['seconds']:.1f} s" for k, v in runs[n].items()), file=sys.stderr, flush=True)
    return {"runs": runs, "info": info}


def report(result: dict, repeat: int) -> None:
    runs, info = result["runs"], result["info"]
    print(f"\n{'docs':>6} {'quads':>10} {'':<10} {'min s':>8} {'median s':>9} {'quads/s':>10} {'peak MB':>8}"
          f"   kg load ÷ this (quads/s, min | median)")
    for n, by in runs.items():
        quads = info[n]["quads"]
        load = [x["seconds"] for x in by["kg load"]]
        for name, xs in by.items():
            s = [x["seconds"] for x in xs]
            ratio = "" if name == "kg load" else \
                f"   {min(s) / min(load):.2f} | {statistics.median(s) / statistics.median(load):.2f}"
            print(f"{n:>6,} {quads:>10,} {name:<10} {min(s):>8.1f} {statistics.median(s):>9.1f} "
                  f"{quads / statistics.median(s):>10,.0f} {max(x['peak_mb'] for x in xs):>8,.0f}{ratio}")
        counts = {name: xs[-1].get("quads") for name, xs in by.items() if name != "kg load"}
        failed = by["kg load"][-1]["failed"]
        print(f"{'':>6} {info[n]['sources']} sources as {' '.join(info[n]['formats'])}; {failed} failed; "
              f"quads read back: bulk_load {counts['bulk_load']:,}, rdflib {counts['rdflib']:,}")
    print(f"\n{'median query latency (ms)':<28}" + "".join(f"{'N=' + str(n):>10}" for n in runs))
    for name in sorted(next(iter(info.values()))["latencies"]):
        print(f"{name:<28}" + "".join(f"{info[n]['latencies'][name] * 1000:>10.1f}" for n in runs))
    print(f"\nEach figure: min and median of {repeat} runs, the sizes and loaders alternated, each run a process of "
          f"its own on a fresh store. kg load: the corpus folder with {runs and next(iter(runs.values()))['kg load'][0]['jobs']} "
          "worker processes, parsing and checks included. bulk_load: pyoxigraph Store.bulk_load of the N-Quads "
          "export of the store kg load made, one call, on disk. rdflib: rdflib.Dataset().parse(<that file>, "
          "format='nquads') into rdflib's in-memory store. A ratio above 1 means that loader is slower than kg load. "
          "peak MB: the largest of the runs (kg load's writing process; its workers not counted).")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs="+", default=[68, 272])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="folder to keep the corpus in (and build it once)")
    args = ap.parse_args()
    if args.repeat < 3:
        ap.error("--repeat: at least 3 (a min and a median of fewer runs say little on a shared machine)")
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        report(bench(args.sizes, args.repeat, work), args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
