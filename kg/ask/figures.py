"""The general figure search: items × subjects × organizations × years × phases → the figures, each with its
document, body, table and source line. Every value the query takes is a bound value written by pyoxigraph's
serializer (a term's str() is its N-Triples form) inside VALUES blocks; no typed text reaches the query."""
from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cnbudget.ontology import PHASE

COLUMNS = ["document", "body", "year", "table", "code", "name", "column", "phase", "amount", "unit", "source_line"]
LINKS = {"document": "document_iri", "body": "body_iri", "name": "figure", "amount": "figure"}


@dataclass
class FigureFilter:
    items: list[str] = field(default_factory=list)      # item IRIs (a figure's row item or column measure)
    codes: list[str] = field(default_factory=list)      # subject codes (either the items or these: one at a time)
    subjects: list[str] = field(default_factory=list)   # subject codes that must also hold
    three_public: bool = False                         # the 三公 tables' figures too
    bodies: list[str] = field(default_factory=list)     # publishing departments' IRIs
    years: list[int] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)     # approved, revised, executed


def _values(var: str, terms: list) -> str:
    return f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}"


def sparql(f: FigureFilter, limit: int) -> str:
    """The query text: figures matching the filter, first `limit` rows in document and line order."""
    either: list[str] = []
    if f.items:
        either.append(f"{{ {_values('key', [ox.NamedNode(i) for i in f.items])}\n"
                      "      { ?figure bud:item ?key } UNION { ?figure bud:measure ?key } }")
    if f.codes:
        either.append(f"{{ {_values('code', [ox.Literal(c) for c in f.codes])}\n"
                      "      ?concept skos:notation ?code . ?figure bud:functionalSubject|bud:economicSubject ?concept }")
    if f.three_public:
        either.append("{ ?three bud:tableType tbl:ThreePublicExpenses . ?figure qb:dataSet ?three }")
    lines = ["    " + "\n    UNION\n    ".join(either)] if either else []
    if f.subjects:
        lines.append(f"    {_values('subject_code', [ox.Literal(c) for c in f.subjects])}\n"
                     "    ?subject skos:notation ?subject_code . ?figure bud:functionalSubject|bud:economicSubject ?subject .")
    lines.append("    ?figure bud:amount ?amount ; bud:disclosure ?document_iri ; bud:budgetPhase ?phase_iri ;\n"
                 "            bud:sourceLine ?source_line ; qb:dataSet ?dataset .\n"
                 "    FILTER NOT EXISTS { ?figure bud:restates ?restated }")
    if f.phases:
        lines.append("    " + _values("phase_iri", [ox.NamedNode(PHASE + p) for p in f.phases]))
    if f.years:
        lines.append("    " + _values("year", [ox.Literal(str(y), datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer")) for y in f.years]) + "\n    ?document_iri bud:fiscalYear ?year .")
    if f.bodies:
        lines.append("    " + _values("body_iri", [ox.NamedNode(b) for b in f.bodies])
                     + "\n    ?document_iri dct:publisher ?body_iri .")
    where = "\n".join(lines)
    return f"""SELECT ?document ?body ?year ?table ?code ?name ?column ?phase ?amount ?unit ?source_line
       ?figure ?document_iri ?body_iri
WHERE {{
  {{
    SELECT ?figure ?amount ?document_iri ?phase_iri ?source_line ?dataset{' ?body_iri' if f.bodies else ''}
    WHERE {{
{where}
    }}
    LIMIT {int(limit)}
  }}
  ?document_iri dct:title ?document .
  OPTIONAL {{ ?document_iri bud:fiscalYear ?year }}
  OPTIONAL {{ ?document_iri dct:publisher ?body_iri . OPTIONAL {{ ?body_iri skos:prefLabel ?body_name }}
             OPTIONAL {{ ?body_iri rdfs:label ?body_label }} }}
  BIND (COALESCE(?body_name, ?body_label) AS ?body)
  OPTIONAL {{ ?dataset bud:tableNumber ?table_number }}
  OPTIONAL {{ ?dataset dct:title ?section }}
  BIND (IF(STRLEN(COALESCE(?table_number, "")) > 0, ?table_number, ?section) AS ?table)
  OPTIONAL {{ ?figure bud:rowCode ?code }}
  OPTIONAL {{ ?figure bud:rowLabel ?row }}
  OPTIONAL {{ ?figure bud:measureLabel ?column }}
  BIND (IF(STRLEN(COALESCE(?row, "")) > 0, ?row, ?column) AS ?name)
  OPTIONAL {{ ?phase_iri skos:prefLabel ?phase FILTER (LANG(?phase) = "zh") }}
  OPTIONAL {{ ?figure bud:currencyUnit ?figure_unit }}
  OPTIONAL {{ ?dataset bud:currencyUnit ?table_unit }}
  BIND (COALESCE(?figure_unit, ?table_unit) AS ?unit)
}}
ORDER BY ?year ?document ?source_line"""
