"""Queries with guard rails: what the command line (and the web endpoint) lets a query ask of the store.

Before the engine sees the text, `check` reads it with a small SPARQL tokenizer (comments, strings and IRIs
skipped as the engine skips them) and refuses
- a query longer than `Limits.max_length` characters;
- nesting of `{`, `(`, `[` and `<<` deeper than `max_depth`, and more than `max_operators` operators
  (`||`, `&&`, `!`, `+`, comparisons, path operators …): pyoxigraph parses both recursively, and a deep or
  long enough one overflows its stack and kills the process (a 10,000-term `||` filter does);
- `SERVICE`, which sends part of the query to another endpoint, unless `allow_service`.

`run_query` then runs it where it can be stopped. pyoxigraph cannot be interrupted, so an embedded store is
queried in a child process (`kg/worker.py`, the store opened read-only there) that streams the result back
into a temporary file: the child is killed when `timeout` passes, and stops itself past `max_rows` rows, so
neither time nor the caller's memory grows with a runaway query (a cartesian product, say). A remote store
gets `timeout` as its HTTP timeout and the row limit on the answer.

Syntax errors come back as `QuerySyntaxError` with the line and column in the text given: the project's
prefixes are passed to the engine beside the text, not written before it.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from typing import BinaryIO

import pyoxigraph as ox

from cnbudget.kg.store import GraphStore, RemoteError, RemoteStore, Rows, pinned
from cnbudget.kg.store.embedded import check_store_folder
from cnbudget.kg.worker import WorkerLog
from cnbudget.ontology import PREFIXES


@dataclass(frozen=True)
class Limits:
    """What a query may take. None: no limit."""
    timeout: float | None = 60.0        # seconds
    max_rows: int | None = 100_000
    max_length: int = 200_000           # characters of query text
    max_depth: int = 64                 # nesting of { ( [ <<
    max_operators: int = 1_000          # || && ! = != < > <= >= + - * / | ^
    allow_service: bool = False


class QueryRefused(ValueError):
    """A limit refused or stopped the query. `limit` names it: length, depth, operators, service, timeout, rows."""

    def __init__(self, message: str, limit: str):
        super().__init__(message)
        self.limit = limit


class QuerySyntaxError(ValueError):
    """The engine could not parse the query; `line` and `column` (1-based) are in the text it was given."""

    def __init__(self, line: int | None, column: int | None, detail: str):
        super().__init__(f"SPARQL syntax error at line {line}, column {column}: {detail}" if line
                         else f"SPARQL syntax error: {detail}")
        self.line, self.column, self.detail = line, column, detail


class QueryFailed(RuntimeError):
    """The store or the engine failed while answering."""


# --- reading the text as the engine does ------------------------------------------------------------------

_PN_CHARS_BASE = ("A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u02FF\u0370-\u037D\u037F-\u1FFF\u200C-\u200D"
                  "\u2070-\u218F\u2C00-\u2FEF\u3001-\uD7FF\uF900-\uFDCF\uFDF0-\uFFFD\U00010000-\U000EFFFF")
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00B7\u0300-\u036F\u203F-\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_PREFIX = f"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PN_LOCAL = f"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf\\"']"""

_LEXEMES = [  # tried in this order at each position; `<` is decided by context (see _scan)
    ("ws", r"\s+"),
    ("comment", r"#[^\r\n]*"),
    ("string", f'"""(?:(?:"|"")?(?:[^"\\\\]|{_ECHAR}|{_UCHAR}))*"""'),
    ("string", f"'''(?:(?:'|'')?(?:[^'\\\\]|{_ECHAR}|{_UCHAR}))*'''"),
    ("string", f'"(?:[^"\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*"'),
    ("string", f"'(?:[^'\\\\\\n\\r]|{_ECHAR}|{_UCHAR})*'"),
    ("var", f"[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00B7\u0300-\u036F\u203F-\u2040]*"),
    ("blank", f"_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"),
    ("pname", f"(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?"),
    ("word", r"[A-Za-z_][A-Za-z0-9_]*"),
    ("number", r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"),
    ("langtag", r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*(?:--[a-zA-Z]+)?"),
    ("op", r"\|\||&&|!=|<=|>=|\^\^|[!=<>+\-*/|^?]"),
    ("punct", r"[{}()\[\],;.]"),
]
_LEXER = re.compile("|".join(f"(?P<{kind}{i}>{rx})" for i, (kind, rx) in enumerate(_LEXEMES)))
_SIGNED = re.compile(r"[+-](?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_IRI = re.compile(f"<(?:[^<>\"{{}}|^`\\\\\\x00-\\x20]|{_UCHAR})*>")
_OPERATORS = {"||", "&&", "!", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^"}
_OPERAND_ENDS = {"var", "iri", "pname", "string", "number", "langtag", "blank"}
_TERM_WORDS = {"A", "TRUE", "FALSE", "UNDEF", "VALUES"}


@dataclass
class Scan:
    """What `check` needs to know of a query's text."""
    depth: int = 0
    deepest: int = 0           # offset of the deepest opening
    operators: int = 0
    service: int | None = None  # offset of the first SERVICE keyword
    dataset: bool = False       # a FROM (or FROM NAMED) clause: the query names its own dataset


class _Open:
    __slots__ = ("kind", "mode")

    def __init__(self, kind: str, mode: str = "pattern"):
        self.kind = kind    # top, group ({), expr ((…) of an expression), term ((…) of a collection or path, [), triple (<<)
        self.mode = mode    # top and group: prologue, pattern, select, modifier, values


def scan(text: str) -> Scan:
    """Tokens as the engine reads them, outside comments, strings and IRIs.

    `<` is an IRI or an operator by its place: inside an expression after an operand it is "less than"
    (`FILTER(?a<'x>')` compares with the string 'x>'), elsewhere it starts an IRI (or `<<`). Whether a `(`
    opens an expression or a collection / path / VALUES row follows the grammar's places for each."""
    out = Scan()
    stack = [_Open("top", "prologue")]
    prev: tuple[str, str] = ("", "")   # kind, text (upper case for words)
    before: tuple[str, str] = ("", "")
    pos, n = 0, len(text)

    def push(kind: str, mode: str = "pattern", at: int = 0) -> None:
        stack.append(_Open(kind, mode))
        if len(stack) - 1 > out.depth:
            out.depth, out.deepest = len(stack) - 1, at

    while pos < n:
        top = stack[-1]
        if text[pos] == "<":
            after_operand = top.kind == "expr" and (prev[0] in _OPERAND_ENDS or prev[1] in (")", "TRUE", "FALSE"))
            if after_operand:
                kind, value, end = "op", ("<=" if text.startswith("<=", pos) else "<"), None
                end = pos + len(value)
            elif text.startswith("<<", pos):
                push("triple", at=pos)
                kind, value, end = "punct", "<<", pos + 2
            else:
                m = _IRI.match(text, pos)
                if m:
                    kind, value, end = "iri", m.group(), m.end()
                else:
                    kind, value = "op", ("<=" if text.startswith("<=", pos) else "<")
                    end = pos + len(value)
        elif text.startswith(">>", pos) and top.kind == "triple":
            stack.pop()
            kind, value, end = "punct", ">>", pos + 2
        else:
            m = _SIGNED.match(text, pos)
            if m and top.kind == "expr" and (prev[0] in _OPERAND_ENDS or prev[1] in (")", "TRUE", "FALSE")):
                m = None  # ?a -5 subtracts
            if m:  # -5, +1.5: a number, not an operator
                kind, value, end = "number", m.group(), m.end()
            else:
                m = _LEXER.match(text, pos)
                if m is None:  # a character SPARQL has no use for: the engine stops there
                    kind, value, end = "junk", text[pos], pos + 1
                else:
                    kind, value, end = m.lastgroup.rstrip("0123456789"), m.group(), m.end()
                    if kind in ("ws", "comment"):
                        pos = end
                        continue
        if kind == "word":
            value = value.upper() if value.isascii() else value
            if value == "SERVICE" and out.service is None:
                out.service = pos
            elif value == "FROM":
                out.dataset = True
            if top.kind in ("top", "group"):
                if value == "SELECT":
                    top.mode = "select"
                elif value in ("GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET"):
                    top.mode = "modifier"
        elif kind == "op" and value in _OPERATORS:
            out.operators += 1
        elif kind == "punct":
            if value == "{":
                push("group", "values" if prev[1] == "VALUES" else "pattern", at=pos)
            elif value == "[":
                push("term", at=pos)
            elif value == "(":
                push(_paren(top, prev, before), at=pos)
            elif value in "})]":
                if len(stack) > 1:
                    stack.pop()
                if value == "}" and stack[-1].kind in ("top", "group") and stack[-1].mode not in ("pattern", "values"):
                    stack[-1].mode = "modifier"  # after a query's WHERE group: its solution modifiers
        before, prev = prev, (kind, value)
        pos = end
    return out


def _paren(top: _Open, prev: tuple[str, str], before: tuple[str, str]) -> str:
    """Whether a `(` opens an expression (FILTER(…), f(…), (… AS ?x), ORDER BY (…)) or a term list
    (a collection, a property path, a VALUES row, a triple term)."""
    if top.kind == "expr":
        return "expr"
    if top.kind in ("term", "triple") or prev[1] == "VALUES" or top.mode == "values":
        return "term"
    if top.mode in ("prologue", "select", "modifier"):
        return "expr"
    if prev[0] == "word" and prev[1] not in _TERM_WORDS:  # FILTER (, BIND (, regex(, STR( …
        return "expr"
    if prev[0] in ("iri", "pname") and before == ("word", "FILTER"):  # FILTER ex:f(…)
        return "expr"
    return "term"


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check(sparql: str, limits: Limits = Limits()) -> Scan:
    """Refuse (QueryRefused) what the limits do not allow, before the engine sees the text."""
    if len(sparql) > limits.max_length:
        raise QueryRefused(f"the query is {len(sparql):,} characters long; the limit is {limits.max_length:,}",
                           "length")
    s = scan(sparql)
    if s.depth > limits.max_depth:
        line, col = position(sparql, s.deepest)
        raise QueryRefused(f"the query nests {{ }}, ( ) and [ ] {s.depth} deep (line {line}, column {col}); "
                           f"the limit is {limits.max_depth}", "depth")
    if s.operators > limits.max_operators:
        raise QueryRefused(f"the query has {s.operators:,} operators (||, &&, comparisons, arithmetic, paths); "
                           f"the limit is {limits.max_operators:,}: write a long list of alternatives as "
                           "VALUES ?x { … } or ?x IN (…)", "operators")
    if s.service is not None and not limits.allow_service:
        line, col = position(sparql, s.service)
        raise QueryRefused(f"the query sends part of itself to another endpoint (SERVICE at line {line}, "
                           f"column {col}), which is not allowed", "service")
    return s


# --- running it where it can be stopped ----------------------------------------------------------------------

def run_query(sparql: str, store: str | os.PathLike | GraphStore, limits: Limits = Limits()) -> Rows:
    """`check`, then the query's rows (ASK: one row `ask`; CONSTRUCT, DESCRIBE: subject, predicate, object).
    `store`: an embedded store's folder (or the store: the child opens its folder again), or a remote store."""
    check(sparql, limits)
    if isinstance(store, RemoteStore):
        return _run_remote(sparql, store, limits)
    return _run_in_child(sparql, os.fspath(store if isinstance(store, (str, os.PathLike)) else store.path), limits)


def _run_remote(sparql: str, store: RemoteStore, limits: Limits) -> Rows:
    if limits.timeout:
        store.timeout = limits.timeout
    try:
        rows = store.select(sparql)
    except RemoteError as e:
        if getattr(e, "timed_out", False):
            raise QueryRefused(f"the query passed the time limit of {limits.timeout:g} s: {e}", "timeout") from None
        raise
    if limits.max_rows and len(rows.rows) > limits.max_rows:
        raise _too_many(limits.max_rows)
    return rows


def _too_many(max_rows: int) -> QueryRefused:
    return QueryRefused(f"the query gave more than {max_rows:,} rows, the row limit, and was stopped", "rows")


def _run_in_child(sparql: str, path: str, limits: Limits) -> Rows:
    request = {"sparql": sparql, "prefixes": PREFIXES, "max_rows": limits.max_rows}
    status, spool = run_worker("cnbudget.kg.worker", request, path, limits)
    with spool:
        if status["kind"] == "ask":
            return Rows(["ask"], [[ox.Literal("true" if status["boolean"] else "false",
                                              datatype=ox.NamedNode(PREFIXES["xsd"] + "boolean"))]])
        if status["kind"] == "triples":
            return Rows(["subject", "predicate", "object"],
                        [[t.subject, t.predicate, t.object] for t in ox.parse(spool, format=ox.RdfFormat.N_TRIPLES)])
        solutions = ox.parse_query_results(spool, format=ox.QueryResultsFormat.TSV)
        variables = [v.value for v in solutions.variables]
        return Rows(variables, [[s[v] for v in variables] for s in solutions])


def run_worker(module: str, request: dict, path: str, limits: Limits) -> tuple[dict, BinaryIO]:
    """Run `module`'s `main()` in a child process on the embedded store at `path` with `request` (JSON on its
    standard input), killed at the time limit: the worker's status and its answer, spooled to a temporary file
    (at its start; the caller closes it). A timeout, a refusal or a failure raises this module's errors."""
    check_store_folder(path, read_only=True)
    started = time.monotonic()
    paths = [p for p in sys.path if p]
    boot = f"import sys; sys.path[:0] = {paths!r}; from {module} import main; main()"
    # the child reads a copy of the store's files that a `kg load` beside it cannot remove (pinned.py: a query
    # meeting a removed file loops in pyoxigraph 0.5); let go when the child has ended
    pin = pinned.pin(os.path.abspath(path))
    try:
        return _run_child(boot, {**request, "path": pin.folder}, limits, started)
    finally:
        pin.release(keep=0)


def _run_child(boot: str, request: dict, limits: Limits, started: float) -> tuple[dict, BinaryIO]:
    spool = tempfile.TemporaryFile()
    err = WorkerLog()
    proc = subprocess.Popen([sys.executable, "-I", "-c", boot], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    copy = threading.Thread(target=shutil.copyfileobj, args=(proc.stdout, spool, 1 << 16), daemon=True)
    drain = threading.Thread(target=err.read_from, args=(proc.stderr,), daemon=True)
    try:
        copy.start()
        drain.start()
        # the worker stops itself when this pipe closes: a caller that dies takes its query with it
        proc.stdin.write(json.dumps(request, ensure_ascii=False).encode("utf-8") + b"\n")
        proc.stdin.flush()
        remaining = None if not limits.timeout else max(0.0, limits.timeout - (time.monotonic() - started))
        try:
            proc.wait(timeout=remaining)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise QueryRefused(f"the query passed the time limit of {limits.timeout:g} s and was stopped",
                               "timeout") from None
        copy.join()
        drain.join()
    except BaseException:
        if proc.poll() is None:  # interrupted (Ctrl-C) or failed here: the query goes too
            proc.kill()
            proc.wait()
        for t in (copy, drain):  # the pipes end with the child
            if t.is_alive():
                t.join(5)
        spool.close()
        raise
    finally:
        for pipe in (proc.stdin, proc.stdout, proc.stderr):
            try:
                pipe.close()
            except OSError:
                pass
    try:
        status = _status(proc.returncode, err, limits)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)
    return status, spool


def _status(code: int, err: WorkerLog, limits: Limits) -> dict:
    """The worker's status line; its error raised as this module's."""
    status = err.status()
    if status is None:
        how = (f"signal {signal.Signals(-code).name}" if code < 0 and -code in signal.valid_signals()
               else f"exit status {code}")
        detail = err.text().strip().splitlines()
        raise QueryFailed(f"the query engine stopped unexpectedly ({how})" + (f": {detail[0][:300]}" if detail else ""))
    if "error" in status:
        kind, message = status["error"], status.get("message", "")
        if kind == "rows":
            raise _too_many(limits.max_rows)
        if kind == "syntax":
            raise _syntax_error(message)
        raise QueryFailed(message)
    return status




# --- syntax errors a reader can act on ----------------------------------------------------------------------

_ENGINE_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.S)


def _syntax_error(message: str) -> QuerySyntaxError:
    m = _ENGINE_POSITION.match(message.strip())
    if not m:
        return QuerySyntaxError(None, None, message.strip())
    return QuerySyntaxError(int(m.group(1)), int(m.group(2)), readable(m.group(3)))


def readable(detail: str) -> str:
    """pyoxigraph's "expected one of …" lists, without the parser's character classes."""
    detail = " ".join(detail.split())
    if not detail.startswith("expected"):
        return detail
    body = detail[len("expected one of "):] if detail.startswith("expected one of ") else detail[len("expected "):]
    items, depth, current, quote = [], 0, "", False
    for ch in body:  # split at the commas outside [ … ] and quotes
        if ch == '"' and depth == 0:
            quote = not quote
        if not quote:
            depth += (ch == "[") - (ch == "]")
        if ch == "," and depth == 0 and not quote:
            items.append(current.strip())
            current = ""
        else:
            current += ch
    items.append(current.strip())
    wanted: list[str] = []
    for item in items:
        if item.startswith("["):
            item = ("a digit" if item.startswith("['0'") else
                    "a name" if item.startswith("['A'") else
                    "an escape (\\t \\n \\\" \\' \\\\ …)" if item.startswith("['t'") else "")
        elif len(item) >= 2 and item[0] == item[-1] == '"':
            item = item[1:-1]
        if item and item not in wanted:
            wanted.append(item)
    if not wanted:
        return "unexpected text here"
    return ("expected " if len(wanted) == 1 else "expected one of ") + ", ".join(wanted)


def show_error(text: str, line: int | None, column: int | None, detail: str) -> str:
    """A syntax error with the line of `text` it is on and a caret under the column."""
    if not line:
        return f"SPARQL syntax error: {detail}"
    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return f"SPARQL syntax error at line {line}, column {column}: {detail}"
    rest = "\n".join([lines[line - 1][column - 1:], *lines[line:]])
    if not rest.strip():  # the engine stopped at the end: show where the text ends
        line = max(i for i, l in enumerate(lines[:line], 1) if l.strip()) if text.strip() else 1
        column = len(lines[line - 1].rstrip()) + 1
        head = f"SPARQL syntax error at the end of the query (line {line}, column {column}): {detail}"
    else:
        head = f"SPARQL syntax error at line {line}, column {column}: {detail}"
    source = lines[line - 1].rstrip("\r").replace("\t", " ")
    before = source[:max(0, column - 1)]
    caret = " " * sum(2 if ord(ch) > 0x2E7F else 1 for ch in before) + "^"  # wide (CJK) characters take two
    return f"{head}\n  {source}\n  {caret}"
