"""Benchmark: parsing time against the size of the input, and the peak memory of parsing a large file.

Prints
  - the time `load_file` takes to parse a table flattened into one line (一般公共预算财政拨款支出决算表, its
    rows of 类 / 款 / 项 repeated under other codes until the line has the size asked for) of 1, 2, 4 and
    8 MB: CPU and wall seconds, the minimum and median of --runs runs, each run in a fresh process and the
    sizes alternated; and the ratio per doubling of the size (2 when parsing is linear, 4 when quadratic);
    then the same for that line without its title (no layout takes it for a table: it is running text);
  - the peak resident memory of parsing a 50 MB text (the bundled sample repeated; --memory-input flat: a
    table flattened into one 50 MB line), against the resident memory before parsing.

    python bench/parsing.py                               # about 5 minutes on two busy cores
    python bench/parsing.py --sizes 0.5 1 2 --runs 3 --memory-mb 10
"""
from __future__ import annotations

import argparse
import json
import math
import os
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt"
MB = 1_000_000

_HEAD = ("焦作市生态环境局2020年度部门决算\n\n"
         "一般公共预算财政拨款支出决算表 公开05表 部门：焦作市生态环境局（汇总） 2020年度 金额单位：万元 "
         "项目 本年支出 功能分类科目编码 科目名称 小计 基本支出 项目支出 栏次 1 2 3")
_NOTE = "\n注：本表反映部门本年度一般公共预算财政拨款实际支出情况。\n"


def flat_table(size: int) -> str:
    """A disclosure whose 公开05表 is flattened into one line of about `size` bytes (UTF-8), with a note
    under it: the 合计 row, then per 类 (3-digit code) its row and per 款 (5 digits) its row and its 项 (7
    digits), each 小计 = 基本支出 + 项目支出, each level the sum of the one below (the table adds up)."""
    def amount(cents: int) -> str:
        return f"{cents // 100:,}.{cents % 100:02d}"

    def row(code: str, name: str, basic: int, project: int) -> str:
        return f" {code} {name} {amount(basic + project)} {amount(basic)} {amount(project)}"

    rows: list[str] = []
    total_basic = total_project = 0
    length = len((_HEAD + _NOTE).encode("utf-8")) + 40  # and the 合计 row
    for c in range(201, 1000):
        class_at = len(rows)
        rows.append("")
        class_basic = class_project = 0
        for s in range(1, 100):
            section_at = len(rows)
            rows.append("")
            basic = project = 0
            for i in range(1, 100):
                b, p = (c * 7919 + s * 104729 + i * 1299709) % 900000 + 1000, (c * 31 + s * 17 + i * 13) % 50000
                item = row(f"{c}{s:02d}{i:02d}", f"项目{c}{s:02d}{i:02d}支出", b, p)
                rows.append(item)
                basic, project = basic + b, project + p
                length += len(item.encode("utf-8"))
            rows[section_at] = row(f"{c}{s:02d}", f"款{c}{s:02d}", basic, project)
            length += len(rows[section_at].encode("utf-8"))
            class_basic, class_project = class_basic + basic, class_project + project
            if length >= size:
                break
        rows[class_at] = row(str(c), f"类{c}", class_basic, class_project)
        length += len(rows[class_at].encode("utf-8"))
        total_basic, total_project = total_basic + class_basic, total_project + class_project
        if length >= size:
            break
    total = f" 合计 {amount(total_basic + total_project)} {amount(total_basic)} {amount(total_project)}"
    return _HEAD + total + "".join(rows) + _NOTE


def flat_text(size: int) -> str:
    """The line of `flat_table` without its title and marker, under the heading of the explanatory part:
    no layout takes it for a table, so it is read as running text (a table that lost its title in copying).
    Such a line of 10 MB took more than 5 minutes, quadratic in the narrative reader."""
    line = flat_table(size).split("\n")[2].replace("一般公共预算财政拨款支出决算表 公开05表 ", "")
    return "焦作市生态环境局2020年度部门决算\n\n第三部分 2020年度部门决算情况说明\n" + line + "\n"


SHAPES = {"table": flat_table, "text": flat_text}


def repeated_sample(size: int) -> str:
    """The bundled sample repeated to about `size` bytes."""
    text = SAMPLE.read_text(encoding="utf-8")
    return text * max(1, round(size / len(text.encode("utf-8"))))


# --- a run, in a process of its own ---------------------------------------------------------------

def _memory_kb() -> tuple[int, int]:
    """(resident, peak resident) of this process in KB: from /proc (the peak of this program, where
    getrusage's would include the parent's it was forked from), else getrusage's peak for both."""
    try:
        status = Path("/proc/self/status").read_text()
        return tuple(int(re.search(rf"^{k}:\s*(\d+) kB", status, re.M).group(1)) for k in ("VmRSS", "VmHWM"))
    except (OSError, AttributeError):
        import resource
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak, peak


def _child(kind: str, path: str) -> None:
    import time

    from cnbudget.loaders import load_file

    before = _memory_kb()[0]  # the interpreter and the code
    cpu, wall = time.process_time(), time.perf_counter()
    disclosure = load_file(path)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = _memory_kb()[1]
    print(json.dumps({"cpu": cpu, "wall": wall, "rss_before_kb": before, "rss_peak_kb": peak,
                      "observations": sum(len(t.observations) for t in disclosure.tables)
                      + len(disclosure.narrative.figures)}))


# kg load's limits on one document's size (loaders/limits.py), raised: the inputs here are valid, only large
UNLIMITED = {"KG_MAX_FILE_SIZE": "4G", "KG_MAX_TEXT_SIZE": "4G", "KG_MAX_LINE_LENGTH": "4G"}


def _run(kind: str, path: Path) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, str(path)], check=True,
                         capture_output=True, text=True, env={**os.environ, **UNLIMITED, "PYTHONHASHSEED": "0"})
    return json.loads(out.stdout.splitlines()[-1])


# --- the report -----------------------------------------------------------------------------------

def time_sizes(folder: Path, sizes: list[float], runs: int, shape: str) -> None:
    paths = {}
    for size in sizes:
        paths[size] = folder / f"{shape}-{size:g}MB.txt"
        paths[size].write_text(SHAPES[shape](int(size * MB)), encoding="utf-8")
    results: dict[float, list[dict]] = {size: [] for size in sizes}
    for r in range(runs):  # the sizes alternated, so that a busy moment of the machine falls on all of them
        for size in sizes:
            results[size].append(_run("time", paths[size]))
            print(f"  {shape}, run {r + 1}/{runs}, {size:g} MB: {results[size][-1]['cpu']:.2f} s", file=sys.stderr,
                  flush=True)
    what = {"table": "a table flattened into one line",
            "text": "the same line without its title, read as running text"}[shape]
    print(f"parse time of {what} (load_file; {runs} runs per size, alternated; seconds)")
    print(f"{'size':>8} {'figures':>9} {'cpu min':>8} {'median':>8} {'wall min':>9} {'median':>8}"
          f"   {'ratio per doubling (cpu min, median; wall min, median)'}")
    prev = None
    for size in sizes:
        cpu = [x["cpu"] for x in results[size]]
        wall = [x["wall"] for x in results[size]]
        row = (min(cpu), statistics.median(cpu), min(wall), statistics.median(wall))
        line = (f"{size:>6g} MB {results[size][0]['observations']:>9,} {row[0]:>8.2f} {row[1]:>8.2f} "
                f"{row[2]:>9.2f} {row[3]:>8.2f}")
        if prev is not None:
            doublings = math.log2(size / prev[0])
            ratios = [(a / b) ** (1 / doublings) for a, b in zip(row, prev[1])]
            line += "   " + "  ".join(f"{x:.2f}" for x in ratios)
        print(line, flush=True)
        prev = (size, row)


def peak_memory(folder: Path, megabytes: float, kind: str) -> None:
    path = folder / f"{kind}-{megabytes:g}MB.txt"
    text = repeated_sample(int(megabytes * MB)) if kind == "sample" else flat_table(int(megabytes * MB))
    path.write_text(text, encoding="utf-8")
    del text
    size = path.stat().st_size
    r = _run("memory", path)
    before, peak = r["rss_before_kb"] * 1024, r["rss_peak_kb"] * 1024
    what = "the bundled sample repeated" if kind == "sample" else "a table flattened into one line"
    print(f"peak memory parsing a {size / MB:.1f} MB text ({what}; {r['observations']:,} figures, "
          f"{r['cpu']:.1f} s): {peak / MB:,.0f} MB resident, {before / MB:.0f} MB of it before parsing; "
          f"parsing took {(peak - before) / size:.1f} × the file's size")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=float, nargs="*", default=[1, 2, 4, 8], help="table sizes, MB")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--shapes", nargs="*", choices=sorted(SHAPES), default=["table", "text"],
                        help="table: read as a table; text: without its title, read as running text")
    parser.add_argument("--memory-mb", type=float, default=50, help="size of the file for peak memory (0: none)")
    parser.add_argument("--memory-input", choices=["sample", "flat"], default="sample")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        _child(*args.child)
        return
    with tempfile.TemporaryDirectory(prefix="kg-bench-parsing-") as tmp:
        for shape in args.shapes if args.sizes else []:
            time_sizes(Path(tmp), sorted(args.sizes), args.runs, shape)
        if args.memory_mb:
            peak_memory(Path(tmp), args.memory_mb, args.memory_input)


if __name__ == "__main__":
    main()
