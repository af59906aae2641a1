"""What runs the endpoint's queries: Oxigraph's own server as workers (api/oxigraph_worker.py) or pyoxigraph in
Python processes (api/worker.py): the row limit, and no worker left behind when the server is killed."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request

import pytest

from serving import free_port, kg_serve
from test_serve_endpoint import ORGS, get

if not sys.platform.startswith("linux"):
    pytest.skip("reads /proc", allow_module_level=True)


@pytest.mark.parametrize("engine", ["oxigraph", "python"])
def test_row_limit_refuses_and_the_next_query_is_answered(sample_store, engine):
    with kg_serve("--store", sample_store, "--no-sample", "--max-rows", "5", "--concurrency", "1",
                  "--engine", engine) as url:
        status, _, body = get(url, ORGS, "text/csv")  # 9 organizations in the sample
        assert status == 400 and b"more than 5 rows" in body
        status, _, body = get(url, ORGS + " LIMIT 5", "text/csv")
        assert status == 200 and len(body.decode().splitlines()) == 6
        status, _, body = get(url, "CONSTRUCT WHERE { ?s skos:prefLabel ?o }", "application/n-triples")
        assert status == 400 and b"more than 5 rows" in body


def _children(pid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes whose parent is `pid`."""
    out = []
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{entry}/stat") as f:
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except (OSError, IndexError, ValueError):
            continue
        if parent == pid:
            out.append((int(entry), cmd))
    return out


def test_oxigraph_workers_end_with_a_server_killed_outright(sample_store):
    port = free_port()
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.Popen([sys.executable, "-c", "from cnbudget.kg.cli import main; main()", "serve", "--host",
                             "127.0.0.1", "--port", str(port), "--store", sample_store, "--no-sample",
                             "--engine", "oxigraph", "--concurrency", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    try:
        url = f"http://127.0.0.1:{port}/sparql?" + urllib.parse.urlencode({"query": ORGS})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(url, timeout=10) as r:
                    assert r.status == 200
                    break
            except OSError:
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.2)
        workers = [p for p, cmd in _children(proc.pid) if "serve-read-only" in cmd]
        assert workers, _children(proc.pid)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(os.path.exists(f"/proc/{p}") and _state(p) != "Z" for p in workers):
            assert time.monotonic() < deadline, "an oxigraph worker outlived the server"
            time.sleep(0.1)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _state(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "gone"


def test_a_killed_servers_answer_folder_is_removed_by_the_next(tmp_path, monkeypatch):
    from cnbudget.api.pool import Pool
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    left = tmp_path / f"kg-serve-answers-{dead.pid}-abc"
    left.mkdir()
    (left / "tmp123").write_bytes(b"?n\n1\n")
    other = tmp_path / "kg-serve-answers-oldstyle"  # not a pid: not ours to judge
    other.mkdir()
    pool = Pool(1)
    try:
        assert not left.exists() and other.exists()
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(f"kg-serve-answers-{os.getpid()}-")]
    finally:
        pool.close()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f"kg-serve-answers-{os.getpid()}-")]
