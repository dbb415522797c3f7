"""Demo certification history for seed_demo: exams 2019–2025, certificates, registrations, CE.

What it draws, per worker (in pk order, from `ctx.rng("certification")`, so it is
deterministic and independent of the other steps):

- About a third of the workers on the roster at the start of 2019 already hold a certificate
  from the exams of 2008–2018 (Shanghai's share was 17.8% city-wide in 2020; Changning's
  community workers are ahead of it), and some later joiners arrive with one.
- Every exam year 2019–2025, workers on the roster who meet an eligibility rule (the seeded
  rules, `certification.rules`) may sit: the uncertified often, assistant holders now and
  then for intermediate. Each has an ability; subject scores scatter around it; a subject
  passes at its pass mark. Intermediate candidates resit only the subjects still missing in
  the rolling two-year window. The same pass rule as the service decides the certificate.
- Certificates are registered within a year of passing (most of them), renewed on time when
  the continuing-education hours are there (external CE records with evidence are drawn to
  match), and otherwise lapse; some lapsed holders re-register later.

Rows are bulk-inserted (the services check one sitting at a time); the tests check that the
results agree with the services' rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from trainees.models import Trainee

from .models import (
    Certificate,
    ExamAttempt,
    ExamYear,
    ExternalHours,
    Level,
    RateBasis,
    RateTarget,
    Registration,
    SeniorReview,
    Subject,
    SubjectResult,
)
from .rules import (
    WorkerFacts,
    add_months,
    eligibility_for_level,
    registration_end,
    window_pass_year,
)
from .selectors import rule_rows
from .services import certificate_number

FIRST_YEAR, LAST_YEAR = 2019, 2025
HISTORY_START = dt.date(2019, 1, 1)
BATCH = 2000
SHARE_CERTIFIED_BEFORE = 0.35  # of the workers on the roster on 1 January 2019
SHARE_ARRIVE_CERTIFIED = 0.4  # of later joiners
# The district's push since the 2019 experimental zone: more uncertified workers sit each year.
SIT_UNCERTIFIED = (0.4, 0.47, 0.54, 0.61, 0.68, 0.75, 0.8)  # 2019 .. 2025
SIT_INTERMEDIATE = 0.16  # assistant holders trying for intermediate
RESIT_IN_WINDOW = 0.85
REGISTER_FIRST = 0.88
RENEW_ON_TIME = 0.82
REREGISTER_AFTER_LAPSE = 0.35
TARGETS = ((2024, Decimal("50")), (2025, Decimal("55")), (2026, Decimal("60")))
CE_PROVIDERS = (
    ("上海市社会工作者协会继续教育", "继续教育学时证明"),
    ("长宁区社区工作者学院专题班", "结业证书"),
    ("华东理工大学社会工作继续教育", "学时证明（盖章）"),
    ("上海开放大学社会工作课程", "课程成绩单"),
)


def _employed(t: Trainee, day: dt.date) -> bool:
    return t.joined <= day and (t.left_on is None or t.left_on > day)


class _Generator:
    def __init__(self, ctx: Any, *, external_hours: bool) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("certification")
        self.today: dt.date = _demo_today()
        self.external_hours = external_hours
        self.levels = {lv.code: lv for lv in Level.objects.order_by("rank")}
        self.level_names = {lv.pk: lv.name for lv in self.levels.values()}
        self.subjects: dict[str, list[Subject]] = defaultdict(list)
        for s in Subject.objects.select_related("level").order_by("order"):
            self.subjects[s.level.code].append(s)
        self.exams = {e.year: e for e in ExamYear.objects.filter(year__gte=FIRST_YEAR)}
        self.rules = rule_rows()
        self.certificates: list[Certificate] = []
        self.attempts: list[tuple[ExamAttempt, list[SubjectResult]]] = []
        self.reviews: list[SeniorReview] = []
        self.registrations: list[tuple[int, Registration]] = []  # index into certificates
        self.hours: list[ExternalHours] = []

    # --- certificates before the recorded exams ---

    def _prior(self, t: Trainee) -> dict[str, dt.date]:
        rng = self.rng
        held: dict[str, dt.date] = {}
        on_roster_2019 = t.joined <= HISTORY_START
        share = SHARE_CERTIFIED_BEFORE if on_roster_2019 else SHARE_ARRIVE_CERTIFIED
        if rng.random() >= share:
            return held
        latest = min(t.joined if not on_roster_2019 else HISTORY_START, dt.date(2018, 12, 31))
        earliest_year = max(2008, t.started_community_work.year - (0 if on_roster_2019 else 3))
        if earliest_year > latest.year:
            return held
        year = rng.randint(earliest_year, latest.year)
        passed = min(dt.date(year, 6, rng.randint(10, 24)), latest)
        if rng.random() < 0.27 and t.education != "high_school":
            held["intermediate"] = passed
            if rng.random() < 0.45 and year > 2008:
                held["assistant"] = passed.replace(year=rng.randint(2008, year - 1))
        else:
            held["assistant"] = passed
        return held

    # --- the exams 2019–2025 ---

    def _score(self, ability: float, hardness: float) -> Decimal:
        raw = 60 + 9 * ability - hardness + self.rng.gauss(0, 8)
        return Decimal(str(round(min(max(raw, 18.0), 96.0), 1)))

    def _facts(self, t: Trainee, held: dict[str, dt.date]) -> WorkerFacts:
        return WorkerFacts(
            education=t.education,
            major_is_social_work=t.major_is_social_work,
            started_community_work=t.started_community_work,
            certificates={self.levels[c].pk: d for c, d in held.items()},
        )

    def _exams(self, t: Trainee, held: dict[str, dt.date]) -> None:
        rng = self.rng
        ability = rng.gauss(0, 1) + (0.4 if t.major_is_social_work else 0)
        passed: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        for year in range(FIRST_YEAR, LAST_YEAR + 1):
            exam = self.exams.get(year)
            if exam is None or not _employed(t, exam.exam_date):
                continue
            facts = self._facts(t, held)
            target = None
            for code in ("senior", "intermediate", "assistant"):
                if code in held:
                    break
                level = self.levels[code]
                answer = eligibility_for_level(
                    level_id=level.pk,
                    level_name=level.name,
                    rules=self.rules,
                    facts=facts,
                    exam_year=year,
                    level_names=self.level_names,
                    explain=False,
                )
                if answer.eligible:
                    target = code
                    break
            if target is None:
                continue
            window = self.levels[target].window_years
            in_window = {
                s for s, ys in passed[target].items() if any(year - window < y for y in ys)
            }
            if in_window:
                chance = RESIT_IN_WINDOW
            elif not held:
                chance = SIT_UNCERTIFIED[year - FIRST_YEAR]
            elif target == "senior":
                chance = 0.04
            else:
                chance = SIT_INTERMEDIATE
            if rng.random() >= chance:
                continue
            hardness = {"assistant": -3.0, "intermediate": 3.0, "senior": 8.0}[target]
            attempt = ExamAttempt(trainee_id=t.pk, exam_year_id=exam.pk, level=self.levels[target])
            results = []
            for subject in self.subjects[target]:
                if subject.pk in in_window:
                    continue  # passed last year, still in the window: not sat again
                score = self._score(ability, hardness)
                ok = score >= subject.pass_mark
                results.append(SubjectResult(subject=subject, score=score, passed=ok))
                if ok:
                    passed[target][subject.pk].add(year)
            self.attempts.append((attempt, results))
            done = window_pass_year(passed[target], [s.pk for s in self.subjects[target]], window)
            if done is None:
                continue
            if target == "senior":
                if rng.random() < 0.7:
                    review_on = dt.date(year + 1, 3, rng.randint(1, 28))
                    self.reviews.append(
                        SeniorReview(
                            trainee_id=t.pk,
                            level=self.levels["senior"],
                            decided_on=review_on,
                            passed=True,
                        )
                    )
                    if review_on <= self.today:
                        held["senior"] = review_on
            else:
                held[target] = exam.exam_date
            ability += 0.2  # what was learnt for one level helps with the next

    # --- registration and continuing education ---

    def _ce_records(self, t: Trainee, start: dt.date, end: dt.date, hours: float) -> None:
        if not self.external_hours or hours <= 0:
            return
        rng = self.rng
        end = min(end, self.today)
        span = (end - start).days
        if span <= 0:
            return
        parts = rng.randint(2, 5)
        each = Decimal(str(round(hours / parts + 0.49)))
        for _i in range(parts):
            provider, evidence = rng.choice(CE_PROVIDERS)
            self.hours.append(
                ExternalHours(
                    trainee_id=t.pk,
                    date=start + dt.timedelta(days=rng.randint(0, span)),
                    hours=min(each, Decimal("200")),
                    provider=provider,
                    evidence=f"{evidence} {rng.randint(10000, 99999)}",
                )
            )

    def _registrations(self, t: Trainee, index: int, cert: Certificate) -> None:
        rng = self.rng
        level = cert.level
        if rng.random() >= REGISTER_FIRST:
            return
        deadline = add_months(cert.date_passed, level.first_registration_months)
        start = cert.date_passed + dt.timedelta(
            days=rng.randint(45, max(46, (deadline - cert.date_passed).days - 5))
        )
        kind = Registration.Kind.FIRST
        while start <= self.today:
            end = registration_end(start, level.registration_years)
            self.registrations.append(
                (
                    index,
                    Registration(trainee_id=t.pk, kind=kind, starts_on=start, ends_on=end),
                )
            )
            kind = Registration.Kind.RENEWAL
            required = float(level.ce_hours)
            if end >= self.today:
                # The running period: hours so far roughly in proportion, some well behind.
                done = (self.today - start).days / max((end - start).days, 1)
                self._ce_records(t, start, end, required * done * rng.uniform(0.3, 1.3))
                return
            if t.left_on is not None and t.left_on <= end:
                return
            if rng.random() < RENEW_ON_TIME:
                self._ce_records(t, start, end, required + rng.randint(0, 24))
                start = end + dt.timedelta(days=1)
            elif rng.random() < REREGISTER_AFTER_LAPSE:
                self._ce_records(t, start, end, required + rng.randint(0, 12))
                start = end + dt.timedelta(days=rng.randint(60, 540))
            else:
                self._ce_records(t, start, end, required * rng.uniform(0.2, 0.8))
                return

    def run(self) -> dict[str, int]:
        workers = Trainee.objects.filter(
            subdistrict_id__in=[s.pk for s in self.ctx.subdistricts.values()]
        ).order_by("pk")
        for t in workers.iterator(chunk_size=BATCH):
            held = self._prior(t)
            self._exams(t, held)
            for code, passed in sorted(held.items(), key=lambda kv: kv[1]):
                level = self.levels[code]
                cert = Certificate(
                    trainee_id=t.pk,
                    level=level,
                    number=certificate_number(trainee=t, level=level, date_passed=passed),
                    date_passed=passed,
                    date_issued=passed + dt.timedelta(days=self.rng.randint(60, 150)),
                )
                self.certificates.append(cert)
                self._registrations(t, len(self.certificates) - 1, cert)
        return self._write()

    def _write(self) -> dict[str, int]:
        ExamAttempt.objects.bulk_create([a for a, _r in self.attempts], batch_size=BATCH)
        results = []
        for attempt, rows in self.attempts:
            for row in rows:
                row.attempt_id = attempt.pk
                results.append(row)
        SubjectResult.objects.bulk_create(results, batch_size=BATCH)
        SeniorReview.objects.bulk_create(self.reviews, batch_size=BATCH)
        Certificate.objects.bulk_create(self.certificates, batch_size=BATCH)
        regs = []
        for index, reg in self.registrations:
            reg.certificate_id = self.certificates[index].pk
            regs.append(reg)
        Registration.objects.bulk_create(regs, batch_size=BATCH)
        ExternalHours.objects.bulk_create(self.hours, batch_size=BATCH)
        for year, pct in TARGETS:
            RateTarget.objects.get_or_create(
                year=year, defaults={"target_pct": pct, "basis": RateBasis.CERTIFIED}
            )
        return {
            "attempts": len(self.attempts),
            "certificates": len(self.certificates),
            "registrations": len(regs),
            "external_hours": len(self.hours),
        }


def _demo_today() -> dt.date:
    from neighbourhoods.demo import DEMO_TODAY

    return DEMO_TODAY


def seed_certification(ctx: Any, *, external_hours: bool = True) -> dict[str, int]:
    """Add the exam history, certificates, registrations and CE records of the demo workers."""
    counts = _Generator(ctx, external_hours=external_hours).run()
    ctx.say(
        _(
            "考试记录 %(attempts)d 条，证书 %(certificates)d 张，登记 %(registrations)d 条，"
            "外部继续教育记录 %(external_hours)d 条。"
        )
        % counts
    )
    return counts
