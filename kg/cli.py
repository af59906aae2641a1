"""The `kg` command line: load, query, ask, export, check.

The commands, their options and the tidy CSV columns are a public contract
(users' scripts depend on them): extend, never change.
"""
from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import click
from click.core import ParameterSource

from cnbudget import __version__
from cnbudget.kg.rdf import iris
from cnbudget.kg.export import EXPORT_FORMATS, export
from cnbudget.kg.load import default_jobs, load_paths
from cnbudget.loaders import Limits, iter_files
from cnbudget.loaders.limits import ENVIRONMENT, format_size, parse_size
from cnbudget.kg import ask, guard
from cnbudget.kg import queries as named_queries
from cnbudget.kg.results import RESULT_FORMATS
from cnbudget.kg.store.remote import RemoteError
from cnbudget.kg.store import GraphStore, chosen_endpoint, open_store, store_path as default_store_path

store_option = click.option("--store", "store_path", envvar="KG_STORE", default=None, metavar="PATH",
                            help="Embedded store folder (env KG_STORE; default ./kg-store).")
endpoint_option = click.option("--endpoint", envvar="KG_ENDPOINT", default=None, metavar="URL",
                               help="Use a SPARQL 1.1 store at URL instead of the embedded one (env KG_ENDPOINT; "
                                    "see README).")
format_option = click.option("--format", "fmt", type=click.Choice(list(RESULT_FORMATS)), default="table",
                             show_default=True, help="Output format.")


def _choose(store_path: str | None, endpoint: str | None) -> tuple[str | None, str | None]:
    if store_path and endpoint:
        # options beat environment variables: --store wins over KG_ENDPOINT, --endpoint over KG_STORE
        source = click.get_current_context().get_parameter_source
        on_line = {name for name in ("store_path", "endpoint") if source(name) is ParameterSource.COMMANDLINE}
        if on_line == {"store_path", "endpoint"}:
            raise click.UsageError("give --store or --endpoint, not both")
        if on_line == {"store_path"}:
            endpoint = None
    return store_path, endpoint


def _open(store_path: str | None, read_only: bool = False, endpoint: str | None = None,
          timeout: float | None = None) -> GraphStore:
    store_path, endpoint = _choose(store_path, endpoint)
    try:
        return open_store(store_path, endpoint, read_only=read_only, timeout=timeout)
    except (FileNotFoundError, OSError, ValueError) as e:
        raise click.ClickException(str(e))


def _io_message(e: OSError) -> str:
    where = e.filename if getattr(e, "filename", None) is not None else None
    return f"{e.strerror}: {where}" if e.strerror and where is not None else (e.strerror or str(e))


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RemoteError as e:  # a remote store's failure: its status and text, exit 1
            raise click.ClickException(str(e)) from None
        except BrokenPipeError:  # the reader went away (kg query … | head): nothing more to say to it
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError, AttributeError):
                pass
            sys.exit(1)
        except OSError as e:  # every other I/O error: one line, not a traceback
            raise click.ClickException(_io_message(e)) from None


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """A knowledge graph of Chinese budget and final-accounts disclosures (部门预算/决算公开)."""


class _Size(click.ParamType):
    """A limit: a whole number, optionally followed by K, M or G (1024, 1024², 1024³)."""
    name = "size"

    def convert(self, value, param, ctx):
        try:
            return parse_size(value)
        except ValueError as e:
            self.fail(str(e), param, ctx)


_DEFAULT = Limits()


def _limit(name: str, flag: str, what: str, default: str):
    return click.option(flag, name, type=_Size(), envvar=ENVIRONMENT[name], default=None, metavar="N",
                        help=f"{what} (env {ENVIRONMENT[name]}; default {default}).")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@store_option
@endpoint_option
@click.option("--base-iri", envvar="KG_BASE_IRI", default=None, help="Base IRI of minted resources (env KG_BASE_IRI).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=None, metavar="N",
              help="Worker processes that parse while the store is written (default: one per core).")
@click.option("--progress/--no-progress", default=None,
              help="Show a progress bar on standard error (default: when it is a terminal and there are several files).")
@click.option("--replace-incomplete", is_flag=True,
              help="Let a document that looks cut off (the text ends inside a table or before the sections its "
                   "tables promise, fewer figures than the stored version, or the first bytes of the stored file) "
                   "replace the stored version of it; without this it is refused, with exit status 1.")
@_limit("file_size", "--max-file-size", "Largest file read, in bytes, K, M or G; also the unpacked XML of a .docx/.xlsx",
        format_size(_DEFAULT.file_size))
@_limit("text_size", "--max-text-size", "Most characters of text one document may give",
        f"{_DEFAULT.text_size:,}, about 0.7 GB to parse")
@_limit("line_length", "--max-line-length", "Longest line, in characters", f"{_DEFAULT.line_length:,}")
@_limit("base_iri_length", "--max-base-iri-length", "Longest --base-iri, in characters",
        f"{_DEFAULT.base_iri_length:,}")
def load(paths, store_path, endpoint, base_iri, fmt, jobs, progress, replace_incomplete, file_size, text_size,
         line_length, base_iri_length):
    """Load disclosure files or folders (.txt, .docx, .xlsx, .pdf, any mix); a reload replaces a document's
    graph. Each document is loaded on its own: a failure is reported and the others still load; the exit
    status is 1 if any failed.

    Each file is read within limits that keep a load within a few GB of memory (two workers and the writer),
    set by the options below or their environment variables; a file beyond one fails with the limit named.
    Anything but a regular file (a FIFO, a device, a link to one), a file that cannot be read, a file name
    that is not UTF-8 and text in an encoding other than UTF-8 or GB18030 fail the same way. A document that
    looks cut off is loaded with a warning (also in its graph, bud:loadWarning), but does not replace a
    stored version of it without --replace-incomplete. A document already stored under another --base-iri
    is refused."""
    given = {k: v for k, v in (("file_size", file_size), ("text_size", text_size), ("line_length", line_length),
                               ("base_iri_length", base_iri_length)) if v is not None}
    limits = Limits(**given)
    try:
        limits.check_base_iri(base_iri)  # before anything else reads it
        base_iri = base_iri and iris.base_iri(base_iri)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--base-iri") from None
    store = _open(store_path, endpoint=endpoint)
    files = list(iter_files(list(paths)))
    for note in getattr(store, "recovery", []):  # what the store did about a load cut off (Store.recover)
        click.echo(f"warning: {note}", err=True)
    if progress is None:
        progress = len(files) > 1 and sys.stderr.isatty()
    bar = click.progressbar(length=len(files), label="loading", file=sys.stderr, show_pos=True, show_eta=True) \
        if progress else None

    def show(r):
        if bar is not None:
            bar.update(1)
        if fmt != "text":
            return
        if r.status == "loaded":
            click.echo(f"loaded {r.path}: {r.title} — {r.tables} tables, {r.observations} observations, "
                       f"{r.triples} triples; {r.checks} checks, {r.findings} findings "
                       f"({r.mismatches} beyond rounding)")
        else:
            click.echo(f"error: {r.error}", err=True)
        for w in r.warnings:
            click.echo(f"warning: {w}", err=True)

    if bar is not None:
        bar.render_progress()
    reports = load_paths(store, files, base_iri, progress=show, jobs=jobs or default_jobs(), limits=limits,
                         replace_incomplete=replace_incomplete)
    if bar is not None:
        bar.render_finish()
    loaded = [r for r in reports if r.status == "loaded"]
    failed = [r for r in reports if r.status == "failed"]
    if loaded and not chosen_endpoint(*_choose(store_path, endpoint)):
        try:
            ask.refresh(store, [r.graph for r in loaded if r.graph])  # the search box's words of these documents
        except Exception as e:  # noqa: BLE001 — the documents are loaded; kg ask builds the words itself then
            click.echo(f"warning: the search box's words were not refreshed ({e}); kg ask builds them when asked",
                       err=True)
    if fmt == "json":
        click.echo(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(loaded)} documents loaded, {len(failed)} failed; "
                   f"{sum(r.observations for r in loaded)} observations, {sum(r.triples for r in loaded)} triples; "
                   f"store {store.path} holds {store.quad_count()} triples")
    del store  # closes it, so that a caller in the same process can open it again
    if not reports:
        raise click.ClickException("no loadable files found")
    if failed:
        sys.exit(1)


# what to do about a limit that stopped a query
_LIMIT_HINTS = {"timeout": "--timeout SECONDS sets it; 0 means none",
                "rows": "add a LIMIT to the query, or raise --max-rows; 0 means no limit",
                "service": "--allow-service allows it"}


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Named query parameter (repeatable).")
@store_option
@endpoint_option
@format_option
@click.option("--timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Stop the query after SECONDS, an error (0: no limit). With --endpoint, the HTTP timeout.")
@click.option("--max-rows", type=click.IntRange(min=0), default=100_000, show_default=True, metavar="N",
              help="Stop the query when it gives more than N rows, an error (0: no limit).")
@click.option("--allow-service", is_flag=True,
              help="Run SERVICE clauses, which send part of the query to another SPARQL endpoint.")
def query(query, params, store_path, endpoint, fmt, timeout, max_rows, allow_service):
    """Run SPARQL: a named query (see `kg queries`), a .rq file, or query text. The query is checked before
    it runs (its length, nesting and operators; SERVICE) and stopped past --timeout or --max-rows."""
    try:
        q = named_queries.resolve(query)
        values = {}
        for p in params:
            if "=" not in p:
                raise ValueError(f"--param {p!r}: expected NAME=VALUE")
            k, v = p.split("=", 1)
            values[k.strip()] = v
        sparql = q.bind(values)
    except (KeyError, ValueError, OSError) as e:
        raise click.ClickException(str(e.args[0] if isinstance(e, KeyError) else e))
    limits = guard.Limits(timeout=timeout or None, max_rows=max_rows or None, allow_service=allow_service)
    try:
        guard.check(sparql, limits)  # before the store is even opened
        store_path, endpoint = _choose(store_path, endpoint)
        where = (_open(store_path, read_only=True, endpoint=endpoint, timeout=timeout or None)
                 if chosen_endpoint(store_path, endpoint) else default_store_path(store_path))
        rows = guard.run_query(sparql, where, limits)
    except guard.QuerySyntaxError as e:
        line, column = q.source_position(values, e.line, e.column) if e.line else (None, None)
        raise click.ClickException(guard.show_error(q.sparql, line, column, e.detail)) from None
    except guard.QueryRefused as e:
        hint = _LIMIT_HINTS.get(e.limit)
        raise click.ClickException(f"{e}" + (f" ({hint})" if hint else "")) from None
    except (guard.QueryFailed, FileNotFoundError, ValueError) as e:  # ValueError: a folder that is not a store
        raise click.ClickException(str(e)) from None
    click.echo(RESULT_FORMATS[fmt](rows).rstrip("\n"))
    page = q.page_size(values)
    if page and len(rows.rows) >= page:
        click.echo(f"note: the first {page} rows (the query's page); --param limit=0 for all, or a larger limit",
                   err=True)


@main.command(name="ask")
@click.argument("text")
@store_option
@endpoint_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--timeout", type=click.FloatRange(min=0), default=60, show_default=True, metavar="SECONDS",
              help="Stop the query after SECONDS, an error (0: no limit).")
@click.option("--max-rows", type=click.IntRange(min=1), default=200, show_default=True, metavar="N",
              help="Rows of the answer at most.")
def ask_command(text, store_path, endpoint, fmt, timeout, max_rows):
    """Ask in keywords, as in the search box: 「执行率低于90%的单位」, 「三公经费 2020」, 「固废中心 任务」.
    Prints what was understood, the answer and the SPARQL run (through the same guard as kg query)."""
    limits = guard.Limits(timeout=timeout or None, max_rows=None)
    try:
        store_path, endpoint = _choose(store_path, endpoint)
        store = _open(store_path, read_only=True, endpoint=endpoint, timeout=timeout or None)
        where = store if chosen_endpoint(store_path, endpoint) else default_store_path(store_path)
        answer = ask.answer(store, text, max_rows=max_rows, run=lambda sparql: guard.run_query(sparql, where, limits))
    except guard.QueryRefused as e:
        raise click.ClickException(f"{e}" + (f" ({_LIMIT_HINTS[e.limit]})" if e.limit in _LIMIT_HINTS else "")) from None
    except (guard.QueryFailed, FileNotFoundError, ValueError) as e:
        raise click.ClickException(str(e)) from None
    if fmt == "json":
        click.echo(json.dumps(answer.to_json(), ensure_ascii=False, indent=2))
        return
    click.echo(answer.explanation)
    if answer.table is not None and answer.rows:
        click.echo(RESULT_FORMATS["table"](answer.table).rstrip("\n"))
    for alt in answer.alternatives:
        click.echo(f"or: {alt['label']} — kg ask {json.dumps(alt['q'], ensure_ascii=False)}")
    if answer.sparql:
        click.echo("\nSPARQL:\n" + answer.sparql)


def _describe(q: named_queries.NamedQuery) -> dict:
    return {"name": q.name, "title": q.title, "description": q.description,
            "params": [asdict(p) for p in q.params], "keywords": q.keywords}


@main.command(name="queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--show", metavar="NAME", default=None,
              help="Print the text of one named query (or .rq file); with --format json, also its description.")
def list_queries(fmt, show):
    """List the named queries with their parameters and keywords."""
    cat = named_queries.catalog()
    if show:
        try:
            q = cat[show] if show in cat or not show.endswith(".rq") else named_queries.resolve(show)
        except KeyError:
            raise click.ClickException(f"no named query {show!r}; known: {', '.join(cat) or 'none'}") from None
        except ValueError as e:
            raise click.ClickException(str(e)) from None
        if fmt == "json":
            click.echo(json.dumps({**_describe(q), "sparql": q.sparql}, ensure_ascii=False, indent=2))
        else:
            click.echo(q.sparql.rstrip("\n"))
        return
    if fmt == "json":
        click.echo(json.dumps([_describe(q) for q in cat.values()], ensure_ascii=False, indent=2))
        return
    for q in cat.values():
        params = ", ".join(f"{p.name}={p.default}" for p in q.params)
        click.echo(f"{q.name}\t{q.title}" + (f"\t[{params}]" if params else ""))


@main.command(name="export")
@store_option
@endpoint_option
@click.option("--format", "fmt", type=click.Choice(list(EXPORT_FORMATS)), default="csv", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True), default=None,
              help="Write to a file instead of standard output.")
def export_cmd(store_path, endpoint, fmt, output):
    """Export the graph: tidy CSV (one row per observation) or an RDF serialisation."""
    folder = Path(output).parent if output else None
    if folder is not None and not folder.is_dir():  # before a long export, not after
        raise click.ClickException(f"cannot write {output}: " + (f"{folder} is a file" if folder.exists()
                                                                  else f"there is no folder {folder}"))
    store = _open(store_path, read_only=True, endpoint=endpoint)
    if output:
        try:
            with open(output, "wb") as f:
                export(store, fmt, f)
        except OSError as e:
            raise click.ClickException(f"cannot write {output}: {e.strerror or e}") from None
    else:
        export(store, fmt, sys.stdout.buffer)
        sys.stdout.buffer.flush()


CHECK_QUERY = """
SELECT ?document ?table ?rule ?row ?measure ?stated ?computed ?difference ?tolerance ?tolerated ?message
WHERE {
  ?f a bud:ReconciliationFinding ; bud:disclosure ?d ; bud:rule ?r ;
     bud:statedAmount ?stated ; bud:computedAmount ?computed ; bud:difference ?difference ;
     bud:tolerance ?tolerance ; bud:tolerated ?tolerated ; rdfs:comment ?message .
  ?d dct:title ?document .
  OPTIONAL { ?f bud:findingTable/bud:tableNumber ?table }
  BIND (STRAFTER(STR(?r), "#") AS ?rule)
  OPTIONAL { ?f bud:totalObservation ?o . ?o bud:rowLabel ?row ; bud:measureLabel ?measure . }
}
ORDER BY ?document ?tolerated ?table ?f
"""


# findings that report how a table was read, not whether its figures agree (ontology/codelists/checks.ttl)
_FINDING_KIND = {"ReadingByArithmetic": "read", "UndecidedReading": "undecided", "TotalWithUnplacedFigures": "unchecked",
                 "RestatedTable": "restated"}


@main.command()
@store_option
@endpoint_option
@format_option
@click.option("--strict", is_flag=True, help="Exit non-zero when a finding exceeds the rounding the document allows.")
def check(store_path, endpoint, fmt, strict):
    """Print the reconciliation findings of the loaded documents."""
    store = _open(store_path, read_only=True, endpoint=endpoint)
    rows = store.select(CHECK_QUERY)
    if fmt == "table":
        summary = store.select("""SELECT ?document (SUM(?n) AS ?checks) WHERE { ?d bud:checkCount ?n ; dct:title ?document }
                                  GROUP BY ?document ORDER BY ?document""")
        kinds = [_FINDING_KIND.get(r[2].value) or ("tolerated" if r[9].value == "true" else "MISMATCH") for r in rows.rows]
        for kind, r in zip(kinds, rows.rows):
            click.echo(f"{kind:<9}  {r[10].value}")
        for d, n in summary.rows:
            click.echo(f"{d.value}: {n.value} checks")
        count = {k: kinds.count(k) for k in ("MISMATCH", "tolerated", "read", "undecided", "unchecked", "restated")}
        click.echo(f"{len(rows.rows)} findings: {count['MISMATCH']} mismatches, {count['tolerated']} within rounding"
                   + (f", {count['read']} rows read by the table's arithmetic" if count["read"] else "")
                   + (f", {count['undecided']} rows whose figures could not be placed" if count["undecided"] else "")
                   + (f", {count['unchecked']} totals not checkable" if count["unchecked"] else "")
                   + (f", {count['restated']} tables printed twice" if count["restated"] else ""))
    else:
        click.echo(RESULT_FORMATS[fmt](rows).rstrip("\n"))
    if strict and any(r[9].value == "false" for r in rows.rows):
        sys.exit(1)


@main.command()
@store_option
@endpoint_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port (0: any free one).")
@click.option("--base-iri", envvar="KG_BASE_IRI", default=None,
              help="Base IRI of the minted resources served (env KG_BASE_IRI; default https://w3id.org/cnbudget/id/).")
@click.option("--public-url", envvar="KG_PUBLIC_URL", default=None, metavar="URL",
              help="Where the service is reached (default http://HOST:PORT/): IRIs under the base IRI's parent "
                   "are served at the same path under it.")
@click.option("--timeout", type=click.FloatRange(min=0), default=30, show_default=True, metavar="SECONDS",
              help="Time limit of one SPARQL query (0: none).")
@click.option("--max-rows", type=click.IntRange(min=0), default=100_000, show_default=True, metavar="N",
              help="Row limit of one SPARQL query (0: none).")
@click.option("--concurrency", type=click.IntRange(1, 64), default=None, metavar="N",
              help="SPARQL queries run at once; others wait (default: one a CPU, at least 2).")
@click.option("--sample/--no-sample", default=True, show_default=True,
              help="Load the bundled sample first when the embedded store holds no disclosure.")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True, metavar="N",
              help="Server processes sharing the port (pages are rendered in Python: one at a time per process).")
@click.option("--engine", type=click.Choice(["auto", "oxigraph", "python"]), default="auto", show_default=True,
              help="What runs the endpoint's queries on the embedded store: Oxigraph's own server (the oxigraph "
                   "command), pyoxigraph in Python processes, or auto: the first where installed.")
def serve(store_path, endpoint, host, port, base_iri, public_url, timeout, max_rows, concurrency, sample, workers,
          engine):
    """Serve the graph on the web: SPARQL endpoint (/sparql), a page per resource, catalog and dumps."""
    from cnbudget.api import serve as web
    store_path, endpoint = _choose(store_path, endpoint)
    try:
        base_iri = iris.base_iri(base_iri) if base_iri else None
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--base-iri") from None
    try:
        web.serve(store_path=store_path, endpoint=endpoint, host=host, port=port, base_iri=base_iri,
                  public_url=public_url, timeout=timeout or None, max_rows=max_rows or None,
                  concurrency=concurrency, sample=sample, echo=click.echo, workers=workers, engine=engine)
    except (ValueError, OSError) as e:
        raise click.ClickException(str(e)) from None


if __name__ == "__main__":
    main()
