"""The running text of a disclosure → organization, per-subject execution lines and stated figures.

`read_narrative(rows, path, warnings)` reads the paragraph rows of a document (any layout
that yields `Row`s with paragraph=True for free text) and returns

* `Duty` records: the numbered items under a 部门职责 / 主要职能 heading (duties.py);
* `UnitMention`s: the department (from the 概况 heading), its internal divisions and
  affiliated units ("内设16个职能科（室）：A、B…", "7个直属事业单位：…") and the units whose
  accounts are consolidated (决算单位构成: "…的单位共8个…具体是：" and the list after it) (units.py);
* `SubjectLine`s: "1．X（类）Y（款）Z（项）。年初预算为…万元，支出决算为…万元，完成年初预算的…%。
  …主要原因是…" (subjects.py);
* `Figure`s: every other number the narrative states, read by a small clause grammar:
  a sentence is cut into clauses on ，；：、 (clauses.py), and in each clause a label is followed by a
  verb or measure word (为 / 是 / 预算 / 决算 / 增加 / 减少 / 占 / 完成…的 …) and one number, or a
  list of numbers ("各是A,B万元"), with its unit. A clause without a label of its own
  ("增长44.37%", "占99.91%", "支出决算为54.96万元") is about the label of the clause before it
  (figures.py).

Nothing is chosen silently: a count that differs from the names listed, a subject line
that states one figure twice with different values, or a list of values that does not
match its labels is reported in `warnings` ("path:line: …").

All matching is done on a normalised copy of each line with the same length as the
printed text (full-width digits and punctuation to their ASCII forms, one character for
one character), so that names and labels are always sliced from the text as printed
(printed.py); lines.py places each line under its headings and in its zone.
"""
from __future__ import annotations

import re

from cnbudget.loaders.narrative.duties import read_duties
from cnbudget.loaders.narrative.figures import MONEY_UNITS, figures_in_line
from cnbudget.loaders.narrative.lines import disclosure_kind, paragraph_lines
from cnbudget.loaders.narrative.subjects import read_subject_line, subject_head
from cnbudget.loaders.narrative.units import read_department, read_units
from cnbudget.loaders.records import Duty, Figure, Row, SubjectLine, UnitMention

__all__ = ["read_narrative"]

# the subsections of a 绩效 section that hold per-unit and per-project evaluation results
_EVALUATION_RESULTS = re.compile(r"自评结果|评价结果|自评表|评价报告|重点绩效|绩效目标")
# a count of bodies in the overview (内设16个职能科(室)) is read as units (units.py), not as a figure
_BODY_COUNTED = re.compile(r"(?:科|室|处|股|机构|部门|办|组|队|所|中心|单位|局|站)\)?$")


def read_narrative(rows: list[Row], path: str, warnings: list[str]
                   ) -> tuple[list[Duty], list[UnitMention], list[SubjectLine], list[Figure]]:
    """Organization, per-subject execution lines and stated figures from the paragraph rows."""
    lines = paragraph_lines(rows)
    duties, duty_line = read_duties(lines, path, warnings)
    units = read_department(lines, duty_line, path, warnings) + read_units(lines, path, warnings)
    kind = disclosure_kind(lines)
    subjects: list[SubjectLine] = []
    figures: list[Figure] = []
    carried: list = [None]  # the whole a line ending in 其中: leaves open for the line right after it
    for ln in lines:
        pending, carried[0] = carried[0], None
        if ln.zone == "org" and ln.level is None:  # 基本情况: its amounts, staff and counts of things not bodies
            figures += [f for f in figures_in_line(ln, kind, path, []) if f.unit in MONEY_UNITS or f.unit == "人"
                        or (f.unit == "个" and not _BODY_COUNTED.search(f.label))]
            continue
        if ln.zone != "narrative" or ln.level is not None:
            continue
        if re.search(r"绩效", ln.section) and _EVALUATION_RESULTS.search(ln.sub):
            continue  # per-unit and per-project evaluation results are read elsewhere
        head = subject_head(ln.t)
        s = read_subject_line(ln, head, len(subjects) + 1, path, warnings) if head else None
        if s:
            subjects.append(s)
            continue
        carried[0] = pending
        figures += figures_in_line(ln, kind, path, warnings, head.name if head else None, carried)
    return duties, units, subjects, figures
