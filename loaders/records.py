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
    # figures the layout found in this row's table but could not place in any row (not loaded; the table's sum
    # checks cannot be decided without them)
    unplaced: list[Cell] = field(default_factory=list)

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
class RowReading:
    """How a row whose empty cells were left out was read (by the table's arithmetic, with its evidence), or
    why its figures were left out: a finding of the table (kg/interpret/reconcile.py)."""
    rule: str  # ReadingByArithmetic / UndecidedReading (ontology/codelists/checks.ttl)
    line: int
    message: str
    observations: list["Observation"] = field(default_factory=list)


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
    readings: list[RowReading] = field(default_factory=list)
    pending: list = field(default_factory=list)  # rows the arithmetic left undecided (tables/arithmetic.py)
    unplaced: list[Cell] = field(default_factory=list)  # figures printed in the table, not loaded: no row or column

    @property
    def is_empty(self) -> bool:
        return not self.observations


@dataclass(frozen=True)
class Reading:
    """One thing the document says of itself (loaders/identity.py): the value as read, and where."""
    value: str
    line: int
    evidence: str  # the words of the line that say it
    rule: str  # title / heading / text / 概况 / the label read (来源, 主管部门 …)


@dataclass
class Identity:
    """Who, when, what, as the head of the document says: body, year, 预算 or 决算, and what it covers
    (部门: a department's whole disclosure; 三公; 绩效自评; 报告: a government's budget or final-accounts report)."""
    body: Reading | None = None
    year: Reading | None = None
    kind: Reading | None = None
    scopes: list[Reading] = field(default_factory=list)


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
    narrative: "Narrative | None" = None
    identity: Identity | None = None

    @property
    def observations(self) -> list[Observation]:
        return [o for t in self.tables for o in t.observations]

    @property
    def title(self) -> str:
        word = "决算" if self.kind == "final" else "预算"
        kind = "部门" + word
        scopes = {s.value for s in self.identity.scopes} if self.identity else set()
        if "绩效自评" in scopes:
            kind = "绩效自评"
        elif "三公" in scopes:
            kind = "“三公”经费" + word
        elif "报告" in scopes:
            kind = word + "报告"
        return f"{self.department or ''}{self.year or ''}年度{kind}"

    @property
    def scope(self) -> str | None:
        """What the document covers when it is not a department's whole disclosure (三公, 绩效自评, 报告): part
        of its identity, so that a department's 三公 table published apart is not taken for its disclosure."""
        scopes = [s.value for s in self.identity.scopes if s.value != "部门"] if self.identity else []
        return "+".join(scopes) or None


# --- the rest of a disclosure: organization, narrative, performance ---------------------------

@dataclass
class Duty:
    """One numbered duty (部门职责)."""
    number: int
    text: str
    line: int


@dataclass
class UnitMention:
    """A unit named somewhere in the document, as printed.
    role: department | division (内设科室) | affiliated (直属单位) | budget-unit (决算单位构成) | evaluated (绩效自评表) | other"""
    name: str
    role: str
    line: int
    order: int = 0


@dataclass
class SubjectLine:
    """年初预算为X万元，支出决算为Y万元，完成年初预算的Z% for one 类/款/项, with the reason given."""
    number: int
    class_name: str  # 类 as printed, e.g. 教育支出
    section_name: str  # 款
    item_name: str  # 项
    budget: Decimal
    actual: Decimal
    stated_rate: Decimal | None  # percent as printed (52.54 for 52.54%), None when not stated
    stated_rate_text: str | None  # as printed, e.g. "52.54%" or "109.82"
    reason: str
    line: int
    unit: str = "万元"


@dataclass
class Figure:
    """A number stated in running text (三公 details, 机关运行经费, 政府采购, 国有资产, totals …)."""
    section: str  # heading of the narrative section, as printed
    label: str  # what the number is, e.g. 公务接待费 / 公务用车保有量 / 政府采购货物支出
    measure: str  # 预算 / 决算 / 支出 / 数量 / 占比 / 增减 …
    amount: Decimal
    unit: str  # 万元, 元, 辆, 个, 人次, 台（套）, %
    line: int
    item: str | None = None  # account item key where one fits
    phase: str | None = None  # approved / executed where the text says


@dataclass
class PerformanceTask:
    name: str
    completion: str
    budget: Decimal | None
    budget_own: Decimal | None  # 其中：本级财政资金
    actual: Decimal | None
    actual_own: Decimal | None
    line: int


@dataclass
class Indicator:
    level1: str  # 一级指标 (产出指标 …)
    level2: str  # 二级指标 (数量指标 …)
    content: str  # 指标内容
    expected: str  # 预期指标值, as printed
    actual: str  # 实际完成指标值, as printed
    weight: Decimal | None  # 分值 (often printed once for a group of rows)
    score: Decimal | None  # 得分
    line: int
    expected_value: Decimal | None = None
    expected_unit: str | None = None
    expected_op: str | None = None  # ≥ ≤ > < = or None
    actual_value: Decimal | None = None
    actual_unit: str | None = None


@dataclass
class UnitEvaluation:
    """整体绩效自评表 of one unit."""
    unit_name: str  # as printed
    line: int
    year: int | None
    currency_unit: str
    tasks: list[PerformanceTask] = field(default_factory=list)
    budget: Decimal | None = None  # 金额合计 预算数
    budget_own: Decimal | None = None
    actual: Decimal | None = None  # 金额合计 执行数
    actual_own: Decimal | None = None
    stated_rate: Decimal | None = None  # percent as printed (85.43)
    stated_rate_text: str | None = None
    rate_weight: Decimal | None = None  # 分值 of the execution rate
    rate_score: Decimal | None = None  # 得分 of the execution rate
    total_score: Decimal | None = None  # 自评得分
    goals: str = ""
    achievements: str = ""
    indicators: list[Indicator] = field(default_factory=list)


@dataclass
class ProjectCount:
    """Projects with approved performance targets, per unit (…共有58个项目批复了绩效目标,其中机关34个、…)."""
    unit_name: str
    count: int
    line: int


@dataclass
class KeyEvaluation:
    """重点绩效评价 result: a project and its score."""
    project: str
    score: Decimal | None
    text: str
    line: int


@dataclass
class EvaluationReport:
    """An appended project evaluation report (附件)."""
    title: str
    project: str
    unit_name: str | None
    budget: Decimal | None
    actual: Decimal | None
    score: Decimal | None
    problems: str
    suggestions: str
    line: int


@dataclass
class Narrative:
    """Everything outside the standard tables."""
    duties: list[Duty] = field(default_factory=list)
    units: list[UnitMention] = field(default_factory=list)
    subject_lines: list[SubjectLine] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    evaluations: list[UnitEvaluation] = field(default_factory=list)
    project_counts: list[ProjectCount] = field(default_factory=list)
    key_evaluations: list[KeyEvaluation] = field(default_factory=list)
    reports: list[EvaluationReport] = field(default_factory=list)
