"""Self-evaluation (绩效) disclosures → records: 整体绩效自评表 forms, project counts, key evaluations
and the appended evaluation reports (附件); and the 预算执行情况 block of 项目支出绩效自评表 forms.

Layout-independent like loaders/tables/: everything is read from `Row`s (loaders/layouts/). A form
is found by its title (…整体绩效自评表) and its 部门（单位）名称 row; its parts by their own labels, and
the columns of each part from its header row, so other column orders, extra columns and rows split
across blank lines read the same.

    labels          the forms' labels, and the cell helpers every module reads them with
    headers         header rows: which row is what, and the columns each part has
    parts           data rows of tasks, 金额合计, 预算执行率 / 自评得分 and goals
    targets         indicator values as printed → (value, unit, operator)
    indicators      indicator rows → `Indicator`s
    form            one form, head and parts → `UnitEvaluation`
    key_evaluations project counts and 重点绩效评价 results in the running text
    reports         appended evaluation reports → `EvaluationReport`s
    projects        the 预算执行情况 block of project self-evaluation forms → `Figure`s
"""
from __future__ import annotations

from cnbudget.loaders.evaluation.form import read_form
from cnbudget.loaders.evaluation.headers import is_title
from cnbudget.loaders.evaluation.key_evaluations import key_evaluations, project_counts
from cnbudget.loaders.evaluation.projects import read_project_execution
from cnbudget.loaders.evaluation.reports import evaluation_reports
from cnbudget.loaders.evaluation.targets import parse_target
from cnbudget.loaders.records import EvaluationReport, KeyEvaluation, ProjectCount, Row, UnitEvaluation

__all__ = ["read_evaluations", "read_project_execution", "parse_target"]


def read_evaluations(rows: list[Row], path: str, warnings: list[str]
                     ) -> tuple[list[UnitEvaluation], list[ProjectCount], list[KeyEvaluation], list[EvaluationReport]]:
    """All self-evaluation content of a disclosure: the 整体绩效自评表 forms in document order, the
    per-unit counts of projects with approved targets, the 重点绩效评价 results and the appended
    evaluation reports. Problems are appended to `warnings` as "path:line: message"."""
    starts = [i for i, r in enumerate(rows) if is_title(r)]
    forms = []
    for n, s in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(rows)
        form = read_form(rows, s, end, path, warnings)
        if form is not None:
            forms.append(form)
    return forms, project_counts(rows, path, warnings), key_evaluations(rows), evaluation_reports(rows, path, warnings)
