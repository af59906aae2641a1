"""A load costs in proportion to what it changes (issue 12): the summary's quad count is kept, not counted
again, and stays the store's true count through new documents, reloads and a write cut off."""
from __future__ import annotations

import gc
import re

import pyoxigraph as ox

from conftest import SAMPLE, run
from test_scale import sample_variant
from cnbudget.kg.store import Store
from cnbudget.kg.store.counts import COUNTS_FILE


def _held(output: str) -> int:
    return int(re.search(r"holds (\d+) triples", output).group(1))


def _true_count(path: str) -> int:
    return len(Store(path, read_only=True))


def test_summary_count_is_kept_and_true(tmp_path):
    path = str(tmp_path / "s")
    first = run("load", "--store", path, str(SAMPLE)).output
    assert _held(first) == _true_count(path) > 30000  # the sample: 1,115 figures, some 29,000 quads
    assert (tmp_path / "s" / COUNTS_FILE).read_text().strip() == str(_true_count(path))
    for doc in (sample_variant(tmp_path, "2019.txt", 2019, 2),  # a new year: year links, another code list
                SAMPLE,  # a reload of an unchanged document
                sample_variant(tmp_path, "2020.txt", 2020, 3)):  # a reload that changes every amount
        assert _held(run("load", "--store", path, str(doc)).output) == _true_count(path)


def test_summary_adds_to_the_kept_count_without_counting_the_store(tmp_path):
    """The kept count is what the summary starts from: a count file off by 1,000 stays off by 1,000."""
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE))
    kept = tmp_path / "s" / COUNTS_FILE
    kept.write_text(f"{_true_count(path) + 1000}\n")
    out = run("load", "--store", path, str(sample_variant(tmp_path, "2019.txt", 2019))).output
    assert _held(out) == _true_count(path) + 1000


def test_write_outside_a_load_drops_the_kept_count(tmp_path):
    path = str(tmp_path / "s")
    run("load", "--store", path, str(SAMPLE))
    gc.collect()  # the command's store, closed
    store = Store(path)
    store.add([ox.Quad(ox.NamedNode("https://example.org/s"), ox.NamedNode("https://example.org/p"),
                       ox.Literal("x"), ox.NamedNode("https://example.org/g"))])
    assert not (tmp_path / "s" / COUNTS_FILE).exists()
    assert store.quad_count() == len(store)
    assert (tmp_path / "s" / COUNTS_FILE).exists()  # counted once the slow way, and kept
    store.close()
