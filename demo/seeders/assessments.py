"""Demo yearly assessments (年度考核, issue 14 item 1): the last three whole years before
`ctx.today`, each opened, entered and locked through the services, as the offices would.

Unlike the other seeders this one writes through trainees.assessments.services: there are
only a few thousand results per year per unit of scale, entered a subdistrict (and a chunk)
at a time, so the services' checks (who is on the books, whose office, the 优秀 quota) cost
little and the rows are valid by their own rules rather than by construction.

Who is in a round, and where, is the selectors' answer (`round_placements`, from the dated
histories). Per worker, from `ctx.rng("assessments")` in year and worker key order:

- on duty (在岗 or seconded) fewer than MIN_DAYS_ON_DUTY days of the year — joined late, left
  early, or on long leave — 不确定等次, with a note saying why (the office's usual call);
- otherwise 合格, with EXCELLENT_SHARE of the graded workers 优秀 (never more than the
  subdistrict's quota), a few 基本合格 and a rare 不合格.

Years after the real clock's year are skipped: `round_open` refuses a year that has not
begun, and a `--today` in the future must not make the whole seed fail.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from demo.context import SeedContext
from trainees.assessments.models import AssessmentResult
from trainees.assessments.rules import excellent_allowed
from trainees.assessments.selectors import round_placements
from trainees.assessments.services import Entry, results_set, round_lock, round_open
from trainees.models import EmploymentState, WorkerPeriod

YEARS_BACK = 3  # the rounds of the three whole years before today
ROUND_SHARE = 15  # 优秀 at most 15% of a subdistrict's workers (the round's default)
EXCELLENT_SHARE = (0.10, 0.14)  # drawn per subdistrict and year, of the graded workers
SHARE_BASIC = 0.03
SHARE_INCOMPETENT = 0.004
MIN_DAYS_ON_DUTY = 183  # fewer days at work in the year: not graded (不确定等次)
# results_set validates and audits a chunk in a few queries; chunks keep the IN lists short at
# scale 50 (about 10,000 workers per subdistrict).
CHUNK = 2000
NOTE_JOINED = "年内入职，在岗不满半年"
NOTE_LEFT = "年内离职，在岗不满半年"
NOTE_LEAVE = "长期休假，在岗不满半年"
AT_WORK = (EmploymentState.ON_DUTY, EmploymentState.SECONDED)


def seed_assessments(ctx: SeedContext) -> dict[str, int]:
    """Open, enter and lock the rounds of the years before today; returns results per year."""
    rng = ctx.rng("assessments")
    district = ctx.users["district"]
    offices = {u.subdistrict_id: u for u in ctx.users.values() if u.is_subdistrict_admin}
    last_year = min(ctx.today.year - 1, timezone.localdate().year)
    counts: dict[str, int] = {}
    for year in range(ctx.today.year - YEARS_BACK, last_year + 1):
        round_ = round_open(year=year, excellent_share=ROUND_SHARE, actor=district)
        entered = 0
        for subdistrict_id, entries in _year_entries(rng, year).items():
            # The subdistrict's own office enters its results where the demo has a login for
            # it; the district enters the others' (it may enter anyone's).
            actor: User = offices.get(subdistrict_id, district)
            for start in range(0, len(entries), CHUNK):
                results_set(round_=round_, entries=entries[start : start + CHUNK], actor=actor)
            entered += len(entries)
        round_lock(round_=round_, actor=district)
        counts[str(year)] = entered
    ctx.say(
        _("年度考核 %(rounds)d 个年度（已锁定），考核结果 %(results)d 条。")
        % {"rounds": len(counts), "results": sum(counts.values())}
    )
    return counts


def _year_entries(rng: random.Random, year: int) -> dict[int, list[Entry]]:
    """Every worker of the year's round, by the subdistrict that assesses them."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    placed = dict(
        round_placements(year).order_by("trainee_id").values_list("trainee_id", "subdistrict_id")
    )
    at_work: dict[int, int] = defaultdict(int)  # days on duty or seconded in the year
    joined: dict[int, dt.date] = {}  # first day on the books in the year
    left: dict[int, dt.date] = {}  # last day on the books in the year
    periods = WorkerPeriod.objects.filter(
        Q(starts_on__lte=last) & (Q(ends_on__isnull=True) | Q(ends_on__gte=first))
    ).values_list("trainee_id", "starts_on", "ends_on", "state")
    for trainee_id, starts_on, ends_on, state in periods.iterator(chunk_size=CHUNK):
        if state in (EmploymentState.LEFT, EmploymentState.RETIRED):
            continue
        start, end = max(starts_on, first), min(ends_on or last, last)
        joined[trainee_id] = min(joined.get(trainee_id, start), start)
        left[trainee_id] = max(left.get(trainee_id, end), end)
        if state in AT_WORK:
            at_work[trainee_id] += (end - start).days + 1

    by_place: dict[int, list[int]] = defaultdict(list)
    for trainee_id, subdistrict_id in placed.items():
        by_place[subdistrict_id].append(trainee_id)
    entries: dict[int, list[Entry]] = {}
    for subdistrict_id in sorted(by_place):
        workers = by_place[subdistrict_id]
        results: dict[int, tuple[str, str]] = {}
        graded = []
        for trainee_id in workers:
            if at_work[trainee_id] >= MIN_DAYS_ON_DUTY:
                graded.append(trainee_id)
                continue
            if joined[trainee_id] > first + dt.timedelta(days=MIN_DAYS_ON_DUTY - 1):
                note = NOTE_JOINED
            elif left[trainee_id] < last - dt.timedelta(days=MIN_DAYS_ON_DUTY - 1):
                note = NOTE_LEFT
            else:
                note = NOTE_LEAVE
            results[trainee_id] = (AssessmentResult.UNDETERMINED, note)
        # 优秀 against the quota of all the subdistrict's workers in the round, as the
        # service counts it.
        wanted = round(len(graded) * rng.uniform(*EXCELLENT_SHARE))
        excellent = set(
            rng.sample(graded, min(wanted, excellent_allowed(ROUND_SHARE, len(workers))))
        )
        for trainee_id in graded:
            draw = rng.random()
            if trainee_id in excellent:
                result = AssessmentResult.EXCELLENT
            elif draw < SHARE_INCOMPETENT:
                result = AssessmentResult.INCOMPETENT
            elif draw < SHARE_INCOMPETENT + SHARE_BASIC:
                result = AssessmentResult.BASIC
            else:
                result = AssessmentResult.COMPETENT
            results[trainee_id] = (result, "")
        entries[subdistrict_id] = [
            Entry(trainee_id=tid, result=str(result), note=note)
            for tid, (result, note) in sorted(results.items())
        ]
    return entries
