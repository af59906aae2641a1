"""The registry of text layouts: what a layout is (`Layout`), what a layout no producer reads is
(`Refusal`), and the order `detect` tries them in.

A layout is added in one place: a module here that defines its `Layout` (name, description, producer,
how to recognise it, its place in the order of detection) and registers it with `register`, imported
in this package's __init__.py. A refusal is registered the same way.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, TypeVar

from cnbudget.loaders.records import Row
from cnbudget.loaders.text import simplified_text

Producer = Callable[[str, str, list[str]], list[Row]]

# the share of a text's non-blank lines that must show a layout's mark for the text to be in that layout
SHARE = 0.2


@dataclass(frozen=True)
class NormalisedText:
    """A text as detection looks at it: normalised (`simplified_text`), its lines numbered from 1."""
    text: str
    numbered: list[tuple[int, str]]  # every line, without its "\r"
    nonblank: list[tuple[int, str]]

    @classmethod
    def of(cls, text: str) -> "NormalisedText":
        text = simplified_text(text)[0]
        numbered = [(n, l.rstrip("\r")) for n, l in enumerate(text.split("\n"), 1)]
        return cls(text, numbered, [(n, l) for n, l in numbered if l.strip()])

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
