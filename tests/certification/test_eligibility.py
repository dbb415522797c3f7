"""Who may sit which level next year, why, and from which year (the rules are seeded rows)."""

import datetime as dt
import random

import pytest
from django.urls import reverse

from certification.models import EligibilityRule, Level
from certification.selectors import (
    eligibility_answers,
    eligible_q,
    entry_levels,
    pipeline_list,
    rule_rows,
)
from tests.certification.conftest import certify, level
from tests.factories import TraineeFactory
from trainees.models import Education, Trainee

EXAM_YEAR = 2027  # experience counted to 31 December 2026


def answers(trainee) -> dict[str, object]:
    got = eligibility_answers(trainees=[trainee], exam_year=EXAM_YEAR)[trainee.pk]
    codes = dict(Level.objects.values_list("pk", "code"))
    return {codes[a.level_id]: a for a in got}


@pytest.mark.django_db
def test_social_work_graduate_sits_assistant_at_once_and_intermediate_after_three_years():
    t = TraineeFactory(
        education=Education.BACHELOR,
        major_is_social_work=True,
        started_community_work=dt.date(2026, 7, 1),
        joined=dt.date(2026, 7, 1),
    )
    a = answers(t)
    assert a["assistant"].eligible and a["assistant"].year == EXAM_YEAR
    assert "社会工作专业" in a["assistant"].reason
    assert not a["intermediate"].eligible
    assert a["intermediate"].year == 2030
    assert "2030年起可报考" in a["intermediate"].reason


@pytest.mark.django_db
def test_experience_counts_to_the_end_of_the_previous_year():
    # Other major, 大专: four years. Started 1 Jan 2023: four full years on 31 Dec 2026.
    t = TraineeFactory(
        education=Education.JUNIOR_COLLEGE,
        started_community_work=dt.date(2023, 1, 1),
        joined=dt.date(2023, 1, 1),
    )
    assert answers(t)["assistant"].eligible
    t.started_community_work = dt.date(2023, 1, 2)
    late = answers(t)["assistant"]
    # Starting one day later only gives 3 full years by 31 Dec 2026; 4 are reached in 2027.
    assert (late.eligible, late.year) == (False, 2028)


@pytest.mark.django_db
def test_high_school_needs_the_assistant_certificate_for_intermediate():
    t = TraineeFactory(
        education=Education.HIGH_SCHOOL,
        started_community_work=dt.date(2018, 3, 1),
        joined=dt.date(2018, 3, 1),
    )
    a = answers(t)
    assert a["assistant"].eligible
    assert not a["intermediate"].eligible and a["intermediate"].year is None
    assert "需先取得助理社会工作师证书" in a["intermediate"].reason
    certify(t, "assistant", dt.date(2023, 6, 10))
    a = answers(t)
    assert "assistant" not in a  # held: only higher levels are answered
    assert a["intermediate"].eligible  # 2018 + 6 years by 2026, certificate held since 2023


@pytest.mark.django_db
def test_senior_counts_years_from_the_intermediate_certificate():
    t = TraineeFactory(education=Education.BACHELOR, started_community_work=dt.date(2005, 1, 1))
    certify(t, "intermediate", dt.date(2023, 6, 10))
    a = answers(t)
    assert list(a) == ["senior"]
    assert (a["senior"].eligible, a["senior"].year) == (False, 2029)
    t2 = TraineeFactory(education=Education.MASTER, started_community_work=dt.date(2005, 1, 1))
    certify(t2, "intermediate", dt.date(2019, 6, 15))
    assert answers(t2)["senior"].eligible


@pytest.mark.django_db
def test_junior_school_education_is_never_eligible():
    t = TraineeFactory(education=Education.JUNIOR, started_community_work=dt.date(2000, 1, 1))
    a = answers(t)["assistant"]
    assert not a.eligible and a.year is None and "学历" in a.reason


@pytest.mark.django_db
def test_rules_are_data_an_administrator_can_change():
    t = TraineeFactory(
        education=Education.BACHELOR,
        major_is_social_work=False,
        started_community_work=dt.date(2025, 9, 1),
    )
    assert answers(t)["assistant"].year == 2028
    EligibilityRule.objects.filter(level__code="assistant", min_education="bachelor").update(
        years=1
    )
    assert answers(t)["assistant"].eligible


@pytest.mark.django_db
def test_database_filter_agrees_with_the_reasons():
    rng = random.Random(3)
    for _i in range(80):
        started = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randint(0, 6000))
        t = TraineeFactory(
            birth_date=dt.date(1975, 1, 1) + dt.timedelta(days=rng.randint(0, 7000)),
            education=rng.choice(Education.values),
            major_is_social_work=rng.random() < 0.4,
            started_community_work=started,
            joined=started,
        )
        if rng.random() < 0.3:
            certify(t, "assistant", started + dt.timedelta(days=rng.randint(0, 3000)))
        if rng.random() < 0.15:
            certify(t, "intermediate", started + dt.timedelta(days=rng.randint(300, 3000)))
    rules = rule_rows()
    trainees = list(Trainee.objects.all())
    by_python = eligibility_answers(trainees=trainees, exam_year=EXAM_YEAR)
    for code in ("assistant", "intermediate", "senior"):
        lv = level(code)
        in_db = set(
            Trainee.objects.filter(
                eligible_q(level=lv, rules=rules, exam_year=EXAM_YEAR)
            ).values_list("pk", flat=True)
        )
        in_py = {
            pk for pk, rows in by_python.items() for a in rows if a.level_id == lv.pk and a.eligible
        }
        # Python answers only levels above the highest held; the filter only excludes the same
        # level, so compare on workers who hold nothing above this level.
        above = set(
            Trainee.objects.filter(certificates__level__rank__gt=lv.rank).values_list(
                "pk", flat=True
            )
        )
        assert in_db - above == in_py, code


@pytest.mark.django_db
def test_the_pipeline_offers_the_levels_whose_rules_ask_for_no_certificate(world, client_for):
    """Which levels a worker without a certificate may sit is read from the rule rows: under
    the seeded 2006 rules assistant and intermediate; a senior rule without a certificate
    (edited in the admin) puts senior in the pipeline too."""
    today = dt.date(2026, 11, 18)
    newcomer = TraineeFactory(
        neighbourhood=world.na,
        education=Education.HIGH_SCHOOL,
        started_community_work=dt.date(2026, 3, 1),
        joined=dt.date(2026, 3, 1),
    )
    assert [lv.code for lv in entry_levels().order_by("rank")] == ["assistant", "intermediate"]
    in_pipeline = pipeline_list(user=world.users.district, on=today, exam_year=EXAM_YEAR)
    assert newcomer not in in_pipeline  # too little experience for either
    EligibilityRule.objects.create(
        level=level("senior"), min_education=Education.HIGH_SCHOOL, years=0, note="试行"
    )
    assert [lv.code for lv in entry_levels().order_by("rank")] == [
        "assistant",
        "intermediate",
        "senior",
    ]
    assert newcomer in pipeline_list(user=world.users.district, on=today, exam_year=EXAM_YEAR)
    page = client_for(world.users.district).get(reverse("certification:pipeline-list"))
    choices = [str(c[1]) for c in page.context["filter"].form.fields["level"].choices]
    assert "高级社会工作师" in choices
