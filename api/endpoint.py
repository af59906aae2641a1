"""The SPARQL 1.1 Protocol endpoint at /sparql: read-only, under the guard's limits.

GET with `query=`, POST as a form (`query=`) or with the query as the body (application/sparql-query);
`default-graph-uri` and `named-graph-uri` choose the dataset (without them, and without FROM in the query,
the default graph is the union of the named graphs, as for `kg query`). SELECT and ASK answer in SPARQL JSON,
XML, CSV or TSV, CONSTRUCT and DESCRIBE in Turtle, N-Triples, JSON-LD or RDF/XML, by `Accept` (or `format=`),
all written by pyoxigraph. An update (`update=`, application/sparql-update, or update text as a query) gets
4xx and nothing is written: the store is opened read-only and the engine only parses queries.

Each query runs in a child process killed at the time limit (api/runner.py; the processes kept between
queries, api/pool.py: Oxigraph's own server, api/oxigraph_worker.py, or api/worker.py), off the event loop, at most `Settings.concurrency` at a time. Statuses: 400 a refused or malformed query (the message says which limit or
where the syntax error is), 403 an update, 406 no acceptable format, 503 the time limit passed.
"""
from __future__ import annotations

import io
import re
import urllib.parse

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from cnbudget.api import runner
from cnbudget.api.settings import Settings
from cnbudget.kg import guard

router = APIRouter()

_UPDATE_TYPES = {"application/sparql-update"}
_QUERY_TYPES = {"application/sparql-query"}
_FORM = "application/x-www-form-urlencoded"
_PATHS = re.compile(r"(?:[A-Za-z]:)?(?:[\\/][\w.\-]+){2,}")  # file paths, kept out of answers


def error(status: int, message: str) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip() + "\n", status_code=status)


async def protocol_request(request: Request) -> tuple | Response:
    """(query, update, default graphs, named graphs, format=) of a protocol request, or the error response."""
    params = list(urllib.parse.parse_qsl(request.url.query, keep_blank_values=True))
    query = update = None
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        if ctype in _UPDATE_TYPES:
            return error(403, "this endpoint is read-only: updates are not accepted")
        if ctype in _QUERY_TYPES:
            query = body.decode("utf-8", "replace")
        elif ctype == _FORM:
            params += urllib.parse.parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        else:
            return error(415, "send the query as application/x-www-form-urlencoded (query=…) or as "
                              "application/sparql-query")
    for name, value in params:
        if name == "query":
            if query is not None:
                return error(400, "give one query")
            query = value
        elif name == "update":
            update = value
    if update is not None:
        return error(403, "this endpoint is read-only: updates are not accepted")
    defaults = [v for n, v in params if n == "default-graph-uri"]
    named = [v for n, v in params if n == "named-graph-uri"]
    fmt = next((v for n, v in params if n == "format"), None)
    return query, update, defaults, named, fmt


def _media(fmt: str | None, accept: str | None, kind: str) -> str | None:
    """The media type to answer a `kind` query in, by `format=` or the Accept header."""
    names, types = ((runner.RESULT_NAMES, runner.RESULT_TYPES) if kind in ("select", "ask")
                    else (runner.GRAPH_NAMES, runner.GRAPH_TYPES))
    if fmt:
        return names.get(fmt.lower()) or (fmt if fmt in types else None)
    offered = list(types)
    if kind in ("select", "ask"):
        offered = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values", "application/json", "application/xml"]
    else:
        offered = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml",
                   "text/plain"]
    if accept and "text/html" in accept and kind in ("select", "ask"):  # a browser following a link: JSON
        accept += ", application/sparql-results+json;q=0.5"
    if accept and "text/html" in accept:
        accept += ", text/turtle;q=0.5"
    return runner.negotiate(accept, offered)


def _respond(settings: Settings, pool, sparql: str, defaults: list[str], named: list[str], fmt: str | None,
             accept: str | None) -> Response:
    """The query run and its answer written, in one trip to a thread (each trip costs the event loop more
    than choosing the format does)."""
    result = runner.run(sparql, settings.store, settings.limits, defaults, named, pool)
    try:
        media = _media(fmt, accept, result.kind)
        if media is None:
            return error(406, "no format the Accept header allows: SELECT and ASK answer in "
                              + ", ".join(runner.RESULT_TYPES) + "; CONSTRUCT and DESCRIBE in "
                              + ", ".join(runner.GRAPH_TYPES))
        out = io.BytesIO()
        runner.write(result, media, out)
    finally:
        result.close()
    charset = "; charset=utf-8" if media.startswith("text/") or media.endswith(("json", "xml")) else ""
    return Response(out.getvalue(), media_type=media + charset, headers={"Vary": "Accept"})


async def answer(request: Request, settings: Settings, sparql: str, defaults: list[str], named: list[str],
                 fmt: str | None = None) -> Response:
    try:
        async with settings.slots:
            # the pool taken here, on the event loop: Settings.pool makes it on first use, and two threads
            # asking at once made two (twice the query workers)
            return await run_in_threadpool(_respond, settings, settings.pool, sparql, defaults, named, fmt,
                                           request.headers.get("accept"))
    except guard.QueryRefused as e:
        if e.limit == "timeout":
            return error(503, f"{e}. The time limit is {settings.limits.timeout:g} s per query: "
                              "narrow the query, or run it with `kg query` on your own copy of the data.")
        if e.limit == "rows":
            return error(400, f"{e}: add a LIMIT (the row limit is {settings.limits.max_rows:,}), or download "
                              "the dumps under /export/.")
        return error(400, str(e))
    except guard.QuerySyntaxError as e:
        return error(400, guard.show_error(sparql, e.line, e.column, e.detail))
    except guard.QueryFailed as e:
        text = str(e)  # an evaluation error is the engine's message; anything else says no more than this
        return error(500, _PATHS.sub("…", text) if text.startswith("the query failed:")
                     else "the query engine failed to answer this query")


async def sparql(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    parsed = await protocol_request(request)
    if isinstance(parsed, Response):
        return parsed
    query, _update, defaults, named, fmt = parsed
    if query is None:
        accept = request.headers.get("accept", "")
        page = getattr(request.app.state, "query_page", None)
        if page is not None and "text/html" in accept:
            return await page(request)
        return error(400, "no query: give one as query=… (GET or a POST form) or as the body of a POST "
                          "with Content-Type application/sparql-query")
    if not query.strip():
        return error(400, "the query is empty")
    return await answer(request, settings, query, defaults, named, fmt)


# a plain route: the protocol's parameters are read here (FastAPI's reading of them for its own parameters
# parsed the query string, a long query's text, a second time)
router.add_route("/sparql", sparql, methods=["GET", "POST"])
