"""Suggestions as one types: the dictionary's terms that start with what was typed, then those that hold it."""
from __future__ import annotations

from cnbudget.kg.ask.dictionary import Dictionary, dictionary_for
from cnbudget.kg.ask.normalize import query_text
from cnbudget.kg.store import GraphStore

_RANK = {"org": 0, "subject": 1, "item": 1, "group": 1, "query": 2, "region": 2, "indicator": 3, "kind": 3, "year": 3}


def suggest(store_or_dictionary: GraphStore | Dictionary, prefix: str, n: int = 10) -> list[str]:
    d = store_or_dictionary if isinstance(store_or_dictionary, Dictionary) else dictionary_for(store_or_dictionary)
    typed = query_text(prefix if isinstance(prefix, str) else "")
    n = max(0, min(int(n), 100))
    if not typed or not n:
        return []
    last = typed.split(" ")[-1]
    head = typed[:len(typed) - len(last)]
    ranked = []
    for term, entries in d.terms.items():
        kinds = [k for k, _ in entries if k in _RANK]
        if not kinds or term == last:
            continue
        if term.startswith(last):
            ranked.append((0, min(_RANK[k] for k in kinds), len(term), term))
        elif len(last) >= 2 and last in term:
            ranked.append((1, min(_RANK[k] for k in kinds), len(term), term))
    ranked.sort()
    return [head + term for *_, term in ranked[:n]]
