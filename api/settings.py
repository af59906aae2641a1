"""What `kg serve` was started with, shared by the web modules."""
from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field

from cnbudget.api import oxigraph_worker
from cnbudget.api.pool import Pool
from cnbudget.kg import guard
from cnbudget.kg.store import GraphStore

DEFAULT_BASE = "https://w3id.org/cnbudget/id/"
ONTOLOGY = "https://w3id.org/cnbudget/def"


def default_concurrency() -> int:
    """Queries run at once by default: one a CPU (at least 2). A query is CPU work in its own process; more of
    them than CPUs only share the same CPUs, each with a cache of its own (bench/serve.py: 4 workers on 2 CPUs
    took 8–25 % more CPU a query than 2)."""
    return max(2, os.cpu_count() or 2)


@dataclass
class Settings:
    store: GraphStore
    base_iri: str = DEFAULT_BASE
    public_url: str = "http://127.0.0.1:8000/"   # where this server is reached; IRIs under `root` map to it
    limits: guard.Limits = guard.Limits(timeout=30.0, max_rows=100_000)
    concurrency: int = field(default_factory=default_concurrency)  # queries running at once; others wait
    engine: str = "auto"                            # what runs them: oxigraph, python, auto (oxigraph if installed)
    max_body: int = 1 << 20                         # bytes of a request body
    _slots: asyncio.Semaphore | None = field(default=None, repr=False)
    _pool: Pool | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.engine == "oxigraph" and not oxigraph_worker.available():
            raise ValueError("--engine oxigraph: the oxigraph command is not installed (pip install oxigraph)")
        if not self.public_url.endswith("/"):
            self.public_url += "/"
        if not self.base_iri.endswith(("/", "#")):
            self.base_iri += "/"

    @property
    def root(self) -> str:
        """The IRI the base IRI's path is under (https://w3id.org/cnbudget/ for …/cnbudget/id/): an IRI
        root + p is served at the server's path /p (/id/org/…, /def)."""
        head = self.base_iri.rstrip("/#")
        return head[:head.rfind("/") + 1]

    @property
    def slots(self) -> asyncio.Semaphore:
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.concurrency)
        return self._slots

    @property
    def pool(self) -> Pool:
        """The query workers (as many as `concurrency`), started as queries come: Oxigraph's own server
        (api/oxigraph_worker.py) unless `engine` is python or the `oxigraph` command is not installed."""
        if self._pool is None:
            use = self.engine != "python" and oxigraph_worker.available()
            self._pool = Pool(self.concurrency, oxigraph_worker.OxigraphWorker if use else None)
        return self._pool

    def close(self) -> None:
        """Stop the query workers (at the server's shutdown)."""
        if self._pool is not None:
            self._pool.close()

    def local(self, iri: str) -> str | None:
        """The server path of an IRI under the root (a hash IRI's term gets a page of its own:
        …/def#Disclosure → /def/Disclosure), else None."""
        if iri.startswith(ONTOLOGY):
            rest = "def" + iri[len(ONTOLOGY):]
        elif iri.startswith(self.root):
            rest = iri[len(self.root):]
        else:
            return None
        if "#" in rest:
            head, term = rest.split("#", 1)
            return "/" + head + ("/" + term if term else "")
        return "/" + rest

    def candidates(self, path: str) -> list[str]:
        """The IRIs a server path may stand for (the inverse of `local`)."""
        rest = path.lstrip("/")
        root = ONTOLOGY[:-len("def")] if rest == "def" or rest.startswith("def/") else self.root
        out = [root + rest]
        if "/" in rest:
            head, term = rest.rsplit("/", 1)
            out.append(f"{root}{head}#{term}")
        return out

    def url(self, path: str) -> str:
        return self.public_url + path.lstrip("/")
