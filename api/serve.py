"""`kg serve`: open the store (loading the bundled sample into an empty one), build the app, run uvicorn."""
from __future__ import annotations

import json
import os
import socket
from pathlib import Path

from cnbudget.api.settings import DEFAULT_BASE, Settings, default_concurrency
from cnbudget.api.snapshot import Snapshots
from cnbudget.kg import guard
from cnbudget.kg.store import RemoteStore, Store, open_store, store_path as default_store_path
from cnbudget.kg.store.embedded import is_store_folder

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"  # the package's data/samples/


def has_disclosures(store) -> bool:
    return bool(store.select("ASK { ?d a bud:Disclosure }").rows[0][0].value == "true")


def load_sample(path: str, base_iri: str | None, echo=print) -> None:
    """Load the bundled sample into the embedded store at `path` when it holds no disclosure."""
    from cnbudget.kg.load import load_paths
    files = sorted(str(p) for p in SAMPLES.glob("*.txt")) if SAMPLES.is_dir() else []
    if not files:
        echo("no bundled sample to load (data/samples/ is not installed)")
        return
    store = open_store(path)
    try:
        if has_disclosures(store):
            return
        echo(f"the store {path} is empty: loading the bundled sample ({', '.join(Path(f).name for f in files)})")
        for r in load_paths(store, files, base_iri, jobs=1):
            echo(f"loaded {Path(r.path).name}: {r.title}" if r.status == "loaded" else f"error: {r.error}")
        store.flush()
    finally:
        del store


class CurrentStore:
    """The embedded store, read-only, as the pages and the catalog read it: opened again when a `kg load` has
    written to it and finished (api/snapshot.py), so that they show what the store holds now."""

    def __init__(self, path: str):
        self.path = path
        self._snapshots = Snapshots(path, lambda p: Store(p, read_only=True), settled=True)
        self._snapshots.current()  # a folder that is no store fails here, at the start

    def current(self) -> Store:
        """The store as of now: the same object until the folder is opened again (a cache of what it holds
        lives as long as it)."""
        return self._snapshots.current()

    def __getattr__(self, name):
        return getattr(self._snapshots.current(), name)

    def __len__(self) -> int:
        return len(self._snapshots.current())


def settings_for(store_path: str | None = None, endpoint: str | None = None, base_iri: str | None = None,
                 public_url: str | None = None, timeout: float | None = 30.0, max_rows: int | None = 100_000,
                 concurrency: int | None = None, sample: bool = False, host: str = "127.0.0.1", port: int = 8000,
                 echo=print, engine: str = "auto") -> Settings:
    if not endpoint and sample:
        path = default_store_path(store_path)
        if not Path(path).exists() or is_store_folder(path):
            load_sample(path, base_iri, echo)
    store = open_store(store_path, endpoint, read_only=True)
    if not isinstance(store, RemoteStore):
        store = CurrentStore(store.path)
    shown = "localhost" if host in ("127.0.0.1", "::1", "localhost") else host
    if host in ("0.0.0.0", "::"):
        shown = socket.gethostname()
    return Settings(store=store, base_iri=base_iri or DEFAULT_BASE,
                    public_url=public_url or f"http://{shown}:{port}/",
                    limits=guard.Limits(timeout=timeout, max_rows=max_rows),
                    concurrency=concurrency or default_concurrency(),
                    engine=engine)


_OPTIONS = "KG_SERVE_OPTIONS"  # the options, for each server process when there are several


def app_from_environment():
    """The application of one of several server processes (uvicorn's workers), from the options `serve` left
    in the environment."""
    from cnbudget.api.app import create_app
    return create_app(settings_for(**json.loads(os.environ[_OPTIONS])))


def serve(host: str = "127.0.0.1", port: int = 8000, echo=print, workers: int = 1, **options) -> None:
    """Run the service; `workers` processes share the port (Python runs one thread at a time per process:
    more processes, more pages at once; each has its own `concurrency` query workers)."""
    import uvicorn

    from cnbudget.api.app import create_app
    if port == 0:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
    settings = settings_for(host=host, port=port, echo=echo, **options)
    echo(f"serving the graph at {settings.public_url} (SPARQL endpoint {settings.url('sparql')}); Ctrl-C stops")
    common = {"host": host, "port": port, "log_level": "warning", "server_header": False,
              "timeout_graceful_shutdown": 5}
    if workers > 1:
        os.environ[_OPTIONS] = json.dumps({**options, "sample": False, "host": host, "port": port})
        uvicorn.run("cnbudget.api.serve:app_from_environment", factory=True, workers=workers, **common)
    else:
        uvicorn.run(create_app(settings), **common)
