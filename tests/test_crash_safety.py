"""A load cut off by kill -9 loses nothing that was complete before it, readers beside a load never fail, and
two writers are told apart (docs/architecture.md, "5. Store").

Twenty disclosures (the sample under five departments' names, four years each) are loaded, then reloaded in a
new version (every amount multiplied otherwise) by a `kg load` that is killed: just after the N-th write of its
store (KG_TEST_KILL_AT, kg/store/embedded.py `_written`) or at measured moments. After each kill the store must
hold all twenty documents, each whole in its old version or its new one, both before recovery (what a reader
sees) and after it (the next `kg load` opening the store), `kg check` must pass, and after recovery the graphs
shared by all documents must be what a load that was not cut off leaves.

The loads killed are `kg load` itself with the documents' parsing done beforehand (`prepare` answers from a
cache): parsing comes before any write and is pure, and it would take most of each run's time.
"""
from __future__ import annotations

import hashlib
import os
import pickle
import re
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE, run
from cnbudget.kg.load import prepare
from cnbudget.kg.store import Store

pytestmark = pytest.mark.slow

DOCS = 20  # five departments, four years each
JOURNAL = "https://w3id.org/cnbudget/def/load-journal"


def make_corpus(folder: Path, factor_of, docs=range(DOCS)) -> list[Path]:
    """The sample under another department's name and year, every amount multiplied by a whole factor (the
    corpus maker of bench/run.py): totals still add up, and two versions of a document differ in each amount."""
    text = SAMPLE.read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    cell = re.compile(r"(?m)^\t(\d[\d,]*\.\d\d)$")  # a table cell
    money = re.compile(r"(\d[\d,]*\.\d\d)(?=\s*万?元)")  # a narrative amount
    paths = []
    for i in docs:
        factor = Decimal(factor_of(i))

        def times(amount: str) -> str:
            return f"{Decimal(amount.replace(',', '')) * factor:,.2f}"

        variant = text.replace("焦作市生态环境局", f"样本市{i // 4}号生态环境局").replace("2020", str(2016 + i % 4))
        variant = cell.sub(lambda m: "\t" + times(m.group(1)), variant)
        variant = money.sub(lambda m: times(m.group(1)), variant)
        path = folder / f"doc-{i:02d}.txt"
        path.write_text(variant, encoding="utf-8")
        paths.append(path)
    return paths


def kg_process(*args: str, kill_at: int | None = None, prepared: Path | None = None) -> subprocess.Popen:
    """`kg` in a process of its own (this code: the environment's PYTHONPATH is inherited); with `prepared`,
    a pickle of {file: Prepared}, its documents are not parsed again."""
    env = dict(os.environ)
    env.pop("KG_TEST_KILL_AT", None)
    if kill_at is not None:
        env["KG_TEST_KILL_AT"] = str(kill_at)
    command = ["-c", _CACHED, str(prepared)] if prepared else ["-m", "cnbudget.kg.cli"]
    return subprocess.Popen([sys.executable, *command, *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


_CACHED = """
import pickle, sys
import cnbudget.kg.load as load
cache = pickle.loads(open(sys.argv.pop(1), "rb").read())
parse = load.prepare
load.prepare = lambda path, base=None: cache[str(path)] if str(path) in cache and base is None else parse(path, base)
from cnbudget.kg.cli import main
sys.argv[0] = "kg"
main()
"""


def is_document(graph: str) -> bool:
    return "/graph/20" in graph


def state(path: str) -> dict:
    """What the store holds, as a reader sees it: each graph's quad count, each document's sum of amounts
    (tells its versions apart), and the N-Triples of each graph shared by all documents."""
    store = Store(path, read_only=True)
    counts = {g.value: int(n.value) for g, n in store.select(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g").rows}
    sums = {g.value: s.value for g, s in store.select(
        "SELECT ?g (SUM(?a) AS ?s) WHERE { GRAPH ?g { ?o bud:amount ?a } } GROUP BY ?g").rows}
    shared = {g: hashlib.sha1("\n".join(sorted(str(q.triple) for q in store.quads(g))).encode()).hexdigest()
              for g in counts if not is_document(g) and g != JOURNAL and not g.endswith("/graph/loads")}  # times
    del store
    return {"documents": {g: (n, sums.get(g)) for g, n in counts.items() if is_document(g)}, "shared": shared,
            "journal": counts.get(JOURNAL, 0)}


@pytest.fixture(scope="module")
def reload(tmp_path_factory):
    """Twenty documents loaded (old), the store they make, and a reload of their new versions that was not
    cut off: its duration, its trace of writes (KG_TEST_KILL_AT set too high to kill) and the store it left."""
    work = tmp_path_factory.mktemp("crash")
    old = make_corpus(work / "old", lambda i: 1 + i % 3)
    new = make_corpus(work / "new", lambda i: 2 + i % 3)
    cache = work / "prepared.pickle"
    cache.write_bytes(pickle.dumps({str(p): prepare(p) for p in old + new}))
    old_store = str(work / "old-store")
    p = kg_process("load", "--store", old_store, "--jobs", "1", *map(str, old), prepared=cache)
    out, err = p.communicate()
    assert p.returncode == 0, err
    new_store = str(work / "new-store")
    shutil.copytree(old_store, new_store)
    started = time.monotonic()
    p = kg_process("load", "--store", new_store, "--jobs", "1", *map(str, new), kill_at=10 ** 9, prepared=cache)
    out, err = p.communicate()
    seconds = time.monotonic() - started
    assert p.returncode == 0, err
    steps = re.findall(r"(?m)^kg-test-step (\d+): (.*)$", err)
    before, after = state(old_store), state(new_store)
    assert len(before["documents"]) == len(after["documents"]) == DOCS
    assert all(before["documents"][g] != after["documents"][g] for g in before["documents"])  # each changed
    assert before["shared"] == after["shared"]  # the versions differ in amounts only: the same shared graphs
    return {"work": work, "old": old, "new": new, "cache": cache, "old_store": old_store, "before": before,
            "after": after, "seconds": seconds, "steps": [name for _, name in steps]}


def assert_old_or_new(reload, path: str, when: str) -> dict:
    now = state(path)
    old, new = reload["before"]["documents"], reload["after"]["documents"]
    assert set(now["documents"]) == set(old), f"{when}: documents missing: {sorted(set(old) - set(now['documents']))}"
    broken = {g: v for g, v in now["documents"].items() if v not in (old[g], new[g])}
    assert not broken, f"{when}: neither the old nor the new version, whole: {broken}"
    return now


def crash_and_recover(reload, name: str, kill_at: int | None = None, after: float | None = None) -> str:
    """A copy of the old store, reloaded with the new versions by a `kg load` killed at write step
    `kill_at` or after `after` seconds; checked before and after the next writer recovers it."""
    path = str(reload["work"] / name)
    shutil.copytree(reload["old_store"], path)
    p = kg_process("load", "--store", path, "--jobs", "1", *map(str, reload["new"]),
                   kill_at=kill_at if kill_at is not None else 10 ** 9, prepared=reload["cache"])
    if after is not None:
        try:
            p.wait(after)
        except subprocess.TimeoutExpired:
            p.send_signal(signal.SIGKILL)
    out, err = p.communicate()
    steps = re.findall(r"(?m)^kg-test-step \d+: .*$", err)
    where = f"{name}: killed after {steps[-1] if steps else 'no write step'} (exit {p.returncode})"
    assert p.returncode in (0, -signal.SIGKILL), f"{where}\n{err[-3000:]}"
    assert_old_or_new(reload, path, f"{where}, before recovery")
    store = Store(path)  # a writer opens it: recovery
    notes = store.recovery
    del store
    recovered = assert_old_or_new(reload, path, f"{where}, after recovery {notes}")
    assert recovered["shared"] == reload["after"]["shared"], f"{where}: shared graphs after recovery {notes}"
    assert recovered["journal"] == 0
    assert "findings" in run("check", "--store", path).output
    return where


def test_reload_killed_at_write_steps_keeps_every_document(reload):
    steps = reload["steps"]
    if not steps:
        pytest.skip("this code has no write steps to kill at (KG_TEST_KILL_AT)")
    replaced = [i for i, s in enumerate(steps, 1) if s.startswith("replaced ") and "/graph/20" in s]
    derived = [i for i, s in enumerate(steps, 1) if i > replaced[-1]]
    shared = next(i for i, s in enumerate(steps, 1) if s in ("bulk load", "load"))
    points = sorted({shared,  # the first group's shared resources written, no document
                     replaced[len(replaced) // 3],  # in the middle of a group
                     replaced[-1],  # every document written, no derived graph rebuilt
                     derived[0]})  # the subject labels rebuilt, the rest not
    for n in points:
        crash_and_recover(reload, f"step-{n}", kill_at=n)


def test_reload_killed_at_measured_moments_keeps_every_document(reload):
    """Killed wherever it is (inside a bulk load or a transaction, as likely as not)."""
    for fraction in (0.4, 0.75):
        crash_and_recover(reload, f"at-{fraction}", after=fraction * reload["seconds"])


def test_load_cut_off_before_the_derived_graphs_has_them_rebuilt(reload, tmp_path):
    """Documents of a new department written, the load killed before its year links and labels: the next
    writer rebuilds them, as the load would have."""
    first, more = reload["old"][:16], reload["old"][16:]
    cut, whole = str(tmp_path / "cut"), str(tmp_path / "whole")
    p = kg_process("load", "--store", cut, "--jobs", "1", *map(str, first), prepared=reload["cache"])
    assert p.communicate() and p.returncode == 0
    shutil.copytree(cut, whole)
    p = kg_process("load", "--store", whole, "--jobs", "1", *map(str, more), kill_at=10 ** 9, prepared=reload["cache"])
    err = p.communicate()[1]
    assert p.returncode == 0, err
    steps = [s for _, s in re.findall(r"(?m)^kg-test-step (\d+): (.*)$", err)]
    if not steps:
        pytest.skip("this code has no write steps to kill at (KG_TEST_KILL_AT)")
    written = steps.index("update")  # the documents written, the derived graphs not yet rebuilt
    p = kg_process("load", "--store", cut, "--jobs", "1", *map(str, more), kill_at=written, prepared=reload["cache"])
    p.communicate()
    assert p.returncode == -signal.SIGKILL
    expected = state(whole)
    stale = state(cut)
    assert stale["documents"] == expected["documents"]
    assert stale["shared"] != expected["shared"]  # the new department's year links are not there yet
    store = Store(cut)
    assert any("rebuilt the graphs derived from all documents" in note for note in store.recovery), store.recovery
    del store
    assert state(cut) == expected


def test_reader_beside_a_reload_never_fails(reload, tmp_path):
    """`kg query` and `kg check` in other processes while documents are replaced: every answer has all twenty
    documents, each whole."""
    path = str(tmp_path / "store")
    shutil.copytree(reload["old_store"], path)
    old, new = reload["before"]["documents"], reload["after"]["documents"]
    counts = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER (CONTAINS(STR(?g), '/graph/20')) } GROUP BY ?g"
    writer = kg_process("load", "--store", path, "--jobs", "1", *map(str, reload["new"]), prepared=reload["cache"])
    answers = 0
    try:
        while writer.poll() is None or answers < 3:
            for args in (("query", counts, "--format", "csv"), ("check", "--format", "csv")):
                reader = kg_process(*args, "--store", path)
                out, err = reader.communicate(timeout=300)
                assert reader.returncode == 0 and "Traceback" not in err, err
                if args[0] == "query":
                    rows = dict(line.split(",") for line in out.strip().splitlines()[1:])
                    assert set(rows) == set(old), f"documents missing: {sorted(set(old) - set(rows))}"
                    assert all(int(n) in (old[g][0], new[g][0]) for g, n in rows.items()), rows
                answers += 1
    finally:
        out, err = writer.communicate()
    assert writer.returncode == 0, err
    assert answers >= 3


def test_second_writer_is_told_which_process_writes(reload, tmp_path):
    from cnbudget.kg.store.locks import WRITER_LOCK, StoreBusy
    path = str(tmp_path / "store")
    shutil.copytree(reload["old_store"], path)
    writer = kg_process("load", "--store", path, "--jobs", "1", *map(str, reload["new"]))
    try:
        lock = Path(path) / WRITER_LOCK
        deadline = time.monotonic() + 120
        while not (lock.exists() and lock.read_text().strip() == str(writer.pid)):
            assert writer.poll() is None and time.monotonic() < deadline, "the first writer never took the store"
            time.sleep(0.05)
        with pytest.raises(StoreBusy, match=f"being written by process {writer.pid}"):
            Store(path)
        second = run("load", "--store", path, str(reload["new"][0]), ok=False)
        assert second.exit_code == 1
        assert f"the store {path} is being written by process {writer.pid}" in second.output
        assert "LOCK" not in second.output and "Traceback" not in second.output
        assert "findings" in run("check", "--store", path).output  # readers are not writers
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.communicate()
    Store(path)  # the writer gone, its lock went with it


def test_a_writer_that_is_not_kg_is_named_too(tmp_path):
    """A process holding the store without kg's lock (pyoxigraph itself, `oxigraph serve`): named from the
    store's own lock."""
    path = str(tmp_path / "store")
    holder = subprocess.Popen([sys.executable, "-c", "import sys, pyoxigraph as ox; s = ox.Store(sys.argv[1]); "
                               "print('open', flush=True); sys.stdin.read()", path],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "open"
        result = run("load", "--store", path, str(SAMPLE), ok=False)
        assert result.exit_code == 1 and f"is being written by process {holder.pid}" in result.output
        assert "Traceback" not in result.output
    finally:
        holder.communicate("")


_GONE = ("Corruption: IO error: No such file or directory: While open a file for random read: s/000148.sst: "
         "No such file or directory  The file s/MANIFEST-000201 may be corrupted.")


def _flaky_pyoxigraph(monkeypatch, failures: int) -> list[str]:
    """pyoxigraph as kg/store/embedded.py sees it, its read-only opening failing `failures` times as beside a
    writer's compaction."""
    import pyoxigraph as ox
    from types import SimpleNamespace
    from cnbudget.kg.store import embedded
    opened = []

    def read_only(path):
        opened.append(path)
        if len(opened) <= failures:
            raise RuntimeError(_GONE)
        return ox.Store.read_only(path)

    shim = SimpleNamespace(**{k: getattr(ox, k) for k in dir(ox) if not k.startswith("__")})
    shim.Store = SimpleNamespace(read_only=read_only)
    monkeypatch.setattr(embedded, "ox", shim)
    return opened


def test_reader_opens_again_while_files_are_gone(sample_store, monkeypatch):
    opened = _flaky_pyoxigraph(monkeypatch, 2)
    store = Store(sample_store, read_only=True)
    assert len(opened) == 3

    class Failing:  # the snapshot's files removed after it was opened: the query fails once
        def __init__(self, inner):
            self.inner, self.failed = inner, False

        def query(self, *args, **kwargs):
            if not self.failed:
                self.failed = True
                raise OSError(_GONE)
            return self.inner.query(*args, **kwargs)

    store._store = Failing(store._store)
    assert store.select("ASK { ?s ?p ?o }").rows[0][0].value == "true"
    assert len(opened) == 4


def test_reader_gives_up_in_one_line(sample_store, monkeypatch):
    from cnbudget.kg.store import embedded
    _flaky_pyoxigraph(monkeypatch, 10 ** 6)
    monkeypatch.setattr(embedded, "READ_RETRY_SECONDS", 0.2)
    result = run("check", "--store", sample_store, ok=False)
    assert result.exit_code == 1
    assert "cannot read the store" in result.output and "Traceback" not in result.output


def test_query_worker_runs_again_while_files_are_gone(sample_store, monkeypatch):
    import io
    from cnbudget.kg import worker
    answer, failures = worker._answer, []

    def flaky(request, out):
        if len(failures) < 2:
            out.write(b"a row of a snapshot that went\n")
            failures.append(1)
            raise worker._FilesGone(_GONE)
        return answer(request, out)

    monkeypatch.setattr(worker, "_answer", flaky)
    out = io.BytesIO()
    from cnbudget.ontology import PREFIXES
    status = worker.answer({"path": sample_store, "sparql": "SELECT (COUNT(*) AS ?n) WHERE { ?s a bud:Disclosure }",
                            "prefixes": PREFIXES, "max_rows": 10}, out)
    assert status == {"kind": "select", "rows": 1} and out.getvalue() == b"?n\n1\n"
