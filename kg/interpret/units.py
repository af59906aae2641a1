"""Which printed names are the same unit: one resource per unit, whatever spelling a section uses.

Each merge keeps the rule that made it and the evidence, so a researcher can audit it:
- the same name once whitespace, bracket widths and padding are removed;
- 本级 / 机关: the department's own office, i.e. the department;
- a parenthesised former name, （原焦作市环境监测站）, names the same unit;
- the same name once the place prefix (province, city) is removed;
- the same name once 生态 is removed (环境 bodies were renamed 生态环境 in the 2019 reform),
  taken only when exactly one known unit matches.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from cnbudget.loaders.records import UnitMention
from cnbudget.loaders.text import label_key

_FORMER = re.compile(r"（原([^）]+)）")
_PROVINCE = re.compile(r"^[\u4e00-\u9fff]{2,3}?(省|自治区)")
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,4}?(市|州|盟|地区)")
_ROLE_RANK = {"department": 0, "affiliated": 1, "budget-unit": 2, "division": 3, "evaluated": 4, "other": 5}


@dataclass
class Alias:
    name: str  # as printed
    rule: str  # same-name / own-office / former-name / place-prefix / renamed-2019
    evidence: str
    line: int


@dataclass
class Unit:
    key: str  # stable identity within the department (canonical name, or department/division)
    name: str  # canonical name
    role: str  # department / affiliated / division / budget-unit / evaluated / other
    is_department: bool = False
    former_names: list[str] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)
    roles: set[str] = field(default_factory=set)
    lines: list[int] = field(default_factory=list)


class UnitIndex:
    def __init__(self, department: str | None):
        self.department_name = department or ""
        self.units: list[Unit] = []
        self._places = self._place_tokens(self.department_name)
        if department:
            dept = Unit(key=department, name=department, role="department", is_department=True)
            dept.roles.add("department")
            self.units.append(dept)

    @property
    def department(self) -> Unit | None:
        return self.units[0] if self.units and self.units[0].is_department else None

    @staticmethod
    def _place_tokens(name: str) -> list[str]:
        tokens = []
        key = label_key(name)
        m = _PROVINCE.match(key)
        if m:
            tokens.append(m.group(0))
            key = key[len(m.group(0)):]
        m = _CITY.match(key)
        if m:
            tokens += [m.group(0), m.group(0)[:-1]]
        return tokens

    def _core(self, name: str) -> str:
        key = _FORMER.sub("", label_key(name))
        key = re.sub(r"(本级|机关)$", "", key)
        for _ in range(2):
            m = _PROVINCE.match(key)
            if m:
                key = key[len(m.group(0)):]
            for token in sorted(self._places, key=len, reverse=True):
                if key.startswith(token) and len(key) > len(token) + 1:
                    key = key[len(token):]
                    break
            else:
                m = _CITY.match(key)
                if m and len(key) > len(m.group(0)) + 1:
                    key = key[len(m.group(0)):]
        return key

    def resolve(self, mention: UnitMention) -> Unit:
        name = mention.name.strip()
        key = label_key(name)
        # 本级 / 机关: the department's own office
        if self.department and (key.endswith("本级") or key == "机关" or key.endswith("机关本级")):
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
            for unit in self.units:
                if label_key(unit.name) == former.group(1) or former.group(1) in map(label_key, unit.former_names):
                    return self._merge(unit, name, "former-name", f"prints 原{former.group(1)} as its former name", mention)
        core = self._core(name)
        matches = [u for u in self.units if self._core(u.name) == core and u.role != "division"]
        if len(matches) == 1 and mention.role != "division":
            return self._merge(matches[0], name, "place-prefix",
                               f"same name「{core}」once the place prefix is removed", mention)
        renamed = [u for u in self.units if u.role != "division"
                   and self._core(u.name).replace("生态", "") == core.replace("生态", "")]
        if len(renamed) == 1 and mention.role != "division" and "生态" in (core + self._core(renamed[0].name)):
            return self._merge(renamed[0], name, "renamed-2019",
                               f"same name「{core.replace('生态', '')}」once 生态 is removed (环境 bodies became 生态环境 "
                               "in the 2019 reform); the only unit that matches", mention)
        return self._new(mention)

    def _new(self, mention: UnitMention) -> Unit:
        name = mention.name.strip()
        former = _FORMER.search(name.replace("(", "（").replace(")", "）"))
        canonical = _FORMER.sub("", name.replace("(", "（").replace(")", "）")).strip() if former else name
        key = canonical if mention.role != "division" else f"{self.department_name}/{canonical}"
        unit = Unit(key=key, name=canonical, role=mention.role)
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
               record: bool = True) -> Unit:
        unit.roles.add(mention.role)
        unit.lines.append(mention.line)
        if _ROLE_RANK.get(mention.role, 9) < _ROLE_RANK.get(unit.role, 9) and not unit.is_department:
            unit.role = mention.role
        if record and name != unit.name and not any(a.name == name for a in unit.aliases):
            unit.aliases.append(Alias(name, rule, evidence, mention.line))
        return unit


def resolve_units(department: str | None, mentions: list[UnitMention]) -> tuple[UnitIndex, dict[int, Unit]]:
    """Resolve mentions in order of authority (department, affiliated, budget units, divisions, the rest);
    returns the index and the unit of each mention (by id())."""
    index = UnitIndex(department)
    resolved: dict[int, Unit] = {}
    for m in sorted(mentions, key=lambda m: (_ROLE_RANK.get(m.role, 9), m.line, m.order)):
        resolved[id(m)] = index.resolve(m)
    return index, resolved
