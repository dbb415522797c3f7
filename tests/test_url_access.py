"""Access control, proven: every URL pattern of the URLconf, as every persona, on objects in
and out of scope (issue 8, part 2).

`TABLE` holds, for each URL name, the objects to open (one in subdistrict A's scope, one in
B's, and where it matters one of the whole district) and the rule that gives the expected
answer for each persona. A new URL that is not in the table fails
`test_every_url_pattern_is_in_the_table`, so it cannot be forgotten.

The house rules the table encodes:
- anonymous: sent to the sign-in page (the few public pages say so);
- an object outside the persona's scope does not exist for it: 404, exports and generated
  files included;
- a page or an action the persona's role may not use: 403 (leadership is read-only);
- a POST-only endpoint answers GET with 405; a refused POST changes nothing;
- never a 500.
"""

import datetime as dt
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.test.client import ClientHandler
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.static import serve
from openpyxl import load_workbook

from accounts.models import Notification
from certification.grades.models import GradeProposal, GradeYear
from certification.grants.models import GrantPayment
from certification.models import ExamYear
from imports.models import ImportRun
from reports.models import ReportRun, RunStatus, WorkbookRun
from reports.workbook.services import workbook_render
from sessions.models import SessionStatus
from supervisors.models import Assignment
from tests.certification.conftest import certify
from tests.factories import AssignmentFactory
from tests.imports.conftest import roster_row, xlsx_bytes
from tests.sessions.conftest import make_session
from tests.training.conftest import enrol, make_event, make_sitting
from trainees.exports import roster_headers
from trainees.models import AssessmentRound, ExportStatus, RosterExport
from training.models import LeaveRequest, TrainingKind
from training.tokens import token_issue

# --- personas -----------------------------------------------------------------------------------

ANON = "anonymous"
PERSONAS = (
    ANON,
    "worker",  # 陆晓燕, subdistrict A, supervised by "supervisor"
    "supervisor",  # their supervisor
    "other_supervisor",  # supervises 沈丽华 in subdistrict B
    "admin_a",
    "admin_b",
    "leader",
    "district",
)
SIGNED_IN = frozenset(PERSONAS[1:])
WHOLE = frozenset({"leader", "district"})
A_SIDE = frozenset({"worker", "supervisor", "admin_a"}) | WHOLE
B_SIDE = frozenset({"other_supervisor", "admin_b"}) | WHOLE
A_ADMIN = frozenset({"admin_a"}) | WHOLE
B_ADMIN = frozenset({"admin_b"}) | WHOLE
ADMINS = frozenset({"admin_a", "admin_b"}) | WHOLE  # administrators and leadership (read)
MANAGERS = frozenset({"admin_a", "admin_b", "district"})  # administrators who write
DISTRICT = frozenset({"district"})
SUPERVISORS = frozenset({"supervisor", "other_supervisor"})

LOGIN = "login"  # a redirect to the sign-in page
Expected = int | str

# --- objects ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One object (or none) to open the URL with, and who can see it and may change it."""

    label: str
    kwargs: Callable[[SimpleNamespace], dict] = lambda o: {}
    sees: frozenset[str] = SIGNED_IN
    manages: frozenset[str] | None = None  # default: the administrators who see it
    query: Callable[[SimpleNamespace], str] = lambda o: ""

    @property
    def writers(self) -> frozenset[str]:
        return self.manages if self.manages is not None else MANAGERS & self.sees


NONE = [Target("-")]


def _by_side(attr: str, key: str = "pk", **sides: dict) -> list[Target]:
    """Targets for `o.<attr>[side]`; `sides` maps side → Target options (sees, manages)."""
    return [
        Target(
            side,
            (lambda o, side=side: {key: getattr(o, attr)[side].pk}),
            **options,
        )
        for side, options in sides.items()
    ]


def scoped(attr: str, key: str = "pk") -> list[Target]:
    return _by_side(attr, key, A={"sees": A_SIDE}, B={"sees": B_SIDE})


TRAINEE = scoped("trainee")
SUPERVISOR = scoped("supervisor")
ASSIGNMENT = scoped("assignment")
SESSION = scoped("session")
DRAFT = _by_side("draft", A={"sees": A_SIDE - {"worker"}}, B={"sees": B_SIDE})
CERTIFICATE = scoped("certificate")
SUBDISTRICT = _by_side("subdistrict", A={"sees": A_ADMIN}, B={"sees": B_ADMIN})
NEIGHBOURHOOD = _by_side("neighbourhood", A={"sees": A_ADMIN}, B={"sees": B_ADMIN})
# Training: an event of A, one of B and a district one (every subdistrict sees it, only the
# district runs it).
_TRAINING_SIDES = {
    "A": {"sees": A_SIDE, "manages": frozenset({"admin_a", "district"})},
    "B": {"sees": B_SIDE, "manages": frozenset({"admin_b", "district"})},
    "district": {"sees": SIGNED_IN, "manages": DISTRICT},
}
EVENT = _by_side("event", **_TRAINING_SIDES)
SITTING = _by_side("sitting", **_TRAINING_SIDES)
ENROLMENT = scoped("enrolment")
LEAVE = scoped("leave")
REPORT_RUN = _by_side("run", A={"sees": A_ADMIN}, B={"sees": B_ADMIN}, district={"sees": WHOLE})
# A roster export is its requester's alone: everyone else, the district included, gets 404.
ROSTER_EXPORT = _by_side(
    "roster_export",
    A={"sees": frozenset({"admin_a"})},
    district={"sees": frozenset({"district"})},
)
# A workbook (reports/workbook/) is its requester's alone, like a roster export.
WORKBOOK_RUN = _by_side(
    "workbook_run",
    A={"sees": frozenset({"admin_a"})},
    district={"sees": frozenset({"district"})},
)
IMPORT_RUN = _by_side(
    "import_run",
    A={"sees": frozenset({"admin_a", "district"})},
    B={"sees": frozenset({"admin_b", "district"})},
)


def formats(*fmts: str, base: list[Target] = NONE) -> list[Target]:
    """The first target in every file format (the `fmt` URL argument), the others in the
    first format: the format does not change who may download what."""

    def one(t: Target, fmt: str) -> Target:
        return Target(
            f"{t.label} {fmt}" if t.label != "-" else fmt,
            (lambda o: {**t.kwargs(o), "fmt": fmt}),
            t.sees,
            t.manages,
            t.query,
        )

    return [one(base[0], fmt) for fmt in fmts] + [one(t, fmts[0]) for t in base[1:]]


# A list filtered on a subdistrict outside the persona's scope is a 404, not an empty list.
FILTERED = [
    Target("-"),
    Target("A", sees=A_ADMIN, query=lambda o: f"subdistrict={o.world.a.pk}"),
    Target("B", sees=B_ADMIN, query=lambda o: f"subdistrict={o.world.b.pk}"),
]
# A round is the district's: every administrator sees it (their own workers in it).
ASSESSMENT_ROUND = [Target("-", lambda o: {"year": o.assessment_round.year})]
GRADE_YEAR = [Target("-", lambda o: {"year": o.grade_proposal.ledger.year})]
IMPORT_KINDS = [
    Target("workers", lambda o: {"kind": "workers"}, manages=MANAGERS),
    Target("attendance", lambda o: {"kind": "attendance"}, manages=MANAGERS),
    Target("changes", lambda o: {"kind": "changes"}, manages=MANAGERS),
    Target("assessments", lambda o: {"kind": "assessments"}, manages=MANAGERS),
    # Resident populations are the district's figures.
    Target("populations", lambda o: {"kind": "populations"}, manages=DISTRICT),
    # The supervisor team and its pairings are the district's.
    Target("supervisors", lambda o: {"kind": "supervisors"}, manages=DISTRICT),
]
CHECKIN = [
    Target("A", lambda o: {"token": token_issue(sitting_id=o.sitting["A"].pk)}, A_SIDE),
    Target("B", lambda o: {"token": token_issue(sitting_id=o.sitting["B"].pk)}, B_SIDE),
]


# --- rules --------------------------------------------------------------------------------------

Rule = Callable[[str, Target], Expected]
MANAGE = None  # `act`: whoever may change this target (Target.writers)


def expect(
    act: Iterable[str] | None = SIGNED_IN,
    *,
    ok: int = 200,
    role_first: bool = False,
    anonymous: Expected = LOGIN,
    **special: Expected,
) -> Rule:
    """The answer for a persona: `ok` when it sees the target and may act, 404 when it does not
    see it, 403 when it sees it but its role may not act (with `role_first`, 403 for such a
    role whatever the object). `special` gives a persona's answer outright."""

    def rule(persona: str, target: Target) -> Expected:
        if persona == ANON:
            return anonymous
        if persona in special:
            return special[persona]
        allowed = target.writers if act is MANAGE else frozenset(act)
        if role_first and persona not in allowed:
            return 403
        if persona not in target.sees:
            return 404
        return ok if persona in allowed else 403

    return rule


ALL_OK = expect()  # every role, on what it sees
SCOPED_OBJECT = ALL_OK
ADMINS_ONLY = expect(ADMINS)  # administrators and leadership
MANAGERS_ONLY = expect(MANAGERS)  # administrators; leadership is read-only
DISTRICT_ONLY = expect(DISTRICT)
SCOPED_WRITE = expect(MANAGE)  # an object only its administrators may change


def POST_ONLY(persona: str, target: Target) -> Expected:  # noqa: N802 - reads as a constant
    return LOGIN if persona == ANON else 405


# --- the table ----------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TYPES = {"csv": "text/csv", "xlsx": XLSX, "pdf": "application/pdf", "json": "application/json"}
Data = Callable[[SimpleNamespace, Target], dict]


@dataclass(frozen=True)
class Url:
    targets: list[Target]
    get: Rule
    # A write endpoint: POST `data` as every persona the rule refuses; nothing may change.
    post: Rule | None = None
    data: Data | None = None
    content_type: str | None = None  # of a 200; by default from the URL's suffix, or HTML


def today() -> str:
    return f"{timezone.localdate():%Y-%m-%d}"


def _session_data(o: SimpleNamespace, t: Target) -> dict:
    return {
        "mode": "mentor",
        "date": today(),
        "start_time": "09:00",
        "end_time": "10:00",
        "delivery": "on_site",
        "place": "会议室",
        "topic": "篡改",
        "raised": "x",
        "guidance": "x",
        "attendees": [o.world.worker.pk],
        "reason": "篡改",
        "action": "submit",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
    }


def _trainee_data(o: SimpleNamespace, t: Target) -> dict:
    return {
        "name": "篡改",
        "gender": "F",
        "birth_date": "1988-05-17",
        "id_number": o.world.worker.id_number,
        "mobile": "13900000000",
        "subdistrict": o.world.a.pk,
        "neighbourhood": o.world.na.pk,
        "education": "bachelor",
        "started_community_work": "2012-07-01",
        "joined": "2015-03-01",
        "status": "left",
        "left_on": today(),
    }


def _change_data(o: SimpleNamespace, t: Target) -> dict:
    return {
        "kind": "transfer",
        "effective_on": today(),
        "subdistrict": o.world.b.pk,
        "neighbourhood": o.world.nb.pk,
        "reason": "篡改",
        "document_no": "篡改",
    }


def _sitting_data(o: SimpleNamespace, t: Target) -> dict:
    return {
        "date": "2030-01-10",
        "start_time": "09:00",
        "end_time": "11:00",
        "venue": "篡改",
        "capacity": 10,
    }


def _event_data(o: SimpleNamespace, t: Target) -> dict:
    return {"title": "篡改", "kind": TrainingKind.ALL_STAFF, "credited_hours": "3"}


def _mark_data(o: SimpleNamespace, t: Target) -> dict:
    return {f"status_{e.pk}": "present" for e in o.enrolment.values()} | {"fill": "present"}


def _run_request(o: SimpleNamespace, t: Target) -> dict:
    return {"kind": "month", "year": 2025, "number": 1, "language": "zh-hans"}


def _upload(o: SimpleNamespace, t: Target) -> dict:
    return {"file": SimpleUploadedFile("roster.xlsx", _roster_file(), content_type=XLSX)}


def _nothing(o: SimpleNamespace, t: Target) -> dict:
    return {}


def _commentary_query(o: SimpleNamespace) -> str:
    return "kind=month&year=2025&number=1"


COMMENTARY = [Target("-", query=_commentary_query)]

TABLE: dict[str, Url] = {
    # --- home, sign-in, account
    "home": Url(NONE, ALL_OK),
    "accounts:login": Url(NONE, expect(anonymous=200, ok=302)),  # signed in: sent home
    "accounts:logout": Url(NONE, POST_ONLY),
    # Two-factor is off here (DUDAO_REQUIRE_2FA, tests/accounts/ covers it): nothing to do.
    "accounts:otp-verify": Url(NONE, expect(ok=302)),
    "accounts:otp-setup": Url(NONE, expect(ok=302)),
    "accounts:password-change": Url(NONE, ALL_OK),
    "accounts:password-change-done": Url(NONE, ALL_OK),
    "accounts:notifications": Url(NONE, ALL_OK),  # one's own only
    "set_language": Url(NONE, expect(anonymous=302, ok=302)),  # GET changes nothing
    # --- workers
    "trainees:list": Url(NONE, ALL_OK),
    "trainees:export": Url(formats("csv", "xlsx"), ALL_OK),
    "trainees:export-detail": Url(ROSTER_EXPORT, SCOPED_OBJECT),
    "trainees:export-status": Url(ROSTER_EXPORT, SCOPED_OBJECT, content_type=TYPES["json"]),
    "trainees:export-download": Url(ROSTER_EXPORT, SCOPED_OBJECT, content_type=XLSX),
    "trainees:create": Url(NONE, MANAGERS_ONLY, data=_trainee_data),
    "trainees:detail": Url(TRAINEE, SCOPED_OBJECT),
    "trainees:update": Url(TRAINEE, SCOPED_WRITE, data=_trainee_data),
    "trainees:mark-left": Url(TRAINEE, SCOPED_WRITE, data=_trainee_data),
    "trainees:status": Url(TRAINEE, POST_ONLY, post=SCOPED_WRITE, data=_trainee_data),
    "trainees:change": Url(TRAINEE, SCOPED_WRITE, data=_change_data),
    # The personnel file prints what the worker's page shows, to whoever sees the page.
    "trainees:file-pdf": Url(TRAINEE, SCOPED_OBJECT),
    # The yearly assessment: the offices enter their own workers, the district opens and locks.
    "trainees:assessment-list": Url(
        NONE,
        expect(ADMINS, role_first=True),
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"year": 2024, "excellent_share": 15},
    ),
    "trainees:assessment-round": Url(
        ASSESSMENT_ROUND,
        expect(ADMINS, role_first=True),
        post=expect(MANAGERS, role_first=True),
        data=lambda o, t: {"rows": ""},
    ),
    "trainees:assessment-quota": Url(
        ASSESSMENT_ROUND,
        POST_ONLY,
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"subdistrict": o.world.a.pk, "excellent_share": 50},
    ),
    "trainees:assessment-lock": Url(
        ASSESSMENT_ROUND, expect(DISTRICT, role_first=True), data=_nothing
    ),
    "trainees:assessment-unlock": Url(
        ASSESSMENT_ROUND, expect(DISTRICT, role_first=True), data=lambda o, t: {"reason": "篡改"}
    ),
    # Certificate grants and the grade ledger: everyone who sees places reads (an office its
    # own workers), only the district writes.
    "certification:grant-list": Url(
        NONE,
        expect(ADMINS, role_first=True),
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"which": "all", "paid_on": today(), "confirm": "1"},
    ),
    "certification:grant-export": Url(NONE, expect(ADMINS, role_first=True)),
    "certification:grant-rule": Url(
        NONE,
        POST_ONLY,
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {
            "level": o.grant_payment.certificate.level_id,
            "amount": "1",
            "valid_from": "2000-01-01",
        },
    ),
    "certification:grant-cancel": Url(
        [Target("-", lambda o: {"pk": o.grant_payment.pk})],
        expect(DISTRICT, role_first=True),
        data=lambda o, t: {"reason": "篡改"},
    ),
    "certification:grade-list": Url(
        NONE,
        expect(ADMINS, role_first=True),
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"year": 2024, "effective_on": "2025-01-01"},
    ),
    "certification:grade-rule": Url(
        NONE,
        POST_ONLY,
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"kind": "service", "key": "2", "grades": 9, "active": "on"},
    ),
    "certification:grade-year": Url(GRADE_YEAR, expect(ADMINS, role_first=True)),
    "certification:grade-proposal": Url(
        [
            Target(
                "A",
                lambda o: {"year": o.grade_proposal.ledger.year, "pk": o.grade_proposal.pk},
                sees=A_ADMIN,
                manages=DISTRICT,
            )
        ],
        expect(ADMINS, role_first=True),
        post=expect(DISTRICT, role_first=True),
        data=lambda o, t: {"final_level": 9, "reason": "篡改"},
    ),
    "certification:grade-action": Url(
        [Target("-", lambda o: {"year": o.grade_proposal.ledger.year, "action": "apply"})],
        expect(DISTRICT, role_first=True),
        data=_nothing,
    ),
    # --- structure
    "structure:subdistrict-list": Url(NONE, ADMINS_ONLY),
    "structure:subdistrict-detail": Url(SUBDISTRICT, expect(ADMINS, role_first=True)),
    "structure:neighbourhood-detail": Url(NEIGHBOURHOOD, expect(ADMINS, role_first=True)),
    "neighbourhoods:options": Url(NONE, ADMINS_ONLY, content_type=TYPES["json"]),
    # --- supervisors and pairings
    "supervisors:list": Url(NONE, ADMINS_ONLY),
    "supervisors:detail": Url(SUPERVISOR, SCOPED_OBJECT),  # a worker sees their supervisor
    "supervisors:coverage": Url(NONE, ADMINS_ONLY),
    "supervisors:options": Url(NONE, ADMINS_ONLY, content_type=TYPES["json"]),
    "supervisors:assignment-list": Url(NONE, ADMINS_ONLY),
    "supervisors:assignment-export": Url(formats("csv", "xlsx"), ADMINS_ONLY),
    "supervisors:assignment-end": Url(
        ASSIGNMENT,
        expect(DISTRICT, role_first=True),
        data=lambda o, t: {"ended_on": today(), "end_reason": "篡改"},
    ),
    "supervisors:assignment-create": Url(
        scoped("trainee", "trainee_pk"),
        expect(DISTRICT),
        data=lambda o, t: {
            "supervisor": o.world.other_supervisor.pk,
            "mode": "mentor",
            "started_on": today(),
            "reason": "篡改",
        },
    ),
    "supervisors:autoassign-preview": Url(NONE, DISTRICT_ONLY),
    "supervisors:autoassign-apply": Url(
        NONE, POST_ONLY, post=DISTRICT_ONLY, data=lambda o, t: {"fingerprint": "0" * 64}
    ),
    # --- supervision logs
    "sessions:list": Url(NONE, ALL_OK),
    "sessions:export": Url(formats("csv", "xlsx"), ALL_OK),
    "sessions:create": Url(NONE, expect(SUPERVISORS), data=_session_data),
    "sessions:detail": Url(SESSION, SCOPED_OBJECT),
    # Only the supervisor who wrote a log may change it; the others who see it get 403.
    "sessions:update": Url(DRAFT, expect(SUPERVISORS), data=_session_data),
    "sessions:submit": Url(DRAFT, POST_ONLY, post=expect(SUPERVISORS), data=_session_data),
    "sessions:correct": Url(SESSION, expect(SUPERVISORS), data=_session_data),
    # Only an attendee confirms.
    "sessions:confirm": Url(
        SESSION, POST_ONLY, post=expect({"worker"}), data=lambda o, t: {"reflection": "篡改"}
    ),
    "sessions:month-close": Url(
        NONE,
        DISTRICT_ONLY,
        data=lambda o, t: {"month": f"{timezone.localdate().replace(day=1):%Y-%m-%d}"},
    ),
    "sessions:overdue": Url(NONE, ADMINS_ONLY),
    # --- certification (HR lists: every role sees its own scope)
    "certification:dashboard": Url(FILTERED, ALL_OK),
    "certification:certified-list": Url(FILTERED, ALL_OK),
    "certification:certified-export": Url(formats("csv", "xlsx", base=FILTERED), ALL_OK),
    "certification:registration-list": Url(FILTERED, ALL_OK),
    "certification:registration-export": Url(formats("csv", "xlsx", base=FILTERED), ALL_OK),
    "certification:ce-list": Url(FILTERED, ALL_OK),
    "certification:ce-export": Url(formats("csv", "xlsx", base=FILTERED), ALL_OK),
    "certification:pipeline-list": Url(FILTERED, ALL_OK),
    "certification:pipeline-export": Url(formats("csv", "xlsx", base=FILTERED), ALL_OK),
    "certification:attempt-create": Url(
        TRAINEE,
        SCOPED_WRITE,
        data=lambda o, t: {"exam_year": o.exam_year.pk, "level": o.certificate["A"].level_id},
    ),
    "certification:external-hours-create": Url(
        TRAINEE,
        SCOPED_WRITE,
        data=lambda o, t: {"date": today(), "hours": "10", "provider": "篡改", "evidence": "x"},
    ),
    "certification:registration-create": Url(
        CERTIFICATE, SCOPED_WRITE, data=lambda o, t: {"on": today()}
    ),
    # --- reports
    "reports:dashboard": Url(NONE, ADMINS_ONLY),
    "reports:staffing": Url(NONE, ADMINS_ONLY),
    "reports:run-list": Url(NONE, ADMINS_ONLY, post=MANAGERS_ONLY, data=_run_request),
    "reports:run-detail": Url(REPORT_RUN, SCOPED_OBJECT),
    "reports:run-status": Url(REPORT_RUN, SCOPED_OBJECT, content_type=TYPES["json"]),
    "reports:run-retry": Url(REPORT_RUN, POST_ONLY, post=SCOPED_WRITE, data=_nothing),
    "reports:run-download": Url(formats("pdf", "xlsx", base=REPORT_RUN), SCOPED_OBJECT),
    "reports:commentary": Url(COMMENTARY, MANAGERS_ONLY, data=lambda o, t: {"text": "篡改"}),
    "reports:workbook-list": Url(
        NONE, ADMINS_ONLY, post=ADMINS_ONLY, data=lambda o, t: {"as_of": today()}
    ),
    "reports:workbook-detail": Url(WORKBOOK_RUN, SCOPED_OBJECT),
    "reports:workbook-status": Url(WORKBOOK_RUN, SCOPED_OBJECT, content_type=TYPES["json"]),
    "reports:workbook-download": Url(WORKBOOK_RUN, SCOPED_OBJECT, content_type=XLSX),
    "reports:workbook-retry": Url(WORKBOOK_RUN, POST_ONLY, post=SCOPED_OBJECT, data=_nothing),
    # --- training
    "training:event-list": Url(NONE, expect(worker=302)),  # a worker has "my training"
    "training:event-create": Url(NONE, MANAGERS_ONLY, data=_event_data),
    "training:mine": Url(NONE, expect(ok=302, worker=200)),
    "training:hours": Url(NONE, expect(worker=302)),
    "training:hours-export": Url(formats("csv", "xlsx"), expect(worker=403)),
    "training:leave-list": Url(NONE, MANAGERS_ONLY),
    "training:leave-decide": Url(
        LEAVE,
        POST_ONLY,
        post=expect(MANAGERS, role_first=True),
        data=lambda o, t: {"decision": "approve"},
    ),
    "training:event-detail": Url(EVENT, SCOPED_OBJECT),
    "training:event-update": Url(EVENT, SCOPED_WRITE, data=_event_data),
    "training:sitting-create": Url(EVENT, SCOPED_WRITE, data=_sitting_data),
    "training:event-enrol": Url(
        EVENT, POST_ONLY, post=SCOPED_WRITE, data=lambda o, t: {"rule": "all"}
    ),
    "training:enrolment-add": Url(
        EVENT, SCOPED_WRITE, data=lambda o, t: {"trainee": o.world.colleague.pk}
    ),
    "training:event-place": Url(EVENT, POST_ONLY, post=SCOPED_WRITE, data=_nothing),
    "training:enrolment-list": Url(EVENT, SCOPED_OBJECT),
    # Figures and absentee lists are for administrators and supervisors.
    "training:event-figures": Url(EVENT, expect(SIGNED_IN - {"worker"}, role_first=True)),
    "training:event-absentees": Url(
        formats("csv", "xlsx", base=EVENT), expect(SIGNED_IN - {"worker"}, role_first=True)
    ),
    "training:enrolment-move": Url(
        ENROLMENT,
        POST_ONLY,
        post=SCOPED_WRITE,
        data=lambda o, t: {"sitting": o.spare_sitting[t.label].pk},
    ),
    # Leave is asked for by the worker or by an administrator of theirs.
    "training:leave-request": Url(
        ENROLMENT,
        POST_ONLY,
        post=expect(MANAGERS | {"worker"}),
        data=lambda o, t: {"reason": "篡改"},
    ),
    "training:sitting-update": Url(SITTING, SCOPED_WRITE, data=_sitting_data),
    # Any administrator marks the sittings of the events they see, for their own workers.
    "training:sitting-mark": Url(SITTING, expect(MANAGERS), data=_mark_data),
    "training:sitting-screen": Url(SITTING, expect(MANAGERS)),
    "training:sitting-qr": Url(SITTING, expect(MANAGERS), content_type=TYPES["json"]),
    "training:sitting-board": Url(SITTING, expect(ADMINS, role_first=True)),
    "training:sitting-board-data": Url(SITTING, expect(ADMINS, role_first=True)),
    "training:sitting-sheet": Url(SITTING, expect(MANAGERS)),
    # The code is the key, not a scope: the enrolled worker checks in (the sitting is open
    # now); anyone else is told why not (400), the signed-out are sent to sign in first.
    "training:checkin": Url(
        CHECKIN,
        lambda p, t: LOGIN if p == ANON else 200 if (p, t.label) == ("worker", "A") else 400,
        content_type="text/html",
    ),
    # --- imports
    "imports:index": Url(NONE, MANAGERS_ONLY),
    "imports:upload": Url(IMPORT_KINDS, SCOPED_WRITE, data=_upload),
    "imports:template": Url(IMPORT_KINDS, SCOPED_WRITE),
    "imports:export": Url(IMPORT_KINDS, SCOPED_WRITE),
    "imports:run-detail": Url(IMPORT_RUN, expect(MANAGERS, role_first=True)),
    # Only the administrator who uploaded the file confirms it.
    "imports:run-apply": Url(
        IMPORT_RUN,
        POST_ONLY,
        post=expect({"admin_a", "admin_b"}, role_first=True),
        data=_nothing,
    ),
    "imports:run-status": Url(
        IMPORT_RUN, expect(MANAGERS, role_first=True), content_type=TYPES["json"]
    ),
    # The file as uploaded holds full ID numbers: district administrators only (issue 15).
    "imports:run-file": Url(IMPORT_RUN, expect(DISTRICT, role_first=True), content_type=XLSX),
    "imports:run-errors": Url(IMPORT_RUN, expect(MANAGERS, role_first=True)),
    # --- Django's admin site: one group, see test_admin_site_is_for_district_admins_only
    "admin:*": Url(NONE, expect(DISTRICT)),
}


# --- collecting the URLconf ---------------------------------------------------------------------


def url_names() -> dict[str, str]:
    """Every pattern of the URLconf by its namespaced name (the admin's as one "admin:*")."""
    found: dict[str, str] = {}

    def walk(patterns, namespace: str | None, prefix: str) -> None:
        for p in patterns:
            route = prefix + str(p.pattern)
            if isinstance(p, URLResolver):
                ns = p.namespace
                walk(
                    p.url_patterns,
                    f"{namespace}:{ns}" if namespace and ns else ns or namespace,
                    route,
                )
                continue
            assert isinstance(p, URLPattern)
            if p.callback is serve:
                continue  # static/media files in DEBUG: no data of ours, and off in tests
            name = f"{namespace}:{p.name}" if namespace else p.name
            if name is None:
                name = f"<unnamed {route}>"
            elif name.startswith("admin:"):
                name = "admin:*"
            found.setdefault(name, route)

    walk(get_resolver().url_patterns, None, "")
    return found


def test_every_url_pattern_is_in_the_table():
    names = set(url_names())
    assert not names - set(TABLE), "URL patterns missing from TABLE"
    assert not set(TABLE) - names, "stale TABLE entries"
    assert len(names) > 90  # sanity: the walk found the whole URLconf


# --- the world, once per URL ----------------------------------------------------------------------


def _open_window() -> tuple[tuple[int, int], tuple[int, int]]:
    """Times of a sitting of today that is open for check-in now (in the last minute before
    midnight there is none: the worker's check-in would then be refused)."""
    now = timezone.localtime()
    start = max(now - dt.timedelta(minutes=30), now.replace(hour=0, minute=0))
    end = min(now + dt.timedelta(hours=1), now.replace(hour=23, minute=59))
    return (start.hour, start.minute), (end.hour, end.minute)


@pytest.fixture
def objects(world) -> SimpleNamespace:
    """One of every object kind in A's scope, in B's, and the district's where they exist."""
    w = world
    users = w.users
    start, end = _open_window()
    on = timezone.localdate()

    event = {
        "A": make_event(organiser=w.a, kind=TrainingKind.SUBDISTRICT, title="华阳路街道培训"),
        "B": make_event(organiser=w.b, kind=TrainingKind.SUBDISTRICT, title="新泾镇培训"),
        "district": make_event(title="全员培训"),
    }
    sitting = {side: make_sitting(e, day=on, start=start, end=end) for side, e in event.items()}
    spare = {side: make_sitting(e, day=on + dt.timedelta(days=30)) for side, e in event.items()}
    (e_a,) = enrol(event["A"], [w.worker], sitting["A"])
    (e_b,) = enrol(event["B"], [w.worker_b], sitting["B"])
    enrol(event["district"], [w.worker, w.worker_b], sitting["district"])
    leave = {
        "A": LeaveRequest.objects.create(enrolment=e_a, reason="病假", requested_by=users.worker),
        "B": LeaveRequest.objects.create(enrolment=e_b, reason="病假"),
    }

    certificate = {
        "A": certify(
            w.worker, "assistant", dt.date(2020, 11, 1), registrations=[dt.date(2021, 1, 5)]
        ),
        "B": certify(w.worker_b, "assistant", dt.date(2020, 11, 1)),
    }

    def report(subdistrict, by) -> ReportRun:
        return ReportRun.objects.create(
            period_kind="month",
            year=2025,
            number=1,
            period_start=dt.date(2025, 1, 1),
            period_end=dt.date(2025, 1, 31),
            subdistrict=subdistrict,
            as_of=dt.date(2025, 1, 31),
            status=RunStatus.DONE,
            progress=100,
            file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="report.pdf"),
            xlsx_file=ContentFile(_report_workbook(), name="report.xlsx"),
            requested_by=by,
        )

    def roster_export(by) -> RosterExport:
        return RosterExport.objects.create(
            requested_by=by,
            fmt="xlsx",
            as_of=on,
            filename="社区工作者名册.xlsx",
            status=ExportStatus.DONE,
            progress=100,
            file=ContentFile(_roster_file(), name="roster.xlsx"),
        )

    def workbook_run(by, subdistrict) -> WorkbookRun:
        return WorkbookRun.objects.create(
            requested_by=by,
            subdistrict=subdistrict,
            as_of=on,
            status=RunStatus.DONE,
            progress=100,
            file=ContentFile(workbook_render(as_of=on, subdistrict=subdistrict), name="w.xlsx"),
        )

    def upload(by, subdistrict) -> ImportRun:
        return ImportRun.objects.create(
            kind="workers",
            created_by=by,
            subdistrict=subdistrict,
            file=ContentFile(_roster_file(), name="roster.xlsx"),
            file_name="roster.xlsx",
            rows=1,
            error_count=1,
            errors=[{"sheet": "名册", "row": 2, "column": "姓名", "value": "", "message": "必填"}],
        )

    # A past pairing of their supervisor's: the worker must not read about 顾建国 there.
    AssignmentFactory(
        supervisor=w.supervisor,
        trainee=w.colleague,
        started_on=dt.date(2024, 1, 1),
        ended_on=dt.date(2024, 12, 31),
        end_reason="调岗",
    )
    Notification.objects.create(user=users.worker, title="请确认督导记录")
    return SimpleNamespace(
        world=w,
        trainee={"A": w.worker, "B": w.worker_b},
        subdistrict={"A": w.a, "B": w.b},
        neighbourhood={"A": w.na, "B": w.nb},
        supervisor={"A": w.supervisor, "B": w.other_supervisor},
        assignment={
            "A": Assignment.objects.get(trainee=w.worker),
            "B": Assignment.objects.get(trainee=w.worker_b),
        },
        session={
            "A": make_session(w.supervisor, [w.worker]),
            "B": make_session(w.other_supervisor, [w.worker_b]),
        },
        draft={
            "A": make_session(w.supervisor, [w.worker], status=SessionStatus.DRAFT),
            "B": make_session(w.other_supervisor, [w.worker_b], status=SessionStatus.DRAFT),
        },
        event=event,
        sitting=sitting,
        spare_sitting={"A": spare["A"], "B": spare["B"]},
        enrolment={"A": e_a, "B": e_b},
        leave=leave,
        certificate=certificate,
        exam_year=ExamYear.objects.order_by("-year").first(),
        run={
            "A": report(w.a, users.admin_a),
            "B": report(w.b, users.admin_b),
            "district": report(None, users.district),
        },
        import_run={"A": upload(users.admin_a, w.a), "B": upload(users.admin_b, w.b)},
        roster_export={
            "A": roster_export(users.admin_a),
            "district": roster_export(users.district),
        },
        workbook_run={
            "A": workbook_run(users.admin_a, w.a),
            "district": workbook_run(users.district, None),
        },
        assessment_round=AssessmentRound.objects.create(year=2025, opened_by=users.district),
        grant_payment=GrantPayment.objects.create(
            certificate=certificate["A"],
            year=2020,
            amount=Decimal("1500"),
            paid_on=dt.date(2021, 3, 15),
        ),
        grade_proposal=GradeProposal.objects.create(
            ledger=GradeYear.objects.create(year=2025, effective_on=dt.date(2026, 1, 1)),
            trainee=w.worker,
            subdistrict=w.a,
            post="general",
            from_level=3,
            proposed_level=4,
            final_level=4,
        ),
    )


@pytest.fixture(autouse=True)
def _password_sign_in_only(settings):
    """The second factor (tests/accounts/test_two_factor.py) would send the district
    administrator to enter a code before any page: off here, as in config/settings/test.py."""
    settings.DUDAO_REQUIRE_2FA = False
    settings.DUDAO_SESSION_IDLE_TIMEOUT = 0


@cache
def _handler() -> ClientHandler:
    # Each Client loads the middleware chain on its first request (WhiteNoise indexes the
    # static files); one handler shared by all the clients saves most of this file's time.
    return ClientHandler(enforce_csrf_checks=False)


@pytest.fixture
def clients(world) -> dict[str, Client]:
    made = {}
    for persona in PERSONAS:
        client = Client(raise_request_exception=False)
        client.handler = _handler()
        if persona != ANON:
            client.force_login(getattr(world.users, persona))
        made[persona] = client
    return made


@cache
def _roster_file() -> bytes:
    return xlsx_bytes([roster_headers(), roster_row(name="导入样例")])


@cache
def _report_workbook() -> bytes:
    return xlsx_bytes([["报表"]])


# Every table of the project: a refused POST must leave all of them as they were.
PROJECT_APPS = (
    "accounts",
    "neighbourhoods",
    "trainees",
    "supervisors",
    "supervision_sessions",
    "training",
    "certification",
    "reports",
    "imports",
)


def snapshot() -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model.objects.order_by("pk").values())
        for label in PROJECT_APPS
        for model in apps.get_app_config(label).get_models()
    }


def outcome(response) -> Expected:
    if response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")):
        return LOGIN
    return response.status_code


# Workers each persona must never read about, on any page or in any file it gets.
UNSEEN = {
    "worker": ("沈丽华", "顾建国"),
    "supervisor": ("沈丽华",),  # 顾建国 was theirs once: their own history
    "other_supervisor": ("陆晓燕", "顾建国"),
    "admin_a": ("沈丽华",),
    "admin_b": ("陆晓燕", "顾建国"),
}


def text_of(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith(XLSX):
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    if response["Content-Type"].startswith("application/pdf"):
        return ""  # built from the same scoped selectors as the pages
    return body.decode("utf-8-sig")


def path_of(name: str, target: Target, o: SimpleNamespace) -> str:
    url = reverse(name, kwargs=target.kwargs(o))
    query = target.query(o)
    return f"{url}?{query}" if query else url


def content_type_for(spec: Url, path: str) -> str:
    last = path.split("?")[0].rsplit("/", 1)[-1]
    suffix = last.rsplit(".", 1)[-1] if "." in last else ""
    return TYPES.get(suffix) or spec.content_type or "text/html"


@pytest.mark.parametrize("name", sorted(n for n in TABLE if n != "admin:*"))
def test_url_answers_every_persona_as_expected(name, objects, clients):
    spec = TABLE[name]
    o = objects
    mismatches = []
    for target in spec.targets:
        path = path_of(name, target, o)
        for persona in PERSONAS:
            want = spec.get(persona, target)
            response = clients[persona].get(path)
            got = outcome(response)
            if got != want:
                mismatches.append(
                    f"GET {path} [{target.label}] as {persona}: want {want}, got {got}"
                )
            elif got == 200:
                expected_type = content_type_for(spec, path)
                if not response["Content-Type"].startswith(expected_type):
                    mismatches.append(
                        f"GET {path} [{target.label}] as {persona}: "
                        f"content type {response['Content-Type']}, want {expected_type}"
                    )
                    continue
                text = text_of(response)
                leaked = [n for n in UNSEEN.get(persona, ()) if n in text]
                if leaked:
                    mismatches.append(
                        f"GET {path} [{target.label}] as {persona}: shows {', '.join(leaked)}"
                    )

    if spec.data is not None:
        # One snapshot around all the refused POSTs: taking one per POST would cost more than
        # the requests themselves.
        rule = spec.post or spec.get
        before = snapshot()
        for target in spec.targets:
            path = path_of(name, target, o)
            for persona in PERSONAS:
                want = rule(persona, target)
                if want not in (LOGIN, 403, 404):
                    continue  # allowed to write: the app's own tests cover what it writes
                response = clients[persona].post(path, spec.data(o, target))
                got = outcome(response)
                if got != want:
                    mismatches.append(
                        f"POST {path} [{target.label}] as {persona}: want {want}, got {got}"
                    )
        after = snapshot()
        changed = sorted(label for label in before if before[label] != after[label])
        if changed:
            mismatches.append(f"POST {name}: refused, but changed {', '.join(changed)}")
    assert not mismatches, "\n".join(mismatches)


def test_admin_site_is_for_district_admins_only(world, clients):
    """Every admin:* URL sits behind the same AdminSite.has_permission; the index and one
    changelist stand for them."""
    mismatches = []
    for path in (reverse("admin:index"), reverse("admin:trainees_trainee_changelist")):
        for persona in PERSONAS:
            response = clients[persona].get(path, follow=True)
            final = response.redirect_chain[-1][0] if response.redirect_chain else path
            if persona == ANON:
                ok = final.startswith(reverse("accounts:login")) and response.status_code == 200
                want, got = "sign-in page", final if ok else response.status_code
                if ok:
                    continue
            else:
                want = 200 if persona == "district" else 403
                got = response.status_code
                if got == want:
                    continue
            mismatches.append(f"GET {path} as {persona}: want {want}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def test_set_language_is_a_post_for_everyone(world, clients):
    """Choosing the language is open to all, signed in or not, and only by POST."""
    for persona in PERSONAS:
        client = clients[persona]
        response = client.get(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302
        assert "django_language" not in response.cookies
        response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
        assert response.status_code == 302, persona
        assert response.cookies["django_language"].value == "en", persona
