from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from audit.admin_mixins import AuditedAdmin

from .models import (
    Certificate,
    EligibilityRule,
    ExamAttempt,
    ExamYear,
    ExternalHours,
    Level,
    RateTarget,
    Registration,
    SeniorReview,
    Subject,
    SubjectResult,
)
from .services import CERTIFICATE_FIELDS, certificate_award_if_passed


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
    list_display = ("year", "exam_date", "registration_opens", "registration_closes", "note")


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


class ResultInline(admin.TabularInline):
    model = SubjectResult
    extra = 0


@admin.action(description=_("按现行规则判定是否取得证书"))
def decide_pass(modeladmin, request, queryset):
    created = 0
    for attempt in queryset.select_related("trainee", "level"):
        before = attempt.trainee.certificates.filter(level=attempt.level).exists()
        if certificate_award_if_passed(trainee=attempt.trainee, level=attempt.level) and not before:
            created += 1
    messages.success(request, _("新发证书 %(n)d 张。") % {"n": created})


@admin.register(ExamAttempt)
class ExamAttemptAdmin(admin.ModelAdmin):
    list_display = ("trainee", "exam_year", "level")
    list_filter = ("exam_year", "level")
    search_fields = ("trainee__name",)
    raw_id_fields = ("trainee",)
    list_select_related = ("trainee", "exam_year", "level")
    inlines = [ResultInline]
    actions = [decide_pass]


@admin.register(SeniorReview)
class SeniorReviewAdmin(admin.ModelAdmin):
    list_display = ("trainee", "level", "decided_on", "passed")
    raw_id_fields = ("trainee",)


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ("trainee", "recorded_by")


@admin.register(Certificate)
class CertificateAdmin(AuditedAdmin):
    audit_fields = CERTIFICATE_FIELDS
    list_display = ("trainee", "level", "number", "date_passed", "date_issued")
    list_filter = ("level",)
    search_fields = ("trainee__name", "number")
    raw_id_fields = ("trainee",)
    list_select_related = ("trainee", "level")
    inlines = [RegistrationInline]


@admin.register(ExternalHours)
class ExternalHoursAdmin(admin.ModelAdmin):
    list_display = ("trainee", "date", "hours", "provider", "evidence")
    search_fields = ("trainee__name", "provider")
    raw_id_fields = ("trainee", "recorded_by")
