"""Which Data Cube structure a table has: its kind's (ontology/cnbudget.ttl, `bud:structureFor`) when the table
has the sides that structure declares, else the generic one- or two-sided structure."""
from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox

from cnbudget.ontology import BUD, TBL, ontology_dir

_SIDE = ox.NamedNode(BUD + "component-side")


@lru_cache(maxsize=1)
def _by_kind() -> dict[str, tuple[str, bool]]:
    """table kind → (structure IRI, whether it is two-sided)"""
    graph = ox.Store()
    graph.bulk_load(path=str(ontology_dir() / "cnbudget.ttl"), format=ox.RdfFormat.TURTLE)
    kinds = {}
    for q in graph.quads_for_pattern(None, ox.NamedNode(BUD + "structureFor"), None):
        sided = any(graph.quads_for_pattern(q.subject, ox.NamedNode("http://purl.org/linked-data/cube#component"),
                                            _SIDE))
        kinds[q.object.value[len(TBL):]] = (q.subject.value, sided)
    return kinds


def structure_for(kind: str | None, two_sided: bool) -> str:
    known = _by_kind().get(kind or "")
    if known and known[1] == two_sided:
        return known[0]
    return BUD + ("TwoSidedTableStructure" if two_sided else "TableStructure")


NARRATIVE_MONEY, NARRATIVE_COUNTS, NARRATIVE_RATIOS = (
    BUD + f"Narrative{kind}Structure" for kind in ("Money", "Count", "Ratio"))
