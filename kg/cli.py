"""The `kg` command line: load, query, export, check.

The commands, their options and the tidy CSV columns are a public contract
(users' scripts depend on them): extend, never change.
"""
from __future__ import annotations

import json
import sys
from dataclasses import asdict

import click
from click.core import ParameterSource

from cnbudget import __version__
from cnbudget.kg.rdf import iris
from cnbudget.kg.export import EXPORT_FORMATS, export
from cnbudget.kg.load import default_jobs, load_paths
from cnbudget.loaders import iter_files
from cnbudget.kg import queries as named_queries
from cnbudget.kg.results import RESULT_FORMATS
from cnbudget.kg.store.remote import RemoteError
from cnbudget.kg.store import Store, open_store

store_option = click.option("--store", "store_path", envvar="KG_STORE", default=None, metavar="PATH",
                            help="Embedded store folder (env KG_STORE; default ./kg-store).")
endpoint_option = click.option("--endpoint", envvar="KG_ENDPOINT", default=None, metavar="URL",
                               help="Use a SPARQL 1.1 store at URL instead of the embedded one (env KG_ENDPOINT; "
                                    "see README).")
format_option = click.option("--format", "fmt", type=click.Choice(list(RESULT_FORMATS)), default="table",
                             show_default=True, help="Output format.")


def _open(store_path: str | None, read_only: bool = False, endpoint: str | None = None) -> Store:
    if store_path and endpoint:
        # options beat environment variables: --store wins over KG_ENDPOINT, --endpoint over KG_STORE
        source = click.get_current_context().get_parameter_source
        on_line = {name for name in ("store_path", "endpoint") if source(name) is ParameterSource.COMMANDLINE}
        if on_line == {"store_path", "endpoint"}:
            raise click.UsageError("give --store or --endpoint, not both")
        if on_line == {"store_path"}:
            endpoint = None
    try:
        return open_store(store_path, endpoint, read_only=read_only)
    except (FileNotFoundError, OSError, ValueError) as e:
        raise click.ClickException(str(e))


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except RemoteError as e:  # a remote store's failure: its status and text, exit 1
            raise click.ClickException(str(e)) from None


@click.group(cls=_Group)
@click.version_option(__version__, prog_name="kg")
def main() -> None:
    """A knowledge graph of Chinese budget and final-accounts disclosures (部门预算/决算公开)."""


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
def load(paths, store_path, endpoint, base_iri, fmt, jobs, progress):
    """Load disclosure files or folders (.txt, .docx, .xlsx, .pdf, any mix); a reload replaces a document's
    graph. Each document is loaded on its own: a failure is reported and the others still load; the exit
    status is 1 if any failed."""
    try:
        base_iri = base_iri and iris.base_iri(base_iri)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--base-iri") from None
    store = _open(store_path, endpoint=endpoint)
    files = list(iter_files(list(paths)))
    for r in getattr(store, "recovered", []):
        click.echo(f"warning: removed graph {r}: a load was cut off while writing it", err=True)
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
    reports = load_paths(store, files, base_iri, progress=show, jobs=jobs or default_jobs())
    if bar is not None:
        bar.render_finish()
    loaded = [r for r in reports if r.status == "loaded"]
    failed = [r for r in reports if r.status == "failed"]
    if fmt == "json":
        click.echo(json.dumps([asdict(r) for r in reports], ensure_ascii=False, indent=2))
    else:
        click.echo(f"{len(loaded)} documents loaded, {len(failed)} failed; "
                   f"{sum(r.observations for r in loaded)} observations, {sum(r.triples for r in loaded)} triples; "
                   f"store {store.path} holds {len(store)} triples")
    del store  # closes it, so that a caller in the same process can open it again
    if not reports:
        raise click.ClickException("no loadable files found")
    if failed:
        sys.exit(1)


@main.command()
@click.argument("query")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE", help="Named query parameter (repeatable).")
@store_option
@endpoint_option
@format_option
def query(query, params, store_path, endpoint, fmt):
    """Run SPARQL: a named query (see `kg queries`), a .rq file, or query text."""
    try:
        q = named_queries.resolve(query)
        values = {}
        for p in params:
            if "=" not in p:
                raise ValueError(f"--param {p!r}: expected NAME=VALUE")
            k, v = p.split("=", 1)
            values[k.strip()] = v
        sparql = q.bind(values)
    except (KeyError, ValueError, FileNotFoundError) as e:
        raise click.ClickException(str(e.args[0] if isinstance(e, KeyError) else e))
    store = _open(store_path, read_only=True, endpoint=endpoint)
    try:
        rows = store.select(sparql)
    except SyntaxError as e:
        raise click.ClickException(f"SPARQL syntax error: {e}")
    click.echo(RESULT_FORMATS[fmt](rows).rstrip("\n"))
    page = q.page_size(values)
    if page and len(rows.rows) >= page:
        click.echo(f"note: the first {page} rows (the query's page); --param limit=0 for all, or a larger limit",
                   err=True)


@main.command(name="queries")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def list_queries(fmt):
    """List the named queries with their parameters and keywords."""
    cat = named_queries.catalog()
    if fmt == "json":
        click.echo(json.dumps([{"name": q.name, "title": q.title, "description": q.description,
                                "params": [asdict(p) for p in q.params], "keywords": q.keywords}
                               for q in cat.values()], ensure_ascii=False, indent=2))
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
    store = _open(store_path, read_only=True, endpoint=endpoint)
    if output:
        with open(output, "wb") as f:
            export(store, fmt, f)
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
        mismatches = sum(1 for r in rows.rows if r[9].value == "false")
        for r in rows.rows:
            flag = "tolerated" if r[9].value == "true" else "MISMATCH "
            click.echo(f"{flag}  {r[10].value}")
        for d, n in summary.rows:
            click.echo(f"{d.value}: {n.value} checks")
        click.echo(f"{len(rows.rows)} findings: {mismatches} mismatches, {len(rows.rows) - mismatches} within rounding")
    else:
        click.echo(RESULT_FORMATS[fmt](rows).rstrip("\n"))
    if strict and any(r[9].value == "false" for r in rows.rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
