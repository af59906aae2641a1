"""One entry point for every file format: path → `Disclosure` record."""
from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from cnbudget.loaders import formats, tables
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.narrative import read_narrative
from cnbudget.loaders.evaluation import read_evaluations, read_project_execution
from cnbudget.loaders.records import Disclosure, Narrative, Row
from cnbudget.loaders.text import clean_label, nfkc

# the formats read (old binary Office files are known, to be refused with how to convert them)
SUPPORTED_SUFFIXES = sorted(s for s, f in formats.FORMATS.items() if f.name not in ("doc", "xls"))
_DOC_TITLE = re.compile(r"(.{2,40}?)\s*((?:19|20)\d{2})\s*年度?\s*(?:部门|单位)?(决算|预算)")
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FUND_BUDGETS = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算")


def iter_files(paths: list[str]) -> Iterator[Path]:
    """Files named, and supported files found under folders named, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    suffix = Path(f).suffix.lower()
                    # ~$name.docx: the lock file Office keeps beside an open document
                    if formats.format_for(suffix) and not f.startswith((".", "~$")):
                        yield Path(root) / f
        else:
            yield p


def load_file(path: str | Path) -> Disclosure:
    path = Path(path)
    if not path.exists():
        raise LoadError(str(path), None, "no such file")
    fmt = formats.format_for(path.suffix)
    if fmt is None:
        raise LoadError(str(path), None, f"unsupported file type {path.suffix.lower() or '(none)'}; supported: "
                        + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    data = path.read_bytes()
    sha256 = hashlib.sha256(data).hexdigest()
    document = fmt.read(str(path), data)
    try:
        return _disclosure(str(path), sha256, fmt.media_type, document.rows, document.warnings)
    except LoadError as e:
        if document.alternative is None or e.reason != _NOTHING:
            raise document.located(e) from None
    document = document.alternative()
    return _disclosure(str(path), sha256, fmt.media_type, document.rows, document.warnings)


_NOTHING = ("no standard disclosure table (公开NN表 or a known table title) found, and no narrative figures "
            "or performance records")


def _disclosure(path: str, sha256: str, media_type: str, rows: list[Row],
                warnings: list[str] | None = None) -> Disclosure:
    warnings = warnings if warnings is not None else []
    counts: list = []  # rows of tables that count things (vehicles, groups), read as figures
    found = tables.find_tables(rows, path, warnings, counts)
    duties, units, subject_lines, figures = read_narrative(rows, path, warnings)
    evaluations, project_counts, key_evaluations, reports = read_evaluations(rows, path, warnings)
    projects = read_project_execution(rows, path, warnings)
    figures = figures + counts + projects
    if not found:
        if not (figures or subject_lines or evaluations or project_counts or key_evaluations or reports):
            raise LoadError(path, None, _NOTHING)
        warnings.append(f"{path}: no standard disclosure table (公开NN表 or a known table title) found; "
                        "only the narrative figures and performance records are loaded")
    head = " ".join(c.text for r in rows[:40] for c in r.cells)
    m = _DOC_TITLE.search(nfkc(head))
    kind = _kind(found, m.group(3) if m else None)
    department = _most_common([t.department for t in found])
    year = _most_common([t.year for t in found]) or (int(m.group(2)) if m else None) or _heading_year(rows)
    unit = _most_common([t.unit for t in found])
    for t in found:
        if t.department and department and t.department != department:
            warnings.append(f"{path}:{t.line}: {t.number} names department {t.department!r}, other tables {department!r}")
        t.department = t.department or department
        t.year = t.year or year
        if not t.unit:
            t.unit = unit or "万元"
            warnings.append(f"{path}:{t.line}: {t.number or t.title} states no currency unit; using {t.unit}")
        t.default_phase = "executed" if kind == "final" else "approved"
        for column in t.columns:
            if column.phase in (None, "executed", "approved") and not _phase_from_header(column):
                column.phase = t.default_phase
    if not department and found:
        warnings.append(f"{path}: no table names its department")
    rounding = next((s for r in rows for c in r.cells for s in re.split(r"(?<=。)", c.text)
                     if "尾数误差" in s or "尾差" in s), None)
    narrative = Narrative(duties, units, subject_lines, figures, evaluations, project_counts, key_evaluations,
                          reports)
    return Disclosure(path=path, sha256=sha256, media_type=media_type, kind=kind, department=department,
                      year=year, consolidated=any(t.consolidated for t in found), tables=found,
                      warnings=warnings, rounding_note=clean_label(rounding) if rounding else None,
                      narrative=narrative)


def _heading_year(rows: list[Row]) -> int | None:
    """The year of a document whose tables state none: the first year in a heading line about a
    budget, final accounts or an evaluation (岳阳县2017年度部门“三公”经费预算情况表)."""
    for r in rows[:40]:
        for c in r.cells:
            t = nfkc(c.text)
            m = _YEAR.search(t)
            if m and len(t) <= 80 and re.search(r"预算|决算|绩效", t):
                return int(m.group(1))
    return None


def _phase_from_header(column) -> bool:
    from cnbudget.loaders import vocab
    return any(vocab.phase_for(label) for label in [column.label, *column.group])


def _kind(found, heading_kind: str | None) -> str:
    titles = " ".join(t.title for t in found)
    if "决算" in titles:
        return "final"
    if heading_kind == "预算" or re.search(r"预算(总)?表", titles):
        return "budget"
    if "预算" in _FUND_BUDGETS.sub("", titles):  # 部门“三公”经费预算情况表 (not 一般公共预算…)
        return "budget"
    return "final"


def _most_common(values):
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
