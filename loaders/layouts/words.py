"""One table row per line, its cells apart by single spaces: a web page or a PDF copied as text
(一、“三公”经费合计 21.63 21.63), with words where figures would stand (单位不需填列, 无, 空).

A line is a row when it is a label followed by figures (or such words), or a header line whose words are
all stub or column labels (项目 2016年预算数 / 小计 其中：一般公共预算安排数) next to such rows; a line
with only a label between rows (a sub-item whose cells are empty) is a row of one cell. Everything else
is running text, one paragraph per line.
"""
from __future__ import annotations

import re

from cnbudget.loaders.labels import is_column_label, is_filler, is_note, stub_role
from cnbudget.loaders.layouts.common import is_prose, paragraph
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, normalised, register
from cnbudget.loaders.records import Cell, Row
from cnbudget.loaders.text import is_blank, nfkc, parse_amount

_TOKEN = re.compile(r"\S+")
_SENTENCE = re.compile(r"[。；;，,！？:：]")
_MIN_ROWS = 3  # rows of figures a text needs to be in this layout


def _figure(token: str) -> bool:
    t = nfkc(token)
    return (parse_amount(t) is not None or is_filler(t) or is_blank(t)
            or (t.endswith("%") and parse_amount(t[:-1]) is not None))


def _split(line: str) -> tuple[str, list[str]] | None:
    """(label, figures) of a line that is a label then one or more figures; None for any other line."""
    tokens = _TOKEN.findall(line)
    k = len(tokens)
    while k > 0 and _figure(tokens[k - 1]):
        k -= 1
    if k == 0 or k == len(tokens):
        return None
    label = " ".join(tokens[:k])
    if len(label) > 40 or _SENTENCE.search(nfkc(label).replace("其中:", "").replace("其中：", "")) \
            or is_note(label) or not any(parse_amount(t) is not None or is_filler(t) for t in tokens[k:]):
        return None
    return label, tokens[k:]


def _header(line: str) -> list[str] | None:
    tokens = _TOKEN.findall(line)
    if len(tokens) >= 2 and all(stub_role(t) or is_column_label(t) for t in tokens) \
            and any(is_column_label(t) for t in tokens):
        return tokens
    return None


def _label_only(line: str) -> bool:
    t = line.strip()
    return 0 < len(t) <= 30 and not _SENTENCE.search(nfkc(t).replace("其中:", "")) and not is_prose(t)


def word_rows(text: str, path: str, warnings: list[str]) -> list[Row]:
    lines = text.split("\n")
    kinds: list[str] = []
    for line in lines:
        if not line.strip():
            kinds.append("blank")
        elif _split(line):
            kinds.append("row")
        elif _header(line):
            kinds.append("header")
        elif _label_only(line):
            kinds.append("label")
        else:
            kinds.append("text")
    rows: list[Row] = []
    for k, (line, kind) in enumerate(zip(lines, kinds)):
        n = k + 1
        if kind == "blank":
            continue
        near = kinds[max(0, k - 2):k] + kinds[k + 1:k + 3]
        if kind == "row":
            label, figures = _split(line)
            indent = line[:len(line) - len(line.lstrip())]
            rows.append(Row(cells=[Cell(indent + label, n), *(Cell(f, n) for f in figures)], line=n))
        elif kind == "header" and ("row" in near or "header" in near):
            rows.append(Row(cells=[Cell(t, n) for t in _TOKEN.findall(line)], line=n))
        elif kind == "label" and "row" in kinds[max(0, k - 1):k] and "row" in kinds[k + 1:k + 2]:
            rows.append(Row(cells=[Cell(line.rstrip(), n)], line=n))  # a sub-item with its cells empty
        else:
            rows.append(paragraph(Cell(line.strip(), n)))
    return rows


def _is_words(doc: NormalisedText) -> bool:
    """Rows of figures apart by single spaces, three or more in a run, under a header line."""
    run = best = 0
    header = False
    for _, line in doc.nonblank:
        if _split(line):
            run += 1
            best = max(best, run)
        elif _header(line):
            header = True
            run = 0
        elif not _label_only(line):
            run = 0
    return header and best >= _MIN_ROWS


WORDS = register(Layout("words", "one row per line, cells apart by single spaces (label then figures)",
                        normalised(word_rows), _is_words, order=75))
