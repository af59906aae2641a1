"""Named queries: one .rq file each in queries/, kept as data (as datasette keeps canned queries).

A file starts with comment lines that describe it:

    # title: 支出决算表末级科目之和
    # description: …
    # param: threshold = 0.9 ; 执行率阈值
    # keywords: 执行率, 预算执行

Parameters appear in the SPARQL as `$name` (a valid SPARQL variable, so the file
also runs as it is) and are replaced by the value given, written as a SPARQL term.
One is special: `limit`, the page size, appears as `LIMIT $limit` (not valid SPARQL
until bound): a number of rows, or 0 for all of them, which drops the clause. Queries
over the whole corpus take one, because a page must cost the same at 10 documents as
at 10,000 (see docs/architecture.md, "Queries at scale").
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cnbudget.ontology import PREFIXES

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"  # the package's queries/

_HEADER = re.compile(r"^#\s*(title|description|param|keywords)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:=\s*([^;]*?))?\s*(?:;\s*(.*))?$")


@dataclass
class Param:
    name: str
    default: str | None
    description: str = ""


@dataclass
class NamedQuery:
    name: str
    sparql: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    path: Path | None = None

    def page_size(self, values: dict[str, str] | None = None) -> int | None:
        """The rows a page holds with these values, None when the query has no `limit` or it is 0."""
        limit = next((p for p in self.params if p.name == "limit"), None)
        return _page_size((values or {}).get("limit", limit.default)) if limit else None

    def bind(self, values: dict[str, str] | None = None) -> str:
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise ValueError(f"query {self.name} has no parameter {', '.join(sorted(unknown))}; "
                             f"it takes: {', '.join(p.name for p in self.params) or 'none'}")
        text = self.sparql
        for p in sorted(self.params, key=lambda p: -len(p.name)):
            value = values.get(p.name, p.default)
            if value is None:
                raise ValueError(f"query {self.name} needs --param {p.name}=…")
            if p.name == "limit":
                text = _bind_limit(text, value, self.name)
                continue
            term = sparql_term(value, like=p.default)
            text = re.sub(r"\$" + re.escape(p.name) + r"\b", lambda _m, t=term: t, text)
        return text


def _page_size(value: str | None) -> int | None:
    v = (value or "").strip().strip("\"'").lower()
    return int(v) if v.isdigit() and int(v) > 0 else None


def _bind_limit(text: str, value: str, name: str) -> str:
    """`LIMIT $limit`, the page size: a whole number, 0 (or "all") for every row."""
    v = value.strip().strip("\"'").lower()
    if v in ("0", "all", "none"):
        return re.sub(r"LIMIT\s+\$limit\b", "", text)
    if not v.isdigit():
        raise ValueError(f"query {name}: limit must be a whole number of rows (0 for all), not {value!r}")
    return re.sub(r"\$limit\b", str(int(v)), text)


def parse(text: str, name: str, path: Path | None = None) -> NamedQuery:
    q = NamedQuery(name=name, sparql=text, path=path)
    for line in text.splitlines():
        m = _HEADER.match(line.strip())
        if not m:
            if line.strip() and not line.strip().startswith("#"):
                break
            continue
        key, value = m.group(1), m.group(2).strip()
        if key == "title":
            q.title = value
        elif key == "description":
            q.description = f"{q.description} {value}".strip()
        elif key == "keywords":
            q.keywords = [k.strip() for k in re.split(r"[,，、]", value) if k.strip()]
        elif key == "param":
            pm = _PARAM.match(value)
            if pm:
                q.params.append(Param(pm.group(1), pm.group(2), (pm.group(3) or "").strip()))
    return q


def catalog(directory: Path | None = None) -> dict[str, NamedQuery]:
    d = directory or QUERIES_DIR
    return {p.stem: parse(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(d.glob("*.rq"))}


def resolve(text_or_name: str) -> NamedQuery:
    """A named query, a .rq file, or SPARQL text."""
    named = catalog()
    if text_or_name in named:
        return named[text_or_name]
    path = Path(text_or_name)
    if path.suffix == ".rq" or ("{" not in text_or_name and "\n" not in text_or_name and _is_file(path)):
        if not path.is_file():
            raise FileNotFoundError(f"no query file {path}")
        return parse(path.read_text(encoding="utf-8"), path.stem, path)
    if re.fullmatch(r"[\w-]+", text_or_name):
        raise KeyError(f"no named query {text_or_name!r}; known: {', '.join(named) or 'none'}")
    return parse(text_or_name, "query")


def _quote(v: str) -> str:
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # e.g. query text too long to be a file name
        return False


def sparql_term(value: str, like: str | None = None) -> str:
    """A parameter value as a SPARQL term: a number, an IRI, a prefixed name, or a string.
    A parameter whose default is a quoted string always takes strings (code=211 means "211")."""
    v = value.strip()
    if like and like.strip()[:1] in "\"'" and not (v[:1] in "\"'" and v[-1:] == v[:1]):
        return _quote(v)
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return _quote(v[1:-1])
    try:
        Decimal(v)
        if re.fullmatch(r"[-+]?\d+(\.\d+)?", v):
            return v
    except InvalidOperation:
        pass
    if v.startswith("<") and v.endswith(">") and " " not in v:
        return v
    if re.fullmatch(r"https?://\S+", v):
        return f"<{v}>"
    m = re.fullmatch(r"([A-Za-z][\w-]*):([\w.-]*)", v)
    if m and m.group(1) in PREFIXES:
        return v
    return _quote(v)
