"""Every figure as of any date is the figure that was true on that date (issue #12, item 4).

Hypothesis draws small districts with dated histories — workers joining, transferring between
committees and subdistricts, changing post and grade, going on leave or secondment and back,
leaving, retiring and coming back; certificates with their own date after the exam, registration
periods and renewals; pairings whose end date is their last day; training sittings with
attendance — applied through the services (trainees.services / trainees.history,
certification.services, training.services; pairings through the factory, because the pairing
service only pairs a worker on duty today, and enrolments straight into the table for the same
reason; attendance through the marking service, which must refuse a worker not on the books on
the sitting's day). Some dates fall on a month's first or last day, as offices date them, so
that month-end figures meet them. Then, on drawn as-of dates — any day 2019–2027, and
boundaries the data holds (the last day of a period, pairing or registration, the first day of
a certificate, a pairing, …, for a worker on the books then; or the day just past it) — it
compares

- the rate dashboard (certification.selectors.rate_dashboard): overall, every breakdown row
  (subdistrict, committee, housing type, post, level) and the 24-month trend, for the district
  and for a subdistrict office, with a drawn filter;
- the coverage board (supervisors.selectors.coverage_board): per subdistrict and in total;
- the district report (reports.figures.report_figures): the counts by unit of supervision,
  certification (and by housing type and post), training and the workforce profile (units and
  committees), the headline, the trend and the previous period's comparison, for the district
  and for one subdistrict (training marks are counted in the unit the worker belonged to on
  the sitting's day; coverage and every other count in the unit on the period's last day),

with an independent computation: raw SQL over the tables, written here from the definitions in
DOMAIN.md ("Dates that decide every figure"), never through a selector or trainees.populations:

- a worker belongs on d to the subdistrict, committee, post and grade of their period
  (trainees_workerperiod) covering d; 在册 (on the books) = that period is on duty, on leave or
  seconded; 在岗 (on duty) = it is on duty. Before joining there is no period; leaving (离职,
  退休) is a period off the books.
- holds a certificate on d: a certificate whose date (date_issued) is on or before d — never
  the exam day; registered on d: a registration period with starts_on <= d <= ends_on.
- paired (covered) on d: a pairing with started_on <= d and (no end or ended_on >= d): the end
  date is the last day.
- each figure divides by the population its label names: the rate dashboard and the report
  by 在册 ("在册人数", "在册社区工作者"), the coverage board by 在岗 ("在岗社区工作者").

A fourth family checks the write path itself: the periods stored equal the history as drawn
(the figures above are only as true as the periods they read).

Each family is its own Hypothesis test (parametrized), so a disagreement in one figure does not
hide another's, and each is shrunk to its own minimal example. Every mismatch of the example is
listed in the failure message, with units named A, B (subdistricts), A1, A2, B1 (committees),
"office" (a subdistrict's own staff) and workers w0, w1, ….

Then named regression tests for each case of issue #12's "Why" about histories.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import Role
from certification.models import Certificate, ExamYear, Level, RateSnapshot, Subject
from certification.selectors import (
    RateFilters,
    rate_by,
    rate_dashboard,
    rate_trend,
    rate_trend_live,
    shows_committees,
)
from certification.services import (
    attempt_record,
    certificate_correct,
    external_hours_add,
    registration_first,
    registration_renew,
    review_record,
)
from reports.figures import report_figures
from reports.periods import Period
from supervisors.models import Assignment
from supervisors.selectors import coverage_board
from supervisors.services import assignment_create, assignment_end, assignment_reassign
from tests.factories import (
    AssignmentFactory,
    NeighbourhoodFactory,
    SubdistrictFactory,
    SupervisorFactory,
    UserFactory,
    make_id_number,
)
from trainees.history import history_change
from trainees.models import CareerGrade, ChangeKind, Trainee
from trainees.services import trainee_create, trainee_mark_left, trainee_set_status
from training.models import Enrolment
from training.services.attendance import attendance_mark
from training.services.events import event_create, sitting_create

DAY = dt.timedelta(days=1)
FIRST_DAY, LAST_DAY = dt.date(2019, 1, 1), dt.date(2027, 12, 31)
# Changes are dated at most a year ahead of the pinned clock (2026-11-18), as the service allows.
LAST_CHANGE = dt.date(2027, 6, 30)
LAST_SITTING = dt.date(2026, 11, 17)

# Places a worker can be in: three committees and the two subdistricts' own offices.
PLACES = ("A1", "A2", "B1", "A", "B")
COMMITTEES = {"A1": ("A", "public_resale"), "A2": ("A", "villa"), "B1": ("B", "resettlement")}
POSTS = ("general", "member", "deputy", "director", "secretary")
GRADES = (0, 1, 2, 3)  # 0: not graded
GENDERS = ("F", "M")
POLITICAL = ("masses", "cpc", "cyl")
EDUCATION = ("bachelor", "junior_college", "high_school", "master")
LEAVE_KINDS = ("maternity", "sick", "study", "other")
LEVELS = ("assistant", "intermediate", "senior")
MODES = ("mentor", "drill")
MARKS = ("present", "absent", "late", "left_early", "excused")
# Attended: present, late or leaving early (the report's rule; absent and excused are not).
ATTENDED_SQL = "('present', 'late', 'left_early')"
REPORT_KINDS = ("month", "quarter", "half", "year")

ON_BOOKS = "('on_duty', 'leave', 'seconded')"
ON_DUTY = "('on_duty')"

# The states a change may be made from (DOMAIN.md: leave and secondment start from duty and end
# with a return; leaving and retiring end a spell on the books; a re-hire starts a new one).
KINDS_FROM = {
    "on_duty": ("transfer", "post", "grade", "leave", "secondment", "left", "retired"),
    "leave": ("return", "transfer", "post", "grade", "left", "retired"),
    "seconded": ("return", "transfer", "post", "grade", "left", "retired"),
    "left": ("rehired",),
    "retired": ("rehired",),
}
STATE_AFTER = {
    "leave": "leave",
    "secondment": "seconded",
    "return": "on_duty",
    "left": "left",
    "retired": "retired",
    "rehired": "on_duty",
}


# --- the drawn district -------------------------------------------------------------------------


def _d(day: dt.date | None) -> str:
    return "None" if day is None else f"'{day.isoformat()}'"


@dataclass(frozen=True)
class Change:
    on: dt.date
    kind: str
    place: str | None = None
    post: str | None = None
    grade: int | None = None
    leave_kind: str = ""

    def __repr__(self) -> str:
        extra = [
            f"{k}={v!r}"
            for k, v in (
                ("place", self.place),
                ("post", self.post),
                ("grade", self.grade),
                ("leave_kind", self.leave_kind or None),
            )
            if v is not None
        ]
        return f"Change({_d(self.on)}, {self.kind!r}{''.join(', ' + e for e in extra)})"


@dataclass(frozen=True)
class CertificatePlan:
    level: str
    year: int  # the exam year passed
    review_after: int | None  # senior: days from the exam to the passed review
    issued_after: int | None  # days from the pass to the certificate's date; None: the default
    register_after: int | None  # days from the certificate's date to the first registration
    renewals: tuple[int, ...]  # each re-registration filed this many days from the last end
    # The first registration moved to the first of the next month (its periods then end on a
    # month's last day, where reports look).
    register_on_first: bool = False

    def __repr__(self) -> str:
        return (
            f"Cert({self.level!r}, {self.year}, review_after={self.review_after}, "
            f"issued_after={self.issued_after}, register_after={self.register_after}, "
            f"renewals={self.renewals}{', register_on_first' if self.register_on_first else ''})"
        )


@dataclass(frozen=True)
class PairingPlan:
    supervisor: int
    mode: str
    start: dt.date
    end: dt.date | None

    def __repr__(self) -> str:
        return f"Pairing(s{self.supervisor}, {self.mode!r}, {_d(self.start)}, {_d(self.end)})"


@dataclass(frozen=True)
class WorkerPlan:
    joined: dt.date
    place: str
    post: str
    grade: int
    gender: str
    birth: dt.date
    political: str
    education: str
    changes: tuple[Change, ...]
    certificates: tuple[CertificatePlan, ...]
    pairings: tuple[PairingPlan, ...]

    def __repr__(self) -> str:
        return (
            f"Worker(joined={_d(self.joined)}, place={self.place!r}, post={self.post!r}, "
            f"grade={self.grade}, gender={self.gender!r}, birth={_d(self.birth)}, "
            f"political={self.political!r}, education={self.education!r}, "
            f"changes={list(self.changes)}, certificates={list(self.certificates)}, "
            f"pairings={list(self.pairings)})"
        )


@dataclass(frozen=True)
class SittingPlan:
    day: dt.date
    hours: int
    marks: tuple[tuple[int, str], ...]  # (worker index, status)

    def __repr__(self) -> str:
        return f"Sitting({_d(self.day)}, {self.hours}h, marks={list(self.marks)})"


@dataclass(frozen=True)
class AsOf:
    """A day drawn outright, or a boundary the data holds: the `index`-th date of an `EDGES`
    source (the last day something covers, or the first day it counts), or the day just past
    it (`beyond`: the day after a last day, the day before a first day)."""

    day: dt.date | None = None
    source: str = ""
    index: int = 0
    beyond: bool = False

    def __repr__(self) -> str:
        if self.day:
            return f"AsOf({_d(self.day)})"
        return f"AsOf({self.source!r}, {self.index}{', beyond' if self.beyond else ''})"


@dataclass(frozen=True)
class RateFilter:
    kind: str = ""  # "", "subdistrict", "neighbourhood", "housing_type", "post"
    value: str = ""

    def __repr__(self) -> str:
        return f"RateFilter({self.kind!r}, {self.value!r})" if self.kind else "RateFilter()"


@dataclass(frozen=True)
class LaterChange:
    """A write after the rate dashboard was first read (its month ends then kept as snapshots):
    a transfer dated back, a certificate (with its registrations), a worker who joined long ago
    entered now, or a certificate withdrawn (deleted)."""

    kind: str  # "transfer", "certificate", "join", "withdraw"
    worker: int  # index into the plan's workers (modulo their number)
    on: dt.date
    place: str
    certificate: CertificatePlan | None = None

    def __repr__(self) -> str:
        return (
            f"Later({self.kind!r}, w{self.worker}, {_d(self.on)}, {self.place!r}"
            f"{', ' + repr(self.certificate) if self.certificate else ''})"
        )


@dataclass(frozen=True)
class Plan:
    workers: tuple[WorkerPlan, ...]
    supervisors: tuple[tuple[str, int, bool], ...]  # home subdistrict, capacity, active
    sittings: tuple[SittingPlan, ...]
    as_of: tuple[AsOf, ...]
    report: tuple[str, AsOf]
    rate_filter: RateFilter
    later: LaterChange | None = None


def _values_after(change: Change, values: dict) -> dict:
    """The worker's values once `change` is in force (the model the periods must follow)."""
    values = dict(values)
    if change.place is not None:
        values["place"] = change.place
    if change.post is not None:
        values["post"] = change.post
    if change.grade is not None:
        values["grade"] = change.grade
    values["state"] = STATE_AFTER.get(change.kind, values["state"])
    if values["state"] != "leave":
        values["leave_kind"] = ""
    elif change.kind == "leave":
        values["leave_kind"] = change.leave_kind
    return values


def first_of_month(day: dt.date, draw) -> dt.date:
    return day.replace(day=1) if draw(st.booleans()) else day


def last_of_month(day: dt.date, draw) -> dt.date:
    return month_end(day.year, day.month) if draw(st.booleans()) else day


@st.composite
def worker_plans(draw, n_supervisors: int) -> WorkerPlan:
    # Offices date most changes on a month's first day (so the day before is a month end, where
    # reports and trends look): some dates are moved to the first of their month.
    joined = first_of_month(draw(st.dates(dt.date(2018, 1, 1), dt.date(2026, 6, 30))), draw)
    values = {
        "place": draw(st.sampled_from(PLACES)),
        "post": draw(st.sampled_from(POSTS)),
        "grade": draw(st.sampled_from(GRADES)),
        "state": "on_duty",
        "leave_kind": "",
    }
    first = dict(values)
    changes: list[Change] = []
    day = joined
    for i in range(draw(st.integers(0, 5))):
        # A change may fall on the day the worker joined (it then replaces the first values).
        later = day + dt.timedelta(days=draw(st.integers(0 if i == 0 else 1, 700)))
        snapped = first_of_month(later, draw)
        day = snapped if snapped > day or (i == 0 and snapped == day) else later
        if day > LAST_CHANGE:
            break
        kind = draw(st.sampled_from(KINDS_FROM[values["state"]]))
        others = [p for p in PLACES if p != values["place"]]
        other_posts = [p for p in POSTS if p != values["post"]]
        if kind == "transfer":
            change = Change(
                day,
                kind,
                place=draw(st.sampled_from(others)),
                post=draw(st.none() | st.sampled_from(other_posts)),
            )
        elif kind == "post":
            change = Change(day, kind, post=draw(st.sampled_from(other_posts)))
        elif kind == "grade":
            grades = [g for g in GRADES if g != values["grade"]]
            change = Change(day, kind, grade=draw(st.sampled_from(grades)))
        elif kind == "leave":
            change = Change(day, kind, leave_kind=draw(st.sampled_from(LEAVE_KINDS)))
        elif kind == "rehired":
            change = Change(
                day,
                kind,
                place=draw(st.none() | st.sampled_from(others)),
                post=draw(st.none() | st.sampled_from(other_posts)),
            )
        else:
            change = Change(day, kind)
        values = _values_after(change, values)
        changes.append(change)

    certificates = []
    for code in draw(st.lists(st.sampled_from(LEVELS), max_size=2, unique=True)):
        register = draw(st.none() | st.integers(0, 200))
        certificates.append(
            CertificatePlan(
                level=code,
                year=draw(st.integers(2019, 2026)),
                review_after=draw(st.integers(30, 900)) if code == "senior" else None,
                issued_after=draw(st.none() | st.integers(0, 500)),
                register_after=register,
                renewals=tuple(draw(st.lists(st.integers(-90, 400), max_size=2)))
                if register is not None
                else (),
                register_on_first=register is not None and draw(st.booleans()),
            )
        )

    pairings = []
    count = draw(st.integers(0, 3))
    start = first_of_month(joined + dt.timedelta(days=draw(st.integers(-300, 2000))), draw)
    for i in range(count):
        supervisor = draw(st.integers(0, n_supervisors - 1))
        mode = draw(st.sampled_from(MODES))
        # Only the last pairing may still be open; an earlier one may overlap the next.
        length = (
            draw(st.none() | st.integers(0, 700)) if i == count - 1 else draw(st.integers(0, 700))
        )
        end = None if length is None else last_of_month(start + dt.timedelta(days=length), draw)
        pairings.append(PairingPlan(supervisor, mode, start, end))
        if end is None:
            break
        # The next one starts the day after (a reassignment), later, or overlapping.
        start = end + dt.timedelta(days=1 + draw(st.just(0) | st.integers(-20, 300)))

    return WorkerPlan(
        joined=joined,
        place=first["place"],
        post=first["post"],
        grade=first["grade"],
        gender=draw(st.sampled_from(GENDERS)),
        birth=draw(st.dates(dt.date(1962, 1, 1), dt.date(1998, 12, 31))),
        political=draw(st.sampled_from(POLITICAL)),
        education=draw(st.sampled_from(EDUCATION)),
        changes=tuple(changes),
        certificates=tuple(certificates),
        pairings=tuple(pairings),
    )


# Where a figure changes if it is right, and where an off-by-one shows: each source's dates are
# last days ("end": the day after is the first without) or first days ("start"), taken where
# they matter — for a worker on the books on that day.
_ON_BOOKS_ON = (
    "EXISTS (SELECT 1 FROM trainees_workerperiod p WHERE p.trainee_id = {t} "
    "AND p.starts_on <= {d} AND (p.ends_on IS NULL OR p.ends_on >= {d}) "
    "AND p.state IN ('on_duty', 'leave', 'seconded'))"
)


def _edge(side: str, table: str, column: str, where: str = "1 = 1") -> tuple[str, str]:
    on_books = _ON_BOOKS_ON.format(t="x.trainee_id", d=f"x.{column}")
    return side, f"SELECT x.{column} FROM {table} x WHERE {where} AND {on_books}"


EDGES = {
    "period_last_day": (
        "end",
        "SELECT ends_on FROM trainees_workerperiod WHERE ends_on IS NOT NULL",
    ),
    "period_first_day": ("start", "SELECT starts_on FROM trainees_workerperiod"),
    "pairing_last_day": _edge(
        "end", "supervisors_assignment", "ended_on", "x.ended_on IS NOT NULL"
    ),
    "pairing_first_day": _edge("start", "supervisors_assignment", "started_on"),
    "registration_last_day": _edge("end", "certification_registration", "ends_on"),
    "registration_first_day": _edge("start", "certification_registration", "starts_on"),
    "certificate_date": _edge("start", "certification_certificate", "date_issued"),
    "exam_day": _edge("start", "certification_certificate", "date_passed"),
    "sitting_day": ("start", "SELECT s.date FROM supervision_sessions_sitting s"),
}
A_DAY = st.builds(AsOf, day=st.dates(FIRST_DAY, LAST_DAY))
AN_EDGE = st.builds(
    AsOf, source=st.sampled_from(list(EDGES)), index=st.integers(0, 40), beyond=st.booleans()
)


def rate_filters() -> st.SearchStrategy[RateFilter]:
    return st.sampled_from(
        [
            RateFilter(),
            RateFilter("subdistrict", "A"),
            RateFilter("subdistrict", "B"),
            RateFilter("neighbourhood", "A1"),
            RateFilter("housing_type", "villa"),
            RateFilter("housing_type", "office"),
            RateFilter("post", "general"),
            RateFilter("post", "director"),
        ]
    )


@st.composite
def plans(draw) -> Plan:
    supervisors = tuple(
        draw(
            st.tuples(
                st.sampled_from(("A", "B")),
                st.integers(1, 3),
                st.sampled_from((True, True, False)),
            )
        )
        for _ in range(3)
    )
    n = draw(st.integers(1, 8))
    workers = tuple(draw(worker_plans(len(supervisors))) for _ in range(n))
    sittings = tuple(
        SittingPlan(
            day=draw(st.dates(FIRST_DAY, LAST_SITTING)),
            hours=draw(st.integers(1, 8)),
            marks=tuple(
                draw(
                    st.lists(
                        st.tuples(st.integers(0, n - 1), st.sampled_from(MARKS)),
                        max_size=n,
                        unique_by=lambda m: m[0],
                    )
                )
            ),
        )
        for _ in range(draw(st.integers(0, 3)))
    )
    return Plan(
        workers=workers,
        supervisors=supervisors,
        sittings=sittings,
        as_of=(draw(A_DAY), draw(AN_EDGE), draw(AN_EDGE), draw(AN_EDGE)),
        report=(draw(st.sampled_from(REPORT_KINDS)), draw(A_DAY | AN_EDGE)),
        rate_filter=draw(rate_filters()),
        later=draw(later_changes()),
    )


@st.composite
def later_changes(draw) -> LaterChange:
    kind = draw(st.sampled_from(("transfer", "certificate", "join", "withdraw")))
    certificate = None
    if kind == "certificate":
        register = draw(st.none() | st.integers(0, 200))
        certificate = CertificatePlan(
            level=draw(st.sampled_from(("assistant", "intermediate"))),
            year=draw(st.integers(2019, 2026)),
            review_after=None,
            issued_after=draw(st.none() | st.integers(0, 500)),
            register_after=register,
            renewals=(),
        )
    return LaterChange(
        kind=kind,
        worker=draw(st.integers(0, 7)),
        # Mostly within the two years a trend covers, where the kept month ends are.
        on=draw(
            st.dates(dt.date(2024, 6, 1), dt.date(2026, 11, 17)) | st.dates(FIRST_DAY, LAST_DAY)
        ),
        place=draw(st.sampled_from(PLACES)),
        certificate=certificate,
    )


# --- applying it through the services -----------------------------------------------------------


def base_district() -> SimpleNamespace:
    """Two subdistricts, three committees, grades 1–3, a district and a subdistrict admin."""
    a = SubdistrictFactory(name="华阳路街道", code="310105001")
    b = SubdistrictFactory(name="新泾镇", code="310105102", kind="town")
    subs = {"A": a, "B": b}
    places = {"A": (a, None), "B": (b, None)}
    names = {("sub", a.pk): "A", ("sub", b.pk): "B", ("nb", None): "office"}
    for label, (sub, housing) in COMMITTEES.items():
        nb = NeighbourhoodFactory(
            name=f"{label}居委会", subdistrict=subs[sub], housing_type=housing
        )
        places[label] = (subs[sub], nb)
        names[("nb", nb.pk)] = label
    grades = {0: None}
    for level in GRADES[1:]:
        grades[level], _ = CareerGrade.objects.get_or_create(
            level=level, defaults={"name": f"{level}级"}
        )
    district = UserFactory(username="tt_district", role=Role.DISTRICT_ADMIN, is_staff=True)
    admin_a = UserFactory(username="tt_admin_a", role=Role.SUBDISTRICT_ADMIN, subdistrict=a)
    return SimpleNamespace(
        a=a,
        b=b,
        subs=subs,
        places=places,
        names=names,
        grades=grades,
        district=district,
        admin_a=admin_a,
        trainees=[],
        anomalies=[],
    )


def new_worker(
    w,
    index: int,
    *,
    joined,
    place="A1",
    post="general",
    grade=0,
    gender="F",
    birth=dt.date(1985, 4, 2),
    political="masses",
    education="bachelor",
):
    sub, nb = w.places[place]
    trainee = trainee_create(
        actor=w.district,
        name=f"工作者{index}",
        gender=gender,
        birth_date=birth,
        id_number=make_id_number(birth, gender),
        political_status=political,
        subdistrict=sub,
        neighbourhood=nb,
        post=post,
        grade=w.grades[grade],
        education=education,
        started_community_work=joined,
        joined=joined,
    )
    w.names[("w", trainee.pk)] = f"w{index}"
    w.trainees.append(trainee)
    return trainee


def record_change(w, trainee, change: Change):
    place = w.places[change.place] if change.place else (None, None)
    return history_change(
        trainee=trainee,
        actor=w.district,
        kind=change.kind,
        effective_on=change.on,
        reason="补登履历",
        subdistrict=place[0],
        neighbourhood=place[1],
        post=change.post,
        grade=w.grades[change.grade] if change.grade is not None else None,
        leave_kind=change.leave_kind,
    )


def _quietly(call) -> bool:
    """Run a write whose inputs were drawn loosely (a late registration, a filing too early);
    the service's refusal is not the subject here. True when it was written."""
    try:
        with transaction.atomic():
            call()
    except ValidationError:
        return False
    return True


def add_certificate(w, trainee, plan: CertificatePlan) -> None:
    level = Level.objects.get(code=plan.level)
    exam = ExamYear.objects.get(year=plan.year)
    attempt_record(
        trainee=trainee,
        exam_year=exam,
        level=level,
        scores={s.pk: Decimal("75") for s in Subject.objects.filter(level=level)},
        actor=w.district,
    )
    if plan.review_after is not None:
        review_record(
            trainee=trainee,
            level=level,
            decided_on=exam.exam_date + dt.timedelta(days=plan.review_after),
            passed=True,
            actor=w.district,
        )
    cert = Certificate.objects.get(trainee=trainee, level=level)
    if plan.issued_after is not None:
        cert = certificate_correct(
            certificate=cert,
            actor=w.district,
            number=cert.number,
            date_passed=cert.date_passed,
            date_issued=cert.date_passed + dt.timedelta(days=plan.issued_after),
        )
    if plan.register_after is None:
        return
    start = cert.date_issued + dt.timedelta(days=plan.register_after)
    if plan.register_on_first:
        start = month_end(start.year, start.month) + DAY
    if not _quietly(
        lambda: registration_first(certificate=cert, starts_on=start, actor=w.district)
    ):
        return
    for offset in plan.renewals:
        last = cert.registrations.order_by("-starts_on").first()
        filed = last.ends_on + dt.timedelta(days=offset)
        written = _quietly(
            lambda last=last, filed=filed: (
                external_hours_add(
                    trainee=trainee,
                    date=last.starts_on + DAY,
                    hours=Decimal("100"),
                    provider="市社会工作者协会",
                    evidence="结业证书",
                    actor=w.district,
                ),
                registration_renew(certificate=cert, filed_on=filed, actor=w.district),
            )
        )
        if not written:
            return


def build(plan: Plan) -> SimpleNamespace:
    w = base_district()
    w.supervisors = [
        SupervisorFactory(
            name=f"督导{i}", home_subdistrict=w.subs[home], capacity=capacity, is_active=active
        )
        for i, (home, capacity, active) in enumerate(plan.supervisors)
    ]
    for i, wp in enumerate(plan.workers):
        trainee = new_worker(
            w,
            i,
            joined=wp.joined,
            place=wp.place,
            post=wp.post,
            grade=wp.grade,
            gender=wp.gender,
            birth=wp.birth,
            political=wp.political,
            education=wp.education,
        )
        for change in wp.changes:
            trainee = record_change(w, trainee, change)
        for cp in wp.certificates:
            add_certificate(w, trainee, cp)
        for pp in wp.pairings:
            AssignmentFactory(
                supervisor=w.supervisors[pp.supervisor],
                trainee=trainee,
                mode=pp.mode,
                started_on=pp.start,
                ended_on=pp.end,
            )
    for k, sp in enumerate(plan.sittings):
        event = event_create(
            actor=w.district,
            title=f"全员培训{k}",
            kind="all_staff",
            organiser=None,
            description="",
            credited_hours=Decimal(sp.hours),
            counts_as_ce=True,
        )
        sitting = sitting_create(
            event=event,
            actor=w.district,
            date=sp.day,
            start_time=dt.time(9, 0),
            end_time=dt.time(12, 0),
            venue="区社区工作者培训中心",
            capacity=50,
        )
        on_books = {
            row[0]
            for row in run(
                "SELECT trainee_id FROM trainees_workerperiod WHERE starts_on <= :d "
                f"AND (ends_on IS NULL OR ends_on >= :d) AND state IN {ON_BOOKS}",
                d=sp.day,
            )
        }
        for index, status in sp.marks:
            trainee = w.trainees[index]
            enrolment = Enrolment.objects.create(event=event, trainee=trainee, sitting=sitting)
            marked = _quietly(
                lambda e=enrolment, s=status, at=sitting: attendance_mark(
                    sitting=at, actor=w.district, marks={e.pk: s}
                )
            )
            if trainee.pk in on_books and not marked:
                w.anomalies.append(
                    f"attendance for w{index} (在册 on {sp.day}) at that sitting was refused"
                )
            if trainee.pk not in on_books and marked:
                w.anomalies.append(
                    f"attendance for w{index} (not 在册 on {sp.day}) at that sitting was accepted"
                )
    return w


# --- the independent computation: raw SQL over the tables ---------------------------------------


def run(query: str, **params) -> list[tuple]:
    """Execute `query` with :name parameters (a name may repeat) on SQLite or PostgreSQL."""
    names: list[str] = []

    def placeholder(match: re.Match) -> str:
        names.append(match.group(1))
        return "%s"

    text = re.sub(r"(?<![:\w]):([a-z]\w*)", placeholder, query)
    with connection.cursor() as cursor:
        cursor.execute(text, [params[name] for name in names])
        return cursor.fetchall()


def as_date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _paired(extra: str = "") -> str:
    return (
        "CASE WHEN EXISTS (SELECT 1 FROM supervisors_assignment a "
        "WHERE a.trainee_id = p.trainee_id AND a.started_on <= :d "
        f"AND (a.ended_on IS NULL OR a.ended_on >= :d) {extra}) THEN 1 ELSE 0 END"
    )


# One row per worker in the population on :d, where they belonged then and what held then.
# `trained`: credited with hours for a sitting from :since to :d.
WORKERS_ON = f"""
SELECT p.trainee_id AS tid, p.subdistrict_id AS sub, p.neighbourhood_id AS nb,
       COALESCE(n.housing_type, 'office') AS housing, p.post AS post,
       COALESCE(g.level, 0) AS grade, t.gender AS gender, t.birth_date AS birth,
       t.political_status AS pol, t.education AS edu,
       CASE WHEN EXISTS (SELECT 1 FROM certification_certificate c
                         WHERE c.trainee_id = p.trainee_id AND c.date_issued <= :d)
            THEN 1 ELSE 0 END AS certified,
       CASE WHEN EXISTS (SELECT 1 FROM certification_registration r
                         WHERE r.trainee_id = p.trainee_id
                           AND r.starts_on <= :d AND r.ends_on >= :d)
            THEN 1 ELSE 0 END AS registered,
       COALESCE((SELECT MAX(l.rank) FROM certification_certificate c
                 JOIN certification_level l ON l.id = c.level_id
                 WHERE c.trainee_id = p.trainee_id AND c.date_issued <= :d), 0) AS top_rank,
       {_paired()} AS covered,
       {_paired("AND a.mode = 'mentor'")} AS mentor,
       {_paired("AND a.mode = 'drill'")} AS drill,
       CASE WHEN EXISTS (SELECT 1 FROM supervision_sessions_attendance x
                         JOIN supervision_sessions_sitting s ON s.id = x.sitting_id
                         WHERE x.trainee_id = p.trainee_id AND x.credited_hours > 0
                           AND s.date >= :since AND s.date <= :d)
            THEN 1 ELSE 0 END AS trained
FROM trainees_workerperiod p
JOIN trainees_trainee t ON t.id = p.trainee_id
LEFT JOIN neighbourhoods_neighbourhood n ON n.id = p.neighbourhood_id
LEFT JOIN trainees_careergrade g ON g.id = p.grade_id
WHERE p.starts_on <= :d AND (p.ends_on IS NULL OR p.ends_on >= :d)
  AND p.state IN {{states}}
"""

RATE_COLUMNS = {"certified": "w.certified = 1", "registered": "w.registered = 1"}
COVER_COLUMNS = {"covered": "w.covered = 1", "mentor": "w.mentor = 1", "drill": "w.drill = 1"}


def tally(day, *, states=ON_BOOKS, since=None, group=(), where="", columns=None, **params):
    """{group key: {"n": count, column: count where its condition holds}} over WORKERS_ON."""
    columns = columns or {}
    keys = ", ".join(f"w.{g}" for g in group)
    sums = "".join(f", SUM(CASE WHEN {cond} THEN 1 ELSE 0 END)" for cond in columns.values())
    query = (
        f"SELECT {keys + ', ' if keys else ''}COUNT(*){sums} "
        f"FROM ({WORKERS_ON.format(states=states)}) w WHERE 1 = 1 {where}"
    )
    if group:
        query += f" GROUP BY {keys}"
    out = {}
    for row in run(query, d=day, since=since or day, **params):
        counts = row[len(group) :]
        out[tuple(row[: len(group)])] = {
            "n": int(counts[0] or 0),
            **{name: int(v or 0) for name, v in zip(columns, counts[1:], strict=True)},
        }
    return out


def serving(day, *, states, group=(), where="", **params) -> dict:
    """Distinct supervisors with a pairing in force on the day with a worker of the group."""
    keys = ", ".join(f"w.{g}" for g in group)
    query = (
        f"SELECT {keys + ', ' if keys else ''}COUNT(DISTINCT a.supervisor_id) "
        f"FROM ({WORKERS_ON.format(states=states)}) w "
        "JOIN supervisors_assignment a ON a.trainee_id = w.tid AND a.started_on <= :d "
        "AND (a.ended_on IS NULL OR a.ended_on >= :d) "
        f"WHERE 1 = 1 {where}"
    )
    if group:
        query += f" GROUP BY {keys}"
    return {tuple(r[: len(group)]): int(r[-1]) for r in run(query, d=day, since=day, **params)}


def team_on(day) -> dict:
    """Active supervisors by home subdistrict, and those whose pairings on the day fill them."""
    rows = run(
        """
        SELECT s.home_subdistrict_id, COUNT(*),
               SUM(CASE WHEN (SELECT COUNT(*) FROM supervisors_assignment a
                              WHERE a.supervisor_id = s.id AND a.started_on <= :d
                                AND (a.ended_on IS NULL OR a.ended_on >= :d)) >= s.capacity
                        THEN 1 ELSE 0 END)
        FROM supervisors_supervisor s WHERE s.is_active = :yes
        GROUP BY s.home_subdistrict_id
        """,
        d=day,
        yes=True,
    )
    return {sub: (int(n), int(full or 0)) for sub, n, full in rows}


def pct(n, d):
    return round(100 * n / d, 1) if d else None


def age_cutoff(day: dt.date, years: int) -> dt.date:
    """The last birth date of someone at least `years` old on `day` (born 29 Feb: 28 Feb)."""
    year = day.year - years
    last = calendar.monthrange(year, day.month)[1]
    return dt.date(year, day.month, min(day.day, last))


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def previous_month_ends(day: dt.date, count: int) -> list[dt.date]:
    """`day` and the last days of the `count - 1` months before its month, oldest first."""
    out = [day]
    first = day.replace(day=1)
    for _ in range(count - 1):
        last = first - DAY
        out.append(last)
        first = last.replace(day=1)
    return sorted(out)


def safe(value: str) -> str:
    assert re.fullmatch(r"[a-z_]+", value), value
    return value


def workforce_columns() -> dict:
    """The profile's columns as conditions on WORKERS_ON (age bands use :c31, :c36, :c46)."""
    cols = {f"sex_{g}": f"w.gender = '{g}'" for g in GENDERS}
    cols.update(
        {
            "age_30": "w.birth > :c31",
            "age_35": "w.birth <= :c31 AND w.birth > :c36",
            "age_45": "w.birth <= :c36 AND w.birth > :c46",
            "age_46": "w.birth <= :c46",
        }
    )
    cols.update({f"pol_{v}": f"w.pol = '{safe(v)}'" for v in POLITICAL})
    cols.update({f"edu_{v}": f"w.edu = '{safe(v)}'" for v in EDUCATION})
    cols.update({f"post_{v}": f"w.post = '{safe(v)}'" for v in POSTS})
    cols["cert_none"] = "w.top_rank = 0"
    for rank, code in run("SELECT rank, code FROM certification_level"):
        cols[f"cert_{safe(code)}"] = f"w.top_rank = {int(rank)}"
    cols["grade_0"] = "w.grade = 0"
    for (level,) in run("SELECT level FROM trainees_careergrade WHERE level > 0"):
        cols[f"grade_{int(level)}"] = f"w.grade = {int(level)}"
    return cols


def age_params(day) -> dict:
    return {f"c{n}": age_cutoff(day, n) for n in (31, 36, 46)}


# --- comparing ----------------------------------------------------------------------------------


class Mismatches:
    def __init__(self, w) -> None:
        self.w = w
        self.lines: list[str] = []

    def name(self, kind: str, pk) -> str:
        return self.w.names.get((kind, pk), f"{kind}{pk}")

    def eq(self, label: str, shown, expected) -> None:
        if shown != expected:
            self.lines.append(f"{label}: shown {shown!r}, expected {expected!r}")

    def rows(self, label: str, shown: dict, expected: dict) -> None:
        """Rows keyed alike; a row of zeros counts as absent (one page may list empty units)."""
        shown = {k: v for k, v in shown.items() if any(v)}
        expected = {k: v for k, v in expected.items() if any(v)}
        for key in sorted(set(shown) | set(expected), key=repr):
            self.eq(f"{label} [{key}]", shown.get(key), expected.get(key))

    def report(self) -> str:
        head = f"{len(self.lines)} figure(s) disagree with the raw-SQL computation:"
        return "\n".join([head, *self.lines[:60]])


def resolve(w, as_of: AsOf) -> dt.date:
    """The as-of day: drawn, or read from the data (a source without dates: the first
    period's first day)."""
    if as_of.day is not None:
        return as_of.day
    side, query = EDGES[as_of.source]
    days = sorted({as_date(r[0]) for r in run(query)})
    if not days:
        side, days = (
            "start",
            [as_date(run("SELECT MIN(starts_on) FROM trainees_workerperiod")[0][0])],
        )
    day = days[as_of.index % len(days)]
    if as_of.beyond:
        day += DAY if side == "end" else -DAY
    return min(max(day, FIRST_DAY), LAST_DAY)


# --- family: the history as written -------------------------------------------------------------


def model_periods(wp: WorkerPlan) -> list[tuple]:
    """(first day, place, post, grade, state, leave kind) runs of the drawn history, merged."""
    values = {
        "place": wp.place,
        "post": wp.post,
        "grade": wp.grade,
        "state": "on_duty",
        "leave_kind": "",
    }
    runs = [(wp.joined, values)]
    for change in wp.changes:
        values = _values_after(change, values)
        if change.on == runs[-1][0]:
            runs[-1] = (change.on, values)
        else:
            runs.append((change.on, values))
    return _merge(
        [(day, v["place"], v["post"], v["grade"], v["state"], v["leave_kind"]) for day, v in runs]
    )


def _merge(runs: list[tuple]) -> list[tuple]:
    out: list[tuple] = []
    for run_ in runs:
        if out and out[-1][1:] == run_[1:]:
            continue
        out.append(run_)
    return out


def check_history(w, plan: Plan) -> Mismatches:
    m = Mismatches(w)
    today = timezone.localdate()
    for i, (wp, trainee) in enumerate(zip(plan.workers, w.trainees, strict=True)):
        rows = run(
            """
            SELECT p.starts_on, p.ends_on, p.subdistrict_id, p.neighbourhood_id, p.post,
                   COALESCE(g.level, 0), p.state, p.leave_kind
            FROM trainees_workerperiod p LEFT JOIN trainees_careergrade g ON g.id = p.grade_id
            WHERE p.trainee_id = :t ORDER BY p.starts_on
            """,
            t=trainee.pk,
        )
        stored = []
        for k, (start, end, sub, nb, post, grade, state, leave_kind) in enumerate(rows):
            start, end = as_date(start), end and as_date(end)
            following = as_date(rows[k + 1][0]) if k + 1 < len(rows) else None
            if (end + DAY if end else None) != following:
                m.lines.append(f"w{i}: period {start}–{end} is followed by one from {following}")
            place = m.name("nb", nb) if nb else m.name("sub", sub)
            if nb and COMMITTEES[place][0] != m.name("sub", sub):
                m.lines.append(f"w{i}: committee {place} outside subdistrict {m.name('sub', sub)}")
            stored.append((start, place, post, int(grade), state, leave_kind or ""))
        m.eq(f"w{i} periods", _merge(stored), model_periods(wp))
        # The worker's own columns are the period covering today (lists and scoping read them).
        now = [r for r in stored if r[0] <= today]
        if now:
            columns = run(
                "SELECT t.subdistrict_id, t.neighbourhood_id, t.post, t.status "
                "FROM trainees_trainee t WHERE t.id = :t",
                t=trainee.pk,
            )[0]
            place = m.name("nb", columns[1]) if columns[1] else m.name("sub", columns[0])
            status = {"on_duty": "active", "leave": "on_leave", "seconded": "on_leave"}
            m.eq(
                f"w{i} columns today",
                (place, columns[2], columns[3]),
                (now[-1][1], now[-1][2], status.get(now[-1][4], "left")),
            )
    return m


# --- family: the rate dashboard -----------------------------------------------------------------


def _filter_sql(w, flt: RateFilter) -> tuple[str, dict, RateFilters]:
    if flt.kind == "subdistrict":
        pk = w.subs[flt.value].pk
        return "AND w.sub = :fsub", {"fsub": pk}, RateFilters(subdistrict_id=pk)
    if flt.kind == "neighbourhood":
        pk = w.places[flt.value][1].pk
        return "AND w.nb = :fnb", {"fnb": pk}, RateFilters(neighbourhood_id=pk)
    if flt.kind == "housing_type":
        return "AND w.housing = :fh", {"fh": flt.value}, RateFilters(housing_type=flt.value)
    if flt.kind == "post":
        return "AND w.post = :fpost", {"fpost": flt.value}, RateFilters(post=flt.value)
    return "", {}, RateFilters()


def check_rate_dashboard(w, day: dt.date, user, flt: RateFilter, m: Mismatches) -> None:
    where, params, filters = _filter_sql(w, flt)
    who = "district"
    if user.subdistrict_id:
        where += " AND w.sub = :usub"
        params["usub"] = user.subdistrict_id
        who = "office A"
    label = f"rate dashboard {day} ({who}, {flt!r})"
    shown = rate_dashboard(user=user, on=day, filters=filters)

    def triple(r):
        return (r["n"], r["certified"], r["registered"])

    total = tally(day, where=where, columns=RATE_COLUMNS, **params)[()]
    o = shown["overall"]
    m.eq(
        f"{label} overall 在册/certified/registered",
        (o.active, o.certified, o.registered),
        triple(total),
    )

    for dim, group in (
        ("subdistrict", ("sub",)),
        ("neighbourhood", ("sub", "nb")),
        ("housing_type", ("housing",)),
        ("post", ("post",)),
    ):
        expected = {}
        for key, r in tally(day, group=group, where=where, columns=RATE_COLUMNS, **params).items():
            expected[_name_key(m, dim, key)] = triple(r)
        shown_rows = shown["breakdowns"][dim]
        if dim == "neighbourhood":
            # Shown within one subdistrict only; the district's committees from the selector.
            m.eq(
                f"{label} committees shown",
                shown_rows is not None,
                shows_committees(user, filters),
            )
            if shown_rows is None:
                shown_rows = rate_by(user=user, on=day, dimension=dim, filters=filters)
        rows = {}
        for row in shown_rows:
            key = (
                (row.extra.get("subdistrict_id"), row.key) if dim == "neighbourhood" else (row.key,)
            )
            rows[_name_key(m, dim, key)] = (row.active, row.certified, row.registered)
        m.rows(f"{label} by {dim}", rows, expected)

    ranks = {int(rank): code for rank, code in run("SELECT rank, code FROM certification_level")}
    by_rank = tally(day, group=("top_rank",), where=where, columns=RATE_COLUMNS, **params)
    expected = {"none": (0, 0, 0), **{code: (0, 0, 0) for code in ranks.values()}}
    for (rank,), r in by_rank.items():
        expected[ranks.get(int(rank), "none")] = triple(r)
    rows = {
        row.key: (row.active, row.certified, row.registered) for row in shown["breakdowns"]["level"]
    }
    m.rows(f"{label} by level (highest held)", rows, expected)

    trend = {row.key: (row.active, row.certified, row.registered) for row in shown["trend"]}
    expected = {}
    for end in previous_month_ends(day, 24):
        expected[end] = triple(tally(end, where=where, columns=RATE_COLUMNS, **params)[()])
    m.eq(f"{label} trend month ends", sorted(trend), sorted(expected))
    for end in sorted(expected):
        if end in trend:
            m.eq(f"{label} trend {end}", trend[end], expected[end])


def _name_key(m: Mismatches, dim: str, key: tuple) -> str:
    if dim == "subdistrict":
        return m.name("sub", key[0])
    if dim == "neighbourhood":
        return f"{m.name('sub', key[0])}/{m.name('nb', key[1])}"
    return str(key[0])


def apply_later(w, later: LaterChange) -> str:
    """Write the plan's later change through the services; what was written, for the report."""
    if later.kind == "join":
        index, joined = len(w.trainees), min(later.on, LAST_SITTING)
        written = _quietly(lambda: new_worker(w, index, joined=joined, place=later.place))
        return f"w{index} joined {joined} at {later.place}: {written}"
    if not w.trainees:
        return "nothing (no workers)"
    trainee = Trainee.objects.get(pk=w.trainees[later.worker % len(w.trainees)].pk)
    name = w.names[("w", trainee.pk)]
    if later.kind == "transfer":
        change = Change(min(later.on, LAST_CHANGE), ChangeKind.TRANSFER, place=later.place)
        written = _quietly(lambda: record_change(w, trainee, change))
        return f"{name} transferred to {later.place} from {change.on}: {written}"
    if later.kind == "certificate":
        written = _quietly(lambda: add_certificate(w, trainee, later.certificate))
        return f"{name} certificate {later.certificate!r}: {written}"
    cert = Certificate.objects.filter(trainee=trainee).order_by("pk").first()
    if cert is None:
        return f"{name} has no certificate to withdraw"
    cert.registrations.all().delete()
    cert.delete()
    return f"{name}'s certificate of {cert.date_issued} withdrawn"


def check_trend_snapshots(w, day: dt.date, user, flt: RateFilter, m: Mismatches, when: str) -> None:
    """The trend as the dashboard reads it (the month ends kept as snapshots) is the live count."""
    filters = _filter_sql(w, flt)[2]
    shown = rate_trend(user=user, until=day, filters=filters)
    live = rate_trend_live(user=user, until=day, filters=filters)
    m.eq(
        f"rate trend {day} ({'office A' if user.subdistrict_id else 'district'}, {flt!r}) "
        f"{when}: snapshots vs live",
        [(r.key, r.active, r.certified, r.registered) for r in shown],
        [(r.key, r.active, r.certified, r.registered) for r in live],
    )


def check_rates(w, plan: Plan) -> Mismatches:
    """The district on each as-of day; office A (its own scope) on the last one. Then the later
    change, after which the trend (its kept month ends dropped and counted again) must still be
    true."""
    m = Mismatches(w)
    flt = plan.rate_filter
    if flt.value in ("B", "B1"):
        flt = RateFilter()  # outside office A's scope (a 404 there)
    days = [resolve(w, as_of) for as_of in plan.as_of]
    for day in days:
        check_rate_dashboard(w, day, w.district, plan.rate_filter, m)
    check_rate_dashboard(w, days[-1], w.admin_a, flt, m)
    # The whole district's trend too (a single committee's is never kept), so that every example
    # keeps month ends: the first read counts them, the next ones read them back.
    for day in days:
        check_trend_snapshots(w, day, w.district, RateFilter(), m, "first read")
    kept = RateSnapshot.objects.filter(complete=True).count()
    m.eq("month ends kept as snapshots after the first reads", kept > 0, True)
    for day in days:
        check_trend_snapshots(w, day, w.district, plan.rate_filter, m, "read back")
        check_trend_snapshots(w, day, w.district, RateFilter(), m, "read back")
    if plan.later is None:
        return m
    written = apply_later(w, plan.later)
    for day in days:
        check_rate_dashboard(w, day, w.district, plan.rate_filter, m)
        check_trend_snapshots(w, day, w.district, plan.rate_filter, m, f"after {written}")
        check_trend_snapshots(w, day, w.district, RateFilter(), m, f"after {written}")
    check_rate_dashboard(w, days[-1], w.admin_a, flt, m)
    check_trend_snapshots(w, days[-1], w.admin_a, flt, m, f"after {written}")
    check_trend_snapshots(w, days[-1], w.admin_a, RateFilter(), m, f"after {written}")
    return m


# --- family: the coverage board -----------------------------------------------------------------


def check_board(w, day: dt.date, user, m: Mismatches) -> None:
    where, params, who = "", {}, "district"
    if user.subdistrict_id:
        where, params, who = "AND w.sub = :usub", {"usub": user.subdistrict_id}, "office A"
    label = f"coverage board {day} ({who})"
    board = coverage_board(user=user, on=day)
    subs = [
        pk
        for (pk,) in run(
            "SELECT id FROM neighbourhoods_subdistrict "
            + ("WHERE id = :usub " if user.subdistrict_id else "")
            + "ORDER BY code",
            **params,
        )
    ]
    m.eq(
        f"{label} rows",
        [m.name("sub", r.pk) for r in board["rows"]],
        [m.name("sub", pk) for pk in subs],
    )
    workers = tally(
        day, states=ON_DUTY, group=("sub",), where=where, columns=COVER_COLUMNS, **params
    )
    serving_by = serving(day, states=ON_DUTY, group=("sub",), where=where, **params)
    team = team_on(day)
    fields = (
        "workers",
        "covered",
        "uncovered",
        "mentor",
        "drill",
        "serving",
        "team",
        "at_capacity",
    )
    totals = dict.fromkeys(fields, 0)
    for pk in subs:
        r = workers.get((pk,), {"n": 0, "covered": 0, "mentor": 0, "drill": 0})
        members, full = team.get(pk, (0, 0))
        expected = {
            "workers": r["n"],
            "covered": r["covered"],
            "uncovered": r["n"] - r["covered"],
            "mentor": r["mentor"],
            "drill": r["drill"],
            "serving": serving_by.get((pk,), 0),
            "team": members,
            "at_capacity": full,
        }
        for key in fields:
            if key != "serving":
                totals[key] += expected[key]
        row = next((r for r in board["rows"] if r.pk == pk), None)
        if row is not None:
            shown = {key: getattr(row, key) for key in fields}
            for key in fields:
                m.eq(f"{label} {m.name('sub', pk)} {key}", shown[key], expected[key])
    totals["serving"] = serving(day, states=ON_DUTY, where=where, **params).get((), 0)
    for key in fields:
        m.eq(f"{label} total {key}", board["totals"].get(key), totals[key])
    ratio = run("SELECT district_ratio FROM supervisors_supervisionpolicy ORDER BY id")
    ratio = int(ratio[0][0]) if ratio else 10
    m.eq(f"{label} total needed", board["totals"]["needed"], -(-totals["uncovered"] // ratio))


def check_boards(w, plan: Plan) -> Mismatches:
    m = Mismatches(w)
    for as_of in plan.as_of:
        day = resolve(w, as_of)
        check_board(w, day, w.district, m)
        check_board(w, day, w.admin_a, m)
    return m


# --- family: the district report ----------------------------------------------------------------


def period_of(kind: str, day: dt.date) -> tuple[Period, dt.date, dt.date]:
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12}[kind]
    number = (day.month - 1) // months + 1
    first_month = (number - 1) * months + 1
    start = dt.date(day.year, first_month, 1)
    end = month_end(day.year, first_month + months - 1)
    return Period(kind, day.year, number), start, end


def report_units(w, sub_pk: int | None) -> list[str]:
    if sub_pk is None:
        return [str(pk) for (pk,) in run("SELECT id FROM neighbourhoods_subdistrict ORDER BY code")]
    rows = run(
        "SELECT id FROM neighbourhoods_neighbourhood WHERE subdistrict_id = :s ORDER BY name",
        s=sub_pk,
    )
    return [*(str(pk) for (pk,) in rows), "office"]


def _unit(key) -> str:
    return "office" if key is None else str(key)


class ReportExpected:
    """The report's counts by unit as of `day` (在册), from WORKERS_ON."""

    def __init__(self, w, sub_pk: int | None, start: dt.date, day: dt.date) -> None:
        self.where = "AND w.sub = :rsub" if sub_pk else ""
        self.params = {"rsub": sub_pk} if sub_pk else {}
        self.group = ("sub",) if sub_pk is None else ("nb",)
        columns = {**RATE_COLUMNS, **COVER_COLUMNS, "trained": "w.trained = 1"}
        self.units = {
            _unit(k[0]): r
            for k, r in tally(
                day, since=start, group=self.group, where=self.where, columns=columns, **self.params
            ).items()
        }
        self.serving = {
            _unit(k[0]): n
            for k, n in serving(
                day, states=ON_BOOKS, group=self.group, where=self.where, **self.params
            ).items()
        }
        self.serving_total = serving(day, states=ON_BOOKS, where=self.where, **self.params).get(
            (), 0
        )

    def unit(self, key: str) -> dict:
        return self.units.get(
            key,
            {
                "n": 0,
                "certified": 0,
                "registered": 0,
                "covered": 0,
                "mentor": 0,
                "drill": 0,
                "trained": 0,
            },
        )

    def total(self, name: str) -> int:
        return sum(r[name] for r in self.units.values())


def check_report(w, kind: str, day: dt.date, sub_pk: int | None, m: Mismatches) -> None:
    period, start, end = period_of(kind, day)
    scope = "district" if sub_pk is None else "subdistrict A"
    label = f"report {period.label} to {end} ({scope})"
    f = report_figures(period=period, subdistrict_id=sub_pk)
    units = report_units(w, sub_pk)
    exp = ReportExpected(w, sub_pk, start, end)
    unit_name = (
        (lambda k: m.name("sub", int(k)))
        if sub_pk is None
        else (lambda k: "office" if k == "office" else m.name("nb", int(k)))
    )

    # Supervision: coverage and serving supervisors at the end, by unit.
    sup_rows = {r["key"]: r for r in f["supervision"]["rows"]}
    m.eq(f"{label} units", [unit_name(k) for k in sup_rows], [unit_name(k) for k in units])
    for key in units:
        e, r = exp.unit(key), sup_rows.get(key, {})
        expected = {
            "workers": e["n"],
            "covered": e["covered"],
            "uncovered": e["n"] - e["covered"],
            "mentor": e["mentor"],
            "drill": e["drill"],
            "serving": exp.serving.get(key, 0),
            "coverage_pct": pct(e["covered"], e["n"]),
        }
        for name, value in expected.items():
            m.eq(f"{label} supervision {unit_name(key)} {name}", r.get(name), value)
    t = f["supervision"]["total"]
    m.eq(f"{label} supervision total serving", t["serving"], exp.serving_total)

    # Certification by unit, by housing type and by post.
    cert_rows = {r["key"]: r for r in f["certification"]["rows"]}
    for key in units:
        e, r = exp.unit(key), cert_rows.get(key, {})
        m.eq(
            f"{label} certification {unit_name(key)} 在册/certified/registered",
            (r.get("workers"), r.get("certified"), r.get("registered")),
            (e["n"], e["certified"], e["registered"]),
        )
    for section, group in (("by_housing", "housing"), ("by_post", "post")):
        expected = {
            str(k[0]): (r["n"], r["certified"], r["registered"])
            for k, r in tally(
                end, group=(group,), where=exp.where, columns=RATE_COLUMNS, **exp.params
            ).items()
        }
        shown = {
            (r["key"] or "office"): (r["workers"], r["certified"], r["registered"])
            for r in f["certification"][section]
        }
        m.rows(f"{label} certification {section}", shown, expected)

    # Training: coverage of the 在册 at the end by hours in the period; marks by the unit the
    # worker belonged to on the sitting's day.
    trn_rows = {r["key"]: r for r in f["training"]["rows"]}
    marks = run(
        f"""
        SELECT p.{"subdistrict_id" if sub_pk is None else "neighbourhood_id"}, COUNT(*),
               SUM(CASE WHEN x.status IN {ATTENDED_SQL} THEN 1 ELSE 0 END)
        FROM supervision_sessions_attendance x
        JOIN supervision_sessions_sitting s ON s.id = x.sitting_id
        JOIN trainees_workerperiod p ON p.trainee_id = x.trainee_id
             AND p.starts_on <= s.date AND (p.ends_on IS NULL OR p.ends_on >= s.date)
        WHERE s.date >= :start AND s.date <= :end
              {"AND p.subdistrict_id = :rsub" if sub_pk else ""}
        GROUP BY p.{"subdistrict_id" if sub_pk is None else "neighbourhood_id"}
        """,
        start=start,
        end=end,
        **exp.params,
    )
    marked = {_unit(k): (int(n), int(a or 0)) for k, n, a in marks}
    for key in units:
        e, r = exp.unit(key), trn_rows.get(key, {})
        m.eq(
            f"{label} training {unit_name(key)} 在册/trained",
            (r.get("workers"), r.get("trained")),
            (e["n"], e["trained"]),
        )
        m.eq(
            f"{label} training {unit_name(key)} marked/attended (unit on the sitting's day)",
            (r.get("marked"), r.get("attended")),
            marked.get(key, (0, 0)),
        )

    # Workforce profile by unit and committee by committee.
    columns = workforce_columns()
    cutoffs = age_params(end)
    wf_units = {
        _unit(k[0]): r
        for k, r in tally(
            end, group=exp.group, where=exp.where, columns=columns, **exp.params, **cutoffs
        ).items()
    }
    wf_rows = {r["key"]: r for r in f["workforce"]["rows"]}
    for key in units:
        e, r = wf_units.get(key, {}), wf_rows.get(key, {})
        for col in ["total", *columns]:
            m.eq(
                f"{label} workforce {unit_name(key)} {col}",
                r.get(col),
                e.get("n" if col == "total" else col, 0),
            )
    committees = {
        f"{k[0]}:{_unit(k[1])}": r
        for k, r in tally(
            end, group=("sub", "nb"), where=exp.where, columns=columns, **exp.params, **cutoffs
        ).items()
    }
    shown_committees = {r["key"]: r for r in f["workforce"]["committees"]}
    for key in sorted(set(committees) | set(shown_committees)):
        e, r = committees.get(key, {}), shown_committees.get(key, {})
        if not e and not any(r.get(col) for col in ["total", *columns]):
            continue  # a committee nobody was in: listed with zeros, or not at all
        sub, nb = key.split(":")
        place = f"{m.name('sub', int(sub))}/{'office' if nb == 'office' else m.name('nb', int(nb))}"
        for col in ["total", *columns]:
            m.eq(
                f"{label} workforce committee {place} {col}",
                r.get(col),
                e.get("n" if col == "total" else col, 0),
            )

    # The headline repeats the totals.
    h = f["headline"]
    workers, covered = exp.total("n"), exp.total("covered")
    expected = {
        "workers": workers,
        "serving": exp.serving_total,
        "uncovered": workers - covered,
        "coverage_pct": pct(covered, workers),
        "ratio": round(covered / exp.serving_total, 1) if exp.serving_total else None,
        "certified_pct": pct(exp.total("certified"), workers),
        "registered_pct": pct(exp.total("registered"), workers),
        "training_coverage_pct": pct(exp.total("trained"), workers),
    }
    for name, value in expected.items():
        m.eq(f"{label} headline {name}", h.get(name), value)

    # Trend: each month's end (a month's report: the six months to it).
    if kind == "month":
        ends = previous_month_ends(end, 6)
    else:
        ends = [month_end(start.year, mm) for mm in range(start.month, end.month + 1)]
    shown_trend = {p["end"]: p for p in f["trend"]}
    m.eq(f"{label} trend month ends", sorted(shown_trend), [e.isoformat() for e in ends])
    for month_last in ends:
        e = tally(
            month_last,
            since=month_last.replace(day=1),
            where=exp.where,
            columns={**RATE_COLUMNS, **COVER_COLUMNS, "trained": "w.trained = 1"},
            **exp.params,
        )[()]
        p = shown_trend.get(month_last.isoformat(), {})
        m.eq(
            f"{label} trend {month_last} 在册/coverage/certified/registered/training",
            shown_rates(p),
            expected_rates(e),
        )

    # The previous period, as of its own end.
    before, b_start, b_end = period_of(kind, start - DAY)
    prev = ReportExpected(w, sub_pk, b_start, b_end)
    shown_prev = {r["key"]: r for r in f["previous"]["comparison"]}
    for key in units:
        e, r = prev.unit(key), shown_prev.get(key, {})
        m.eq(
            f"{label} previous ({before.label}) {unit_name(key)} "
            "在册/coverage/certified/registered/training",
            shown_rates(r),
            expected_rates(e),
        )


RATE_KEYS = ("workers", "coverage_pct", "certified_pct", "registered_pct", "training_coverage_pct")


def shown_rates(row: dict) -> tuple:
    """What a report row shows: 在册, coverage, certified, registered and training rates."""
    return tuple(row.get(k) for k in RATE_KEYS)


def expected_rates(e: dict) -> tuple:
    """The same five figures from the SQL's counts."""
    n = e["n"]
    return (
        n,
        pct(e["covered"], n),
        pct(e["certified"], n),
        pct(e["registered"], n),
        pct(e["trained"], n),
    )


def check_reports(w, plan: Plan) -> Mismatches:
    m = Mismatches(w)
    m.lines.extend(w.anomalies)
    kind, as_of = plan.report
    day = resolve(w, as_of)
    check_report(w, kind, day, None, m)
    check_report(w, kind, day, w.a.pk, m)
    return m


FAMILIES = {
    "history": check_history,
    "rate_dashboard": check_rates,
    "coverage_board": check_boards,
    "report": check_reports,
}


@pytest.mark.parametrize("family", list(FAMILIES))
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(plan=plans())
def test_every_figure_is_true_as_of_any_date(db, family, plan):
    # Each example in a savepoint rolled back at its end: the next one starts from migrations.
    with transaction.atomic():
        try:
            cache.clear()
            w = build(plan)
            mismatches = FAMILIES[family](w, plan)
        finally:
            transaction.set_rollback(True)
    assert not mismatches.lines, mismatches.report()


# --- named regression tests: the histories of issue #12's "Why" ---------------------------------


def _figures_on(w, day: dt.date) -> dict:
    """The figures these tests follow: dashboard rows, board rows, report rows (district)."""
    dash = rate_dashboard(user=w.district, on=day)
    board = coverage_board(user=w.district, on=day)
    report = report_figures(period=period_of("month", day)[0])
    return {
        "rate_overall": (dash["overall"].active, dash["overall"].certified),
        "rate_by_subdistrict": {
            r.key: (r.active, r.certified) for r in dash["breakdowns"]["subdistrict"] if r.active
        },
        "rate_by_post": {r.key: r.active for r in dash["breakdowns"]["post"] if r.active},
        "board": {r.pk: (r.workers, r.covered) for r in board["rows"]},
        "report_supervision": {
            r["key"]: (r["workers"], r["covered"]) for r in f_rows(report, "supervision")
        },
        "report_certification": {
            r["key"]: (r["workers"], r["certified"]) for r in f_rows(report, "certification")
        },
        "report_workforce": {r["key"]: r["total"] for r in f_rows(report, "workforce")},
    }


def f_rows(figures: dict, section: str) -> list[dict]:
    return figures[section]["rows"]


def _independent(w, day: dt.date) -> Mismatches:
    """The same dates through the property test's raw-SQL checks."""
    m = Mismatches(w)
    check_rate_dashboard(w, day, w.district, RateFilter(), m)
    check_board(w, day, w.district, m)
    check_report(w, "month", day, None, m)
    return m


@pytest.fixture
def w(db):
    w = base_district()
    w.supervisor = SupervisorFactory(name="周督导", home_subdistrict=w.a, capacity=10)
    return w


def test_a_move_today_leaves_past_figures_unchanged(w):
    """Moving a worker today changed the 2024 figures of both subdistricts (issue #12)."""
    mover = new_worker(w, 0, joined=dt.date(2020, 1, 1), place="A1", post="director")
    new_worker(w, 1, joined=dt.date(2020, 1, 1), place="B1")
    add_certificate(w, mover, CertificatePlan("assistant", 2022, None, 0, None, ()))
    AssignmentFactory(supervisor=w.supervisor, trainee=mover, started_on=dt.date(2021, 1, 1))
    past = dt.date(2024, 6, 30)
    before = _figures_on(w, past)
    a, b = w.a.pk, w.b.pk
    assert before["rate_by_subdistrict"] == {a: (1, 1), b: (1, 0)}
    assert before["board"] == {a: (1, 1), b: (1, 0)}

    history_change(
        trainee=mover,
        actor=w.district,
        kind=ChangeKind.TRANSFER,
        effective_on=timezone.localdate(),
        reason="工作调动",
        subdistrict=w.b,
        neighbourhood=w.places["B1"][1],
        post="general",
    )

    assert _figures_on(w, past) == before
    now = _figures_on(w, timezone.localdate())
    assert now["rate_by_subdistrict"] == {b: (2, 1)}
    assert now["rate_by_post"] == {"general": 2}
    assert now["board"] == {a: (0, 0), b: (2, 1)}
    m = _independent(w, past)
    assert not m.lines, m.report()


def test_a_left_worker_marked_active_again_keeps_the_earlier_leaving(w):
    """Marking a worker who left as active again erased the leaving: they counted in the gap."""
    worker = new_worker(w, 0, joined=dt.date(2019, 3, 1), place="A1")
    new_worker(w, 1, joined=dt.date(2019, 3, 1), place="A2")
    AssignmentFactory(
        supervisor=w.supervisor,
        trainee=worker,
        started_on=dt.date(2019, 6, 1),
        ended_on=dt.date(2023, 2, 28),
    )
    trainee_mark_left(trainee=worker, actor=w.district, left_on=dt.date(2023, 3, 1), reason="辞职")
    worker.refresh_from_db()
    trainee_set_status(trainee=worker, actor=w.district, status="active")  # back today
    a = w.a.pk

    assert _figures_on(w, dt.date(2023, 2, 28))["rate_overall"] == (2, 0)
    assert _figures_on(w, dt.date(2023, 2, 28))["board"][a] == (2, 1)
    gap = _figures_on(w, dt.date(2024, 6, 30))
    assert gap["rate_overall"] == (1, 0)
    assert gap["board"][a] == (1, 0)
    assert gap["report_supervision"][str(a)] == (1, 0)
    assert gap["report_workforce"][str(a)] == 1
    assert _figures_on(w, timezone.localdate())["rate_overall"] == (2, 0)
    states = run(
        "SELECT starts_on, state FROM trainees_workerperiod WHERE trainee_id = :t "
        "ORDER BY starts_on",
        t=worker.pk,
    )
    assert [(as_date(d), s) for d, s in states] == [
        (dt.date(2019, 3, 1), "on_duty"),
        (dt.date(2023, 3, 1), "left"),
        (timezone.localdate(), "on_duty"),
    ]
    for day in (dt.date(2023, 2, 28), dt.date(2024, 6, 30), timezone.localdate()):
        m = _independent(w, day)
        assert not m.lines, m.report()


def test_a_dated_leave_counts_the_worker_on_duty_before_it(w):
    """Leave had no dates: a date before a leave must count the worker 在岗, and 在册 during it."""
    worker = new_worker(w, 0, joined=dt.date(2020, 5, 1), place="A1")
    AssignmentFactory(supervisor=w.supervisor, trainee=worker, started_on=dt.date(2021, 1, 1))
    history_change(
        trainee=worker,
        actor=w.district,
        kind=ChangeKind.LEAVE,
        effective_on=dt.date(2026, 9, 1),
        reason="产假",
        leave_kind="maternity",
    )
    a = w.a.pk
    before = _figures_on(w, dt.date(2026, 8, 31))
    during = _figures_on(w, dt.date(2026, 9, 1))
    # The board divides by 在岗: on duty the day before the leave, not on its first day.
    assert before["board"][a] == (1, 1)
    assert during["board"][a] == (0, 0)
    # The rate divides by 在册: on the books on both days.
    assert before["rate_overall"] == during["rate_overall"] == (1, 0)
    assert during["report_supervision"][str(a)] == (1, 1)
    for day in (dt.date(2026, 8, 31), dt.date(2026, 9, 1)):
        m = _independent(w, day)
        assert not m.lines, m.report()
        board = Mismatches(w)
        check_board(w, day, w.admin_a, board)
        assert not board.lines, board.report()


def test_a_pairing_ending_on_the_date_covers_it(w):
    """End dates are last days: 136 workers showed uncovered on the day their pairing ended."""
    ended = new_worker(w, 0, joined=dt.date(2020, 5, 1), place="A1")
    moved = new_worker(w, 1, joined=dt.date(2020, 5, 1), place="A2")
    other = SupervisorFactory(name="吴督导", home_subdistrict=w.a, capacity=10)
    pairing = assignment_create(
        supervisor=w.supervisor,
        trainee=ended,
        mode="mentor",
        actor=w.district,
        started_on=dt.date(2025, 3, 1),
    )
    assignment_end(
        assignment=pairing, actor=w.district, ended_on=dt.date(2025, 9, 30), reason="期满"
    )
    assignment_create(
        supervisor=w.supervisor,
        trainee=moved,
        mode="mentor",
        actor=w.district,
        started_on=dt.date(2025, 3, 1),
    )
    # A reassignment ends the old pairing the day before the new one starts.
    assignment_reassign(
        trainee=moved,
        supervisor=other,
        mode="drill",
        actor=w.district,
        reason="调整",
        on=dt.date(2025, 10, 1),
    )
    assert Assignment.objects.get(trainee=moved, supervisor=w.supervisor).ended_on == dt.date(
        2025, 9, 30
    )
    a = w.a.pk
    last_day = _figures_on(w, dt.date(2025, 9, 30))
    assert last_day["board"][a] == (2, 2)
    assert last_day["report_supervision"][str(a)] == (2, 2)  # the September report
    next_day = _figures_on(w, dt.date(2025, 10, 1))
    assert next_day["board"][a] == (2, 1)
    board = coverage_board(user=w.district, on=dt.date(2025, 10, 1))
    row = next(r for r in board["rows"] if r.pk == a)
    assert (row.mentor, row.drill, row.serving) == (0, 1, 1)
    for day in (dt.date(2025, 9, 30), dt.date(2025, 10, 1)):
        m = _independent(w, day)
        assert not m.lines, m.report()


def test_a_certificate_counts_from_its_date_not_the_exam_day(w):
    """Certificates counted from the exam day, months before they existed (issue #12)."""
    worker = new_worker(w, 0, joined=dt.date(2020, 5, 1), place="A1")
    add_certificate(w, worker, CertificatePlan("assistant", 2024, None, None, None, ()))
    cert = Certificate.objects.get(trainee=worker)
    assert cert.date_passed == dt.date(2024, 6, 15) < cert.date_issued
    pending = _figures_on(w, dt.date(2024, 6, 30))
    assert pending["rate_overall"] == (1, 0)
    assert pending["report_certification"][str(w.a.pk)] == (1, 0)
    held = _figures_on(w, cert.date_issued)
    assert held["rate_overall"] == (1, 1)
    assert held["report_certification"][str(w.a.pk)] == (1, 1)
    for day in (dt.date(2024, 6, 30), cert.date_issued - DAY, cert.date_issued):
        m = _independent(w, day)
        assert not m.lines, m.report()
