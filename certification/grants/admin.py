"""Read-only admin screens of the grants: the scheme and the payments change only through
their services (the grant page), which check who may and audit."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import GrantPayment, GrantRule


@admin.register(GrantRule)
class GrantRuleAdmin(ReadOnlyAdmin):
    list_display = ["level", "amount", "needs_assessment", "valid_from", "note", "updated_by"]
    list_filter = ["level", "needs_assessment"]


@admin.register(GrantPayment)
class GrantPaymentAdmin(ReadOnlyAdmin):
    list_display = ["certificate", "year", "amount", "paid_on", "reference", "recorded_by"]
    list_filter = ["year"]
    list_select_related = ["certificate__level", "recorded_by"]
    search_fields = ["reference", "certificate__number"]
