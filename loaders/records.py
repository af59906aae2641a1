"""Plain records a loader produces: what a disclosure says, before any RDF.

A `Row` is a list of `Cell`s as the layout gives them; a `Table` holds the
interpreted header (`Column`s) and the figures (`Observation`s) with the source
line of every cell, so each number stays traceable to the document.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Cell:
    text: str
    line: int


@dataclass
class Row:
    cells: list[Cell]
    line: int
    paragraph: bool = False  # free text outside any table grid

    @property
    def texts(self) -> list[str]:
        return [c.text for c in self.cells]


@dataclass
class Column:
    """One value column of a table: its leaf header as printed and the headers above it."""
    position: int
    label: str  # leaf header as printed ("" when the table prints none)
    group: list[str] = field(default_factory=list)  # headers above the leaf, top first
    side: int = 0  # 0 left / income side, 1 right / expenditure side, ...
    side_label: str = ""
    number: int | None = None  # 栏次
    item: str | None = None  # account item key (items.ttl local name)
    phase: str | None = None  # approved / revised / executed, when the header says


@dataclass
class Observation:
    amount: Decimal
    line: int
    column: Column
    row_label: str
    row_code: str | None = None
    line_number: int | None = None  # 行次
    row_item: str | None = None  # account item key of the row
    row_class: str | None = None  # functional 类 code resolved from an un-coded row name
    indented: bool = False  # printed with leading spaces: a sub-item of the row above
    row_index: int = 0  # ordinal of the data row in the table (1-based)

    @property
    def subject_kind(self) -> str | None:
        code = self.row_code or self.row_class
        if not code:
            return None
        return "economic" if code[0] in "3456789" else "functional"


@dataclass
class Table:
    number: str  # as printed, e.g. 公开03表 ("" if none)
    code: str  # two-digit number or ordinal, used in IRIs
    title: str
    line: int
    type_key: str | None = None  # table type key (tables.ttl local name)
    department: str | None = None
    consolidated: bool = False
    year: int | None = None
    unit: str | None = None  # 万元 / 元 as printed
    columns: list[Column] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    empty_reason: str | None = None
    note: str | None = None
    default_phase: str = "executed"

    @property
    def is_empty(self) -> bool:
        return not self.observations


@dataclass
class Disclosure:
    path: str
    sha256: str
    media_type: str
    kind: str  # "final" (决算) or "budget" (预算)
    department: str | None
    year: int | None
    consolidated: bool
    tables: list[Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rounding_note: str | None = None

    @property
    def observations(self) -> list[Observation]:
        return [o for t in self.tables for o in t.observations]

    @property
    def title(self) -> str:
        kind = "部门决算" if self.kind == "final" else "部门预算"
        return f"{self.department or ''}{self.year or ''}年度{kind}"
