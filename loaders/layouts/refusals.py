"""Layouts no producer reads, refused with a `LoadError` naming the file and the first such line:
HTML/XML markup, and comma- (or semicolon-) separated fields."""
from __future__ import annotations

import re

from cnbudget.loaders.layouts.registry import NormalisedText, Refusal, register
from cnbudget.loaders.text import parse_amount

_MARKUP = re.compile(r"^\s*<(?:[A-Za-z][\w:-]*|/[A-Za-z][\w:-]*|!DOCTYPE|!--|\?xml)[\s>/]", re.I)


def _csv_like(line: str) -> bool:
    """A row of comma- or semicolon-separated fields with figures among them (not a sentence)."""
    if "。" in line:
        return False
    fields = [f.strip() for f in re.split(r"[,;]", line)]
    return (len(fields) >= 3 and all(len(f) <= 30 for f in fields)
            and sum(parse_amount(f) is not None for f in fields if f) >= 2)


def _first_markup_line(doc: NormalisedText) -> int | None:
    markup = [n for n, l in doc.nonblank if _MARKUP.match(l)]
    return markup[0] if markup and doc.enough(len(markup)) else None


def _first_csv_line(doc: NormalisedText) -> int | None:
    csv = [n for n, l in doc.nonblank if _csv_like(l)]
    return csv[0] if csv and doc.enough(len(csv)) else None


MARKUP = register(Refusal("markup", "HTML/XML markup", _first_markup_line, order=20))
COMMA_SEPARATED = register(Refusal("comma-separated", "comma- or semicolon-separated fields", _first_csv_line,
                                   order=40))
