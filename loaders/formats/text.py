"""Text files: decoded, their layout detected (loaders/layouts/), then read into rows by that layout."""
from __future__ import annotations

from cnbudget.loaders import layouts
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.formats.registry import Rendering, file_format


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), else GB18030; otherwise an error naming the line."""
    if b"\x00" in data[:4096]:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise LoadError(path, line, "binary data (NUL byte): not a text disclosure")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise LoadError(path, line, "text is neither UTF-8 nor GB18030") from None


@file_format("text", (".txt", ".text"), "text/plain")
def read(path: str, data: bytes) -> Rendering:
    text = decode(data, path)
    chosen = layouts.detect(text, path)
    warnings: list[str] = []
    rendering = Rendering(rows=chosen.produce(text, path, warnings), warnings=warnings)
    if chosen is not layouts.LINES:
        def line_by_line() -> Rendering:
            # nothing read in the layout the text looked like: read it line by line before giving up
            notes = [f"{path}: nothing readable as {chosen.name} ({chosen.description}); read line by line"]
            return Rendering(rows=layouts.LINES.produce(text, path, notes), warnings=notes)
        rendering.alternative = line_by_line
    return rendering
