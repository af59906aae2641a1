"""Resolve 类/款/项 names printed in narrative to the subject codes of the document's own tables.

The narrative names subjects, the tables code them. A name is matched under its
parent code only, first exactly (after normalising 其它/其他, brackets and
whitespace), then by the convention that a 项 called 其他… is the parent's 99
code, then by the most similar name; each step taken is kept as evidence.
"""
from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from cnbudget.loaders import vocab
from cnbudget.loaders.records import Disclosure
from cnbudget.loaders.text import label_key


@dataclass
class Resolution:
    code: str | None
    names: dict[str, str]  # code → name the tables print
    evidence: str  # how each level was matched
    exact: bool  # every level matched by name


def table_names(doc: Disclosure) -> dict[str, str]:
    """Functional subject code → the name the tables print (the first one met)."""
    names: dict[str, str] = {}
    for t in doc.tables:
        for o in t.observations:
            if o.row_code and o.subject_kind == "functional" and o.row_label:
                names.setdefault(o.row_code, o.row_label)
    return names


def _strip_kind(name: str) -> str:
    return label_key(name).removesuffix("（类）").removesuffix("（款）").removesuffix("（项）")


def _pick(name: str, candidates: dict[str, str], level: str) -> tuple[str | None, str, bool]:
    key = _strip_kind(name)
    for code, printed in sorted(candidates.items()):
        if label_key(printed) == key:
            return code, f"{level}「{name}」= {code} {printed}", True
    if key.startswith("其他"):
        others = [c for c in candidates if c.endswith("99")]
        if len(others) == 1:
            c = others[0]
            return c, f"{level}「{name}」→ {c} {candidates[c]}（其他… is the 99 catch-all code）", False
    scored = sorted(((SequenceMatcher(None, key, label_key(p)).ratio(), c) for c, p in candidates.items()),
                    reverse=True)
    if scored and scored[0][0] >= 0.6 and (len(scored) == 1 or scored[0][0] - scored[1][0] >= 0.1):
        ratio, c = scored[0]
        return c, f"{level}「{name}」→ {c} {candidates[c]}（most similar name, {ratio:.2f}）", False
    return None, f"{level}「{name}」not found among {', '.join(sorted(candidates)) or 'no codes'}", False


def resolve(class_name: str, section_name: str, item_name: str, names: dict[str, str]) -> Resolution:
    steps, exact = [], True
    classes = {c: n for c, n in names.items() if len(c) == 3}
    code, step, ok = _pick(class_name, classes, "类") if class_name else (None, "", True)
    if code is None and class_name:
        fallback = vocab.functional_class_for(class_name) or vocab.functional_class_for(_strip_kind(class_name) + "支出")
        if fallback:
            code, step, ok = fallback, f"类「{class_name}」= {fallback}（functional classification）", True
    steps.append(step)
    exact &= ok
    for level, name, length in (("款", section_name, 5), ("项", item_name, 7)):
        if not name or code is None:
            continue
        children = {c: n for c, n in names.items() if len(c) == length and c.startswith(code)}
        child, step, ok = _pick(name, children, level)
        steps.append(step)
        exact &= ok
        code = child
        if child is None:
            break
    return Resolution(code, names, "；".join(s for s in steps if s), exact and code is not None)
