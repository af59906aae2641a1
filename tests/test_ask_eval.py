"""The search box against its evaluation set (tests/eval/queries.json): keyword queries in people's words, each
with the intent and the figures read from the documents. Reports the accuracy; fails below 0.9."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from cnbudget.kg.ask import answer
from cnbudget.kg.store import Store
from tests.conftest import FRAGMENTS, ROOT, SAMPLE, run

EVAL = json.loads((Path(__file__).parent / "eval" / "queries.json").read_text(encoding="utf-8"))["queries"]
TARGET = 0.9


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Store:
    path = str(tmp_path_factory.mktemp("ask-eval") / "kg-store")
    run("load", "--store", path, str(SAMPLE), str(FRAGMENTS), str(ROOT / "tests" / "fixtures" / "hand-read"), ok=False)
    return Store(path, read_only=True)


def _numbers(row: dict) -> set[float]:
    return {round(float(v), 4) for v in row.values() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def problems(case: dict, a) -> list[str]:
    """What the answer gets wrong, empty when it is right."""
    out = []
    if a.intent != case["intent"]:
        out.append(f"intent {a.intent}, expected {case['intent']}")
    numbers = set().union(*map(_numbers, a.rows)) if a.rows else set()
    missing = [n for n in case.get("amounts", []) if round(float(n), 4) not in numbers]
    if missing:
        out.append(f"amounts not found: {missing}")
    texts = [str(v) for r in a.rows for v in r.values() if isinstance(v, str)]
    absent = [v for v in case.get("values", []) if not any(v in t for t in texts)]
    if absent:
        out.append(f"values not found: {absent}")
    if case.get("empty") and a.rows:
        out.append(f"{len(a.rows)} rows, expected none")
    if case.get("nonempty") and not a.rows:
        out.append("no rows")
    return out


def test_the_set_is_large_and_varied():
    assert len(EVAL) >= 80
    assert sum(1 for c in EVAL if c.get("empty")) >= 5
    intents = {c["intent"] for c in EVAL}
    assert {"figures", "search", "none", "under-executed-units", "three-public-expenses", "unit-tasks"} <= intents


def test_accuracy(store, capsys):
    failures = []
    for case in EVAL:
        wrong = problems(case, answer(store, case["q"]))
        if wrong:
            failures.append(f"{case['q']!r}: {'; '.join(wrong)}")
    accuracy = 1 - len(failures) / len(EVAL)
    with capsys.disabled():
        print(f"\nsearch box accuracy: {accuracy:.3f} ({len(EVAL) - len(failures)} of {len(EVAL)})")
        for f in failures:
            print("  wrong:", f)
    assert accuracy >= TARGET, "\n".join(failures)
