"""A reading → the query to run: the named query whose keywords the text names and whose slots take what it
names, else the figure search, else the full-text search; with the other readings as alternatives."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cnbudget.kg import queries as named_queries
from cnbudget.kg.ask.dictionary import Dictionary
from cnbudget.kg.ask.figures import FigureFilter
from cnbudget.kg.ask.recognise import GENERIC_ITEMS, Reading
from cnbudget.kg.ask.words import words
from cnbudget.ontology import ITEM

# what a named query without a slot for it cannot honour: the figure search takes the question instead
_BLOCKING = {"item", "subject", "year", "org", "region", "kind"}
CHARTS = {
    "under-executed-units": ("budget-vs-actual", "unit", ["budget", "actual"]),
    "under-executed-subjects": ("budget-vs-actual", "subject", ["budget", "actual"]),
    "over-executed-subjects": ("budget-vs-actual", "subject", ["budget", "actual"]),
    "three-public-expenses": ("by-category", "category", ["budget", "actual"]),
    "expenditure-structure": ("by-subject", "subject", ["amount"]),
}


@dataclass
class Plan:
    intent: str                                   # a named query's name, "figures", "search" or "none"
    values: dict[str, str] = field(default_factory=dict)   # the named query's parameters
    figures: FigureFilter | None = None
    notes: list[str] = field(default_factory=list)          # what was understood, in Chinese
    alternatives: list[dict] = field(default_factory=list)
    empty_reason: str = ""                        # a filter that names nothing in the graph
    weak: bool = False                            # a named query one word calls for, among words it does not take


def _score(q: named_queries.NamedQuery, r: Reading) -> tuple[int, dict[str, str], set[str]]:
    """Keywords named, the slots filled (parameter → value), and the entities' texts the query takes."""
    hits = {e.text for e in r.entities if e.kind == "query" and e.key == q.name}
    values: dict[str, str] = {}
    taken = set(hits)
    for param, kind in q.slots.items():
        if kind.startswith("threshold"):
            want = "above" if kind.endswith("above") else "below"
            t = [e for e in r.of("threshold") if e.label == want]
            if t:
                values[param] = f"{float(t[0].key):g}"
                taken.add(t[0].text)
        elif kind == "org" and r.of("org"):
            e = r.of("org")[0]
            # the name as the graph keeps it (not as typed), written as a string literal by the named query's binder
            values[param] = e.label
            taken.add(e.text)
        elif kind == "year" and r.of("year"):
            values[param] = r.of("year")[0].key
            taken.add(r.of("year")[0].text)
    return len(hits) + len(values), values, taken


@lru_cache(maxsize=1)
def catalog() -> dict[str, named_queries.NamedQuery]:
    """The named queries, read once: package data that does not change while a process runs."""
    return named_queries.catalog()


def choose(r: Reading, d: Dictionary) -> Plan:
    catalog_ = catalog()
    scored = []
    for q in catalog_.values():
        score, values, taken = _score(q, r)
        if score and any(e.kind == "query" and e.key == q.name for e in r.entities):
            blocking = {e.kind for e in r.entities if e.kind in _BLOCKING and e.text not in taken}
            if r.of("threshold") and not any(k.startswith("threshold") for k in q.slots.values()):
                blocking.add("threshold")
            scored.append((not blocking, score, -len(q.keywords), q.name, values, taken))
    scored.sort(reverse=True)
    figures, figure_notes, empty, subject_readings = _figures(r, d)
    plan: Plan
    if figures is not None and r.of("figures"):  # 逐项, 出处: the figures themselves, asked for
        plan = Plan("figures", figures=figures, notes=figure_notes, empty_reason=empty)
    elif scored and scored[0][0]:
        _, score, _, name, values, _ = scored[0]
        plan = Plan(name, values, notes=[f"命名查询「{catalog_[name].title}」"] + _slot_notes(values),
                    weak=score <= 1 and any(len(w) >= 2 and not w.isascii() for w in r.leftovers))
    elif figures is not None:
        plan = Plan("figures", figures=figures, notes=figure_notes, empty_reason=empty)
    elif scored:  # a named query, though it cannot take all that was named: said so
        _, _, _, name, values, taken = scored[0]
        unused = [e.text for e in r.entities if e.kind in _BLOCKING | {"threshold"} and e.text not in taken]
        plan = Plan(name, values, notes=[f"命名查询「{catalog_[name].title}」"] + _slot_notes(values)
                    + ([f"此查询不按「{'、'.join(dict.fromkeys(unused))}」筛选"] if unused else []))
    elif r.leftovers or r.entities:
        plan = Plan("search", notes=["全文检索职责、差异原因、年度任务、绩效指标和章节标题"])
    else:
        plan = Plan("none")
    for _, _, _, name, _, taken in scored:
        if name != plan.intent and len(plan.alternatives) < 4:
            plan.alternatives.append({"intent": name, "label": catalog_[name].title,
                                      "q": _asking(catalog_, name, taken, r)})
    if figures is not None and plan.intent != "figures":
        plan.alternatives.append({"intent": "figures", "label": "查找数字：" + "；".join(figure_notes), "q": " ".join(
            dict.fromkeys([e.text for e in r.entities if e.kind in _BLOCKING | {"group", "phase"}] + ["逐项"]))})
    for e in subject_readings:
        plan.alternatives.append({"intent": "figures", "label": f"「{e.text}」作科目 {e.key} {e.label}",
                                  "q": r.text.replace(e.text, e.key)})
    seen = {e.key for e in r.entities}
    for e in r.alternatives:
        if e.key not in seen and e.label and len(plan.alternatives) < 8:
            seen.add(e.key)
            plan.alternatives.append({"intent": plan.intent, "label": f"「{e.text}」作{e.label}",
                                      "q": r.text.replace(e.text, e.label)})
    plan.alternatives = [a for a in plan.alternatives if a["q"] and a["q"] != r.text]
    return plan


def _asking(catalog: dict, name: str, taken: set[str], r: Reading) -> str:
    """Words that ask for the named query: a keyword no other query has, and what fills its slots."""
    others = {k for n, q in catalog.items() if n != name for k in q.keywords}
    own = next((k for k in catalog[name].keywords if k not in others and len(k) <= 6), "")
    slots = [e.text for e in r.entities if e.text in taken and e.kind != "query"]
    return " ".join(dict.fromkeys([own or next(iter(sorted(taken)), "")] + slots)).strip()


def _slot_notes(values: dict[str, str]) -> list[str]:
    out = []
    if "threshold" in values:
        out.append(f"阈值 {float(values['threshold']) * 100:g}%")
    if "unit" in values:
        out.append(f"单位 {values['unit']}")
    return out


def _figures(r: Reading, d: Dictionary) -> tuple[FigureFilter | None, list[str], str, list]:
    """The figure search the reading asks for, what it understood, and why it must be empty (a place or kind of
    body no department in the graph has); None when it names nothing figures are kept by."""
    f = FigureFilter()
    notes: list[str] = []
    texts_with_item = {e.text for e in r.of("item") if e.key.rsplit("#", 1)[-1] not in GENERIC_ITEMS}
    subject_readings = []  # a word that is an item and a subject (公务接待费, also 30217): the item, and the other
    for e in r.entities:
        if e.kind == "item" and e.text in texts_with_item and e.key not in f.items:
            f.items.append(e.key)
        elif e.kind == "subject" and e.text in texts_with_item:
            subject_readings.append(e)
        elif e.kind == "subject" and e.key not in f.subjects:
            f.subjects.append(e.key)
    if f.items:
        notes.append("项目 " + "、".join(dict.fromkeys(d.items.get(i, i) for i in f.items)))
    if f.subjects:
        notes.append("科目 " + "、".join(f"{c} {d.subjects.get(c, '')}".strip() for c in f.subjects))
    if f.subjects and not f.items:  # a subject alone: its figures
        f.codes, f.subjects = f.subjects, []
    groups = r.keys("group")
    if groups and not f.items and not f.codes:
        for g in groups:
            f.items += [ITEM + i for i in words().groups.get(g, ()) if i not in GENERIC_ITEMS]
            f.three_public = f.three_public or g == "三公经费"
        notes.append("“三公”经费各项" if "三公经费" in groups else "项目组 " + "、".join(groups))
    anchored = bool(f.items or f.codes or f.three_public)
    empty = ""
    bodies: list[str] = []
    for e in r.of("org"):
        dept = d.orgs.get(e.key, {}).get("department", e.key)
        bodies.append(dept)
        notes.append(f"单位 {e.label}" + ("" if dept == e.key else f"（所属部门 {d.orgs.get(dept, {}).get('name', '')}）"))
    departments = {iri: o for iri, o in d.orgs.items() if o.get("department") == iri}
    for e in r.of("region"):
        hit = [iri for iri, o in departments.items() if e.key in o.get("places", [])]
        bodies += hit
        notes.append(f"地区 {e.key}")
        empty = empty or ("" if hit else f"图中没有{e.key}的部门")
    for e in r.of("kind"):
        hit = [iri for iri, o in departments.items() if e.key in o.get("kinds", [])]
        bodies += hit
        notes.append(f"单位类型 {e.key}")
        empty = empty or ("" if hit else f"图中没有{e.key}类的部门")
    f.bodies = list(dict.fromkeys(bodies))
    f.years = sorted({int(y) for y in r.keys("year")})
    if f.years:
        notes.append("年度 " + "、".join(map(str, f.years)))
    phases: list[str] = []
    for key in r.keys("phase"):
        phases += [p for p in key.split("|") if p not in phases]
    f.phases = phases if set(phases) != {"approved", "revised", "executed"} else []
    if phases:
        notes.append("阶段 " + "、".join({"approved": "年初预算", "revised": "调整预算", "executed": "决算"}[p]
                                        for p in phases))
    if not anchored and not (f.bodies or empty):
        return None, [], "", []
    return f, notes, empty, subject_readings
