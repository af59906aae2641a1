"""Narrative reader (loaders/narrative/): organization, per-subject lines and stated figures.

Expected values are read by hand from the bundled sample and the fragments; the synthetic
texts below vary punctuation width, % signs, units and numbering the way other
disclosures print them.
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from conftest import FRAGMENTS, ROOT, SAMPLE
from cnbudget.loaders.layouts import rows_of
from cnbudget.loaders.layouts.tabs import tab_cell_rows
from cnbudget.loaders.narrative import read_narrative

D = Decimal


def read_text(text: str, path: str = "test.txt"):
    warnings: list[str] = []
    duties, units, subjects, figures = read_narrative(tab_cell_rows(text), path, warnings)
    return duties, units, subjects, figures, warnings


def read_path(path: Path):
    return read_text(path.read_text(encoding="utf-8"), str(path))


@pytest.fixture(scope="module")
def sample():
    return read_path(SAMPLE)


def figs(figures, label, measure=None, line=None, unit=None):
    return [f for f in figures if f.label == label and (measure is None or f.measure == measure)
            and (line is None or f.line == line) and (unit is None or f.unit == unit)]


def one(figures, label, measure=None, line=None, unit=None):
    hits = figs(figures, label, measure, line, unit)
    assert len(hits) == 1, f"{len(hits)} figures {label!r}/{measure!r} at {line}: {hits}"
    return hits[0]


def amounts(figures, label, measure=None):
    return [f.amount for f in figs(figures, label, measure)]


# --- part 1: organization ------------------------------------------------------------------------

def test_sample_reads_without_warnings(sample):
    assert sample[4] == []


def test_duties(sample):
    duties = sample[0]
    assert [d.number for d in duties] == list(range(1, 16))
    assert duties[0].text.startswith("负责建立健全全市生态环境保护基本制度。会同有关部门拟订")
    assert duties[0].text.endswith("参与编制全市主体功能区规划。") and duties[0].line == 7
    assert duties[13].text == "完成市委、市政府交办的其他任务。"
    assert duties[-1].text.startswith("有关职责分工。焦作市生态环境局主要负责统一行使")
    assert duties[-1].text.endswith("依法承担相关行业领域的生态环境保护职责。") and duties[-1].line == 21
    assert not any("贯彻落实党中央" in d.text for d in duties)  # the intro sentence


def test_department_divisions_affiliated_budget_units(sample):
    units = sample[1]
    by_role = {}
    for u in units:
        by_role.setdefault(u.role, []).append(u)
    assert [(u.name, u.line) for u in by_role["department"]] == [("焦作市生态环境局", 1)]
    divisions = by_role["division"]
    assert len(divisions) == 16 and {u.line for u in divisions} == {24}
    assert [u.name for u in divisions[:3]] == ["办公室", "生态环境保护督察科", "综合科"]
    assert divisions[6].name == "科技标准与自然生态科" and divisions[-1].name == "党的建设工作办公室"
    assert [u.order for u in divisions] == list(range(1, 17))
    affiliated = by_role["affiliated"]
    assert len(affiliated) == 7 and {u.line for u in affiliated} == {25}
    assert affiliated[0].name == "河南省焦作市环境监测中心（原焦作市环境监测站）"
    assert affiliated[-1].name == "焦作市环境安全管理与应急中心"
    budget = by_role["budget-unit"]
    assert [(u.name, u.line) for u in budget[:2]] == [("焦作生态环境局本级", 28),
                                                      ("河南省焦作市环境监测中心（原焦作市环境监测站）", 29)]
    assert len(budget) == 8 and [u.line for u in budget] == list(range(28, 36))
    assert budget[-1].name == "焦作市环境安全管理与应急中心"
    assert set(by_role) == {"department", "division", "affiliated", "budget-unit"}


def test_stated_count_differing_from_the_list_is_a_warning():
    # a real fragment: "设9个内设机构,分别为:" followed by 8 names
    _, units, _, _, warnings = read_path(FRAGMENTS / "nanzhang_zsfwzx_2019_js.txt")
    divisions = [u.name for u in units if u.role == "division"]
    assert divisions[0] == "办公室" and divisions[-1] == "项目服务股" and len(divisions) == 8
    assert [u.name for u in units if u.role == "department"] == ["县招商服务中心"]
    assert len(warnings) == 1 and ":30: " in warnings[0] and "9个内设机构" in warnings[0] and "8" in warnings[0]


def test_organization_variants():
    text = "\n".join([
        "第一部分 某某县测试局2021年度部门概况",
        "一、主要职能",
        "某某县测试局是县政府工作部门。主要职能是：",
        "（1）负责全县测试工作；",
        "（2）承担县（市、区）测试协调，",
        "负责监督。",
        "二、机构设置",
        "本局内设三个股室和2个下属单位。",
        "内设三个股室，分别为：办公室、测试股、协调（市、区）股。",
        "下设2个二级单位：某某县测试中心。",
        "三、决算单位构成",
        "纳入本部门2021年度部门决算编制范围的单位共2个，具体是：某某县测试局本级、某某县测试中心。",
        "第二部分 2021年度部门决算表",
    ])
    duties, units, _, _, warnings = read_text(text)
    assert [(d.number, d.text) for d in duties] == [(1, "负责全县测试工作；"), (2, "承担县（市、区）测试协调，负责监督。")]
    assert [(u.role, u.name) for u in units] == [
        ("department", "某某县测试局"),
        ("division", "办公室"), ("division", "测试股"), ("division", "协调（市、区）股"),
        ("affiliated", "某某县测试中心"),
        ("budget-unit", "某某县测试局本级"), ("budget-unit", "某某县测试中心")]
    # the list states 2 and names 1; so does the counting sentence before it
    assert len(warnings) == 2
    assert ":10: " in warnings[0] and "2个二级单位" in warnings[0] and "1" in warnings[0]
    assert ":8: " in warnings[1] and "2个下属单位" in warnings[1]


def test_list_printed_before_its_count():
    text = "\n".join([
        "第一部分 某某县测试局概况",
        "二、机构设置",
        "内设办公室、财务股、业务股3个股室；下设2个事业单位：某某县测试中心、某某县检测站。",
    ])
    _, units, _, _, warnings = read_text(text)
    assert warnings == []
    assert [(u.role, u.name, u.order) for u in units if u.role != "department"] == [
        ("division", "办公室", 1), ("division", "财务股", 2), ("division", "业务股", 3),
        ("affiliated", "某某县测试中心", 1), ("affiliated", "某某县检测站", 2)]


def test_heading_printed_at_the_end_of_the_last_duty():
    # a real fragment: "3、组织…工作。(二)机构设置及部门决算单位构成" on one line
    duties, units, _, _, _ = read_path(FRAGMENTS / "qiannan_zyy_2020_js.txt")
    assert [d.number for d in duties] == [1, 2, 3]
    assert duties[2].text == "组织卫生扶贫等医疗卫生保障工作。"
    assert [u.name for u in units if u.role == "department"] == ["贵州省黔南州中医医院"]


NESTED = "\n".join([
    "测试县审计局2020年部门决算",
    "目 录",
    "第一部分 测试县审计局概况",
    "一、部门主要职责及内设机构",
    "第三部分 2020年部门决算情况说明",
    "第一部分 测试县审计局概况",
    "一、部门主要职责及内设机构",
    "(一)主要职责",
    "根据有关通知,测试县审计局是主管全县审计工作的县政府工作部门。",
    "1.贯彻执行国家审计方针政策;参与制定审计规章制度并监督执行情况。",
    "2.向县政府报告审计情况,提出建议。",
    "3.依法直接进行下列审计:",
    "(1)重大政策措施贯彻执行情况;",
    "(2)县级财政预算执行情况。",
    "4.完成县委、县政府交办的其他任务。",
    "(二)内设机构",
    "局机关内设4个股室,分别为:办公室、财政审计股、经济责任审计股、法规股。",
    "二、部门决算单位构成",
    "纳入2020年部门决算编制范围的单位共1个,包括:测试县审计局本级。",
    "第三部分 2020年部门决算情况说明",
    "三、“三公”经费支出情况说明",
    "2020年“三公”经费决算总额27.71万元,比上年下降1.8%。分项情况是:因公出国(境)经费决算1.2万元,比上年增长79.1%;"
    "公务接待费决算10.33万元,与上年下降7.6%;公务用车购置及运行费决算16.18万元,比上年下降1.2%,其中:"
    "公务用车购置费决算4.14万元,比上年增长7.5%;公务用车运行费决算12.04万元,与上年下降3.9%。",
])


def test_duties_under_a_nested_heading_after_a_table_of_contents():
    duties, units, _, figures, warnings = read_text(NESTED)
    assert warnings == []
    assert [(d.number, d.line) for d in duties] == [(1, 10), (2, 11), (3, 12), (4, 15)]
    assert duties[2].text == "依法直接进行下列审计:(1)重大政策措施贯彻执行情况;(2)县级财政预算执行情况。"
    assert [(u.role, u.name, u.line) for u in units] == [
        ("department", "测试县审计局", 6),  # the heading the duties follow, not the table of contents
        ("division", "办公室", 17), ("division", "财政审计股", 17), ("division", "经济责任审计股", 17),
        ("division", "法规股", 17), ("budget-unit", "测试县审计局本级", 19)]
    got = [(f.label, f.measure, f.amount, f.item) for f in figures]
    assert got == [
        ("“三公”经费决算总额", "总计", D("27.71"), None), ("“三公”经费决算总额", "下降率", D("-1.8"), None),
        ("因公出国(境)经费", "决算", D("1.2"), "OverseasTravel"), ("因公出国(境)经费", "增长率", D("79.1"), "OverseasTravel"),
        ("公务接待费", "决算", D("10.33"), "OfficialReception"), ("公务接待费", "下降率", D("-7.6"), "OfficialReception"),
        ("公务用车购置及运行费", "决算", D("16.18"), "OfficialVehicles"),
        ("公务用车购置及运行费", "下降率", D("-1.2"), "OfficialVehicles"),
        ("公务用车购置费", "决算", D("4.14"), "VehiclePurchase"), ("公务用车购置费", "增长率", D("7.5"), "VehiclePurchase"),
        ("公务用车运行费", "决算", D("12.04"), "VehicleOperation"), ("公务用车运行费", "下降率", D("-3.9"), "VehicleOperation")]
    assert {f.section for f in figures} == {"三、“三公”经费支出情况说明"}


def test_lists_and_counts_the_other_way_round():
    text = "\n".join([
        "第三部分 2021年度部门决算情况说明",
        "三、支出决算情况说明",
        "2021年度基本支出、项目支出分别为2,727.68万元、7,125.77万元，分别占27.68%和72.32%。",
        "全年共接待17个团组，比上年减少2个百分点。",
    ])
    _, _, _, figures, warnings = read_text(text)
    assert warnings == []
    assert [(f.label, f.measure, f.amount, f.unit) for f in figures] == [
        ("基本支出", "决算", D("2727.68"), "万元"), ("项目支出", "决算", D("7125.77"), "万元"),
        ("基本支出", "占比", D("27.68"), "%"), ("项目支出", "占比", D("72.32"), "%"),
        ("接待团组", "数量", D("17"), "个"), ("接待团组", "增减百分点", D("-2"), "个百分点")]


# --- part 3: per-subject lines -------------------------------------------------------------------

def test_all_subject_lines(sample):
    subjects = sample[2]
    assert [s.number for s in subjects] == list(range(1, 29))
    assert [s.line for s in subjects] == list(range(2718, 2746))
    assert {s.unit for s in subjects} == {"万元"}
    no_rate = {s.number for s in subjects if s.stated_rate is None}
    assert no_rate == {4, 5, 6, 14, 15, 16, 18, 19, 21, 22, 23, 24, 25, 26, 27, 28}
    assert all(s.stated_rate_text is None for s in subjects if s.number in no_rate)
    assert all(s.reason for s in subjects)


def test_subject_lines_in_full(sample):
    s = {x.number: x for x in sample[2]}
    first = s[1]
    assert (first.class_name, first.section_name, first.item_name) == ("教育支出", "进修及培训", "培训支出")
    assert (first.budget, first.actual, first.stated_rate, first.stated_rate_text) == (D("9.65"), D("5.07"), D("52.54"), "52.54%")
    assert first.reason == "落实党中央、国务院关于“过紧日子”的有关精神，减少培训费支出。"
    third = s[3]
    assert (third.class_name, third.section_name, third.item_name) == ("社会保障和就业支出", "行政事业单位养老", "其他行政事业单位离退休支出")
    assert (third.budget, third.actual, third.stated_rate, third.stated_rate_text) == (D("152.01"), D("168.59"), D("110.9"), "110.9%")
    fourth = s[4]
    assert (fourth.section_name, fourth.item_name) == ("就业补助", "其它就业补助支出")  # as printed (其它)
    assert (fourth.budget, fourth.actual, fourth.stated_rate, fourth.stated_rate_text) == (D("0"), D("1.07"), None, None)
    assert fourth.reason == "工资福利和劳务费增加。"
    assert s[5].item_name == "死亡抚恤" and s[5].actual == D("0.86")  # "5." rather than "5．"
    twentieth = s[20]
    assert (twentieth.budget, twentieth.actual, twentieth.stated_rate, twentieth.stated_rate_text) == (D("69.98"), D("85.02"), D("109.82"), "109.82")
    t22 = s[22]
    assert (t22.class_name, t22.section_name, t22.item_name) == ("节能环保支出", "自然生态保护", "生态保护")
    assert (t22.budget, t22.actual, t22.stated_rate) == (D("900"), D("8.42"), None)
    assert s[11].reason == "部分预算安排在节能环保支出（类）污染防治（款）大气（项）中。"  # (类) in the reason is not a name
    assert (s[28].class_name, s[28].section_name, s[28].item_name) == ("其他支出", "其他支出", "其他支出")


HALF_WIDTH = "\n".join([
    "第三部分 2021年度部门决算情况说明",
    "五、一般公共预算财政拨款支出决算情况说明",
    "(三)具体情况.",
    "2021年度一般公共预算财政拨款支出年初预算为1,234.50万元,支出决算为1,300.00万元,完成年初预算的105.31.其中:",
    "1.教育支出(类)进修及培训(款)培训支出(项).年初预算为9.65万元,支出决算为5.07万元,完成年初预算的52.54.决算数与年初预算数存在差异的主要原因是减少培训.",
    "2.社会保障和就业支出(类)行政事业单位养老(款):年初预算为1,166.07万元,支出决算为1,152.39万元,完成年初预算的98.82%.原因是人员减少.",
    "(3)其他支出(类)。年初预算为10000元，支出决算为12000元，完成年初预算的120％。",
    "4．节能环保支出（类）污染防治（款）大气（项）。年初预算为100万元，支出决算为80万元。",
    "七、一般公共预算财政拨款\"三公\"经费支出决算情况说明",
    "2021年度\"三公\"经费财政拨款支出预算为80.92万元,支出决算为54.96万元,完成预算的67.92.",
    "2021年末,单位开支财政拨款的公务用车保有量为3辆.",
    "十一、机关运行经费支出情况说明",
    "2021年度机关运行经费支出1,295.55万元,比上年增加21.09万元,增长1.66%.",
])


def test_half_width_punctuation_and_missing_percent_sign():
    _, _, subjects, figures, warnings = read_text(HALF_WIDTH)
    assert warnings == []
    s = {x.number: x for x in subjects}
    assert sorted(s) == [1, 2, 3, 4]
    assert (s[1].class_name, s[1].section_name, s[1].item_name) == ("教育支出", "进修及培训", "培训支出")
    assert (s[1].budget, s[1].actual, s[1].stated_rate, s[1].stated_rate_text) == (D("9.65"), D("5.07"), D("52.54"), "52.54")
    assert s[1].reason.startswith("减少培训")
    # 类 and 款 only; thousands separators
    assert (s[2].class_name, s[2].section_name, s[2].item_name) == ("社会保障和就业支出", "行政事业单位养老", "")
    assert (s[2].budget, s[2].actual, s[2].stated_rate_text) == (D("1166.07"), D("1152.39"), "98.82%")
    assert s[2].reason == "人员减少."
    # 类 only, amounts in 元, a full-width percent sign kept as printed
    assert (s[3].class_name, s[3].section_name, s[3].item_name) == ("其他支出", "", "")
    assert (s[3].budget, s[3].actual, s[3].unit, s[3].stated_rate, s[3].stated_rate_text) == (
        D("10000"), D("12000"), "元", D("120"), "120％")
    assert (s[4].budget, s[4].actual, s[4].stated_rate, s[4].reason) == (D("100"), D("80"), None, "")

    total = "一般公共预算财政拨款支出"
    assert (one(figures, total, "预算").amount, one(figures, total, "决算").amount) == (D("1234.50"), D("1300.00"))
    rate = one(figures, total, "完成率")
    assert (rate.amount, rate.unit, rate.phase) == (D("105.31"), "%", None)
    sangong = "\"三公\"经费财政拨款支出"
    assert one(figures, sangong, "预算").amount == D("80.92") and one(figures, sangong, "预算").phase == "approved"
    assert one(figures, sangong, "决算").phase == "executed"
    assert (one(figures, sangong, "完成率").amount, one(figures, sangong, "完成率").unit) == (D("67.92"), "%")
    assert one(figures, "单位开支财政拨款的公务用车保有量", "数量", unit="辆").amount == D("3")
    assert one(figures, "机关运行经费", "决算").amount == D("1295.55")
    assert one(figures, "机关运行经费", "增加").amount == D("21.09")
    assert one(figures, "机关运行经费", "增长率").amount == D("1.66")
    assert not any(f.section.startswith("五") and f.line > 5 for f in figures)  # subject lines are not figures


def test_subject_line_with_two_different_budgets_is_not_read():
    text = "\n".join([
        "第三部分 2021年度部门决算情况说明",
        "五、一般公共预算财政拨款支出决算情况说明",
        "1．教育支出（类）进修及培训（款）培训支出（项）。年初预算为9.65万元，预算数为9.56万元，支出决算为5.07万元。",
        "2．教育支出（类）进修及培训（款）培训支出（项）。年初预算为9.65万元，支出决算为5070元。",
    ])
    _, _, subjects, figures, warnings = read_text(text, "x.txt")
    assert [s.number for s in subjects] == [2]
    assert (subjects[0].budget, subjects[0].actual, subjects[0].unit) == (D("96500"), D("5070"), "元")
    assert len(warnings) == 2
    assert warnings[0].startswith("x.txt:3: ") and "9.65万元" in warnings[0] and "9.56万元" in warnings[0]
    assert warnings[1].startswith("x.txt:4: ") and "元" in warnings[1]
    # the line not read keeps its figures, both budgets, about the subject it names
    assert [(f.measure, f.amount) for f in figures] == [("预算", D("9.65")), ("预算", D("9.56")), ("决算", D("5.07"))]
    assert {f.label for f in figures} == {"教育支出（类）进修及培训（款）培训支出（项）"}


# --- part 3: figures ------------------------------------------------------------------------------

def test_totals_paragraphs(sample):
    f = sample[3]
    for label in ("收入总计", "支出总计"):
        total = one(f, label, "总计", line=2704)
        assert (total.amount, total.unit, total.phase, total.item) == (D("17730.57"), "万元", "executed", "GrandTotal")
        assert total.section == "一、收入支出决算总体情况说明"
        assert one(f, label, "增加", line=2704).amount == D("5448.86")
        assert (one(f, label, "增长率", line=2704).amount, one(f, label, "增长率", line=2704).unit) == (D("44.37"), "%")
        assert one(f, "财政拨款" + label, "总计").amount == D("17641.27")
        assert one(f, "财政拨款" + label, "增加").amount == D("5543.70")
        assert one(f, "财政拨款" + label, "增长率").amount == D("45.82")
    income = one(f, "收入合计")
    assert (income.measure, income.amount, income.item) == ("合计", D("13202.51"), "TotalIncome")
    assert (one(f, "财政拨款收入", "决算").amount, one(f, "财政拨款收入", "占比").amount) == (D("13190.69"), D("99.91"))
    assert one(f, "财政拨款收入", "决算").item == "FiscalAppropriationIncome"
    assert (one(f, "其他收入", "决算").amount, one(f, "其他收入", "占比").amount) == (D("11.82"), D("0.00"))
    assert (one(f, "支出合计", "合计").amount, one(f, "支出合计").item) == (D("9853.45"), "TotalExpenditure")
    assert (one(f, "基本支出", "决算").amount, one(f, "基本支出", "占比").amount) == (D("2727.68"), D("27.68"))
    assert (one(f, "项目支出", "决算").amount, one(f, "项目支出", "占比").amount) == (D("7125.77"), D("72.32"))
    gb = "一般公共预算财政拨款支出"
    assert amounts(f, gb, "决算") == [D("9818.42")] * 3  # stated in (一), (二) and (三)
    assert one(f, gb, "占比").amount == D("99.64")
    assert (one(f, gb, "增加").amount, one(f, gb, "增长率").amount) == (D("2586.18"), D("35.76"))
    assert (one(f, gb, "预算").amount, one(f, gb, "预算").phase) == (D("8695.77"), "approved")
    assert one(f, gb, "完成率").amount == D("112.91")
    structure = [(x.label, x.measure, x.amount) for x in f if x.line == 2715 and x.label != gb]
    assert structure == [
        ("教育（类）支出", "决算", D("5.07")), ("教育（类）支出", "占比", D("0.06")),
        ("社会保障和就业（类）支出", "决算", D("323.44")), ("社会保障和就业（类）支出", "占比", D("3.29")),
        ("卫生健康（类）支出", "决算", D("146.6")), ("卫生健康（类）支出", "占比", D("1.49")),
        ("节能环保（类）支出", "决算", D("9261.57")), ("节能环保（类）支出", "占比", D("94.33")),
        ("其他支出（类）", "决算", D("81.74")), ("其他支出（类）", "占比", D("0.83"))]
    basic = "一般公共预算财政拨款基本支出"
    assert (one(f, basic, "决算").amount, one(f, basic, "增加").amount, one(f, basic, "增长率").amount) == (
        D("2725.80"), D("60.26"), D("2.26"))
    assert one(f, basic, "决算").item == "BasicExpenditure"
    assert (one(f, "人员经费", line=2747).amount, one(f, "人员经费", line=2747).item) == (D("2378.63"), "PersonnelExpenses")
    assert (one(f, "公用经费", line=2747).amount, one(f, "公用经费", line=2747).item) == (D("347.17"), "PublicExpenses")


def test_three_public_expenses(sample):
    f = [x for x in sample[3] if x.section == "七、一般公共预算财政拨款“三公”经费支出决算情况说明"]
    total = "“三公”经费财政拨款支出"
    assert [(x.measure, x.amount, x.phase) for x in figs(f, total)] == [
        ("预算", D("80.92"), "approved"), ("决算", D("54.96"), "executed"), ("完成率", D("67.92"), None)]
    summary = [(x.label, x.measure, x.amount, x.unit, x.item) for x in f if x.line == 2752]
    assert summary == [
        ("因公出国（境）费", "决算", D("0.00"), "万元", "OverseasTravel"),
        ("因公出国（境）费", "完成率", D("0.00"), "%", "OverseasTravel"),
        ("因公出国（境）费", "占比", D("0.00"), "%", "OverseasTravel"),
        ("公务用车购置及运行费", "决算", D("52.68"), "万元", "OfficialVehicles"),
        ("公务用车购置及运行费", "完成率", D("100"), "%", "OfficialVehicles"),
        ("公务用车购置及运行费", "占比", D("95.85"), "%", "OfficialVehicles"),
        ("公务接待费", "决算", D("2.28"), "万元", "OfficialReception"),
        ("公务接待费", "完成率", D("8.07"), "%", "OfficialReception"),
        ("公务接待费", "占比", D("4.15"), "%", "OfficialReception")]
    for label, line, budget, actual, rate in (("因公出国（境）费", 2753, "0.00", "0.00", "0.00"),
                                              ("公务用车购置及运行费", 2755, "52.68", "52.68", "100"),
                                              ("公务接待费", 2758, "28.24", "2.28", "8.07")):
        got = [(x.measure, x.amount) for x in figs(f, label, line=line)]
        assert got == [("预算", D(budget)), ("决算", D(actual)), ("完成率", D(rate))]
    assert [(x.label, x.amount, x.unit) for x in f if x.line == 2754] == [
        ("因公出国（境）团组数", D("0"), "个"), ("因公出国（境）人次", D("0"), "人次")]
    purchase = one(f, "公务用车购置支出")
    assert (purchase.amount, purchase.unit, purchase.item, purchase.phase) == (D("0.00"), "万元", "VehiclePurchase", "executed")
    assert (one(f, "购置车辆").amount, one(f, "购置车辆").unit, one(f, "购置车辆").measure) == (D("0"), "台", "数量")
    operation = one(f, "公务用车运行支出")
    assert (operation.amount, operation.item) == (D("52.68"), "VehicleOperation")
    held = [x for x in f if x.unit == "辆"]
    assert len(held) == 1 and held[0].label.endswith("公务用车保有量") and held[0].amount == D("29")
    assert one(f, "外宾接待支出").amount == D("0")
    assert [(x.label, x.amount, x.unit) for x in f if x.line == 2759 and x.unit != "万元"] == [
        ("接待国（境）外来访团组", D("0"), "个"), ("来访外宾", D("0"), "人次")]
    assert one(f, "其他国内公务接待支出").amount == D("2.28")
    assert [(x.label, x.amount, x.unit) for x in f if x.line == 2760 and x.unit != "万元"] == [
        ("接待国内来访团组", D("17"), "个"), ("来宾", D("129"), "人次")]


def test_performance_paragraph(sample):
    f = [x for x in sample[3] if x.section == "八、预算绩效情况说明"]
    assert [(x.label, x.measure, x.amount, x.unit) for x in f] == [
        ("纳入预算绩效管理的支出总额", "总计", D("6755.391"), "万元"),
        ("人员经费", "决算", D("2376.62"), "万元"),
        ("公用经费", "决算", D("347.95"), "万元"),
        ("支出项目", "数量", D("66"), "个"),
        ("支出金额", "决算", D("4030.821"), "万元"),
        ("进行项目绩效自评", "数量", D("58"), "个"),
        ("自评金额", "决算", D("3092.211"), "万元"),
        ("纳入重点绩效评价(部门评价或财政评价)", "数量", D("5"), "个"),
        ("评价金额", "决算", D("222.648"), "万元")]  # scores and per-unit project counts are read elsewhere


def test_fund_sections_operating_costs_procurement_assets(sample):
    f = sample[3]
    fund = "政府性基金预算财政拨款支出"
    assert [(x.measure, x.amount) for x in figs(f, fund)] == [("预算", D("0")), ("决算", D("0")), ("完成率", D("0"))]
    capital = "国有资本经营预算财政拨款支出"
    assert [(x.measure, x.amount, x.section) for x in figs(f, capital)] == [
        ("预算", D("0"), "10、 国有资本经营预算财政拨款支出决算情况说明"),
        ("决算", D("0"), "10、 国有资本经营预算财政拨款支出决算情况说明")]
    running = figs(f, "机关运行经费")
    assert [(x.measure, x.amount, x.unit) for x in running] == [
        ("决算", D("295.55"), "万元"), ("减少", D("-21.09"), "万元"), ("下降率", D("-6.66"), "%")]
    assert {x.section for x in running} == {"十一、机关运行经费支出情况说明"}
    procurement = [(x.label, x.measure, x.amount, x.unit) for x in f if x.section == "十二、政府采购支出情况说明"]
    assert procurement == [
        ("政府采购支出总额", "总计", D("5993.91"), "万元"),
        ("政府采购货物支出", "决算", D("2293.96"), "万元"),
        ("政府采购工程支出", "决算", D("0.00"), "万元"),
        ("政府采购服务支出", "决算", D("3699.95"), "万元"),
        ("授予中小企业合同金额", "决算", D("3297.74"), "万元"),
        ("授予中小企业合同金额", "占比", D("55.02"), "%"),
        ("授予小微企业合同金额", "决算", D("65.14"), "万元"),
        ("授予小微企业合同金额", "占比", D("1.09"), "%")]
    assets = [(x.label, x.amount, x.unit) for x in f if x.section == "十三、国有资产占用情况说明"]
    assert assets == [
        ("车辆", D("29"), "辆"), ("省级领导干部用车", D("0"), "辆"), ("主要领导干部用车", D("0"), "辆"),
        ("机要通信用车", D("0"), "辆"), ("应急保障车", D("1"), "辆"), ("执法执勤用车", D("0"), "辆"),
        ("特种专业技术用车", D("11"), "辆"), ("离退休干部用车", D("0"), "辆"), ("其他用车", D("17"), "辆"),
        ("单位价值50万元以上通用设备", D("21"), "台（套）"), ("单位价值100万元以上专用设备", D("20"), "台（套）")]
    assert all(x.measure == "数量" and x.phase is None for x in f if x.section == "十三、国有资产占用情况说明")


def test_no_figures_outside_the_narrative_part(sample):
    f = sample[3]
    assert all(2701 < x.line < 5491 for x in f)
    assert not any(x.line in range(2718, 2746) for x in f)  # the subject lines
    assert not any(x.unit in ("分", "天") for x in f)


# --- other disclosures -----------------------------------------------------------------------------

def test_two_figures_in_one_sentence_and_income_parts():
    _, _, subjects, f, warnings = read_path(FRAGMENTS / "daying_wenlv_2022_js_part2.txt")
    assert warnings == [] and subjects == []
    assert [(x.label, x.measure, x.amount) for x in f if x.line == 3] == [
        ("收入总计", "总计", D("4125.49")), ("支出总计", "总计", D("4143.91")),
        ("收入总计", "减少", D("-1267.86")), ("支出总计", "减少", D("-2570.97")),
        ("收入总计", "下降率", D("-23.51")), ("支出总计", "下降率", D("-38.28"))]
    total = one(f, "本年收入合计")
    assert (total.measure, total.amount, total.unit, total.item, total.phase) == ("合计", D("4125.49"), "万元", "TotalIncome", "executed")
    assert total.section == "二、收入决算情况说明"
    parts = [(x.label, x.amount) for x in f if x.line == 6 and x.measure == "决算"]
    assert parts == [("一般公共预算财政拨款收入", D("3859.16")), ("政府性基金预算财政拨款收入", D("0")),
                     ("国有资本经营预算财政拨款收入", D("0")), ("上级补助收入", D("0")), ("事业收入", D("0")),
                     ("经营收入", D("0")), ("附属单位上缴收入", D("0")), ("其他收入", D("266.33"))]
    shares = [(x.label, x.amount) for x in f if x.line == 6 and x.measure == "占比"]
    assert shares[0] == ("一般公共预算财政拨款收入", D("93.54")) and shares[-1] == ("其他收入", D("6.46"))
    assert len(shares) == 8 and all(x.unit == "%" for x in f if x.measure == "占比")
    assert one(f, "一般公共预算财政拨款收入", "决算").item == "GeneralBudgetAppropriationIncome"
    assert one(f, "本年支出合计").amount == D("4143.91")


def test_budget_disclosure_three_public_expenses():
    _, _, _, f, warnings = read_path(FRAGMENTS / "wanjiang_jnxq_2024_sangong_ys.txt")
    assert warnings == []
    assert all(x.phase == "approved" for x in f if x.unit == "万元")
    assert all(x.section == "二、2024年一般公共预算“三公”经费支出预算情况说明" for x in f)
    head = [(x.label, x.measure, x.amount) for x in f if x.line == 20]
    assert head == [("一般公共预算“三公”经费", "预算", D("328.7")), ("一般公共预算“三公”经费", "减少", D("-17.3")),
                    ("一般公共预算“三公”经费", "下降率", D("-5")), ("因公出国(境)费", "预算", D("10")),
                    ("公务接待费", "预算", D("240")), ("公务用车购置及运行费", "预算", D("78.7"))]
    assert one(f, "公务用车运行费", "预算").item == "VehicleOperation"
    assert (one(f, "公务用车购置费", "减少").amount, one(f, "公务用车购置费", "下降率").amount) == (D("-6"), D("-12.24"))
    assert one(f, "因公出国(境)费", line=21).item == "OverseasTravel"
    assert not any(x.line < 20 for x in f)  # the table's bare numbers are not narrative figures


def test_values_that_do_not_match_their_labels_are_not_read():
    text = "\n".join([
        "第三部分 2021年度部门决算情况说明",
        "一、收入支出决算总体情况说明",
        "2021年度收、支总计各是100.00,200.00,300.00万元。",
        "2021年度收、支总计各是1,000.00、1,200.00万元。",
    ])
    _, _, _, f, warnings = read_text(text, "v.txt")
    assert len(warnings) == 1 and warnings[0].startswith("v.txt:3: ") and "3 figures" in warnings[0]
    assert [(x.label, x.amount, x.line) for x in f] == [("收入总计", D("1000.00"), 4), ("支出总计", D("1200.00"), 4)]


@pytest.mark.parametrize("name", ["daying_sfj_2023_xmzxpj_p21.txt", "yueyang_taichuangyuan_2017_sangong_ys.txt"])
def test_tables_of_other_layouts_are_not_running_text(name):
    # pipe- and space-separated table rows: their bare numbers are not narrative figures
    duties, units, subjects, figures, warnings = read_path(FRAGMENTS / name)
    assert (duties, units, subjects, figures, warnings) == ([], [], [], [], [])


def test_funds_applied_for_are_a_budget_and_funds_completed_an_actual():
    """棠溪镇's project form (tests/fixtures/hand-read/guichi_tangxi_2022_jxzp.txt): 本项目共申请预算资金90万元 is
    what was budgeted, 本项目共完成预算资金89.97万元 what was spent."""
    text = ("年度总体目标\n本项目共申请预算资金90万元。其中:30万元用于基建工程项目预算编制。\n"
            "本项目共完成预算资金89.97万元。其中:29.99万元用于基建工程项目设计、规划、测绘。\n")
    figures = read_text(text)[3]
    assert [(f.amount, f.measure, f.phase) for f in figures if f.amount in (D("90"), D("89.97"))] == [
        (D("90"), "预算", "approved"), (D("89.97"), "决算", "executed")]


def test_a_subject_stated_unchanged_is_what_the_next_clause_is_about():
    """梧州's 三公 paragraph (tests/fixtures/hand-read/wuzhou_ncpzj_2020_js.txt, lines 5–12, joined): the 1.05 万元
    increase is 公务用车运行维护费's, named in the clause before it with no figure (比预算无增减变化), not the
    total's stated first."""
    text = ("“三公”经费支出决算总额为 5.48 万元,比去年增加 1.55 万元。其中,因公出国支出决算比预算无增减变化,"
            "比去年无增减变化;公务用车运行维护费支出决算比预算无增减变化,比去年增加 1.05 万元,增长 35.8%。\n")
    figures = read_text(text)[3]
    assert [(f.label, f.measure, f.amount) for f in figures if f.amount in (D("1.55"), D("1.05"), D("35.8"))] == [
        ("“三公”经费支出决算总额", "增加", D("1.55")), ("公务用车运行维护费", "增加", D("1.05")),
        ("公务用车运行维护费", "增长率", D("35.8"))]


def test_the_figure_a_change_is_measured_from_has_the_subjects_measure():
    """沅陵县's 三公 note (tests/fixtures/hand-read/yuanling_xian_2021_sangong.txt, line 13): 较2020年4729 万元 is
    2020's 预算数, as the 预算数 it is compared with, even where the document's measure is 决算."""
    text = "“三公”经费决算数为4196万元,较2020年4729 万元减少533万元,同比下降11.2%。\n"
    text_budget = "“三公”经费预算数为4196万元,较2020年4729 万元减少533万元,同比下降11.2%。\n"
    for words, measure in ((text, "决算"), (text_budget, "预算")):
        figures = read_text(words)[3]
        assert [(f.label, f.measure) for f in figures if f.amount == D("4729")] == [("“三公”经费", measure)]


def test_the_text_after_a_table_of_contents_is_not_under_its_last_entry():
    """河西务镇 (tests/fixtures/collected/wuqing_hexiwu_2023_ys.txt): the page prints the 目录 (its last part 第四部分
    2023年部门预算表) and then the explanations without their headings; they are running text, not part of the
    tables' part, and their figures are read (收入包括:一般公共预算拨款收入 6526.3万元 …, line 34)."""
    path = ROOT / "tests" / "fixtures" / "collected" / "wuqing_hexiwu_2023_ys.txt"
    warnings: list[str] = []
    figures = read_narrative(rows_of(path.read_text(encoding="utf-8"), str(path), warnings)[1], str(path), warnings)[3]
    assert (D("6526.3"), "万元", 34) in {(f.amount, f.unit, f.line) for f in figures
                                        if f.label.endswith("一般公共预算拨款收入")}


def test_after_the_parts_an_inclusion_lists_the_whole_again_and_a_cut_unit():
    """宁夏机管局 (tests/fixtures/collected/ningxia_jgswglj_2013_ys.txt, line 9): 收支总预算4,471.22万元,含A 250万元,B
    537.31万元;比2012年预算增加755.18万元 — the increase is the whole's, not B's; the page ends inside 万元
    (增加480.32万), an amount, not a growth of 480.32%."""
    text = ("机管局2013年收支总预算4,471.22万元,含区泾河源山庄管理处经费250万元,政府机关幼儿园经费537.31万元;"
            "比2012年预算增加755.18万元,增长20.32%。主要原因:一是2013年一般公共服务支出增加480.32万\n")
    figures = read_text(text)[3]
    got = {(f.label, f.measure, f.amount, f.unit) for f in figures}
    assert ("收支总", "增加", D("755.18"), "万元") in got and ("收支总", "增长率", D("20.32"), "%") in got
    assert ("一般公共服务支出", "增加", D("480.32"), "万元") in got
    assert not [g for g in got if g[0].endswith("幼儿园经费") and g[1] in ("增加", "增长率")]


def test_a_new_sentence_after_the_parts_is_about_the_whole():
    """涪陵区 (tests/fixtures/collected/fuling_qxz_2024_sangong_ys.txt, line 1): 其中:… 公务接待费0万元。与2023年预算相比
    增长16.75% is the growth of the 三公 total, not of 公务接待费."""
    text = ("2024年一般公共预算“三公”经费支出预算为14.01万元,其中:因公出国(境)费用0万元,公务用车运行维护费14.01万元,"
            "公务接待费0万元。与2023年预算相比增长16.75%,其中因公出国(境)费增加0万元,公务用车运行维护费增加2.01万元。\n")
    figures = read_text(text)[3]
    assert [(f.label, f.measure) for f in figures if f.amount == D("16.75")] == [("一般公共预算“三公”经费", "增长率")]


def test_an_actual_over_its_budget_and_an_actual_named_before_its_noun():
    """天水市幼儿园 (line 16): 决算数大于预算数55.93万元 is the subject's excess over its budget; 井研县 (line 3):
    因公出国(境)决算支出0万元 is 因公出国(境)'s actual."""
    figures = read_text("本单位一般公共预算财政拨款支出总计1741.75万元,决算数大于预算数55.93万元,主要原因:职工工资调标。\n"
                        "2020年因公出国(境)决算支出0万元。\n")[3]
    got = {(f.label, f.measure, f.amount) for f in figures}
    assert ("一般公共预算财政拨款支出总计", "增加", D("55.93")) in got
    assert ("因公出国(境)", "决算", D("0")) in got


def test_a_subject_compared_in_a_clause_of_its_own_and_revenue_words():
    """乌鲁木齐市政务服务中心 (line 16): 收入支出总体与上年相比,增加58.21万元 is 收入支出总体's change; 汕尾市 (line 9):
    为调整预算数的100.66% is a rate of the budget, 增收12423万元 an increase."""
    figures = read_text("收入支出总体与上年相比,增加58.21万元,增长15.46%,主要原因是人员增加。\n"
                        "2018年市级一般公共预算收入决算数129748万元,为调整预算数的100.66%,比2017年增收12423万元,"
                        "增长10.59%;一般公共预算支出决算数480691万元,比2017年增支8807万元。\n")[3]
    got = {(f.label, f.measure, f.amount) for f in figures}
    assert {("收入支出总体", "增加", D("58.21")), ("收入支出总体", "增长率", D("15.46")),
            ("市级一般公共预算收入", "完成率", D("100.66")), ("市级一般公共预算收入", "增加", D("12423")),
            ("一般公共预算支出", "增加", D("8807"))} <= got


def test_the_amounts_of_a_basic_information_section_are_read():
    """红河州数据发展中心's self-evaluation report (tests/fixtures/collected/honghe_sjfzzx_2024_xmzp.txt, line 9): its
    一、基本情况 states the projects' money (年初批复预算8个项目985万元 … 实际到位资金334.67万元) and their counts
    (实施项目共15个(含2023年转列暂付性款项项目5个) … 年中增加8个项目(含…5个)); both are read, a count of bodies
    (内设3个科室) being the units reader's."""
    path = ROOT / "tests" / "fixtures" / "collected" / "honghe_sjfzzx_2024_xmzp.txt"
    warnings: list[str] = []
    figures = read_narrative(rows_of(path.read_text(encoding="utf-8"), str(path), warnings)[1], str(path), warnings)[3]
    got = {(f.amount, f.unit, f.line) for f in figures}
    assert {(D("985"), "万元", 9), (D("50"), "万元", 9), (D("861.46"), "万元", 9), (D("334.67"), "万元", 9)} <= got
    counts = sorted((f.label, f.amount) for f in figures if f.line == 9 and f.unit not in ("万元", "元"))
    assert counts == [("实施项目", D("15")), ("年中项目", D("8")), ("年初批复项目", D("8")), ("年初结转结余项目", D("1")),
                      ("转列暂付性款项项目", D("5")), ("转列暂付性款项项目", D("5"))]
    assert all(f.unit == "个" for f in figures if f.line == 9 and f.unit not in ("万元", "元"))
    # 调整预算后项目预算861.46万元: 项目's revised budget
    assert [(f.label, f.measure, f.phase) for f in figures if f.amount == D("861.46")] == [("项目", "调整预算", "revised")]


def test_the_staff_a_basic_information_section_counts_are_read():
    """宁夏机管局 (tests/fixtures/collected/ningxia_jgswglj_2013_ys.txt, line 5, under 二、单位基本情况): 现有人员编制
    115人,其中:参照公务员管理事业编制71人 are figures in 人; the divisions it lists stay the units reader's."""
    path = ROOT / "tests" / "fixtures" / "collected" / "ningxia_jgswglj_2013_ys.txt"
    warnings: list[str] = []
    rows = rows_of(path.read_text(encoding="utf-8"), str(path), warnings)[1]
    figures = read_narrative(rows, str(path), warnings)[3]
    got = {(f.label, f.amount, f.unit) for f in figures if f.line == 5}
    assert {("现有人员编制", D(115), "人"), ("参照公务员管理事业编制", D(71), "人")} <= got
    assert all(u == "人" for _, _, u in got)


def test_a_cut_table_of_contents_does_not_swallow_the_bodys_first_headings():
    """乌鲁木齐市政务服务中心 (tests/fixtures/collected/wulumuqi_zwfwzx_2023_js.txt): the page kept three entries of its
    目录, then prints 第一部分 单位概况 and 一、主要职能 over the body's text: those are the body's headings, so
    line 10 (实有人数11人, under 二、机构设置及人员情况) is read."""
    path = ROOT / "tests" / "fixtures" / "collected" / "wulumuqi_zwfwzx_2023_js.txt"
    warnings: list[str] = []
    rows = rows_of(path.read_text(encoding="utf-8"), str(path), warnings)[1]
    figures = read_narrative(rows, str(path), warnings)[3]
    assert ("实有人数", D(11), "人", "二、机构设置及人员情况") in {
        (f.label[-4:], f.amount, f.unit, f.section) for f in figures if f.line == 10}


def test_counts_of_things_in_a_basic_information_section_are_figures_and_counts_of_bodies_are_not():
    """In 基本情况 a count of projects is a figure (its bracketed part too); a count of the unit's divisions is
    the units reader's (内设3个科室), not a figure; a count whose things are listed before it is named after them."""
    figures = read_text("一、基本情况\n本单位内设3个科室:办公室、财务科、业务科。本单位(以下简称“本局”)实施项目共4个"
                        "(含结转项目1个),安排资金120万元,建成序厅、展厅等2个展区以及3台拼接屏。\n")[3]
    got = sorted((f.label, f.amount, f.unit) for f in figures)
    assert got == sorted([("实施项目", D("4"), "个"), ("结转项目", D("1"), "个"), ("安排资金", D("120"), "万元"),
                          ("展区", D("2"), "个")])


def test_the_nature_parts_of_a_funds_spending_are_its_columns_and_of_the_units_total_its_rows():
    """一般公共预算拨款支出 X 元,其中:基本支出 A 元,项目支出 B 元: A and B are the columns 基本支出, 项目支出 of the row
    一般公共预算拨款支出 (as in the 一般公共预算支出表); a subject's (机构运行) likewise. 本年支出合计 X,其中:基本支出 A:
    the unit's own 基本支出, a row of its own."""
    figures = read_text("五、一般公共预算支出情况说明\n2021 年一般公共预算拨款支出 1493924.6 元,其中:基本支出 1440224.6 元,"
                        "项目支出 53700 元。\n机构运行 1100910.5 元,其中:基本支出 1100910.5 元,项目支出 0元。\n"
                        "三、支出决算情况说明\n2022年本年支出合计4143.91万元,其中:基本支出1140.27万元,占27.52%;"
                        "项目支出3003.64万元,占72.48%。\n")[3]
    got = {(f.label, f.measure, f.amount) for f in figures}
    assert {("一般公共预算拨款支出", "基本支出", D("1440224.6")), ("一般公共预算拨款支出", "项目支出", D("53700")),
            ("机构运行", "基本支出", D("1100910.5")), ("机构运行", "项目支出", D("0")),
            ("基本支出", "决算", D("1140.27")), ("项目支出", "决算", D("3003.64")),
            ("基本支出", "占比", D("27.52"))} <= got
    assert not [f for f in figures if f.label in ("基本支出", "项目支出") and f.unit == "元"]


def test_the_parts_a_line_ending_in_qizhong_opens_are_read_on_the_next_line():
    """机关事业单位基本养老保险缴费支出 150384 元,其中: / 基本支出 150384 元,项目支出 0元。 (a 梧州 page,
    tests/fixtures/collected/wuzhou_keyan_2021_ys_p5.txt lines 14-15): the parts are the subject's, as on one line;
    a line that does not end in 其中: opens nothing for the next."""
    figures = read_text("五、一般公共预算支出情况说明\n机关事业单位基本养老保险缴费支出 150384 元,其中:\n"
                        "基本支出 150384 元,项目支出 0元。\n住房公积金 112788 元。\n基本支出 90000 元。\n")[3]
    got = {(f.label, f.measure, f.amount) for f in figures}
    assert {("机关事业单位基本养老保险缴费", "基本支出", D("150384")), ("机关事业单位基本养老保险缴费", "项目支出", D("0")),
            ("基本支出", "决算", D("90000"))} <= got
    assert not [f for f in figures if f.label == "住房公积金" and f.measure == "基本支出"]
