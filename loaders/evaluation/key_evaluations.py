"""What the running text states of evaluations: the per-unit counts of projects with approved
targets (…共有58个项目批复了绩效目标,其中机关34个、…) and the 重点绩效评价 results (选取…开展重点绩效评价 … 得分…分)."""
from __future__ import annotations

import re
from decimal import Decimal

from cnbudget.loaders.evaluation.labels import running_text
from cnbudget.loaders.records import KeyEvaluation, ProjectCount, Row

_KEY_EVAL = re.compile(r"选取了?\s*(?:(?:19|20)\d{2}\s*年度?)?\s*(.+?)\s*开展(?:了)?(?:重点绩效评价|部门评价|财政评价|"
                       r"重点评价|绩效评价|部门重点绩效评价|财政重点绩效评价)")
_KEY_SCORE = re.compile(r"得分(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)\s*分")
_COUNT_TOTAL = re.compile(r"共有?\s*(\d+)\s*个项目批复了?绩效目标")


def project_counts(rows: list[Row], path: str, warnings: list[str]) -> list[ProjectCount]:
    """The counts listed after …共有N个项目批复了绩效目标,其中…; a list that does not add up to N is warned of."""
    out = []
    for text, line in running_text(rows):
        m = _COUNT_TOTAL.search(text)
        if not m:
            continue
        rest = text[m.end():]
        q = re.match(r"\s*[,，；;]?\s*其中\s*[,，:：]?", rest)
        if not q:
            continue
        segment = re.split(r"[。.](?!\d)", rest[q.end():])[0]
        found = []
        for part in re.split(r"[、，,；;]", segment):
            pm = re.fullmatch(r"\s*(.+?)\s*(\d+)\s*个(?:项目)?\s*", part)
            if pm:
                found.append(ProjectCount(unit_name=pm.group(1), count=int(pm.group(2)), line=line))
        total = int(m.group(1))
        if found and sum(p.count for p in found) != total:
            warnings.append(f"{path}:{line}: project counts by unit add up to {sum(p.count for p in found)}, "
                            f"not the {total} stated")
        out += found
    return out


def key_evaluations(rows: list[Row]) -> list[KeyEvaluation]:
    """Each project 选取…开展重点绩效评价, with the last score stated in its sentences."""
    out = []
    for text, line in running_text(rows):
        matches = list(_KEY_EVAL.finditer(text))
        for n, m in enumerate(matches):
            # the evaluation's text: from the start of its sentence to the start of the next one's
            begin = max(text.rfind("。", 0, m.start()) + 1, 0)
            stop = len(text)
            if n + 1 < len(matches):
                stop = max(text.rfind("。", 0, matches[n + 1].start()) + 1, m.end())
            chunk = text[begin:stop].strip()
            project = m.group(1).strip()
            if re.fullmatch(r"\d+\s*个(?:项目)?", project):
                continue  # "选取了5个项目开展…": a summary, not one project
            scores = _KEY_SCORE.findall(chunk[m.end() - begin:])
            out.append(KeyEvaluation(project=project, score=Decimal(scores[-1]) if scores else None,
                                     text=chunk, line=line))
    return out
