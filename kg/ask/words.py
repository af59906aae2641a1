"""The maintained word list (ontology/codelists/ask-words.tsv): synonyms, phase words, item groups, kinds of
body, comparison words and stop words, read once."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from cnbudget.kg.ask.normalize import fold
from cnbudget.ontology import codelist

WORDS_FILE = "ask-words.tsv"


@dataclass
class Words:
    synonyms: dict[str, str] = field(default_factory=dict)       # variant → the word it means
    phases: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word → phase names
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)  # word → item local names
    kinds: dict[str, str] = field(default_factory=dict)          # word → the kind's word as names end
    compare: dict[str, str] = field(default_factory=dict)        # word → below | above
    stop: set[str] = field(default_factory=set)
    figures: set[str] = field(default_factory=set)               # words asking for the figure search

    def all_words(self) -> set[str]:
        return (set(self.synonyms) | set(self.synonyms.values()) | set(self.phases) | set(self.groups)
                | set(self.kinds) | set(self.compare) | self.figures)


_PHASES = {"budget": ("approved", "revised"), "approved": ("approved",), "revised": ("revised",),
           "executed": ("executed",)}


@lru_cache(maxsize=1)
def words() -> Words:
    w = Words()
    with open(codelist(WORDS_FILE), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            role, word, rest = (line.rstrip("\n").split("\t") + ["", ""])[:3]
            variants, _, extra = rest.partition(";")
            forms = [fold(word)] + [fold(v) for v in variants.split("|") if v.strip()]
            if role == "synonym":
                for v in forms[1:]:
                    w.synonyms[v] = forms[0]
            elif role == "phase":
                for v in forms[1:]:
                    w.phases[v] = _PHASES[word]
            elif role == "group":
                items = tuple(i.strip() for i in extra.split("|") if i.strip())
                for v in forms:
                    w.groups[v] = items
            elif role == "kind":
                for v in forms:
                    w.kinds[v] = forms[0]
            elif role == "compare":
                for v in forms[1:]:
                    w.compare[v] = word
            elif role == "figures":
                w.figures.update(forms)
            elif role == "stop":
                w.stop.update(forms[1:])
    return w
