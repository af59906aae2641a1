"""Performance content: the eight 整体绩效自评表 forms of the bundled sample, the project counts,
the 重点绩效评价 results and the five appended evaluation reports, with figures read by hand from
data/samples/jiaozuo-ecology-2020-final-accounts.txt; then the same forms with rows split
differently, and synthetic forms in other layouts, to show the reader works from the labels.
"""
from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from cnbudget.loaders.layouts import tabs as layout
from cnbudget.loaders.evaluation import parse_target, read_evaluations

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "jiaozuo-ecology-2020-final-accounts.txt"


def read(text: str, path: str = "test.txt"):
    warnings: list[str] = []
    result = read_evaluations(layout.tab_cell_rows(text), path, warnings)
    return (*result, warnings)


@pytest.fixture(scope="module")
def sample():
    return read(SAMPLE.read_text(encoding="utf-8"), str(SAMPLE))


def line_of(text: str, cell: str, after: str | None = None) -> int:
    """1-based line of the first line "\\t"+cell (after the first line containing `after`)."""
    lines = text.split("\n")
    start = next(i for i, l in enumerate(lines) if after in l) if after else 0
    return next(i for i in range(start, len(lines)) if lines[i] == "\t" + cell) + 1


def indicator(form, content: str):
    found = [i for i in form.indicators if i.content == content]
    assert len(found) == 1, [i.content for i in form.indicators]
    return found[0]


# --- the sample -------------------------------------------------------------------------------------

def test_sample_reads_without_warnings(sample):
    *_, warnings = sample
    assert warnings == []


def test_eight_units_in_order_with_totals_and_rates(sample):
    forms = sample[0]
    got = [(f.unit_name, f.budget, f.actual, f.stated_rate, f.stated_rate_text) for f in forms]
    assert got == [
        ("焦作市生态环境局", D("3543.811"), D("3027.399"), D("85.43"), "85.43%"),
        ("焦作市环境信息中心", D("437.675"), D("389.514"), D("89.00"), "89.00%"),
        ("焦作市环境宣传教育中心", D("164.79"), D("160.5771"), D("97.44"), "97.44"),
        ("焦作市机动车排污监控中心", D("125.06"), D("94.84"), D("75.84"), "75.84"),  # printed padded with spaces
        ("焦作市固废辐射环境技术中心", D("176.96"), D("108.04"), D("61.05"), "61.05%"),
        ("焦作市环境安全管理与应急中心", D("126.81"), D("123.565"), D("97.44"), "97.44%"),
        ("焦作市环境监察支队", D("736.3"), D("660.862"), D("89.80"), "89.80%"),
        ("河南省焦作生态环境监测中心", D("1263.4"), D("1251.99"), D("99"), "99"),
    ]
    # 本级财政资金 equals the total in every form of this disclosure
    assert all(f.budget_own == f.budget and f.actual_own == f.actual for f in forms)
    assert {f.year for f in forms} == {2020}
    assert {f.currency_unit for f in forms} == {"万元"}
    assert [f.line for f in forms] == [2766, 3160, 3567, 3805, 4043, 4442, 4700, 5087]


def test_task_counts_scores_and_rate_scores(sample):
    forms = sample[0]
    assert [len(f.tasks) for f in forms] == [3, 9, 2, 3, 3, 3, 5, 6]
    assert [f.total_score for f in forms] == [D("98.54"), D("98.9"), D("99.74"), D("97.58"), D("96.11"),
                                              D("99.74"), D("98.98"), D("99.9")]
    assert [f.rate_score for f in forms] == [D("8.54"), D("8.9"), D("9.74"), D("7.58"), D("6.11"), D("9.74"),
                                             D("8.98"), D("9.9")]
    assert {f.rate_weight for f in forms} == {D("10")}
    # task amounts add up to the printed totals
    for f in forms:
        assert sum(t.budget for t in f.tasks) == f.budget, f.unit_name
        assert sum(t.actual for t in f.tasks) == f.actual, f.unit_name


def test_tasks_as_printed(sample):
    first, info, _, _, waste, *_, monitor = sample[0]
    t = first.tasks[0]
    assert (t.name, t.budget, t.budget_own, t.actual, t.actual_own, t.line) == (
        "任务1：焦作市生态环境局基本支出", D("956.13"), D("956.13"), D("937.78"), D("937.78"), 2798)
    assert t.completion == "局机关正常运转，满足单位工作人员正常办公需要，按时发放工资津补贴等"
    t = first.tasks[2]
    assert (t.name, t.budget, t.actual) == ("任务3：市级环保专项资金", D("2304.091"), D("1846.618"))
    t = info.tasks[8]
    assert (t.name, t.budget, t.actual) == ("任务9：生态环境系统信息化建设及业务保障", D("70"), D("32.32"))
    t = waste.tasks[2]
    assert (t.name, t.budget, t.actual, t.actual_own) == ("任务3：固体废物污染防治物联网监管系统建设", D("60"),
                                                          D("0"), D("0"))
    # the monitoring centre names its tasks without 任务N, three of them alike
    assert [t.name for t in monitor.tasks].count("生态环境监测体系建设") == 3
    assert [t.budget for t in monitor.tasks] == [D("807"), D("100"), D("39.9"), D("66.5"), D("100"), D("150")]


def test_goals_and_achievements(sample):
    first = sample[0][0]
    assert first.goals.startswith("目标1：保障局机关正常运转，满足单位工作人员正常办公需要；\n目标2：")
    assert first.goals.endswith("生态环境保护水平与全面建成小康社会目标相适应。")
    assert first.achievements.startswith("任务1：局机关正常运转")
    assert "技术报告荣获国家一等奖" in first.achievements
    assert sample[0][7].goals.startswith("保障职工工资、绩效等顺利发放")


def test_indicator_counts_levels_and_skipped_rows(sample):
    forms = sample[0]
    assert [len(f.indicators) for f in forms] == [30, 25, 14, 12, 22, 15, 27, 8]
    for f in forms:
        # '/', '\\', '—' and empty rows (经济效益指标 in every form) are no indicators
        assert all(i.content not in ("/", "\\", "—", "") for i in f.indicators)
        assert all(i.level2 != "经济效益指标" for i in f.indicators)
        assert all(i.level1 in ("产出指标", "效益指标", "满意度指标") for i in f.indicators)
    first = forms[0]
    assert [i.level2 for i in first.indicators].count("数量指标") == 12
    # wrapped level names normalised; 一级指标 carried down from the skipped 经济效益 row
    i = indicator(first, "逐步改善全市环境质量， 提升人居环境品质")
    assert (i.level1, i.level2, i.score, i.weight) == ("效益指标", "社会效益指标", D("3"), None)
    i = indicator(first, "助力打好水、气、土三大攻坚战，生态环境得到明显改善")
    assert (i.level1, i.level2) == ("效益指标", "可持续影响指标")


def test_indicators_with_values_weights_and_scores(sample):
    first, info, edu, *_ = sample[0]
    i = indicator(first, "建设村级环境空气质量监测站")
    assert (i.level1, i.level2, i.expected, i.actual, i.weight, i.score, i.line) == (
        "产出指标", "数量指标", "501个", "501个", D("50"), D("2"), 2873)
    assert (i.expected_value, i.expected_unit, i.expected_op, i.actual_value, i.actual_unit) == (
        D("501"), "个", None, D("501"), "个")
    # 分值 printed once for the group: later rows leave it None
    i = indicator(first, "武陟县小董乡受污染耕地治理修复面积")
    assert (i.weight, i.score, i.expected_value, i.expected_unit) == (None, D("2"), D("20"), "亩")
    i = indicator(first, "公众对生态环境满意度")
    assert (i.level1, i.level2, i.expected, i.actual, i.weight, i.score) == (
        "满意度指标", "服务对象满意度指标", "≥80%", "85%", D("10"), D("10"))
    assert (i.expected_value, i.expected_unit, i.expected_op, i.actual_value, i.actual_unit) == (
        D("80"), "%", "≥", D("85"), "%")
    i = indicator(first, "环境空气质量改善指标")
    assert i.expected == "PM10不高于106ug/m3，PM2.5不高于60ug/m3，"
    assert (i.expected_value, i.expected_unit, i.expected_op) == (D("106"), "ug/m3", "≤")
    assert (i.actual_value, i.actual_unit, i.score) == (D("97"), "微克/立方米", D("5"))
    i = indicator(first, "符合全国文明单位创建标准")
    assert (i.expected, i.actual, i.expected_value, i.expected_unit, i.expected_op, i.actual_value) == (
        "完成复创", "成功复创", None, None, None, None)
    assert indicator(first, "涉及我局的法律事务办理失误率").actual_value is None  # 零失误

    i = indicator(info, "重点污染源及高架源企业传输有效率")
    assert (i.expected_value, i.expected_op, i.actual_value, i.actual_unit) == (D("90"), "≥", D("94.80"), "%")
    assert str(i.actual_value) == "94.80"
    i = indicator(info, "对保障各项业务工作正常开展，促进公共服务效率的提升或改善程度")
    assert (i.level2, i.score) == ("社会效益指标", D("7.5"))

    i = indicator(edu, "基本经费保障总成本")
    assert (i.expected_value, i.expected_unit, i.expected_op, i.actual_value) == (D("65.12"), "万元", "≤", D("62.78"))
    i = indicator(edu, "焦作生态环境微信公众号运营")  # this form prints the 50 of its group mid-group
    assert (i.weight, i.score) == (D("50"), D("5"))


def test_scores_printed_once_per_group(sample):
    waste = sample[0][4]
    scores = [(i.content, i.score) for i in waste.indicators if i.level2 == "数量指标"]
    assert scores[0] == ("保障工资津补贴人员数量", D("20"))
    assert all(s is None for _, s in scores[1:]) and len(scores) == 6
    i = indicator(waste, "开展危废辐射监督检查及专项行动、“双随机”")
    assert (i.expected, i.expected_value, i.expected_unit, i.expected_op) == (
        "每季度一次，每次不低于5%", D("5"), "%", "≥")


def test_operators_from_ascii_comparisons(sample):
    patrol = sample[0][6]
    got = {i.content: (i.expected_value, i.expected_unit, i.expected_op) for i in patrol.indicators}
    assert got["聘用人员人数"] == (D("4"), "人", "≤")  # <=4人
    assert got["维修维护次数"] == (D("5"), "次", "≥")  # >=5次
    assert got["检查企业家次"] == (D("2500"), "家次", ">")
    assert got["12369热线投诉数量"] == (D("4000"), "件", "<")
    assert got["接待次数"] == (None, None, None)  # 不超上级检查次数
    assert got["完成时限"] == (None, None, None)  # 2020年12月底: a date, not a quantity


@pytest.mark.parametrize("text, expected", [
    ("501个", (D("501"), "个", None)),
    ("≥80%", (D("80"), "%", "≥")),
    (">=5次", (D("5"), "次", "≥")),
    ("<=4人", (D("4"), "人", "≤")),
    ("≤65.12万元", (D("65.12"), "万元", "≤")),
    ("PM10不高于106ug/m3，PM2.5不高于60ug/m3", (D("106"), "ug/m3", "≤")),
    ("94.80%", (D("94.80"), "%", None)),
    ("完成复创", (None, None, None)),
    ("有效", (None, None, None)),
    ("不少于200篇", (D("200"), "篇", "≥")),
    ("不超过3天", (D("3"), "天", "≤")),
    ("70%以上", (D("70"), "%", "≥")),
    ("5次以下", (D("5"), "次", "≤")),
    ("≥1,000人次", (D("1000"), "人次", "≥")),
    ("2020年底", (None, None, None)),
    ("PM2.5年均浓度56微克/立方米", (D("56"), "微克/立方米", None)),
])
def test_parse_target(text, expected):
    assert parse_target(text) == expected


def test_project_counts(sample):
    counts = sample[1]
    assert [(c.unit_name, c.count) for c in counts] == [
        ("机关", 34), ("河南省焦作市环境监测中心（原焦作市环境监测站）", 5), ("焦作市环境监察支队", 4),
        ("焦作市环境信息中心", 8), ("焦作市环境宣传教育中心", 1), ("焦作市机动车排污监控中心", 2),
        ("焦作市固废辐射环境技术中心", 2), ("焦作市环境安全管理与应急中心", 2)]
    assert sum(c.count for c in counts) == 58
    assert {c.line for c in counts} == {5465}


def test_key_evaluations(sample):
    keys = sample[2]
    assert [(k.project, k.score, k.line) for k in keys] == [
        ("第二次全国污染源普查项目", D("97.63"), 5467),
        ("土壤污染风险管控与修复成效试评估项目", D("100"), 5468),
        ("环境宣传教育及对外合作项目", D("99.81"), 5469),
        ("环境安全与应急管理业务保障项目", D("91.24"), 5470),  # 开展部门评价
        ("环境空气质量预测预报系统及县市级空气自动站加密建设项目", D("100"), 5471),
    ]
    assert keys[0].text.startswith("我部门（单位）选取了2020年度第二次全国污染源普查项目开展重点绩效评价。")
    assert keys[0].text.endswith("绩效评价得分为97.63分。")


def test_evaluation_reports(sample):
    reports = sample[3]
    got = [(r.line, r.unit_name, r.title, r.project, r.budget, r.actual, r.score) for r in reports]
    assert got == [
        (5521, "焦作市生态环境局", "第二次全国污染源普查项目绩效评价报告", "第二次全国污染源普查项目",
         D("50"), D("38.133"), D("97.63")),  # 共申请资金50万元，全年使用资金38.133万元 … 满分100分，得分97.63
        (5553, "焦作市生态环境局", "土壤污染风险管控与修复成效试评估项目绩效报告", "土壤污染风险管控与修复成效试评估项目",
         D("17.6"), D("17.6"), D("100")),  # 年度预算17.6万元 … 实际支出17.6万元; 绩效评价总分100分。…自评得分100分
        (5601, "焦作市环境宣传教育中心", "2020年度环境宣传教育及对外合作项目绩效报告", "环境宣传教育及对外合作项目",
         D("100"), None, D("99.81")),  # 专项资金预算100万元; 总分100分 is the maximum, not the score
        (5661, None, "2020年度环境安全与应急管理业务保障项目绩效报告", "环境安全与应急管理业务保障项目",
         None, None, D("91.24")),  # title over two lines, no unit line
        (5677, "河南省焦作生态环境监测中心", "焦作市环境空气质量预测预报系统及县市级空气自动站加密建设项目绩效报告",
         "焦作市环境空气质量预测预报系统及县市级空气自动站加密建设项目", D("39.9"), None, D("100")),  # 综合得分100分
    ]
    first, soil, edu, emergency, air = reports
    assert (first.problems, first.suggestions) == ("建议加强数据成果应用。", "建议加强数据成果应用。")
    assert (soil.problems, soil.suggestions) == ("无", "无")
    assert edu.suggestions.split("\n") == [
        "一要加强市县分局宣传人员业务培训。", "二要强化资金保障，配备宣传物资。",
        "三要拓宽环保宣传渠道，完善网站信息发布，做好传统纸媒和新媒体“两微三号”，让信息发布更及时，信息公开更透明。"]
    assert (emergency.problems, air.problems, air.suggestions) == ("", "", "")


# --- the sample with rows split differently ------------------------------------------------------

def test_score_split_into_its_own_row():
    """The 得分 of an indicator row pushed past a blank line into a row of its own."""
    text = SAMPLE.read_text(encoding="utf-8")
    anchor = "\t对保障各项业务工作正常开展，促进公共服务效率的提升或改善程度\n\t正常\n\t正常\n\t\n"
    assert text.count(anchor + "\t7.5\n") == 1
    for variant in (anchor + "\n\t7.5\n",  # the row ends before its 得分: 7 cells, then 1
                    anchor + "\t\n\n\t7.5\n"):  # the row's 得分 cell printed empty, the figure alone below
        forms, *_, warnings = read(text.replace(anchor + "\t7.5\n", variant))
        info = forms[1]
        i = indicator(info, "对保障各项业务工作正常开展，促进公共服务效率的提升或改善程度")
        assert (i.level2, i.score, i.weight) == ("社会效益指标", D("7.5"), None)
        assert len(info.indicators) == 25 and warnings == []
        assert indicator(info, "对减少污染排放量的影响程度").score == D("7.5")


def test_task_row_split_over_two_rows():
    text = SAMPLE.read_text(encoding="utf-8")
    old = "\t任务2：信息中心聘用人员工资\n\t正常发放信息中心聘用人员工资\n\t10.99\n\t10.99\n"
    assert text.count(old) == 1
    forms, *_, warnings = read(text.replace(old, old + "\n"))
    t = forms[1].tasks[1]
    assert (t.name, t.budget, t.budget_own, t.actual, t.actual_own) == (
        "任务2：信息中心聘用人员工资", D("10.99"), D("10.99"), D("10.68"), D("10.68"))
    assert len(forms[1].tasks) == 9 and warnings == []


# --- synthetic forms in other layouts ---------------------------------------------------------------

def blocks_text(*blocks) -> str:
    """Tab layout: a block is a row of cells (one "\\t"+cell line each) or a str paragraph."""
    out = []
    for b in blocks:
        out.append(b if isinstance(b, str) else "\n".join("\t" + c for c in b))
    return "\n\n".join(out) + "\n"


SYNTHETIC = blocks_text(
    "（二）部门（单位）整体和项目绩效自评结果。",
    # form A: year in the title, name and unit in one row, one header row with completion last,
    # a task row split in two, 金额合计 in 元, rate labels above their values, indicators under
    # other names (三级指标 / 年度指标值 / 实际完成值) with no vertical header and an extra column
    ["2021年度部门整体绩效自评表"],
    ["部门（单位）名称：某县司法局", "金额单位：元"],
    ["主要任务", "任务名称", "预算数（元）", "其中：本级财政资金", "执行数（元）", "其中：本级财政资金", "完成情况"],
    ["", "司法行政运转", "1,000,000.00", "800,000.00", "950,000.00", "760,000.00", "正常运转"],
    ["", "法律援助", "200,000.00"],
    ["150,000.00", "180,000.00", "135,000.00", "完成援助案件135件"],
    ["", "金额合计", "1,200,000.00", "950,000.00", "1,130,000.00", "895,000.00"],
    ["预算执行率", "分值", "得分"],
    ["94.17%", "10", "9.42"],
    ["绩效目标", "目标实际完成情况"],
    ["保障运转；办理法律援助案件不少于120件。", "运转正常；办理法律援助案件135件。"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因"],
    ["产出指标", "数量指标", "办理法律援助案件", "不少于120件", "135件", "20", "20", ""],
    ["", "", "调解纠纷", "≥300起", "320起", "10", "10", ""],
    ["", "质量指标", "人民调解成功率", "≥95%", "97.5%", "10"],
    ["9.5", ""],
    ["效益指标", "经济效益\n指标", "/", "/", "/", "10", "/", ""],
    ["", "社会效益\n指标", "群众法治意识", "提升", "明显提升", "20", "", ""],
    ["18"],
    ["满意度指标", "服务对象满意度指标", "群众满意度", "90%以上", "96%", "10", "10", "无"],
    ["总分", "100", "", "", "", "", "97.42"],
    # form B: 部门名称 label, goals each on a labelled row, 预算执行率 with its values on the row,
    # no 本级财政资金 columns, 自评得分 with its figure in the next row
    ["[bookmark: B]部门整体绩效自评表"],
    ["（2021年度）"],
    ["部门名称", "  某县公证处  "],
    ["任务名称", "完成情况", "预算数", "执行数"],
    ["公证业务", "完成", "30", "24"],
    ["金额合计（万元）", "30", "24"],
    ["预算执行率（%）", "80", "分值", "10", "得分", "8"],
    ["年度总体目标", "完成公证业务"],
    ["全年实际完成情况", "完成公证业务1200件"],
    ["一级指标", "二级指标", "指标内容", "预期指标值", "实际完成指标值", "分值", "得分"],
    ["产出指标", "数量指标", "公证件数", ">=1000件", "1200件", "90", "90"],
    ["自评得分"],
    ["98"],
    "（三）重点绩效评价结果。",
    "本部门共有6个项目批复了绩效目标，其中机关4个、某县公证处2个。",
    "我部门（单位）选取了2021年度法律援助项目开展重点绩效评价。评价结果是完成目标，绩效评价得分为96.5分。",
)


def test_synthetic_form_in_another_layout():
    forms, counts, keys, reports, warnings = read(SYNTHETIC)
    assert warnings == []
    assert [f.unit_name for f in forms] == ["某县司法局", "某县公证处"]
    a, b = forms
    assert (a.year, a.currency_unit) == (2021, "元")
    assert [(t.name, t.completion, t.budget, t.budget_own, t.actual, t.actual_own) for t in a.tasks] == [
        ("司法行政运转", "正常运转", D("1000000.00"), D("800000.00"), D("950000.00"), D("760000.00")),
        ("法律援助", "完成援助案件135件", D("200000.00"), D("150000.00"), D("180000.00"), D("135000.00")),
    ]
    assert a.tasks[0].line == line_of(SYNTHETIC, "司法行政运转")
    assert (a.budget, a.budget_own, a.actual, a.actual_own) == (
        D("1200000"), D("950000"), D("1130000"), D("895000"))
    assert (a.stated_rate, a.stated_rate_text, a.rate_weight, a.rate_score, a.total_score) == (
        D("94.17"), "94.17%", D("10"), D("9.42"), D("97.42"))
    assert (a.goals, a.achievements) == ("保障运转；办理法律援助案件不少于120件。", "运转正常；办理法律援助案件135件。")
    got = [(i.level1, i.level2, i.content, i.weight, i.score, i.expected_value, i.expected_unit, i.expected_op,
            i.actual_value, i.actual_unit) for i in a.indicators]
    assert got == [
        ("产出指标", "数量指标", "办理法律援助案件", D("20"), D("20"), D("120"), "件", "≥", D("135"), "件"),
        ("产出指标", "数量指标", "调解纠纷", D("10"), D("10"), D("300"), "起", "≥", D("320"), "起"),
        ("产出指标", "质量指标", "人民调解成功率", D("10"), D("9.5"), D("95"), "%", "≥", D("97.5"), "%"),
        ("效益指标", "社会效益指标", "群众法治意识", D("20"), D("18"), None, None, None, None, None),
        ("满意度指标", "服务对象满意度指标", "群众满意度", D("10"), D("10"), D("90"), "%", "≥", D("96"), "%"),
    ]
    assert a.indicators[0].line == line_of(SYNTHETIC, "办理法律援助案件")

    assert (b.year, b.currency_unit, b.line) == (2021, "万元", line_of(SYNTHETIC, "[bookmark: B]部门整体绩效自评表"))
    assert [(t.name, t.budget, t.budget_own, t.actual, t.actual_own) for t in b.tasks] == [
        ("公证业务", D("30"), None, D("24"), None)]
    assert (b.budget, b.actual, b.budget_own, b.stated_rate, b.stated_rate_text, b.rate_weight, b.rate_score,
            b.total_score) == (D("30"), D("24"), None, D("80"), "80", D("10"), D("8"), D("98"))
    assert (b.goals, b.achievements) == ("完成公证业务", "完成公证业务1200件")
    assert [(i.content, i.expected_value, i.expected_op, i.score) for i in b.indicators] == [
        ("公证件数", D("1000"), "≥", D("90"))]

    assert [(c.unit_name, c.count) for c in counts] == [("机关", 4), ("某县公证处", 2)]
    assert [(k.project, k.score) for k in keys] == [("法律援助项目", D("96.5"))]
    assert reports == []


def test_form_without_name_row_is_reported():
    text = blocks_text(["整体绩效自评表"], ["（2021年度）"], ["任务名称", "完成情况", "预算数", "执行数"],
                       ["公证业务", "完成", "30", "24"])
    forms, *_, warnings = read(text, "x.txt")
    assert forms == []
    assert warnings == ["x.txt:1: 整体绩效自评表 without a 部门（单位）名称 row; skipped"]


def test_counts_that_do_not_add_up_are_reported():
    text = blocks_text("我部门（单位）共有7个项目批复了绩效目标,其中机关4个、某中心2个。")
    _, counts, *_, warnings = read(text, "x.txt")
    assert [(c.unit_name, c.count) for c in counts] == [("机关", 4), ("某中心", 2)]
    assert warnings == ["x.txt:1: project counts by unit add up to 6, not the 7 stated"]


def test_nothing_to_read():
    assert read(blocks_text("第一部分 部门概况", ["公开01表"])) == ([], [], [], [], [])


def test_a_form_whose_row_ends_are_not_printed_is_read_row_by_row():
    """青神县发改局's project form (tests/fixtures/collected/qingshen_fgj_2023_xmzp.txt), one cell per line: the
    header runs into the 总额 row, a note sits between 总额 and 其中:财政资金, and the funding rows run together;
    each figure comes out under its own row and column."""
    from cnbudget.loaders.dispatch import load_file
    doc = load_file(Path(__file__).parent / "fixtures" / "collected" / "qingshen_fgj_2023_xmzp.txt")
    got = {(f.label, f.measure, f.amount, f.unit, f.line) for f in doc.narrative.figures if f.section.endswith("预算执行情况")}
    assert {("总额", "年初预算", D("238.93"), "万元", 32), ("总额", "预算执行率", D("100.00"), "%", 35),
            ("财政资金", "年初预算", D("238.93"), "万元", 40), ("财政资金", "调整后预算数", D("251.89"), "万元", 41),
            ("财政资金", "预算执行数", D("251.89"), "万元", 42), ("财政资金", "预算执行率", D("100.00"), "%", 43),
            ("财政专户管理资金", "年初预算", D("0.00"), "万元", 47), ("单位资金", "预算执行率", D("0.00"), "%", 57)} <= got
    assert not {g for g in got if g[2] == D("251.89") and g[3] == "%"}
