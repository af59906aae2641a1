"""Benchmark: the cost of one document against the size of the store it goes into (issue 12, item 2).

Builds a store of N documents once (the sample under other names, years and amounts, as bench/run.py makes
them; kept with --keep and reused), then alternates, each in a process of its own and timed inside it (the
store opened, its recovery check and the load, not the interpreter's start):
  - add: a document new to the store into the N-document store, against the same document into an empty one;
  - reload: a document the store holds, loaded again unchanged, against the same into a store of it alone.
Each timed load does what `kg load` does: the documents, the derived graphs, the search box's words of the
documents written (kg/ask/parts.py) and the summary's count.
Prints min and median of each and the ratios (1.0: the store's size costs nothing).

    python bench/incremental.py --size 300 --repeat 3 --keep /tmp/kg-300
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, make_corpus  # noqa: E402

_TIMED = """
import json, sys, time
start = time.perf_counter()
from cnbudget.kg import ask
from cnbudget.kg.load import load_paths
from cnbudget.kg.store import Store
imported = time.perf_counter()
store = Store(sys.argv[1])
reports = load_paths(store, [sys.argv[2]], jobs=1)
ask.refresh(store, [r.graph for r in reports])  # as `kg load` does after its documents
count = store.quad_count()
store.close()
done = time.perf_counter()
assert all(r.status == "loaded" for r in reports), reports
print(json.dumps({"seconds": done - imported, "quads": count}))
"""


def timed_load(store: Path, document: Path) -> float:
    out = subprocess.run([sys.executable, "-c", _TIMED, str(store), str(document)], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])["seconds"]


def build(store: Path, corpus: Path, n: int) -> None:
    part = corpus.parent / f"first-{n}"
    part.mkdir(exist_ok=True)
    for f in sorted(corpus.iterdir())[:n]:
        shutil.copy(f, part / f.name)
    subprocess.run([sys.executable, "-m", "cnbudget.kg.cli", "load", "--store", str(store), "--no-progress",
                    str(part)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def summary(label: str, large: list[float], small: list[float], n: int) -> None:
    print(f"{label:8} into {n} documents: min {min(large):6.2f} s median {statistics.median(large):6.2f} s | "
          f"alone: min {min(small):6.2f} s median {statistics.median(small):6.2f} s | ratio min "
          f"{min(large) / min(small):.2f}, median {statistics.median(large) / statistics.median(small):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="folder to build the store in once and reuse")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kg-bench-incremental-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        corpus = work / "corpus"
        if not corpus.exists():
            make_corpus(corpus, args.size + 2 * args.repeat)
        files = sorted(corpus.iterdir())
        big = work / f"store-{args.size}"
        if not big.exists():
            build(big, corpus, args.size)
            print(f"built a store of {args.size} documents in {big}", flush=True)
        # new documents: the corpus beyond the store's, a fresh one each run (the store grows by one a run)
        new = [f for f in files[args.size:] if not (work / "added" / f.name).exists()][:args.repeat]
        if len(new) < args.repeat:
            sys.exit(f"{work}: too few documents left to add; remove it to build again")
        (work / "added").mkdir(exist_ok=True)
        reloaded = files[args.size // 2]
        times: dict[str, list[float]] = {k: [] for k in ("add", "add-alone", "reload", "reload-alone")}
        for k, doc in enumerate(new):  # alternated, so that a busy moment hits both alike
            empty, alone = work / f"empty-{k}", work / f"alone-{k}"
            for folder in (empty, alone):
                shutil.rmtree(folder, ignore_errors=True)
            times["add-alone"].append(timed_load(empty, doc))
            times["add"].append(timed_load(big, doc))
            (work / "added" / doc.name).touch()
            timed_load(alone, reloaded)  # the store of that document alone
            times["reload-alone"].append(timed_load(alone, reloaded))
            times["reload"].append(timed_load(big, reloaded))
            for folder in (empty, alone):
                shutil.rmtree(folder, ignore_errors=True)
        summary("add", times["add"], times["add-alone"], args.size)
        summary("reload", times["reload"], times["reload-alone"], args.size)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
