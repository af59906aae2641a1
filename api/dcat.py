"""The DCAT-AP 3 description of what the service holds, derived from the store (served at /catalog).

One `dcat:Dataset` per loaded disclosure (its own IRI): title, description, publisher (the department, a
`foaf:Agent`), fiscal year as `dct:temporal`, `dct:issued`, spatial coverage, licence, themes, keywords, the
file it was read from and its named graph in each dump format as distributions; one dataset for the whole graph
(the dumps of `kg export`); the SPARQL endpoint as a `dcat:DataService` serving them all.

DCAT-AP's SHACL shapes check the class of every value (tests/fixtures/dcat-ap/), so each value node is typed
here with the class the profile gives its property's range: a media type `dct:MediaType`, a file type
`dct:MediaTypeOrExtent`, a language `dct:LinguisticSystem`, a place `dct:Location`, a licence
`dct:LicenseDocument`, a publisher `foaf:Agent`.

`dct:issued` of a disclosure is its publication date when the store holds one (`dct:issued` on the
disclosure), else the time its graph was first loaded, and `dct:modified` the time it was last loaded, as `kg
load` records them in the load record (kg/store/loads.py: `<graph> dct:created`, `dct:modified`, in a graph of
their own); with neither, no date is claimed. The catalog's own `dct:modified` is the latest of these.
"""
from __future__ import annotations

import os
import urllib.parse

import pyoxigraph as ox

from cnbudget.api.settings import Settings
from cnbudget.kg.export import EXPORT_FORMATS
from cnbudget.ontology import PREFIXES

DCAT, DCT, RDF, FOAF = PREFIXES["dcat"], PREFIXES["dct"], PREFIXES["rdf"], "http://xmlns.com/foaf/0.1/"
XSD, SKOS, RDFS = PREFIXES["xsd"], PREFIXES["skos"], PREFIXES["rdfs"]
EU = "http://publications.europa.eu/resource/authority/"
FILETYPE, THEMES = EU + "file-type/", EU + "data-theme"
LANGUAGES = {"zh": EU + "language/ZHO", "en": EU + "language/ENG"}
CHINA = EU + "country/CHN"
IANA = "https://www.iana.org/assignments/media-types/"
# media type and EU file type of each dump; csv is the tidy table (one row per figure)
DUMPS = {"turtle": ("text/turtle", "RDF_TURTLE", "Turtle"), "ntriples": ("application/n-triples", "RDF_N_TRIPLES",
         "N-Triples"), "nquads": ("application/n-quads", "RDF_N_QUADS", "N-Quads (a graph per document)"),
         "trig": ("application/trig", "RDF_TRIG", "TriG (a graph per document)"),
         "jsonld": ("application/ld+json", "JSON_LD", "JSON-LD"), "rdfxml": ("application/rdf+xml", "RDF_XML",
         "RDF/XML"), "csv": ("text/csv", "CSV", "CSV, one row per figure (the tidy table of `kg export csv`)")}
GRAPH_DUMPS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "nquads": ox.RdfFormat.N_QUADS,
               "trig": ox.RdfFormat.TRIG, "jsonld": ox.RdfFormat.JSON_LD, "rdfxml": ox.RdfFormat.RDF_XML}
# the EU file type of a source file, by the media type the store records for it
SOURCE_TYPES = {"text/plain": "TXT", "application/pdf": "PDF", "text/csv": "CSV", "text/html": "HTML",
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "XLSX",
                "application/msword": "DOC", "application/vnd.ms-excel": "XLS"}
KEYWORDS = ["部门决算", "部门预算", "预算公开", "财政", "government budget", "final accounts"]
# EU data themes the disclosures are about: government and public sector; economy and finance
THEME_CODES = {"GOVE": "Government and public sector", "ECON": "Economy and finance"}
LICENSE = os.environ.get("KG_DATA_LICENSE")  # an IRI of the licence a deployment grants
# without one, the catalog's licence document says what is known of the terms, and no more
LICENSE_TERMS = ("The source documents are disclosures that Chinese government bodies publish under the "
                 "Regulations on the Disclosure of Government Information (中华人民共和国政府信息公开条例); their "
                 "publishers state no licence. This graph is derived from them. The operator of this service "
                 "states no further licence (set KG_DATA_LICENSE to the IRI of one).")


def N(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def L(text, lang: str | None = None, datatype: str | None = None) -> ox.Literal:
    if lang:
        return ox.Literal(str(text), language=lang)
    return ox.Literal(str(text), datatype=N(datatype)) if datatype else ox.Literal(str(text))


DISCLOSURES = """SELECT ?d ?title ?id ?year ?pub ?pubName ?issued ?loaded ?modified ?kind ?kindLabel ?place ?graph
WHERE {
  ?d a bud:Disclosure ; dct:title ?title .
  OPTIONAL { ?d dct:identifier ?id } OPTIONAL { ?d bud:fiscalYear ?year }
  OPTIONAL { ?d dct:issued ?issued }
  OPTIONAL { ?d dct:spatial ?place FILTER(isIRI(?place)) }
  OPTIONAL { ?d dct:publisher ?pub OPTIONAL { ?pub skos:prefLabel ?pubName } }
  OPTIONAL { ?d a ?kind FILTER(?kind IN (bud:FinalAccountsDisclosure, bud:BudgetDisclosure)) OPTIONAL { ?kind rdfs:label ?kindLabel FILTER(LANG(?kindLabel) = "zh") } }
  OPTIONAL { GRAPH ?graph { ?d a bud:Disclosure }
             OPTIONAL { ?graph dct:created ?loaded OPTIONAL { ?graph dct:modified ?modified } } }  # load record
} ORDER BY ?year ?title"""


def disclosures(store) -> list[dict]:
    seen: dict[str, dict] = {}
    for d, title, ident, year, pub, pub_name, issued, loaded, modified, _kind, kind_label, place, graph in \
            store.select(DISCLOSURES).rows:
        item = seen.setdefault(d.value, {"iri": d.value, "title": title.value, "id": ident.value if ident else None,
                                         "year": year.value if year else None, "publisher": pub.value if pub else None,
                                         "publisher_name": pub_name.value if pub_name else None,
                                         "issued": issued, "loaded": loaded, "modified": modified,
                                         "places": set(),
                                         "kind": kind_label.value if kind_label else None,
                                         "graph": graph.value if graph else None, "source": []})
        item["kind"] = item["kind"] or (kind_label.value if kind_label else None)
        if place is not None:
            item["places"].add(place.value)
    for item in seen.values():
        item["source"] = store.select(f"SELECT ?x ?t ?m ?size WHERE {{ <{item['iri']}> dcat:distribution ?x . "
                                      f"OPTIONAL {{ ?x dct:title ?t }} OPTIONAL {{ ?x dcat:mediaType ?m }} "
                                      f"OPTIONAL {{ ?x dcat:byteSize ?size }} }}").rows
    return list(seen.values())


def graph_dump_url(settings: Settings, item: dict, fmt: str) -> str:
    return settings.url(f"export/{fmt}?" + urllib.parse.urlencode({"graph": item["graph"]}))


class Description:
    """Triples of the catalog, each value node typed once with its range class."""

    def __init__(self):
        self.triples: list[ox.Triple] = []
        self._typed: set[tuple[str, str]] = set()

    def add(self, s, p: str, o) -> None:
        self.triples.append(ox.Triple(s, N(p), o))

    def typed(self, iri: str, cls: str) -> ox.NamedNode:
        if (iri, cls) not in self._typed:
            self._typed.add((iri, cls))
            self.add(N(iri), RDF + "type", N(cls))
        return N(iri)

    def common(self, node, license_node) -> None:
        """What every dataset and the service share: licence, languages, themes."""
        self.add(node, DCT + "license", license_node)
        for code in THEME_CODES:
            self.add(node, DCAT + "theme", self.typed(f"{THEMES}/{code}", SKOS + "Concept"))


def catalog_triples(settings: Settings) -> list[ox.Triple]:
    c = Description()
    add, typed = c.add, c.typed
    cat, service, whole = N(settings.url("catalog")), N(settings.url("sparql")), N(settings.url("catalog#graph"))
    project = N(settings.url("catalog#publisher"))
    license_node = N(LICENSE) if LICENSE else N(settings.url("catalog#license"))
    typed(license_node.value, DCT + "LicenseDocument")
    if not LICENSE:
        add(license_node, RDFS + "label", L("Terms of the source documents and of this graph", "en"))
        add(license_node, DCT + "description", L(LICENSE_TERMS, "en"))
    china = typed(CHINA, DCT + "Location")
    add(china, SKOS + "prefLabel", L("中国", "zh"))
    add(china, SKOS + "prefLabel", L("China", "en"))
    scheme = typed(THEMES, SKOS + "ConceptScheme")
    add(scheme, DCT + "title", L("Data theme", "en"))
    for code, label in THEME_CODES.items():
        theme = typed(f"{THEMES}/{code}", SKOS + "Concept")
        add(theme, SKOS + "prefLabel", L(label, "en"))
        add(theme, SKOS + "inScheme", scheme)

    add(cat, RDF + "type", N(DCAT + "Catalog"))
    add(cat, DCT + "title", L("cnbudget-kg: Chinese budget and final-accounts disclosures", "en"))
    add(cat, DCT + "title", L("部门预算与决算公开知识图谱", "zh"))
    add(cat, DCT + "description", L("Budget (部门预算) and final-accounts (部门决算) disclosures of Chinese government "
                                    "departments as linked data: every figure an RDF Data Cube observation traceable "
                                    "to its document, table and line.", "en"))
    add(cat, DCT + "publisher", project)
    typed(project.value, FOAF + "Agent")
    add(project, FOAF + "name", L("cnbudget-kg"))
    add(cat, FOAF + "homepage", typed(settings.url(""), FOAF + "Document"))
    add(cat, DCT + "license", license_node)
    add(cat, DCT + "spatial", china)
    add(cat, DCAT + "themeTaxonomy", scheme)
    for lang in LANGUAGES.values():
        add(cat, DCT + "language", typed(lang, DCT + "LinguisticSystem"))
    add(cat, DCAT + "service", service)
    add(service, RDF + "type", N(DCAT + "DataService"))
    add(service, DCT + "title", L("SPARQL 1.1 endpoint (read-only)", "en"))
    add(service, DCT + "description", L("Every loaded disclosure, the code lists and the ontology, queried with "
                                        "SPARQL 1.1 under a time and a row limit.", "en"))
    add(service, DCAT + "endpointURL", service)
    add(service, DCT + "conformsTo", typed("https://www.w3.org/TR/sparql11-protocol/", DCT + "Standard"))
    add(service, DCAT + "endpointDescription", N(settings.url(".well-known/void")))
    add(service, DCT + "publisher", project)
    for k in KEYWORDS:
        add(service, DCAT + "keyword", L(k, "en" if k.isascii() else "zh"))
    c.common(service, license_node)
    add(service, DCAT + "servesDataset", whole)

    def distribution(dataset, url: str, fmt: str, title: str) -> None:
        dist = N(url)
        media, filetype, name = DUMPS[fmt]
        add(dataset, DCAT + "distribution", dist)
        add(dist, RDF + "type", N(DCAT + "Distribution"))
        add(dist, DCAT + "accessURL", dist)
        add(dist, DCAT + "downloadURL", dist)
        add(dist, DCAT + "accessService", service)
        add(dist, DCAT + "mediaType", typed(IANA + media, DCT + "MediaType"))
        add(dist, DCT + "format", typed(FILETYPE + filetype, DCT + "MediaTypeOrExtent"))
        add(dist, DCT + "title", L(f"{title} ({fmt})", "en"))
        add(dist, DCT + "description", L(f"{title} as {name}, written from the store when asked", "en"))
        add(dist, DCT + "license", license_node)

    add(cat, DCAT + "dataset", whole)
    add(whole, RDF + "type", N(DCAT + "Dataset"))
    add(whole, DCT + "title", L("The whole graph", "en"))
    add(whole, DCT + "description", L("Every loaded disclosure, the code lists and the ontology.", "en"))
    add(whole, DCT + "publisher", project)
    add(whole, DCT + "spatial", china)
    add(whole, DCT + "language", N(LANGUAGES["zh"]))
    c.common(whole, license_node)
    for k in KEYWORDS:
        add(whole, DCAT + "keyword", L(k, "en" if k.isascii() else "zh"))
    for fmt in EXPORT_FORMATS:
        if fmt in DUMPS and EXPORT_FORMATS[fmt].name == fmt:
            distribution(whole, settings.url(f"export/{fmt}"), fmt, "The whole graph")
    latest = None  # the last load of any disclosure: when the catalog changed
    for item in disclosures(settings.store):
        ds = N(item["iri"])
        add(cat, DCAT + "dataset", ds)
        add(service, DCAT + "servesDataset", ds)
        add(ds, RDF + "type", N(DCAT + "Dataset"))
        add(ds, DCT + "title", L(item["title"], "zh"))
        add(ds, DCT + "description", L(item["title"] + (f"（{item['kind']}）" if item["kind"] else ""), "zh"))
        add(ds, DCT + "language", N(LANGUAGES["zh"]))
        add(ds, DCT + "spatial", china)
        for place in sorted(item["places"]):  # where the store knows the region
            add(ds, DCT + "spatial", typed(place, DCT + "Location"))
        c.common(ds, license_node)
        if item["publisher"] and item["publisher_name"]:  # an agent is named (foaf:name is mandatory)
            add(ds, DCT + "publisher", typed(item["publisher"], FOAF + "Agent"))
            add(N(item["publisher"]), FOAF + "name", L(item["publisher_name"], "zh"))
        if item["year"]:
            period = N(item["iri"] + "#fiscal-year")
            add(ds, PREFIXES["bud"] + "fiscalYear", L(item["year"], datatype=XSD + "integer"))
            add(ds, DCT + "temporal", period)
            add(period, RDF + "type", N(DCT + "PeriodOfTime"))
            add(period, DCAT + "startDate", L(f"{item['year']}-01-01", datatype=XSD + "date"))
            add(period, DCAT + "endDate", L(f"{item['year']}-12-31", datatype=XSD + "date"))
        issued = item["issued"] if item["issued"] is not None else item["loaded"]
        if issued is not None:
            add(ds, DCT + "issued", issued)
        if item["modified"] is not None:
            add(ds, DCT + "modified", item["modified"])
            latest = max(latest or item["modified"], item["modified"], key=lambda t: t.value)
        if item["id"]:
            add(ds, DCT + "identifier", L(item["id"]))
        for k in ["部门决算" if "决算" in item["title"] else "部门预算", "预算公开", *(
                [item["publisher_name"]] if item["publisher_name"] else []), *([str(item["year"])] if item["year"] else [])]:
            add(ds, DCAT + "keyword", L(k, "zh" if not k.isascii() else None))
        for x, title, media, size in item["source"]:  # the file it was read from, as the store describes it
            add(ds, DCAT + "distribution", x)
            add(x, RDF + "type", N(DCAT + "Distribution"))
            add(x, DCAT + "accessURL", N(settings.url(settings.local(x.value) or "")) if settings.local(x.value) else x)
            add(x, DCT + "description", L("The file this disclosure was read from (the published text)", "en"))
            add(x, DCT + "license", license_node)
            if title:
                add(x, DCT + "title", title)
            if media:
                add(x, DCAT + "mediaType", typed(media.value, DCT + "MediaType"))
                filetype = SOURCE_TYPES.get(media.value.removeprefix(IANA))
                if filetype:
                    add(x, DCT + "format", typed(FILETYPE + filetype, DCT + "MediaTypeOrExtent"))
            if size is not None:
                add(x, DCAT + "byteSize", L(size.value, datatype=XSD + "nonNegativeInteger"))
        if item["graph"]:
            for fmt in GRAPH_DUMPS:
                distribution(ds, graph_dump_url(settings, item, fmt), fmt, item["title"])
    if latest is not None:
        add(cat, DCT + "modified", latest)
    return c.triples
