"""Cutting running text for the clause grammar: sentences into clauses, and the numbers of a
clause into groups that share a unit ("4125.49,4143.91万元", "23.51%、38.28%").

A number followed by 年 / 月 (a date), by 以上 / 以下 (a threshold within a label) or after 第
(an ordinal) is not a figure and is left out of the groups.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from cnbudget.loaders.narrative.printed import NUMBER, PrintedText
from cnbudget.loaders.text import parse_amount

_UNITS = r"个百分点|亿元|万元|千元|元|%|人次|台\(套\)|台套|辆|台|套|个|人|次|批|项|家|户|名|件"
# 500.12 万 元: a PDF's text spaces a unit's characters apart too
_TOKEN = re.compile(rf"(?<![\dA-Za-z.\-])(?P<num>-?(?:{NUMBER}))\s*(?P<unit>{_UNITS}|[万千亿][ \t]+元)?")
# matched where a number ends (pattern.match(text, pos): no slice of the rest of the clause per number)
_DATE_AFTER = re.compile(r"\s*(?:年|月|日|号|时|周岁|岁)")  # 2020年, 10月: not figures
_THRESHOLD_AFTER = re.compile(r"\s*(?:及)?(?:以上|以下|以内)")  # 单位价值50万元以上…: part of a label
_LIST_GAP = re.compile(r"\s*(?:,|、|和|及|与)\s*")
# a clause that ends with a figure ("…用车0辆", "…团组0个（不含…）"): a 、 after it starts the next clause
_FIGURE_END = re.compile(rf"\d\s*(?:{_UNITS})?\s*(?:\([^()]*\))?\s*$")
# the same, read backwards on the reversed sentence from the 、 on (`_ends_with_figure`): searching
# _FIGURE_END in the clause so far rescanned the clause at every 、, quadratic in a long list of figures
_FIGURE_END_REVERSED = re.compile(r"\s*(?:\)[^()]*\()?\s*(?:"
                                  + "|".join(re.escape(u.replace("\\", "")[::-1]) for u in _UNITS.split("|"))
                                  + r")?\s*\d")


@dataclass
class NumberGroup:
    """Numbers printed as one list, at [start, end) of their clause, with the unit after the last."""
    start: int
    end: int
    values: list[Decimal]
    unit: str | None


def sentence_clauses(t: PrintedText) -> list[list[PrintedText]]:
    """Sentences on 。 (and on a '.' that is not a decimal point), clauses on , ; : and on a
    、 that follows a figure; never on a comma between digits (1,234.5 or 4125.49,4143.91)."""
    n = t.n
    sentences, clauses, start = [], [], 0
    reversed_n = n[::-1]

    def close(i: int, end_sentence: bool):
        nonlocal start, clauses
        c = t[start:i].strip()
        if c:
            clauses.append(c)
        start = i + 1
        if end_sentence and clauses:
            sentences.append(clauses)
            clauses = []

    for i, ch in enumerate(n):
        between_digits = i > 0 and i + 1 < len(n) and _inside_number(n[i - 1], n[i + 1])
        if ch in "。!?？" or (ch == "." and not between_digits):
            close(i, True)
        elif ch in ";:" or (ch == "," and not between_digits):
            close(i, False)
        elif ch == "、" and _ends_with_figure(reversed_n, start, i) and not (i + 1 < len(n) and n[i + 1].isdigit()):
            close(i, False)
    close(len(n), True)
    return sentences


def _inside_number(before: str, after: str) -> bool:
    """Whether a , or . with these neighbours is inside a number, a misprinted one too (1,.55): not a cut."""
    return (before.isdigit() and (after.isdigit() or after in ",.")) or (before in ",." and after.isdigit())


def _ends_with_figure(reversed_n: str, start: int, i: int) -> bool:
    """Whether the clause n[start:i] ends with a figure (its unit and a bracketed note may follow it), read
    on the reversed sentence `reversed_n` (n[k] is reversed_n[len(n) - 1 - k])."""
    size = len(reversed_n)
    if i > start and reversed_n[size - i] == "\n":  # '$' matches before a last newline too: as it was
        return _FIGURE_END.search(reversed_n[size - i:size - start][::-1]) is not None
    return _FIGURE_END_REVERSED.match(reversed_n, size - i, size - start) is not None


_CUT_UNIT = re.compile(r"\s*([万亿])\s*\Z")
# a run of digits and separators is numbers only when it reads as one number or a list of them (4125.49,4143.91):
# 7,0-4,418.94 or 1,.55 are misprints, and no number is read from them (418.94 and 55 are not printed as such)
_RUN_CHARS = set("0123456789,.-")
_NUMBERS_RUN = re.compile(rf"-?(?:{NUMBER})(?:,-?(?:{NUMBER}))*")


def _run_at(n: str, start: int) -> tuple[int, int, bool]:
    """The run of digits and separators around n[start] (its bounds), and whether it reads as no numbers."""
    i, j = start, start
    while i > 0 and n[i - 1] in _RUN_CHARS:
        i -= 1
    while j < len(n) and n[j] in _RUN_CHARS:
        j += 1
    return i, j, _NUMBERS_RUN.fullmatch(n[i:j].strip(",.")) is None


def number_groups(c: PrintedText) -> list[NumberGroup]:
    """The numbers of a clause, those printed as one list sharing a unit grouped
    ("4125.49,4143.91万元", "23.51%、38.28%", "A万元和B万元")."""
    toks = []
    run = (0, 0, False)  # the last run looked at: a list of numbers is one run, scanned once
    for m in _TOKEN.finditer(c.n):
        if not run[0] <= m.start("num") < run[1]:
            run = _run_at(c.n, m.start("num"))
        if run[2]:
            continue
        unit = m.group("unit")
        if unit and unit[-1] == "元" and len(unit) > 2:
            unit = unit[0] + "元"
        cut = None if unit else _CUT_UNIT.match(c.n, m.end("num"))
        if cut:  # a page or line cut inside 万元 (matched in place: slicing the rest off each number was quadratic)
            unit = cut.group(1) + "元"
            toks.append((m.start(), len(c.n.rstrip()), parse_amount(m.group("num")), unit))
            continue
        if not unit and _DATE_AFTER.match(c.n, m.end("num")):
            continue
        if unit and _THRESHOLD_AFTER.match(c.n, m.end()):
            continue
        if m.start() > 0 and c.n[m.start() - 1] == "第":
            continue
        value = parse_amount(m.group("num"))
        if value is None:
            continue
        toks.append((m.start(), m.end() if unit else m.end("num"), value, unit))
    groups: list[list[tuple]] = []
    for tok in toks:
        if groups:
            prev = groups[-1][-1]
            if _LIST_GAP.fullmatch(c.n[prev[1]:tok[0]]) and (prev[3] is None or prev[3] == tok[3]):
                groups[-1].append(tok)
                continue
        groups.append([tok])
    return [NumberGroup(g[0][0], g[-1][1], [x[2] for x in g], g[-1][3]) for g in groups]
