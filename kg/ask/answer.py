"""One typed query → one answer: read it, choose the query, run it through the query guard, and say what was
understood. Whatever the text holds, the answer is a normal or an empty one: typed text is never part of the
query's text, only bound values the engine built from the graph's own terms."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from cnbudget.kg import guard
from cnbudget.kg.ask import figures as figure_search
from cnbudget.kg.ask import fulltext
from cnbudget.kg.ask.dictionary import Dictionary, dictionary_for
from cnbudget.kg.ask.normalize import query_text
from cnbudget.kg.ask.plan import CHARTS, Plan, catalog, choose
from cnbudget.kg.ask.recognise import Recogniser
from cnbudget.kg.results import json_value
from cnbudget.kg.store import GraphStore, Rows

Runner = Callable[[str], Rows]


@dataclass
class Answer:
    query: str
    intent: str = "none"
    sparql: str = ""
    columns: list[str] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    links: dict[str, str | None] = field(default_factory=dict)
    explanation: str = ""
    entities: list[dict] = field(default_factory=list)
    alternatives: list[dict] = field(default_factory=list)
    chart: dict | None = None
    table: Rows | None = field(default=None, repr=False)  # the shown columns as terms, for a text table

    def to_json(self) -> dict:
        return {"query": self.query, "intent": self.intent, "sparql": self.sparql, "columns": self.columns,
                "rows": self.rows, "links": self.links, "explanation": self.explanation,
                "entities": self.entities, "alternatives": self.alternatives, "chart": self.chart}


_recognisers: dict[int, tuple[Dictionary, Recogniser]] = {}


def recogniser(d: Dictionary) -> Recogniser:
    cached = _recognisers.get(id(d))
    if cached is None or cached[0] is not d:
        _recognisers.clear()  # one dictionary at a time: the store's newest
        cached = _recognisers[id(d)] = (d, Recogniser(d))
    return cached[1]


_indexes: dict[int, tuple[Dictionary, fulltext.TextIndex]] = {}


def text_index(d: Dictionary, rec: Recogniser) -> fulltext.TextIndex:
    cached = _indexes.get(id(d))
    if cached is None or cached[0] is not d:
        _indexes.clear()
        cached = _indexes[id(d)] = (d, fulltext.TextIndex(d.texts, rec.search_tokens))
    return cached[1]


def _in_process(store: GraphStore) -> Runner:
    def run(sparql: str) -> Rows:
        guard.check(sparql)
        return store.select(sparql)
    return run


def answer(store: GraphStore, text: str, *, max_rows: int = 200, run: Runner | None = None,
           dictionary: Dictionary | None = None) -> Answer:
    """The answer to a typed query. `run` runs the query text (default: the guard's checks, then the store in
    this process; `kg ask` passes the guard's child-process runner with its time limit)."""
    q = query_text(text if isinstance(text, str) else "")
    out = Answer(query=q)
    if not q:
        out.explanation = "没有输入查询内容。"
        return out
    d = dictionary or dictionary_for(store)
    rec = recogniser(d)
    reading = rec.read(q)
    out.entities = [e.to_json() for e in reading.entities if e.kind not in ("word",)]
    plan = choose(reading, d)
    out.intent, out.alternatives = plan.intent, plan.alternatives
    run = run or _in_process(store)
    max_rows = max(1, int(max_rows))
    if plan.weak and _search(out, reading, d, rec, max_rows, run, quiet=True):
        out.alternatives.insert(0, {"intent": plan.intent, "label": catalog()[plan.intent].title,
                                    "q": next(e.text for e in reading.entities if e.kind == "query")})
    elif plan.intent == "figures":
        _figures(out, plan, max_rows, run)
    elif plan.intent == "search":
        _search(out, reading, d, rec, max_rows, run)
    elif plan.intent != "none":
        _named(out, plan, max_rows, run)
    else:
        out.explanation = f"没有识别出「{q}」中的单位、科目、项目或查询，也没有与之相关的文字。"
    return out


def _fill(out: Answer, rows: Rows, columns: list[str], links: dict[str, str], max_rows: int) -> None:
    out.columns = columns
    keep = [rows.variables.index(c) for c in columns]
    out.table = Rows(columns, [[row[i] for i in keep] for row in rows.rows[:max_rows]])
    out.rows = [{v: json_value(t) for v, t in zip(rows.variables, row)} for row in rows.rows[:max_rows]]
    out.links = {c: links.get(c) for c in columns}


def _named(out: Answer, plan: Plan, max_rows: int, run: Runner) -> None:
    q = catalog()[plan.intent]
    values = dict(plan.values)
    if any(p.name == "limit" for p in q.params):
        values["limit"] = str(max_rows)
    out.sparql = q.bind(values)
    rows = run(out.sparql)
    _fill(out, rows, rows.variables, {}, max_rows)
    chart = CHARTS.get(plan.intent)
    if chart and out.rows:
        threshold = float(values["threshold"]) if "threshold" in values else None
        out.chart = {"kind": chart[0], "label": chart[1], "values": chart[2], "threshold": threshold}
    out.explanation = ("识别为" + "，".join(plan.notes) + f"：{len(out.rows)} 行。" if out.rows else
                       "识别为" + "，".join(plan.notes) + "，但图中没有符合的结果。")


def _figures(out: Answer, plan: Plan, max_rows: int, run: Runner) -> None:
    understood = "；".join(plan.notes)
    if plan.empty_reason:
        out.explanation = f"查找数字（{understood}）：{plan.empty_reason}，没有结果。"
        return
    out.sparql = figure_search.sparql(plan.figures, max_rows)
    rows = run(out.sparql)
    _fill(out, rows, figure_search.COLUMNS, figure_search.LINKS, max_rows)
    units = {r.get("unit") for r in out.rows}
    if 2 <= len(out.rows) <= 40 and len(units) == 1:
        out.chart = {"kind": "by-category", "label": "name", "values": ["amount"], "threshold": None}
    out.explanation = (f"查找数字（{understood}）：{len(out.rows)} 个数字，各附文件、表和原文行号。" if out.rows
                       else f"查找数字（{understood}）：图中没有这样的数字。")


def _search(out: Answer, reading, d: Dictionary, rec: Recogniser, max_rows: int, run: Runner,
            quiet: bool = False) -> bool:
    """The full-text search; False, and `out` untouched when `quiet`, if no text holds the words."""
    words = reading.leftovers + [e.text for e in reading.entities if e.kind not in ("threshold", "year")]
    whole = [t for w in words for t in rec.tokens(w)]
    hits = text_index(d, rec).rank(words, min(max_rows, 20), whole)
    if not hits:
        if not quiet:
            out.intent = "none"
            out.explanation = f"没有找到与「{out.query}」相关的单位、科目、项目或文字。"
        return False
    out.intent = "search"
    out.sparql = fulltext.sparql(hits)
    rows = run(out.sparql)
    _fill(out, rows, fulltext.COLUMNS, fulltext.LINKS, max_rows)
    out.explanation = f"没有识别出数字类查询，按全文检索（{'、'.join(words)}）：{len(out.rows)} 条相关文字。"
    return True
