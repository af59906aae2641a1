"""Findings and name resolutions are named by what they are, not by their place in a list: a reload gives the
same IRIs, and adding or removing a check, or another resolution, renames nothing else (kg/rdf/iris.py)."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import SAMPLE, run, sample_variant, select

from cnbudget.kg import rdf
from cnbudget.kg.interpret import reconcile as registry
from cnbudget.kg.interpret.budget_execution import analyse
from cnbudget.kg.interpret.reconcile import Finding, reconcile, table_check
from cnbudget.kg.interpret.units import Alias, Unit
from cnbudget.kg.rdf.graph import GraphBuilder
from cnbudget.kg.rdf.iris import Minter
from cnbudget.kg.rdf.organization import UnitNodes
from cnbudget.kg.store import Store
from cnbudget.loaders import load_file

_FINDING = re.compile(r"<([^>]*/finding/[^>]*)> <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type>")
_RESOLUTION = re.compile(r"<([^>]*/name-resolution/[^>]*)> <[^>]*[#/]printedName> \"([^\"]*)\"")


def _built(path=SAMPLE) -> tuple[GraphBuilder, list[Finding]]:
    """The document's graph as `kg load` builds it (kg/load.py), without a store."""
    doc = load_file(path)
    result = reconcile(doc)
    analysis = analyse(doc, result)
    return rdf.build(doc, result, None, analysis), result.findings


def _findings(b: GraphBuilder) -> list[str]:
    return _FINDING.findall(b.nquads().decode("utf-8"))


def _resolutions(b: GraphBuilder) -> dict[str, str]:
    """printed name → the IRI of its resolution."""
    return {name: node for node, name in _RESOLUTION.findall(b.nquads().decode("utf-8"))}


def test_findings_are_named_by_rule_and_figures():
    b, findings = _built()
    names = _findings(b)
    assert len(names) == len(set(names)) == len(findings) == 52
    doc = b.m.doc
    # 表02's 211 in column 1 against its sub-subjects: rule, then table-row-column, then a digest of the figures
    assert any(re.fullmatch(re.escape(doc) + r"/finding/ParentEqualsChildren/02-211-c1-[0-9a-f]{8}", n)
               for n in names)
    # findings about a narrative record are anchored on it
    assert any(re.fullmatch(re.escape(doc) + r"/finding/StatedRateMismatch/evaluation-7-[0-9a-f]{8}", n)
               for n in names)
    assert not any(re.search(r"/finding/\d+$", n) for n in names)


def test_reloading_gives_the_same_iris(tmp_path):
    first, second = _built()[0], _built()[0]
    assert _findings(first) == _findings(second)
    assert _resolutions(first) == _resolutions(second)
    # and through the store: a reload replaces the graph with the same names
    path = str(tmp_path / "s")
    query = "SELECT ?f WHERE { { ?f a bud:ReconciliationFinding } UNION { ?f a bud:NameResolution } }"
    run("load", "--store", path, str(SAMPLE))
    before = {r["f"] for r in select(Store(path, read_only=True), query)}
    run("load", "--store", path, str(SAMPLE))
    assert {r["f"] for r in select(Store(path, read_only=True), query)} == before
    assert len(before) == 52 + 4


def _throwaway(doc, table, result):
    """A check that finds something wrong with every non-empty table's first figure."""
    first = table.observations[0]
    result.checks += 1
    result.findings.append(Finding("ParentEqualsChildren", table, first.amount, first.amount + 1, Decimal(0),
                                   first, [], "a test's finding"))


@pytest.mark.parametrize("where", ["appended", "first"])
def test_a_check_added_renames_no_other_finding(where):
    before = _findings(_built()[0])
    if where == "appended":
        table_check(_throwaway)  # registered as any check is, after the others
    else:
        registry.TABLE_CHECKS.insert(0, _throwaway)  # run before every other check
    try:
        b, findings = _built()
    finally:
        registry.TABLE_CHECKS.remove(_throwaway)
    after = _findings(b)
    added = [n for n, f in zip(after, findings) if f.message == "a test's finding"]
    assert len(added) == len({id(f.table) for f in findings if f.message == "a test's finding"}) == 7  # one a table
    assert [n for n in after if n not in added] == before  # the same names, in the same order
    assert not set(added) & set(before)
    assert _findings(_built()[0]) == before  # removed again


def test_a_check_removed_renames_no_other_finding():
    b, findings = _built()
    before = dict(zip((id(f) for f in findings), _findings(b)))
    kept = {n for n, f in zip(_findings(b), findings) if f.rule != "ColumnTotalEqualsParts"}
    i = registry.TABLE_CHECKS.index(registry._column_totals)
    registry.TABLE_CHECKS.remove(registry._column_totals)
    try:
        after = set(_findings(_built()[0]))
    finally:
        registry.TABLE_CHECKS.insert(i, registry._column_totals)
    assert after == kept and len(kept) == len(before) - 10


def test_findings_with_one_key_get_distinct_names_deterministically():
    """Two findings of one rule on the same figures (here: the same check registered twice, each finding once
    more with other amounts) keep distinct names, the same on every build."""
    def twice(doc, table, result):
        first = table.observations[0]
        for computed in (first.amount + 1, first.amount + 2, first.amount + 2):
            result.findings.append(Finding("ColumnTotalEqualsParts", table, first.amount, computed, Decimal(0),
                                           first, [table.observations[1]], "same key"))

    table_check(twice)
    try:
        runs = [_built() for _ in range(2)]
    finally:
        registry.TABLE_CHECKS.remove(twice)
    names = [[n for n, f in zip(_findings(b), fs) if f.message == "same key"] for b, fs in runs]
    assert names[0] == names[1] and len(names[0]) == len(set(names[0])) == 3 * 7
    plain, other_amount, identical = names[0][:3]
    assert other_amount != plain and identical == other_amount + "-2"


def test_task_sums_of_one_evaluation_are_two_findings(tmp_path):
    """预算数 and 执行数 of one self-evaluation, each against its tasks: one rule, one record, two findings named
    apart by what they sum (Finding.facet), not by their order."""
    variant = sample_variant(tmp_path, "tasks.txt", lambda t: t.replace(
        "\t956.13\n\t956.13\n\t937.78\n\t937.78\n", "\t957.13\n\t956.13\n\t938.78\n\t937.78\n", 1))
    b, findings = _built(variant)
    sums = {f.facet: n for n, f in zip(_findings(b), findings) if f.rule == "TasksEqualTotal"}
    assert set(sums) == {"budget", "actual"} and sums["budget"] != sums["actual"]
    assert all(re.search(r"/finding/TasksEqualTotal/evaluation-1-[0-9a-f]{8}$", n) for n in sums.values())


def test_a_name_resolution_is_named_by_its_two_names(tmp_path):
    b, _ = _built()
    resolved = _resolutions(b)
    assert set(resolved) == {"焦作生态环境局本级", "机关", "河南省焦作生态环境监测中心",
                             "河南省焦作市环境监测中心（原焦作市环境监测站）"}
    assert resolved["机关"] == b.m.name_resolution("机关", "焦作市生态环境局")
    assert resolved["河南省焦作生态环境监测中心"] == b.m.name_resolution("河南省焦作生态环境监测中心",
                                                                          "河南省焦作市环境监测中心")
    # moved lines, one resolution fewer (本级 printed as the department's own name): the others keep their names
    variant = sample_variant(tmp_path, "moved.txt", lambda t: t.replace(
        "1.焦作生态环境局本级", "1.焦作市生态环境局", 1).replace("第一部分", "\n\n第一部分", 1))
    moved = _resolutions(_built(variant)[0])
    assert "焦作生态环境局本级" not in moved
    assert {k: v for k, v in resolved.items() if k != "焦作生态环境局本级"} == moved


def test_name_resolution_iri_depends_only_on_the_names():
    """The rule, evidence, line and order of the aliases do not enter the name."""
    m = Minter(None, "某局", 2020, "final", "x")

    def names(aliases: list[Alias]) -> dict[str, str]:
        b = GraphBuilder(load_file(SAMPLE), m)
        nodes = UnitNodes(b)
        nodes(Unit(key="某中心", name="某中心", role="affiliated", aliases=aliases))
        return _resolutions(b)

    a = names([Alias("某某中心", "place-prefix", "one reason", 10), Alias("原某中心", "former-name", "why", 20)])
    z = names([Alias("原某中心", "renamed-2019", "another", 99), Alias("某某中心", "same-name", "other", 3)])
    assert a == z == {"某某中心": m.name_resolution("某某中心", "某中心"), "原某中心": m.name_resolution("原某中心", "某中心")}
    assert m.name_resolution("某某中心", "某中心") != m.name_resolution("某某中心", "另一中心")
