"""Certificate grants (证书奖励, issue 14 item 3): the scheme as rows, who is owed what and why
the others are not, payments once per level, the page, the finance export, scope and audit."""

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditAction, AuditEvent
from certification.grants.models import GrantPayment, GrantRule
from certification.grants.rules import GrantStatus, HoldReason
from certification.grants.selectors import grant_rows, grant_totals
from certification.grants.services import grant_payment_cancel, grant_rule_set, grants_pay
from tests.factories import TraineeFactory
from trainees.assessments.models import AssessmentResult
from trainees.assessments.services import Entry, results_set, round_lock, round_open
from trainees.history import history_change
from trainees.models import ChangeKind

from .conftest import certify, level

pytestmark = pytest.mark.django_db

R = AssessmentResult
YEAR = 2025  # a year before the pinned clock's, whatever date it is pinned to


def issued(year: int = YEAR) -> dt.date:
    return dt.date(year, 6, 30)


def assess(world, results: dict, *, lock: bool = True, year: int = YEAR):
    """Open the year's round, enter `results` ({worker: result}), give every other worker on
    the books 合格, and lock it."""
    round_ = round_open(year=year, excellent_share=100, actor=world.users.district)
    from trainees.assessments.selectors import round_placements

    everyone = round_placements(year).values_list("trainee_id", flat=True)
    chosen = {t.pk: r for t, r in results.items()}
    entries = [Entry(pk, chosen.get(pk, R.COMPETENT)) for pk in everyone]
    results_set(round_=round_, entries=entries, actor=world.users.district)
    if lock:
        round_lock(round_=round_, actor=world.users.district)
    return round_


def row(world, cert, *, user=None, year: int = YEAR):
    return grant_rows(user=user or world.users.district, year=year).get(pk=cert.pk)


# --- the statuses, one rule at a time ---------------------------------------------------------


def test_a_competent_worker_is_owed_the_schemes_amount_per_level(world):
    a = certify(world.worker, "assistant", issued())
    i = certify(world.colleague, "intermediate", issued())
    s = certify(world.worker_b, "senior", issued())
    assess(world, {})
    owed = {c.pk: (r.status, r.due) for r in [row(world, c) for c in (a, i, s)] for c in [r]}
    assert owed == {
        a.pk: (GrantStatus.OWED, Decimal("1500")),
        i.pk: (GrantStatus.OWED, Decimal("3000")),
        s.pk: (GrantStatus.OWED, Decimal("5000")),
    }


@pytest.mark.parametrize(
    ("result", "status", "hold"),
    [
        (R.EXCELLENT, GrantStatus.OWED, ""),
        (R.COMPETENT, GrantStatus.OWED, ""),
        (R.BASIC, GrantStatus.HELD, HoldReason.RESULT),
        (R.INCOMPETENT, GrantStatus.HELD, HoldReason.RESULT),
        (R.UNDETERMINED, GrantStatus.HELD, HoldReason.RESULT),
    ],
)
def test_only_a_year_assessed_at_least_competent_is_paid(world, result, status, hold):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {world.worker: result})
    got = row(world, cert)
    assert (got.status, got.hold) == (status, hold)


def test_the_condition_is_a_row_turning_it_off_pays_a_basic_result(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {world.worker: R.BASIC})
    assert row(world, cert).status == GrantStatus.HELD
    grant_rule_set(
        actor=world.users.district,
        level=level("assistant"),
        amount=Decimal("1500"),
        needs_assessment=False,
        valid_from=dt.date(2000, 1, 1),
    )
    assert row(world, cert).status == GrantStatus.OWED


def test_a_new_amount_applies_to_certificates_issued_from_its_date(world):
    before = certify(world.worker, "assistant", dt.date(YEAR, 3, 1))
    after = certify(world.colleague, "assistant", dt.date(YEAR, 9, 1))
    assess(world, {})
    grant_rule_set(
        actor=world.users.district,
        level=level("assistant"),
        amount=Decimal("2000"),
        needs_assessment=True,
        valid_from=dt.date(YEAR, 7, 1),
    )
    assert row(world, before).due == Decimal("1500")
    assert row(world, after).due == Decimal("2000")
    event = AuditEvent.objects.filter(object_type="certification.grantrule").latest("pk")
    assert event.changes["amount"] == [None, "2000"]


def test_without_a_scheme_row_nothing_is_owed(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {})
    GrantRule.objects.filter(level__code="assistant").delete()
    got = row(world, cert)
    assert (got.status, got.hold, got.due) == (GrantStatus.HELD, HoldReason.NO_SCHEME, None)


def test_a_certificate_issued_before_joining_is_not_the_districts_to_reward(world):
    newcomer = TraineeFactory(neighbourhood=world.na, joined=dt.date(YEAR, 9, 1))
    cert = certify(newcomer, "assistant", dt.date(YEAR, 6, 1))
    assess(world, {newcomer: R.COMPETENT})
    got = row(world, cert)
    assert (got.status, got.hold) == (GrantStatus.HELD, HoldReason.NOT_ON_BOOKS)


def test_while_the_round_is_open_grants_wait_and_missing_results_hold(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {world.worker: R.COMPETENT}, lock=False)
    assert row(world, cert).status == GrantStatus.WAITING
    # No round at all: waiting too; after locking without the worker's result: held.
    other = certify(world.worker, "intermediate", issued(YEAR - 1))
    assert row(world, other, year=YEAR - 1).status == GrantStatus.WAITING


def test_a_certificate_counts_in_the_year_of_its_date_only(world):
    cert = certify(world.worker, "assistant", dt.date(YEAR - 1, 12, 31))
    assess(world, {})
    assert not grant_rows(user=world.users.district, year=YEAR).filter(pk=cert.pk).exists()
    assert grant_rows(user=world.users.district, year=YEAR - 1).filter(pk=cert.pk).exists()


def test_the_row_belongs_to_the_subdistrict_that_assessed_the_worker(world):
    cert = certify(world.worker, "assistant", dt.date(YEAR, 3, 1))
    history_change(
        trainee=world.worker,
        actor=world.users.district,
        kind=ChangeKind.TRANSFER,
        effective_on=dt.date(YEAR, 8, 1),
        subdistrict=world.b,
        neighbourhood=world.nb,
        reason="调往新泾镇",
    )
    assess(world, {})
    got = row(world, cert)
    assert (got.place_subdistrict, got.status) == (world.b.name, GrantStatus.OWED)
    assert not grant_rows(user=world.users.admin_a, year=YEAR).filter(pk=cert.pk).exists()
    assert grant_rows(user=world.users.admin_b, year=YEAR).filter(pk=cert.pk).exists()


# --- payments ------------------------------------------------------------------------------------


def test_paying_records_the_amount_once_and_undoing_needs_a_reason(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {})
    paid_on = timezone.localdate()
    [payment] = grants_pay(
        actor=world.users.district,
        year=YEAR,
        certificate_ids=[cert.pk],
        paid_on=paid_on,
        reference="财-2025-001",
    )
    assert (payment.amount, payment.paid_on, payment.year) == (Decimal("1500"), paid_on, YEAR)
    got = row(world, cert)
    assert got.status == GrantStatus.PAID
    # Once per level: a second payment of the same certificate is refused.
    with pytest.raises(ValidationError, match="不属于应发放"):
        grants_pay(
            actor=world.users.district, year=YEAR, certificate_ids=[cert.pk], paid_on=paid_on
        )
    with pytest.raises(ValidationError, match="原因"):
        grant_payment_cancel(actor=world.users.district, payment=payment, reason=" ")
    grant_payment_cancel(actor=world.users.district, payment=payment, reason="重复登记")
    assert row(world, cert).status == GrantStatus.OWED
    actions = list(
        AuditEvent.objects.filter(object_type="certification.grantpayment")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [AuditAction.CREATE, AuditAction.DELETE]


def test_a_batch_with_one_worker_not_owed_records_nothing(world):
    good = certify(world.worker, "assistant", issued())
    held = certify(world.colleague, "assistant", issued())
    assess(world, {world.colleague: R.INCOMPETENT})
    with pytest.raises(ValidationError) as refused:
        grants_pay(
            actor=world.users.district,
            year=YEAR,
            certificate_ids=[good.pk, held.pk],
            paid_on=timezone.localdate(),
        )
    assert world.colleague.name in " ".join(refused.value.messages)
    assert not GrantPayment.objects.exists()


def test_payment_dates_are_checked(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {})
    today = timezone.localdate()
    for day, message in [
        (today + dt.timedelta(days=1), "晚于今天"),
        (issued() - dt.timedelta(days=1), "早于证书"),
    ]:
        with pytest.raises(ValidationError, match=message):
            grants_pay(
                actor=world.users.district, year=YEAR, certificate_ids=[cert.pk], paid_on=day
            )


def test_only_the_district_pays_or_changes_the_scheme(world):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {})
    for user in (world.users.admin_a, world.users.leader, world.users.supervisor):
        with pytest.raises(PermissionDenied):
            grants_pay(
                actor=user, year=YEAR, certificate_ids=[cert.pk], paid_on=timezone.localdate()
            )
        with pytest.raises(PermissionDenied):
            grant_rule_set(
                actor=user,
                level=level("assistant"),
                amount=Decimal("1"),
                needs_assessment=True,
                valid_from=dt.date(2000, 1, 1),
            )


def test_totals_per_subdistrict_add_up(world):
    certify(world.worker, "assistant", issued())
    certify(world.colleague, "intermediate", issued())
    certify(world.worker_b, "senior", issued())
    assess(world, {world.worker_b: R.BASIC})
    totals, total = grant_totals(grant_rows(user=world.users.district, year=YEAR))
    by_name = {t.name: (t.owed, t.owed_amount, t.held) for t in totals}
    assert by_name == {world.a.name: (2, Decimal("4500"), 0), world.b.name: (0, Decimal("0"), 1)}
    assert (total.owed, total.owed_amount, total.held) == (2, Decimal("4500"), 1)


# --- the page, the export, scope -------------------------------------------------------------------


def url(**params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return reverse("certification:grant-list") + (f"?{query}" if query else "")


def test_the_district_ticks_confirms_and_records_payments(world, client_for):
    cert = certify(world.worker, "assistant", issued())
    assess(world, {})
    c = client_for(world.users.district)
    page = c.get(url(year=YEAR))
    assert page.status_code == 200 and world.worker.name in page.content.decode()
    day = timezone.localdate().isoformat()
    confirm = c.post(url(year=YEAR), {"which": "ticked", "cert": [cert.pk], "paid_on": day})
    assert confirm.status_code == 200
    assert "共 1500.00 元" in confirm.content.decode().replace(",", "")
    assert not GrantPayment.objects.exists()
    done = c.post(
        url(year=YEAR),
        {"which": "ticked", "ids": str(cert.pk), "paid_on": day, "reference": "F1", "confirm": "1"},
    )
    assert done.status_code == 302
    assert GrantPayment.objects.get().reference == "F1"


def test_all_owed_in_the_filter_can_be_marked_at_once(world, client_for):
    certify(world.worker, "assistant", issued())
    certify(world.worker_b, "assistant", issued())
    assess(world, {})
    c = client_for(world.users.district)
    day = timezone.localdate().isoformat()
    confirm = c.post(url(year=YEAR, subdistrict=world.a.pk), {"which": "all", "paid_on": day})
    ids = confirm.context["ids"]
    c.post(
        url(year=YEAR, subdistrict=world.a.pk),
        {"which": "ticked", "ids": ids, "paid_on": day, "confirm": "1"},
    )
    assert list(GrantPayment.objects.values_list("certificate__trainee", flat=True)) == [
        world.worker.pk
    ]


def test_a_refused_batch_shows_why_on_the_page(world, client_for):
    held = certify(world.colleague, "assistant", issued())
    assess(world, {world.colleague: R.INCOMPETENT})
    response = client_for(world.users.district).post(
        url(year=YEAR),
        {
            "which": "ticked",
            "ids": str(held.pk),
            "paid_on": timezone.localdate().isoformat(),
            "confirm": "1",
        },
    )
    assert response.status_code == 400
    assert "不属于应发放" in response.content.decode()
    assert not GrantPayment.objects.exists()


def test_an_office_sees_its_own_grants_read_only(world, client_for):
    certify(world.worker, "assistant", issued())
    certify(world.worker_b, "assistant", issued())
    assess(world, {})
    c = client_for(world.users.admin_a)
    body = c.get(url(year=YEAR)).content.decode()
    assert world.worker.name in body and world.worker_b.name not in body
    assert 'name="cert"' not in body
    assert c.post(url(year=YEAR), {"which": "all", "paid_on": "2025-12-01"}).status_code == 403
    assert c.post(reverse("certification:grant-rule"), {}).status_code == 403


@pytest.mark.parametrize("who", ["supervisor", "worker", "outsider"])
def test_supervisors_and_workers_are_refused(world, client_for, who):
    c = client_for(getattr(world.users, who))
    assert c.get(url()).status_code == 403
    assert c.get(reverse("certification:grant-export")).status_code == 403


def test_the_finance_export_lists_rows_and_totals_and_is_audited(world, client_for):
    certify(world.worker, "assistant", issued())
    certify(world.worker_b, "senior", issued())
    assess(world, {world.worker_b: R.BASIC})
    response = client_for(world.users.district).get(
        reverse("certification:grant-export") + f"?year={YEAR}"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    by_name = {r[2]: r for r in rows[1:] if r[2]}
    assert by_name[world.worker.name][8] == 1500  # a number, not text
    assert by_name[world.worker.name][3] == world.worker.id_number  # the district sees it in full
    assert by_name[world.worker_b.name][9] == "不予发放"
    assert by_name[world.worker_b.name][10] == "当年考核结果未达合格"
    assert rows[-1][0] == "合计" and rows[-1][8] == 1500
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.object_type == "certification.grants"
    assert event.changes["full_id_numbers"] is True


def test_an_office_export_masks_id_numbers(world, client_for):
    certify(world.worker, "assistant", issued())
    assess(world, {})
    response = client_for(world.users.admin_a).get(
        reverse("certification:grant-export") + f"?year={YEAR}"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=4).value
    assert cell.startswith("*") and cell.endswith(world.worker.id_number[-4:])


def test_the_page_makes_the_same_queries_at_two_sizes(
    world, client_for, django_assert_max_num_queries
):
    assess(world, {}, lock=False)
    c = client_for(world.users.district)
    certify(world.worker, "assistant", issued())
    # session + user, year's round (locked?), latest locked year, count, page rows,
    # totals, scheme rules, subdistricts of the filter, levels of the filter, messages
    with django_assert_max_num_queries(12):
        assert c.get(url(year=YEAR)).status_code == 200
    for _i in range(30):
        t = TraineeFactory(
            neighbourhood=world.nb, birth_date=dt.date(1980, 1, 1) + dt.timedelta(days=_i)
        )
        certify(t, "assistant", issued())
    with django_assert_max_num_queries(12):
        response = c.get(url(year=YEAR))
    assert response.context["page"].paginator.count == 31
