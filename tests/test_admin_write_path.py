"""The admin site is not a second write path (STYLE.md "Services write"; issue 16, item 3).

`ADMINS` names every model registered in the admin site with what the admin may do to it:

- READ_ONLY: rule-bearing rows the admin only shows — history (the audit trail, log versions,
  sign-in logs, import and report runs) and rows whose rules live in a service the admin
  cannot call as their writer (a log is corrected by its supervisor, attendance is marked...).
  Adding, saving and deleting answer 403 and change nothing.
- SERVICE: rule-bearing rows the admin saves through the pages' own service. Each has a test
  below that posts what the rules refuse and finds the error on the form and nothing saved,
  listed in SERVICE_PROOFS; none may be deleted here.
- POLICY: data the district edits (levels, subjects, cadence and credit policies, the
  committees...): editable, with the model's validation on the admin's form.
- SIGN_IN: logins, their second-factor devices and locked sign-ins, managed here and nowhere
  else, with the model's and the packages' validation.

A model registered without a line here fails `test_every_registered_admin_is_classified`
until someone decides which it is.
"""

import datetime as dt
from decimal import Decimal

import lxml.html
import pytest
from axes.models import AccessFailureLog, AccessLog
from django.apps import apps
from django.contrib import admin
from django.forms.models import BaseModelForm, model_to_dict
from django.test import RequestFactory
from django.urls import reverse

from accounts.models import Notification, Role, User
from audit.models import AuditAction, AuditEvent
from certification.grades.models import GradeProposal, GradeYear
from certification.grants.models import GrantPayment
from certification.models import (
    Certificate,
    ExamAttempt,
    ExamYear,
    ExternalHours,
    Registration,
    SeniorReview,
    SubjectResult,
)
from certification.selectors import rate_trend
from imports.models import ImportRun
from neighbourhoods.models import ResidentPopulation
from reports.models import ReportCommentary, ReportRun, RunStatus
from reports.periods import Period, PeriodKind
from reports.snapshots import dashboard_snapshot
from sessions.models import (
    ActionItem,
    MonthClose,
    SessionStatus,
    SessionVersion,
    SupervisionSession,
)
from supervisors.models import Assignment, Supervisor
from tests.certification.conftest import certify, level, subjects
from tests.factories import TraineeFactory, UserFactory, make_id_number
from tests.sessions.conftest import make_session
from tests.test_bad_posts import read_form
from tests.training.conftest import enrol, make_event, make_sitting
from trainees.models import Assessment, AssessmentQuota, AssessmentRound, Trainee
from training.models import Attendance, CheckinUse, LeaveRequest, Sitting, TrainingEvent

pytestmark = pytest.mark.django_db

READ_ONLY = "read-only"
SERVICE = "service"
POLICY = "policy"
SIGN_IN = "sign-in"

# "app_label.ModelName" -> (what the admin may do, where the rows are written instead).
ADMINS: dict[str, tuple[str, str]] = {
    # Django and the sign-in packages
    "auth.Group": (SIGN_IN, "Django's permission groups; Dudao's roles do not use them"),
    "axes.AccessAttempt": (SIGN_IN, "a locked sign-in; deleting it releases the lock"),
    "axes.AccessLog": (READ_ONLY, "sign-in history"),
    "axes.AccessFailureLog": (READ_ONLY, "sign-in history"),
    "otp_totp.TOTPDevice": (SIGN_IN, "a lost phone's device is deleted here"),
    "accounts.User": (SIGN_IN, "logins are managed only here; the model's validation"),
    "accounts.Notification": (READ_ONLY, "sent by the reminders and services"),
    "trainees.WorkerPeriod": (READ_ONLY, "trainees.history, the worker's page (办理变动)"),
    # The yearly assessment: trainees.assessments.services, the round's page (年度考核)
    "trainees.AssessmentRound": (READ_ONLY, "round_open, round_lock, round_unlock"),
    "trainees.AssessmentQuota": (READ_ONLY, "quota_set, the round's page"),
    "trainees.Assessment": (READ_ONLY, "results_set, the round's bulk entry"),
    # Places and the career ladder
    "neighbourhoods.Subdistrict": (POLICY, "the district's subdistricts"),
    "neighbourhoods.Neighbourhood": (POLICY, "committees and their housing types"),
    "neighbourhoods.ResidentPopulation": (READ_ONLY, "population_set, the populations import"),
    "neighbourhoods.StaffingNorm": (POLICY, "workers expected per 10,000 residents, audited"),
    "trainees.CareerGrade": (POLICY, "the career ladder"),
    # Workers and supervisors
    "trainees.Trainee": (SERVICE, "trainee_create, trainee_update, trainee_link_login"),
    "supervisors.Supervisor": (SERVICE, "supervisor_create, supervisor_update"),
    "supervisors.Assignment": (SERVICE, "assignment_create, assignment_end"),
    "supervisors.SupervisionPolicy": (POLICY, "the district's ratio and mentor rule, audited"),
    # Supervision logs: written and corrected by their supervisor on the log's page
    "supervision_sessions.SupervisionSession": (READ_ONLY, "session_* services, sessions pages"),
    "supervision_sessions.SessionAttendee": (READ_ONLY, "session_* services"),
    "supervision_sessions.ActionItem": (READ_ONLY, "session_* services"),
    "supervision_sessions.DrillScore": (READ_ONLY, "session_* services"),
    "supervision_sessions.SessionVersion": (READ_ONLY, "history kept by session_correct"),
    "supervision_sessions.MonthClose": (READ_ONLY, "month_close, the month-close page"),
    "supervision_sessions.CadencePolicy": (POLICY, "the district's cadence"),
    # Training (its own app)
    "training.TrainingEvent": (SERVICE, "event_create, event_update"),
    "training.Sitting": (SERVICE, "sitting_create, sitting_update"),
    "training.Enrolment": (READ_ONLY, "enrolment services, training pages"),
    "training.Attendance": (READ_ONLY, "marking, check-in and leave services"),
    "training.LeaveRequest": (READ_ONLY, "leave services"),
    "training.CheckinUse": (READ_ONLY, "evidence of check-in"),
    "training.CreditPolicy": (POLICY, "credited hours per attendance status"),
    # Certification
    "certification.Level": (POLICY, "levels and their rules"),
    "certification.Subject": (POLICY, "subjects and pass marks"),
    "certification.ExamYear": (POLICY, "exam dates"),
    "certification.EligibilityRule": (POLICY, "who may sit which level"),
    "certification.RateTarget": (POLICY, "the district's targets"),
    "certification.ExamAttempt": (READ_ONLY, "attempt_record: worker's page, exams import"),
    "certification.SeniorReview": (SERVICE, "review_record"),
    "certification.Certificate": (SERVICE, "certificate_correct; awarded by the services"),
    "certification.ExternalHours": (SERVICE, "external_hours_add"),
    "certification.RateSnapshot": (READ_ONLY, "certification.snapshots, the rate dashboard"),
    "certification.RateSnapshotRow": (READ_ONLY, "certification.snapshots, the rate dashboard"),
    # Grants and the grade ledger: certification.grants / certification.grades services
    "certification.GrantRule": (READ_ONLY, "grant_rule_set, the grants page"),
    "certification.GrantPayment": (READ_ONLY, "grants_pay, grant_payment_cancel"),
    "certification.GradeBand": (READ_ONLY, "grade_band_set, the ledger's page"),
    "certification.GradeRule": (READ_ONLY, "grade_rule_set, the ledger's page"),
    "certification.GradeYear": (READ_ONLY, "ledger_open, ledger_compute, ledger_apply"),
    "certification.GradeProposal": (READ_ONLY, "ledger_compute, proposal_adjust"),
    "reports.ReportSnapshot": (READ_ONLY, "reports.snapshots, the reports dashboard"),
    # Reports, imports, audit
    "reports.ReportRun": (READ_ONLY, "report_request, report_build"),
    "reports.ReportCommentary": (READ_ONLY, "commentary_save, the report's page"),
    "imports.ImportRun": (READ_ONLY, "the import pipeline"),
    "imports.Synonym": (POLICY, "spellings the workers import reads"),
    "audit.AuditEvent": (READ_ONLY, "written by the services"),
    "audit.RetentionPolicy": (POLICY, "retention periods, audited"),
}

# The tests below that post, for each SERVICE model, what its service refuses.
SERVICE_PROOFS = {
    "trainees.Trainee": "test_a_worker_whose_gender_disagrees_with_the_id_number_is_refused",
    "supervisors.Supervisor": "test_a_supervisor_is_saved_through_the_service_and_its_rules",
    "supervisors.Assignment": "test_a_pairing_beyond_the_supervisors_capacity_is_refused",
    "training.TrainingEvent": "test_an_all_staff_training_with_an_organiser_is_refused",
    "training.Sitting": "test_a_sitting_smaller_than_its_placed_workers_is_refused",
    "certification.SeniorReview": "test_a_review_for_a_level_without_reviews_is_refused",
    "certification.Certificate": "test_a_certificate_is_corrected_through_the_service",
    "certification.ExternalHours": "test_external_hours_are_recorded_through_the_service",
}


def label(model) -> str:
    return f"{model._meta.app_label}.{model.__name__}"


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def form_data(client, url: str) -> dict[str, list[str]]:
    """What the browser posts back from an admin form as it is shown (management forms of
    the inlines included)."""
    response = client.get(url)
    assert response.status_code == 200, url
    (form,) = [
        f
        for f in lxml.html.fromstring(response.content.decode()).forms
        if f.get("id", "").endswith("_form")
    ]
    values, _fields = read_form(form)
    return values


def form_errors(response) -> dict[str, list[str]]:
    assert response.status_code == 200, response.status_code  # shown again, not saved
    return {k: list(v) for k, v in response.context["adminform"].form.errors.items()}


@pytest.fixture
def district(world, client_for):
    return client_for(world.users.district)


# --- the classification -------------------------------------------------------------------------


def test_every_registered_admin_is_classified():
    registered = {label(model) for model in admin.site._registry}
    assert sorted(registered - set(ADMINS)) == [], "classify these admins in ADMINS"
    assert sorted(set(ADMINS) - registered) == [], "no longer registered: remove from ADMINS"
    assert {kind for kind, _where in ADMINS.values()} == {READ_ONLY, SERVICE, POLICY, SIGN_IN}


def test_training_is_classified_under_its_own_app():
    """Training left the supervision-logs app (issue 16, item 1): its models are classified
    under the label they have now, and none under the old one."""
    training = {label(m) for m in apps.get_app_config("training").get_models()}
    registered = {label(m) for m in admin.site._registry}
    assert {"training.Attendance", "training.TrainingEvent"} <= training & registered
    assert training & registered <= set(ADMINS)
    names = {m.__name__ for m in apps.get_app_config("training").get_models()}
    assert not {k for k in ADMINS if k.split(".")[1] in names and not k.startswith("training.")}


def test_every_service_admin_has_its_proof_here():
    services = {k for k, (kind, _where) in ADMINS.items() if kind == SERVICE}
    assert set(SERVICE_PROOFS) == services
    assert all(callable(globals().get(name)) for name in SERVICE_PROOFS.values())


# --- read-only ----------------------------------------------------------------------------------


@pytest.fixture
def records(world):
    """At least one row of every model the admin only shows, written straight to the database
    (they are what the services would have written)."""
    users = world.users
    session = make_session(world.supervisor, [world.worker], status=SessionStatus.LOCKED)
    ActionItem.objects.create(session=session, what="走访楼组长")
    SessionVersion.objects.create(
        session=session, number=1, snapshot={"topic": "议题"}, changed_by=users.supervisor
    )
    drill = TraineeFactory(neighbourhood=world.na)
    make_session(world.supervisor, [world.colleague, drill], scores=True)
    MonthClose.objects.create(month=dt.date(2026, 9, 1), closed_by=users.district)
    event = make_event()
    sitting = make_sitting(event)
    (enrolment,) = enrol(event, [world.worker], sitting)
    Attendance.objects.create(
        enrolment=enrolment,
        event=event,
        sitting=sitting,
        trainee=world.worker,
        status="present",
        credited_hours=Decimal("3"),
    )
    LeaveRequest.objects.create(enrolment=enrolment, reason="病假", requested_by=users.worker)
    CheckinUse.objects.create(nonce="n" * 32, trainee=world.worker)
    attempt = ExamAttempt.objects.create(
        trainee=world.worker,
        exam_year=ExamYear.objects.order_by("year").first(),
        level=level("assistant"),
    )
    SubjectResult.objects.create(
        attempt=attempt, subject=subjects("assistant")[0], score=Decimal("70"), passed=True
    )
    Notification.objects.create(user=users.worker, title="请确认督导记录")
    ReportRun.objects.create(
        period_kind="month",
        year=2025,
        number=1,
        period_start=dt.date(2025, 1, 1),
        period_end=dt.date(2025, 1, 31),
        as_of=dt.date(2025, 1, 31),
        status=RunStatus.DONE,
        requested_by=users.district,
    )
    ReportCommentary.objects.create(period_kind="month", year=2025, number=1, text="平稳")
    ImportRun.objects.create(kind="workers", created_by=users.district, file_name="名册.xlsx")
    AuditEvent.objects.create(action=AuditAction.EXPORT, object_type="trainees.trainee")
    AccessLog.objects.create(username="district", ip_address="127.0.0.1", user_agent="t")
    AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1", user_agent="t")
    assessment_round = AssessmentRound.objects.create(year=2025, opened_by=users.district)
    AssessmentQuota.objects.create(round=assessment_round, subdistrict=world.a, excellent_share=20)
    Assessment.objects.create(
        round=assessment_round,
        trainee=world.worker,
        result="competent",
        subdistrict=world.a,
        entered_by=users.admin_a,
        entered_at=dt.datetime(2026, 1, 10, 9, tzinfo=dt.UTC),
    )
    ResidentPopulation.objects.create(
        neighbourhood=world.na, effective_from=dt.date(2025, 1, 1), residents=4200
    )
    certificate = Certificate.objects.create(
        trainee=world.worker,
        level=level("assistant"),
        number="ADMIN-1",
        date_passed=dt.date(2025, 6, 30),
        date_issued=dt.date(2025, 6, 30),
    )
    GrantPayment.objects.create(
        certificate=certificate,
        year=2025,
        amount=Decimal("1500"),
        paid_on=dt.date(2026, 3, 15),
        recorded_by=users.district,
    )
    ledger = GradeYear.objects.create(year=2025, effective_on=dt.date(2026, 1, 1))
    GradeProposal.objects.create(
        ledger=ledger,
        trainee=world.worker,
        subdistrict=world.a,
        post="general",
        from_level=3,
        proposed_level=4,
        final_level=4,
    )
    # The rate dashboard's first view keeps its month ends (certification.snapshots).
    rate_trend(user=users.district, until=dt.date(2026, 11, 1))
    # The reports dashboard keeps a period that is over (reports.snapshots).
    dashboard_snapshot(
        period=Period(PeriodKind.MONTH, 2026, 10), subdistrict_id=None, language="zh-hans"
    )


READ_ONLY_MODELS = sorted(k for k, (kind, _w) in ADMINS.items() if kind == READ_ONLY)


@pytest.mark.parametrize("name", READ_ONLY_MODELS)
def test_a_read_only_admin_shows_and_never_writes(name, records, district):
    model = apps.get_model(name)
    obj = model._default_manager.order_by("pk").first()
    assert obj is not None, f"the records fixture needs a {name}"
    stored = model_to_dict(obj)

    assert district.get(admin_url(model, "add")).status_code == 403
    assert district.post(admin_url(model, "add"), {}).status_code == 403

    change = admin_url(model, "change", obj.pk)
    page = district.get(change)
    assert page.status_code == 200
    assert page.context["adminform"].form.fields == {}  # every field shown read-only
    for inline in page.context["inline_admin_formsets"]:
        assert not (
            inline.has_add_permission
            or inline.has_change_permission
            or inline.has_delete_permission
        )
    edited = {
        k: "已改" if isinstance(v, str) else str(v)
        for k, v in stored.items()
        if isinstance(v, str | int | Decimal | dt.date)
    }
    assert district.post(change, edited).status_code == 403
    assert district.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    obj.refresh_from_db()
    assert model_to_dict(obj) == stored

    changelist = district.get(admin_url(model, "changelist"))
    assert changelist.status_code == 200
    assert "delete_selected" not in dict(
        changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request)
    )


def test_a_locked_log_cannot_be_edited_in_the_admin(world, district):
    """Status, attendees and scores of a locked log: the admin refuses, no version is kept
    without a reason; corrections are the supervisor's, on the log's page."""
    session = make_session(world.supervisor, [world.worker], status=SessionStatus.LOCKED)
    url = admin_url(SupervisionSession, "change", session.pk)
    page = district.get(url).content.decode()
    assert reverse("sessions:detail", args=[session.pk]) in page
    response = district.post(
        url,
        {
            "status": SessionStatus.DRAFT,
            "topic": "改过的议题",
            "attendees-TOTAL_FORMS": "1",
            "attendees-INITIAL_FORMS": "1",
            "attendees-0-id": str(session.attendees.get().pk),
            "attendees-0-trainee": str(world.colleague.pk),
        },
    )
    assert response.status_code == 403
    session.refresh_from_db()
    assert (session.status, session.topic) == (SessionStatus.LOCKED, "议题")
    assert list(session.attendees.values_list("trainee", flat=True)) == [world.worker.pk]
    assert not SessionVersion.objects.filter(session=session).exists()


def test_the_exam_results_action_decides_passes_through_the_service(world, district):
    """Exam results are read-only; the admin's one action awards certificates by the rules
    (certificate_award_if_passed), recorded as the administrator's."""
    attempt = ExamAttempt.objects.create(
        trainee=world.worker,
        exam_year=ExamYear.objects.order_by("-year").first(),
        level=level("assistant"),
    )
    for subject in subjects("assistant"):
        SubjectResult.objects.create(
            attempt=attempt, subject=subject, score=Decimal("80"), passed=True
        )
    response = district.post(
        admin_url(ExamAttempt, "changelist"),
        {"action": "decide_pass", "_selected_action": [str(attempt.pk)], "index": "0"},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(trainee=world.worker, level=level("assistant"))
    (event,) = AuditEvent.objects.filter(object_type="certification.certificate")
    assert (event.action, event.actor, event.object_id) == (
        AuditAction.CREATE,
        world.users.district,
        str(certificate.pk),
    )


# --- saved through the services -----------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SERVICE_PROOFS))
def test_a_service_admin_deletes_nothing(name, world, records, district):
    model = apps.get_model(name)
    obj = model._default_manager.order_by("pk").first()
    if obj is None:  # not among the world's and the records' rows
        obj = {
            "certification.SeniorReview": lambda: SeniorReview.objects.create(
                trainee=world.worker, level=level("senior"), decided_on=dt.date(2025, 5, 1)
            ),
            "certification.Certificate": lambda: certify(
                world.worker, "assistant", dt.date(2020, 11, 1)
            ),
            "certification.ExternalHours": lambda: ExternalHours.objects.create(
                trainee=world.worker,
                date=dt.date(2025, 5, 1),
                hours=Decimal("4"),
                provider="市社工协会",
                evidence="结业证书",
            ),
        }[name]()
    assert district.post(admin_url(model, "delete", obj.pk), {"post": "yes"}).status_code == 403
    assert model._default_manager.filter(pk=obj.pk).exists()


def _worker_data(world, **overrides) -> dict[str, str]:
    data = {
        "name": "林新来",
        "id_number": make_id_number(dt.date(1990, 3, 8), "F"),
        "gender": "F",
        "birth_date": "1990-03-08",
        "political_status": "masses",
        "subdistrict": str(world.a.pk),
        "neighbourhood": str(world.na.pk),
        "post": "general",
        "education": "bachelor",
        "started_community_work": "2014-07-01",
        "joined": "2016-03-01",
    }
    data.update(overrides)
    return data


def test_a_worker_whose_gender_disagrees_with_the_id_number_is_refused(world, district):
    add = admin_url(Trainee, "add")
    count = Trainee.objects.count()
    # The 17th digit of the number is even: a woman.
    errors = form_errors(district.post(add, _worker_data(world, gender="M")))
    assert "性别与身份证号不一致" in " ".join(errors["gender"])
    errors = form_errors(district.post(add, _worker_data(world, birth_date="1990-03-09")))
    assert "出生日期与身份证号不一致" in " ".join(errors["birth_date"])
    assert Trainee.objects.count() == count and not AuditEvent.objects.exists()

    # On a stored worker too: nothing changes.
    change = admin_url(Trainee, "change", world.worker.pk)
    data = form_data(district, change)
    data["gender"] = ["M"]
    errors = form_errors(district.post(change, data))
    assert "gender" in errors
    world.worker.refresh_from_db()
    assert world.worker.gender == "F" and not AuditEvent.objects.exists()

    # What agrees is saved by trainee_create, which records the one event.
    assert district.post(add, _worker_data(world, gender="", birth_date="")).status_code == 302
    created = Trainee.objects.get(name="林新来")
    assert (created.gender, created.birth_date) == ("F", dt.date(1990, 3, 8))
    (event,) = AuditEvent.objects.filter(object_type="trainees.trainee")
    assert (event.action, event.actor) == (AuditAction.CREATE, world.users.district)


def test_a_workers_login_is_linked_through_the_service(world, district):
    change = admin_url(Trainee, "change", world.colleague.pk)
    data = form_data(district, change)
    data["user"] = [str(world.users.worker.pk)]  # already 陆晓燕's login
    assert "user" in form_errors(district.post(change, data))
    login = UserFactory(username="gu", role=Role.WORKER)
    data["user"] = [str(login.pk)]
    assert district.post(change, data).status_code == 302
    world.colleague.refresh_from_db()
    assert world.colleague.user == login
    (event,) = AuditEvent.objects.filter(object_type="trainees.trainee")
    assert event.changes == {"user": [None, str(login)]}


def test_a_supervisor_is_saved_through_the_service_and_its_rules(world, district):
    add = admin_url(Supervisor, "add")
    data = {
        "name": "许督导",
        "kind": "university",
        "qualification": "intermediate",
        "home_subdistrict": str(world.a.pk),
        "specialties": '["castle"]',
        "capacity": "8",
        "is_active": "on",
        "user": str(world.users.worker.pk),  # a worker's login cannot write logs
    }
    errors = form_errors(district.post(add, data))
    assert "specialties" in errors and "登录账号的角色须为督导师" in " ".join(errors["user"])
    assert not Supervisor.objects.filter(name="许督导").exists()

    data.update(specialties='["villa"]', user="")
    assert district.post(add, data).status_code == 302
    created = Supervisor.objects.get(name="许督导")
    (event,) = AuditEvent.objects.filter(object_type="supervisors.supervisor")
    assert (event.action, event.object_id) == (AuditAction.CREATE, str(created.pk))
    assert event.changes["capacity"] == [None, 8]


def test_a_pairing_beyond_the_supervisors_capacity_is_refused(world, district):
    world.supervisor.capacity = 1  # already supervises 陆晓燕
    world.supervisor.save()
    add = admin_url(Assignment, "add")
    data = {
        "supervisor": str(world.supervisor.pk),
        "trainee": str(world.colleague.pk),
        "mode": "mentor",
        "started_on": "2026-11-02",
    }
    count = Assignment.objects.count()
    errors = form_errors(district.post(add, data))
    assert "容量为 1 人" in " ".join(errors["supervisor"])
    assert Assignment.objects.count() == count and not AuditEvent.objects.exists()

    # Within capacity: assignment_create pairs them, records who did it and one event.
    data["supervisor"] = str(world.other_supervisor.pk)
    assert district.post(add, data).status_code == 302
    pairing = Assignment.objects.get(trainee=world.colleague)
    assert pairing.created_by == world.users.district
    assert AuditEvent.objects.filter(object_type="supervisors.assignment").count() == 1

    # A pairing's supervisor and worker are not edited: another supervisor is a reassignment.
    change = admin_url(Assignment, "change", pairing.pk)
    form = district.get(change).context["adminform"].form
    assert set(form.fields) == {"ended_on", "end_reason"}
    errors = form_errors(district.post(change, {"ended_on": "2026-11-10"}))
    assert "请填写结束原因" in " ".join(errors["end_reason"])
    pairing.refresh_from_db()
    assert pairing.ended_on is None


def test_a_review_for_a_level_without_reviews_is_refused(world, district):
    add = admin_url(SeniorReview, "add")
    data = {"trainee": str(world.worker.pk), "decided_on": "2026-05-10", "passed": "on"}
    response = district.post(add, {**data, "level": str(level("assistant").pk)})
    assert "该等级不需要评审" in str(response.context["adminform"].form.non_field_errors())
    assert not SeniorReview.objects.exists()
    assert district.post(add, {**data, "level": str(level("senior").pk)}).status_code == 302
    review = SeniorReview.objects.get()
    assert review.passed and review.level == level("senior")
    change = admin_url(SeniorReview, "change", review.pk)
    assert district.post(change, {**data, "passed": ""}).status_code == 403


def test_a_certificate_is_corrected_through_the_service(world, district):
    certificate = certify(
        world.worker, "assistant", dt.date(2020, 11, 1), registrations=[dt.date(2021, 1, 5)]
    )
    assert district.get(admin_url(Certificate, "add")).status_code == 403
    change = admin_url(Certificate, "change", certificate.pk)
    data = form_data(district, change)
    data.update(number=["沪社证2020000123"], date_issued=["2020-10-31"])
    errors = form_errors(district.post(change, data))
    assert "发证日期不能早于取得日期" in " ".join(errors["date_issued"])
    data.update(date_issued=["2020-12-01"], date_passed=["2021-02-01"])
    errors = form_errors(district.post(change, data))
    assert "取得日期不能晚于首次登记日期" in " ".join(errors["date_passed"])
    certificate.refresh_from_db()
    assert certificate.number == f"T{world.worker.pk}assistant"

    data.update(date_passed=["2020-11-01"])
    assert district.post(change, data).status_code == 302
    certificate.refresh_from_db()
    assert certificate.number == "沪社证2020000123"
    (event,) = AuditEvent.objects.filter(object_type="certification.certificate")
    assert event.changes["number"] == [f"T{world.worker.pk}assistant", "沪社证2020000123"]


def test_a_registration_without_ce_hours_cannot_be_added_in_the_admin(world, district):
    """Registrations are the worker's page's (registration_renew checks the CE hours): the
    certificate's inline shows them and takes no new row."""
    certificate = certify(
        world.worker, "assistant", dt.date(2020, 11, 1), registrations=[dt.date(2021, 1, 5)]
    )
    change = admin_url(Certificate, "change", certificate.pk)
    data = form_data(district, change)
    prefix = next(k for k in data if k.endswith("-TOTAL_FORMS")).removesuffix("-TOTAL_FORMS")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": ["2"],
            f"{prefix}-1-kind": ["renewal"],
            f"{prefix}-1-starts_on": ["2024-01-05"],
            f"{prefix}-1-ends_on": ["2027-01-04"],
        }
    )
    district.post(change, data)
    assert list(Registration.objects.values_list("starts_on", flat=True)) == [dt.date(2021, 1, 5)]


def test_external_hours_are_recorded_through_the_service(world, district):
    add = admin_url(ExternalHours, "add")
    data = {
        "trainee": str(world.worker.pk),
        "date": "2026-05-10",
        "hours": "6",
        "provider": "市社工协会",
        "evidence": "   ",
    }
    assert "evidence" in form_errors(district.post(add, data))
    assert district.post(add, {**data, "evidence": "结业证书"}).status_code == 302
    record = ExternalHours.objects.get()
    assert record.recorded_by == world.users.district  # the service keeps who recorded it
    change = admin_url(ExternalHours, "change", record.pk)
    assert district.post(change, {**data, "hours": "60"}).status_code == 403


def test_an_all_staff_training_with_an_organiser_is_refused(world, district):
    add = admin_url(TrainingEvent, "add")
    data = form_data(district, add)
    data.update(title=["全员培训（测试）"], kind=["all_staff"], organiser=[str(world.a.pk)])
    data.update(credited_hours=["3"])
    errors = form_errors(district.post(add, data))
    assert "全员培训由区里统一组织" in " ".join(errors["organiser"])
    assert not TrainingEvent.objects.filter(title="全员培训（测试）").exists()


def test_a_sitting_smaller_than_its_placed_workers_is_refused(world, district):
    event = make_event()
    sitting = make_sitting(event, capacity=10)
    enrol(event, [world.worker, world.colleague], sitting)
    change = admin_url(Sitting, "change", sitting.pk)
    data = form_data(district, change)
    data["capacity"] = ["1"]
    errors = form_errors(district.post(change, data))
    assert "容量不能小于该人数" in " ".join(errors["capacity"])
    sitting.refresh_from_db()
    assert sitting.capacity == 10


# --- policy and sign-in ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", sorted(k for k, (kind, _w) in ADMINS.items() if kind in (POLICY, SIGN_IN))
)
def test_policy_and_sign_in_admins_keep_the_models_validation(name, world):
    """Editable here, through a ModelForm that runs the model's full_clean() (see the
    retention policy, exam year and user tests below for what that refuses)."""
    model = apps.get_model(name)
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = world.users.district
    assert model_admin.has_change_permission(request)
    form = model_admin.get_form(request, None)
    assert issubclass(form, BaseModelForm)
    # Django's own (the user forms add the password rules to it), not one of ours that skips it.
    assert form._post_clean.__module__.startswith("django."), "the model's validation is skipped"


def test_a_retention_period_out_of_range_is_refused_and_a_change_is_audited(world, district):
    from audit.models import RetentionPolicy

    policy = RetentionPolicy.objects.first() or RetentionPolicy.objects.create()
    change = admin_url(RetentionPolicy, "change", policy.pk)
    data = form_data(district, change)
    data["import_file_days"] = ["0"]
    assert "import_file_days" in form_errors(district.post(change, data))
    data["import_file_days"] = ["30"]
    assert district.post(change, data).status_code == 302
    (event,) = AuditEvent.objects.filter(object_type="audit.retentionpolicy")
    assert event.changes == {"import_file_days": [policy.import_file_days, 30]}


def test_an_exam_year_closing_before_it_opens_is_refused(district):
    add = admin_url(ExamYear, "add")
    data = {
        "year": "2031",
        "exam_date": "2031-10-18",
        "registration_opens": "2031-07-01",
        "registration_closes": "2031-06-01",
    }
    response = district.post(add, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not ExamYear.objects.filter(year=2031).exists()


def test_a_subdistrict_administrator_needs_a_subdistrict(world, district):
    change = admin_url(User, "change", world.users.leader.pk)
    data = form_data(district, change)
    data.update(role=[Role.SUBDISTRICT_ADMIN], subdistrict=[""])
    response = district.post(change, data)
    assert response.status_code == 200 and response.context["adminform"].form.errors
    world.users.leader.refresh_from_db()
    assert world.users.leader.role == Role.LEADER
