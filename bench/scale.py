"""The large run: one store grown to N documents by `kg load`, step by step, then its export bulk-loaded elsewhere.

Builds (or resumes) the corpus of bench/corpus.py in WORK/corpus, then for each size in --sizes loads the next
documents into WORK/store with `kg load` (one process, its worker processes as it runs them), and records
the step's wall time, the store's disk use and, at the sizes in --query-sizes, each named query's min and
median over --repeat runs of `kg query NAME` (queries alternated). A step that the last rate says would end
after --deadline (UTC, HH:MM) is not started: the run stops at the largest size done, and says so.

At the largest size done: `kg export --format nquads` to a file, then, alternated and repeated, that file
bulk-loaded into a fresh store by
  - pyoxigraph's Store.bulk_load (the embedded store's raw loader);
  - `oxigraph load` (the server's own bulk loader, the `oxigraph` CLI; then `oxigraph serve` would serve it);
  - Virtuoso's bulk loader (ld_dir + rdf_loader_run + checkpoint through isql, a server of
    scripts/virtuoso.sh), counted afterwards;
each with its quads per second. Results go to WORK/scale.json (re-read when the run is resumed) and stdout.

    nice -n 15 python bench/scale.py --work /work/b12 --sizes 1000 2500 5000 10000 --deadline 06:10
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (bench/corpus.py)

ROOT = corpus.ROOT
KG = [sys.executable, "-m", "cnbudget.kg.cli"]
BIN = Path(sys.executable).parent
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
VIRTUOSO = ROOT / "scripts" / "virtuoso.sh"


def du(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def timed_run(cmd: list[str], **kw) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, **kw)
    return time.perf_counter() - start


def named_queries() -> list[str]:
    from cnbudget.kg.queries import catalog
    return sorted(catalog())


def query_times(store: Path, repeat: int) -> dict:
    """Each named query through `kg query` (a process each, as a user runs it): min and median seconds."""
    names, times, errors = named_queries(), {}, {}
    for _ in range(repeat):
        for name in names:  # alternated: a busy moment hits every query alike
            start = time.perf_counter()
            r = subprocess.run([*KG, "query", "--store", str(store), "--format", "csv", "--timeout", "600", name],
                               capture_output=True, text=True)
            if r.returncode:
                errors[name] = r.stderr.strip()[-300:]
            times.setdefault(name, []).append(time.perf_counter() - start)
    return {n: {"min": min(t), "median": statistics.median(t), "error": errors.get(n)} for n, t in times.items()}


def in_process_times(store: Path, repeat: int) -> dict:
    """Each named query's default page in this process, the store opened once: the query's own cost, without
    the ~1 s a `kg query` process takes to start."""
    code = ("import json, statistics, sys, time\n"
            "from cnbudget.kg.queries import catalog\nfrom cnbudget.kg.store import Store\n"
            "store, queries, times = Store(sys.argv[1], read_only=True), catalog(), {}\n"
            "for _ in range(int(sys.argv[2])):\n"
            "    for name, q in queries.items():\n"
            "        t = time.perf_counter(); rows = store.select(q.bind())\n"
            "        times.setdefault(name, []).append(time.perf_counter() - t)\n"
            "print(json.dumps({n: {'min': min(t), 'median': statistics.median(t)} for n, t in times.items()}))")
    out = subprocess.run([sys.executable, "-c", code, str(store), str(repeat)], check=True, capture_output=True,
                         text=True).stdout
    return json.loads(out)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pyoxigraph_load(dump: Path, folder: Path) -> tuple[float, int]:
    code = ("import sys, time, pyoxigraph as ox; s = ox.Store(sys.argv[1]); t = time.perf_counter(); "
            "s.bulk_load(path=sys.argv[2], format=ox.RdfFormat.N_QUADS); t = time.perf_counter() - t; "
            "print(t, len(s))")
    out = subprocess.run([sys.executable, "-c", code, str(folder), str(dump)], check=True, capture_output=True,
                         text=True).stdout.split()
    return float(out[0]), int(out[1])


def oxigraph_load(dump: Path, folder: Path) -> tuple[float, int]:
    seconds = timed_run([OXIGRAPH, "load", "--location", str(folder), "--file", str(dump)],
                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    code = "import sys, pyoxigraph as ox; print(len(ox.Store.read_only(sys.argv[1])))"
    count = int(subprocess.run([sys.executable, "-c", code, str(folder)], check=True, capture_output=True,
                               text=True).stdout)
    return seconds, count


def isql(port: int, sql: str, timeout: int = 7200) -> str:
    r = subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", "dba", "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
                        "ERRORS=STDOUT", f"exec={sql}"], capture_output=True, text=True, timeout=timeout)
    if r.returncode or "*** Error" in r.stdout:
        raise RuntimeError(f"isql {sql!r}: {r.stdout[-500:]} {r.stderr[-500:]}")
    return r.stdout


def virtuoso_load(dump: Path, folder: Path) -> tuple[float, int]:
    """Virtuoso's bulk loader on the dump: the server started (untimed), then ld_dir, rdf_loader_run and a
    checkpoint timed, the quads counted (untimed) and the server stopped."""
    folder.mkdir(parents=True)
    os.link(dump, folder / "dump.nq")  # the loader reads only from DirsAllowed: the server's own folder
    sql = free_port()
    subprocess.run(["bash", str(VIRTUOSO), "start", str(folder), str(free_port()), str(sql)], check=True,
                   capture_output=True, text=True, timeout=300)
    try:
        start = time.perf_counter()
        isql(sql, f"ld_dir('{folder}', 'dump.nq', 'urn:kg:bench:default');")
        isql(sql, "rdf_loader_run();")
        isql(sql, "checkpoint;")
        seconds = time.perf_counter() - start
        errors = isql(sql, "SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_error IS NOT NULL;")
        if "dump.nq" in errors:
            raise RuntimeError(f"Virtuoso's loader reported: {errors[-500:]}")
        # the server's own system graphs are not ours: count the quads in the export's graphs only
        out = isql(sql, "SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } "
                        "FILTER (STRSTARTS(STR(?g), 'https://w3id.org/cnbudget/') || ?g = <urn:kg:bench:default>) };")
        count = int([l for l in out.split() if l.isdigit()][-1])
    finally:
        subprocess.run(["bash", str(VIRTUOSO), "stop", str(folder)], timeout=120)
    return seconds, count


LOADERS = {"pyoxigraph bulk_load": pyoxigraph_load, "oxigraph load": oxigraph_load,
           "virtuoso ld_dir": virtuoso_load}


def bulk_loads(dump: Path, work: Path, repeat: int, which: list[str], save=lambda out: None) -> dict:
    out: dict = {name: {"seconds": [], "quads": None} for name in which}
    for r in range(repeat):
        for name in which:  # alternated
            folder = work / f"bulk-{name.split()[0]}-{r}"
            shutil.rmtree(folder, ignore_errors=True)
            seconds, count = LOADERS[name](dump, folder)
            out[name]["seconds"].append(seconds)
            out[name]["quads"] = count
            out[name]["disk"] = du(folder) - (dump.stat().st_size if name.startswith("virtuoso") else 0)
            shutil.rmtree(folder, ignore_errors=True)
            print(f"  {name}: {seconds:.1f} s, {count:,} quads", flush=True)
        save(out)  # each round kept as it ends
    return out


def add_one(work: Path, store: Path, n: int, repeat: int, combos) -> dict:
    """Adding one document to (a copy of) the store of n documents against adding it to an empty store: the
    sample's copies n, n+1, … that are text (the heaviest source, as kg load reads it), alternated; the copy
    grows by one document a round."""
    sources = sorted({c[0] for c in combos})
    sample = sources.index(next(s for s in sources if s.parent.name == "samples"))
    picks = [i for i in range(n, n + 40 * len(sources)) if i % len(sources) == sample][:repeat * 4]
    files = [f for f in corpus.make(work / "corpus", picks[-1] + 1, combos) if f.suffix == ".txt"]
    files = [f for f in files if int(f.name[4:9]) in picks][:repeat]
    big = work / f"store-{n}-copy"
    shutil.rmtree(big, ignore_errors=True)
    shutil.copytree(store, big)
    out: dict = {"empty": [], "large": [], "documents": [f.name for f in files]}
    try:
        for f in files:
            empty = work / "store-empty"
            shutil.rmtree(empty, ignore_errors=True)
            for name, target in (("empty", empty), ("large", big)):
                out[name].append(timed_run([*KG, "load", "--store", str(target), "--no-progress", str(f)],
                                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            shutil.rmtree(empty)
            print(f"  add {f.name}: empty {out['empty'][-1]:.1f} s, into {n} documents {out['large'][-1]:.1f} s",
                  flush=True)
    finally:
        shutil.rmtree(big, ignore_errors=True)
    return out


def served(dump: Path, work: Path, n: int, repeat: int, combos) -> dict:
    """The route past the embedded writer, working: the export loaded by `oxigraph load`, `oxigraph serve` on
    it, each named query through `kg query --endpoint` (min and median of `repeat`, alternated) and one new
    document (the sample's next text copy) added with `kg load --endpoint`."""
    import urllib.request
    folder = work / "server"
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([OXIGRAPH, "load", "--location", str(folder), "--file", str(dump)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with open(work / "server.log", "wb") as log:
        server = subprocess.Popen([OXIGRAPH, "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                                   "--union-default-graph"], stdout=log, stderr=subprocess.STDOUT)
    try:
        for _ in range(600):
            try:
                urllib.request.urlopen(f"{url}/query?query=ASK%7B%7D", timeout=2).close()
                break
            except OSError:
                time.sleep(0.1)
        times: dict = {}
        for _ in range(repeat):
            for name in named_queries():  # alternated
                start = time.perf_counter()
                r = subprocess.run([*KG, "query", "--endpoint", url, "--format", "csv", "--timeout", "600", name],
                                   capture_output=True, text=True)
                entry = times.setdefault(name, {"seconds": [], "error": None})
                entry["seconds"].append(time.perf_counter() - start)
                if r.returncode:
                    entry["error"] = r.stderr.strip()[-300:]
        sources = sorted({c[0] for c in combos})
        sample = sources.index(next(s for s in sources if s.parent.name == "samples"))
        pick = next(i for i in range(n + 200, n + 300) if i % len(sources) == sample and
                    (i // len(sources)) % 4 == 0)
        new = [f for f in corpus.make(work / "corpus", pick + 1, combos) if f.name.startswith(f"doc-{pick:05d}")][0]
        start = time.perf_counter()
        r = subprocess.run([*KG, "load", "--endpoint", url, "--no-progress", str(new)],
                           stdout=open(work / "server-add.log", "w"), stderr=subprocess.STDOUT)
        add = time.perf_counter() - start if r.returncode == 0 else None  # None: failed, see server-add.log
    finally:
        server.terminate()
        server.wait(60)
    shutil.rmtree(folder, ignore_errors=True)
    return {"queries": {k: {"min": min(v["seconds"]), "median": statistics.median(v["seconds"]),
                            "error": v["error"]} for k, v in times.items()},
            "add_one": {"document": new.name, "seconds": add}}


def machine() -> dict:
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next(int(l.split()[1]) // 1024 for l in open("/proc/meminfo") if l.startswith("MemTotal"))
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True).stdout
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_mb": mem, "python": platform.python_version(),
            "kernel": platform.release(), "commit": commit.strip()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1000, 2500, 5000, 10000])
    ap.add_argument("--query-sizes", type=int, nargs="*", help="sizes to time the named queries at (default: all)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--deadline", help="UTC HH:MM after which no step may end (estimated from the last rate)")
    ap.add_argument("--bulk", nargs="*", default=list(LOADERS), choices=list(LOADERS))
    ap.add_argument("--add-one", action="store_true", help="time adding one document to the largest store")
    ap.add_argument("--served", action="store_true",
                    help="the export served by `oxigraph serve`: named queries and one load through --endpoint")
    ap.add_argument("--bulk-repeat", type=int, default=3, help="rounds of the bulk loaders")
    args = ap.parse_args()
    work, results_file = args.work, args.work / "scale.json"
    work.mkdir(parents=True, exist_ok=True)
    results = json.loads(results_file.read_text()) if results_file.exists() else {"steps": []}
    results["machine"] = machine()

    def save():
        results_file.write_text(json.dumps(results, indent=1, ensure_ascii=False))

    combos = corpus.survey(verbose=False)
    store = work / "store"
    deadline = None
    if args.deadline:
        h, m = map(int, args.deadline.split(":"))
        now = dt.datetime.now(dt.timezone.utc)
        deadline = now.replace(hour=h, minute=m, second=0, microsecond=0)
    done = max((s["n"] for s in results["steps"]), default=0)
    for n in sorted(args.sizes):
        if n <= done:
            continue
        if deadline and results["steps"]:
            last = results["steps"][-1]
            estimate = last["seconds"] / last["added"] * (n - done) * 1.2  # no faster than the last step
            if dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=estimate) > deadline:
                print(f"stopping at {done} documents: {n} would take about {estimate / 60:.0f} min more, past "
                      f"{args.deadline} UTC", flush=True)
                results["stopped"] = {"at": done, "next": n, "estimate_s": estimate}
                break
        files = corpus.make(work / "corpus", n, combos)  # resumes: files already made are kept
        step = work / f"step-{n:06d}"
        shutil.rmtree(step, ignore_errors=True)
        step.mkdir()
        for f in files[done:n]:
            os.link(f, step / f.name)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        log = work / f"load-{n}.log"
        start = time.perf_counter()
        # a document refused (exit status 1: the corpus's copies of one disclosure whose body the renaming cannot
        # reach, refused as looking cut off) is counted, not the end of the run
        code = subprocess.run([*KG, "load", "--store", str(store), "--no-progress", str(step)],
                              stdout=open(log, "w"), stderr=subprocess.STDOUT).returncode
        seconds = time.perf_counter() - start
        summary = re.search(r"(\d+) documents loaded, (\d+) failed", log.read_text(encoding="utf-8"))
        if code not in (0, 1) or summary is None:
            sys.exit(f"kg load stopped (exit status {code}): see {log}")
        after = resource.getrusage(resource.RUSAGE_CHILDREN)  # kg load and its workers (waited for)
        cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
        shutil.rmtree(step)
        entry = {"n": n, "added": n - done, "loaded": int(summary.group(1)), "failed": int(summary.group(2)),
                 "seconds": seconds, "cpu_seconds": cpu, "disk": du(store),
                 "peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                 "corpus_bytes": sum(f.stat().st_size for f in files[:n])}
        print(f"{n:>6} docs: +{n - done} in {seconds:,.0f} s ({(n - done) / seconds:.2f} docs/s), "
              f"store {entry['disk'] / 1e9:.2f} GB", flush=True)
        if not args.query_sizes or n in args.query_sizes:
            entry["queries"] = query_times(store, args.repeat)
            entry["queries_in_process"] = in_process_times(store, args.repeat)
            for name, q in entry["queries"].items():
                print(f"    {name:<28} min {q['min']:7.2f} s  median {q['median']:7.2f} s"
                      + (f"  ERROR {q['error']}" if q["error"] else ""), flush=True)
        results["steps"].append(entry)
        done = n
        save()

    if done and "queries" not in results["steps"][-1]:  # the largest size reached always gets its query times
        results["steps"][-1]["queries"] = query_times(store, args.repeat)
        results["steps"][-1]["queries_in_process"] = in_process_times(store, args.repeat)
        save()
    if args.add_one and done and "add_one" not in results:
        results["add_one"] = {"n": done, **add_one(work, store, done, args.repeat, combos)}
        save()
    dump = work / f"export-{done}.nq"
    if (args.bulk or args.served) and done:
        if results.get("export", {}).get("n") != done or not dump.exists():
            with open(dump, "wb") as out:
                seconds = timed_run([*KG, "export", "--store", str(store), "--format", "nquads"], stdout=out)
            lines = sum(1 for _ in open(dump, "rb"))
            results["export"] = {"n": done, "seconds": seconds, "quads": lines, "bytes": dump.stat().st_size}
            save()
        e = results["export"]
        print(f"kg export --format nquads at {done} docs: {e['seconds']:,.0f} s, {e['quads']:,} quads, "
              f"{e['bytes'] / 1e9:.2f} GB", flush=True)
    if args.served and done and "served" not in results:
        results["served"] = served(dump, work, done, args.repeat, combos)
        save()
    if args.bulk and done:
        def keep(partial):
            results["bulk"] = partial
            save()
        results["bulk"] = bulk_loads(dump, work, args.bulk_repeat, args.bulk, keep)
        for name, b in results["bulk"].items():
            s = b["seconds"]
            print(f"{name:<22} min {min(s):8.1f} s  median {statistics.median(s):8.1f} s  "
                  f"{b['quads'] / statistics.median(s):>10,.0f} quads/s (median)  disk {b['disk'] / 1e9:.2f} GB")
        save()


if __name__ == "__main__":
    main()
