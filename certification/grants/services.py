"""Writes of the certificate grants: the scheme's rows and the payments, district only, audited.

Payments are recorded for certificates the grant list shows as owed (selectors.grant_rows), all
of a batch or none, at the amount the scheme gives; a recorded payment is undone only with a
reason. Once per level: a worker holds one certificate per level and a certificate is paid
once (GrantPayment.certificate is one-to-one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.capabilities import manages_subdistrict
from accounts.models import User
from audit.models import AuditAction
from audit.services import audit_record

from ..models import Level
from .models import GrantPayment, GrantRule
from .rules import GrantStatus
from .selectors import grant_rows

# A batch is one finance run; more at once is a mistake rather than a need.
MAX_BATCH = 5000


def _require_district(actor: User, message: str) -> None:
    if not manages_subdistrict(actor, None):
        raise PermissionDenied(message)


@transaction.atomic
def grant_rule_set(
    *,
    actor: User,
    level: Level,
    amount: Decimal,
    needs_assessment: bool,
    valid_from: dt.date,
    note: str = "",
) -> GrantRule:
    """The amount and condition for `level`'s certificates issued from `valid_from` on (the row
    of that day is replaced; earlier rows keep judging earlier certificates)."""
    _require_district(actor, _("只有区级管理员可以修改证书奖励标准。"))
    if amount is None or amount < 0:
        raise ValidationError({"amount": _("奖励金额不能为负数。")})
    rule = GrantRule.objects.filter(level=level, valid_from=valid_from).first()
    before = (
        {"amount": str(rule.amount), "needs_assessment": rule.needs_assessment} if rule else None
    )
    rule = rule or GrantRule(level=level, valid_from=valid_from)
    rule.amount = amount
    rule.needs_assessment = needs_assessment
    rule.note = note.strip()
    rule.updated_by = actor
    rule.full_clean()
    rule.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE if before else AuditAction.CREATE,
        obj=rule,
        changes={
            "level": level.name,
            "valid_from": valid_from.isoformat(),
            "amount": [before["amount"] if before else None, str(amount)],
            "needs_assessment": [
                before["needs_assessment"] if before else None,
                needs_assessment,
            ],
        },
    )
    return rule


@transaction.atomic
def grants_pay(
    *,
    actor: User,
    year: int,
    certificate_ids: Sequence[int],
    paid_on: dt.date,
    reference: str = "",
) -> list[GrantPayment]:
    """Record the grants of these certificates as paid on `paid_on`: every one must be owed
    now (otherwise nothing is recorded and the message names who and why)."""
    _require_district(actor, _("只有区级管理员可以登记奖励发放。"))
    ids = sorted(set(certificate_ids))
    if not ids:
        raise ValidationError(_("请至少选择一名应发放人员。"))
    if len(ids) > MAX_BATCH:
        raise ValidationError(_("一次最多登记 %(max)s 人，请分批办理。") % {"max": MAX_BATCH})
    today = timezone.localdate()
    if paid_on > today:
        raise ValidationError({"paid_on": _("发放日期不能晚于今天。")})
    rows = list(
        grant_rows(user=actor, year=year).filter(pk__in=ids).select_for_update(of=("self",))
    )
    found = {c.pk: c for c in rows}
    refused = [pk for pk in ids if pk not in found or found[pk].status != GrantStatus.OWED]
    if refused:
        names = [
            _("%(name)s（%(status)s）")
            % {"name": found[pk].trainee.name, "status": GrantStatus(found[pk].status).label}
            for pk in refused
            if pk in found
        ]
        unknown = sum(1 for pk in refused if pk not in found)
        message = _("以下人员当前不属于应发放，未登记任何发放：%(names)s") % {
            "names": "、".join(names[:10]) + ("…" if len(names) > 10 else "")
        }
        if unknown:
            message += _("；另有 %(count)s 条不在 %(year)s 年度奖励名单中") % {
                "count": unknown,
                "year": year,
            }
        raise ValidationError(message)
    early = [c for c in rows if paid_on < c.date_issued]
    if early:
        raise ValidationError(
            {
                "paid_on": _("发放日期不能早于证书发证日期（%(name)s：%(day)s）。")
                % {"name": early[0].trainee.name, "day": f"{early[0].date_issued:%Y年%-m月%-d日}"}
            }
        )
    payments = []
    for cert in rows:
        payment = GrantPayment(
            certificate=cert,
            year=year,
            amount=cert.due,
            paid_on=paid_on,
            reference=reference.strip(),
            recorded_by=actor,
        )
        payment.full_clean(exclude=["certificate"])
        payments.append(payment)
    GrantPayment.objects.bulk_create(payments)
    for payment in payments:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=payment,
            changes={
                "worker": payment.certificate.trainee.name,
                "level": payment.certificate.level.name,
                "amount": str(payment.amount),
                "paid_on": paid_on.isoformat(),
                "reference": payment.reference,
            },
        )
    return payments


@transaction.atomic
def grant_payment_cancel(*, actor: User, payment: GrantPayment, reason: str) -> None:
    """Undo a payment recorded by mistake; the certificate is owed again."""
    _require_district(actor, _("只有区级管理员可以撤销奖励发放记录。"))
    if not reason.strip():
        raise ValidationError({"reason": _("撤销发放记录须填写原因。")})
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=payment,
        changes={
            "worker": payment.certificate.trainee.name,
            "amount": str(payment.amount),
            "paid_on": payment.paid_on.isoformat(),
            "reason": reason.strip(),
        },
    )
    payment.delete()
