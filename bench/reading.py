"""Benchmark: how long (CPU seconds) `load_file` takes to read each sample document, this checkout against another one (e.g.
the main branch), alternated in fresh processes; prints per document the min and median of each and their ratio.

    python bench/reading.py --other /work/main --runs 7
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt",
             *sorted((ROOT / "tests" / "fixtures" / "hand-read").glob("*.txt"))]
_TIMER = """
import sys, time
sys.path.insert(0, sys.argv[1])
from cnbudget.loaders.dispatch import load_file
from cnbudget.loaders.errors import LoadError
load_file(sys.argv[4])  # another document first: the code lists read, as in a load of many documents
start = time.process_time()  # CPU time: what the reading costs, less what other processes take from it
for _ in range(int(sys.argv[3])):
    try:
        load_file(sys.argv[2])
    except LoadError:
        pass
print(time.process_time() - start)
"""


def _checkout_path(checkout: Path, scratch: Path) -> str:
    """A directory holding a `cnbudget` link to the checkout (the package is the checkout's top level)."""
    link_dir = scratch / checkout.name.replace("/", "_")
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / "cnbudget"
    if not link.exists():
        link.symlink_to(checkout.resolve())
    return str(link_dir)


def _time(path: str, document: Path, repeat: int) -> float:
    warm = next(d for d in DOCUMENTS if d != document and "jiaozuo" not in d.name)
    out = subprocess.run([sys.executable, "-c", _TIMER, path, str(document), str(repeat), str(warm)], check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--other", type=Path, required=True, help="the checkout to compare with")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=1, help="timed loads of a document per run (the first is "
                        "the one that counts: a second finds the text's normal form cached)")
    parser.add_argument("--only", default="", help="the documents whose name contains this")
    args = parser.parse_args()
    import tempfile
    scratch = Path(tempfile.mkdtemp())
    this, other = _checkout_path(ROOT, scratch / "this"), _checkout_path(args.other, scratch / "other")
    total = {"this": [], "other": []}
    for document in [d for d in DOCUMENTS if args.only in d.name]:
        times = {"this": [], "other": []}
        for _ in range(args.runs):  # alternated, so that a busy moment hits both
            times["other"].append(_time(other, document, args.repeat))
            times["this"].append(_time(this, document, args.repeat))
        for k in times:
            total[k].append(min(times[k]))
        t, o = times["this"], times["other"]
        print(f"{document.name:45s} this min {min(t):.3f}s median {statistics.median(t):.3f}s | other min "
              f"{min(o):.3f}s median {statistics.median(o):.3f}s | ratio min {min(t) / min(o):.2f} "
              f"median {statistics.median(t) / statistics.median(o):.2f}")
    print(f"all documents: sum of minima this {sum(total['this']):.3f}s other {sum(total['other']):.3f}s "
          f"ratio {sum(total['this']) / sum(total['other']):.2f}")


if __name__ == "__main__":
    main()
