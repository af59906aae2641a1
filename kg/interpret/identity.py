"""Whose disclosure this is: the body the document names (loaders/identity.py read it, with its line), whether
that name tells one body apart from every other, and the region it is in (the national list of administrative
divisions, kg/interpret/places.py).

A name tells a body when it starts with a place of the list (南漳县招商服务中心, 重庆市铜梁区小林镇人民政府) or is a
place alone (沅陵县: the county's own table), or is a proper name of its own (皖江江南新兴产业集中区（管委会）). A kind
of body with no place (教育局), or with a bare level word for its place (市国资委, 县招商服务中心), is every city's or
county's: such a document is loaded under an unknown body of its own (kg/rdf/graph.py unknown_body), never merged
with another document's 教育局. A department named by the tables' own 部门： line is kept as it is.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from cnbudget.kg.interpret.places import BARE_KINDS, Place, divisions
from cnbudget.loaders.records import Disclosure, Reading
from cnbudget.loaders.text import label_key

_PARTY = re.compile(r"^(?:中国共产党|中共)")
_LEVEL_FIRST = re.compile(r"^[省市州县区镇乡旗]")
# what a generic name ends with: a kind of body (教育局, 国资委, 招商服务中心)
_KIND_END = re.compile(r"(?:局|委|办|办公室|中心|院|医院|所|站|馆|会|委员会|园|队|厅|处|校|人民政府|政府)$")
_GENERIC_LENGTH = 8  # longer names without a place are proper names (皖江江南新兴产业集中区)


@dataclass(frozen=True)
class Who:
    name: str | None  # the body's name, None where the document does not tell it
    printed: Reading | None  # the name the head of the document printed, and where
    told_by: str  # tables (部门： line) / the reading's rule / "" when not told
    region: str | None  # the body's place with those above it, as the national list names them
    places: tuple[str, ...]  # the places' names, the province first
    reason: str  # why the body is told or not, in words


def _bare(name: str) -> str:
    return re.sub(r"[(（][^()（）]*[)）]$", "", name)


def _places(name: str) -> list[Place]:
    """The places the name starts with, each below the one before (the last one's chain); a place alone too."""
    name = _PARTY.sub("", name)  # 中共南漳县委宣传部: the place follows the party's name
    found, rest = divisions().department_places(name)
    if not found:
        found = [p for p, strong in divisions().by_form.get(label_key(name), ()) if strong]
    return found


def _region(places: list[Place]) -> tuple[str | None, tuple[str, ...]]:
    chains = {tuple(p.name for p in place.chain()) for place in places}
    if len(chains) != 1:  # none, or a name several places share: not told which
        return None, ()
    chain = chains.pop()
    return "".join(chain), chain


def identify(doc: Disclosure) -> Who:
    printed = doc.identity.body if doc.identity else None
    if doc.department:
        region, chain = _region(_places(doc.department))
        return Who(doc.department, printed, "tables", region, chain, "named by the tables' 部门 line")
    if printed is None:
        return Who(None, None, "", None, (), "the head of the document names no body")
    name = printed.value
    places = _places(name)
    region, chain = _region(places)
    if places:
        return Who(name, printed, printed.rule, region, chain, "starts with a place of the national list")
    core = _bare(name)
    if _LEVEL_FIRST.match(name):
        return Who(None, printed, "", None, (), f"{name}: its place is a bare level word, every such place has one")
    if core in BARE_KINDS or (len(core) <= _GENERIC_LENGTH and _KIND_END.search(core)):
        return Who(None, printed, "", None, (), f"{name}: a kind of body without a place, every place has one")
    return Who(name, printed, printed.rule, None, (), "a proper name without a place of the national list")


def settle(doc: Disclosure) -> Who:
    """Who the document is of; a body the tables do not name but the head tells becomes the department."""
    who = identify(doc)
    if doc.department is None and who.name:
        doc.department = who.name
    elif doc.department is None:
        where = f"{doc.path}:{who.printed.line}" if who.printed else doc.path
        doc.warnings.append(f"{where}: the body cannot be told ({who.reason}); loaded under an unknown body of "
                            "its own")
    return who
