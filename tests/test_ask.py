"""The search box's engine (kg/ask, issue 15) on the real store: the acceptance questions on the sample and on the
sample with every shared fragment, hostile input, suggestions and `kg ask`. Expected figures are the documents'
own (read in data/samples/jiaozuo-ecology-2020-final-accounts.txt: 表07 and the 整体绩效自评表 forms;
tests/fixtures/fragments/wanjiang_jnxq_2024_sangong_ys.txt)."""
from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest

from cnbudget.kg.ask import answer, dictionary_for, suggest
from cnbudget.kg.queries import catalog
from cnbudget.kg.store import Store
from tests.conftest import FRAGMENTS, ROOT, SAMPLE, run

HAND_READ = ROOT / "tests" / "fixtures" / "hand-read"


@pytest.fixture(scope="module")
def everything(tmp_path_factory) -> Store:
    """The sample, every fragment and every hand-read fixture (two of which fail to load: no table, no figure)."""
    path = str(tmp_path_factory.mktemp("ask") / "kg-store")
    run("load", "--store", path, str(SAMPLE), str(FRAGMENTS), str(HAND_READ), ok=False)
    return Store(path, read_only=True)


def amounts(a, **match) -> list[float]:
    return [r["amount"] for r in a.rows if all(r.get(k) == v for k, v in match.items())]


def test_under_executed_units_are_the_named_querys_five(store):
    a = answer(store, "执行率低于90%的单位")
    assert a.intent == "under-executed-units"
    named = run("query", "under-executed-units", "--store", store.path, "--format", "json").output
    assert sorted(r["unit"] for r in a.rows) == sorted(r["unit"] for r in json.loads(named))
    assert sorted(r["unit"] for r in a.rows) == sorted([
        "焦作市固废辐射环境技术中心", "焦作市机动车排污监控中心", "焦作市生态环境局", "焦作市环境信息中心",
        "焦作市环境监察支队"])
    assert a.chart == {"kind": "budget-vs-actual", "label": "unit", "values": ["budget", "actual"], "threshold": 0.9}
    assert "90%" in a.explanation


@pytest.mark.parametrize("text", ["不到九成的单位 执行率", "执行率 百分之八十五以下 单位"])
def test_thresholds_in_words(store, text):
    a = answer(store, text)
    assert a.intent == "under-executed-units"
    expected = 0.9 if "九成" in text else 0.85
    assert a.chart["threshold"] == expected
    assert all(r["rate"] < expected for r in a.rows) and a.rows


def test_three_public_expenses(store):
    a = answer(store, "三公经费")
    assert a.intent == "three-public-expenses"
    total = next(r for r in a.rows if r["category"] == "合计")
    assert (total["budget"], total["actual"]) == (80.92, 54.96)
    assert {r["category"] for r in a.rows} >= {"公务接待费", "因公出国（境）费", "公务用车购置及运行费"}
    assert a.chart["kind"] == "by-category"


def test_reception_budget_and_actual(store):
    a = answer(store, "公务接待费 预算 决算")
    assert a.intent == "figures"
    assert sorted(amounts(a)) == [2.28, 28.24]  # 表07; the section 七 sentences restate them, and are not repeated
    assert {r["table"] for r in a.rows} == {"公开07表"} and {r["phase"] for r in a.rows} == {"调整预算", "决算"}
    assert {"intent": "figures", "label": "「公务接待费」作科目 30217 公务接待费", "q": "30217 预算 决算"} in a.alternatives
    assert all(r["source_line"] and r["document"] and r["figure"].startswith("https://") for r in a.rows)
    assert a.links["amount"] == "figure" and a.links["document"] == "document_iri"


def test_subject_by_name(store):
    a = answer(store, "大气污染防治支出")
    assert a.intent == "figures"
    assert {r["code"] for r in a.rows} == {"2110301"}
    assert 3157.84 in amounts(a, table="公开03表", column="本年支出合计")  # 表03, 大气 (项)


def test_unit_tasks_by_short_name(store):
    a = answer(store, "固废中心 任务")
    assert a.intent == "unit-tasks"
    assert [r["task"] for r in a.rows] == ["任务1：焦作市固废辐射环境技术中心基本支出",
                                           "任务2：危险废物辐射及固体废物监管业务保障",
                                           "任务3：固体废物污染防治物联网监管系统建设"]
    assert [r["budget"] for r in a.rows] == [101.96, 15, 60]


def test_reception_2024_in_every_document_with_its_body(everything):
    a = answer(everything, "三公经费 公务接待费 2024")
    assert a.intent == "figures"
    assert a.rows and all(r["year"] == 2024 for r in a.rows)
    assert all(r["body"] for r in a.rows)
    # 皖江江南新兴产业集中区 2024 budget: 公务接待费 240 万元 in its table and its text
    assert 240 in amounts(a)
    assert {r["document"] for r in a.rows} == {"皖江江南新兴产业集中区(管委会)2024年度“三公”经费预算"}
    assert {r["body"] for r in a.rows} == {"皖江江南新兴产业集中区(管委会)"}


HOSTILE = ['"', "'", "{", "}", "} DROP ALL {", "DROP ALL", "SELECT * WHERE { ?s ?p ?o }", "INSERT DATA { <a> <b> <c> }",
           '三公经费" } ; DROP ALL ; { "', "\\u0022 \\", "<https://evil.example/>", "?x", "#", "三" * 10_000,
           "x" * 10_240, "\x00\x01\x07\x1b[31m三公经费\x7f", "\u202e执行率\u202c低于90%", "\u200f\u200e\u2066单位\u2069",
           "\ufeff", "", "   ", "$threshold", "LIMIT 0", "SERVICE <http://x/> {}", "\U0001F600" * 50, "😀三公"]


def test_hostile_input_gives_an_answer_and_leaves_the_store_as_it_was(store):
    before = set(store.dump(ox.RdfFormat.N_QUADS).decode().splitlines())
    intents = set(catalog()) | {"figures", "search", "none"}
    for text in HOSTILE:
        a = answer(store, text).to_json()
        assert a["intent"] in intents, text
        json.dumps(a)
        for typed in ("DROP", "INSERT", "SERVICE", "evil.example", "$threshold"):
            assert typed not in a["sparql"], (text, typed)
        assert len(a["query"]) <= 200
    assert set(store.dump(ox.RdfFormat.N_QUADS).decode().splitlines()) == before


def test_unrelated_words_find_nothing(store):
    for text in ["足球比赛门票", "hello world", "量子计算机"]:
        a = answer(store, text)
        assert a.intent == "none" and a.rows == [], text


def test_suggestions_come_from_the_graph(store):
    d = dictionary_for(store)
    assert "焦作市固废辐射环境技术中心" in suggest(d, "焦作市固")
    assert any(s.startswith("三公经费") for s in suggest(store, "三公"))
    assert suggest(store, "") == [] and suggest(store, "}{") == []


def test_kg_ask_prints_json(sample_store):
    out = run("ask", "--store", sample_store, "--format", "json", "三公經費").output  # traditional characters
    a = json.loads(out)
    assert a["intent"] == "three-public-expenses" and a["sparql"].lstrip().startswith("#")
    text = run("ask", "--store", sample_store, "固废中心 任务").output
    assert "危险废物辐射及固体废物监管业务保障" in text and "SPARQL" in text


def test_the_dictionary_is_kept_beside_the_store(sample_store):
    parts = list((Path(sample_store) / "ask-parts").glob("*.json"))
    assert len(parts) == 1 and "焦作市生态环境局" in parts[0].read_text(encoding="utf-8")  # the one disclosure's part
    run("ask", "--store", sample_store, "三公经费")
    assert (Path(sample_store) / "ask-dictionary.json").is_file()  # merged when first asked for


def test_a_load_writes_the_words_of_its_documents_alone(tmp_path):
    """A load refreshes the parts of the disclosures it wrote: the others' files are not written again, and the
    dictionary then knows the words of all of them (the units' names as printed in their tables)."""
    path = tmp_path / "kg-store"
    run("load", "--store", str(path), str(SAMPLE))
    (sample_part,) = (path / "ask-parts").glob("*.json")
    written = sample_part.stat().st_mtime_ns
    run("load", "--store", str(path), str(FRAGMENTS / "nanzhang_zsfwzx_2019_js.txt"))
    assert sample_part.stat().st_mtime_ns == written and len(list((path / "ask-parts").glob("*.json"))) == 2
    names = {info["name"] for info in dictionary_for(Store(str(path), read_only=True)).orgs.values()}
    assert {"焦作市固废辐射环境技术中心", "南漳县招商服务中心"} <= names


def test_a_load_renews_the_words(tmp_path):
    path = str(tmp_path / "kg-store")
    run("load", "--store", path, str(SAMPLE))
    store = Store(path, read_only=True)
    before = answer(store, "南漳县 一般公共预算财政拨款收入")
    assert before.rows == [] and "南漳县" in before.explanation  # a place no loaded department is in
    del store
    run("load", "--store", path, str(FRAGMENTS / "nanzhang_zsfwzx_2019_js.txt"))
    after = answer(Store(path, read_only=True), "南漳县 一般公共预算财政拨款收入")
    # 公开01表 of 南漳县招商服务中心 2019: 一、一般公共预算财政拨款收入 440.55
    assert 440.55 in amounts(after) and {r["body"] for r in after.rows} == {"南漳县招商服务中心"}


@pytest.mark.parametrize("text", ["执行率低于90%的单位", "三公经费", "固废中心 任务", "三公经费 公务接待费 2020"])
def test_each_alternative_asks_for_its_reading(store, text):
    alternatives = answer(store, text).alternatives
    assert alternatives
    for alt in alternatives:
        assert answer(store, alt["q"]).intent == alt["intent"], alt


def test_kg_ask_answers_hostile_input_without_an_error(sample_store):
    for text in ['} DROP ALL {', '"三公经费" ; DELETE WHERE { ?s ?p ?o }', "\u202e单位\x07" + "x" * 10_240]:
        result = run("ask", "--store", sample_store, "--format", "json", text)
        assert json.loads(result.output)["query"], text
    assert "固废辐射环境技术中心" in run("ask", "--store", sample_store, "执行率低于90%的单位").output
