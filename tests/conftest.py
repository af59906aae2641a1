"""Shared fixtures: the bundled sample, loaded once into a real on-disk store through the real CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from cnbudget.kg.cli import main
from cnbudget.kg.store import Store, open_store

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt"
FRAGMENTS = ROOT / "tests" / "fixtures" / "fragments"


def run(*args: str, ok: bool = True):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    if ok:
        assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory) -> str:
    path = str(tmp_path_factory.mktemp("store") / "kg-store")
    run("load", "--store", path, str(SAMPLE))
    return path


@pytest.fixture(scope="session")
def store(sample_store) -> Store:
    return Store(sample_store, read_only=True)


def select(store: Store, sparql: str) -> list[dict]:
    rows = store.select(sparql)
    return [{v: (t.value if t is not None else None) for v, t in zip(rows.variables, r)} for r in rows.rows]


def all_nquads(store_args: tuple[str, str]) -> set[str]:
    """The store's quads as N-Quads lines; `store_args` is ("--store", PATH) or ("--endpoint", URL)."""
    flag, where = store_args
    store = open_store(**{("path" if flag == "--store" else "endpoint"): where}, read_only=True)
    return set(store.dump(ox.RdfFormat.N_QUADS).decode("utf-8").splitlines())


def nquads(store_args: tuple[str, str]) -> set[str]:
    """`all_nquads` but the load record's (`<base>graph/loads`, kg/store/loads.py: when each graph was loaded,
    which two loads of the same documents do not share)."""
    return {q for q in all_nquads(store_args) if not q.endswith("/graph/loads> .")}


def assert_bad_file_leaves_store_unchanged(store_args: tuple[str, str], bad: Path, expect_line: int | None,
                                           reason: str) -> None:
    """Load the sample, then `bad`: the load fails naming the file (and line) and the store holds what it held."""
    run("load", *store_args, str(SAMPLE))
    before = nquads(store_args)
    result = run("load", *store_args, str(bad), ok=False)
    assert result.exit_code != 0
    where = f"{bad}:{expect_line}" if expect_line else str(bad)
    assert where in result.output and reason in result.output
    assert nquads(store_args) == before


def sample_variant(tmp_path: Path, name: str, edit) -> Path:
    """A copy of the sample with `edit(text) -> text` applied."""
    text = SAMPLE.read_text(encoding="utf-8")
    changed = edit(text)
    assert changed != text, "the edit changed nothing"
    path = tmp_path / name
    path.write_text(changed, encoding="utf-8")
    return path


def replace_in_table(text: str, table: str, old: str, new: str) -> str:
    """Replace the first cell `old` after the marker of `table` (e.g. 公开03表)."""
    start = text.index(table)
    i = text.index(old, start)
    return text[:i] + new + text[i + len(old):]


OBSERVATIONS_PER_TABLE = """
    SELECT ?table (COUNT(?obs) AS ?n) WHERE { ?t bud:tableNumber ?table . OPTIONAL { ?obs qb:dataSet ?t } }
    GROUP BY ?table ORDER BY ?table"""


def numeric_cells_by_table(text: str) -> dict[str, int]:
    """Independent count of the figures in each table: lines holding one decimal number
    between a 公开NN表 marker and the next marker or part heading (not the parser's logic)."""
    counts: dict[str, int] = {}
    current = None
    for line in text.split("\n"):
        m = re.search(r"公开(\d\d)表", line)
        if m:
            current = f"公开{m.group(1)}表"
            counts.setdefault(current, 0)
            continue
        if line.startswith("第三部分"):
            current = None
        if current and re.fullmatch(r"\t-?[\d,]+\.\d+", line):
            counts[current] += 1
    return counts


def malformed_amount(tmp_path):
    """The sample with one figure of 公开05表 misprinted, and the line it is on."""
    bad = sample_variant(tmp_path, "bad-amount.txt",
                         lambda t: replace_in_table(t, "公开05表", "\t1,175.87\n", "\t1,17a5.87\n"))
    return bad, bad.read_text(encoding="utf-8").split("\n").index("\t1,17a5.87") + 1


# The sample and every fixture, each on its own (the text variants are the sample's disclosure in other
# layouts: loaded together they would replace it).
DOCUMENTS = [SAMPLE, *sorted(FRAGMENTS.glob("*.txt")), *sorted((ROOT / "tests" / "fixtures" / "variants").glob("*.txt"))]


@pytest.fixture(scope="session")
def document_stores(tmp_path_factory) -> dict[str, str]:
    """name of each of DOCUMENTS → the path of a store it alone was loaded into through `kg load`."""
    stores = {}
    for path in DOCUMENTS:
        store = str(tmp_path_factory.mktemp("doc") / "store")
        run("load", "--store", store, "--jobs", "1", str(path))
        stores[path.name] = store
    return stores
