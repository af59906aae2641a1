"""Text normalisation shared by the loaders: amounts, names and header labels."""
from __future__ import annotations

import re
from collections import Counter
import unicodedata
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Iterator

# Cells that mean "no figure" rather than zero.
_BLANKS = {"", "-", "--", "—", "——", "－", "/", "…", "\\"}
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_NUMERIC = re.compile(r"[-+(]?[\d.,]+[)]?%?")
# a space between digits that is no thousands gap (1 234.56): inside the decimals (9,261.57 1) or before a run that
# is not a group of three, it joins two numbers into one that is printed nowhere
_JOINED = re.compile(r"\.\d*\s+\d|\d\s+(?!\d{3}(?:[,.\s]|$))\d")
_SPACES = re.compile(r"\s+")
_BOOKMARK = re.compile(r"^\[bookmark:[^\]]*\]")
_INDENTED = re.compile(r"^[ \u3000\u00a0]+\S")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|其中[:：]|加[:：]|减[:：])+"
)


# 第二部分 … : the parts of a disclosure (概况, 表, 情况说明, 名词解释, 附件)
PART_HEADING = re.compile(r"^\s*第\s*[一二三四五六七八九十\d]+\s*部分")


# nfkc, is_blank, parse_amount and label_key are pure and called for every cell many times over. What is cheap
# is answered without a cache: an ASCII text (amounts, codes) and text already in normal form (most Chinese
# text) are their own normal form, a number is its own key; past the caches' size (a document of some 60,000
# distinct cells) each pass over the cells would otherwise work them out again, and a miss costs more than the
# work. The rest is cached, for texts up to this length (cells and labels): a paragraph or a table flattened
# into one line is worked out each time it is asked about, rather than kept (with its normal form) in the
# caches after it is read.
CACHED_LENGTH = 256
_cache = lru_cache(maxsize=1 << 16)


def nfkc(text: str) -> str:
    """Full-width digits, letters and spaces to their plain forms; the minus sign (U+2212) to '-'."""
    if text.isascii():  # its own normal form
        return text
    if len(text) > CACHED_LENGTH:
        return _nfkc(text)
    if unicodedata.is_normalized("NFKC", text) and "\u2212" not in text:  # most Chinese text: as cheap as a cache
        return text
    return _nfkc_cached(text)


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-")


def is_blank(text: str) -> bool:
    return (text if text.isascii() else nfkc(text)).strip() in _BLANKS


def parse_amount(text: str) -> Decimal | None:
    """A printed amount as a Decimal: thousands separators, full-width digits and
    spaces allowed; None when the text is not an amount."""
    return _parse_amount_cached(text) if len(text) <= CACHED_LENGTH else _parse_amount(text)


def _parse_amount(text: str) -> Decimal | None:
    t = nfkc(text).strip()
    if " " in t:
        if _JOINED.search(t):
            return None
        t = t.replace(" ", "")
    neg = t.startswith("(") and t.endswith(")")
    if neg:
        t = t[1:-1]
    if not _AMOUNT.match(t):
        return None
    try:
        value = Decimal(t.replace(",", ""))
    except InvalidOperation:
        return None
    return -value if neg else value


_nfkc_cached, _parse_amount_cached = _cache(_nfkc), _cache(_parse_amount)


def looks_numeric(text: str) -> bool:
    """Text a reader would take for a number, even a malformed one (e.g. 1,23.4.5)."""
    t = nfkc(text).strip().replace(" ", "")
    return bool(t) and bool(_NUMERIC.fullmatch(t)) and any(ch.isdigit() for ch in t)


def clean_label(text: str) -> str:
    """A name as printed, trimmed of layout whitespace (kept otherwise)."""
    t = _SPACES.sub(" ", text.replace("\u3000", " ")).strip()
    return _CJK_GAP.sub("", t)


def strip_ordinal(text: str) -> str:
    """A printed label without its ordinal prefix (一、 / 1. / （一） / 其中：), otherwise as printed."""
    t = text.strip()
    m = _ORDINAL.match(nfkc(t))
    return t[m.end():].strip() if m and len(nfkc(t[:m.end()])) == m.end() else t


# label_key: the quotes left out, half-width brackets made full-width (one pass)
_KEY_CHARS = str.maketrans({"“": None, "”": None, '"': None, "‘": None, "’": None, "'": None, "(": "（", ")": "）"})
_KEY_CHAR = re.compile("[“”\"‘’'()]")


def label_key(text: str) -> str:
    """Matching key for names and headers: no whitespace, ordinal prefixes, quotes or
    bracket width differences; 其它 → 其他."""
    if text.isascii() and _NUMBER_KEY.fullmatch(text):  # an amount or a code: its own key
        return text
    return _label_key_cached(text) if len(text) <= CACHED_LENGTH else _label_key(text)


def _label_key(text: str) -> str:
    t = "".join(nfkc(text).split())  # no whitespace (what \s matches)
    if t.startswith("[bookmark:"):
        t = _BOOKMARK.sub("", t)
    m = _ORDINAL.match(t)
    if m:
        t = t[m.end():]
    if _KEY_CHAR.search(t):  # (translate is slow on Chinese text: only where there is something to translate)
        t = t.translate(_KEY_CHARS)
    if "其它" in t:
        t = t.replace("其它", "其他")
    return t.strip("：:")


_label_key_cached = _cache(_label_key)
# digits and commas, a decimal part after them: no whitespace, ordinal (a number's dot is followed by a
# digit), quote, bracket or colon for label_key to take out
_NUMBER_KEY = re.compile(r"[\d,]*\d(?:\.\d+)?")


def is_indented(text: str) -> bool:
    """Printed with leading spaces: the document marks a sub-item that way."""
    return bool(_INDENTED.match(text))


def iter_lines(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """The lines of a text, as `text.split("\\n")` gives them, without a list of them all at once (a string
    per line of a long text took several times its size): split a chunk of lines at a time."""
    start, size = 0, len(text)
    while size - start > chunk:
        cut = text.rfind("\n", start, start + chunk)
        if cut < 0:
            cut = text.find("\n", start + chunk)
            if cut < 0:
                break
        yield from text[start:cut].split("\n")
        start = cut + 1
    yield from text[start:].split("\n")


# --- traditional characters -------------------------------------------------------------------
# A disclosure printed in traditional characters (部門決算 … 單位：萬元) is read after conversion to
# simplified ones, line by line so that every line keeps its number. Only a text where a share of the
# characters exists in traditional form only is converted: simplified text is never touched. Converters
# leave debris behind: a pinyin reading in brackets after a character (預(yù)算, 單（dān）位), removed in
# any text (a tone-marked syllable in brackets straight after a Chinese character is never a figure's
# or a name's own content).

TRADITIONAL_SHARE = 0.05  # of the Chinese characters: traditional-only ones in a traditional text (~20-40 %)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
_SYLLABLE = rf"[a-zü{_TONED}]{{1,6}}[1-5]?"
_PINYIN_DEBRIS = re.compile(
    rf"(?<=[\u4e00-\u9fff])[(（]\s*({_SYLLABLE}(?:\s+{_SYLLABLE}){{0,3}})\s*[)）]")


@lru_cache(maxsize=1)
def _t2s():
    """The OpenCC traditional → simplified converter (None where the library is not installed)."""
    try:
        import opencc
    except ImportError:
        return None
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=None)
def _traditional_only(ch: str) -> bool:
    conv = _t2s()
    return conv is not None and conv.convert(ch) != ch


def _han_counts(text: str) -> dict[str, int]:
    """How often each Chinese character occurs in a text: counted in one pass, without a string per
    occurrence (a list of every character of a 50 MB text took twenty times its size)."""
    return {ch: n for ch, n in Counter(text).items() if "\u4e00" <= ch <= "\u9fff"}


def traditional_share(text: str) -> float:
    """The share of the Chinese characters of a text that exist in traditional form only (0 without any)."""
    return _share(_han_counts(text))


def _share(han: dict[str, int]) -> float:
    """`traditional_share` from the counts of the Chinese characters."""
    # each distinct character converted once, not each occurrence
    if not han:
        return 0.0
    return sum(n for ch, n in han.items() if _traditional_only(ch)) / sum(han.values())


def is_traditional(text: str) -> bool:
    return traditional_share(text) >= TRADITIONAL_SHARE


def _is_debris(m: re.Match) -> bool:
    reading = m.group(1)
    return any(ch in _TONED for ch in reading) or bool(re.search(r"[a-zü][1-5]\b", reading))


def _strip_debris(pattern: re.Pattern, text: str) -> tuple[str, int]:
    count = 0

    def drop(m: re.Match) -> str:
        nonlocal count
        if _is_debris(m):
            count += 1
            return ""
        return m.group(0)

    return pattern.sub(drop, text), count


def strip_pinyin_debris(line: str) -> tuple[str, int]:
    """A line without the pinyin readings a converter left after characters (預(yù)算 → 預算), and how many."""
    return _strip_debris(_PINYIN_DEBRIS, line)


# the same in a whole text at once: the spaces inside a reading never a line break, so that a match
# never spans lines and the text reads as it does line by line
_PINYIN_DEBRIS_IN_TEXT = re.compile(_PINYIN_DEBRIS.pattern.replace(r"\s", r"[^\S\n]"))


@lru_cache(maxsize=2)  # detection and the layout's reader normalise the same text: once
def simplified_text(text: str) -> tuple[str, tuple[str, ...]]:
    """The text as the loaders read it: converter debris removed, traditional characters converted to
    simplified (only when the text is detected as traditional), line by line (the line numbers stay);
    and notes saying what was changed, for the load's warnings."""
    notes: list[str] = []
    joined, debris = strip_pinyin_debris_in_text(text)  # `text` itself when there is none
    if debris:
        notes.append(f"{debris} pinyin reading(s) left by a character converter (預(yù)算) removed")
    han = _han_counts(joined)
    share = _share(han)
    if share >= TRADITIONAL_SHARE:
        conv = _t2s()
        lines = [conv.convert(line) if _HAN.search(line) else line for line in joined.split("\n")]
        notes.append(f"text in traditional characters ({share:.0%} traditional-only characters) converted to "
                     "simplified before reading (OpenCC t2s)")
        joined = "\n".join(lines)
    elif _t2s() is None and sum(n for ch, n in han.items() if ch in _FALLBACK_TRADITIONAL) >= 0.01 * sum(
            han.values()) > 0:
        notes.append("text looks traditional but no converter (opencc-py) is installed: read as printed")
    return joined, tuple(notes)


def strip_pinyin_debris_in_text(text: str) -> tuple[str, int]:
    """`strip_pinyin_debris` of every line of a text, in one pass over the whole text (no list of its lines);
    the text itself when there is nothing to remove."""
    out, count = _strip_debris(_PINYIN_DEBRIS_IN_TEXT, text)
    return (out, count) if count else (text, 0)


_FALLBACK_TRADITIONAL = set("單萬預決開門與財撥醫療衛計劃總務額費實際當")  # to warn when no converter is installed


def is_figure(text: str) -> bool:
    """A cell that holds a figure: an amount, or something numeric (a count, a rate, a code printed as one)."""
    return parse_amount(text) is not None or looks_numeric(text)


def is_percent(text: str) -> bool:
    """A cell printed as a percentage (全角 ％ too)."""
    return nfkc(text).strip().endswith("%")
