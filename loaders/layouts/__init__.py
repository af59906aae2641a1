"""Text layouts → rows of cells: which layout a text is in, and the producer for each.

Every producer turns text into the same `Row`s of `Cell`s (each cell with its source line;
running text as paragraph rows), so loaders/tables.py, narrative.py and performance.py read
them all alike:

========================  ======================================================  =====================
name                      what the text looks like                                producer
========================  ======================================================  =====================
tab                       one cell per tab-indented line, blank line between rows  loaders.layout
pipe-cells                one cell per line ending in " |", a row's empty cells    layouts.pipes
                          as bare '|' after its last cell
pipe-rows                 one row per line, "a | b | c |", empty cells left out    layouts.pipes
flat                      a table flattened into one very long line: title, unit, layouts.flat
                          header and rows, cells apart by single spaces or tabs
spaces                    one row per line, cells apart by 2+ spaces / full-width  layouts.spaces
blank-separated           one cell per line, a blank line between cells            layouts.lines
lines                     one cell or paragraph per line, nothing between          layouts.lines
========================  ======================================================  =====================

`detect` decides from the share of lines that show each layout's mark (a leading tab, a '|',
a run of spaces inside the line, a blank line after it), in that order; text with none of them
is read as `lines`. A text with a flat line (30+ cells, 8+ amounts, no sentence, a table title or
公开NN表 in or just above it: no other layout prints one) is `flat`, whatever its other lines.

Before any of this the text is normalised (`loaders.text.simplified_text`, called by `detect` and by
every producer): the pinyin readings a character converter leaves (預(yù)算) are removed, and a text in
traditional characters is converted to simplified, line by line; the producers add a warning saying so. Markup and comma-separated tables are layouts no producer reads: a
`LoadError` naming the file and the first such line.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.layouts.tabs import is_tab_layout, tab_cell_rows
from cnbudget.loaders.layouts.flat import flat_lines, flat_rows
from cnbudget.loaders.layouts.lines import blank_separated_rows, line_rows
from cnbudget.loaders.layouts.pipes import pipe_cell_rows, pipe_rows
from cnbudget.loaders.layouts.spaces import GAP, space_rows
from cnbudget.loaders.records import Row
from cnbudget.loaders.text import parse_amount, simplified_text


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    produce: Callable[[str, str, list[str]], list[Row]]


def _tab(text: str, path: str, warnings: list[str]) -> list[Row]:
    return tab_cell_rows(text)


def _normalised(produce: Callable[[str, str, list[str]], list[Row]]) -> Callable[[str, str, list[str]], list[Row]]:
    """A producer that reads the text as `simplified_text` gives it, with a warning for what was changed."""
    def run(text: str, path: str, warnings: list[str]) -> list[Row]:
        text, notes = simplified_text(text)
        warnings.extend(f"{path}: {note}" for note in notes)
        return produce(text, path, warnings)
    run.__name__ = getattr(produce, "__name__", "produce")
    run.__doc__ = produce.__doc__
    return run


TAB = Layout("tab", "table cells one per line, tab indented", _normalised(_tab))
PIPE_CELLS = Layout("pipe-cells", "table cells one per line ending in ' |'", _normalised(pipe_cell_rows))
PIPE_ROWS = Layout("pipe-rows", "table rows one per line, cells separated by '|'", _normalised(pipe_rows))
FLAT = Layout("flat", "a table flattened into one long line, cells separated by single spaces", _normalised(flat_rows))
SPACES = Layout("spaces", "table rows one per line, cells separated by runs of spaces", _normalised(space_rows))
BLANK_SEPARATED = Layout("blank-separated", "one cell per line, a blank line between cells",
                         _normalised(blank_separated_rows))
LINES = Layout("lines", "one cell or paragraph per line", _normalised(line_rows))
LAYOUTS = [TAB, PIPE_CELLS, PIPE_ROWS, FLAT, SPACES, BLANK_SEPARATED, LINES]

_MARKUP = re.compile(r"^\s*<(?:[A-Za-z][\w:-]*|/[A-Za-z][\w:-]*|!DOCTYPE|!--|\?xml)[\s>/]", re.I)
_SHARE = 0.2


def _csv_like(line: str) -> bool:
    """A row of comma- or semicolon-separated fields with figures among them (not a sentence)."""
    if "。" in line:
        return False
    fields = [f.strip() for f in re.split(r"[,;]", line)]
    return (len(fields) >= 3 and all(len(f) <= 30 for f in fields)
            and sum(parse_amount(f) is not None for f in fields if f) >= 2)


def detect(text: str, path: str) -> Layout:
    """The layout of a text; a `LoadError` (file and line) for text in a layout no producer reads."""
    text = simplified_text(text)[0]
    numbered = [(n, l.rstrip("\r")) for n, l in enumerate(text.split("\n"), 1)]
    lines = [(n, l) for n, l in numbered if l.strip()]
    if not lines:
        raise LoadError(path, None, "empty text: no table, narrative or performance record to read")
    total = len(lines)
    if is_tab_layout(text):
        return TAB
    markup = [n for n, l in lines if _MARKUP.match(l)]
    if len(markup) >= _SHARE * total:
        raise LoadError(path, markup[0], "unrecognised text layout: HTML/XML markup; readable text layouts are "
                        + ", ".join(f"{x.name} ({x.description})" for x in LAYOUTS))
    piped = [l for _, l in lines if "|" in l]
    if len(piped) >= _SHARE * total:
        rows = sum(1 for l in piped if len([p for p in l.split("|") if p.strip()]) >= 2)
        return PIPE_ROWS if rows >= 0.5 * len(piped) else PIPE_CELLS
    csv = [n for n, l in lines if _csv_like(l)]
    if len(csv) >= _SHARE * total:
        raise LoadError(path, csv[0], "unrecognised text layout: comma- or semicolon-separated fields; readable "
                        "text layouts are " + ", ".join(f"{x.name} ({x.description})" for x in LAYOUTS))
    if flat_lines(text):
        return FLAT
    if sum(1 for _, l in lines if GAP.search(l.strip())) >= _SHARE * total:
        return SPACES
    after_blank = sum(1 for n, _ in lines if n < len(numbered) and not numbered[n][1].strip())
    if after_blank >= 0.6 * total:
        return BLANK_SEPARATED
    return LINES


def rows_of(text: str, path: str, warnings: list[str], layout: Layout | None = None) -> tuple[Layout, list[Row]]:
    """The rows of a text in its layout (detected unless given); problems go to `warnings`."""
    layout = layout or detect(text, path)
    return layout, layout.produce(text, path, warnings)


__all__ = ["Layout", "LAYOUTS", "detect", "rows_of", "TAB", "PIPE_CELLS", "PIPE_ROWS", "FLAT", "SPACES",
           "BLANK_SEPARATED", "LINES"]
