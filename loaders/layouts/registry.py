"""The registry of text layouts: what a layout is (`Layout`), what a layout no producer reads is
(`Refusal`), and the order `detect` tries them in.

A layout is added in one place: a module here that defines its `Layout` (name, description, producer,
how to recognise it, its place in the order of detection) and registers it with `register`, imported
in this package's __init__.py. A refusal is registered the same way.
"""
from __future__ import annotations

from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Callable, TypeVar

from cnbudget.loaders.records import Row
from cnbudget.loaders.text import simplified_text

Producer = Callable[[str, str, list[str]], list[Row]]

# the share of a text's non-blank lines that must show a layout's mark for the text to be in that layout
SHARE = 0.2


class NumberedLines(Sequence):
    """Lines of a text as (number from 1, line) pairs, made as they are read: a pair per line of a long text
    held at once took several times the text's size."""
    __slots__ = ("_lines", "_index")

    def __init__(self, lines: list[str], index: "range | array"):
        self._lines = lines
        self._index = index  # the positions in `lines` of the lines in this sequence

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, k):
        if isinstance(k, slice):
            return [(i + 1, self._lines[i]) for i in self._index[k]]
        i = self._index[k]
        return i + 1, self._lines[i]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        lines = self._lines
        return ((i + 1, lines[i]) for i in self._index)


@dataclass(frozen=True)
class NormalisedText:
    """A text as detection looks at it: normalised (`simplified_text`), its lines numbered from 1."""
    text: str
    numbered: NumberedLines  # every line, without its "\r"
    nonblank: NumberedLines

    @classmethod
    def of(cls, text: str) -> "NormalisedText":
        text = simplified_text(text)[0]
        lines = text.split("\n")
        if "\r" in text:
            lines = [line.rstrip("\r") for line in lines]
        nonblank = array("L", (k for k, line in enumerate(lines) if line.strip()))
        return cls(text, NumberedLines(lines, range(len(lines))), NumberedLines(lines, nonblank))

    def enough(self, count: int) -> bool:
        """Whether `count` lines are a large enough share of the non-blank ones to mark a layout."""
        return count >= SHARE * len(self.nonblank)


@dataclass(frozen=True)
class Layout:
    name: str
    description: str
    produce: Producer
    recognise: Callable[[NormalisedText], bool]  # whether the text is in this layout
    order: int  # its place in the order of detection: lower first


@dataclass(frozen=True)
class Refusal:
    """A layout no producer reads (markup, comma-separated fields): detected like a layout, refused with a
    `LoadError` naming its first line."""
    name: str
    what: str  # how the error names it
    first_line: Callable[[NormalisedText], "int | None"]  # the text's first line in this layout; None: not in it
    order: int


Entry = TypeVar("Entry", Layout, Refusal)
REGISTERED: list[Layout | Refusal] = []


def register(entry: Entry) -> Entry:
    """Add a layout (or a refusal) to those `detect` tries; returns it."""
    if any(x.name == entry.name for x in REGISTERED):
        raise ValueError(f"layout {entry.name!r} registered twice")
    if any(x.order == entry.order for x in REGISTERED):  # the order of detection would hang on the imports'
        raise ValueError(f"layout {entry.name!r}: order {entry.order} already taken")
    REGISTERED.append(entry)
    return entry


def in_order() -> list[Layout | Refusal]:
    """The registered layouts and refusals in the order of detection."""
    return sorted(REGISTERED, key=lambda x: x.order)


def readable() -> list[Layout]:
    """The layouts a producer reads, in the order of detection."""
    return [x for x in in_order() if isinstance(x, Layout)]


def normalised(produce: Producer) -> Producer:
    """A producer that reads the text as `simplified_text` gives it, with a warning for what was changed."""
    def run(text: str, path: str, warnings: list[str]) -> list[Row]:
        text, notes = simplified_text(text)
        warnings.extend(f"{path}: {note}" for note in notes)
        return produce(text, path, warnings)
    run.__name__ = getattr(produce, "__name__", "produce")
    run.__doc__ = produce.__doc__
    return run
