"""Parsing costs grow linearly with the input (issue: a 10 MB one-line table ran past 5 minutes), the shortcuts
taken for it read as the slow way did, and no worker process outlives a killed `kg load`."""
from __future__ import annotations

import importlib.util
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SAMPLE
from cnbudget import loaders
from cnbudget.loaders.layouts import lines as line_layouts, tabs
from cnbudget.loaders.layouts.registry import NormalisedText
from cnbudget.loaders.narrative import lines as narrative_lines, read_narrative, units
from cnbudget.loaders.narrative.clauses import _FIGURE_END, _ends_with_figure
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import (iter_lines, label_key, simplified_text, strip_pinyin_debris,
                                   strip_pinyin_debris_in_text)


def _bench():
    spec = importlib.util.spec_from_file_location("bench_parsing", ROOT / "bench" / "parsing.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _cpu(fn, runs: int = 1) -> float:
    """The least CPU time of `runs` calls."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def _ratio(small, large, attempts: int = 3, below: float = 8) -> float:
    """CPU time of `large()` over that of `small()` (four times the input: 4 if linear, 16 if quadratic),
    measured again, alternated and the least kept, only while a busy machine makes it look above `below`."""
    t_small = t_large = float("inf")
    for _ in range(attempts):
        t_small, t_large = min(t_small, _cpu(small)), min(t_large, _cpu(large))
        if t_large / max(t_small, 1e-3) < below:
            break
    return t_large / max(t_small, 1e-3)


# --- time: four times the input, about four times the time (sixteen if quadratic) -----------------

@pytest.mark.slow
@pytest.mark.parametrize("shape", ["table", "text"])
def test_single_line_table_parses_in_linear_time(tmp_path, monkeypatch, shape):
    """A table flattened into one line, read as a table; and without its title, as running text (the
    narrative reader took more than 5 minutes over 10 MB of it)."""
    bench = _bench()
    for name, value in bench.UNLIMITED.items():  # kg load's limits on a document's size, raised
        monkeypatch.setenv(name, value)
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text(bench.SHAPES[shape](500_000), encoding="utf-8")
    large.write_text(bench.SHAPES[shape](2_000_000), encoding="utf-8")
    figures = {}

    def parse(path):
        def run():
            doc = loaders.load_file(path)
            figures[path] = sum(len(t.observations) for t in doc.tables) + len(doc.narrative.figures)
        return run

    ratio = _ratio(parse(small), parse(large), attempts=2, below=6)
    # the whole line is read: figures in proportion to the size
    assert 3.8 < figures[large] / figures[small] < 4.2
    assert ratio < 6


LONG_LINES = {  # the headings above, then the long line
    # one sentence listing figures apart by 、: the clause so far was searched again at every 、
    "figures listed by 、": lambda n: ["第三部分 情况说明", "支出" + "、".join(f"{i}.00万元" for i in range(n)) + "。"],
    # one clause of many numbers: the rest of the clause was sliced off after every number
    "numbers in one clause": lambda n: ["第三部分 情况说明", " ".join(f"{i} 项目{i} {i}.00 {i}.50" for i in range(n))],
    # headings glued to the end of a line, tried at each: the rest of the line was sliced off each time
    "glued headings": lambda n: ["第三部分 情况说明", "".join(f"说明{i}。（一）" for i in range(n))],
    # a list of divisions with no count after it: tried again from each 、 for a count
    "divisions listed": lambda n: ["第一部分 焦作市生态环境局概况", "一、机构设置", "内设" + "、".join(f"科室{i}" for i in range(n))],
}


@pytest.mark.parametrize("shape", sorted(LONG_LINES))
def test_long_narrative_line_reads_in_linear_time(shape):
    def rows(n):
        return [Row(cells=[Cell(text, k)], line=k, paragraph=True) for k, text in enumerate(LONG_LINES[shape](n), 1)]

    small, large = rows(3000), rows(12000)
    assert _ratio(lambda: read_narrative(small, "x", []), lambda: read_narrative(large, "x", [])) < 8


@pytest.mark.parametrize("layout", ["tab", "blank-separated"])
def test_cell_continued_over_many_lines_reads_in_linear_time(layout):
    """A cell followed by many lines that continue it (no blank line, no tab): each line was appended to
    the cell's text by copying it."""
    def text(n):
        return ("\t单元格\n" if layout == "tab" else "单元格\n") + "续行文字内容十个字符\n" * n

    read = tabs.tab_cell_rows if layout == "tab" else line_layouts.blank_separated_items
    small, large = text(20000), text(80000)
    assert _ratio(lambda: read(small), lambda: read(large)) < 8


def test_cell_stream_with_a_long_header_reads_in_linear_time():
    """A table printed one cell per line with a long run of text cells before its first figure: each label
    was compared with every label of its header row before it."""
    def items(n):
        head = [Cell("一般公共预算财政拨款支出决算表", 1), Cell("公开05表", 2), Cell("单位：万元", 3)]
        return head + [Cell(f"名称{i}", 4 + i) for i in range(n)] + [Cell(f"{i}.00", 5 + n + i) for i in range(50)]

    small, large = items(1000), items(4000)
    assert _ratio(lambda: line_layouts.stream_rows(small, True, "x", []),
                  lambda: line_layouts.stream_rows(large, True, "x", [])) < 8


# --- the shortcuts read as before -----------------------------------------------------------------

def _texts(alphabet, count, longest, seed):
    rnd = random.Random(seed)
    return ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, longest))) for _ in range(count)]


def test_figure_end_read_backwards_as_searched_forwards():
    alphabet = list("0123456789、,. \t()万元亿%个人次台套辆项年及a") + ["台(套)", "个百分点", "(注)", "\n"]
    for n in _texts(alphabet, 3000, 24, 1):
        reversed_n = n[::-1]
        for start in range(len(n) + 1):
            for i in range(start, len(n) + 1):
                assert _ends_with_figure(reversed_n, start, i) == bool(_FIGURE_END.search(n[start:i])), (n, start, i)


def test_glued_heading_found_in_place_as_on_the_rest_of_the_line():
    alphabet = list("一二十123第部分、.。,;() \t\u3000说明情况目录ab") + ["第一部分", "(一)", "一、", "1、"]
    for n in _texts(alphabet, 3000, 50, 2):
        end = narrative_lines._body_end(n)
        for start in range(len(n) + 1):
            assert narrative_lines._heading_level_at(n, start, end) == narrative_lines._heading_level(n[start:]), \
                (n, start)


def test_text_read_whole_as_line_by_line():
    def before(text):  # the pinyin debris removed line by line, as simplified_text did
        lines, count = text.split("\n"), 0
        for k, line in enumerate(lines):
            if "(" in line or "（" in line:
                lines[k], n = strip_pinyin_debris(line)
                count += n
        return "\n".join(lines), count

    alphabet = list("预算决单位万元 \t\n\r(（)）yùjuédān12") + ["(yù)", "（dān）", "(yu4 suan4)", "(\n yù)", "( jué )"]
    for text in _texts(alphabet, 3000, 40, 3):
        assert list(iter_lines(text, chunk=3)) == text.split("\n")
        assert strip_pinyin_debris_in_text(text) == before(text)
        stripped = simplified_text(text)[0]
        assert stripped == before(text)[0]  # simplified characters: nothing converted
        doc = NormalisedText.of(text)
        expect = [(n, line.rstrip("\r")) for n, line in enumerate(stripped.split("\n"), 1)]
        assert list(doc.numbered) == expect and [doc.numbered[k] for k in range(len(expect))] == expect
        assert list(doc.nonblank) == [(n, line) for n, line in expect if line.strip()]


def test_list_with_its_count_found_as_before():
    """The units' list-then-count pattern with its list's first part atomic finds what it found without."""
    plain = re.compile(units._LIST_COUNT.pattern.replace("(?>[^。;:,]+?、)", "[^。;:,]+?、"))
    assert plain.pattern != units._LIST_COUNT.pattern
    alphabet = list("、、、,;:。 12三个科室设等共和及a") + ["内设", "下设", "设有", "包括", "个科室", "3个", "个单位"]
    for text in _texts(alphabet, 20000, 25, 6):
        assert [(m.span(), m.groupdict()) for m in units._LIST_COUNT.finditer(text)] == \
               [(m.span(), m.groupdict()) for m in plain.finditer(text)], text


def test_header_rows_as_before():
    """The header rows of a cell stream, read with each row's labels summed up as they are added, as they
    were read comparing each label with the row's others."""
    from cnbudget.loaders import vocab
    from cnbudget.loaders.labels import is_total_label, stub_role
    from cnbudget.loaders.layouts import stream_header as sh

    def part_of_row(c, level):
        parent = vocab.broader_item(sh._item(c))
        if parent and any(sh._item(x) == parent for x in level):
            return True
        role = stub_role(c.text)
        if role:
            if not any(stub_role(x.text) for x in level):
                return True
            return (role in ("code", "name") and label_key(c.text) not in sh._GENERIC_STUB
                    and any(label_key(x.text) in sh._GENERIC_STUB for x in level))
        if label_key(c.text).endswith("小计") and any(not is_total_label(x.text) and not stub_role(x.text)
                                                     for x in level):
            return True
        return any(vocab.phase_for(x.text) for x in level) and not vocab.phase_for(c.text)

    def levels(labels):
        out = [[]]
        for k, c in enumerate(labels):
            repeats = label_key(c.text) in {label_key(x.text) for x in out[-1]}
            # a total followed by the parts of the label before it starts that label's row (tables by content)
            heads_parts = (is_total_label(c.text) and 0 < k < len(labels) - 1 and bool(out[-1])
                           and sh._item(labels[k - 1]) is not None
                           and vocab.broader_item(sh._item(labels[k + 1])) == sh._item(labels[k - 1]))
            if heads_parts or out[-1] and not repeats and part_of_row(c, out[-1]):
                out.append([c])
            else:
                out[-1].append(c)
        return out

    def groups(level, weak):
        out = []
        for c in level:
            g = out[-1] if out else None
            if g is None or label_key(c.text) in {label_key(x.text) for x in g} \
                    or (weak and is_total_label(c.text)) or (stub_role(c.text) and not stub_role(g[-1].text)):
                out.append([c])
            else:
                g.append(c)
        return out

    labels = ["项目", "科目编码", "科目名称", "行次", "栏次", "金额", "收入", "支出", "合计", "小计", "本年支出", "基本支出",
              "项目支出", "预算数", "决算数", "人员经费", "公用经费", "因公出国（境）费", "公务用车购置及运行费", "公务用车购置费",
              "公务用车运行费", "公务接待费", "名称", "其他", "a"]
    rnd = random.Random(7)
    for _ in range(3000):
        cells = [Cell(rnd.choice(labels), k) for k in range(rnd.randint(0, 14))]
        assert sh._levels(cells) == levels(cells)
        assert sh._groups(cells, True) == groups(cells, True) and sh._groups(cells, False) == groups(cells, False)


def test_label_key_as_before():
    def before(text):  # label_key as it was written before it was made cheaper
        from cnbudget.loaders.text import _ORDINAL, nfkc
        t = re.sub(r"\s+", "", nfkc(text))
        t = re.sub(r"^\[bookmark:[^\]]*\]", "", t)
        t = _ORDINAL.sub("", t)
        t = t.replace("“", "").replace("”", "").replace('"', "").replace("‘", "").replace("’", "").replace("'", "")
        t = t.replace("(", "（").replace(")", "）").replace("其它", "其他")
        return t.strip("：:")

    alphabet = list("0123456789.,、．（()）一二十其它他：: \t\u3000\u00a0\x1c“”\"‘’'表a") + ["[bookmark:x]", "其中：", "1、"]
    for text in _texts(alphabet, 20000, 12, 4) + _texts(alphabet, 200, 300, 5):
        assert label_key(text) == before(text), text


# --- workers end with their parent ----------------------------------------------------------------

def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                stat = Path(f"/proc/{d}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(d))
    return out


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_text(errors="replace")
    except OSError:
        return ""


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_no_worker_outlives_a_killed_load(tmp_path):
    files = []
    for k in range(12):
        files.append(tmp_path / f"doc{k}.txt")
        files[-1].write_bytes(SAMPLE.read_bytes())
    kg = subprocess.Popen([sys.executable, "-m", "cnbudget.kg.cli", "load", "--store", str(tmp_path / "store"),
                           "--jobs", "2", "--no-progress", *map(str, files)],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.time() + 60
        while time.time() < deadline and kg.poll() is None:
            workers = [p for p in _children(kg.pid) if _alive(p)]
            if sum("spawn_main" in _cmdline(p) for p in workers) >= 2:
                break
            time.sleep(0.05)
        assert kg.poll() is None, "kg load ended before its workers were seen"
        assert len(workers) >= 2, workers
        kg.send_signal(signal.SIGKILL)
        kg.wait()
        deadline = time.time() + 10
        while time.time() < deadline and any(_alive(p) for p in workers):
            time.sleep(0.05)
        assert not [p for p in workers if _alive(p)], "processes of the killed kg load still running"
    finally:
        if kg.poll() is None:
            kg.kill()
            kg.wait()
        for p in workers:  # only the processes this test started
            if _alive(p):
                os.kill(p, signal.SIGKILL)
