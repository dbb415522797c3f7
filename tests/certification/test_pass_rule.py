"""Passing a level: all subjects within the level's window; the certificate follows, once."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import given
from hypothesis import strategies as st

from certification.models import Certificate, SeniorReview
from certification.rules import window_pass_year
from certification.services import attempt_record, certificate_award_if_passed, review_record
from tests.certification.conftest import exam, level, scores, subjects
from tests.helpers import raises_rule


def sit(world, year, code, *marks, actor=None):
    return attempt_record(
        trainee=world.worker,
        exam_year=exam(year),
        level=level(code),
        scores=scores(code, *marks),
        actor=actor or world.users.district,
    )


def test_assistant_needs_both_subjects_in_one_exam_year(world):
    sit(world, 2022, "assistant", 72, 55)
    assert not Certificate.objects.exists()
    sit(world, 2023, "assistant", 48, 66)  # practice passed now, ability passed only in 2022
    assert not Certificate.objects.exists()
    sit(world, 2024, "assistant", 61, 60)  # 60 is the pass mark: passed
    cert = Certificate.objects.get()
    assert (cert.level.code, cert.date_passed) == ("assistant", exam(2024).exam_date)


def test_intermediate_two_subjects_then_the_third_next_year_certifies(world):
    ability, law, practice = subjects("intermediate")
    attempt_record(
        trainee=world.worker,
        exam_year=exam(2022),
        level=level("intermediate"),
        scores={ability.pk: 70, law.pk: 64, practice.pk: 51},
        actor=world.users.district,
    )
    assert not Certificate.objects.exists()
    # Only the missing subject is sat the next year.
    attempt_record(
        trainee=world.worker,
        exam_year=exam(2023),
        level=level("intermediate"),
        scores={practice.pk: 63},
        actor=world.users.district,
    )
    cert = Certificate.objects.get()
    assert cert.date_passed == exam(2023).exam_date == dt.date(2023, 6, 10)


def test_intermediate_third_subject_two_years_later_does_not_certify(world):
    ability, law, practice = subjects("intermediate")
    sit(world, 2022, "intermediate", 70, 64, 51)
    attempt_record(
        trainee=world.worker,
        exam_year=exam(2024),
        level=level("intermediate"),
        scores={practice.pk: 75},
        actor=world.users.district,
    )
    assert not Certificate.objects.exists()
    # Rolling: 2024's practice pass and two re-passed subjects in 2025 complete 2024–2025.
    attempt_record(
        trainee=world.worker,
        exam_year=exam(2025),
        level=level("intermediate"),
        scores={ability.pk: 66, law.pk: 61},
        actor=world.users.district,
    )
    assert Certificate.objects.get().date_passed == exam(2025).exam_date


def test_award_is_idempotent_and_keeps_corrections(world):
    sit(world, 2023, "assistant", 80, 80)
    cert = Certificate.objects.get()
    cert.number = "2023-SH-00123"
    cert.save()
    sit(world, 2023, "assistant", 81, 80)  # the same sitting recorded again
    again = certificate_award_if_passed(trainee=world.worker, level=level("assistant"))
    assert again.pk == cert.pk and again.number == "2023-SH-00123"
    assert Certificate.objects.count() == 1


def test_senior_needs_a_passed_review_within_the_exam_pass_validity(world):
    sit(world, 2021, "senior", 68)
    assert not Certificate.objects.exists()
    review_record(
        trainee=world.worker,
        level=level("senior"),
        decided_on=dt.date(2025, 3, 1),  # 2021 + 3 years: too late
        passed=True,
        actor=world.users.district,
    )
    assert not Certificate.objects.exists()
    SeniorReview.objects.all().delete()
    review_record(
        trainee=world.worker,
        level=level("senior"),
        decided_on=dt.date(2022, 12, 1),
        passed=True,
        actor=world.users.district,
    )
    assert Certificate.objects.get().date_passed == dt.date(2022, 12, 1)


def test_scores_out_of_range_and_other_levels_subjects_are_refused(world):
    first = subjects("assistant")[0]
    with raises_rule(message=f"{first.name} 的成绩应在 0 到"):
        sit(world, 2023, "assistant", 101, 50)
    with raises_rule(message="科目与报考等级不一致"):
        attempt_record(
            trainee=world.worker,
            exam_year=exam(2023),
            level=level("assistant"),
            scores=scores("intermediate", 70, 70, 70),
            actor=world.users.district,
        )


def test_only_managers_in_scope_record_results(world):
    with pytest.raises(PermissionDenied):
        sit(world, 2023, "assistant", 80, 80, actor=world.users.admin_b)
    with pytest.raises(PermissionDenied):
        sit(world, 2023, "assistant", 80, 80, actor=world.users.supervisor)
    sit(world, 2023, "assistant", 80, 80, actor=world.users.admin_a)
    assert Certificate.objects.count() == 1


@given(
    passes=st.dictionaries(
        st.sampled_from([1, 2, 3]), st.sets(st.integers(2019, 2026), max_size=4), max_size=3
    ),
    window=st.integers(1, 3),
)
def test_window_pass_year_agrees_with_brute_force(passes, window):
    got = window_pass_year(passes, [1, 2, 3], window)
    brute = None
    for end in range(2019, 2027):
        if all(any(end - window < y <= end for y in passes.get(s, ())) for s in (1, 2, 3)):
            brute = end
            break
    assert got == brute
