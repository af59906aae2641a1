"""One entry point for every file format: path → `Disclosure` record."""
from __future__ import annotations

import hashlib
import os
import re
import stat
from collections import Counter
from pathlib import Path
from typing import Iterator

from cnbudget.loaders import formats, tables
from cnbudget.loaders.errors import CUT_OFF, LoadError
from cnbudget.loaders.formats.registry import too_large
from cnbudget.loaders.identity import read_identity
from cnbudget.loaders.limits import Limits
from cnbudget.loaders.narrative import read_narrative
from cnbudget.loaders.evaluation import read_evaluations, read_project_execution
from cnbudget.loaders.records import Disclosure, Narrative, Row
from cnbudget.loaders.text import clean_label, nfkc

# the formats read (old binary Office files are known, to be refused with how to convert them)
SUPPORTED_SUFFIXES = sorted(s for s, f in formats.FORMATS.items() if f.name not in ("doc", "xls"))
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_FUND_BUDGETS = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算")


def iter_files(paths: list[str]) -> Iterator[Path]:
    """Files named, and supported files found under folders named, in a stable order. A folder that cannot be
    listed is yielded too, after what was found beside it, so that `load_file` reports it rather than its
    documents being silently missed. Anything else found under a folder with a supported suffix is yielded
    whatever it is (a FIFO, a link to a device): `load_file` refuses it, without opening it."""
    for p in map(Path, paths):
        if p.is_dir():
            unlisted: list[OSError] = []
            for root, dirs, files in os.walk(p, onerror=unlisted.append):
                dirs.sort()
                for f in sorted(files):
                    suffix = Path(f).suffix.lower()
                    # ~$name.docx: the lock file Office keeps beside an open document
                    if formats.format_for(suffix) and not f.startswith((".", "~$")):
                        yield Path(root) / f
            for e in unlisted:
                yield Path(e.filename) if e.filename else p
        else:
            yield p


_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))


def _file_kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_bytes(path: Path, limits: Limits) -> bytes:
    """The bytes of a regular file, at most the file-size limit: anything else (a FIFO, which would block; a
    device or a link to one, such as /dev/zero; a folder), a file too large, or one that cannot be opened or
    read, is a LoadError saying so. The file is opened without blocking and checked again once open, so a
    file swapped for a FIFO between the two checks cannot hang the load."""
    name = str(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise LoadError(name, None, "the file name is not valid UTF-8 (the undecodable bytes are shown as \\xNN); "
                        "rename the file, e.g. `convmv -f GBK -t UTF-8 --notest FILE`") from None
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if os.path.islink(path):
            raise LoadError(name, None, f"a link to {os.readlink(path)!r}, which does not exist") from None
        raise LoadError(name, None, "no such file") from None
    except OSError as e:
        raise LoadError(name, None, f"cannot be read: {e.strerror or e}") from None
    if stat.S_ISDIR(info.st_mode):
        try:
            os.listdir(path)
        except OSError as e:
            raise LoadError(name, None, f"a folder that cannot be listed ({e.strerror or e}): its documents are not "
                            "loaded") from None
    if not stat.S_ISREG(info.st_mode):
        raise LoadError(name, None, f"{_file_kind(info.st_mode)}, not a regular file: not read")
    if info.st_size > limits.file_size:
        raise too_large(name, info.st_size, limits)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as e:
        raise LoadError(name, None, f"cannot be read: {e.strerror or e}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise LoadError(name, None, f"{_file_kind(info.st_mode)}, not a regular file: not read")
        chunks, size = [], 0
        while size <= limits.file_size:  # bounded: a file that grows, or reports no size (/proc), stops here
            chunk = os.read(fd, min(1 << 20, limits.file_size + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as e:
        raise LoadError(name, None, f"cannot be read: {e.strerror or e}") from None
    finally:
        os.close(fd)
    if size > limits.file_size:
        raise too_large(name, size, limits, "the file (as read)")
    return b"".join(chunks)


def load_file(path: str | Path, limits: Limits | None = None) -> Disclosure:
    """One document: read (within `limits`, by default the environment's, loaders/limits.py), parsed, checked.
    A LoadError names the file, the line where known, and what is wrong."""
    path = Path(path)
    limits = limits or Limits.from_env()
    return load_data(path, read_bytes(_supported(path), limits), limits)


def _supported(path: Path) -> Path:
    if formats.format_for(path.suffix) is None and not path.is_dir():
        if not os.path.lexists(path):
            raise LoadError(str(path), None, "no such file")
        raise LoadError(str(path), None, f"unsupported file type {path.suffix.lower() or '(none)'}; supported: "
                        + ", ".join(sorted(SUPPORTED_SUFFIXES)))
    return path


def load_data(path: str | Path, data: bytes, limits: Limits | None = None) -> Disclosure:
    """The document in `data`, the bytes of the file at `path` (read by `read_bytes`); its format by the suffix."""
    path = Path(path)
    limits = limits or Limits.from_env()
    fmt = formats.format_for(_supported(path).suffix)
    if fmt is None:  # a folder, which read_bytes refuses
        raise LoadError(str(path), None, "a folder, not a regular file: not read")
    sha256 = hashlib.sha256(data).hexdigest()
    document = fmt.read(str(path), data, limits).finish()
    try:
        return _disclosure(str(path), sha256, fmt.media_type, document.rows, document.warnings)
    except LoadError as e:
        if document.alternative is None or e.reason != _NOTHING:
            raise document.located(e) from None
    document = document.alternative().finish()
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
    for table in found:  # rows the tables' arithmetic left undecided, told by the text where it can
        tables.settle(table, figures)
    if not found:
        if not (figures or subject_lines or evaluations or project_counts or key_evaluations or reports):
            raise LoadError(path, None, _NOTHING)
        warnings.append(f"{path}: no standard disclosure table (公开NN表 or a known table title) found; "
                        "only the narrative figures and performance records are loaded")
    identity = read_identity(rows)  # who, when, what the head of the document says (loaders/identity.py)
    kind = _kind(found, identity.kind.value if identity.kind else None)
    department = _most_common([t.department for t in found])
    year = (_most_common([t.year for t in found]) or (int(identity.year.value) if identity.year else None)
            or _heading_year(rows))
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
    cut = _parts_cut_off(rows, found, path, warnings)
    if cut:
        warnings.append(cut)
    rounding = next((s for r in rows for c in r.cells for s in re.split(r"(?<=。)", c.text)
                     if "尾数误差" in s or "尾差" in s), None)
    narrative = Narrative(duties, units, subject_lines, figures, evaluations, project_counts, key_evaluations,
                          reports)
    return Disclosure(path=path, sha256=sha256, media_type=media_type, kind=kind, department=department,
                      year=year, consolidated=any(t.consolidated for t in found), tables=found,
                      warnings=warnings, rounding_note=clean_label(rounding) if rounding else None,
                      narrative=narrative, identity=identity)


_PART = re.compile(r"^\s*第([一二三四五六七八九十])部分")
_PART_NUMBER = {c: n for n, c in enumerate("一二三四五六七八九十", 1)}
# a 第三部分 (情况说明) explains the tables of 第二部分 in their order, one section each; the sections of the later
# tables, named by these words in their headings, are those a document cut off in 第三部分 lacks
_EXPLAINED = {"GeneralBudgetExpenditure": "一般公共预算", "GeneralBudgetBasicExpenditure": "基本支出",
              "ThreePublicExpenses": "三公", "GovernmentFundStatement": "政府性基金",
              "StateCapitalStatement": "国有资本"}
_HEADING_CHARS = 60  # a heading is a short line; the body text of a section is longer
_ENDS_WITH_TABLE = "the text ends with this table's last row"


def _parts_cut_off(rows: list[Row], found: list, path: str, warnings: list[str]) -> str | None:
    """A warning when a disclosure printed in parts (第一部分 …) ends early: in 第三部分 without the section that a
    table of 第二部分 holding figures promises, or in 第二部分 right after a table; None otherwise."""
    parts: list[tuple[int, int]] = []  # (part number, index of its heading row)
    for k, r in enumerate(rows):
        if r.cells:
            m = _PART.match(nfkc(r.cells[0].text))
            if m:
                parts.append((_PART_NUMBER[m.group(1)], k))
    if not parts or not rows:
        return None
    last_part, start = parts[-1]
    last_line = rows[-1].cells[-1].line if rows[-1].cells else rows[-1].line
    numbers = {n for n, _ in parts}
    if last_part == 2 and 1 in numbers and any(_ENDS_WITH_TABLE in w for w in warnings):
        return (f"{path}:{last_line}: the text ends in 第二部分 right after a table, without the 第三部分 that a "
                f"disclosure printed in parts has; the document {CUT_OFF} here")
    if last_part != 3 or 2 not in numbers:
        return None
    headings = " ".join(nfkc(c.text) for r in rows[start + 1:] for c in r.cells[:1]
                        if len(c.text.strip()) <= _HEADING_CHARS)
    missing = [t for t in found if t.observations and t.type_key in _EXPLAINED
               and _EXPLAINED[t.type_key] not in headings]
    if not missing:
        return None
    names = "、".join(t.number or t.title for t in missing)
    return (f"{path}:{last_line}: the text ends in 第三部分 without a section on "
            f"{'、'.join(dict.fromkeys(_EXPLAINED[t.type_key] for t in missing))}, which 第二部分 has tables of "
            f"({names}); the document {CUT_OFF} here")


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
    if re.search(r"预算(总)?表", titles):
        return "budget"
    if heading_kind:  # the document's title (loaders/identity.py)
        return "final" if heading_kind == "决算" else "budget"
    if "预算" in _FUND_BUDGETS.sub("", titles):  # 部门“三公”经费预算情况表 (not 一般公共预算…)
        return "budget"
    return "final"


def _most_common(values):
    counts = Counter(v for v in values if v)
    return counts.most_common(1)[0][0] if counts else None
