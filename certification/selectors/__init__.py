"""Reads of certification, one module per concept; import from here.

- `population`: who is active, holds a certificate or is registered on a date;
- `rate`: the certified-on-duty and registered rates, their breakdowns, trend and target gap;
- `registration`: registration status on a date, the renewal notice window, CE hours;
- `eligibility`: who may sit which exam (the EligibilityRule rows in SQL), the pipeline;
- `worker`: one worker's certificates, attempts, eligibility and CE period.

Scope: every list starts from `trainee_scope(user)`, so a subdistrict administrator sees only
their subdistrict, a supervisor their own trainees and a worker themself.
"""

from .eligibility import (
    eligibility_answers,
    eligible_q,
    entry_levels,
    next_exam_year,
    pipeline_list,
    rule_rows,
    worker_facts,
)
from .population import active_on_q, held_on, levels_by_rank, registered_on
from .rate import (
    BREAKDOWNS,
    TREND_MONTHS,
    Gap,
    RateFilters,
    RateRow,
    check_filters_in_scope,
    month_ends,
    rate_by,
    rate_dashboard,
    rate_gap,
    rate_overall,
    rate_summary,
    rate_trend,
    rate_trend_live,
    shows_committees,
    subdistricts_for,
)
from .registration import (
    ce_hours_in_period,
    ce_list,
    ce_shortfall_list,
    certificate_scope,
    certified_list,
    registration_attention_list,
    registrations_due,
    renewal_notice_q,
    with_registration_status,
)
from .worker import CePeriod, worker_ce_period, worker_certification

__all__ = [
    "BREAKDOWNS",
    "TREND_MONTHS",
    "CePeriod",
    "Gap",
    "RateFilters",
    "RateRow",
    "active_on_q",
    "ce_hours_in_period",
    "ce_list",
    "ce_shortfall_list",
    "certificate_scope",
    "certified_list",
    "check_filters_in_scope",
    "eligibility_answers",
    "eligible_q",
    "entry_levels",
    "held_on",
    "levels_by_rank",
    "month_ends",
    "next_exam_year",
    "pipeline_list",
    "rate_by",
    "rate_dashboard",
    "rate_gap",
    "rate_overall",
    "rate_summary",
    "rate_trend",
    "rate_trend_live",
    "registered_on",
    "registration_attention_list",
    "registrations_due",
    "renewal_notice_q",
    "rule_rows",
    "shows_committees",
    "subdistricts_for",
    "with_registration_status",
    "worker_ce_period",
    "worker_certification",
    "worker_facts",
]
