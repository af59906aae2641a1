"""Text layouts → rows of cells: which layout a text is in, and the producer for each.

Every producer turns text into the same `Row`s of `Cell`s (each cell with its source line;
running text as paragraph rows), so the readers of tables, narrative and evaluation records
read them all alike. Each layout module defines and registers its `Layout` (registry.py): its name,
description, producer, how to recognise it, and its place in the order of detection; `detect`
tries them in that order and takes the first that recognises the text. To add a layout, add a
module that registers it and import it here.

=====  ===============  =============================================================  ================
order  name             what the text looks like (how it is recognised)                module
=====  ===============  =============================================================  ================
10     tab              one cell per tab-indented line, blank line between rows        layouts.tabs
                        (a leading tab on 20% of the lines or more)
20     markup           HTML/XML (tags opening 20% of the lines or more): refused      layouts.refusals
30     pipe-cells       one cell per line ending in " |", a row's empty cells as bare  layouts.pipes
                        '|' after its last cell (a '|' on 20% of the lines or more,
                        fewer than half of them with two cells or more)
31     pipe-rows        one row per line, "a | b | c |", empty cells left out (a '|'   layouts.pipes
                        on 20% of the lines or more, half of them with two cells)
40     comma-separated  fields apart by commas or semicolons, figures among them (20%  layouts.refusals
                        of the lines or more): refused
50     flat             a table flattened into one very long line: title, unit,        layouts.flat
                        header and rows, cells apart by single spaces or tabs (one     (flat_pairs,
                        such line); a title the vocabulary lacks read by the table's   flat_labels)
                        shape: its unit, column labels, then labels each followed by
                        its figures
60     spaces           one row per line, cells apart by 2+ spaces / full-width        layouts.spaces
                        spaces (a run of them inside 20% of the lines or more)
70     blank-separated  one cell per line, a blank line between cells (after 60% of    layouts.lines
                        the lines or more)
75     words            one row per line, a label then its figures apart by single     layouts.words
                        spaces, words where figures would stand (单位不需填列); three
                        such rows in a run under a header line
80     lines            one cell or paragraph per line, nothing between (any text      layouts.lines
                        the layouts before do not recognise)
=====  ===============  =============================================================  ================

A text with a flat line (30+ cells, 8+ amounts, no sentence, a table title or 公开NN表 in or just
above it, or a title ending in 表 with a 单位 and column labels after it: no other layout prints one) is
`flat`, whatever its other lines. A Word or PDF paragraph that is a flat line is read the same way
(`flat.paragraph_tables`).

Before any of this the text is normalised (`loaders.text.simplified_text`, called by `detect` and by
every producer): the pinyin readings a character converter leaves (預(yù)算) are removed, and a text in
traditional characters is converted to simplified, line by line; the producers add a warning saying so. Markup and
comma-separated tables are layouts no producer reads (`Refusal`s, registered like the layouts): a
`LoadError` naming the file and the first such line.
"""
from __future__ import annotations

from cnbudget.loaders.errors import LoadError
# each module registers its layouts
from cnbudget.loaders.layouts import flat, lines, pipes, refusals, spaces, tabs, words  # noqa: F401
from cnbudget.loaders.layouts.flat import FLAT
from cnbudget.loaders.layouts.lines import BLANK_SEPARATED, LINES
from cnbudget.loaders.layouts.pipes import PIPE_CELLS, PIPE_ROWS
from cnbudget.loaders.layouts.registry import Layout, NormalisedText, Refusal, in_order, readable, register
from cnbudget.loaders.layouts.spaces import SPACES
from cnbudget.loaders.layouts.tabs import TAB
from cnbudget.loaders.records import Row

LAYOUTS = readable()


def detect(text: str, path: str) -> Layout:
    """The layout of a text; a `LoadError` (file and line) for text in a layout no producer reads."""
    doc = NormalisedText.of(text)
    if not doc.nonblank:
        raise LoadError(path, None, "empty text: no table, narrative or performance record to read")
    for entry in in_order():
        if isinstance(entry, Refusal):
            line = entry.first_line(doc)
            if line is not None:
                raise LoadError(path, line, f"unrecognised text layout: {entry.what}; readable text layouts are "
                                + ", ".join(f"{x.name} ({x.description})" for x in readable()))
        elif entry.recognise(doc):
            return entry
    raise AssertionError("the lines layout recognises any text")


def rows_of(text: str, path: str, warnings: list[str], layout: Layout | None = None) -> tuple[Layout, list[Row]]:
    """The rows of a text in its layout (detected unless given); problems go to `warnings`."""
    layout = layout or detect(text, path)
    return layout, layout.produce(text, path, warnings)


__all__ = ["Layout", "Refusal", "LAYOUTS", "detect", "rows_of", "register", "TAB", "PIPE_CELLS", "PIPE_ROWS", "FLAT",
           "SPACES", "BLANK_SEPARATED", "LINES"]
