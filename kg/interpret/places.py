"""Place names from the national list of administrative divisions (ontology/codelists/admin-divisions.tsv,
townships.tsv): a department's own places, and a unit name with its department's place removed from the front
(kg/interpret/units.py, the place-prefix rule)."""
from __future__ import annotations

import re
from functools import lru_cache

from cnbudget.loaders.text import label_key
from cnbudget.ontology import codelist

# A name stripped to one of these says no more than "a body": the place is kept (焦作市人民政府, not 人民政府).
BARE_KINDS = frozenset("""
    局 分局 总局 委 委员会 办 办公室 厅 部 处 科 股 室 站 所 队 支队 大队 中队 中心 院 馆 会 政府 人民政府
    党委 党组 管委会 管理委员会 办事处 街道办事处 本级 机关 机关本级 单位 本部
""".split())
# After a level word these characters make a word of their own (市场, 市政, 县委, 区域, 乡村, 省直 …): the level
# word is then part of the name, not the place.
_LEVEL_COMPOUNDS = frozenset("委级直属辖域场政容区县乡镇村")

# The 55 minority nationalities (GB/T 3304), for the short forms of autonomous areas: 黔南布依族苗族自治州 → 黔南.
_ETHNIC = sorted("""
    蒙古 回 藏 维吾尔 苗 彝 壮 布依 朝鲜 满 侗 瑶 白 土家 哈尼 哈萨克 傣 黎 傈僳 佤 畲 高山 拉祜 水 东乡 纳西 景颇
    柯尔克孜 土 达斡尔 仫佬 羌 布朗 撒拉 毛南 仡佬 锡伯 阿昌 普米 塔吉克 怒 乌孜别克 俄罗斯 鄂温克 德昂 保安 裕固 京
    塔塔尔 独龙 鄂伦春 赫哲 门巴 珞巴 基诺
""".split(), key=len, reverse=True)
_AUTONOMOUS = re.compile(r"((?:(?:" + "|".join(_ETHNIC) + r")族)*)自治(区|州|县|旗)$")
_ETHNIC_TOWNSHIP = re.compile(r"((?:(?:" + "|".join(_ETHNIC) + r")族)+)(乡|镇|苏木)$")
_LEVEL_WORDS = ("特别行政区", "街道", "苏木", "地区", "林区", "特区", "省", "市", "县", "区", "旗", "盟", "州", "镇", "乡")




class Place:
    """An administrative division: its name, level (1 province … 4 township) and the division above it."""
    __slots__ = ("name", "level", "parent", "children", "_forms")

    def __init__(self, name: str, level: int, parent: Place | None):
        self.name, self.level, self.parent = name, level, parent
        self.children: dict[str, Place] = {}
        self._forms: list[tuple[str, bool]] | None = None
        if parent is not None:
            parent.children.setdefault(name, self)

    def __repr__(self) -> str:
        return f"Place({'/'.join(p.name for p in self.chain())})"

    def chain(self) -> list[Place]:
        """This place and those above it, the province first."""
        out, p = [], self
        while p is not None:
            out.append(p)
            p = p.parent
        return out[::-1]

    @property
    def level_word(self) -> str:
        """How the place's kind is printed alone (县招商服务中心, 州中医医院): 州 for an autonomous prefecture."""
        m = _AUTONOMOUS.search(self.name)
        if m:
            return "自治区" if m.group(2) == "区" else m.group(2)
        return next((w for w in _LEVEL_WORDS if self.name.endswith(w) and len(self.name) > len(w)), "")

    def forms(self) -> list[tuple[str, bool]]:
        """The ways a name prints this place, each with whether it is distinctive (a full name or a stem with its
        level word: 黔南州) or a bare stem (焦作, 黔南), which alone does not start a department's name."""
        if self._forms is None:
            name = self.name
            forms = {name: True}
            stem, word = _stem(name)
            if len(stem) >= 2:
                forms.setdefault(stem, False)
                if word and stem + word != name:
                    forms.setdefault(stem + word, True)
            if name.endswith("街道"):
                forms[name + "办事处"] = True
            self._forms = list(forms.items())
        return self._forms


def _stem(name: str) -> tuple[str, str]:
    """A division's name without its level words (and the nationalities of an autonomous area), and the level
    word the short form keeps: 黔南布依族苗族自治州 → (黔南, 州), 鄂伦春自治旗 → (鄂伦春, 旗), 焦作市 → (焦作, 市)."""
    for pattern in (_AUTONOMOUS, _ETHNIC_TOWNSHIP):
        m = pattern.search(name)
        if m:
            stem = name[:m.start()]
            word = m.group(2)
            if not stem:  # 鄂温克族自治旗: the nationality is the name
                stem = m.group(1)[:-1] if m.group(1) else ""
            return stem, ("" if word == "区" else word)
    for word in _LEVEL_WORDS:
        if name.endswith(word) and len(name) > len(word):
            return name[:-len(word)], ("" if word in ("特别行政区",) else word)
    return name, ""


class Divisions:
    """The national list: provinces, prefectures, counties (current and former names) and townships."""

    def __init__(self):
        self.provinces: dict[str, Place] = {}
        self.by_form: dict[str, list[tuple[Place, bool]]] = {}  # forms of levels 1–3 → places
        self.longest = 2
        for row in _rows("admin-divisions.tsv"):
            province, prefecture, county = (row + ["", "", ""])[:3]
            self._place(province, prefecture, county)
        for row in _rows("townships.tsv"):
            province, prefecture, county, towns = (row + ["", "", "", ""])[:4]
            parent = self._place(province, prefecture, county)
            if parent is not None:
                for town in towns.split():
                    if town not in parent.children:
                        Place(town, 4, parent)
        for place in self._walk():
            if place.level <= 3:
                for form, strong in place.forms():
                    self.by_form.setdefault(form, []).append((place, strong))
                    self.longest = max(self.longest, len(form))

    def _place(self, province: str, prefecture: str, county: str) -> Place | None:
        if not province:
            return None
        p = self.provinces.get(province)
        if p is None:
            p = self.provinces[province] = Place(province, 1, None)
        if prefecture and prefecture != province:
            p = p.children.get(prefecture) or Place(prefecture, 2, p)
        if county:
            # a prefecture without counties lists its townships here (东莞市 万江街道); a municipality its districts
            town = p.level == 2 and county.endswith(("镇", "乡", "街道", "苏木"))
            p = p.children.get(county) or Place(county, 4 if town else 3, p)
        return p

    def _walk(self):
        todo = list(self.provinces.values())
        while todo:
            place = todo.pop()
            yield place
            todo.extend(place.children.values())

    def department_places(self, name: str) -> tuple[list[Place], str]:
        """The places a department's name starts with, each below the one before (河南省焦作市…, 重庆市铜梁区小林镇…):
        the candidates of the last one (a name may fit several places), and what follows them."""
        key = label_key(name)
        pos, current = 0, []
        while True:
            found: list[Place] = []
            for n in range(min(self.longest, len(key) - pos - 1), 1, -1):
                form = key[pos:pos + n]
                if current:
                    found = [c for p in current for c in p.children.values()
                             if any(f == form for f, _ in c.forms())]
                    found += [p for p, _ in self.by_form.get(form, ()) if any(_below(p, c) for c in current)
                              and p not in found]
                else:
                    found = [p for p, strong in self.by_form.get(form, ()) if strong or p.level <= 2]
                if found:
                    break
            if not found:
                return current, key[pos:]
            current, pos = found, pos + n


def _below(place: Place, above: Place) -> bool:
    p = place.parent
    while p is not None:
        if p is above:
            return True
        p = p.parent
    return False


def _rows(filename: str) -> list[list[str]]:
    with open(codelist(filename), encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def divisions() -> Divisions:
    return Divisions()


class PlacePrefix:
    """How a department's units print its place in front of their names, and the name once it is removed."""

    def __init__(self, department: str | None):
        own, _ = divisions().department_places(department) if department else ([], "")
        self.own = own
        self.forms: dict[str, tuple[int, bool]] = {}  # form → (level, whether the department's own place)
        for place in own:
            for p in place.chain():
                for form, _ in p.forms():
                    level, is_own = self.forms.get(form, (p.level, False))
                    self.forms[form] = (level, is_own or p is place)
        self.words = {p.level_word for p in own if p.level_word}
        self.longest = max(map(len, self.forms), default=0)

    @property
    def name(self) -> str:
        return self.own[0].name if self.own else ""

    @property
    def path(self) -> str:
        """The department's place with those above it, as the national list names them: 河南省焦作市."""
        return "".join(p.name for p in self.own[0].chain()) if self.own else ""

    def strip(self, key: str) -> tuple[str, str]:
        """(the name without the department's place in front, the prefix removed); the name itself, and "",
        where there is none or removing it would leave nothing meaningful."""
        pos, own_end, own_form, level = 0, None, "", 0
        while True:
            for n in range(min(self.longest, len(key) - pos), 1, -1):
                hit = self.forms.get(key[pos:pos + n])
                if hit and hit[0] > level:
                    level, pos = hit[0], pos + n
                    if hit[1]:
                        own_end, own_form = pos, key[pos - n:pos]
                    break
            else:
                break
        if own_end is None:
            word = next((w for w in sorted(self.words, key=len, reverse=True) if key.startswith(w)), None)
            if word is None:
                return key, ""
            own_end, own_form = len(word), word
        rest = key[own_end:]
        word = next((w for w in self.words if own_form.endswith(w)), "")
        if word and rest[:1] in _LEVEL_COMPOUNDS:  # 焦作市场监督管理局 is 焦作 + 市场监督管理局
            if own_form == word:
                return key, ""
            own_end -= len(word)
            rest = key[own_end:]
        if not rest or own_end == 0:
            return key, ""
        if len(rest) < 2 or rest in BARE_KINDS:  # 镇人民政府 is 小林镇人民政府
            full = self.name
            return (full + rest, key[:own_end]) if full and rest and full + rest != key else (key, "")
        return rest, key[:own_end]


