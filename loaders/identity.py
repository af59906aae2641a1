"""Who, when, what: the body a disclosure is of, its fiscal year and its kind, read from the head of the document
(titles, labelled header lines such as 来源: or 主管部门, the 概况 heading), each with the line that said so.

Only the head is read (the first rows, the start of a long line): a document names itself there, and the body of
the text names many other bodies and years. The tables' own 部门：/年度 lines, where there are any, stay first
(loaders/dispatch.py); this reading fills in what they leave out. Which place a name starts with, and so the
region, is interpreted above (kg/interpret/identity.py).
"""
from __future__ import annotations

import re

from cnbudget.loaders.records import Identity, Reading, Row
from cnbudget.loaders.text import nfkc

_HEAD_ROWS = 60  # rows read
_HEAD_CHARS = 3000  # characters of one row read (a flattened spreadsheet or form is one long line)
_WINDOW = 60  # characters either side of a year that make its title

_YEAR = re.compile(r"((?:19|20)\d{2})\s*(?:年度?|-度)(?!\s*\d{1,2}\s*月)")  # not a date: 2021年5月10日
_TITLE_WORDS = re.compile(r"预算|决算|绩效|三公|公开")
_FUND_BUDGETS = re.compile(r"(?:一般公共|政府性基金|国有资本经营|社会保险基金)预算|预算(?:数|执行|单位|管理|稳定|对比)")
_KIND = re.compile(r"决算|预算")
_WHOLE = re.compile(r"(?:部门|单位)(?:决算|预算)(?!项目|执行|管理)|(?:决算|预算)公开(?:报?表)?")
_BODY_WHOLE = re.compile(r"(?<=[局委办院所站馆会园区队厅处校心府])(?:部门|单位)(?:决算|预算)(?!项目|执行|管理)")
_SCOPES = (("三公", re.compile(r"三公")), ("绩效自评", re.compile(r"绩效自评")),
           ("报告", re.compile(r"(?:决算|预算)(?:执行情况)?报告")))
# labels a header line names the body with (来源: on a web page, 主管部门 on a self-evaluation form)
_LABELLED = re.compile(r"(来源|发布机构|信息来源|主管部门|实施单位|部门名称|单位名称|预算单位|编制单位|填报单位|部门(?=\s*[:：]))"
                       r"\s*[:：|]?\s*(?:[\dA-Za-z]+[-－])?([\u4e00-\u9fff（）()]{2,40})")
_OVERVIEW = re.compile(r"^(?:第[一二三四五]部分|[一二三四五]、)\s*(.{2,40}?)概况")
_BODY_END = re.compile(r"(?:人民政府|委员会|办公室|管委会|中心|局|委|办|院|所|站|馆|会|园|区|队|厅|处|部|社|团|校|集团|公司|医院)$")
_NAME_CHARS = re.compile(r"^[\u4e00-\u9fff（）()]+$")
_NOT_NAMES = re.compile(r"发布|时间|日期|浏览|字体|单位|金额|项目|部分|部门$|^(?:本|该|我)")
_PLACE_END = re.compile(r"[省市州县区旗镇乡]$")
_TRAILING = re.compile(r"(?:部门|单位|本级|机关)+$")
# which reading names the body when several do: a form's or table's own label, then the title, then the 概况
# heading, then the web page's publisher (来源: may be the finance bureau that posts every department's tables)
_LABEL_RANK = {"主管部门": (0, 0), "部门名称": (0, 0), "部门": (1, 1), "单位名称": (0, 1), "预算单位": (0, 1), "编制单位": (0, 2),
               "填报单位": (0, 2), "实施单位": (0, 3), "来源": (3, 0), "发布机构": (3, 0), "信息来源": (3, 0)}


def _head(rows: list[Row]) -> list[tuple[str, int]]:
    """(text, line) of the head: each of the first rows, its cells joined by " | " (so a label's value in the
    next cell follows it) and cut to its start, in normal form; the line of its first cell."""
    out = []
    for r in rows[:_HEAD_ROWS]:
        texts = [t for t in (nfkc(c.text[:_HEAD_CHARS]).strip() for c in r.cells) if t]
        if texts:
            out.append((" | ".join(texts)[:_HEAD_CHARS], r.cells[0].line))
    return out


def _evidence(text: str, start: int, end: int) -> str:
    """The part of a line that says it: the whole line when short, else a window around the words."""
    if len(text) <= 2 * _WINDOW:
        return text
    return text[max(0, start - _WINDOW // 2):end + _WINDOW // 2].strip()


def _name(text: str) -> str | None:
    """A body's name as printed, once the words around it are removed (怀远县水利局单位 → 怀远县水利局)."""
    name = re.sub(r"\s+", "", text)
    if name.count("(") + name.count("（") != name.count(")") + name.count("）"):
        name = name.strip("()（）")
    name = re.sub(r"^(?:关于|附件[:：]?|[一二三四五六七八九十]+、)", "", name)
    name = _TRAILING.sub("", re.sub(r"[(（](?:汇总|本级|合并)[)）]$", "", name))
    if len(name) < 2 or not _NAME_CHARS.match(name) or _NOT_NAMES.search(name):
        return None
    return name


def _titles(head: list[tuple[str, int]]) -> list[tuple[str, int, re.Match, str]]:
    """Each year printed with a title's words beside it: (line text, line, the year's match, the title's words:
    the window around the year, with the next row's start where the title goes on there)."""
    out = []
    for k, (text, line) in enumerate(head):
        following = head[k + 1][0][:_WINDOW] if k + 1 < len(head) else ""
        for m in _YEAR.finditer(text):
            window = text[max(0, m.start() - _WINDOW):m.end() + _WINDOW]
            if m.end() + _WINDOW > len(text):
                window += " " + following
            if _TITLE_WORDS.search(window):
                out.append((text, line, m, window))
    return out


def _body(head: list[tuple[str, int]], titles) -> Reading | None:
    candidates: list[tuple[tuple, Reading]] = []
    for text, line in head:
        for m in _LABELLED.finditer(text):
            name = _name(m.group(2))
            if name and _BODY_END.search(_bare(name)):
                rank = (*_LABEL_RANK[m.group(1)], m.start())
                candidates.append((rank, Reading(name, line, _evidence(text, m.start(), m.end()), m.group(1))))
        m = _OVERVIEW.match(text)
        if m and _name(m.group(1)):
            candidates.append(((2, 0, 0), Reading(_name(m.group(1)), line, text[:2 * _WINDOW], "概况")))
    for text, line, m, _ in titles:
        before = re.split(r"[\s|:：]{2,}|[|.·]", text[max(0, m.start() - 40):m.start()])[-1]
        after = re.match(r"([\u4e00-\u9fff]{2,20}?)(?:财政拨款|一般公共|部门|单位|“|\"|三公|预算|决算)", text[m.end():])
        for part in (before, after.group(1) if after else ""):
            name = _name(part)
            if name and (_BODY_END.search(_bare(name)) or _PLACE_END.search(name)):
                candidates.append(((1, 0, 0), Reading(name, line, _evidence(text, m.start(), m.end()), "title")))
    for text, line in head[:3]:  # a short first line naming a body alone (重庆市铜梁区小林镇人民政府 / 2022年决算报告)
        name = _name(text) if len(text) <= 30 else None
        if name and _BODY_END.search(_bare(name)):
            candidates.append(((4, 0, 0), Reading(name, line, text, "heading")))
    if not candidates:
        return None
    candidates.sort(key=lambda c: c[0])
    best = candidates[0][1]
    # a name may be printed short (县招商服务中心 in the 概况 of 南漳县招商服务中心's disclosure), or be the place
    # alone in a title (岳阳县2017年度部门“三公”…) where a label names the body in it
    if best.rule not in ("title", "概况") or not (_PLACE_END.search(best.value) or best.value[0] in "省市州县区"):
        return best
    fuller = [r for _, r in candidates if r.value != best.value and len(r.value) > len(best.value)
              and (r.value.endswith(best.value.lstrip("省市州县区")) or r.value.startswith(best.value))]
    return fuller[0] if fuller else best


def _bare(name: str) -> str:
    """The name without a bracketed part at its end: 皖江江南新兴产业集中区(管委会) → 皖江江南新兴产业集中区."""
    return re.sub(r"[(（][^()（）]*[)）]$", "", name)


def read_identity(rows: list[Row]) -> Identity:
    """What the head of the document says it is; each part None (or no scope) where it does not say."""
    head = list(_head(rows))
    titles = _titles(head)
    year = kind = None
    if titles:
        text, line, m, _ = titles[0]
        year = Reading(m.group(1), line, _evidence(text, m.start(), m.end()), "title")
    scopes: list[Reading] = []
    whole = None
    for text, line, m, window in titles:
        words = _FUND_BUDGETS.sub("", window)
        if kind is None and "绩效" not in window:
            k = _KIND.search(words)
            if k:
                kind = Reading(k.group(), line, _evidence(text, m.start(), m.end()), "title")
        w = _WHOLE.search(window)
        if whole is None and w:
            whole = Reading("部门", line, _evidence(text, m.start(), m.end()), "title")
        for scope, pattern in _SCOPES:
            if pattern.search(window) and all(s.value != scope for s in scopes):
                scopes.append(Reading(scope, line, _evidence(text, m.start(), m.end()), "title"))
    if whole is None:
        for text, line in head:  # 焦作市生态环境局部门决算包括… in the overview: a body's 部门决算
            w = _BODY_WHOLE.search(text)
            if w:
                whole = Reading("部门", line, _evidence(text, w.start(), w.end()), "text")
                break
    if any(s.value == "绩效自评" for s in scopes) and whole is None:
        kind = None  # a self-evaluation form's 预算 is the budget it evaluates, not what the document is
    if whole is not None:  # a department's disclosure has a 三公 table, and may speak of a self-evaluation
        scopes = [s for s in scopes if s.value == "报告"] or [whole]
    return Identity(body=_body(head, titles), year=year, kind=kind, scopes=scopes)
