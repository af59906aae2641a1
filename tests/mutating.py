"""The edits a copy of a document suffers, as hypothesis strategies: lines dropped, duplicated, swapped or taken
from another document, a digit changed, a full-width character put in, the text cut."""
from __future__ import annotations

from hypothesis import strategies as st

LINE_EDITS = ("drop", "duplicate", "swap", "splice")


def at(draw, n: int) -> int:
    """A place among n, anywhere (a fraction, since hypothesis favours small integers)."""
    return min(n - 1, int(draw(st.floats(0, 1, exclude_max=True)) * n))


@st.composite
def edits(draw, text: str, most: int, kinds: list[str], full_width: str, others: dict | None = None) -> str:
    """`text` after one to `most` edits of the `kinds` given; "splice" takes a line of one of `others`' texts."""
    for _ in range(draw(st.integers(1, most))):
        lines = text.split("\n")
        kind = draw(st.sampled_from(kinds))
        if kind == "drop":
            del lines[at(draw, len(lines))]
        elif kind == "duplicate":
            k = at(draw, len(lines))
            lines.insert(k, lines[k])
        elif kind == "swap":
            a, b = at(draw, len(lines)), at(draw, len(lines))
            lines[a], lines[b] = lines[b], lines[a]
        elif kind == "splice":  # a line of another text: a header, a marker, a unit line where it does not belong
            other = others[draw(st.sampled_from(sorted(others)))].split("\n")
            lines.insert(at(draw, len(lines) + 1), other[at(draw, len(other))])
        if kind in LINE_EDITS:
            text = "\n".join(lines)
        elif kind == "digit":
            digits = [k for k, c in enumerate(text) if c.isdigit()]
            if digits:
                k = digits[at(draw, len(digits))]
                text = text[:k] + draw(st.sampled_from("0123456789.,-")) + text[k + 1:]
        elif kind == "full-width":
            k = at(draw, len(text) + 1)
            text = text[:k] + draw(st.sampled_from(full_width)) + text[k:]
        else:
            text = text[: at(draw, len(text) + 1)]
    return text
