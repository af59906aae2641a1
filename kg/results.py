"""SELECT results → JSON rows, CSV and text tables (what the CLI and the API print).

`RESULT_FORMATS` names each; a format is added by writing its function and naming it there.
"""
from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pyoxigraph as ox

from cnbudget.ontology import PREFIXES
from cnbudget.kg.store import Rows

_XSD = PREFIXES["xsd"]
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "positiveInteger", "nonNegativeInteger",
                                 "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong")}


def json_value(term):
    """A term as JSON: numbers as numbers (decimals only where a JSON number keeps them exact),
    booleans as booleans, IRIs and other literals as their text."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        try:
            if dt in _INTEGERS:
                return int(term.value)
            if dt == _XSD + "decimal":
                d = Decimal(term.value)
                f = float(d)
                return f if Decimal(repr(f)) == d else term.value
            if dt in (_XSD + "double", _XSD + "float"):
                return float(term.value)
            if dt == _XSD + "boolean":
                return term.value in ("true", "1")
        except (ValueError, ArithmeticError):
            return term.value
        return term.value
    return term.value


def text_value(term) -> str:
    return "" if term is None else term.value


def to_json_rows(rows: Rows) -> list[dict]:
    return [{v: json_value(t) for v, t in zip(rows.variables, row)} for row in rows.rows]


def to_json(rows: Rows) -> str:
    return json.dumps(to_json_rows(rows), ensure_ascii=False, indent=2)


def to_csv(rows: Rows) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(rows.variables)
    for row in rows.rows:
        w.writerow([text_value(t) for t in row])
    return out.getvalue()


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def to_table(rows: Rows, max_width: int = 60) -> str:
    """A plain aligned table; wide (CJK) characters count double."""
    def short(t: str) -> str:
        for ns_prefix, ns in PREFIXES.items():
            if t.startswith(ns):
                return f"{ns_prefix}:{t[len(ns):]}"
        return t if _width(t) <= max_width else t[: max_width // 2] + "…"
    cells = [[short(text_value(t)) for t in row] for row in rows.rows]
    widths = [max([_width(v)] + [_width(r[i]) for r in cells]) for i, v in enumerate(rows.variables)]
    def line(values):
        return "  ".join(v + " " * (w - _width(v)) for v, w in zip(values, widths)).rstrip()
    out = [line(rows.variables), line(["-" * w for w in widths])]
    out += [line(r) for r in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


RESULT_FORMATS = {"table": to_table, "json": to_json, "csv": to_csv}
