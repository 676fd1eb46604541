"""Load the default 6-category / 26-item scheme of EVALUATION.md for 2025 (the demo year) and 2026."""

from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    ("A", "阵地建设", "Premises"),
    ("B", "制度建设", "Rules"),
    ("C", "人员配备", "Staffing"),
    ("D", "活动开展", "Activities"),
    ("E", "联系群众与民意办理", "Contact with voters and handling of opinions"),
    ("F", "运行管理与履职成效", "Running and results"),
]

# code, Chinese name, English name, max, kind, rule, params
ITEMS = [
    ("A1", "固定场所、地址和开放时间", "Fixed premises with an address and opening hours", "4", "auto",
     "premises_complete", {}),
    ("A2", "标牌、标识和公示栏", "Sign, logo and public notice board", "3", "manual", "", {}),
    ("A3", "设施设备和无障碍", "Equipment and barrier-free access", "3", "manual", "", {}),
    ("A4", "上墙公示代表照片、职责和联系方式", "Wall publicity: deputies' photos, duties, contact", "4", "auto",
     "deputies_publicised", {}),
    ("B1", "工作制度", "Work system documented", "4", "auto", "work_system_document", {}),
    ("B2", "年度活动计划1月31日前公示", "Yearly activity plan published by 31 January", "4", "auto",
     "activity_plan_published", {"full_by": "01-31", "half_by": "03-31"}),
    ("B3", "工作台账完整", "Ledger complete", "6", "auto", "ledger_months", {}),
    ("C1", "站长、联络员各1名（两个固定）", "One station head and one liaison officer", "4", "auto",
     "two_fixed_staff", {}),
    ("C2", "五级代表进站", "Deputies of the levels present in the area resident", "4", "auto",
     "levels_resident", {}),
    ("C3", "代表参与度", "Deputies' participation", "4", "auto", "deputy_participation", {"min_times": 2}),
    ("C4", "联络员和代表履职培训", "Training of officers and deputies", "2", "auto", "training_held", {}),
    ("D1", "每月28日接待选民", "Reception on the 28th every month", "5", "auto", "reception_held_with_log", {}),
    ("D2", "提前3天公示", "Notice published at least 3 days ahead", "3", "auto", "notice_on_time",
     {"days_ahead": 3, "by_hour": 9}),
    ("D3", "每季度至少1次活动", "At least one activity per quarter", "4", "auto", "activity_each_quarter", {}),
    ("D4", "定期学习交流", "Regular study and exchange", "2", "auto", "study_exchange", {"target": 4}),
    ("D5", "主题活动和为民服务", "Themed and campaign activities, service to residents", "4", "auto",
     "themed_activities", {"target": 4}),
    ("E1", "民意收集", "Opinions gathered", "4", "auto", "opinions_gathered", {}),
    ("E2", "网格融合", "Fitted into the grid", "3", "manual", "", {}),
    ("E3", "按时交办", "Assigned on time", "4", "auto", "assigned_on_time", {"working_days": 10}),
    ("E4", "问题解决率", "Resolution rate", "5", "auto", "resolution_rate", {}),
    ("E5", "按时答复反馈", "Reply and feedback on time", "4", "auto", "answered_on_time", {}),
    ("E6", "群众对办理的满意度", "Voters' satisfaction with handling", "4", "auto", "handling_satisfaction", {}),
    ("F1", "述职评议", "Duty reports held", "4", "auto", "duty_reports", {"years": 5}),
    ("F2", "年终满意度测评", "Year-end satisfaction vote", "4", "auto", "survey_satisfaction", {}),
    ("F3", "代表建议和为民办实事", "Suggestions and practical matters", "3", "auto", "suggestions_and_matters", {}),
    ("F4", "线上运行和数据保护", "Online operation and data protection", "5", "auto", "online_operation", {}),
]


def load(apps, schema_editor):
    Scheme = apps.get_model("reports", "EvaluationScheme")
    Category = apps.get_model("reports", "EvaluationCategory")
    Item = apps.get_model("reports", "EvaluationItem")
    for year in (2025, 2026):
        scheme, created = Scheme.objects.get_or_create(
            year=year, defaults={"title": f"{year}年度“人民满意的人大代表联络站”评选", "award_count": 7}
        )
        if not created:
            continue
        categories = {}
        for order, (code, name, name_en) in enumerate(CATEGORIES):
            categories[code] = Category.objects.create(scheme=scheme, code=code, name=name, name_en=name_en,
                                                       order=order)
        for order, (code, name, name_en, maximum, kind, rule, params) in enumerate(ITEMS):
            Item.objects.create(scheme=scheme, category=categories[code[0]], code=code, name=name, name_en=name_en,
                                max_score=Decimal(maximum), kind=kind, rule=rule, params=params, order=order)


def unload(apps, schema_editor):
    apps.get_model("reports", "EvaluationScheme").objects.filter(year__in=(2025, 2026)).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
