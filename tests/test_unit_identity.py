"""Issue "Identity": a unit is minted within its department; printed names merge by place prefixes from the national
list of administrative divisions and by the renamings of the code list, never by a string rule.

The names are those the bundled sample (焦作市生态环境局 2020) and the fragments print (see data/samples and
tests/fixtures/fragments, ../shared/samples/README.md), and names of the same bodies as other sections or other
years print them."""
from __future__ import annotations

import hashlib

import pytest

from conftest import SAMPLE, run, sample_variant, select
from cnbudget.kg.interpret.places import PlacePrefix
from cnbudget.kg.interpret.renamings import renaming_between
from cnbudget.kg.interpret.units import resolve_units
from cnbudget.kg.rdf.iris import DEFAULT_BASE, Minter
from cnbudget.kg.store import Store
from cnbudget.loaders.records import UnitMention

JIAOZUO = "焦作市生态环境局"
NANZHANG = "南漳县招商服务中心"
QIANNAN = "贵州省黔南州中医医院"
XIAOLIN = "重庆市铜梁区小林镇人民政府"
TANGXI = "池州市贵池区棠溪镇人民政府"
AGRICULTURE = "焦作市农业农村局"

# (department, name a, name b, the rule that merges them, or None: they must stay two units)
PAIRS = [
    # the sample: 机构设置, 决算单位构成, 整体绩效自评表 and other sections name the same units differently
    (JIAOZUO, "焦作市环境监察支队", "环境监察支队", "place-prefix"),
    (JIAOZUO, "焦作市环境信息中心", "环境信息中心", "place-prefix"),
    (JIAOZUO, "焦作市环境信息中心", "焦作环境信息中心", "place-prefix"),
    (JIAOZUO, "焦作市环境信息中心", "河南省焦作市环境信息中心", "place-prefix"),
    (JIAOZUO, "焦作市固废辐射环境技术中心", "固废辐射环境技术中心", "place-prefix"),
    (JIAOZUO, "焦作市环境宣传教育中心", "焦作市 环境宣传教育中心", "same-name"),
    (JIAOZUO, JIAOZUO, "焦作生态环境局本级", "own-office"),
    (JIAOZUO, JIAOZUO, "机关", "own-office"),
    (JIAOZUO, JIAOZUO, "局机关", "own-office"),
    (JIAOZUO, JIAOZUO, "市生态环境局", "place-prefix"),
    (JIAOZUO, "焦作市环境监察支队", "焦作市环境监察支队本级", "place-prefix"),
    (JIAOZUO, "河南省焦作市环境监测中心（原焦作市环境监测站）", "焦作市环境监测站", "same-name"),
    (JIAOZUO, "焦作市环境监测站", "河南省焦作市环境监测中心（原焦作市环境监测站）", "former-name"),
    (JIAOZUO, "河南省焦作市环境监测中心", "河南省焦作生态环境监测中心", "renamed-2019"),
    (JIAOZUO, "焦作市环境监测站", "焦作市生态环境监测站", "renamed-2019"),
    (JIAOZUO, JIAOZUO, "焦作市环境保护局", "renamed-2019"),
    # ... and must not merge: another place, a place above the department alone, a renaming not in the code list
    (JIAOZUO, "焦作市环境监测站", "修武县环境监测站", None),
    (JIAOZUO, "焦作市环境监测中心", "河南省环境监测中心", None),
    (JIAOZUO, "焦作市环境监测中心", "郑州市环境监测中心", None),
    (JIAOZUO, "焦作市环境监察支队", "焦作市生态环境保护综合行政执法支队", None),
    (JIAOZUO, "焦作市环境信息中心", "焦作市生态环境局", None),
    (JIAOZUO, "焦作市环境监测中心", "焦作市环境监测站", None),
    (JIAOZUO, JIAOZUO, "焦作市人民政府", None),
    (AGRICULTURE, "焦作市农村能源环境保护站", "焦作市农村生态能源环境保护站", None),
    (AGRICULTURE, "农村能源环境保护站", "农村生态能源环境保护站", None),
    # renamings of the 2018 reform, by the code list only
    (AGRICULTURE, AGRICULTURE, "焦作市农业局", "renamed-2019"),
    ("焦作市卫生健康委员会", "焦作市卫生健康委员会", "焦作市卫生和计划生育委员会", "renamed-2019"),
    ("焦作市卫生健康委员会", "焦作市卫生健康委员会", "焦作市卫生计生委员会", "renamed-2019"),
    ("焦作市文化广电和旅游局", "焦作市文化和旅游局", "焦作市旅游局", "renamed-2019"),
    ("焦作市文化广电和旅游局", "焦作市文化和旅游局", "焦作市文化局", "renamed-2019"),
    ("焦作市文化广电和旅游局", "焦作市文化馆", "焦作市文化和旅游馆", None),
    ("焦作市应急管理局", "焦作市应急管理局", "焦作市安全生产监督管理局", "renamed-2019"),
    ("焦作市自然资源和规划局", "焦作市国土资源局", "焦作市自然资源局", "renamed-2019"),
    ("焦作市自然资源和规划局", "焦作市自然资源和规划局", "焦作市国土资源局", None),
    ("大英县文化广电旅游局", "大英县文化广电旅游局", "大英县文化广播电视局", None),
    # county, prefecture and township departments of the fragments
    (NANZHANG, NANZHANG, "县招商服务中心", "place-prefix"),
    (NANZHANG, NANZHANG, "招商服务中心", "place-prefix"),
    (NANZHANG, NANZHANG, "襄阳市招商服务中心", None),
    (NANZHANG, NANZHANG, "市招商服务中心", None),
    (NANZHANG, "南漳县委办公室", "县委办公室", "place-prefix"),
    (NANZHANG, "县委办公室", "办公室", None),
    (QIANNAN, QIANNAN, "州中医医院", "place-prefix"),
    (QIANNAN, QIANNAN, "黔南州中医医院", "place-prefix"),
    (QIANNAN, QIANNAN, "黔南布依族苗族自治州中医医院", "place-prefix"),
    (QIANNAN, QIANNAN, "贵州省中医医院", None),
    (QIANNAN, QIANNAN, "都匀市中医医院", None),
    ("岳阳县台创园", "岳阳县台创园", "台创园", "place-prefix"),
    ("大英县司法局", "大英县司法局", "县司法局", "place-prefix"),
    ("大英县司法局", "大英县司法局", "遂宁市司法局", None),
    ("怀远县水利局", "怀远县水利局", "水利局", "place-prefix"),
    ("怀远县水利局", "怀远县水利局", "蚌埠市水利局", None),
    ("梧州市农业农村局", "梧州市农产品质量安全综合检测中心", "农产品质量安全综合检测中心", "place-prefix"),
    ("南通市国资委", "南通市国资委", "市国资委", "place-prefix"),
    ("六安市工商业联合会", "六安市工商业联合会", "市工商业联合会", "place-prefix"),
    ("沅陵县人民政府", "沅陵县人民政府", "县人民政府", "place-prefix"),
    ("沅陵县人民政府", "沅陵县人民政府", "怀化市人民政府", None),
    (XIAOLIN, XIAOLIN, "小林镇人民政府", "place-prefix"),
    (XIAOLIN, XIAOLIN, "镇人民政府", "place-prefix"),
    (XIAOLIN, XIAOLIN, "铜梁区人民政府", None),
    (XIAOLIN, "小林镇农业服务中心", "农业服务中心", "place-prefix"),
    (XIAOLIN, "小林镇农业服务中心", "安居镇农业服务中心", None),
    (TANGXI, TANGXI, "贵池区棠溪镇人民政府", "place-prefix"),
    (TANGXI, "棠溪镇财政所", "财政所", "place-prefix"),
    (TANGXI, "棠溪镇财政所", "贵池区财政所", None),
]


def _resolve(department: str, a: str, b: str, year: int | None = 2020):
    role = "department" if a == department else "affiliated"
    ma, mb = UnitMention(a, role, 1), UnitMention(b, "other", 2)
    index, unit_of = resolve_units(department, [ma, mb], year)
    return index, unit_of[id(ma)], unit_of[id(mb)]


@pytest.mark.parametrize("department,a,b,rule", PAIRS, ids=[f"{a}~{b}" for _, a, b, _ in PAIRS])
def test_pairs(department, a, b, rule):
    index, ua, ub = _resolve(department, a, b)
    if rule is None:
        assert ua is not ub, f"{a} and {b} merged"
        return
    assert ua is ub, f"{a} and {b} not merged"
    if rule == "same-name" and b.replace(" ", "") == a:  # a spelling of the canonical name: nothing to record
        return
    alias = next(x for x in ua.aliases if x.name == b)
    assert alias.rule == rule, alias.evidence
    assert alias.evidence


def test_enough_real_pairs():
    assert len(PAIRS) >= 40
    assert sum(r is None for *_, r in PAIRS) >= 15 and sum(r is not None for *_, r in PAIRS) >= 25


# (department, printed name, the name once the department's place is removed)
STRIPPED = [
    (JIAOZUO, "焦作市环境信息中心", "环境信息中心"),
    (JIAOZUO, "河南省焦作生态环境监测中心", "生态环境监测中心"),
    (JIAOZUO, "焦作市市场监督管理局", "市场监督管理局"),
    (JIAOZUO, "焦作市场监督管理局", "市场监督管理局"),  # 焦作 + 市场, not 焦作市 + 场
    (JIAOZUO, "市场监督管理局", "市场监督管理局"),
    (JIAOZUO, "焦作市政府办公室", "市政府办公室"),
    (JIAOZUO, "焦作市局", "焦作市局"),  # never to a bare kind
    (JIAOZUO, "焦作市人民政府", "焦作市人民政府"),
    (JIAOZUO, "市人民政府", "焦作市人民政府"),
    (JIAOZUO, "焦作市", "焦作市"),  # never to nothing
    (JIAOZUO, "河南省环境监测中心", "河南省环境监测中心"),  # a place above the department alone
    (JIAOZUO, "焦作市修武县环境监测站", "修武县环境监测站"),  # a place below it stays
    (NANZHANG, "湖北省襄阳市南漳县招商服务中心", "招商服务中心"),
    (NANZHANG, "南漳县委办公室", "县委办公室"),
    (NANZHANG, "县委办公室", "县委办公室"),
    (QIANNAN, "州中医医院", "中医医院"),
    (XIAOLIN, "重庆市铜梁区小林镇人民政府", "小林镇人民政府"),
    (XIAOLIN, "小林农业服务中心", "农业服务中心"),
    ("内蒙古自治区鄂伦春自治旗林业局", "鄂伦春旗林业局", "林业局"),
    ("新疆维吾尔自治区巴音郭楞蒙古自治州和静县教育局", "和静县第一中学", "第一中学"),
    ("公安局", "公安县交通警察大队", "公安县交通警察大队"),  # 公安 is no place of a department named 公安局
]


@pytest.mark.parametrize("department,name,core", STRIPPED, ids=[n for _, n, _ in STRIPPED])
def test_place_prefix(department, name, core):
    assert PlacePrefix(department).strip(name)[0] == core


def test_renamings_are_data():
    """Only a renaming of the code list maps one name to the other, for the kinds of body it lists."""
    assert renaming_between("环境监测中心", "生态环境监测中心").iri.endswith("renaming#environment")
    assert renaming_between("环境保护局", "生态环境局").iri.endswith("renaming#environment-protection")
    assert renaming_between("环境信息中心", "生态信息中心") is None  # no more 生态-stripping
    assert renaming_between("农村能源环境保护站", "农村生态能源环境保护站") is None
    assert renaming_between("环境保护局", "生态环境保护局") is None  # 环境 → 生态环境 is for 中心, 站 …, not 局
    assert renaming_between("文化馆", "文化和旅游馆") is None
    assert renaming_between("农业局", "农业农村局", year=2016) is None  # before the reform
    assert renaming_between("农业局", "农业农村局", year=2017) is not None  # accounts published after it


def test_renaming_is_taken_only_when_one_unit_matches():
    ms = [UnitMention("焦作市文化局", "affiliated", 1), UnitMention("焦作市旅游局", "affiliated", 2),
          UnitMention("焦作市文化和旅游局", "other", 3)]
    index, unit_of = resolve_units("焦作市人民政府", ms, 2019)
    assert len({id(unit_of[id(m)]) for m in ms}) == 3


# --------------------------------------------------------------------------- minting

def test_units_are_minted_within_their_department():
    jiaozuo, xinxiang = (Minter(DEFAULT_BASE, d, 2020, "final", "x") for d in (JIAOZUO, "新乡市生态环境局"))
    assert jiaozuo.unit("环境信息中心") != xinxiang.unit("环境信息中心")
    assert jiaozuo.unit("环境信息中心").startswith(jiaozuo.org(JIAOZUO) + "/unit/")
    later = Minter(DEFAULT_BASE, JIAOZUO, 2021, "final", "y")
    assert later.unit("焦作市环境信息中心") == jiaozuo.unit("焦作市环境信息中心")
    assert later.doc != jiaozuo.doc
    assert jiaozuo.unit("办公室", division=True) != jiaozuo.unit("办公室")
    # the department keeps its IRI
    assert jiaozuo.org(JIAOZUO) == DEFAULT_BASE + "org/" + hashlib.sha1(JIAOZUO.encode()).hexdigest()[:12]
    # no department: within the disclosure
    assert Minter(DEFAULT_BASE, None, 2020, "final", "f").unit("办公室").startswith(DEFAULT_BASE + "disclosure/")


# --------------------------------------------------------------------------- end to end

PARENTS = """SELECT ?u ?name (COUNT(DISTINCT ?parent) AS ?parents) (SAMPLE(?dname) AS ?department) WHERE {
    ?u skos:prefLabel ?name . FILTER (STR(?name) = "%s")
    { ?u org:subOrganizationOf ?parent } UNION { ?u org:unitOf ?parent }
    ?parent skos:prefLabel ?dname } GROUP BY ?u ?name"""


def test_two_departments_two_units(tmp_path):
    """Two departments that both list an unprefixed 环境信息中心 (and an 办公室): two units, each with one parent."""
    jiaozuo = sample_variant(tmp_path, "jiaozuo.txt", lambda t: t.replace("焦作市环境信息中心", "环境信息中心"))
    xinxiang = sample_variant(tmp_path, "xinxiang.txt",
                              lambda t: t.replace("焦作", "新乡").replace("新乡市环境信息中心", "环境信息中心"))
    path = str(tmp_path / "s")
    run("load", "--store", path, str(jiaozuo), str(xinxiang))
    store = Store(path, read_only=True)
    for name in ("环境信息中心", "办公室"):
        rows = select(store, PARENTS % name)
        assert len(rows) == 2, rows
        assert all(r["parents"] == "1" for r in rows), rows
        assert {r["department"] for r in rows} == {"焦作市生态环境局", "新乡市生态环境局"}
    # the units that keep their prefix differ anyway; every unit has exactly one parent
    many = select(store, """SELECT ?u (COUNT(DISTINCT ?p) AS ?n) WHERE {
        { ?u org:subOrganizationOf ?p } UNION { ?u org:unitOf ?p } } GROUP BY ?u HAVING (COUNT(DISTINCT ?p) > 1)""")
    assert many == []
    # each department's evaluation of its 环境信息中心 points at its own unit
    evaluated = select(store, """SELECT DISTINCT ?dname ?u WHERE { ?e a bud:UnitPerformanceEvaluation ;
        bud:evaluatedUnit ?u ; bud:disclosure/bud:department/skos:prefLabel ?dname .
        ?u skos:prefLabel "环境信息中心"@zh ; org:subOrganizationOf/skos:prefLabel ?dname }""")
    assert len(evaluated) == 2


def test_same_department_next_year_same_unit(tmp_path):
    later = sample_variant(tmp_path, "2021.txt", lambda t: t.replace("2020", "2021"))
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE), str(later))
    store = Store(path, read_only=True)
    rows = select(store, PARENTS % "焦作市环境信息中心")
    assert len(rows) == 1 and rows[0]["parents"] == "1"
    graphs = select(store, """SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g {
        ?u org:subOrganizationOf ?d } ?u skos:prefLabel "焦作市环境信息中心"@zh }""")
    assert graphs == [{"n": "2"}]


def test_sample_identity_in_the_store(store):
    dept = DEFAULT_BASE + "org/" + hashlib.sha1(JIAOZUO.encode()).hexdigest()[:12]
    rows = select(store, f"""SELECT ?u WHERE {{ ?u org:subOrganizationOf <{dept}> }}""")
    assert len(rows) == 7 and all(r["u"].startswith(dept + "/unit/") for r in rows)
    divisions = select(store, f"""SELECT ?u WHERE {{ ?u org:unitOf <{dept}> }}""")
    assert len(divisions) == 16 and all(r["u"].startswith(dept + "/division/") for r in divisions)
    renamed = select(store, """SELECT ?printed ?old ?new WHERE { ?r a bud:NameResolution ; bud:printedName ?printed ;
        bud:resolutionRule "renamed-2019" ; bud:renaming ?x . ?x a bud:Renaming ; bud:oldNamePart ?old ;
        bud:newNamePart ?new }""")
    assert renamed == [{"printed": "河南省焦作生态环境监测中心", "old": "环境", "new": "生态环境"}]
