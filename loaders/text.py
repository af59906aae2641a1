"""Text normalisation shared by the loaders: amounts, names and header labels."""
from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

# Cells that mean "no figure" rather than zero.
_BLANKS = {"", "-", "--", "—", "——", "－", "/", "…", "\\"}
_AMOUNT = re.compile(r"^[-+]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")
_ORDINAL = re.compile(
    r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．](?!\d)|其中[:：]|加[:：]|减[:：])+"
)


# 第二部分 … : the parts of a disclosure (概况, 表, 情况说明, 名词解释, 附件)
PART_HEADING = re.compile(r"^\s*第\s*[一二三四五六七八九十\d]+\s*部分")


def nfkc(text: str) -> str:
    """Full-width digits, letters and spaces to their plain forms; the minus sign (U+2212) to '-'."""
    return unicodedata.normalize("NFKC", text).replace("\u2212", "-")


def is_blank(text: str) -> bool:
    return nfkc(text).strip() in _BLANKS


def parse_amount(text: str) -> Decimal | None:
    """A printed amount as a Decimal: thousands separators, full-width digits and
    spaces allowed; None when the text is not an amount."""
    t = nfkc(text).strip().replace(" ", "")
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


def looks_numeric(text: str) -> bool:
    """Text a reader would take for a number, even a malformed one (e.g. 1,23.4.5)."""
    t = nfkc(text).strip().replace(" ", "")
    return bool(t) and bool(re.fullmatch(r"[-+(]?[\d.,]+[)]?%?", t)) and any(ch.isdigit() for ch in t)


def clean_label(text: str) -> str:
    """A name as printed, trimmed of layout whitespace (kept otherwise)."""
    t = re.sub(r"\s+", " ", text.replace("\u3000", " ")).strip()
    return _CJK_GAP.sub("", t)


def strip_ordinal(text: str) -> str:
    """A printed label without its ordinal prefix (一、 / 1. / （一） / 其中：), otherwise as printed."""
    t = text.strip()
    m = _ORDINAL.match(nfkc(t))
    return t[m.end():].strip() if m and len(nfkc(t[:m.end()])) == m.end() else t


def label_key(text: str) -> str:
    """Matching key for names and headers: no whitespace, ordinal prefixes, quotes or
    bracket width differences; 其它 → 其他."""
    t = nfkc(text)
    t = re.sub(r"\s+", "", t)
    t = re.sub(r"^\[bookmark:[^\]]*\]", "", t)
    t = _ORDINAL.sub("", t)
    t = t.replace("“", "").replace("”", "").replace('"', "").replace("‘", "").replace("’", "").replace("'", "")
    t = t.replace("(", "（").replace(")", "）").replace("其它", "其他")
    return t.strip("：:")


def is_indented(text: str) -> bool:
    """Printed with leading spaces: the document marks a sub-item that way."""
    return bool(re.match(r"^[ \u3000\u00a0]+\S", text))
