"""Benchmark: the search box's latency with 1 and 100 documents loaded, next to the bare SPARQL of the same answer.

Builds a store of 1 and one of 100 documents (the sample under other department names and years, bench/run.py's
corpus), then, alternating between the stores and repeating, times `kg.ask.answer` for each keyword query and the
SPARQL that answer ran (`store.select`, nothing else). The difference is what the keyword
handling adds (segmenting, recognising, choosing and filling a query, shaping the rows): its median is to stay
under 10 ms. The SPARQL is timed inside the same call (the engine's `run` hook, the store's `select` alone),
so noise between two runs does not enter the difference. Also times the dictionary's rebuild after a load
(`kg.ask.dictionary.rebuild`) on each store.

    python bench/search.py --sizes 1 100 --repeat 3 [--work DIR]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_corpus  # noqa: E402  (the corpus bench/run.py measures loads on)

from cnbudget.kg import ask, guard  # noqa: E402
from cnbudget.kg.ask import dictionary  # noqa: E402
from cnbudget.kg.store import Rows, Store  # noqa: E402

KG = [sys.executable, "-m", "cnbudget.kg.cli"]
QUERIES = ["三公经费", "执行率低于90%的单位", "公务接待费 预算 决算", "大气污染防治支出", "固废中心 任务",
           "三公经费 公务接待费 2020", "公务用车运行维护费 比上年", "会议费 培训费", "量子色动力学"]


def load(store: Path, corpus: Path) -> None:
    subprocess.run([*KG, "load", "--store", str(store), "--no-progress", str(corpus)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f}"


def timed_runner(store: Store, spent: list[float]):
    """The engine's own way of running its query (the guard's checks, then the store in this process), with the
    store's time alone added to `spent`: the bare SPARQL time of the same answer, measured inside the same call."""
    def run(sparql: str) -> Rows:
        guard.check(sparql)
        start = time.perf_counter()
        rows = store.select(sparql)
        spent.append(time.perf_counter() - start)
        return rows
    return run


def measure(stores: dict[int, Store], repeat: int, rebuilds: int) -> tuple[dict, dict, dict]:
    """{size: {query: [(ask s, bare SPARQL s)]}}, {query: intent} and {size: [rebuild s]}. First the dictionary's
    rebuild, the stores taking turns (what `kg load` does after writing); then the queries, the stores taking
    turns round by round, a store's turn starting with one answer untimed, as a server's first (the engine keeps
    one store's dictionary and word index at a time)."""
    rebuilt = {n: [] for n in stores}
    for _ in range(max(1, rebuilds)):
        for n, store in stores.items():
            start = time.perf_counter()
            dictionary.rebuild(store)
            rebuilt[n].append(time.perf_counter() - start)
            print(f"dictionary rebuilt on {n} documents: {rebuilt[n][-1]:.2f} s", flush=True)
    timings = {n: {q: [] for q in QUERIES} for n in stores}
    intents: dict[str, str] = {}
    for _ in range(repeat):
        for n, store in stores.items():
            ask.answer(store, QUERIES[0])
            for q in QUERIES:
                spent: list[float] = []
                start = time.perf_counter()
                intents[q] = ask.answer(store, q, run=timed_runner(store, spent)).intent
                timings[n][q].append((time.perf_counter() - start, sum(spent)))
    return timings, intents, rebuilt


def report(timings: dict, intents: dict, rebuilds: dict, figures: dict[int, int]) -> None:
    print("\nper query, median ms           docs      ask   bare SPARQL     added   intent")
    for q in QUERIES:
        for n, by_query in timings.items():
            runs = by_query[q]
            print(f"  {q[:14]:<16}{n:>14} {ms(statistics.median(a for a, _ in runs))}      "
                  f"{ms(statistics.median(b for _, b in runs))} {ms(statistics.median(a - b for a, b in runs))}   "
                  f"{intents[q]}")
    print("\nall queries          docs    figures   median ms    p95 ms   bare SPARQL median   added median  added p95")
    for n, by_query in timings.items():
        runs = [r for rs in by_query.values() for r in rs]
        asked, bare, added = [a for a, _ in runs], [b for _, b in runs], [a - b for a, b in runs]
        print(f"  {'':<18}{n:>6} {figures[n]:>10,}    {ms(statistics.median(asked))}  {ms(p95(asked))}"
              f"             {ms(statistics.median(bare))}       {ms(statistics.median(added))}   {ms(p95(added))}")
    print("\ndictionary rebuild after a load   docs    min ms   median ms")
    for n, times in rebuilds.items():
        print(f"  {'':<32}{n:>5} {ms(min(times))}   {ms(statistics.median(times))}")
    worst = max(statistics.median(a - b for rs in by_query.values() for a, b in rs) for by_query in timings.values())
    print(f"\nkeyword handling adds {worst * 1000:.1f} ms at the median, at most over the sizes (target: under 10 ms): "
          + ("met" if worst < 0.010 else "NOT met"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rebuilds", type=int, default=1, help="times the dictionary is rebuilt per store")
    parser.add_argument("--work", type=Path, help="a folder to keep the corpus and stores in, and to reuse them "
                                                  "from on the next run (default: a temporary one, removed)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="kg-bench-search-"))
    try:
        corpus = work / "corpus"
        if not corpus.is_dir() or len(list(corpus.iterdir())) < max(args.sizes):
            make_corpus(corpus, max(args.sizes))
        files = sorted(corpus.iterdir())
        stores, figures = {}, {}
        for n in sorted(set(args.sizes)):
            path = work / f"store-{n}"
            if not path.is_dir():
                part = work / f"corpus-{n}"
                part.mkdir(exist_ok=True)
                for f in files[:n]:
                    shutil.copy(f, part / f.name)
                load(path, part)
            stores[n] = Store(str(path), read_only=True)
            figures[n] = int(stores[n].select("SELECT (COUNT(?o) AS ?n) WHERE { ?o a qb:Observation }")
                             .rows[0][0].value)
            print(f"loaded {n} documents: {figures[n]:,} figures", flush=True)
        report(*measure(stores, args.repeat, args.rebuilds), figures)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
