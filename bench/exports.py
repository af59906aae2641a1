"""Benchmark: `kg export` time and memory against the size of the store.

Builds stores of N documents (the sample varied, as bench/run.py does), then, alternating between the sizes
and repeating, times `kg export --format csv` and measures the peak memory (RSS) of `kg export --format nquads`,
each in a process of its own. Prints min and median, the time per figure, and the ratio of the largest size to
the smallest against the ratio of their figures (1.0 is linear).

    python bench/exports.py --sizes 5 50 --memory-size 300
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_corpus  # noqa: E402  (the corpus bench/run.py measures loads on)

KG = [sys.executable, "-m", "cnbudget.kg.cli"]


def load(store: Path, corpus: Path) -> int:
    subprocess.run([*KG, "load", "--store", str(store), "--no-progress", str(corpus)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run([*KG, "query", "--store", str(store), "--format", "csv",
                          "SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }"], check=True,
                         capture_output=True, text=True).stdout
    return int(out.split()[1])


def run_export(store: Path, fmt: str) -> float:
    """Seconds of one `kg export` in a process of its own, its output thrown away."""
    start = time.perf_counter()
    with open(os.devnull, "wb") as sink:
        subprocess.run([*KG, "export", "--store", str(store), "--format", fmt], check=True, stdout=sink)
    return time.perf_counter() - start


def peak_rss(store: Path, fmt: str) -> int:
    """Peak RSS (MB) of `kg export` alone, measured by a child that runs it and reports its own children."""
    code = ("import resource, subprocess, sys, os; "
            f"subprocess.run({KG!r} + ['export', '--store', sys.argv[1], '--format', sys.argv[2]], check=True, "
            "stdout=open(os.devnull, 'wb')); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)")
    return int(subprocess.run([sys.executable, "-c", code, str(store), fmt], check=True, capture_output=True,
                              text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 50])
    parser.add_argument("--memory-size", type=int, default=300, help="documents for the N-Quads memory figure")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--settle", action="store_true",
                        help="compact each store (pyoxigraph's optimize) before timing: the steady state, not a "
                             "store whose compaction is still under way behind the load")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-exports-"))
    try:
        corpus = work / "corpus"
        make_corpus(corpus, max(args.sizes + [args.memory_size]))
        files = sorted(corpus.iterdir())
        stores: dict[int, tuple[Path, int]] = {}
        for n in sorted(set(args.sizes + [args.memory_size])):
            part = work / f"corpus-{n}"
            part.mkdir()
            for f in files[:n]:
                shutil.copy(f, part / f.name)
            store = work / f"store-{n}"
            stores[n] = (store, load(store, part))
            if args.settle:
                subprocess.run([sys.executable, "-c", "import pyoxigraph as ox, sys; s = ox.Store(sys.argv[1]); "
                                "s.optimize(); s.flush()", str(store)], check=True)
            print(f"loaded {n} documents: {stores[n][1]:,} figures", flush=True)
        times: dict[int, list[float]] = {n: [] for n in args.sizes}
        for _ in range(args.repeat):  # alternate the sizes so that a busy moment hits them alike
            for n in args.sizes:
                times[n].append(run_export(stores[n][0], "csv"))
        print("\nkg export --format csv      docs   figures     min s  median s   µs/figure (median)")
        for n in args.sizes:
            figures = stores[n][1]
            print(f"{'':27}{n:5d} {figures:9,d} {min(times[n]):9.2f} {statistics.median(times[n]):9.2f} "
                  f"{statistics.median(times[n]) / figures * 1e6:12.1f}")
        small, large = min(args.sizes), max(args.sizes)
        figure_ratio = stores[large][1] / stores[small][1]
        for label, pick in (("min", min), ("median", statistics.median)):
            ratio = pick(times[large]) / pick(times[small])
            print(f"time ratio {large}/{small} docs ({label}): {ratio:.2f} for {figure_ratio:.2f}× the figures "
                  f"= {ratio / figure_ratio:.2f}× linear")
        peaks = [peak_rss(stores[args.memory_size][0], "nquads") for _ in range(args.repeat)]
        print(f"\nkg export --format nquads, {args.memory_size} documents ({stores[args.memory_size][1]:,} figures): "
              f"peak RSS min {min(peaks)} MB, median {statistics.median(peaks)} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
