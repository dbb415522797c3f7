"""Daily reminders (CELERY_BEAT_SCHEDULE in config/settings/base.py). Idempotent: each message
has a key, and `notifications_send` skips a (user, key) already delivered."""

import datetime as dt

from celery import shared_task
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import Notification, Role, User
from accounts.notifications import Message, notifications_send
from trainees.models import Trainee

from .models import ExamYear, Level
from .selectors import active_on_q, eligible_q, registrations_due, rule_rows
from .snapshots import rate_snapshots_refresh

# Reminders of the exam's registration window: a month ahead, then a week ahead.
EXAM_LEAD_DAYS = (30, 7)


def registration_due_messages(*, today: dt.date) -> list[Message]:
    """A period ending within its level's notice days (`Level.renewal_notice_days`), not yet
    followed by a renewal: the worker and their subdistrict administrators, once per period."""
    due = registrations_due(on=today).select_related(
        "trainee", "trainee__user", "certificate__level"
    )
    admins: dict[int, list[User]] = {}
    for user in User.objects.filter(role=Role.SUBDISTRICT_ADMIN, is_active=True):
        admins.setdefault(user.subdistrict_id, []).append(user)
    messages = []
    for reg in due:
        trainee = reg.trainee
        fields = {
            "name": trainee.name,
            "level": reg.certificate.level.name,
            "end": f"{reg.ends_on:%Y年%-m月%-d日}",
            "days": (reg.ends_on - today).days,
            "hours": reg.certificate.level.ce_hours,
        }
        url = reverse("trainees:detail", args=[trainee.pk])
        key = f"cert-reg-due:{reg.pk}"
        if trainee.user_id and trainee.user.is_active:
            messages.append(
                Message(
                    user=trainee.user,
                    kind=Notification.Kind.INFO,
                    title=_("您的%(level)s证书登记将于 %(end)s 到期") % fields,
                    body=_(
                        "%(name)s，您好：\n您的%(level)s证书登记将于 %(end)s 到期（还有 %(days)d 天）。"
                        "请在到期前办理再登记，并准备本登记有效期内 %(hours)s 学时的继续教育证明。"
                    )
                    % fields,
                    url=url,
                    key=key,
                )
            )
        for admin in admins.get(trainee.subdistrict_id, []):
            messages.append(
                Message(
                    user=admin,
                    kind=Notification.Kind.INFO,
                    title=_("%(name)s 的%(level)s证书登记将于 %(end)s 到期") % fields,
                    body=_(
                        "%(name)s 的%(level)s证书登记将于 %(end)s 到期（还有 %(days)d 天），"
                        "请提醒其办理再登记（需 %(hours)s 学时继续教育）。"
                    )
                    % fields,
                    url=url,
                    key=key,
                )
            )
    return messages


def exam_window_messages(*, today: dt.date) -> list[Message]:
    """Before an exam's registration opens: each eligible, not yet certified worker with a login.

    Sent at most once per lead time (30 and 7 days ahead) and exam year, whatever day the task
    runs inside that lead time, so a missed day still reminds and a repeated run does not.
    """
    exam = ExamYear.objects.filter(registration_opens__gt=today).order_by("year").first()
    if exam is None:
        return []
    days = (exam.registration_opens - today).days
    lead = min((d for d in EXAM_LEAD_DAYS if days <= d), default=None)
    if lead is None:
        return []
    rules = rule_rows()
    messages = []
    told: set[int] = set()
    for level in Level.objects.order_by("-rank"):
        workers = (
            Trainee.objects.filter(active_on_q(today), user__isnull=False, user__is_active=True)
            .filter(eligible_q(level=level, rules=rules, exam_year=exam.year))
            .exclude(certificates__level__rank__gt=level.rank)
            .select_related("user")
        )
        for trainee in workers:
            if trainee.pk in told:
                continue
            told.add(trainee.pk)
            fields = {
                "name": trainee.name,
                "year": exam.year,
                "level": level.name,
                "opens": f"{exam.registration_opens:%-m月%-d日}",
                "closes": f"{exam.registration_closes:%-m月%-d日}",
                "exam": f"{exam.exam_date:%Y年%-m月%-d日}",
            }
            messages.append(
                Message(
                    user=trainee.user,
                    kind=Notification.Kind.INFO,
                    title=_("%(year)d年社会工作者职业水平考试报名将于 %(opens)s 开始") % fields,
                    body=_(
                        "%(name)s，您好：\n根据您的学历、专业和工作年限，您符合%(year)d年"
                        "%(level)s的报考条件。报名时间 %(opens)s 至 %(closes)s，考试日期 %(exam)s。"
                    )
                    % fields,
                    url=reverse("trainees:detail", args=[trainee.pk]),
                    # Once per worker, exam and lead time; a worker eligible for two levels is
                    # told about the higher one only.
                    key=f"cert-exam:{exam.year}:{lead}",
                )
            )
    return messages


@shared_task
def send_registration_reminders() -> int:
    with override("zh-hans"):
        created = notifications_send(messages=registration_due_messages(today=timezone.localdate()))
    return len(created)


@shared_task
def send_exam_reminders() -> int:
    with override("zh-hans"):
        created = notifications_send(messages=exam_window_messages(today=timezone.localdate()))
    return len(created)


@shared_task(
    name="certification.tasks.refresh_rate_snapshots", acks_late=True, reject_on_worker_lost=True
)
def refresh_rate_snapshots() -> int:
    """After writes dropped month ends of the rate trend (certification/snapshots.py, queued
    once per burst): count them again, so that the next reader of the dashboard does not pay
    for them. Safe to run twice: a month end still kept is read, not counted."""
    return rate_snapshots_refresh()


# The grade ledger's jobs (certification/grades/tasks.py), found by the worker through this module.
from .grades.tasks import run_grade_ledger_job  # noqa: E402, F401
