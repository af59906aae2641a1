"""The embedded store: one named graph per document, reload replaces, bad input leaves it unchanged."""
from __future__ import annotations

import pyoxigraph as ox

from conftest import FRAGMENTS, ROOT, SAMPLE, assert_bad_file_leaves_store_unchanged, malformed_amount, run
from cnbudget.kg.load import prepare
from cnbudget.kg.store import Store


def _nquads(path: str) -> set[str]:
    """The store's quads but the load record (when each graph was loaded: kg/store/loads.py)."""
    store = Store(path, read_only=True)
    return {q for q in store.dump(ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()
            if not q.endswith("/graph/loads> .")}


def test_load_twice_gives_identical_graph(tmp_path):
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE))
    first = _nquads(path)
    run("load", "--store", path, str(SAMPLE))
    assert _nquads(path) == first
    graphs = Store(path, read_only=True).graphs()
    docs = [g for g in graphs if "/graph/20" in g]
    assert len(docs) == 1
    assert {g.rsplit("/", 1)[1] for g in graphs if g not in docs and "/id/graph/" in g} == {
        "reference", "labels", "class-names", "loads"}


def test_base_iri_is_configurable(tmp_path):
    path = str(tmp_path / "s")
    run("load", "--store", path, "--base-iri", "https://example.org/budget/", str(SAMPLE))
    assert any(g.startswith("https://example.org/budget/graph/") for g in Store(path, read_only=True).graphs())


def test_bad_base_iri_is_refused_before_anything_is_written(tmp_path):
    path = tmp_path / "s"
    result = run("load", "--store", str(path), "--base-iri", "budget data", str(SAMPLE), ok=False)
    assert result.exit_code == 2
    assert "--base-iri" in result.output and "not an absolute IRI" in result.output
    assert not path.exists()


def test_written_nquads_are_valid_without_the_lenient_loader():
    """The bulk loader takes kg's own N-Quads without validating them (trusted): every document at hand,
    under the default base and an unusual one, must parse strictly, line for line."""
    files = [SAMPLE, *sorted(FRAGMENTS.iterdir()), *sorted((ROOT / "tests" / "fixtures" / "variants").iterdir())]
    for base in (None, "urn:x-budget:测试/"):
        for path in files:
            p = prepare(path, base)
            assert p.report.status == "loaded", p.report.error
            for data in (p.quads, p.reference):
                quads = list(ox.parse(data, format=ox.RdfFormat.N_QUADS))  # strict: raises on a bad term
                assert len(quads) == data.count(b"\n"), path
            assert p.quads, path


def test_store_from_environment(tmp_path, monkeypatch):
    path = str(tmp_path / "env-store")
    monkeypatch.setenv("KG_STORE", path)
    run("load", str(SAMPLE))
    assert len(Store(path, read_only=True)) > 19000


def _bad_file_leaves_store_unchanged(tmp_path, bad, expect_line: int | None, reason: str):
    assert_bad_file_leaves_store_unchanged(("--store", str(tmp_path / "s")), bad, expect_line, reason)


def test_malformed_amount_names_file_and_line(tmp_path):
    bad, line = malformed_amount(tmp_path)
    _bad_file_leaves_store_unchanged(tmp_path, bad, line, "expects an amount")


def test_binary_file_rejected(tmp_path):
    bad = tmp_path / "scan.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    _bad_file_leaves_store_unchanged(tmp_path, bad, 3, "binary")  # NUL after two newlines


def test_text_without_tables_rejected(tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("\t部门决算说明\n\t没有表格\n", encoding="utf-8")
    _bad_file_leaves_store_unchanged(tmp_path, bad, None, "no standard disclosure table")


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-bad.txt").write_text("\t公开01表\n\n\t项目\n\t金额\n\n\t合计\n\t1,2,3.4.5\n", encoding="utf-8")
    (folder / "b-good.txt").write_text(SAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    path = str(tmp_path / "s")
    result = run("load", "--store", path, str(folder), ok=False)
    assert result.exit_code == 1
    assert "1 documents loaded, 1 failed" in result.output
    assert "a-bad.txt:7" in result.output
