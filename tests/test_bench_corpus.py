"""bench/corpus.py, the benchmark corpus: its copies are distinct documents that still read as their source does.

Expected texts are written by hand; the round trip loads one small real fragment as .docx, .xlsx and PDF.
"""
from __future__ import annotations

import importlib.util

import pytest

from conftest import ROOT
from cnbudget import loaders


@pytest.fixture(scope="module")
def corpus():
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "bench" / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_copy_renames_the_department_and_scales_amounts_not_rates(corpus):
    text = "焦作市生态环境局2020年度部门决算\n收入合计1,234.50万元,增长12.50%。\n\t88.10\n代码 2080501"
    # copy 3: factor 1 + 3 mod 7 = 4
    assert corpus.vary(text, "焦作市生态环境局", 3) == (
        "样本3号焦作市生态环境局2020年度部门决算\n收入合计4,938.00万元,增长12.50%。\n\t352.40\n代码 2080501")
    # copy 7: factor 1, the text kept but for the name
    assert corpus.vary(text, "焦作市生态环境局", 7).startswith("样本7号焦作市生态环境局2020")
    assert "1,234.50万元" in corpus.vary(text, "焦作市生态环境局", 7)


def test_department_printed_in_traditional_characters_is_renamed_by_its_printed_prefix(corpus):
    # the reader finds 焦作市生态环境局 (simplified) in a text that prints 焦作市生態環境局
    assert corpus.vary("焦作市生態環境局2020年度部門決算", "焦作市生态环境局", 1) == "样本1号焦作市生態環境局2020年度部門決算"


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "pdf"])
def test_fragment_copy_reads_as_its_text_in_each_format(corpus, fmt, tmp_path):
    # 南漳县招商服务中心's 2019 final accounts fragment: 8 figures in the text
    source = ROOT / "tests" / "fixtures" / "fragments" / "nanzhang_zsfwzx_2019_js.txt"
    text = corpus.vary(source.read_text(encoding="utf-8"), "南漳县招商服务中心", 1)  # factor 2
    copy = loaders.load_file(corpus.write(text, fmt, tmp_path / f"copy.{fmt}"))
    original = loaders.load_file(source)
    assert copy.department == "样本1号南漳县招商服务中心"
    assert len(copy.observations) == len(original.observations) == 8
    assert sorted(o.amount * 2 for o in original.observations) == sorted(o.amount for o in copy.observations)
