"""Who, when, what: the body, region, fiscal year and kind of each real fragment, as read by hand from its head
(shared/samples/README.md lists each fragment's origin), with the line that says it; a body that cannot be told
is an unknown body of the document's own, never merged with another document's."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from pyshacl import validate
from conftest import FRAGMENTS, ROOT, SAMPLE, run, select

from cnbudget.kg.interpret.identity import identify
from cnbudget.kg.store import Store
from cnbudget.loaders import formats
from cnbudget.loaders.identity import read_identity
from cnbudget.loaders.limits import Limits
from cnbudget.loaders.records import Disclosure
from cnbudget.ontology import ontology_dir, ontology_files

HAND_READ = ROOT / "tests" / "fixtures" / "hand-read"

# file: (body as printed and its line, the body told (None: unknown), region, year, 预算/决算, what it covers)
EXPECTED = {
    # line 1 「重庆市铜梁区小林镇人民政府」, line 2 「2022年决算报告」
    "chongqing_tongliang_xiaolin_2022_js.txt": (("重庆市铜梁区小林镇人民政府", 1), "重庆市铜梁区小林镇人民政府",
                                                "重庆市铜梁区小林镇", 2022, "决算", ["报告"]),
    # line 10 「主管部门 | 大英县司法局部门 | 实施单位 | 大英县司法局」, line 8 「部门预算项目支出绩效自评表(2023年度)」
    "daying_sfj_2023_xmzxpj_p21.txt": (("大英县司法局", 10), "大英县司法局", "四川省遂宁市大英县", 2023, None,
                                       ["绩效自评"]),
    # part 2 of a disclosure: 「第二部分 2022年度单位决算情况说明」 names no body
    "daying_wenlv_2022_js_part2.txt": (None, None, None, 2022, "决算", ["部门"]),
    # one long line: 「项目支出绩效自评表 (2022年度) … 主管部门 219-池州市贵池区棠溪镇人民政府」
    "guichi_tangxi_2022_jxzp.txt": (("池州市贵池区棠溪镇人民政府", 1), "池州市贵池区棠溪镇人民政府",
                                    "安徽省池州市贵池区棠溪镇", 2022, None, ["绩效自评"]),
    # line 1 「怀远县水利局单位2025年一般公共预算“三公”经费预算」
    "huaiyuan_slj_2025_sangong.txt": (("怀远县水利局", 1), "怀远县水利局", "安徽省蚌埠市怀远县", 2025, "预算", ["三公"]),
    # line 1 「六安市工商业联合会2021年度一般公共预算财政拨款“三公”经费支出决算」
    "luan_gsl_2021_sangong.txt": (("六安市工商业联合会", 1), "六安市工商业联合会", "安徽省六安市", 2021, "决算",
                                  ["三公"]),
    # line 1 「2016年市国资委财政拨款“三公”经费预算表」: 市 alone for its place — every city has a 国资委
    "nantong_gzw_2016_sangong.txt": (("市国资委", 1), None, None, 2016, "预算", ["三公"]),
    # line 3 「南漳县招商服务中心2019年部门决算」
    "nanzhang_zsfwzx_2019_js.txt": (("南漳县招商服务中心", 3), "南漳县招商服务中心", "湖北省襄阳市南漳县", 2019, "决算",
                                    ["部门"]),
    # line 24 「编制单位:贵州省黔南州中医医院」 (line 1 is a file name: 州中医医院2020年…三公…决算表)
    "qiannan_zyy_2020_js.txt": (("贵州省黔南州中医医院", 24), "贵州省黔南州中医医院", "贵州省黔南布依族苗族自治州", 2020,
                                "决算", ["部门"]),
    # line 12 「教育局 2020年部门预算」: a county education bureau, which county the page does not say
    "unknown_jiaoyuju_2020_ys.txt": (("教育局", 12), None, None, 2020, "预算", ["部门"]),
    # lines 1-2 「皖江江南新兴产业集中区(管委会)2024年 / 一般公共预算“三公”经费预算」: a zone, in no division list
    "wanjiang_jnxq_2024_sangong_ys.txt": (("皖江江南新兴产业集中区(管委会)", 1), "皖江江南新兴产业集中区(管委会)", None,
                                          2024, "预算", ["三公"]),
    # page 10 of a PDF: 「2020 年度一般公共预算财政拨款安排的“三公”经费支出决算总额」; its body only in passing
    "wuzhou_ncpzj_2020_js.txt": (None, None, None, 2020, "决算", ["三公"]),
    # line 3 「沅陵縣2021年“三公”經(jīng)費預(yù)算…統計表」: the county's own table
    "yuanling_xian_2021_sangong.txt": (("沅陵县", 3), "沅陵县", "湖南省怀化市沅陵县", 2021, "预算", ["三公"]),
    # line 2 「来源:岳阳县台创园」 (the title, line 1, names 岳阳县 alone)
    "yueyang_taichuangyuan_2017_sangong_ys.txt": (("岳阳县台创园", 2), "岳阳县台创园", "湖南省岳阳市岳阳县", 2017, "预算",
                                                  ["三公"]),
}


def _path(name: str) -> Path:
    return FRAGMENTS / name if (FRAGMENTS / name).exists() else HAND_READ / name


def _identity(path: Path):
    rows = formats.format_for(".txt").read(str(path), path.read_bytes(), Limits.from_env()).finish().rows
    return read_identity(rows)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_fragment_says_who_when_what(name):
    printed, told, region, year, kind, scopes = EXPECTED[name]
    identity = _identity(_path(name))
    assert (identity.body.value, identity.body.line) == printed if printed else identity.body is None
    assert identity.body is None or identity.body.value in identity.body.evidence
    assert int(identity.year.value) == year and identity.year.value in identity.year.evidence
    assert (identity.kind.value if identity.kind else None) == kind
    assert [s.value for s in identity.scopes] == scopes
    doc = Disclosure(str(_path(name)), "", "text/plain", "final", None, year, False, identity=identity)
    who = identify(doc)
    assert (who.name, who.region) == (told, region), who.reason


def test_the_tables_department_stays_first():
    """The sample's tables name 焦作市生态环境局 (line 56: 「部门：焦作市生态环境局（汇总）」); the reading agrees, and the
    region is the city's."""
    identity = _identity(SAMPLE)
    assert (identity.body.value, identity.body.line, identity.body.rule) == ("焦作市生态环境局", 56, "部门")
    doc = Disclosure(str(SAMPLE), "", "text/plain", "final", "焦作市生态环境局", 2020, True, identity=identity)
    who = identify(doc)
    assert (who.name, who.told_by, who.region) == ("焦作市生态环境局", "tables", "河南省焦作市")


@pytest.fixture(scope="module")
def fragments_store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("who") / "store")
    names = ["nanzhang_zsfwzx_2019_js.txt", "yueyang_taichuangyuan_2017_sangong_ys.txt",
             "daying_wenlv_2022_js_part2.txt", "wuzhou_ncpzj_2020_js.txt", "huaiyuan_slj_2025_sangong.txt"]
    run("load", "--store", path, *(str(_path(n)) for n in names))
    return path


DISCLOSURES = """
SELECT ?file ?body ?unknown ?region ?year (GROUP_CONCAT(?kind; separator=" ") AS ?kinds) WHERE {
  ?d a bud:Disclosure ; dcat:distribution/dct:title ?file ; bud:department ?b ; bud:fiscalYear ?year ;
     bud:disclosureKind/skos:prefLabel ?kind FILTER (LANG(?kind) = "zh")
  OPTIONAL { ?b skos:prefLabel ?body }
  OPTIONAL { ?b a bud:UnknownBody BIND (STR(?b) AS ?unknown) }
  OPTIONAL { ?d bud:region ?region }
} GROUP BY ?file ?body ?unknown ?region ?year ORDER BY ?file"""


def test_the_graph_says_who_when_what(fragments_store):
    rows = {r["file"]: r for r in select(Store(fragments_store, read_only=True), DISCLOSURES)}
    assert len(rows) == 5
    r = rows["nanzhang_zsfwzx_2019_js.txt"]
    assert (r["body"], r["region"], r["year"], sorted(r["kinds"].split())) == (
        "南漳县招商服务中心", "湖北省襄阳市南漳县", "2019", ["决算", "部门预决算"])
    r = rows["yueyang_taichuangyuan_2017_sangong_ys.txt"]
    assert (r["body"], r["region"], r["year"], sorted(r["kinds"].split())) == (
        "岳阳县台创园", "湖南省岳阳市岳阳县", "2017", ["三公经费", "预算"])
    r = rows["huaiyuan_slj_2025_sangong.txt"]
    assert (r["body"], r["year"], sorted(r["kinds"].split())) == ("怀远县水利局", "2025", ["三公经费", "预算"])


def test_bodies_not_told_are_each_documents_own(fragments_store):
    rows = {r["file"]: r for r in select(Store(fragments_store, read_only=True), DISCLOSURES)}
    unknown = [rows[f] for f in ("daying_wenlv_2022_js_part2.txt", "wuzhou_ncpzj_2020_js.txt")]
    assert all(r["body"] is None and r["unknown"] and r["region"] is None for r in unknown)
    assert unknown[0]["unknown"] != unknown[1]["unknown"]
    assert all(r["unknown"] is None for f, r in rows.items() if r not in unknown)


def test_each_reading_keeps_its_line(fragments_store):
    rows = select(Store(fragments_store, read_only=True), """
        SELECT ?file ?aspect ?value ?rule ?line ?evidence WHERE {
          ?r a bud:IdentityReading ; bud:disclosure/dcat:distribution/dct:title ?file ; bud:aspect ?aspect ;
             bud:readValue ?value ; bud:readingRule ?rule ; bud:evidence ?evidence
          OPTIONAL { ?r bud:sourceLine ?line } }""")
    got = {(r["file"], r["aspect"]): (r["value"], r["rule"], r["line"]) for r in rows}
    assert got[("yueyang_taichuangyuan_2017_sangong_ys.txt", "body")] == ("岳阳县台创园", "来源", "2")
    assert got[("yueyang_taichuangyuan_2017_sangong_ys.txt", "year")] == ("2017", "title", "1")
    assert got[("yueyang_taichuangyuan_2017_sangong_ys.txt", "scope")] == ("三公", "title", "1")
    assert got[("nanzhang_zsfwzx_2019_js.txt", "body")] == ("南漳县招商服务中心", "title", "3")
    assert got[("nanzhang_zsfwzx_2019_js.txt", "region")][0] == "湖北省襄阳市南漳县"
    assert got[("huaiyuan_slj_2025_sangong.txt", "kind")] == ("预算", "title", "1")
    assert all(r["evidence"] for r in rows)


def test_two_documents_printing_only_a_kind_of_body_are_not_merged(tmp_path):
    """Two copies of a page that names only 教育局 (different years): two disclosures, two unknown bodies."""
    text = _path("daying_wenlv_2022_js_part2.txt").read_text(encoding="utf-8")
    a, b = tmp_path / "a" / "page.txt", tmp_path / "b" / "other.txt"
    for path, year in ((a, "2022"), (b, "2021")):
        path.parent.mkdir()
        path.write_text("教育局" + year + "年度单位决算\n" + text.replace("2022", year), encoding="utf-8")
    store = str(tmp_path / "s")
    out = run("load", "--store", store, str(a), str(b)).output
    assert f"{a}:1: the body cannot be told (教育局: a kind of body without a place" in out
    rows = select(Store(store, read_only=True), """
        SELECT ?d ?b ?printed WHERE { ?d a bud:Disclosure ; bud:department ?b .
          ?b a bud:UnknownBody ; bud:printedName ?printed ; bud:unknownReason ?why }""")
    assert len(rows) == 2 and {r["printed"] for r in rows} == {"教育局"}
    assert rows[0]["b"] != rows[1]["b"] and rows[0]["d"] != rows[1]["d"]


def _read(text: str):
    data = text.encode("utf-8")
    return read_identity(formats.format_for(".txt").read("head.txt", data, Limits.from_env()).finish().rows)


@pytest.mark.parametrize("head, body, year, kind, scopes", [
    # the finance bureau that posts every department's tables is the page's 来源, not the disclosure's body
    ("来源:南漳县财政局  发布时间:2021-05-01\n南漳县水利局2021年部门预算\n", "南漳县水利局", "2021", "预算", ["部门"]),
    # the body after the year, and 关于 … 的说明
    ("2019年度南漳县人民医院部门决算\n", "南漳县人民医院", "2019", "决算", ["部门"]),
    ("关于南漳县民政局2020年度部门决算的说明\n", "南漳县民政局", "2020", "决算", ["部门"]),
    # a form's own label
    ("部门名称:中共南漳县委宣传部\n2022年部门预算公开表\n", "中共南漳县委宣传部", "2022", "预算", ["部门"]),
    # a label's name is not taken for a longer one the page's publisher prints
    ("来源:南漳县水利局办公室\n单位名称:南漳县水利局\n2021年部门预算\n", "南漳县水利局", "2021", "预算", ["部门"]),
    # a publication date is not the fiscal year; a 部门: line names the body
    ("发布日期:2022年5月10日 浏览量:3\n南漳县水利局2021年度部门决算\n部门:南漳县水利局\n", "南漳县水利局", "2021", "决算",
     ["部门"]),
    # 一般公共预算 names a fund, not the kind: this 三公 table is 决算
    ("南漳县民政局2021年度一般公共预算财政拨款“三公”经费支出决算表\n", "南漳县民政局", "2021", "决算", ["三公"]),
])
def test_heads_of_other_shapes(head, body, year, kind, scopes):
    identity = _read(head + "说明文字。\n")
    assert (identity.body.value if identity.body else None, identity.year.value, identity.kind.value,
            [s.value for s in identity.scopes]) == (body, year, kind, scopes)


def test_a_party_body_has_its_region():
    identity = _read("部门名称:中共南漳县委宣传部\n2022年部门预算公开表\n说明文字。\n")
    doc = Disclosure("head.txt", "", "text/plain", "budget", None, 2022, False, identity=identity)
    assert identify(doc).region == "湖北省襄阳市南漳县"


def test_the_named_query_lists_who_when_what(fragments_store):
    rows = json.loads(run("query", "disclosures", "--store", fragments_store, "--format", "json").output)
    by_file = {r["file"]: r for r in rows}
    r = by_file["huaiyuan_slj_2025_sangong.txt"]
    assert (r["body"], r["region"], r["year"], set(r["kinds"].split(" / "))) == (
        "怀远县水利局", "安徽省蚌埠市怀远县", 2025, {"预算", "三公经费"})
    r = by_file["wuzhou_ncpzj_2020_js.txt"]
    assert r["body"] == "（未能识别）" and r["unknown_reason"] and set(r["kinds"].split(" / ")) == {"决算", "三公经费"}


def test_the_fragments_graphs_conform_to_the_shapes(fragments_store):
    """Known and unknown bodies, readings and kinds as the shapes (ontology/shapes.ttl) constrain them."""
    store = Store(fragments_store, read_only=True)
    graphs = [g for g in store.graphs() if "/graph/" in g and not g.endswith(("/graph/ontology", "/graph/codelist-links"))]
    data = rdflib.Graph().parse(data=ox.serialize([q.triple for g in graphs for q in store.quads(g)],
                                                   format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert len(set(data.subjects(rdflib.RDF.type, rdflib.URIRef("https://w3id.org/cnbudget/def#UnknownBody")))) == 2
    ontology = rdflib.Graph()
    for path in ontology_files():
        ontology.parse(path, format="turtle")
    shapes = rdflib.Graph().parse(ontology_dir() / "shapes.ttl", format="turtle")
    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference="none")
    assert conforms, text[:3000]

