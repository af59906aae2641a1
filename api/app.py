"""The web front: `create_app(settings)` assembles the FastAPI application `kg serve` runs.

A module per job: endpoint.py (the SPARQL protocol), pages.py (dereferenceable IRIs, the ontology, the query
page), catalog.py (DCAT catalog, VoID, dumps), search.py (the search box at /, /api/ask). Here: what every
response shares (hardening.py).
"""
from __future__ import annotations

from fastapi import FastAPI

from cnbudget import __version__
from cnbudget.api import catalog, endpoint, hardening, pages, search
from cnbudget.api.settings import Settings
from cnbudget.kg.store import pinned


def create_app(settings: Settings) -> FastAPI:
    app = FastAPI(title="cnbudget-kg", version=__version__, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.settings = settings
    app.include_router(endpoint.router)
    app.include_router(catalog.router)
    app.include_router(search.router)
    pages.install(app)
    hardening.install(app, settings)
    # the copies of the store this process read (uvicorn ends on a signal it raises again: no atexit)
    app.router.on_shutdown.append(settings.close)  # the query workers first: they read those copies
    app.router.on_shutdown.append(pinned.remove_all)
    return app
