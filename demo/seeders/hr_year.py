"""Demo certificate grants and grade ledgers (issue 14 items 2 and 3), through the services,
after the assessments they read.

- Grants: every year with a locked assessment round but the last has its owed grants paid
  on 15 March of the next year (one finance reference per subdistrict-year); the last year's
  are left owed for the demo HR user to mark.
- Grade ledger: the demo histories already hold each past year's review (调级 effective
  1 January, demo/seeders/careers.py), so the ledger seeded is this year's, effective next
  1 January, computed and left for HR to review and apply.

Years after the real clock's are skipped, as the assessments do (the services refuse them).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from certification.grades.services import ledger_compute, ledger_open
from certification.grants.rules import GrantStatus
from certification.grants.selectors import grant_rows
from certification.grants.services import grants_pay
from demo.context import SeedContext
from trainees.assessments.models import AssessmentRound, RoundStatus


def seed_hr_year(ctx: SeedContext) -> dict[str, int]:
    district = ctx.users["district"]
    today = min(ctx.today, timezone.localdate())
    years = sorted(
        AssessmentRound.objects.filter(status=RoundStatus.LOCKED).values_list("year", flat=True)
    )
    paid = 0
    for year in years[:-1]:
        owed = grant_rows(user=district, year=year).filter(status=GrantStatus.OWED)
        by_place: dict[str, list[int]] = {}
        for pk, code in owed.values_list("pk", "place_code"):
            by_place.setdefault(code, []).append(pk)
        paid_on = min(dt.date(year + 1, 3, 15), today)
        for n, (_code, ids) in enumerate(sorted(by_place.items()), start=1):
            grants_pay(
                actor=district,
                year=year,
                certificate_ids=ids,
                paid_on=paid_on,
                reference=f"长财社〔{year + 1}〕{n}号",
            )
            paid += len(ids)
    ledgers = 0
    if ctx.today.year <= today.year:
        ledger = ledger_open(
            actor=district,
            year=ctx.today.year,
            effective_on=dt.date(ctx.today.year + 1, 1, 1),
            document_no=f"长人社〔{ctx.today.year + 1}〕3号",
        )
        # Computed here rather than by the queued job: the demo is seeded in one transaction,
        # whose commit the job would wait for (it then finds nothing left to do).
        ledger_compute(actor=district, ledger=ledger)
        ledgers = 1
    ctx.say(
        _("证书奖励已发放 %(paid)d 人；年度调级测算 %(ledgers)d 个年度（待审核）。")
        % {"paid": paid, "ledgers": ledgers}
    )
    return {"paid": paid, "ledgers": ledgers}
