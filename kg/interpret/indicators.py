"""Whether a performance indicator's achieved value meets its target."""
from __future__ import annotations

from cnbudget.loaders.records import Indicator


def target_met(ind: Indicator) -> bool | None:
    """Whether the actual value reaches the target, where both are numbers in the same unit."""
    if ind.expected_value is None or ind.actual_value is None:
        return None
    if (ind.expected_unit or "") != (ind.actual_unit or ""):
        return None
    e, a, op = ind.expected_value, ind.actual_value, ind.expected_op
    if op in ("≤", "<"):
        return a <= e if op == "≤" else a < e
    if op == ">":
        return a > e
    return a >= e  # ≥, = and a bare target: reaching it is meeting it
