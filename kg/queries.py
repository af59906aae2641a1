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

A parameter may declare the kind of value it takes, in parentheses after its name:

    # param: threshold (number) = 0.9 ; 执行率阈值
    # param: table_type (iri) = tbl:ExpenditureStatement ; table type
    # param: tolerated (true|false|any) = "any" ; which findings

Kinds: number, integer, string, iri, or the values allowed, separated by `|`. Without one, the
default's form gives it (0.9 a number, "211" a string, tbl:… an IRI). A value of another kind
is an error, not an empty answer.

For the search box (kg/ask), `keywords` are the words that call for the query, and a `slot` says which
parameter takes what a typed query names: a threshold (低于90%), an org (a unit's name as the graph
keeps it), a year.

    # keywords: 执行率, 预算执行率, 单位
    # slot: threshold = threshold ; 低于90%, 不到九成
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from cnbudget.ontology import PREFIXES

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"  # the package's queries/

_HEADER = re.compile(r"^#\s*(title|description|param|keywords|slot)\s*:\s*(.*)$")
_PARAM = re.compile(r"^(\w+)\s*(?:\(\s*([^)]*?)\s*\))?\s*(?:=\s*([^;]*?))?\s*(?:;\s*(.*))?$")
KINDS = ("number", "integer", "string", "iri")  # and choices: a|b|c


@dataclass
class Param:
    name: str
    default: str | None
    description: str = ""
    kind: str | None = None  # number, integer, string, iri, or choices "a|b|c"; None: any (no default to go by)


@dataclass
class NamedQuery:
    name: str
    sparql: str
    title: str = ""
    description: str = ""
    params: list[Param] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    slots: dict[str, str] = field(default_factory=dict)  # parameter → what a typed query fills it with (kg/ask)
    path: Path | None = None

    def page_size(self, values: dict[str, str] | None = None) -> int | None:
        """The rows a page holds with these values, None when the query has no `limit` or it is 0."""
        limit = next((p for p in self.params if p.name == "limit"), None)
        return _page_size((values or {}).get("limit", limit.default)) if limit else None

    def bind(self, values: dict[str, str] | None = None) -> str:
        """The SPARQL with each `$name` replaced by its value (given, or the default) as a SPARQL term;
        ValueError for an unknown parameter, a missing value or a value of the wrong kind."""
        return self._substitute(values)[0]

    def source_position(self, values: dict[str, str] | None, line: int, column: int) -> tuple[int, int]:
        """Where a position in the bound text (as `bind(values)` gives it) is in the query as written."""
        text, edits = self._substitute(values)
        offset, shift = _offset(text, line, column), 0
        for start, end, new_length in edits:
            if offset < start + shift:
                break
            if offset < start + shift + new_length:  # within a value: the parameter it replaced
                return _line_column(self.sparql, start)
            shift += new_length - (end - start)
        return _line_column(self.sparql, offset - shift)

    def _substitute(self, values: dict[str, str] | None) -> tuple[str, list[tuple[int, int, int]]]:
        """The bound text, and each replacement made: (start, end) in the query as written, new length."""
        values = dict(values or {})
        unknown = set(values) - {p.name for p in self.params}
        if unknown:
            raise ValueError(f"query {self.name} has no parameter {', '.join(sorted(unknown))}; "
                             f"it takes: {', '.join(p.name for p in self.params) or 'none'}")
        terms: dict[str, str] = {}
        all_rows = False
        for p in self.params:
            value = values.get(p.name, p.default)
            if value is None:
                raise ValueError(f"query {self.name} needs --param {p.name}=…")
            if p.name == "limit":
                rows = _limit(value, self.name)
                if rows is None:
                    all_rows = True  # LIMIT $limit goes; a $limit elsewhere (a comment) stays
                else:
                    terms["limit"] = str(rows)
                continue
            terms[p.name] = self._term(p, value, given=p.name in values)
        names = sorted(terms, key=len, reverse=True)
        alternatives = ([r"(?P<all>LIMIT\s+\$limit\b)"] if all_rows else []) + \
            ([r"\$(?P<name>" + "|".join(map(re.escape, names)) + r")\b"] if names else [])
        if not alternatives:
            return self.sparql, []
        edits: list[tuple[int, int, int]] = []
        out: list[str] = []
        last = 0
        for m in re.finditer("|".join(alternatives), self.sparql):
            removed = all_rows and m.group("all")
            new = "\n" * m.group().count("\n") if removed else terms[m.group("name")]  # lines stay where they were
            out += [self.sparql[last:m.start()], new]
            edits.append((m.start(), m.end(), len(new)))
            last = m.end()
        out.append(self.sparql[last:])
        return "".join(out), edits

    def _term(self, p: Param, value: str, given: bool) -> str:
        try:
            return typed_term(value, p.kind, like=p.default, declared=_declared_prefixes(self.sparql))
        except ValueError as e:
            what = f"--param {p.name}={value}" if given else f"the default of {p.name} ({value})"
            raise ValueError(f"{what}: parameter {p.name} of {self.name} takes {e}") from None


def _page_size(value: str | None) -> int | None:
    v = (value or "").strip().strip("\"'").lower()
    return int(v) if v.isdigit() and int(v) > 0 else None


def _limit(value: str, name: str) -> int | None:
    """`LIMIT $limit`, the page size: a whole number, 0 (or "all") for every row (None)."""
    v = value.strip().strip("\"'").lower()
    if v in ("0", "all", "none"):
        return None
    if not v.isdigit():
        raise ValueError(f"query {name}: limit must be a whole number of rows (0 for all), not {value!r}")
    return int(v)


def _offset(text: str, line: int, column: int) -> int:
    lines = text.split("\n")
    line = min(max(line, 1), len(lines))
    return sum(len(l) + 1 for l in lines[:line - 1]) + min(max(column, 1) - 1, len(lines[line - 1]))


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


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
        elif key == "slot":
            m = re.match(r"(\w+)\s*=\s*([\w-]+)", value)
            if m:
                q.slots[m.group(1)] = m.group(2)
        elif key == "param":
            pm = _PARAM.match(value)
            if pm:
                name, kind, default = pm.group(1), pm.group(2), pm.group(3)
                kind = "integer" if name == "limit" else (kind or infer_kind(default))
                q.params.append(Param(name, default, (pm.group(4) or "").strip(), kind))
    return q


def catalog(directory: Path | None = None) -> dict[str, NamedQuery]:
    d = directory or QUERIES_DIR
    return {p.stem: parse(p.read_text(encoding="utf-8"), p.stem, p) for p in sorted(d.glob("*.rq"))}


def resolve(text_or_name: str) -> NamedQuery:
    """A named query, a .rq file, or SPARQL text. A file that cannot be read is a ValueError saying why."""
    named = catalog()
    if text_or_name in named:
        return named[text_or_name]
    path = Path(text_or_name)
    if path.suffix == ".rq" or ("{" not in text_or_name and "\n" not in text_or_name and _is_file(path)):
        return parse(read_query_file(path), path.stem, path)
    if re.fullmatch(r"[\w-]+", text_or_name):
        raise KeyError(f"no named query {text_or_name!r}; known: {', '.join(named) or 'none'}")
    return parse(text_or_name, "query")


def read_query_file(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FileNotFoundError(f"no query file {path}") from None
    except IsADirectoryError:
        raise ValueError(f"{path} is a folder, not a query file") from None
    except UnicodeDecodeError as e:
        raise ValueError(f"cannot read query file {path}: not UTF-8 text (byte {e.start} is {e.object[e.start]:#04x}); "
                         "save it as UTF-8") from None
    except OSError as e:
        raise ValueError(f"cannot read query file {path}: {e.strerror or e}") from None


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


_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_ABSOLUTE = re.compile(r"(?:https?://|urn:)[^<>\"{}|^`\\\x00-\x20]+")
_PNAME = re.compile(r"([A-Za-z][\w-]*):([\w.-]*)")


def infer_kind(default: str | None) -> str | None:
    """The kind a parameter's default shows: a number, a quoted string, an IRI; None if it shows none."""
    if default is None:
        return None
    v = default.strip()
    if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
        return "string"
    if _NUMBER.fullmatch(v):
        return "number"
    if _IRIREF.fullmatch(v) or _ABSOLUTE.fullmatch(v) or (_PNAME.fullmatch(v) and v.split(":")[0] in PREFIXES):
        return "iri"
    return None


def _declared_prefixes(sparql: str) -> set[str]:
    return set(re.findall(r"(?im)^\s*PREFIX\s+([A-Za-z][\w.-]*)?:", sparql))


def typed_term(value: str, kind: str | None, like: str | None = None, declared: set[str] = frozenset()) -> str:
    """A value as a SPARQL term of the kind a parameter takes; ValueError naming the kind (its text reads
    "… takes <it>") when the value is not of that kind. No kind: as `sparql_term` guesses it."""
    v = value.strip()
    unquoted = v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'" else v
    if kind is None:
        return sparql_term(value, like=like)
    if kind == "string":
        return _quote(unquoted)
    if kind == "number":
        if not _NUMBER.fullmatch(v):
            raise ValueError(f"a number (e.g. {like or '0.9'})")
        return v + "0" if v.endswith(".") else v  # 1. is not a SPARQL number; 1.0 is
    if kind == "integer":
        if not re.fullmatch(r"[-+]?\d+", v):
            raise ValueError("a whole number")
        return v
    if kind == "iri":
        prefixes = sorted(set(PREFIXES) | set(declared))
        if _IRIREF.fullmatch(v):
            return v
        if _ABSOLUTE.fullmatch(v):
            return f"<{v}>"
        m = _PNAME.fullmatch(v)
        if m and m.group(1) in prefixes:
            return v
        known = ", ".join(p + ":" for p in prefixes)
        raise ValueError(f"an IRI: a prefixed name such as {like or 'tbl:ExpenditureStatement'} (prefixes {known}) "
                         "or a full IRI <https://…>" + (f"; {m.group(1)}: is not a known prefix" if m else ""))
    if "|" in kind:
        choices = [c.strip() for c in kind.split("|")]
        if unquoted not in choices:
            raise ValueError("one of " + ", ".join(choices))
        return _quote(unquoted)
    raise ValueError(f"a value of the kind {kind!r}, which kg does not know (known: {', '.join(KINDS)}, or a|b|c)")
