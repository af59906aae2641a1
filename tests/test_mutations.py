"""Mutation tests over the real documents (data/samples/, tests/fixtures/): lines dropped, duplicated and swapped,
digits changed, full-width characters inserted, the file cut anywhere. `kg load`'s reading path (file → records
→ checks → RDF: `prepare_strict`) loads the result or raises the project's own LoadError, never another
exception; and a copy cut off anywhere never replaces the complete document in the store.

Bounded so that CI stays fast: a few dozen examples each (KG_MUTATION_EXAMPLES=500 for a longer search), no
deadline, no example database written."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from conftest import FRAGMENTS, ROOT, SAMPLE, run
from mutating import edits
from cnbudget.kg.load import guard, prepare, prepare_strict
from cnbudget.kg.store import Store
from cnbudget.loaders import LoadError, Limits

DOCUMENTS = [SAMPLE, *sorted(FRAGMENTS.glob("*.txt")), *sorted((ROOT / "tests" / "fixtures" / "variants").glob("*.txt"))]
DISTINCT = [SAMPLE, *sorted(FRAGMENTS.glob("*.txt"))]  # different documents: loaded together, none replaces another
TEXTS = {p.name: p.read_text(encoding="utf-8") for p in DOCUMENTS}
FULL_WIDTH = "０１２３４５６７８９，。：；（）％－．　＋／"
EXAMPLES = int(os.environ.get("KG_MUTATION_EXAMPLES", "30"))
BOUNDED = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=False,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@st.composite
def mutated(draw) -> tuple[str, str]:
    # the sample (a whole disclosure) a third of the time, else one of the fixtures (pieces in other layouts)
    name = draw(st.sampled_from([SAMPLE.name] * 5 + sorted(TEXTS)))
    return name, draw(edits(TEXTS[name], 3, ["drop", "duplicate", "swap", "digit", "full-width", "cut"], FULL_WIDTH))


@BOUNDED
@given(mutated())
def test_a_mutated_document_loads_or_is_a_load_error(case):
    name, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        try:
            p = prepare_strict(path, None, Limits())
        except LoadError as e:
            assert e.path == str(path) and e.reason
            return
        assert p.report.status == "loaded" and p.quads


@pytest.fixture(scope="module")
def complete_store(tmp_path_factory) -> tuple[Store, set[str]]:
    """A store holding each distinct document, complete; and their graphs."""
    path = str(tmp_path_factory.mktemp("complete") / "store")
    run("load", "--store", path, "--jobs", "1", *map(str, DISTINCT))
    store = Store(path, read_only=True)
    graphs = {r[0].value for r in store.select("SELECT ?g WHERE { GRAPH ?g { ?d a bud:Disclosure } }").rows}
    assert len(graphs) == len(DISTINCT)
    return store, graphs


@settings(BOUNDED, max_examples=max(1, EXAMPLES * 5 // 6))
@given(st.sampled_from([SAMPLE] * 4 + DISTINCT), st.floats(0, 1, exclude_max=True))
def test_a_copy_cut_anywhere_never_replaces_the_complete_document(complete_store, document, where):
    store, graphs = complete_store
    data = document.read_bytes()
    cut = int(len(data) * where)  # `head -c` anywhere: inside a character, a line, a table, a section
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / document.name  # the same name: a document without a department is named by its file
        path.write_bytes(data[:cut])
        p = guard(store, prepare(path, None, Limits()))
    if p.report.status == "loaded":
        assert p.graph not in graphs, p.report  # loaded as another document (what it names is cut off), if at all
    else:
        assert "internal error" not in p.report.error, p.report.error
