"""Read-only admin screens of the grade ledger: bands, rules, years and proposals change only
through their services (the ledger pages), which check who may and audit."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import GradeBand, GradeProposal, GradeRule, GradeYear


@admin.register(GradeBand)
class GradeBandAdmin(ReadOnlyAdmin):
    list_display = ["post", "group", "lowest", "highest"]


@admin.register(GradeRule)
class GradeRuleAdmin(ReadOnlyAdmin):
    list_display = ["kind", "key", "grades", "blocks", "active", "note", "updated_by"]
    list_filter = ["kind", "active"]


@admin.register(GradeYear)
class GradeYearAdmin(ReadOnlyAdmin):
    list_display = ["year", "effective_on", "document_no", "status", "applied_at", "applied_by"]


@admin.register(GradeProposal)
class GradeProposalAdmin(ReadOnlyAdmin):
    list_display = [
        "ledger",
        "trainee",
        "subdistrict",
        "post",
        "from_level",
        "proposed_level",
        "final_level",
    ]
    list_filter = ["ledger", "subdistrict"]
    list_select_related = ["ledger", "trainee", "subdistrict"]
    raw_id_fields = ["trainee"]
