"""Dereferenceable IRIs: every resource under the served root answers GET with an HTML page (server-rendered,
readable without JavaScript) or with RDF by `Accept` / `?format=`; /def serves the ontology, a page per term;
/sparql for a browser is the query page (YASGUI, shipped in static/). IRIs map to paths as `Settings.local`
says: https://w3id.org/cnbudget/id/org/… is /id/org/…, https://w3id.org/cnbudget/def#Disclosure is
/def/Disclosure."""
from __future__ import annotations

import io
import json
import threading
import weakref
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.concurrency import run_in_threadpool

from cnbudget import __version__
from cnbudget.api import runner
from cnbudget.api.settings import ONTOLOGY, Settings
from cnbudget.kg.queries import catalog as named_queries
from cnbudget.ontology import PREFIXES

HERE = Path(__file__).resolve().parent
# compiled once: the templates are files of the package, not edited while it runs (no stat of each per page)
templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(["html"]),
                        auto_reload=False)


def term_html(t: dict) -> Markup:
    """A term of a page (View.term) as HTML: a link with its label, or a literal with its language or datatype.
    A filter, not a macro: a page shows a term dozens of times, and a Jinja macro call cost more than the
    page's queries."""
    if t["kind"] == "iri":
        return Markup(f'<a href="{escape(t["href"])}" title="{escape(t["iri"])}">{escape(t["text"])}</a>')
    if t["kind"] == "blank":
        return Markup(f'<span class="blank">{escape(t["text"])}</span>')
    note = f' <small class="note">{escape(t["note"])}</small>' if t.get("note") else ""
    return Markup(f'<span class="literal">{escape(t["text"])}</span>{note}')


templates.filters["term"] = term_html

RDF_TYPES = ["text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml"]
_HTML_FIRST = ["text/html", *RDF_TYPES]
_LABELS = ("skos:prefLabel", "rdfs:label", "dct:title", "skos:notation")
# a pattern each, joined by UNION and ranked: which label a page shows does not hang on the order of the answers
_LABEL_RANK = {PREFIXES[p.split(":")[0]] + p.split(":")[1]: i for i, p in enumerate(_LABELS)}
_LABELLED = " UNION ".join(f"{{ ?x {p} ?l BIND({i} AS ?r) }}" for i, p in enumerate(_LABELS))
_NUMBERS = {PREFIXES["xsd"] + n for n in ("integer", "decimal", "double", "float", "int", "long",
                                          "nonNegativeInteger")}
FIGURE_LIMIT = 5000
INCOMING_LIMIT = 500
SORTED_HERE = 50_000  # links to a resource sorted here at most (see incoming_of)


def media_for(request: Request) -> str | None:
    """text/html or an RDF media type, by ?format= or Accept (a browser's */* gets HTML)."""
    fmt = request.query_params.get("format")
    if fmt:
        return "text/html" if fmt.lower() == "html" else runner.GRAPH_NAMES.get(fmt.lower())
    return runner.negotiate(request.headers.get("accept"), _HTML_FIRST)


def rdf_response(triples: list, media: str) -> Response:
    out = io.BytesIO()
    fmt = runner.GRAPH_TYPES[media]
    ox.serialize(triples, out, format=fmt,
                 prefixes=PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None)
    return Response(out.getvalue(), media_type=media + ("; charset=utf-8" if media.startswith("text/") else ""),
                    headers={"Vary": "Accept"})


def html(template: str, status: int = 200, **context) -> HTMLResponse:
    return HTMLResponse(templates.get_template(template).render(version=__version__, **context),
                        status_code=status, headers={"Vary": "Accept"})


def _iri(term) -> str:
    return f"<{term.value}>"


class View:
    """Terms as a page shows them: a label and a link (local when under the root)."""

    def __init__(self, settings: Settings, labels: dict[str, str]):
        self.settings, self.labels = settings, labels

    def short(self, iri: str) -> str:
        for prefix, ns in PREFIXES.items():
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def link(self, iri: str) -> str:
        return self.settings.local(iri) or iri

    def term(self, t) -> dict:
        if isinstance(t, ox.NamedNode):
            return {"kind": "iri", "href": self.link(t.value), "text": self.labels.get(t.value) or self.short(t.value),
                    "iri": t.value}
        if isinstance(t, ox.BlankNode):
            return {"kind": "blank", "text": f"_:{t.value}"}
        if isinstance(t, ox.Literal):
            note = t.language or (self.short(t.datatype.value) if t.datatype and t.datatype.value not in (
                PREFIXES["xsd"] + "string",) else "")
            return {"kind": "literal", "text": t.value, "note": note}
        return {"kind": "literal", "text": str(t), "note": ""}


def _best_labels(rows) -> dict[str, str]:
    """(IRI, label, rank by _LABELS) rows → the best label of each IRI: a Chinese one first, then by rank."""
    best: dict[str, tuple[tuple[bool, int], str]] = {}
    for x, label, rank in rows:
        key = (getattr(label, "language", None) != "zh", rank)
        if x not in best or key < best[x][0]:
            best[x] = (key, label.value)
    return {x: label for x, (_key, label) in best.items()}


def labels_of(store, iris: set[str]) -> dict[str, str]:
    """A label for each IRI that has one: a Chinese one first, then by the order of _LABELS."""
    out: dict[str, str] = {}
    todo = sorted(i for i in iris if not any(c in i for c in '<>"{}|^`\\ '))
    for start in range(0, len(todo), 400):
        chunk = " ".join(f"<{i}>" for i in todo[start:start + 400])
        rows = store.select(f"SELECT ?x ?l ?r WHERE {{ VALUES ?x {{ {chunk} }} {_LABELLED} }}").rows
        out.update(_best_labels((x.value, label, int(rank.value)) for x, label, rank in rows))
    return out


def _term_order(t) -> tuple:
    """Terms in SPARQL's ORDER BY order, near enough for a page: blank nodes, IRIs, then literals, numbers
    by value."""
    if isinstance(t, ox.BlankNode):
        return (0, 0, t.value)
    if isinstance(t, ox.NamedNode):
        return (1, 0, t.value)
    if t.datatype is not None and t.datatype.value in _NUMBERS:
        try:
            number = Decimal(t.value)
        except ArithmeticError:
            number = None
        if number is not None and number.is_finite():
            return (2, 0, number)
    return (2, 1, t.value, t.language or "", t.datatype.value if t.datatype else "")


def describe(store, iri: str) -> dict:
    """What a page of `iri` shows: its statements, what points to it, an organization's figures."""
    node = f"<{iri}>"
    # its statements without DISTINCT and ORDER BY, made distinct and sorted here: the engine's sort of terms
    # cost more than the lookup (the union of the graphs may give a statement twice)
    outgoing = sorted({(p, o): None for p, o in store.select(f"SELECT ?p ?o WHERE {{ {node} ?p ?o }}").rows},
                      key=lambda row: (row[0].value, _term_order(row[1])))
    incoming = incoming_of(store, node)
    types = {o.value for p, o in outgoing if p.value == PREFIXES["rdf"] + "type"}
    if PREFIXES["org"] + "Organization" not in types:  # only an organization's page lists figures
        return {"outgoing": outgoing, "incoming": incoming, "figures": []}
    return {"outgoing": outgoing, "incoming": incoming, "figures": figures_of(store, node)}


def incoming_of(store, node: str) -> list:
    """What points to a resource, (subject, property) rows ordered by property and subject, the first
    INCOMING_LIMIT + 1. Sorted here up to SORTED_HERE of them: the engine's ORDER BY looks up the text of the
    terms it compares (the 16,000 links to a department took it 1.1 s); past that, it sorts them."""
    rows = store.select(f"SELECT ?s ?p WHERE {{ ?s ?p {node} }} LIMIT {SORTED_HERE + 1}").rows
    if len(rows) > SORTED_HERE:
        return store.select(f"SELECT DISTINCT ?s ?p WHERE {{ ?s ?p {node} }} ORDER BY ?p ?s "
                            f"LIMIT {INCOMING_LIMIT + 1}").rows
    unique = sorted({(s, p): None for s, p in rows}, key=lambda row: (row[1].value, _term_order(row[0])))
    return unique[:INCOMING_LIMIT + 1]


def figures_of(store, node: str) -> list:
    """An organization's figures: (table, number, title, row, measure, amount, unit, line, observation) rows,
    ordered by table number, table, source line, the first FIGURE_LIMIT + 1. Each table's statements are read
    once, not again for each of its observations, and the rows sorted here (a department of 16 documents has
    16,000 observations: as one query with the table's OPTIONALs per observation, 3 s)."""
    found = store.select(f"""SELECT ?obs ?table ?amount ?row ?measure ?unit ?line WHERE {{
        ?obs bud:department {node} ; qb:dataSet ?table ; bud:amount ?amount .
        OPTIONAL {{ ?obs bud:rowLabel ?row }} OPTIONAL {{ ?obs bud:measureLabel ?measure }}
        OPTIONAL {{ ?obs bud:currencyUnit ?unit }} OPTIONAL {{ ?obs bud:sourceLine ?line }} }}""").rows
    tables: dict = {}
    names = sorted({table.value for _obs, table, *_rest in found})
    for start in range(0, len(names), 400):
        chunk = " ".join(f"<{t}>" for t in names[start:start + 400])
        for table, number, title, unit in store.select(f"""SELECT ?table ?number ?title ?unit WHERE {{
                VALUES ?table {{ {chunk} }} OPTIONAL {{ ?table bud:tableNumber ?number }}
                OPTIONAL {{ ?table dct:title ?title }} OPTIONAL {{ ?table bud:currencyUnit ?unit }} }}""").rows:
            tables.setdefault(table.value, []).append((number, title, unit))
    rows = []
    for obs, table, amount, row, measure, unit, line in found:
        described = tables.get(table.value, [(None, None, None)])
        if unit is not None:  # the observation's unit; the table's only where it has none (as OPTIONAL did)
            described = list(dict.fromkeys((number, title, unit) for number, title, _unit in described))
        rows += [(table, number, title, row, measure, amount, table_unit, line, obs)
                 for number, title, table_unit in described]
    rows.sort(key=lambda r: (r[1] is None, r[1].value if r[1] is not None else "", r[0].value,
                             () if r[7] is None else _term_order(r[7]), r[8].value))
    return rows[:FIGURE_LIMIT + 1]


def triples_of(store, iri: str) -> list[ox.Triple]:
    return store.construct(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")


class VocabularyLabels:
    """Labels of the terms outside the base IRI (the ontology, its code lists, the W3C vocabularies): few, and
    most of them on every page (each property has one), so looked up once for each snapshot of the store
    (`CurrentStore.current()`). The data's own resources are looked up for each page."""

    LIMIT = 20_000  # terms kept at most (a store may point to any number of outside IRIs)

    def __init__(self):
        self._lock = threading.Lock()
        self._snapshot = None  # a weak reference to the store the labels were read from
        self._labels: dict[str, str | None] = {}

    def labels(self, settings: Settings, iris: set[str]) -> dict[str, str]:
        current = getattr(settings.store, "current", None)
        if current is None:  # a remote store: no snapshot to know its changes by
            return labels_of(settings.store, iris)
        store = current()
        terms = {i for i in iris if not i.startswith(settings.base_iri)}
        with self._lock:
            if self._snapshot is None or self._snapshot() is not store:
                self._snapshot, self._labels = weakref.ref(store), {}
            known = {i: self._labels[i] for i in terms if i in self._labels}
        found = labels_of(store, iris - known.keys())
        with self._lock:
            if self._snapshot() is store:
                if len(self._labels) > self.LIMIT:
                    self._labels = {}
                self._labels.update((i, found.get(i)) for i in terms - known.keys())
        return {**{i: label for i, label in known.items() if label is not None}, **found}


_vocabulary = VocabularyLabels()


def resource_page(settings: Settings, iri: str, facts: dict) -> HTMLResponse:
    mentioned = {t.value for row in facts["outgoing"] for t in row if isinstance(t, ox.NamedNode)} | \
                {t.value for row in facts["incoming"] for t in row if isinstance(t, ox.NamedNode)}
    own = _best_labels((iri, o, _LABEL_RANK[p.value]) for p, o in facts["outgoing"] if p.value in _LABEL_RANK)
    view = View(settings, {**_vocabulary.labels(settings, mentioned - {iri}), **own})
    props: dict[str, dict] = {}
    types = []
    for p, o in facts["outgoing"]:
        props.setdefault(p.value, {"property": view.term(p), "objects": []})["objects"].append(view.term(o))
        if p.value == PREFIXES["rdf"] + "type":
            types.append(view.term(o))
    incoming = [{"subject": view.term(s), "property": view.term(p)} for s, p in facts["incoming"][:INCOMING_LIMIT]]
    tables: dict[str, dict] = {}
    for table, number, title, row, measure, amount, unit, line, obs in facts["figures"][:FIGURE_LIMIT]:
        key = table.value
        if key not in tables:
            tables[key] = {"href": view.link(key), "number": number.value if number else "",
                           "title": title.value if title else view.short(key), "figures": []}
        tables[key]["figures"].append({"row": row.value if row else "", "measure": measure.value if measure else "",
                                       "amount": amount.value, "unit": unit.value if unit else "",
                                       "line": line.value if line else "", "href": view.link(obs.value)})
    name = view.labels.get(iri) or view.short(iri)
    return html("resource.html", title=name, name=name, iri=iri, types=types, properties=list(props.values()),
                incoming=incoming, more_incoming=len(facts["incoming"]) > INCOMING_LIMIT, tables=list(tables.values()),
                more_figures=len(facts["figures"]) > FIGURE_LIMIT, formats=_formats())


def _formats() -> list[tuple[str, str]]:
    return [("Turtle", "turtle"), ("N-Triples", "ntriples"), ("JSON-LD", "jsonld"), ("RDF/XML", "rdfxml")]


async def resource(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    media = media_for(request)
    if media is None:
        return PlainTextResponse("no format the Accept header allows: text/html, " + ", ".join(RDF_TYPES) + "\n",
                                 status_code=406)
    store = settings.store

    def answer() -> Response:  # one trip to a thread: the page is read and written there
        for iri in settings.candidates(request.url.path):
            if media != "text/html":
                triples = triples_of(store, iri)
                if triples or store.select(f"ASK {{ ?s ?p <{iri}> }}").rows[0][0].value == "true":
                    return rdf_response(triples, media)
                continue
            facts = describe(store, iri)
            if facts["outgoing"] or facts["incoming"]:
                return resource_page(settings, iri, facts)
        if media == "text/html":
            return html("message.html", status=404, title="Not found",
                        message="Nothing in the graph has this IRI.", iri=settings.candidates(request.url.path)[0])
        return PlainTextResponse("nothing in the graph has this IRI\n", status_code=404)

    return await run_in_threadpool(answer)


# --- the ontology ----------------------------------------------------------------------------------------------

def ontology_terms(store) -> list:
    return store.select(f"""SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?c) AS ?comment) WHERE {{
        GRAPH <{ONTOLOGY}> {{ ?term a ?kind . FILTER(STRSTARTS(STR(?term), "{ONTOLOGY}"))
        OPTIONAL {{ ?term rdfs:label ?l }} OPTIONAL {{ ?term rdfs:comment ?c }} }}
    }} GROUP BY ?term ?kind ORDER BY ?kind ?term""").rows


async def ontology(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    media = media_for(request)
    if media is None:
        return PlainTextResponse("no format the Accept header allows\n", status_code=406)
    store = settings.store
    if media != "text/html":
        def triples():
            return [ox.Triple(q.subject, q.predicate, q.object) for q in store.quads(ONTOLOGY)]
        return rdf_response(await run_in_threadpool(triples), media)

    def page():
        rows = ontology_terms(store)
        view = View(settings, {})
        groups: dict[str, list] = {}
        seen = set()
        for term, kind, label, comment in rows:
            if term.value in seen:
                continue
            seen.add(term.value)
            groups.setdefault(view.short(kind.value), []).append(
                {"href": view.link(term.value), "text": view.short(term.value),
                 "label": label.value if label else "", "comment": comment.value if comment else ""})
        return html("ontology.html", title="The cnbudget ontology", iri=ONTOLOGY + "#", groups=groups,
                    formats=_formats())
    return await run_in_threadpool(page)


# --- the query page --------------------------------------------------------------------------------------------

async def query_page(request: Request) -> Response:
    examples = []
    for q in named_queries().values():
        try:
            text = q.bind({})
        except ValueError:
            continue
        examples.append({"name": q.name, "title": q.title, "sparql": text})
    return html("query.html", title="SPARQL query", examples=examples,
                examples_json=json.dumps(examples, ensure_ascii=False).replace("</", "<\\/"),
                prefixes_json=json.dumps(PREFIXES))


def documents(settings: Settings) -> list[dict]:
    """The disclosures loaded, for the front page."""
    docs = settings.store.select("""SELECT ?d ?title ?year ?pub ?name WHERE { ?d a bud:Disclosure ; dct:title ?title .
        OPTIONAL { ?d bud:fiscalYear ?year } OPTIONAL { ?d dct:publisher ?pub . ?pub skos:prefLabel ?name } }
        ORDER BY ?year ?title LIMIT 1000""").rows
    return [{"href": settings.local(d.value) or d.value, "title": t.value, "year": y.value if y else "",
             "publisher": n.value if n else "", "publisher_href": settings.local(p.value) if p else None}
            for d, t, y, p, n in docs]


def query_list() -> list[dict]:
    return [{"name": q.name, "title": q.title} for q in named_queries().values()]


def install(app: FastAPI) -> None:
    settings: Settings = app.state.settings
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.state.query_page = query_page
    # plain routes: the page reads the request's path itself (FastAPI's reading of parameters cost more)
    app.add_route("/def", ontology, methods=["GET"])
    app.add_route("/def/{path:path}", resource, methods=["GET"])
    top = settings.local(settings.base_iri).strip("/")
    app.add_route(f"/{top}/{{path:path}}", resource, methods=["GET"])
