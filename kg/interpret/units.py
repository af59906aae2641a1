"""Which printed names are the same unit: one resource per unit of a department, whatever spelling a section uses.

A unit's identity is its department and its canonical name (kg/rdf/iris.py mints it within the department), so
two departments' 环境信息中心 are two units, and the same department's unit is one resource every year.
Within a disclosure, printed names are merged by these rules, each merge kept with the rule and the evidence
so a researcher can audit it:
- same-name: the same name once whitespace, bracket widths and padding are removed;
- own-office: 本级 / 机关: the department's own office, i.e. the department;
- former-name: a parenthesised former name, （原焦作市环境监测站）, names the same unit;
- place-prefix: the same name once the department's own place is removed from the front: its name in the
  national list of administrative divisions (ontology/codelists/admin-divisions.tsv, townships.tsv), its
  short form (焦作, 黔南州) or its bare level (县招商服务中心 in a county's disclosure), with the places above
  it; never another place (修武县环境监测站 is not the city's 环境监测站), and never down to nothing or to a
  bare kind of body (局, 人民政府);
- a renaming of the code list ontology/codelists/renamings.ttl (its reform's notation is the rule, e.g.
  renamed-2019): one name, with an old part replaced by the new one, is the other, for the kinds of body the
  renaming applies to; taken only when exactly one known unit matches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnbudget.kg.interpret.places import PlacePrefix
from cnbudget.kg.interpret.renamings import renaming_between
from cnbudget.loaders.records import UnitMention
from cnbudget.loaders.text import label_key, nfkc

_FORMER = re.compile(r"（原([^）]+)）")
_OWN_OFFICE = re.compile(r"(机关本级|本级|机关)$")
_ROLE_RANK = {"department": 0, "affiliated": 1, "budget-unit": 2, "division": 3, "evaluated": 4, "other": 5}

# --------------------------------------------------------------------------- units


@dataclass
class Alias:
    name: str  # as printed
    rule: str  # same-name / own-office / former-name / place-prefix / a reform's notation (renamed-2019)
    evidence: str
    line: int
    renaming: str | None = None  # the IRI of the code list's renaming applied


@dataclass
class Unit:
    key: str  # its canonical name: with the department, its identity (kg/rdf/iris.py Minter.unit)
    name: str  # canonical name
    role: str  # department / affiliated / division / budget-unit / evaluated / other
    is_department: bool = False
    division: bool = False  # an internal division (内设机构): minted apart from the units of the same name
    former_names: list[str] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)


def canonical_name(name: str) -> str:
    """A printed name as a unit's canonical name: full-width forms folded, whitespace removed, brackets full-width."""
    return re.sub(r"\s+", "", nfkc(name)).replace("(", "（").replace(")", "）")


class UnitIndex:
    def __init__(self, department: str | None, year: int | None = None):
        self.department_name = department or ""
        self.year = year
        self.units: list[Unit] = []
        self.places = PlacePrefix(department)
        if department:
            dept = Unit(key=department, name=department, role="department", is_department=True)
            dept.roles.add("department")
            self.units.append(dept)

    @property
    def department(self) -> Unit | None:
        return self.units[0] if self.units and self.units[0].is_department else None

    def _core(self, name: str) -> str:
        return self._stripped(name)[0]

    def _stripped(self, name: str) -> tuple[str, str]:
        key = _FORMER.sub("", label_key(name))
        bare = _OWN_OFFICE.sub("", key)
        return self.places.strip(bare or key)

    def _is_own_office(self, key: str) -> bool:
        """本级 / 机关 / 局机关 / 焦作生态环境局本级: the department's own office."""
        if not self.department or not _OWN_OFFICE.search(key):
            return False
        rest = _OWN_OFFICE.sub("", key)
        dept = label_key(self.department.name)
        return not rest or dept.endswith(rest) or self._core(rest) == self._core(dept)

    def resolve(self, mention: UnitMention) -> Unit:
        name = mention.name.strip()
        key = label_key(name)
        if self._is_own_office(key):
            return self._merge(self.department, name, "own-office",
                               "本级/机关 denotes the department's own office", mention)
        for unit in self.units:
            names = [unit.name, *unit.former_names, *(a.name for a in unit.aliases)]
            if any(label_key(n) == key for n in names):
                same = name == unit.name or any(name == a.name for a in unit.aliases)
                return self._merge(unit, name, "same-name", "identical once whitespace and bracket widths are normalised",
                                   mention, record=not same)
        former = _FORMER.search(key)
        if former:
            was = self._core(former.group(1))
            for unit in self.units:
                if (label_key(unit.name) == former.group(1) or former.group(1) in map(label_key, unit.former_names)
                        or (not unit.division and was in (self._core(unit.name),
                                                          *map(self._core, unit.former_names)))):
                    return self._merge(unit, name, "former-name", f"prints 原{former.group(1)} as its former name", mention)
        if mention.role == "division":
            return self._new(mention)
        core, prefix = self._stripped(name)
        matches = [u for u in self.units if not u.division and self._core(u.name) == core]
        if len(matches) == 1:
            other = self._stripped(matches[0].name)[1]
            removed = "、".join(f"「{p}」" for p in (prefix, other) if p)
            return self._merge(matches[0], name, "place-prefix",
                               f"same name「{core}」once the department's place ({self.places.path} in the national "
                               f"list of administrative divisions) is removed from the front: {removed}", mention)
        renamed = [(u, r) for u in self.units if not u.division
                   for r in [renaming_between(core, self._core(u.name), self.year)] if r is not None]
        if len(renamed) == 1:
            unit, r = renamed[0]
            return self._merge(unit, name, r.rule,
                               f"「{r.old}」became「{r.new}」in {r.reform}（{r.year}）for {'、'.join(r.kinds)}: "
                               f"「{core}」and「{self._core(unit.name)}」name one body; the only unit that matches",
                               mention, renaming=r.iri)
        return self._new(mention)

    def _new(self, mention: UnitMention) -> Unit:
        name = mention.name.strip()
        former = _FORMER.search(name.replace("(", "（").replace(")", "）"))
        canonical = canonical_name(_FORMER.sub("", name.replace("(", "（").replace(")", "）")) if former else name)
        unit = Unit(key=canonical, name=canonical, role=mention.role,
                    division=mention.role == "division")
        if former:
            unit.former_names.append(former.group(1))
            if canonical != name:
                unit.aliases.append(Alias(name, "former-name", f"prints 原{former.group(1)} as its former name",
                                          mention.line))
        unit.roles.add(mention.role)
        unit.lines.append(mention.line)
        self.units.append(unit)
        return unit

    def _merge(self, unit: Unit, name: str, rule: str, evidence: str, mention: UnitMention,
               record: bool = True, renaming: str | None = None) -> Unit:
        unit.roles.add(mention.role)
        unit.lines.append(mention.line)
        if _ROLE_RANK.get(mention.role, 9) < _ROLE_RANK.get(unit.role, 9) and not unit.is_department:
            unit.role = mention.role
        if record and name != unit.name and not any(a.name == name for a in unit.aliases):
            unit.aliases.append(Alias(name, rule, evidence, mention.line, renaming))
        return unit


def resolve_units(department: str | None, mentions: list[UnitMention],
                  year: int | None = None) -> tuple[UnitIndex, dict[int, Unit]]:
    """Resolve mentions in order of authority (department, affiliated, budget units, divisions, the rest);
    returns the index and the unit of each mention (by id()). `year`, the document's fiscal year, keeps the
    renamings of later reforms out."""
    index = UnitIndex(department, year)
    resolved: dict[int, Unit] = {}
    for m in sorted(mentions, key=lambda m: (_ROLE_RANK.get(m.role, 9), m.line, m.order)):
        resolved[id(m)] = index.resolve(m)
    return index, resolved
