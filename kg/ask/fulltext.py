"""The full-text fallback: BM25 (bm25s) over the texts the dictionary keeps (duties, reasons, tasks, indicators,
section titles), tokenised by the same jieba as the queries; then the ranked resources fetched with their key
figures by a query whose only values are the resources' IRIs in a VALUES block."""
from __future__ import annotations

import bm25s
import pyoxigraph as ox

COLUMNS = ["kind", "text", "unit", "document", "budget", "actual", "expected", "achieved", "score"]
LINKS = {"text": "resource", "document": "document_iri"}
KIND_NAMES = {"duty": "职责", "reason": "差异原因", "task": "年度任务", "indicator": "绩效指标", "section": "章节"}


class TextIndex:
    def __init__(self, texts: list[dict], tokenize):
        self.texts = texts
        self.tokenize = tokenize
        corpus = [tokenize(t["text"]) or ["\u0000"] for t in texts]
        self.vocabulary = {tok for doc in corpus for tok in doc}
        self.retriever = bm25s.BM25()
        if corpus:
            self.retriever.index(corpus, show_progress=False)

    def rank(self, words: list[str], k: int, whole: list[str] = ()) -> list[tuple[dict, float]]:
        """The texts that share a word of two characters or more with the query, best first; none for words the
        texts do not hold (no unrelated text is returned for the sake of an answer). `whole`: the query's words as
        segmented, one of which a text must hold whole (计算机 does not find 云计算 through its part 计算)."""
        tokens = [t for w in words for t in self.tokenize(w) if t in self.vocabulary]
        if not tokens or not self.texts:
            return []
        scores = self.retriever.get_scores(tokens)
        whole = [w for w in whole if len(w) >= 2]
        ranked = sorted(((float(s), i) for i, s in enumerate(scores)
                         if s > 0 and (not whole or any(w in self.texts[i]["text"] for w in whole))), reverse=True)[:k]
        return [(self.texts[i], s) for s, i in ranked]


def sparql(hits: list[tuple[dict, float]]) -> str:
    rows = " ".join(f"({ox.NamedNode(t['iri'])} {ox.Literal(KIND_NAMES.get(t['kind'], t['kind']))} {ox.Literal(f'{s:.3f}', datatype=ox.NamedNode('http://www.w3.org/2001/XMLSchema#decimal'))})"
                    for t, s in hits)
    # one pattern per OPTIONAL, from the ranked resources outwards: evaluated for these rows only
    return f"""SELECT ?kind ?text ?unit ?document ?budget ?actual ?expected ?achieved ?score ?resource ?document_iri
WHERE {{
  VALUES (?resource ?kind ?score) {{ {rows} }}
  OPTIONAL {{ ?resource bud:disclosure ?own_document }}
  OPTIONAL {{ ?resource (^bud:indicator|^bud:task)/bud:disclosure ?form_document }}
  OPTIONAL {{ ?resource (^bud:indicator|^bud:task)/bud:evaluatedUnit/skos:prefLabel ?unit }}
  BIND (COALESCE(?own_document, ?form_document) AS ?document_iri)
  OPTIONAL {{ ?document_iri dct:title ?document }}
  OPTIONAL {{ ?resource bud:text|bud:reason|bud:taskName|bud:indicatorContent|dct:title ?text }}
  OPTIONAL {{ ?resource bud:budgetAmount ?budget }}
  OPTIONAL {{ ?resource bud:actualAmount ?actual }}
  OPTIONAL {{ ?resource bud:expectedText ?expected }}
  OPTIONAL {{ ?resource bud:actualText ?achieved }}
}}
ORDER BY DESC(?score)"""
