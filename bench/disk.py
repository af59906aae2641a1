"""Benchmark: what the store keeps on disk per document and per figure, and where it goes (issue 12, item 3).

Loads N documents (the sample varied, as bench/run.py makes them; or --store: one already built) and prints
  - the quads of one document's graph by predicate, per figure (qb:Observation of its tables and narrative);
  - bytes on disk per document and per figure: as the load leaves the store, then after pyoxigraph's
    `flush()` and `optimize()` (a compaction of every index);
  - the quads each store holds in all (the shared graphs: ontology, code lists, labels, year links);
  - with --variants, the same per document for the store's quads written otherwise (table files only): by
    pyoxigraph's bulk loader into a fresh store (sorted, at the last level, which it compresses with LZ4), and a
    leaner graph (what a table, a row, a column shares moved from each figure to the data set, the row, the
    column, as a Data Cube normalisation would derive it back; the leanest also without each figure's type and
    amount in yuan) each way, through transactions and bulk.

    python bench/disk.py --size 20
    python bench/disk.py --size 10 --variants
    python bench/disk.py --store /tmp/kg-300/store-300
"""
from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import ROOT, make_corpus  # noqa: E402

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OBSERVATION = ox.NamedNode("http://purl.org/linked-data/cube#Observation")
DISCLOSURE = ox.NamedNode("https://w3id.org/cnbudget/def#Disclosure")


def disk_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def by_predicate(store: ox.Store) -> None:
    graph = next(g for g in store.named_graphs() if "/graph/" in g.value and "-final-" in g.value)
    quads = list(store.quads_for_pattern(None, None, None, graph))
    figures = sum(1 for q in quads if q.predicate == RDF_TYPE and q.object == OBSERVATION)
    counts = collections.Counter(q.predicate.value.rsplit("#", 1)[-1].rsplit("/", 1)[-1] for q in quads)
    print(f"one document's graph ({graph.value}): {len(quads):,} quads, {figures:,} figures, "
          f"{len(quads) / figures:.1f} quads per figure")
    print("  predicate                    quads  per figure")
    for name, n in counts.most_common(30):
        print(f"  {name:26} {n:7,d} {n / figures:10.2f}")
    print(f"  {'(others)':26} {sum(n for _, n in counts.most_common()[30:]):7,d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--size", type=int, default=20)
    parser.add_argument("--store", type=Path, help="a store already loaded: measured as it is, then optimized")
    parser.add_argument("--variants", action="store_true", help="also the same quads, and a leaner graph, written "
                                                                "otherwise (in a temporary folder)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kg-bench-disk-"))
    try:
        path = args.store
        if path is None:
            make_corpus(work / "corpus", args.size)
            path = work / "store"
            subprocess.run([sys.executable, "-m", "cnbudget.kg.cli", "load", "--store", str(path), "--no-progress",
                            str(work / "corpus")], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        store = ox.Store(str(path))
        docs = sum(1 for _ in store.quads_for_pattern(None, RDF_TYPE, DISCLOSURE))
        figures = sum(1 for _ in store.quads_for_pattern(None, RDF_TYPE, OBSERVATION))
        quads = len(store)
        by_predicate(store)
        print(f"\nstore: {docs} documents, {figures:,} figures, {quads:,} quads ({quads / docs:,.0f} a document)")
        for label, step in (("as loaded", None), ("flushed", store.flush), ("optimized", store.optimize)):
            if step:
                step()
            size = disk_bytes(path)
            print(f"  {label:10} {size / 1e6:9.1f} MB: {size / docs / 1e6:6.2f} MB a document, "
                  f"{size / figures:6.0f} bytes a figure, {size / quads:5.0f} bytes a quad")
        if args.variants:
            variants(store, work, docs, figures)
    finally:
        shutil.rmtree(work, ignore_errors=True)


QB, BUD = "http://purl.org/linked-data/cube#", "https://w3id.org/cnbudget/def#"
# a figure's values shared by its table, its row, its column (bench/disk.py --variants)
TABLE = {BUD + p for p in ("department", "fiscalYear", "budgetPhase", "currencyUnit", "disclosure")} | \
    {"http://www.w3.org/ns/prov#wasDerivedFrom"}
ROW = {BUD + p for p in ("rowLabel", "rowCode", "isLeafRow", "functionalSubject", "economicSubject", "sourceLine",
                         "subjectLevel", "lineNumber")}
COLUMN = {BUD + p for p in ("measureLabel", "columnNumber", "measure", "measureGroup", "tableSide", "side")}


def leanest(quads: list) -> list:
    """leaner(), and without what a figure's other values derive: its rdf:type (qb:dataSet's domain) and its
    amount in yuan (its amount and its table's currency unit): 4 quads a figure, a bound no model goes below
    without dropping what the document says."""
    figures = {(q.subject, q.graph_name) for q in quads if q.predicate == RDF_TYPE and q.object == OBSERVATION}
    return [q for q in leaner(quads) if (q.subject, q.graph_name) not in figures or
            not (q.predicate == RDF_TYPE or q.predicate.value == BUD + "amountYuan")]


def leaner(quads: list) -> list:
    """The quads with each figure's TABLE, ROW, COLUMN values moved to its data set, row, column (once each)."""
    figures = {(q.subject, q.graph_name) for q in quads if q.predicate == RDF_TYPE and q.object == OBSERVATION}
    where: dict = collections.defaultdict(dict)
    for q in quads:
        if (q.subject, q.graph_name) in figures and q.predicate.value in (QB + "dataSet", BUD + "tableRow",
                                                                            BUD + "tableColumn"):
            where[(q.subject, q.graph_name)][q.predicate.value] = q.object
    out = set()
    for q in quads:
        key, p = (q.subject, q.graph_name), q.predicate.value
        if key in figures:
            to = where[key].get(QB + "dataSet" if p in TABLE else BUD + "tableRow" if p in ROW else
                                BUD + "tableColumn" if p in COLUMN else "")
            if to is not None:
                out.add(ox.Quad(to, q.predicate, q.object, q.graph_name))
                continue
        out.add(q)
    return list(out)


def variants(store: ox.Store, work: Path, docs: int, figures: int) -> None:
    quads = list(store)
    lean, least = leaner(quads), leanest(quads)
    print(f"\nwritten otherwise (table files only, after optimize()); the leaner graph: {len(lean):,} quads, "
          f"{len(lean) / len(quads):.2f} of them; the leanest: {len(least):,}, {len(least) / len(quads):.2f}")
    for name, qs in (("same quads", quads), ("leaner graph", lean), ("leanest", least)):
        for how in ("transactions", "bulk loader"):
            folder = work / f"{name}-{how}".replace(" ", "-")
            other = ox.Store(str(folder))
            if how == "bulk loader":
                other.bulk_extend(qs)
            else:
                for i in range(0, len(qs), 20_000):
                    other.extend(qs[i:i + 20_000])
            other.flush()
            other.optimize()
            del other
            size = sum(f.stat().st_size for f in folder.glob("*.sst"))
            print(f"  {name:12} {how:12} {size / 1e6:9.1f} MB: {size / docs / 1e6:6.2f} MB a document, "
                  f"{size / figures:6.0f} bytes a figure, {size / len(qs):5.0f} bytes a quad")
            shutil.rmtree(folder, ignore_errors=True)
    # how long the bulk loader's compressed files last: all documents but one bulk-written, that one added
    # through a transaction, then compacted as any store is sooner or later
    first = next(g for g in store.named_graphs() if "/graph/" in g.value and "-final-" in g.value)
    folder = work / "bulk-then-one-more"
    other = ox.Store(str(folder))
    other.bulk_extend([q for q in quads if q.graph_name != first])
    other.flush()
    sizes = [sum(f.stat().st_size for f in folder.glob("*.sst"))]
    other.extend([q for q in quads if q.graph_name == first])
    other.flush()
    sizes.append(sum(f.stat().st_size for f in folder.glob("*.sst")))
    other.optimize()
    sizes.append(sum(f.stat().st_size for f in folder.glob("*.sst")))
    del other
    shutil.rmtree(folder, ignore_errors=True)
    print("  same quads, all documents but one bulk-written: {:.1f} MB; the last added in a transaction: {:.1f} MB; "
          "then optimize(): {:.1f} MB".format(*(x / 1e6 for x in sizes)))


if __name__ == "__main__":
    main()
