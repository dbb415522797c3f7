"""Demo certification history: the recorded exams up to today, certificates, registrations, CE.

What it draws, per worker (in pk order, from `ctx.rng("certification")`, so it is
deterministic and independent of the other steps):

- About a third of the workers on the roster at the start of 2019 already hold a certificate
  from the exams of 2008–2018 (Shanghai's share was 17.8% city-wide in 2020; Changning's
  community workers are ahead of it), and some later joiners arrive with one.
- Every exam of certification's ExamYear rows from 2019 that was held before `ctx.today`
  (real exam years only: a today past the last recorded exam simply has no later sittings),
  workers on the books on the exam day (在册, from their dated histories) who meet an
  eligibility rule (the seeded rules, `certification.rules`) may sit: the uncertified often, assistant holders now and
  then for intermediate. Each has an ability; subject scores scatter around it; a subject
  passes at its pass mark. Intermediate candidates resit only the subjects still missing in
  the rolling two-year window. The same pass rule as the service decides the certificate.
- Certificates are registered within a year of passing (most of them), renewed on time when
  the continuing-education hours are there (external CE records with evidence are drawn to
  match), and otherwise lapse; some lapsed holders re-register later; a worker who leaves
  during a registration period does not renew it.

Rows are bulk-inserted a few thousand at a time as the workers are walked in pk order (the
services check one sitting at a time); the tests check that the results agree with the
services' rules.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.utils.translation import gettext as _

from certification.models import (
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
from certification.rules import (
    WorkerFacts,
    add_months,
    eligibility_for_level,
    registration_end,
    window_pass_year,
)
from certification.selectors import rule_rows
from certification.services import certificate_number
from demo.context import SeedContext
from demo.rows import BATCH_SIZE, RowWriter
from demo.seeders.careers import Spells, off_books_between, on_books, spells_by_worker
from trainees.models import Trainee

FIRST_YEAR = 2019  # the district's experimental zone; earlier certificates are "prior"
HISTORY_START = dt.date(FIRST_YEAR, 1, 1)
SHARE_CERTIFIED_BEFORE = 0.35  # of the workers on the roster on 1 January 2019
SHARE_ARRIVE_CERTIFIED = 0.4  # of later joiners
# The district's push since the 2019 experimental zone: more uncertified workers sit each
# year, from 40% in 2019 by 7 points a year up to 80% (2025 and later).
SIT_UNCERTIFIED_FIRST, SIT_UNCERTIFIED_STEP, SIT_UNCERTIFIED_MAX = 0.4, 0.07, 0.8
SIT_INTERMEDIATE = 0.16  # assistant holders trying for intermediate
RESIT_IN_WINDOW = 0.85
REGISTER_FIRST = 0.88
RENEW_ON_TIME = 0.82
REREGISTER_AFTER_LAPSE = 0.35
# The district's targets for the certified rate; every later year up to today keeps the last.
TARGETS = ((2024, Decimal("50")), (2025, Decimal("55")), (2026, Decimal("60")))
CE_PROVIDERS = (
    ("上海市社会工作者协会继续教育", "继续教育学时证明"),
    ("长宁区社区工作者学院专题班", "结业证书"),
    ("华东理工大学社会工作继续教育", "学时证明（盖章）"),
    ("上海开放大学社会工作课程", "课程成绩单"),
)


class _Generator:
    def __init__(self, ctx: SeedContext, *, external_hours: bool) -> None:
        self.ctx = ctx
        self.rng: random.Random = ctx.rng("certification")
        self.today: dt.date = ctx.today
        self.external_hours = external_hours
        self.levels = {lv.code: lv for lv in Level.objects.order_by("rank")}
        self.level_names = {lv.pk: lv.name for lv in self.levels.values()}
        self.subjects: dict[str, list[Subject]] = defaultdict(list)
        for s in Subject.objects.select_related("level").order_by("order"):
            self.subjects[s.level.code].append(s)
        # Only exams that were held before today: nothing in the demo is dated on or after it.
        self.exams = list(
            ExamYear.objects.filter(year__gte=FIRST_YEAR, exam_date__lt=ctx.today).order_by("year")
        )
        self.rules = rule_rows()
        # Rows waiting for the next batch write, as tuples in the order of their writer's
        # fields (keys handed out by the writers, so children need not wait for parents).
        self.attempt_rows = RowWriter(ExamAttempt, ("trainee", "exam_year", "level"), ids=True)
        self.result_rows = RowWriter(SubjectResult, ("attempt", "subject", "score", "passed"))
        self.review_rows = RowWriter(SeniorReview, ("trainee", "level", "decided_on", "passed"))
        self.certificate_rows = RowWriter(
            Certificate,
            ("trainee", "level", "number", "date_passed", "date_issued"),
            ids=True,
        )
        self.registration_rows = RowWriter(
            Registration, ("certificate", "trainee", "kind", "starts_on", "ends_on")
        )
        self.hours_rows = RowWriter(
            ExternalHours, ("trainee", "date", "hours", "provider", "evidence")
        )
        self.attempts: list[tuple] = []
        self.results: list[tuple] = []
        self.reviews: list[tuple] = []
        self.certificates: list[tuple] = []
        self.registrations: list[tuple] = []
        self.hours: list[tuple] = []

    # --- certificates before the recorded exams ---

    def _prior(self, t: Trainee, spells: Spells) -> dict[str, dt.date]:
        rng = self.rng
        held: dict[str, dt.date] = {}
        joined = spells[0][0] if spells else t.joined  # first joined, before any return
        on_roster_2019 = joined <= HISTORY_START
        share = SHARE_CERTIFIED_BEFORE if on_roster_2019 else SHARE_ARRIVE_CERTIFIED
        if rng.random() >= share:
            return held
        latest = min(joined if not on_roster_2019 else HISTORY_START, dt.date(2018, 12, 31))
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

    # --- the recorded exams ---

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

    def _exams(self, t: Trainee, spells: Spells, held: dict[str, dt.date]) -> None:
        rng = self.rng
        ability = rng.gauss(0, 1) + (0.4 if t.major_is_social_work else 0)
        passed: dict[str, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))
        for exam in self.exams:
            year = exam.year
            if not on_books(spells, exam.exam_date):  # 在册 on the exam day
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
                chance = min(
                    SIT_UNCERTIFIED_FIRST + SIT_UNCERTIFIED_STEP * (year - FIRST_YEAR),
                    SIT_UNCERTIFIED_MAX,
                )
            elif target == "senior":
                chance = 0.04
            else:
                chance = SIT_INTERMEDIATE
            if rng.random() >= chance:
                continue
            hardness = {"assistant": -3.0, "intermediate": 3.0, "senior": 8.0}[target]
            attempt_id = self.attempt_rows.new_id()
            self.attempts.append((attempt_id, t.pk, exam.pk, self.levels[target].pk))
            for subject in self.subjects[target]:
                if subject.pk in in_window:
                    continue  # passed last year, still in the window: not sat again
                score = self._score(ability, hardness)
                ok = score >= subject.pass_mark
                self.results.append((attempt_id, subject.pk, score, ok))
                if ok:
                    passed[target][subject.pk].add(year)
            done = window_pass_year(passed[target], [s.pk for s in self.subjects[target]], window)
            if done is None:
                continue
            if target == "senior":
                # The review board sits the March after the exam; one not yet held is not
                # recorded (nothing in the demo is dated on or after today).
                review_on = dt.date(year + 1, 3, rng.randint(1, 28))
                if rng.random() < 0.7 and review_on < self.today:
                    self.reviews.append((t.pk, self.levels["senior"].pk, review_on, True))
                    held["senior"] = review_on
            else:
                held[target] = exam.exam_date
            ability += 0.2  # what was learnt for one level helps with the next

    # --- registration and continuing education ---

    def _ce_records(self, t: Trainee, start: dt.date, end: dt.date, hours: float) -> None:
        if not self.external_hours or hours <= 0:
            return
        rng = self.rng
        end = min(end, self.today - dt.timedelta(days=1))
        span = (end - start).days
        if span <= 0:
            return
        parts = rng.randint(2, 5)
        # Whole hours, at least one: a record of 0 hours is refused (external_hours_range), and
        # a short running period asks for less than an hour per record.
        each = max(Decimal(str(round(hours / parts + 0.49))), Decimal(1))
        for _i in range(parts):
            provider, evidence = rng.choice(CE_PROVIDERS)
            self.hours.append(
                (
                    t.pk,
                    start + dt.timedelta(days=rng.randint(0, span)),
                    min(each, Decimal("200")),
                    provider,
                    f"{evidence} {rng.randint(10000, 99999)}",
                )
            )

    def _registrations(
        self, t: Trainee, spells: Spells, certificate_id: int, level: Level, passed: dt.date
    ) -> None:
        rng = self.rng
        if rng.random() >= REGISTER_FIRST:
            return
        deadline = add_months(passed, level.first_registration_months)
        start = passed + dt.timedelta(days=rng.randint(45, max(46, (deadline - passed).days - 5)))
        kind = Registration.Kind.FIRST
        while start < self.today:
            end = registration_end(start, level.registration_years)
            self.registrations.append((certificate_id, t.pk, kind, start, end))
            kind = Registration.Kind.RENEWAL
            required = float(level.ce_hours)
            if end >= self.today:
                # The running period: hours so far roughly in proportion, some well behind.
                done = (self.today - start).days / max((end - start).days, 1)
                self._ce_records(t, start, end, required * done * rng.uniform(0.3, 1.3))
                return
            if off_books_between(spells, start, end):  # left during the period: no renewal
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
        workers = (
            Trainee.objects.filter(
                subdistrict_id__in=[s.pk for s in self.ctx.subdistricts.values()]
            )
            .only("education", "major_is_social_work", "started_community_work", "joined")
            .order_by("pk")
        )
        # Both in worker key order: each worker's spells on the books come with them.
        histories = spells_by_worker()
        history = next(histories, None)
        for t in workers.iterator(chunk_size=BATCH_SIZE):
            while history is not None and history[0] < t.pk:
                history = next(histories, None)
            spells = history[1] if history is not None and history[0] == t.pk else []
            held = self._prior(t, spells)
            self._exams(t, spells, held)
            for code, passed in sorted(held.items(), key=lambda kv: kv[1]):
                level = self.levels[code]
                certificate_id = self.certificate_rows.new_id()
                self.certificates.append(
                    (
                        certificate_id,
                        t.pk,
                        level.pk,
                        certificate_number(trainee=t, level=level, date_passed=passed),
                        passed,
                        # Issued two to five months after the exam, or still being issued.
                        min(
                            passed + dt.timedelta(days=self.rng.randint(60, 150)),
                            self.today - dt.timedelta(days=1),
                        ),
                    )
                )
                self._registrations(t, spells, certificate_id, level, passed)
            if len(self.results) + len(self.hours) >= BATCH_SIZE:
                self._flush()
        self._flush()
        for writer in (self.attempt_rows, self.certificate_rows):
            writer.finish()
        last_year, last_pct = TARGETS[-1]
        targets = [*TARGETS, *((y, last_pct) for y in range(last_year + 1, self.today.year + 1))]
        for year, pct in targets:
            RateTarget.objects.get_or_create(
                year=year, defaults={"target_pct": pct, "basis": RateBasis.CERTIFIED}
            )
        return {
            "attempts": self.attempt_rows.count,
            "certificates": self.certificate_rows.count,
            "registrations": self.registration_rows.count,
            "external_hours": self.hours_rows.count,
        }

    def _flush(self) -> None:
        """Write the waiting rows, parents before the rows that point at them, and forget them."""
        self.attempt_rows.write(self.attempts)
        self.result_rows.write(self.results)
        self.review_rows.write(self.reviews)
        self.certificate_rows.write(self.certificates)
        self.registration_rows.write(self.registrations)
        self.hours_rows.write(self.hours)
        self.attempts, self.results, self.reviews = [], [], []
        self.certificates, self.registrations, self.hours = [], [], []


def seed_certification(ctx: SeedContext, *, external_hours: bool = True) -> dict[str, int]:
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
