"""How much input one document may bring: limits that keep a load within a small machine's memory.

Parsing costs about 0.7 GB of memory per million characters of text (a figure is an object with its
row, column and line, then some 25 triples), and `kg load` parses in one worker process per core while
the main process writes. The defaults keep two workers and the writer within a few GB; each is
configurable (`kg load --max-…`, or the environment variable named in `ENVIRONMENT`):

- file size: bytes read of any file (checked before reading, and the read is bounded, so a file that
  grows or reports no size, such as a /proc file, cannot exceed it); for .docx / .xlsx also the
  unpacked size of their XML parts (a zip bomb is refused before it is parsed);
- text size: characters of text a document gives (a text file's decoded text; the text of the
  paragraphs and cells of a .docx, .xlsx or .pdf, counted as they are read);
- line length: characters of one line (a text file's line, a paragraph's line or a cell's line);
- base IRI length: characters of `--base-iri`, which every minted IRI repeats.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields, replace

_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30}
_SIZE = re.compile(r"^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$", re.IGNORECASE)


def parse_size(text: str | int) -> int:
    """`32M`, `100k`, `1G`, `2MiB`, `5000` → a number (K, M, G: 1024, 1024², 1024³); a ValueError otherwise."""
    if isinstance(text, int):
        value = text
    else:
        m = _SIZE.match(str(text))
        if not m:
            raise ValueError(f"{text!r} is not a size (a whole number, optionally followed by K, M or G)")
        value = int(m.group(1)) * _UNITS[m.group(2).lower()]
    if value < 1:
        raise ValueError(f"{text!r}: a limit must be at least 1")
    return value


def format_size(n: int) -> str:
    """32 MiB, 100 KiB, 49.7 MiB, 5,000 bytes."""
    for unit, name in ((1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")):
        if n >= unit:
            return f"{n // unit} {name}" if n % unit == 0 else f"{n / unit:.1f} {name}"
    return f"{n:,} bytes"


@dataclass(frozen=True)
class Limits:
    file_size: int = 32 << 20  # bytes of a file (and of the unpacked XML of a .docx / .xlsx)
    text_size: int = 1_000_000  # characters of text of one document (about 0.7 GB to parse)
    line_length: int = 100_000  # characters of one line
    base_iri_length: int = 256  # characters of the base IRI

    @classmethod
    def from_env(cls, environ=None) -> "Limits":
        """The defaults, overridden by the environment variables set (`ENVIRONMENT`); a ValueError names the
        variable whose value is not a size."""
        environ = os.environ if environ is None else environ
        given = {}
        for f in fields(cls):
            value = environ.get(ENVIRONMENT[f.name])
            if value not in (None, ""):
                try:
                    given[f.name] = parse_size(value)
                except ValueError as e:
                    raise ValueError(f"{ENVIRONMENT[f.name]}: {e}") from None
        return replace(cls(), **given)

    def check_base_iri(self, base: str | None) -> None:
        if base is not None and len(base) > self.base_iri_length:
            raise ValueError(f"the base IRI is {len(base):,} characters long; the limit is {self.base_iri_length:,} "
                             f"({OPTION['base_iri_length']}, {ENVIRONMENT['base_iri_length']}): every minted IRI "
                             "repeats it")


# how each limit is set: the `kg load` option and the environment variable
OPTION = {"file_size": "--max-file-size", "text_size": "--max-text-size", "line_length": "--max-line-length",
          "base_iri_length": "--max-base-iri-length"}
ENVIRONMENT = {"file_size": "KG_MAX_FILE_SIZE", "text_size": "KG_MAX_TEXT_SIZE",
               "line_length": "KG_MAX_LINE_LENGTH", "base_iri_length": "KG_MAX_BASE_IRI_LENGTH"}


def how_to_raise(name: str) -> str:
    """`--max-file-size` or KG_MAX_FILE_SIZE: what an error says to raise a limit."""
    return f"{OPTION[name]} or {ENVIRONMENT[name]}"
