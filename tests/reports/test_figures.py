"""Every figure of one period's report equals an independent computation over model rows.

The expected values are computed here in plain Python from `objects.all()`, following the
rules written in each figures module's docstring, not by calling the figures code: a worker
counts where the period of their history covering the figure's date places them.
"""

import datetime as dt
from collections import defaultdict

import pytest

from certification.models import Certificate, Level, RateTarget, Registration, SubjectResult
from neighbourhoods.models import Neighbourhood, Subdistrict
from reports.figures import report_figures
from reports.periods import Period
from sessions.models import (
    CadencePolicy,
    Competency,
    DrillScore,
    SessionAttendee,
    SupervisionSession,
)
from supervisors.models import Assignment
from trainees.models import Trainee, WorkerPeriod
from training.models import Attendance

PERIOD = Period("year", 2025, 1)


def pct(n, d):
    return round(100 * n / d, 1) if d else None


ON_BOOKS = ("on_duty", "leave", "seconded")


class History:
    """Every worker's periods, read once: where they belonged and whether 在册 on a day."""

    def __init__(self):
        self.periods = defaultdict(list)
        for p in WorkerPeriod.objects.select_related("grade", "neighbourhood"):
            self.periods[p.trainee_id].append(p)

    def on(self, t, day):
        """The period covering the day (None before the worker first joined)."""
        for p in self.periods[t.pk]:
            if p.starts_on <= day and (p.ends_on is None or day <= p.ends_on):
                return p
        return None

    def active(self, t, day) -> bool:
        p = self.on(t, day)
        return p is not None and p.state in ON_BOOKS

    def unit(self, t, district: bool, day) -> str:
        p = self.on(t, day)
        if district:
            return str(p.subdistrict_id)
        return "office" if p.neighbourhood_id is None else str(p.neighbourhood_id)

    def in_scope(self, t, sub_id, day) -> bool:
        p = self.on(t, day)
        return p is not None and (sub_id is None or p.subdistrict_id == sub_id)


def in_force(a, day):
    # End dates are last days (DOMAIN.md): a pairing covers the day it ends.
    return a.started_on <= day and (a.ended_on is None or a.ended_on >= day)


def units(sub_id):
    if sub_id is None:
        return [str(s.pk) for s in Subdistrict.objects.order_by("code")]
    return [
        *[str(n.pk) for n in Neighbourhood.objects.filter(subdistrict_id=sub_id).order_by("name")],
        "office",
    ]


def expected(period: Period, sub_id):
    day, district, h = period.end, sub_id is None, History()
    on_duty = [t for t in Trainee.objects.all() if h.in_scope(t, sub_id, day) and h.active(t, day)]
    by_id = {t.pk: t for t in Trainee.objects.all()}
    out = {k: defaultdict(lambda: defaultdict(float)) for k in ("wf", "sup", "trn", "cert")}

    # Workforce.
    certs = list(Certificate.objects.select_related("level"))
    for t in on_duty:
        row = out["wf"][h.unit(t, district, day)]
        row["total"] += 1
        row[f"sex_{t.gender}"] += 1
        age = t.age_on(day)
        band = (
            "age_30"
            if age <= 30
            else "age_35"
            if age <= 35
            else "age_45"
            if age <= 45
            else "age_46"
        )
        row[band] += 1
        row[f"pol_{t.political_status}"] += 1
        row[f"edu_{t.education}"] += 1
        placed = h.on(t, day)
        row[f"post_{placed.post}"] += 1
        row[f"grade_{placed.grade.level if placed.grade else 0}"] += 1
        held = [c for c in certs if c.trainee_id == t.pk and c.date_issued <= day]
        best = max(held, key=lambda c: c.level.rank, default=None)
        row[f"cert_{best.level.code if best else 'none'}"] += 1

    # Supervision: coverage and ratio at the end.
    pairings = list(Assignment.objects.all())
    serving_by_unit, serving_all = defaultdict(set), set()
    for t in on_duty:
        row = out["sup"][h.unit(t, district, day)]
        row["workers"] += 1
        mine = [a for a in pairings if a.trainee_id == t.pk and in_force(a, day)]
        if mine:
            row["covered"] += 1
            row[mine[0].mode] += 1
        for a in mine:
            serving_by_unit[h.unit(t, district, day)].add(a.supervisor_id)
            serving_all.add(a.supervisor_id)
    # Sessions and hours: submitted logs in the period attended by someone of the row on the
    # log's date.
    attendees = defaultdict(list)
    for sa in SessionAttendee.objects.all():
        attendees[sa.session_id].append(by_id[sa.trainee_id])
    all_sessions = set()
    for s in SupervisionSession.objects.all():
        if s.status == "draft" or not period.start <= s.date <= period.end:
            continue
        rows = {
            h.unit(t, district, s.date) for t in attendees[s.pk] if h.in_scope(t, sub_id, s.date)
        }
        for u in rows:
            out["sup"][u]["sessions"] += 1
            out["sup"][u]["minutes"] += s.duration_minutes
            out["sup"][u]["mentor_sessions"] += s.mode == "mentor"
        if rows:
            all_sessions.add(s)
    # Cadence: pairings in force for the whole month, where the worker was at its end.
    policy = CadencePolicy()
    sessions = list(SupervisionSession.objects.exclude(status="draft"))
    cadence_all = [0, 0]
    for month in period.month_starts():
        end = (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        for a in pairings:
            t = by_id[a.trainee_id]
            if not h.in_scope(t, sub_id, end) or a.started_on > month:
                continue
            if a.ended_on is not None and a.ended_on < end:
                continue
            n = sum(
                1
                for s in sessions
                if s.supervisor_id == a.supervisor_id
                and month <= s.date <= end
                and t in attendees[s.pk]
            )
            required = (
                policy.drill_min_per_month if a.mode == "drill" else policy.mentor_min_per_month
            )
            out["sup"][h.unit(t, district, end)]["pairs"] += 1
            out["sup"][h.unit(t, district, end)]["met"] += n >= required
            cadence_all[0] += 1
            cadence_all[1] += n >= required

    # Training.
    marks = list(Attendance.objects.select_related("sitting"))
    for t in on_duty:
        hours = sum(
            float(m.credited_hours)
            for m in marks
            if m.trainee_id == t.pk
            and period.start <= m.sitting.date <= period.end
            and m.credited_hours > 0
        )
        row = out["trn"][h.unit(t, district, day)]
        row["workers"] += 1
        row["trained"] += hours > 0
        row["hours"] += hours
    for m in marks:
        t = by_id[m.trainee_id]
        on = m.sitting.date
        if h.in_scope(t, sub_id, on) and period.start <= on <= period.end:
            row = out["trn"][h.unit(t, district, on)]
            row["marked"] += 1
            row["attended"] += m.status in ("present", "late", "left_early")

    # Certification.
    regs = list(Registration.objects.all())
    for t in on_duty:
        row = out["cert"][h.unit(t, district, day)]
        row["workers"] += 1
        row["certified"] += any(c.trainee_id == t.pk and c.date_issued <= day for c in certs)
        row["registered"] += any(
            r.trainee_id == t.pk and r.starts_on <= day <= r.ends_on for r in regs
        )
    return out, serving_by_unit, serving_all, all_sessions, cadence_all, on_duty, h


@pytest.mark.parametrize("scope", ["district", "a"])
def test_every_figure_equals_an_independent_computation(report_world, scope):
    w = report_world
    sub_id = None if scope == "district" else w.a.pk
    f = report_figures(period=PERIOD, subdistrict_id=sub_id)
    exp, serving_by_unit, serving_all, all_sessions, cadence_all, on_duty, h = expected(
        PERIOD, sub_id
    )
    keys = units(sub_id)
    assert [r["key"] for r in f["workforce"]["rows"]] == keys

    # Workforce, row by row and the total row (合计).
    columns = ["total", *[c[0] for g in f["workforce"]["groups"] for c in g["columns"]]]
    columns += [c[0] for c in f["workforce"]["grade_columns"]]
    for row in f["workforce"]["rows"]:
        for col in columns:
            assert row[col] == exp["wf"][row["key"]][col], (row["name"], col)
    for col in columns:
        assert f["workforce"]["total"][col] == sum(exp["wf"][k][col] for k in keys), col
    assert f["workforce"]["total"]["total"] == len(on_duty)
    assert sum(r["total"] for r in f["workforce"]["committees"]) == len(on_duty)

    # Supervision.
    for row in f["supervision"]["rows"]:
        e = exp["sup"][row["key"]]
        serving = len(serving_by_unit[row["key"]])
        assert row["workers"] == e["workers"]
        assert row["covered"] == e["covered"]
        assert row["coverage_pct"] == pct(e["covered"], e["workers"])
        assert (row["mentor"], row["drill"]) == (e["mentor"], e["drill"])
        assert row["serving"] == serving
        assert row["ratio"] == (round(e["covered"] / serving, 1) if serving else None)
        assert row["sessions"] == e["sessions"]
        assert row["hours"] == round(e["minutes"] / 60, 1)
        assert row["mentor_sessions"] == e["mentor_sessions"]
        assert row["cadence_pairs"] == e["pairs"] and row["cadence_met"] == e["met"]
    total = f["supervision"]["total"]
    assert total["serving"] == len(serving_all)
    assert total["sessions"] == len(all_sessions)
    assert total["hours"] == round(sum(s.duration_minutes for s in all_sessions) / 60, 1)
    assert [total["cadence_pairs"], total["cadence_met"]] == cadence_all
    assert total["cadence_pct"] == pct(cadence_all[1], cadence_all[0])

    # Growth: first vs last quarter of the year, drill scores of the scope's trainees.
    scores = [
        s
        for s in DrillScore.objects.select_related("session", "trainee")
        if s.session.status != "draft" and h.in_scope(s.trainee, sub_id, s.session.date)
    ]
    for g in f["supervision"]["growth"]["rows"]:
        first = [
            s.score
            for s in scores
            if s.competency == g["code"]
            and dt.date(2025, 1, 1) <= s.session.date <= dt.date(2025, 3, 31)
        ]
        last = [
            s.score
            for s in scores
            if s.competency == g["code"]
            and dt.date(2025, 10, 1) <= s.session.date <= dt.date(2025, 12, 31)
        ]
        assert g["first"] == (round(sum(first) / len(first), 2) if first else None)
        assert g["last"] == (round(sum(last) / len(last), 2) if last else None)
    assert {g["code"] for g in f["supervision"]["growth"]["rows"]} == set(Competency.values)

    # Training.
    for row in f["training"]["rows"]:
        e = exp["trn"][row["key"]]
        assert row["workers"] == e["workers"] and row["trained"] == e["trained"]
        assert row["coverage_pct"] == pct(e["trained"], e["workers"])
        assert row["hours"] == round(e["hours"], 1)
        assert row["marked"] == e["marked"] and row["attended"] == e["attended"]
        assert row["attendance_pct"] == pct(e["attended"], e["marked"])

    # Certification: the rates by row, housing type and post, the target and gap.
    for row in f["certification"]["rows"]:
        e = exp["cert"][row["key"]]
        assert row["certified_pct"] == pct(e["certified"], e["workers"])
        assert row["registered_pct"] == pct(e["registered"], e["workers"])
    day = PERIOD.end
    certified_ids = {c.trainee_id for c in Certificate.objects.filter(date_issued__lte=day)}
    for r in f["certification"]["by_housing"]:
        people = [
            t
            for t in on_duty
            if (h.on(t, day).neighbourhood.housing_type if h.on(t, day).neighbourhood else "")
            == r["key"]
        ]
        assert r["workers"] == len(people)
        assert r["certified"] == sum(t.pk in certified_ids for t in people)
    for r in f["certification"]["by_post"]:
        people = [t for t in on_duty if h.on(t, day).post == r["key"]]
        assert r["certified"] == sum(t.pk in certified_ids for t in people)
    certified = sum(t.pk in certified_ids for t in on_duty)
    target = RateTarget.objects.get(year=2025)
    assert f["headline"]["certified_pct"] == pct(certified, len(on_duty))
    assert f["headline"]["gap"] == round(float(target.target_pct) - pct(certified, len(on_duty)), 1)

    # Exam results of the 2025 exam, and certificates obtained in the year.
    results = [
        r
        for r in SubjectResult.objects.select_related(
            "attempt__trainee", "attempt__exam_year", "subject"
        )
        if h.in_scope(r.attempt.trainee, sub_id, r.attempt.exam_year.exam_date)
    ]
    by_subject = {s["subject"]: s for s in f["certification"]["exams"]["subjects"]}
    assert set(by_subject) == {r.subject.name for r in results}
    for name, s in by_subject.items():
        mine = [r for r in results if r.subject.name == name]
        assert s["sat"] == len(mine) and s["passed"] == sum(r.passed for r in mine)
    obtained = [
        c
        for c in Certificate.objects.select_related("trainee")
        if PERIOD.start <= c.date_issued <= PERIOD.end
        and h.in_scope(c.trainee, sub_id, c.date_issued)
    ]
    assert sum(c["n"] for c in f["certification"]["exams"]["certificates"]) == len(obtained)

    # Registrations: due within the level's notice days after the day, none later.
    for r in f["certification"]["registrations"]["rows"]:
        level = Level.objects.get(name=r["level"])
        due = [
            g
            for g in Registration.objects.select_related("certificate", "trainee")
            if g.certificate.level_id == level.pk
            and h.in_scope(g.trainee, sub_id, day)
            and h.active(g.trainee, day)
            and g.starts_on <= day
            and day <= g.ends_on <= day + dt.timedelta(days=level.renewal_notice_days)
            and not Registration.objects.filter(
                certificate=g.certificate, starts_on__gt=g.starts_on
            ).exists()
        ]
        assert r["due"] == len(due)

    # The comparison table repeats the sections' figures; the headline their totals.
    for c, s, t in zip(
        f["comparison"], f["supervision"]["rows"], f["training"]["rows"], strict=True
    ):
        assert c["coverage_pct"] == s["coverage_pct"]
        assert c["training_coverage_pct"] == t["coverage_pct"]
    assert f["headline"]["coverage_pct"] == pct(
        sum(exp["sup"][k]["covered"] for k in keys), len(on_duty)
    )

    # Trend: month ends of the year; at the year's end it equals the headline.
    assert len(f["trend"]) == 12
    assert f["trend"][-1]["coverage_pct"] == f["headline"]["coverage_pct"]
    assert f["trend"][-1]["certified_pct"] == f["headline"]["certified_pct"]
    june = dt.date(2025, 6, 30)
    june_duty = [
        t for t in Trainee.objects.all() if h.in_scope(t, sub_id, june) and h.active(t, june)
    ]
    june_cov = [
        t
        for t in june_duty
        if any(a.trainee_id == t.pk and in_force(a, june) for a in Assignment.objects.all())
    ]
    assert f["trend"][5]["coverage_pct"] == pct(len(june_cov), len(june_duty))


def test_findings_name_large_changes(report_world):
    f = report_figures(period=PERIOD)
    # 2024 had one pairing-month logged and no pairings at its end: coverage rose.
    assert any("督导覆盖率上升" in line for line in f["findings"])
    assert any("距年度目标40%" in line or "已达到年度目标40%" in line for line in f["findings"])
