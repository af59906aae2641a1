"""One entry point for every file format: path → `Disclosure` record."""
from __future__ import annotations

import hashlib
import os
import re
from collections import Counter
from pathlib import Path
from typing import Iterator

from loaders import layout, tables
from loaders.errors import LoadError
from loaders.narrative import read_narrative
from loaders.performance import read_performance
from loaders.records import Disclosure, Narrative, Row
from loaders.text import clean_label, nfkc

SUPPORTED_SUFFIXES = {".txt": "text/plain", ".text": "text/plain"}
_DOC_TITLE = re.compile(r"(.{2,40}?)\s*((?:19|20)\d{2})\s*年度?\s*(?:部门|单位)?(决算|预算)")


def iter_files(paths: list[str]) -> Iterator[Path]:
    """Files named, and supported files found under folders named, in a stable order."""
    for p in map(Path, paths):
        if p.is_dir():
            for root, dirs, files in os.walk(p):
                dirs.sort()
                for f in sorted(files):
                    if Path(f).suffix.lower() in SUPPORTED_SUFFIXES and not f.startswith("."):
                        yield Path(root) / f
        else:
            yield p


def load_file(path: str | Path) -> Disclosure:
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise LoadError(str(path), None, "no such file")
    if suffix not in SUPPORTED_SUFFIXES:
        raise LoadError(str(path), None, f"unsupported file type {suffix or '(none)'}; supported: "
                        + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    data = path.read_bytes()
    text = layout.decode(data, str(path))
    if not layout.is_tab_layout(text):
        raise LoadError(str(path), 1, "unrecognised text layout: expected table cells one per line, tab indented")
    rows = layout.tab_cell_rows(text)
    return _disclosure(str(path), hashlib.sha256(data).hexdigest(), SUPPORTED_SUFFIXES[suffix], rows)


def _disclosure(path: str, sha256: str, media_type: str, rows: list[Row]) -> Disclosure:
    warnings: list[str] = []
    found = tables.find_tables(rows, path, warnings)
    if not found:
        raise LoadError(path, None, "no standard disclosure table (公开NN表) found")
    head = " ".join(c.text for r in rows[:40] for c in r.cells)
    m = _DOC_TITLE.search(nfkc(head))
    kind = _kind(found, m.group(3) if m else None)
    department = _most_common([t.department for t in found])
    year = _most_common([t.year for t in found]) or (int(m.group(2)) if m else None)
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
    if not department:
        warnings.append(f"{path}: no table names its department")
    rounding = next((s for r in rows for c in r.cells for s in re.split(r"(?<=。)", c.text)
                     if "尾数误差" in s or "尾差" in s), None)
    duties, units, subject_lines, figures = read_narrative(rows, path, warnings)
    evaluations, project_counts, key_evaluations, reports = read_performance(rows, path, warnings)
    narrative = Narrative(duties, units, subject_lines, figures, evaluations, project_counts, key_evaluations,
                          reports)
    return Disclosure(path=path, sha256=sha256, media_type=media_type, kind=kind, department=department,
                      year=year, consolidated=any(t.consolidated for t in found), tables=found,
                      warnings=warnings, rounding_note=clean_label(rounding) if rounding else None,
                      narrative=narrative)


def _phase_from_header(column) -> bool:
    from loaders import vocab
    return any(vocab.phase_for(label) for label in [column.label, *column.group])


def _kind(found, heading_kind: str | None) -> str:
    titles = " ".join(t.title for t in found)
    if "决算" in titles:
        return "final"
    if heading_kind == "预算" or re.search(r"预算(总)?表", titles):
        return "budget"
    return "final"


def _most_common(values):
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
