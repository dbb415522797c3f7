from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from .models import (
    Certificate,
    EligibilityRule,
    ExamAttempt,
    ExamYear,
    ExternalHours,
    Level,
    RateSnapshot,
    RateSnapshotRow,
    RateTarget,
    Registration,
    SeniorReview,
    Subject,
    SubjectResult,
)
from .services import (
    CERTIFICATE_FIELDS,
    certificate_award_if_passed,
    certificate_correct,
    external_hours_add,
    review_record,
)


class SubjectInline(admin.TabularInline):
    model = Subject
    extra = 0


class RuleInline(admin.TabularInline):
    model = EligibilityRule
    fk_name = "level"
    extra = 0


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "rank",
        "window_years",
        "needs_review",
        "ce_hours",
        "registration_years",
    )
    inlines = [SubjectInline, RuleInline]


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    list_display = ("name", "level", "pass_mark", "max_score", "order")
    list_filter = ("level",)


@admin.register(ExamYear)
class ExamYearAdmin(admin.ModelAdmin):
    list_display = (
        "year",
        "exam_date",
        "results_released_on",
        "registration_opens",
        "registration_closes",
        "note",
    )


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(admin.ModelAdmin):
    list_display = (
        "level",
        "min_education",
        "social_work_only",
        "required_level",
        "years",
        "years_since_certificate",
        "note",
    )
    list_filter = ("level",)


@admin.register(RateTarget)
class RateTargetAdmin(admin.ModelAdmin):
    list_display = ("year", "target_pct", "basis")


class ResultInline(ReadOnlyInline):
    model = SubjectResult


@admin.action(description=_("按现行规则判定是否取得证书"))
def decide_pass(modeladmin, request, queryset):
    created = 0
    for attempt in queryset.select_related("trainee", "level"):
        before = attempt.trainee.certificates.filter(level=attempt.level).exists()
        awarded = certificate_award_if_passed(
            trainee=attempt.trainee, level=attempt.level, actor=request.user
        )
        if awarded and not before:
            created += 1
    messages.success(request, _("新发证书 %(n)d 张。") % {"n": created})


@admin.register(ExamAttempt)
class ExamAttemptAdmin(ReadOnlyAdmin):
    """Scores are recorded on the worker's page (录入考试成绩) or by the exam results import,
    through attempt_record, which decides the pass by each subject's pass mark. The action
    decides passes again by the rules in force (certificate_award_if_passed)."""

    list_display = ("trainee", "exam_year", "level")
    list_filter = ("exam_year", "level")
    search_fields = ("trainee__name",)
    list_select_related = ("trainee", "exam_year", "level")
    inlines = [ResultInline]
    actions = [decide_pass]


@admin.register(SeniorReview)
class SeniorReviewAdmin(ServiceAdmin):
    """Reviews are entered here only, through review_record, which awards the senior
    certificate when the exam and the review are both passed. A decided review is history."""

    list_display = ("trainee", "level", "decided_on", "passed")
    raw_id_fields = ("trainee",)
    fields = ("trainee", "level", "decided_on", "passed")

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def service_save(self, request, obj: SeniorReview | None, data: dict[str, Any]) -> SeniorReview:
        return review_record(
            trainee=data["trainee"],
            level=data["level"],
            decided_on=data["decided_on"],
            passed=data["passed"],
            actor=request.user,
        )


class RegistrationInline(ReadOnlyInline):
    """Registered on the worker's page (办理首次登记 / 办理再登记) through
    registration_first and registration_renew, which check the deadlines and the
    continuing-education hours."""

    model = Registration
    fields = ("kind", "starts_on", "ends_on", "ce_hours", "recorded_by", "created_at")
    readonly_fields = fields


@admin.register(Certificate)
class CertificateAdmin(ServiceAdmin):
    """Awarded from exam results by the services (never added by hand); here the number and
    dates are entered as the paper certificate has them, through certificate_correct."""

    list_display = ("trainee", "level", "number", "date_passed", "date_issued")
    list_filter = ("level",)
    search_fields = ("trainee__name", "number")
    list_select_related = ("trainee", "level")
    fields = CERTIFICATE_FIELDS
    readonly_fields = ("trainee", "level")
    inlines = [RegistrationInline]

    def has_add_permission(self, request) -> bool:
        return False

    def service_save(self, request, obj: Certificate | None, data: dict[str, Any]) -> Certificate:
        assert obj is not None  # no add permission
        return certificate_correct(
            certificate=obj,
            actor=request.user,
            number=data["number"],
            date_passed=data["date_passed"],
            date_issued=data["date_issued"],
        )


@admin.register(ExternalHours)
class ExternalHoursAdmin(ServiceAdmin):
    """Recorded through external_hours_add, as on the worker's page (记录外部继续教育学时):
    evidence required, the recorder kept. Hours already counted for a registration are not
    edited."""

    list_display = ("trainee", "date", "hours", "provider", "evidence")
    search_fields = ("trainee__name", "provider")
    raw_id_fields = ("trainee",)
    fields = ("trainee", "date", "hours", "provider", "evidence", "recorded_by")
    readonly_fields = ("recorded_by",)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def service_save(
        self, request, obj: ExternalHours | None, data: dict[str, Any]
    ) -> ExternalHours:
        return external_hours_add(
            trainee=data["trainee"],
            date=data["date"],
            hours=data["hours"],
            provider=data["provider"],
            evidence=data["evidence"],
            actor=request.user,
        )


@admin.register(RateSnapshot)
class RateSnapshotAdmin(ReadOnlyAdmin):
    """The month ends whose rate figures are kept (certification.snapshots): counted on the
    dashboard's first view, dropped by every write that changes them. Never edited."""

    list_display = ("day", "complete", "periods_upto", "computed_at")
    list_filter = ("complete",)
    date_hierarchy = "day"


@admin.register(RateSnapshotRow)
class RateSnapshotRowAdmin(ReadOnlyAdmin):
    """A kept month end's counts by subdistrict, housing type and post. Never edited."""

    list_display = (
        "day",
        "subdistrict",
        "housing_type",
        "post",
        "active",
        "certified",
        "registered",
    )
    list_filter = ("subdistrict", "housing_type", "post")
    list_select_related = ("subdistrict",)
    date_hierarchy = "day"


# The grants' screens (certification/grants/admin.py), registered with this app's.
from .grades import admin as _grades_admin  # noqa: E402, F401
from .grants import admin as _grants_admin  # noqa: E402, F401
