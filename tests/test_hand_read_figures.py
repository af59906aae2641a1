"""The figures read by hand from eight real fragments (tests/fixtures/hand-read/figures.json, copied with the
fragments from shared/samples/fragments/): how many come out of `kg load` with the right row, the right column
and the right unit, on the line the hand reader gives.

A figure counts when one observation of the loaded graph has
- its amount (a decrease read as a negative change counts: 减少 0.28 is the change -0.28), on the same line;
- its unit: % for a rate or a percentage, else the document's money unit (万元 for all eight);
- its row: the hand reader's row name and the observation's row name (bud:rowLabel), compared without
  whitespace, ordinals (一、 （二） 1、 其中：), quotes, bracket width, converter debris (經(jīng)) or traditional forms,
  equal or one inside the other (全镇本级一般公共预算收入实现 is the row 一般公共预算收入);
- in a table printing its categories as columns over one row of figures (“三公”经费合计 | 因公出国(境)费 …), its
  row is the observation's column and its column the observation's budget phase;
- its column: for a table figure, the column as printed (each level the hand reader gives, 2016年预算数 小计,
  inside the observation's headers, or its leaf header inside the hand reader's; a table printing no column
  header: the budget phase); for a figure stated in a sentence, what it measures (budget, actual, rate of the
  budget, change, percentage change, share), told from the words on each side.

Reading these layouts is issue 14. One test holds the shares reached so far (a regression fails it), one the
issue's target of 0.95 of these figures; 0.95 for each document is marked as expected to fail, with the one
figure that misses it and why (strict: it fails the suite the day it passes, so the mark is taken off)."""
from __future__ import annotations

import json
import re
import unicodedata
from decimal import Decimal

import opencc
import pytest

from conftest import ROOT, run, select
from cnbudget.kg.store import Store

HAND_READ = ROOT / "tests" / "fixtures" / "hand-read"
DOCUMENTS = json.loads((HAND_READ / "figures.json").read_text(encoding="utf-8"))["documents"]

# figures found per document, by the matching below, when it was last raised
FOUND_SO_FAR = {
    "nantong_gzw_2016_sangong.txt": 8, "luan_gsl_2021_sangong.txt": 8, "huaiyuan_slj_2025_sangong.txt": 7,
    "yuanling_xian_2021_sangong.txt": 9, "wuzhou_ncpzj_2020_js.txt": 9, "unknown_jiaoyuju_2020_ys.txt": 8,
    "guichi_tangxi_2022_jxzp.txt": 8, "chongqing_tongliang_xiaolin_2022_js.txt": 10,
}

_T2S = opencc.OpenCC("t2s")
_DEBRIS = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,6}\)")
_ORDINAL = re.compile(r"^(?:其中:?|[一二三四五六七八九十]+、|\([一二三四五六七八九十\d]+\)|\d+[、.])+")
_ASIDE = re.compile(r"\([^)]*\)$")


def _key(text: str) -> str:
    t = "".join(unicodedata.normalize("NFKC", text).split())
    t = _T2S.convert(_DEBRIS.sub("", t))
    t = re.sub(r"[“”\"‘’']", "", t).replace("：", ":")
    return _ORDINAL.sub("", t).strip(":")


def _rows_match(hand: str, printed: str) -> bool:
    a, b = _key(hand), _key(printed)
    return bool(a and b) and (a == b or (len(b) >= 2 and b in a) or (len(a) >= 2 and a in b))


def _concept(measure: str, percent: bool) -> str:
    """What a stated figure measures, from its words (the hand reader's or the loader's)."""
    m = _key(measure)
    if (percent or "率" in m) and re.search(r"增长|下降|降低|增加|减少|增减", m):
        return "growth"
    if "率" in m or (percent and re.search(r"完成|为.*预算的", m)):
        return "rate"
    if re.search(r"增加|减少|增减|降低|比去年|比上年", m):
        return "change"
    if "占" in m:
        return "share"
    if "预算" in m and not re.search(r"完成|决算|执行|实现", m):
        return "budget"
    return "actual"


_PHASE_CONCEPT = {"approved": "budget", "revised": "budget", "executed": "actual"}


def _columns_match(measure: str, percent: bool, obs: dict) -> bool:
    if obs["narrative"]:
        said = obs["measure"] or ""
        concept = _concept(said, percent)
        if concept == "actual" and not re.search(r"决算|实现|执行|完成|支出", said):  # 总计, 合计: by the phase
            concept = _PHASE_CONCEPT.get(obs["phase"], "actual")
        return concept == _concept(measure, percent)
    levels = [_key(_ASIDE.sub("", part)) for part in measure.split()]
    printed = _key(" ".join(x for x in (obs["group"], obs["measure"]) if x))
    if not printed:  # a table printing no column header: its budget phase
        return _PHASE_CONCEPT.get(obs["phase"]) == _concept(measure, percent)
    leaf = _key(obs["measure"] or "")
    return all(level in printed for level in levels) or (bool(leaf) and leaf in _key(_ASIDE.sub("", measure)))


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "").rstrip("%").strip())


def _found(figure: dict, unit: str, observations: list[dict]) -> bool:
    amount, percent = _number(figure["amount"]), figure["amount"].endswith("%")
    want_unit = "%" if percent or "率" in _key(figure["measure"]) else unit
    decrease = bool(re.search(r"减少|下降|降低", _key(figure["measure"])))
    for o in observations:
        if o["line"] != figure["line"] or o["unit"] != want_unit:
            continue
        if o["value"] != amount and not (decrease and o["value"] == -amount):
            continue
        if not o["narrative"] and not o["row"]:  # categories as columns (one row of figures): the column is the row
            category = " ".join(x for x in (o["group"], o["measure"]) if x)
            if _rows_match(figure["row"], category) and \
                    _PHASE_CONCEPT.get(o["phase"]) == _concept(_ASIDE.sub("", figure["measure"]), percent):
                return True
        elif _rows_match(figure["row"], o["row"]) and _columns_match(figure["measure"], percent, o):
            return True
    return False


_OBSERVATIONS = """SELECT ?line ?v ?unit ?row ?measure ?group ?phase ?narrative WHERE {
  ?o a qb:Observation ; bud:sourceLine ?line ; qb:dataSet ?set .
  { ?o bud:amount ?v ; bud:currencyUnit ?unit } UNION { ?o bud:printedValue ?v ; bud:unitOfMeasure ?unit }
  UNION { ?o bud:count ?v ; bud:unitOfMeasure ?unit }
  OPTIONAL { ?o bud:rowLabel ?row } OPTIONAL { ?o bud:measureLabel ?measure }
  OPTIONAL { ?o bud:measureGroup ?group } OPTIONAL { ?o bud:budgetPhase ?p BIND(STRAFTER(STR(?p), "#") AS ?phase) }
  BIND(EXISTS { ?set a bud:NarrativeSection } AS ?narrative) }"""


@pytest.fixture(scope="module")
def found(tmp_path_factory) -> dict[str, tuple[int, int, list[str]]]:
    """document → (figures found, figures read by hand, the figures not found)."""
    out = {}
    for name, doc in DOCUMENTS.items():
        store = str(tmp_path_factory.mktemp("hand") / "store")
        result = run("load", "--store", store, str(HAND_READ / name), ok=False)
        observations = []
        if result.exit_code == 0:
            for r in select(Store(store, read_only=True), _OBSERVATIONS):
                phase = r["phase"] or ""
                observations.append({"line": int(r["line"]), "value": Decimal(r["v"]),
                                     "unit": unicodedata.normalize("NFKC", r["unit"] or ""), "row": r["row"] or "",
                                     "measure": r["measure"], "group": r["group"],
                                     "phase": phase[:1].lower() + phase[1:],
                                     "narrative": r["narrative"] in ("true", "1")})
        missed = [f"{f['line']}: {f['row']} / {f['measure']} = {f['amount']}" for f in doc["figures"]
                  if not _found(f, doc["amount_unit"], observations)]
        out[name] = (len(doc["figures"]) - len(missed), len(doc["figures"]), missed)
    return out


def test_every_hand_read_document_is_here():
    assert set(DOCUMENTS) == set(FOUND_SO_FAR)
    assert all((HAND_READ / name).is_file() for name in DOCUMENTS)
    assert sum(len(d["figures"]) for d in DOCUMENTS.values()) == 68


def test_no_document_loses_figures_it_gave(found):
    lost = {name: (found[name][0], FOUND_SO_FAR[name], found[name][2]) for name in DOCUMENTS
            if found[name][0] < FOUND_SO_FAR[name]}
    assert not lost, lost


def test_hand_read_figures_come_out(found):
    """Issue 14's target for figures.json: 0.95 of its figures come out (the new fixtures are held to 0.95 each,
    tests/test_collected_figures.py)."""
    overall = sum(h for h, _, _ in found.values()) / sum(t for _, t, _ in found.values())
    missed = {name: m for name, (_, _, m) in found.items() if m}
    assert overall >= 0.95, (overall, missed)


@pytest.mark.xfail(strict=True, reason="教育局 (unknown_jiaoyuju_2020_ys) is 8 of 9: its 12,204.85 closes "
                   "本年支出合计 on any of the 25 expenditure rows that print no figure, and the flattened line puts "
                   "it after 六、科学技术支出 2020年预算数, not after 五、教育支出 (the hand reader's row); it is left "
                   "out with a chk:TotalWithUnplacedFigures finding rather than guessed")
def test_every_hand_read_document_reaches_the_target(found):
    shares = {name: hits / total for name, (hits, total, _) in found.items()}
    assert all(s >= 0.95 for s in shares.values()), shares


def test_the_matching_tells_a_wrong_column_from_the_right_one():
    """A figure under another column, or another row, is not counted (the matching is not by amount alone)."""
    figure = {"row": "合 计", "measure": "预 算 数", "amount": "1.8", "line": 5}
    table = {"line": 5, "value": Decimal("1.8"), "unit": "万元", "row": "合计", "group": None, "phase": "approved",
             "narrative": False}
    assert _found(figure, "万元", [{**table, "measure": "预算数"}])
    assert not _found(figure, "万元", [{**table, "measure": "决算数"}])
    assert not _found(figure, "万元", [{**table, "measure": "预算数", "row": "公务接待费"}])
    assert not _found(figure, "万元", [{**table, "measure": "预算数", "unit": "元"}])
    stated = {"row": "“三公”經(jīng)費", "measure": "減少", "amount": "533", "line": 13}
    narrative = {"line": 13, "value": Decimal("-533"), "unit": "万元", "row": "“三公”经费", "measure": "减少",
                 "group": None, "phase": "approved", "narrative": True}
    assert _found(stated, "万元", [narrative])
    assert not _found(stated, "万元", [{**narrative, "measure": "预算"}])
