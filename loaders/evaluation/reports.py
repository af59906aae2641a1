"""The evaluation reports appended to a disclosure (附件N … 绩效评价报告) → `EvaluationReport`s: title,
project, unit, budget and actual amounts, overall score, and the problems and suggestions sections."""
from __future__ import annotations

import re
from decimal import Decimal

from cnbudget.loaders.evaluation.labels import running_text
from cnbudget.loaders.records import EvaluationReport, Row
from cnbudget.loaders.text import clean_label, label_key, nfkc, parse_amount

_REPORT_MARK = re.compile(r"^附件\s*\d{1,2}$")
_REPORT_SUFFIX = re.compile(r"(?:绩效评价报告|绩效自评报告|绩效报告|评价报告|自评报告)$")
_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+\s*[、.．]")
_SUBHEADING = re.compile(r"^\s*[（(][一二三四五六七八九十\d]+[）)]")
_LEADING_YEAR = re.compile(r"^(?:19|20)\d{2}\s*年度?")
_NUMBER = r"(\d[\d,]*(?:\.\d+)?)"
_REPORT_BUDGET = [
    re.compile(r"年度预算(?:数|资金|金额)?(?:为|是|：|:)?\s*(?:人民币)?[￥¥]?\s*" + _NUMBER + r"\s*万元"),
    re.compile(r"(?:资金预算|预算资金|预算金额|项目预算|申请资金|预算)(?:为|是|共计|合计|：|:)?\s*(?:人民币)?[￥¥]?\s*"
               + _NUMBER + r"\s*万元"),
]
_REPORT_ACTUAL = [
    re.compile(r"(?:实际支出|实际使用资金|使用资金|支出资金|实际执行|执行金额|实际支付|已支付)(?:为|了|共计|合计|：|:)?\s*"
               r"(?:人民币)?[￥¥]?\s*" + _NUMBER + r"\s*万元"),
]
_REPORT_SCORE = re.compile(r"得分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)(?![\d.])(?!\s*[%％])")
# a score stated for one part of the evaluation, not the whole: 决策/管理/产出/效益 … or a 合计 of a part
_PART_SCORE = ("合计", "决策", "管理", "产出", "效益", "效果", "过程", "立项", "满意度指标", "小计")


def evaluation_reports(rows: list[Row], path: str, warnings: list[str]) -> list[EvaluationReport]:
    """Each attachment (附件N) whose first lines title it an evaluation report, in document order."""
    lines = list(running_text(rows))
    marks = [n for n, (t, _) in enumerate(lines) if _REPORT_MARK.match(label_key(t))]
    out = []
    for k, n in enumerate(marks):
        stop = marks[k + 1] if k + 1 < len(marks) else len(lines)
        body = lines[n + 1:stop]
        report = _report(body, lines[n][1], path, warnings)
        if report is not None:
            out.append(report)
    return out


def _report(body: list[tuple[str, int]], line: int, path: str, warnings: list[str]) -> EvaluationReport | None:
    """One attachment's lines after its 附件N mark → its report; None when no …报告 title leads them."""
    title_at = None
    for j, (t, _) in enumerate(body[:6]):
        if _HEADING.match(t) or len(t) > 80:
            break
        if _REPORT_SUFFIX.search(clean_label(t)):
            title_at = j
            break
    if title_at is None:
        return None  # an attachment that is not an evaluation report
    head = [clean_label(t) for t, _ in body[:title_at + 1]]
    # title lines: the 报告 line, and the lines above it that carry the project's name
    title_parts = [head[-1]]
    j = title_at - 1
    while j >= 0:
        so_far = _project_of("".join(title_parts))
        if so_far and so_far != "项目" and not (head[j].endswith("项目") or _LEADING_YEAR.match(head[j])):
            break
        title_parts.insert(0, head[j])
        j -= 1
    unit_lines = head[:j + 1]
    title = "".join(title_parts)
    text = body[title_at + 1:]
    budget = _first_amount(text, _REPORT_BUDGET)
    actual = _first_amount(text, _REPORT_ACTUAL)
    problems, suggestions = _problems_and_suggestions(text)
    return EvaluationReport(title=title, project=_project_of(title), unit_name="".join(unit_lines) or None,
                            budget=budget, actual=actual, score=_report_score(text), problems=problems,
                            suggestions=suggestions, line=line)


def _project_of(title: str) -> str:
    """The project a report title names: 2020年度XX项目绩效评价报告 → XX项目."""
    t = _REPORT_SUFFIX.sub("", title.strip())
    return _LEADING_YEAR.sub("", t).strip()


def _first_amount(text: list[tuple[str, int]], patterns: list[re.Pattern]) -> Decimal | None:
    for pattern in patterns:  # in order of preference
        for t, _ in text:
            m = pattern.search(nfkc(t))
            if m:
                return parse_amount(m.group(1))
    return None


def _report_score(text: list[tuple[str, int]]) -> Decimal | None:
    """The report's overall score: the last 得分 figure not stated for one part of the evaluation."""
    found = None
    for t, _ in text:
        t = nfkc(t)
        for m in _REPORT_SCORE.finditer(t):
            begin = max(t.rfind(ch, 0, m.start()) for ch in "。(（;；")
            context = t[begin + 1:m.start()]
            if any(w in context for w in _PART_SCORE):
                continue
            found = Decimal(m.group(1))
    return found


def _problems_and_suggestions(text: list[tuple[str, int]]) -> tuple[str, str]:
    """The lines under the report's 问题 / 建议 headings (or sub-headings), as two texts."""
    problems: list[str] = []
    suggestions: list[str] = []
    heading = None
    sub = None
    for t, _ in text:
        if _HEADING.match(t):
            heading = None
            if ("问题" in t or "建议" in t) and "其他需要说明" not in t and "其它需要说明" not in t:
                heading = ("问题" in t or "存在" in t, "建议" in t or "改进" in t)
            sub = None
            continue
        if heading is None:
            continue
        if _SUBHEADING.match(t) and ("问题" in t or "建议" in t or "措施" in t):
            sub = ("问题" in t, "建议" in t or "措施" in t)
            continue
        to_problems, to_suggestions = sub or heading
        if to_problems:
            problems.append(t)
        if to_suggestions:
            suggestions.append(t)
    return "\n".join(problems), "\n".join(suggestions)
