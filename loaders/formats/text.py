"""Text files: decoded, checked, their layout detected (loaders/layouts/), then read into rows by that layout.

Decoding. UTF-8 (with or without BOM) is taken when the bytes are UTF-8; otherwise the encoding is detected
(charset-normalizer) and only the GB family (GB2312, GBK, GB18030) is read, as GB18030. Any other encoding
(Big5, UTF-16, Shift-JIS …) is refused with what it looks like and how to convert it, and so is a text whose
encoding cannot be told: read under a wrong guess it would load as garbage under a bogus title. A file that
ends inside a multi-byte character was cut off: the complete characters are read, with a warning that
says so.

Checks, before any layout is tried: control characters (C0 other than tab, line feed, carriage return)
are removed with a warning naming their lines, unless there are so many that the file is not text; a line
longer than the line-length limit, or more text than the text-size limit, is refused (loaders/limits.py).
"""
from __future__ import annotations

import codecs

from cnbudget.loaders import layouts
from cnbudget.loaders.errors import CUT_OFF, LoadError
from cnbudget.loaders.formats.registry import CONTROL, Rendering, controls_warning, file_format, too_long, \
    too_much_text
from cnbudget.loaders.limits import Limits

_BOMS = ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"), (codecs.BOM_UTF16_LE, "UTF-16"),
         (codecs.BOM_UTF16_BE, "UTF-16"))
# charset-normalizer's names of the encodings read as GB18030 (a superset of each)
_GB = {"gb18030", "gbk", "gb2312", "cp936"}
# how iconv names the encodings charset-normalizer finds, for the conversion hint
_ICONV = {"big5": "BIG5", "big5hkscs": "BIG5-HKSCS", "cp950": "CP950", "utf_16": "UTF-16", "utf_16_le": "UTF-16LE",
          "utf_16_be": "UTF-16BE", "utf_32": "UTF-32", "cp932": "CP932", "shift_jis": "SHIFT_JIS",
          "euc_jp": "EUC-JP", "euc_kr": "EUC-KR", "cp949": "CP949", "latin_1": "LATIN1", "cp1252": "CP1252"}
_UNSURE_CHAOS = 0.2  # charset-normalizer's share of "mess" above which a reading is not trusted
_MANY_CONTROLS = 0.01  # more control characters than this share of the text: binary data, not text


def decode(data: bytes, path: str, warnings: list[str] | None = None) -> str:
    """The text of a file: UTF-8, else GB18030 when the detector finds that family; otherwise an error naming
    the encoding found (and the line, when the bytes are neither UTF-8 nor GB18030 from some line on)."""
    warnings = warnings if warnings is not None else []
    for bom, name in _BOMS:
        if data.startswith(bom):
            raise LoadError(path, None, f"text is {name} (it starts with a {name} byte-order mark); only UTF-8 and "
                            f"GB18030 text is read: convert it first, e.g. `iconv -f {name} -t UTF-8`")
    if b"\x00" in data[:4096]:
        found, _ = _detect(data[:4096])
        if found is not None and found.encoding.startswith(("utf_16", "utf_32")):
            name = _ICONV.get(found.encoding, found.encoding)
            raise LoadError(path, None, f"text looks like {name} without a byte-order mark; only UTF-8 and GB18030 "
                            f"text is read: convert it first, e.g. `iconv -f {name} -t UTF-8`")
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise LoadError(path, line, "binary data (NUL byte): not a text disclosure")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as utf8_error:
        cut = _cut_character(data, utf8_error, "utf-8-sig")
        if cut is not None:
            warnings.append(_cut_warning(path, cut, "UTF-8"))
            return cut
        found, others = _detect(data)
        if found is None:
            line = data[: utf8_error.start].count(b"\n") + 1
            raise LoadError(path, line, "text is neither UTF-8 nor GB18030, and its encoding cannot be told "
                            "(not a text file?)") from None
        encoding = found.encoding
        if encoding not in _GB:
            name = _ICONV.get(encoding, encoding.upper().replace("_", "-"))
            raise LoadError(path, None, f"text looks like {name} (charset-normalizer), not UTF-8 or GB18030; it is "
                            f"not read, as it would load as garbage: convert it first, e.g. "
                            f"`iconv -f {name} -t UTF-8`") from None
        rivals = [r.encoding for r in others if r.encoding not in _GB and r.chaos <= found.chaos + 0.01]
        if rivals:
            raise LoadError(path, None, f"text is not UTF-8, and reads as well in {_ICONV.get(rivals[0], rivals[0])} "
                            "as in GB18030 (charset-normalizer); its encoding is unsure: save it as UTF-8") from None
        if found.chaos > _UNSURE_CHAOS:
            raise LoadError(path, None, f"text is not UTF-8, and reading it as GB18030 gives unlikely characters "
                            f"({found.chaos:.0%} of it); its encoding is unsure: save it as UTF-8") from None
        try:
            return data.decode("gb18030")
        except UnicodeDecodeError as gb_error:
            cut = _cut_character(data, gb_error, "gb18030")
            if cut is not None:
                warnings.append(_cut_warning(path, cut, "GB18030"))
                return cut
            line = data[: max(utf8_error.start, gb_error.start)].count(b"\n") + 1
            raise LoadError(path, line, "text is neither UTF-8 nor GB18030") from None


def _detect(data: bytes):
    """charset-normalizer's best reading of the bytes (None when no encoding fits) and the other readings."""
    from charset_normalizer import from_bytes  # imported here: UTF-8 text never needs it
    results = from_bytes(data)
    best = results.best()
    return best, [r for r in results if r is not best]


def _cut_character(data: bytes, error: UnicodeDecodeError, encoding: str) -> str | None:
    """The text before an incomplete character at the very end of the bytes (a file cut off), else None."""
    if error.start < len(data) - 3 or error.end != len(data):
        return None
    try:
        return data[: error.start].decode(encoding)
    except UnicodeDecodeError:
        return None


def _cut_warning(path: str, text: str, encoding: str) -> str:
    line = text.count("\n") + 1
    return (f"{path}:{line}: the file ends inside a character (an incomplete {encoding} byte sequence); the document "
            f"{CUT_OFF} here (the text before it is read)")


def check(text: str, path: str, limits: Limits, warnings: list[str]) -> str:
    """The text with its control characters removed (a warning names their lines), its lines and size within the
    limits; a LoadError otherwise."""
    lines = text.split("\n")
    for n, line in enumerate(lines, 1):
        if len(line) > limits.line_length:
            raise too_long(path, n, len(line), limits)
    if len(text) > limits.text_size:
        raise too_much_text(path, None, limits)
    if CONTROL.search(text):
        found: dict[int, set[str]] = {}
        count = 0
        for n, line in enumerate(lines, 1):
            chars = CONTROL.findall(line)
            if chars:
                found[n] = set(chars)
                count += len(chars)
        if count > max(16, len(text) * _MANY_CONTROLS):
            first = min(found)
            raise LoadError(path, first, f"binary data ({count:,} control characters, the first on line {first}): "
                            "not a text disclosure")
        warnings.append(controls_warning(path, found))
        text = CONTROL.sub("", text)
    return text


@file_format("text", (".txt", ".text"), "text/plain")
def read(path: str, data: bytes, limits: Limits | None = None) -> Rendering:
    limits = limits or Limits()
    warnings: list[str] = []
    text = check(decode(data, path, warnings), path, limits, warnings)
    early = list(warnings)  # decoding's and the checks' warnings, kept by a second reading too
    chosen = layouts.detect(text, path)
    rendering = Rendering(rows=chosen.produce(text, path, warnings), warnings=warnings, path=path, limits=limits)
    if chosen is not layouts.LINES:
        def line_by_line() -> Rendering:
            # nothing read in the layout the text looked like: read it line by line before giving up
            notes = early + [f"{path}: nothing readable as {chosen.name} ({chosen.description}); read line by line"]
            return Rendering(rows=layouts.LINES.produce(text, path, notes), warnings=notes, path=path, limits=limits)
        rendering.alternative = line_by_line
    return rendering
