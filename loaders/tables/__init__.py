"""Rows of cells → standard tables (公开01表…09表) with their figures.

Layout-independent: any layout that yields `Row`s (loaders/layouts/) goes
through here. A table is found by its number marker (公开NN表) and title, or,
printed without a marker, by a known title followed by rows of figures; its
department, year and currency unit come from its own header lines; its columns
come from its own header rows, read bottom-up so that multi-level headers
(本年支出 → 小计 / 基本支出 / 项目支出) and two-sided tables (收入 | 支出) work
whatever column set a disclosure prints.

* find.py — where each table starts and ends, its title and header metadata, its body split into
  header rows and data rows;
* header.py — the header rows read bottom-up into columns;
* content.py — tables found by what they hold (known column labels over known items), whatever their title;
* rows.py — the data rows → observations (amounts) and figures (counts);
* arithmetic.py — a row whose empty cells were left out, read the way the table's arithmetic admits.

What a label means (公开NN表, 部门：…, 栏次, 合计, 科目编码 …) is in loaders/labels.py, which the layouts
use too.
"""
from cnbudget.loaders.tables.arithmetic import settle
from cnbudget.loaders.tables.find import find_tables

__all__ = ["find_tables", "settle"]
