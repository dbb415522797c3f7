"""Writes of exam results, certificates, registrations and external CE hours.

Views, the admin, the demo's checks and tasks all come through here. Each service is
idempotent where a retry is plausible: recording the same results twice, or deciding a pass
that was already decided, changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_diff, audit_record, audit_snapshot
from trainees.models import Trainee

from .models import (
    Certificate,
    ExamAttempt,
    ExamYear,
    ExternalHours,
    Level,
    Registration,
    SeniorReview,
    Subject,
    SubjectResult,
)
from .rules import add_months, registration_end, window_pass_year
from .selectors import ce_hours_in_period
from .snapshots import rate_snapshots_drop

CERTIFICATE_FIELDS = ("trainee", "level", "number", "date_passed", "date_issued")


def _require_manager(actor: User | None, trainee: Trainee) -> None:
    """District administrators manage everyone; subdistrict administrators their own workers."""
    if actor is None:  # system: a task, a command or the import pipeline
        return
    if actor.is_district_admin:
        return
    if actor.is_subdistrict_admin and trainee.subdistrict_id == actor.subdistrict_id:
        return
    raise PermissionDenied(_("您的角色不能修改该社区工作者的持证记录。"))


def certificate_number(*, trainee: Trainee, level: Level, date_passed: dt.date) -> str:
    """A placeholder number until the real one (from the certificate) is entered in the admin."""
    return f"CN{date_passed:%Y}{level.code[:1].upper()}{trainee.pk:08d}"


@transaction.atomic
def attempt_record(
    *,
    trainee: Trainee,
    exam_year: ExamYear,
    level: Level,
    scores: Mapping[int, Decimal | None],
    actor: User | None,
) -> ExamAttempt:
    """Store a sitting's scores (subject id -> score; None = absent) and decide the pass.

    Each subject passes at its own pass mark. Recording the same sitting again replaces its
    scores. A completed level creates its certificate (see `certificate_award_if_passed`).
    """
    _require_manager(actor, trainee)
    subjects = {s.pk: s for s in Subject.objects.filter(level=level)}
    unknown = set(scores) - set(subjects)
    if unknown:
        raise ValidationError(_("科目与报考等级不一致。"))
    if not scores:
        raise ValidationError(_("请至少填写一个科目的成绩。"))
    errors: list[str] = []
    for subject_id, score in scores.items():
        subject = subjects[subject_id]
        if score is not None and not (0 <= score <= subject.max_score):
            errors.append(
                _("%(subject)s 的成绩应在 0 到 %(max)s 之间。")
                % {"subject": subject.name, "max": subject.max_score}
            )
    if errors:
        raise ValidationError(errors)
    attempt, _created = ExamAttempt.objects.get_or_create(
        trainee=trainee, exam_year=exam_year, level=level
    )
    for subject_id, score in scores.items():
        subject = subjects[subject_id]
        SubjectResult.objects.update_or_create(
            attempt=attempt,
            subject=subject,
            defaults={"score": score, "passed": score is not None and score >= subject.pass_mark},
        )
    certificate_award_if_passed(trainee=trainee, level=level, actor=actor)
    return attempt


def level_pass_date(*, trainee: Trainee, level: Level) -> dt.date | None:
    """The date the worker completed the level by the rules in force, or None."""
    subject_ids = list(Subject.objects.filter(level=level).values_list("pk", flat=True))
    passed: dict[int, set[int]] = defaultdict(set)
    for subject_id, year in SubjectResult.objects.filter(
        attempt__trainee=trainee, attempt__level=level, passed=True
    ).values_list("subject_id", "attempt__exam_year__year"):
        passed[subject_id].add(year)
    year = window_pass_year(passed, subject_ids, level.window_years)
    if year is None:
        return None
    exam_date = ExamYear.objects.get(year=year).exam_date
    if not level.needs_review:
        return exam_date
    # Senior: a passed review within the years the exam pass stays valid for applying.
    review = (
        SeniorReview.objects.filter(
            trainee=trainee,
            level=level,
            passed=True,
            decided_on__gte=exam_date,
            decided_on__year__lte=year + level.review_valid_years,
        )
        .order_by("decided_on")
        .first()
    )
    return review.decided_on if review else None


def certificate_default_date(date_passed: dt.date) -> dt.date:
    """The date a certificate counts from when none is given: its exam year's results-release
    date (data, ExamYear.results_released_on), never the exam day (DOMAIN.md)."""
    exam_year = ExamYear.objects.filter(year=date_passed.year).first()
    if exam_year is None:
        return date_passed + dt.timedelta(days=60)
    return max(exam_year.certificates_count_from, date_passed)


@transaction.atomic
def certificate_award_if_passed(
    *,
    trainee: Trainee,
    level: Level,
    issued_on: dt.date | None = None,
    actor: User | None = None,
) -> Certificate | None:
    """Create the level's certificate if the worker has passed it; idempotent.

    An existing certificate is returned unchanged (its number and dates may have been corrected
    by hand from the paper certificate).
    """
    existing = Certificate.objects.filter(trainee=trainee, level=level).first()
    if existing is not None:
        return existing
    date_passed = level_pass_date(trainee=trainee, level=level)
    if date_passed is None:
        return None
    certificate = Certificate(
        trainee=trainee,
        level=level,
        number=certificate_number(trainee=trainee, level=level, date_passed=date_passed),
        date_passed=date_passed,
        date_issued=max(issued_on or certificate_default_date(date_passed), date_passed),
    )
    certificate.full_clean()
    certificate.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=certificate,
        changes=audit_diff({}, audit_snapshot(certificate, CERTIFICATE_FIELDS)),
    )
    return certificate


@transaction.atomic
def certificate_correct(
    *,
    certificate: Certificate,
    actor: User | None,
    number: str,
    date_passed: dt.date,
    date_issued: dt.date,
) -> Certificate:
    """Enter the number and dates as the paper certificate has them (the admin site).

    A certificate is awarded with a placeholder number (`certificate_number`); the worker and
    the level stay as awarded. The date passed cannot move past the first registration, which
    had to be filed on or after it (`registration_first`).
    """
    _require_manager(actor, certificate.trainee)
    before = audit_snapshot(certificate, CERTIFICATE_FIELDS)
    errors: dict[str, list[str]] = {}
    if date_issued < date_passed:
        # The model's constraint says so too, but in words no one can place on the form.
        errors["date_issued"] = [_("发证日期不能早于取得日期。")]
    first = certificate.registrations.order_by("starts_on").first()
    if first is not None and date_passed > first.starts_on:
        errors["date_passed"] = [
            _("取得日期不能晚于首次登记日期（%(date)s）。") % {"date": first.starts_on.isoformat()}
        ]
    if errors:
        raise ValidationError(errors)
    # The rate counts the certificate from its date: the months since the earlier of the
    # stored date and the new one change (the save's receiver knows only the new one).
    stored = Certificate.objects.filter(pk=certificate.pk).values_list("date_issued", flat=True)
    rate_snapshots_drop(from_day=min([date_issued, *stored]))
    certificate.number = number.strip()
    certificate.date_passed = date_passed
    certificate.date_issued = date_issued
    certificate.full_clean()
    certificate.save()
    changes = audit_diff(before, audit_snapshot(certificate, CERTIFICATE_FIELDS))
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=certificate, changes=changes)
    return certificate


@transaction.atomic
def review_record(
    *, trainee: Trainee, level: Level, decided_on: dt.date, passed: bool, actor: User | None
) -> SeniorReview:
    _require_manager(actor, trainee)
    if not level.needs_review:
        raise ValidationError(_("该等级不需要评审。"))
    review, _created = SeniorReview.objects.update_or_create(
        trainee=trainee, level=level, decided_on=decided_on, defaults={"passed": passed}
    )
    certificate_award_if_passed(trainee=trainee, level=level, actor=actor)
    return review


@transaction.atomic
def registration_first(
    *, certificate: Certificate, starts_on: dt.date, actor: User | None
) -> Registration:
    """The first registration: within the level's months after passing (1 year), valid 3 years."""
    _require_manager(actor, certificate.trainee)
    level = certificate.level
    existing = list(certificate.registrations.order_by("starts_on"))
    if existing:
        if existing[0].starts_on == starts_on:
            return existing[0]  # the same request again
        raise ValidationError(_("该证书已办理首次登记，请办理再登记。"))
    deadline = add_months(certificate.date_passed, level.first_registration_months)
    if starts_on < certificate.date_passed:
        raise ValidationError({"starts_on": [_("登记日期不能早于取得证书日期。")]})
    if starts_on > deadline:
        raise ValidationError(
            {
                "starts_on": [
                    _("首次登记须在取得证书后 %(months)d 个月内办理（截止 %(deadline)s）。")
                    % {"months": level.first_registration_months, "deadline": deadline}
                ]
            }
        )
    registration = Registration(
        certificate=certificate,
        trainee_id=certificate.trainee_id,
        kind=Registration.Kind.FIRST,
        starts_on=starts_on,
        ends_on=registration_end(starts_on, level.registration_years),
        recorded_by=actor,
    )
    registration.full_clean()
    registration.save()
    _audit_registration(registration, actor)
    return registration


def _audit_registration(registration: Registration, actor: User | None) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=registration.certificate,
        changes={
            str(registration.get_kind_display()): [
                None,
                f"{registration.starts_on.isoformat()}–{registration.ends_on.isoformat()}",
            ]
        },
    )


@transaction.atomic
def registration_renew(
    *, certificate: Certificate, filed_on: dt.date, actor: User | None
) -> Registration:
    """Re-registration, filed in the notice window before expiry (or after a lapse).

    Needs the level's continuing-education hours (72 or 90) in the period that is ending,
    counted from Dudao training that counts as CE plus external hours with evidence, earned
    by the filing date: hours as of a date count only what was earned by then (DOMAIN.md,
    "Training counts for who was there then"), so a sitting booked after the filing cannot
    carry it. The new period follows the old one without a gap, or starts on the filing date
    after a lapse.
    """
    _require_manager(actor, certificate.trainee)
    level = certificate.level
    last = certificate.registrations.order_by("-starts_on").first()
    if last is None:
        raise ValidationError(_("该证书尚未办理首次登记。"))
    opens = last.ends_on - dt.timedelta(days=level.renewal_notice_days)
    if filed_on < opens:
        raise ValidationError(
            {
                "filed_on": [
                    _("再登记须在有效期届满前 %(days)d 天内办理（%(opens)s 起）。")
                    % {"days": level.renewal_notice_days, "opens": opens}
                ]
            }
        )
    # Within the ending period, up to the filing date (or its last day, after a lapse).
    hours = ce_hours_in_period(
        trainee_id=certificate.trainee_id, start=last.starts_on, end=min(last.ends_on, filed_on)
    )
    if hours["total"] < level.ce_hours:
        raise ValidationError(
            _(
                "继续教育学时不足：本登记有效期内已有 %(have)s 学时（督导系统培训 %(dudao)s，"
                "外部 %(external)s），%(level)s需 %(need)s 学时。"
            )
            % {
                # floatformat -1: "40", "40.5" — the same on SQLite (floats) and PostgreSQL
                # (decimals, which would read "40.0").
                "have": floatformat(hours["total"], -1),
                "dudao": floatformat(hours["dudao"], -1),
                "external": floatformat(hours["external"], -1),
                "level": level.name,
                "need": floatformat(level.ce_hours, -1),
            }
        )
    starts_on = max(last.ends_on + dt.timedelta(days=1), filed_on)
    registration = Registration(
        certificate=certificate,
        trainee_id=certificate.trainee_id,
        kind=Registration.Kind.RENEWAL,
        starts_on=starts_on,
        ends_on=registration_end(starts_on, level.registration_years),
        ce_hours=hours["total"],
        recorded_by=actor,
    )
    registration.full_clean()
    registration.save()
    _audit_registration(registration, actor)
    return registration


@transaction.atomic
def external_hours_add(
    *,
    trainee: Trainee,
    date: dt.date,
    hours: Decimal,
    provider: str,
    evidence: str,
    actor: User | None,
) -> ExternalHours:
    _require_manager(actor, trainee)
    if not evidence.strip():
        raise ValidationError({"evidence": [_("请注明证明材料。")]})
    record = ExternalHours(
        trainee=trainee,
        date=date,
        hours=hours,
        provider=provider,
        evidence=evidence.strip(),
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    return record
