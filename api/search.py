"""The search box: `GET /api/ask?q=…` (keywords in, the answer of `cnbudget.kg.ask` as JSON out),
`GET /api/suggest?q=…` (words of the graph’s dictionary that begin with or hold what was typed) and the search page at
`/`, rendered on the server so `/?q=…` answers without JavaScript; static/search.js adds suggestions as one
types and the chart (ECharts, static/echarts/).

The engine writes its SPARQL from bound values; the query it runs here still goes through the same guard as
/sparql (`guard.run_query`: the text checked, a child process killed at the time limit, the row limit), off the
event loop and within the server's query slots. The dictionary is the one `kg load` keeps in the store's folder.
"""
from __future__ import annotations

import json
import urllib.parse

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from cnbudget.api import pages
from cnbudget.api.settings import Settings
from cnbudget.kg import guard
from cnbudget.kg.store import Rows

router = APIRouter()

MAX_ROWS = 200          # rows of an answer
MAX_SUGGESTIONS = 10
MAX_PREFIX = 100        # characters of a prefix worth completing
EXAMPLES = ["三公经费", "执行率低于90%的单位", "公务接待费 预算 决算", "大气污染防治支出", "固废中心 任务"]


def ask(settings: Settings, text: str) -> dict:
    from cnbudget.kg import ask as engine  # jieba and the dictionary load on first use, not at start

    def run(sparql: str) -> Rows:
        return guard.run_query(sparql, settings.store, settings.limits)
    rows = min(MAX_ROWS, settings.limits.max_rows or MAX_ROWS)  # the engine's LIMIT within the guard's
    return engine.answer(settings.store, text, max_rows=rows, run=run).to_json()


def suggest(settings: Settings, prefix: str) -> list[str]:
    from cnbudget.kg import ask as engine
    if not prefix.strip() or len(prefix) > MAX_PREFIX:
        return []
    return engine.suggest(settings.store, prefix, n=MAX_SUGGESTIONS)


class Unanswered(Exception):
    """The answer's query was stopped by a limit or the store failed: (status, message)."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


async def answer_of(settings: Settings, text: str) -> dict:
    try:
        async with settings.slots:
            return await run_in_threadpool(ask, settings, text)
    except guard.QueryRefused as e:
        raise Unanswered(503 if e.limit == "timeout" else 400, str(e)) from None
    except guard.QueryFailed:
        raise Unanswered(503, "the store failed to answer this search") from None


@router.get("/api/ask")
async def api_ask(request: Request, q: str = "") -> Response:
    try:
        return JSONResponse(await answer_of(request.app.state.settings, q))
    except Unanswered as e:
        return JSONResponse({"query": q, "error": str(e)}, status_code=e.status)


@router.get("/api/suggest")
async def api_suggest(request: Request, q: str = "") -> Response:
    settings: Settings = request.app.state.settings
    try:
        async with settings.slots:
            words = await run_in_threadpool(suggest, settings, q)
    except (guard.QueryRefused, guard.QueryFailed):
        words = []
    return JSONResponse(words, headers={"Cache-Control": "max-age=60"})


# --- the page ----------------------------------------------------------------------------------------------------

def table_of(settings: Settings, answer: dict) -> dict:
    """The answer as the page's table: shown columns, and per row each cell's text and link."""
    links = {c: i for c, i in (answer.get("links") or {}).items() if i}
    hidden = {i for c, i in links.items() if i != c}
    columns = [c for c in answer.get("columns") or [] if c not in hidden]
    rows = []
    for row in answer.get("rows") or []:
        cells = []
        for c in columns:
            value = row.get(c)
            iri = row.get(links[c]) if c in links else None
            href = (settings.local(iri) or iri) if isinstance(iri, str) and iri else None
            text = "" if value is None else str(value)
            cells.append({"text": text, "href": href, "short": len(text) <= 12,
                          "num": isinstance(value, (int, float)) and not isinstance(value, bool)})
        rows.append(cells)
    return {"columns": columns, "rows": rows}


def query_link(sparql: str) -> str:
    """The query page with `sparql` in it (YASGUI reads `query` from the URL's fragment)."""
    return "/sparql#" + urllib.parse.urlencode({"query": sparql}, quote_via=urllib.parse.quote)


def script_json(value) -> str:
    """JSON to sit inside <script type="application/json">: no <, > or & that HTML could read as markup."""
    return (json.dumps(value, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026"))


def page_context(settings: Settings, q: str, answer: dict | None, error: str | None) -> dict:
    context = {"title": (q[:60] + " · 搜索") if q else "cnbudget-kg", "q": q, "examples": EXAMPLES,
               "answer": answer, "error": error}
    if answer is not None:
        context.update(table=table_of(settings, answer), query_link=query_link(answer.get("sparql") or ""),
                       answer_json=script_json(answer))
    return context


@router.get("/")
async def search_page(request: Request, q: str = "") -> Response:
    """The front page: the search box, the answer to `q` when given, else the disclosures and named queries."""
    settings: Settings = request.app.state.settings
    q = q.strip()
    answer = error = None
    status = 200
    if q:
        try:
            answer = await answer_of(settings, q)
        except Unanswered as e:
            error, status = str(e), e.status
    context = page_context(settings, q, answer, error)
    if not q:
        context.update(documents=await run_in_threadpool(pages.documents, settings), queries=pages.query_list())
    return pages.html("search.html", status=status, **context)
