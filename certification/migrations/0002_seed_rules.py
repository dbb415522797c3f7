"""Seed the qualification's rules from DOMAIN.md; every row stays editable in the admin.

Levels, subjects (pass mark 60, believed, unverified), exam years 2019–2026 with the known exam
dates (2020, 2021 and 2026 and every registration window are sensible defaults to be checked
against the notices), and the 2006 interim eligibility rules.
"""

import datetime as dt
from decimal import Decimal

from django.db import migrations

LEVELS = (
    # code, name, rank, window years, needs review, CE hours per registration period
    ("assistant", "助理社会工作师", 1, 1, False, Decimal("72")),
    ("intermediate", "社会工作师", 2, 2, False, Decimal("90")),
    ("senior", "高级社会工作师", 3, 1, True, Decimal("90")),
)
SUBJECTS = (
    ("assistant", "assistant-ability", "社会工作综合能力（初级）", 1),
    ("assistant", "assistant-practice", "社会工作实务（初级）", 2),
    ("intermediate", "intermediate-ability", "社会工作综合能力（中级）", 1),
    ("intermediate", "intermediate-law", "社会工作法规与政策", 2),
    ("intermediate", "intermediate-practice", "社会工作实务（中级）", 3),
    ("senior", "senior-practice", "社会工作实务（高级）", 1),
)
UNVERIFIED = "日期待核实"
EXAM_YEARS = (
    # year, exam date, registration opens, closes, note
    (2019, dt.date(2019, 6, 15), dt.date(2019, 3, 8), dt.date(2019, 3, 31), UNVERIFIED),
    (2020, dt.date(2020, 10, 17), dt.date(2020, 8, 3), dt.date(2020, 8, 21), UNVERIFIED),
    (2021, dt.date(2021, 11, 13), dt.date(2021, 8, 2), dt.date(2021, 8, 20), UNVERIFIED),
    (2022, dt.date(2022, 6, 18), dt.date(2022, 3, 8), dt.date(2022, 3, 31), "报名日期待核实"),
    (2023, dt.date(2023, 6, 10), dt.date(2023, 3, 8), dt.date(2023, 3, 31), "报名日期待核实"),
    (2024, dt.date(2024, 6, 15), dt.date(2024, 3, 8), dt.date(2024, 3, 31), "报名日期待核实"),
    (2025, dt.date(2025, 5, 24), dt.date(2025, 3, 5), dt.date(2025, 3, 25), "报名日期待核实"),
    (2026, dt.date(2026, 6, 13), dt.date(2026, 3, 9), dt.date(2026, 3, 31), UNVERIFIED),
)
# level, min education, social-work major only, required level, years, years since certificate
RULES = (
    ("assistant", "high_school", False, None, 4, False, "高中或中专，从事社会工作满4年"),
    ("assistant", "junior_college", True, None, 2, False, "社会工作专业大专，满2年"),
    ("assistant", "bachelor", True, None, 0, False, "社会工作专业本科及以上，不限年限"),
    ("assistant", "junior_college", False, None, 4, False, "其他专业大专，满4年"),
    ("assistant", "bachelor", False, None, 2, False, "其他专业本科及以上，满2年"),
    ("intermediate", "high_school", False, "assistant", 6, False, "高中或中专，持助理社会工作师证书，满6年"),
    ("intermediate", "junior_college", True, None, 4, False, "社会工作专业大专，满4年"),
    ("intermediate", "bachelor", True, None, 3, False, "社会工作专业本科，满3年"),
    ("intermediate", "master", True, None, 1, False, "社会工作专业硕士，满1年"),
    ("intermediate", "doctor", True, None, 0, False, "社会工作专业博士，不限年限"),
    ("intermediate", "junior_college", False, None, 6, False, "其他专业大专，满6年"),
    ("intermediate", "bachelor", False, None, 5, False, "其他专业本科，满5年"),
    ("intermediate", "master", False, None, 3, False, "其他专业硕士，满3年"),
    ("intermediate", "doctor", False, None, 2, False, "其他专业博士，满2年"),
    ("senior", "bachelor", False, "intermediate", 5, True, "本科及以上，取得社会工作师证书后满5年"),
)


def seed(apps, schema_editor):
    Level = apps.get_model("certification", "Level")
    Subject = apps.get_model("certification", "Subject")
    ExamYear = apps.get_model("certification", "ExamYear")
    Rule = apps.get_model("certification", "EligibilityRule")
    levels = {}
    for code, name, rank, window, review, hours in LEVELS:
        levels[code], _ = Level.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "rank": rank,
                "window_years": window,
                "needs_review": review,
                "ce_hours": hours,
            },
        )
    for level, code, name, order in SUBJECTS:
        Subject.objects.get_or_create(
            code=code, defaults={"level": levels[level], "name": name, "order": order}
        )
    for year, exam, opens, closes, note in EXAM_YEARS:
        ExamYear.objects.get_or_create(
            year=year,
            defaults={
                "exam_date": exam,
                "registration_opens": opens,
                "registration_closes": closes,
                "note": note,
            },
        )
    if not Rule.objects.exists():
        Rule.objects.bulk_create(
            Rule(
                level=levels[level],
                min_education=education,
                social_work_only=sw,
                required_level=levels[required] if required else None,
                years=years,
                years_since_certificate=since,
                note=note,
            )
            for level, education, sw, required, years, since, note in RULES
        )


class Migration(migrations.Migration):
    dependencies = [("certification", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
