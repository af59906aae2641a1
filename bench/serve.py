"""Benchmark: `kg serve` on loopback against Oxigraph's own server on the same store, and reading while loading.

In one run, on a store of N documents (the sample varied, as bench/run.py makes them; or --store):
  1. rates: requests/s, median and p99 latency, for
       - a one-resource lookup (SELECT ?p ?o WHERE { <observation> ?p ?o }, a different observation each
         request) through our /sparql, and the same SPARQL sent to `oxigraph serve-read-only` (the `oxigraph`
         CLI from PyPI, the same engine version, on the same store folder, union default graph);
       - those observations dereferenced, as Turtle and as the HTML page, against Oxigraph answering
         DESCRIBE <observation> as Turtle (what a client asking Oxigraph for one resource gets);
       - each named query (queries/*.rq, its default page and all its rows) Oxigraph answers in 50 ms or
         more, through /sparql and sent to Oxigraph;
     ours and Oxigraph's alternated, repeated; the ratio ours/Oxigraph per round, min and median
     (targets: >= 0.25 for lookups, >= 0.8 for queries of 50 ms or more), and the CPU time each server's
     processes spent a request (steadier than the rates on a machine others share);
  2. reading while loading: R requests from C clients (SPARQL and pages) while `kg load` writes to the same
     store (new documents, and new versions of stored ones with other amounts): zero errors, and each
     document's figures (count and sum of amounts, per graph) in every answer are its old or its new ones,
     never a mixture or a part.

    python bench/serve.py --docs 100
    python bench/serve.py --store /tmp/kg-100   # a store bench/serve.py made before (its documents 0..N-1)
"""
from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import make_corpus  # noqa: E402  (the corpus bench/run.py measures loads on)

from cnbudget.kg.queries import catalog  # noqa: E402
from cnbudget.kg.store.base import with_prefixes  # noqa: E402

KG = [sys.executable, "-m", "cnbudget.kg.cli"]
OXIGRAPH = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which("oxigraph")
JSON = {"Accept": "application/sparql-results+json"}
TURTLE = {"Accept": "text/turtle"}
FIGURES = """SELECT ?g (COUNT(?o) AS ?n) (SUM(?a) AS ?sum) WHERE { GRAPH ?g {
  ?d a bud:Disclosure ; dct:title %s@zh . ?o a qb:Observation ; bud:amount ?a } } GROUP BY ?g"""
AFTER = 5.0  # seconds the readers go on after the load has ended (a load's last writes become visible then)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, proc: subprocess.Popen, what: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        if proc.poll() is not None:
            raise SystemExit(f"{what} exited ({proc.returncode})")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{what} did not answer within 120 s")
        time.sleep(0.2)


PAGES = True  # resource pages among the readers' requests (--no-pages: SPARQL only)
WORKERS = ["--workers", "1"]  # kg serve's processes and its options (--workers, --concurrency of this script)


def kg_serve(store: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen([*KG, "serve", "--store", store, "--no-sample", "--host", "127.0.0.1", "--port",
                             str(port), *WORKERS], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/sparql?query=ASK%7B%7D", proc, "kg serve")
    return proc, url


def oxigraph_serve(store: str) -> tuple[subprocess.Popen, str]:
    if not OXIGRAPH:
        raise SystemExit("no oxigraph binary: pip install oxigraph (the test extra)")
    port = free_port()
    proc = subprocess.Popen([OXIGRAPH, "serve-read-only", "--location", store, "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    wait_for(url + "/query?query=ASK%7B%7D", proc, "oxigraph")
    return proc, url


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# --- load generation -------------------------------------------------------------------------------------------

_local = threading.local()


def client() -> httpx.Client:
    if not hasattr(_local, "client"):
        _local.client = httpx.Client(timeout=120)
    return _local.client


def drive(requests: list, clients: int, check=None) -> dict:
    """Send `requests` ((method, url, params, headers)) from `clients` threads; requests/s, median, p99 (ms),
    errors (a status >= 400, a failed connection, or `check(request, response)` false)."""
    times: list[float] = []
    starts: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()

    def one(req) -> None:
        url, params, headers = req[1], req[2], req[3]
        start = time.perf_counter()
        try:
            r = client().get(url, params=params, headers=headers)
            ok, why = r.status_code < 400, f"{r.status_code} {r.text[:200]}"
            if ok and check is not None:
                why = check(req, r)
                ok = why is None
        except httpx.HTTPError as e:
            ok, why = False, repr(e)
        took = time.perf_counter() - start
        with lock:
            times.append(took)
            starts.append(start)
            if not ok:
                errors.append(f"{url} {params}: {why}")

    source = iter(requests)
    take = threading.Lock()

    def client_loop() -> None:  # each client sends its next request when its last is answered
        while True:
            with take:
                req = next(source, None)
            if req is None:
                return
            one(req)

    start = time.perf_counter()
    threads = [threading.Thread(target=client_loop) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    times.sort()
    return {"rps": len(times) / elapsed, "median": 1000 * statistics.median(times),
            "p99": 1000 * times[min(len(times) - 1, int(0.99 * len(times)))], "errors": errors, "starts": starts}


def sparql(url: str, endpoint: str, text: str) -> tuple:
    return ("GET", url + endpoint, {"query": text}, JSON)


def select(url: str, text: str) -> list[dict]:
    r = httpx.get(url + "/sparql", params={"query": text}, headers=JSON, timeout=600)
    r.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


# --- 1. rates ----------------------------------------------------------------------------------------------------

def workloads(ours: str, oxigraph: str, n: int, match: str | None = None) -> dict[str, tuple[list, list, str]]:
    """name → (our requests, Oxigraph's requests, what each side does)."""
    observations = [r["o"] for r in select(ours, "SELECT ?o WHERE { ?o a qb:Observation ; bud:amount ?a } LIMIT 5000")]
    random.Random(7).shuffle(observations)
    picked = (observations * (n // len(observations) + 1))[:n]
    lookup = [with_prefixes(f"SELECT ?p ?o WHERE {{ <{o}> ?p ?o }}") for o in picked]
    base = "https://w3id.org/cnbudget/"
    pages = [ours + "/" + o[len(base):] for o in picked]
    described = [("GET", oxigraph + "/query", {"query": f"DESCRIBE <{o}>"}, TURTLE) for o in picked]
    out = {"lookup (SPARQL)": (
               [sparql(ours, "/sparql", q) for q in lookup], [sparql(oxigraph, "/query", q) for q in lookup],
               "both: SELECT ?p ?o WHERE { <observation> ?p ?o }, JSON results, a different observation each "
               "request"),
           "resource as Turtle": (
               [("GET", p, {}, TURTLE) for p in pages], described,
               "ours: GET the observation's IRI, Accept: text/turtle (its statements); Oxigraph: DESCRIBE "
               "<observation> as Turtle"),
           "resource page (HTML)": (
               [("GET", p, {}, {"Accept": "text/html"}) for p in pages], described,
               "ours: GET the observation's IRI, Accept: text/html (its statements, what points to it, the "
               "labels of both, a page written from a template); Oxigraph: DESCRIBE <observation> as Turtle")}
    for name, q in sorted(catalog().items()):
        # its default page, and every row (limit=0) as a researcher's script asks for it
        for label, values in (("", None), (" all rows", {"limit": "0"})):
            if match and not re.search(match, name + label):
                continue
            try:
                text = with_prefixes(q.bind(values))
                took = min(timed_once(oxigraph + "/query", text) for _ in range(3))
            except (ValueError, httpx.HTTPError):  # a parameter without a default; no limit parameter
                continue
            page = "every row, limit=0" if values else "its default page"
            print(f"  named query {name}{label}: {1000 * took:.0f} ms on Oxigraph ({page})")
            if took >= 0.05:
                reps = max(4, min(n // 4, int(8 / took)))
                out[f"{name}{label} ({1000 * took:.0f} ms)"] = (
                    [sparql(ours, "/sparql", text)] * reps, [sparql(oxigraph, "/query", text)] * reps,
                    f"both: the text of queries/{name}.rq ({page}), JSON results")
    return {k: v for k, v in out.items() if not match or re.search(match, k)}


def timed_once(url: str, text: str) -> float:
    start = time.perf_counter()
    r = httpx.get(url, params={"query": text}, headers=JSON, timeout=600)
    r.raise_for_status()
    return time.perf_counter() - start


def cpu_seconds(pid: int) -> float | None:
    """CPU time of a process and its descendants, the ones gone included once waited for (Linux /proc)."""
    stats = {}
    for entry in [e for e in os.listdir("/proc") if e.isdigit()] if os.path.isdir("/proc") else []:
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        stats[int(entry)] = (int(fields[1]), sum(map(int, fields[11:13])), sum(map(int, fields[13:15])))
    if pid not in stats:
        return None
    total, todo = stats[pid][2], [pid]
    while todo:
        p = todo.pop()
        total += stats[p][1]
        todo += [c for c, (parent, _, _) in stats.items() if parent == p]
    return total / os.sysconf("SC_CLK_TCK")


def rates(ours: str, oxigraph: str, rounds: int, n: int, clients: int, match: str | None = None,
          pids: dict[str, int] | None = None) -> None:
    loads = workloads(ours, oxigraph, n, match)
    results: dict[str, dict[str, list]] = {k: {"ours": [], "oxigraph": []} for k in loads}
    for r in range(rounds):
        for name, (mine, theirs, _what) in loads.items():
            order = [("ours", mine), ("oxigraph", theirs)]
            for who, reqs in order if r % 2 == 0 else order[::-1]:  # alternated
                before = cpu_seconds((pids or {}).get(who, -1))
                res = drive(reqs, clients)
                after = cpu_seconds((pids or {}).get(who, -1))
                res["cpu"] = 1000 * (after - before) / len(reqs) if before is not None and after is not None else None
                if res["errors"]:
                    print(f"  {who} {name}: {len(res['errors'])} errors, e.g. {res['errors'][0]}")
                results[name][who].append(res)
    print(f"\nrates ({rounds} rounds alternated, {clients} clients; ratio = our requests/s ÷ Oxigraph's, per round; "
          "cpu = CPU ms a request of the server's processes)")
    print(f"{'workload':<38} {'ours req/s':>10} {'med ms':>7} {'p99 ms':>7} {'cpu':>5} | {'oxigraph req/s':>14} "
          f"{'med ms':>7} {'p99 ms':>7} {'cpu':>5} | {'ratio min':>9} {'median':>7}")
    for name, res in results.items():
        ratios = [a["rps"] / b["rps"] for a, b in zip(res["ours"], res["oxigraph"])]

        def med(who, key):
            values = [x[key] for x in res[who] if x[key] is not None]
            return statistics.median(values) if values else float("nan")
        print(f"{name:<38} {med('ours', 'rps'):>10.1f} {med('ours', 'median'):>7.1f} {med('ours', 'p99'):>7.1f} "
              f"{med('ours', 'cpu'):>5.1f} | {med('oxigraph', 'rps'):>14.1f} {med('oxigraph', 'median'):>7.1f} "
              f"{med('oxigraph', 'p99'):>7.1f} {med('oxigraph', 'cpu'):>5.1f} | {min(ratios):>9.2f} "
              f"{statistics.median(ratios):>7.2f}")
    print("what each side does:")
    for name, (_mine, _theirs, what) in loads.items():
        print(f"  {name}: {what}")


# --- 2. reading while loading ------------------------------------------------------------------------------------

def new_versions(corpus: Path, folder: Path, replaced: int, added: int, docs: int) -> list[str]:
    """`replaced` stored documents again with every amount ×11 (same department and year: a new version), and
    `added` new ones; their titles."""
    folder.mkdir(parents=True, exist_ok=True)
    make_corpus(folder / "new", docs + added)
    titles = []
    for i in range(replaced):
        text = (corpus / f"doc-{i:05d}.txt").read_text(encoding="utf-8")
        text = _times(text, 11)
        (folder / f"v2-{i:05d}.txt").write_text(text, encoding="utf-8")
    for i in range(docs, docs + added):
        shutil.copy(folder / "new" / f"doc-{i:05d}.txt", folder / f"doc-{i:05d}.txt")
    shutil.rmtree(folder / "new")
    for f in sorted(folder.glob("*.txt")):
        titles.append(_title(f.read_text(encoding="utf-8")))
    return titles


def _times(text: str, factor: int) -> str:
    cell = re.compile(r"(?m)^\t(\d[\d,]*\.\d\d)$")
    return cell.sub(lambda m: "\t" + f"{Decimal(m.group(1).replace(',', '')) * factor:,.2f}", text)


def _title(text: str) -> str:
    m = re.search(r"(样本市\d+号生态环境局)", text)
    y = re.search(r"(20\d\d)年度", text)
    return f"{m.group(1)}{y.group(1)}年度部门决算"


def reading_while_loading(store: str, corpus: Path, docs: int, replaced: int, added: int, reads: int,
                          readers: int) -> None:
    work = Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    titles = new_versions(corpus, work / "batch", replaced, added, docs)
    proc, ours = kg_serve(store)
    try:
        def figures(title: str) -> set:
            return {(r["n"], Decimal(r["sum"])) for r in select(ours, FIGURES % _lit(title))}
        before = {t: figures(t) for t in titles}
        pages = [r["o"] for r in select(ours, "SELECT ?o WHERE { ?o a qb:Observation } LIMIT 500")]
        base = "https://w3id.org/cnbudget/"
        seen: dict[str, set] = {t: set() for t in titles}
        lock = threading.Lock()

        def check(req, r) -> str | None:
            if "query" not in req[2]:
                return None
            title = req[4]
            rows = {(b["n"]["value"], Decimal(b["sum"]["value"])) for b in r.json()["results"]["bindings"]}
            with lock:
                seen[title].add(frozenset(rows))
            return None
        rng = random.Random(11)

        def request(i: int) -> tuple:
            if i % 4 == 3 and PAGES:  # a resource page
                return ("GET", ours + "/" + rng.choice(pages)[len(base):], {}, {"Accept": "text/html"}, None)
            t = rng.choice(titles)
            return ("GET", ours + "/sparql", {"query": FIGURES % _lit(t)}, JSON, t)

        def reqs():  # at least `reads`, and on until the load has ended and AFTER seconds more
            i = 0
            while i < reads or loader.poll() is None or not ended or time.perf_counter() < ended[0] + AFTER:
                yield request(i)
                i += 1
        log = open(work / "load.log", "wb")
        loader = subprocess.Popen([*KG, "load", "--store", store, "--no-progress", str(work / "batch")],
                                  stdout=subprocess.DEVNULL, stderr=log)
        ended: list[float] = []
        waiter = threading.Thread(target=lambda: (loader.wait(), ended.append(time.perf_counter())))
        start = time.perf_counter()
        waiter.start()
        res = drive(reqs(), readers, check)
        read_time = time.perf_counter() - start
        loader.wait()
        log.close()
        waiter.join()
        load_time = ended[0] - start
        during = sum(t < ended[0] for t in res["starts"])
        after = {t: figures(t) for t in titles}
        assert sum(bool(before[t]) for t in titles) == replaced and all(after[t] for t in titles) and \
            all(before[t] != after[t] for t in titles), "the figures query does not find the documents"
        bad = []
        changed = 0
        for t in titles:
            allowed = {frozenset(before[t]), frozenset(after[t])}
            for s in seen[t]:
                if s not in allowed:
                    bad.append(f"{t}: {sorted(s)} is neither {sorted(before[t])} nor {sorted(after[t])}")
            changed += len(seen[t] & allowed) == 2
        print(f"\nreading while `kg load` writes {replaced} new versions and {added} new documents "
              f"(kg load exit {loader.returncode}, {load_time:.0f} s; {during} of the requests sent while it ran)")
        print(f"  {len(res['starts'])} requests from {readers} clients in {read_time:.1f} s: {res['rps']:.1f} req/s, median "
              f"{res['median']:.0f} ms, p99 {res['p99']:.0f} ms; errors: {len(res['errors'])}")
        for e in res["errors"][:5]:
            print("   ", e)
        print(f"  documents whose old and new figures were both seen by readers: {changed} of {len(titles)}; "
              f"answers neither old nor new: {len(bad)}")
        for b in bad[:5]:
            print("   ", b)
        if loader.returncode:
            print("  kg load:", (work / "load.log").read_text(encoding="utf-8", errors="replace")[-2000:])
    finally:
        stop(proc)
        shutil.rmtree(work, ignore_errors=True)


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100)
    parser.add_argument("--store", help="a store of --docs documents bench/serve.py made before")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=200, help="per lookup measurement")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--reads", type=int, default=2000)
    parser.add_argument("--readers", type=int, default=16)
    parser.add_argument("--replaced", type=int, default=10)
    parser.add_argument("--added", type=int, default=10)
    parser.add_argument("--only", choices=["rates", "loading"], help="one part only")
    parser.add_argument("--workers", type=int, default=1, help="kg serve --workers")
    parser.add_argument("--concurrency", type=int, help="kg serve --concurrency (its default unless given)")
    parser.add_argument("--no-pages", action="store_true", help="only SPARQL among the reads while loading")
    parser.add_argument("--match", help="only the rates whose workload name matches this regular expression")
    args = parser.parse_args()
    global PAGES
    PAGES = not args.no_pages
    WORKERS[1] = str(args.workers)
    WORKERS.extend(["--concurrency", str(args.concurrency)] if args.concurrency else [])
    work = Path(tempfile.mkdtemp(prefix="kg-bench-serve-"))
    corpus = work / "corpus"
    make_corpus(corpus, args.docs)
    store = args.store
    if store is None:
        store = str(work / "store")
        started = time.perf_counter()
        subprocess.run([*KG, "load", "--store", store, "--no-progress", str(corpus)], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"loaded {args.docs} documents in {time.perf_counter() - started:.0f} s into {store}")
    try:
        if args.only != "loading":
            ours_proc, ours = kg_serve(store)
            ox_proc, oxigraph = oxigraph_serve(store)
            try:
                n = select(ours, "SELECT (COUNT(*) AS ?n) WHERE { ?d a bud:Disclosure }")[0]["n"]
                print(f"store {store}: {n} documents; kg serve {ours} ({args.workers} processes), oxigraph {oxigraph}")
                rates(ours, oxigraph, args.rounds, args.requests, args.clients, args.match,
                      {"ours": ours_proc.pid, "oxigraph": ox_proc.pid})
            finally:
                stop(ox_proc)  # read-only beside a writer is undefined for it: stopped before the load
                stop(ours_proc)
        if args.only != "rates":
            reading_while_loading(store, corpus, args.docs, args.replaced, args.added, args.reads, args.readers)
    finally:
        if args.store is None:
            shutil.rmtree(work, ignore_errors=True)
        else:
            shutil.rmtree(corpus, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
