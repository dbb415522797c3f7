from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
from axes.models import AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdmin

from .models import Notification, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """Logins are managed here and nowhere else; the forms run the model's validation (a
    subdistrict administrator needs a subdistrict) and Django's password rules."""

    list_display = ("username", "display_name", "role", "subdistrict", "is_active", "last_login")
    list_filter = ("role", "subdistrict", "is_active", "is_staff")
    search_fields = ("username", "display_name", "email")
    list_select_related = ("subdistrict",)
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ("role", "subdistrict", "display_name")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ("role", "subdistrict", "display_name")}),
    )


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Sent by the reminders and the services (accounts/notifications.py); read by their
    recipients, who mark them read on their own page."""

    list_display = ("title", "user", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)


# Sign-in history (django-axes) is evidence like the audit trail: shown, never edited or
# deleted. Locked sign-ins (AccessAttempt) keep axes' admin, where deleting one releases it.
for _model, _admin in ((AccessLog, AccessLogAdmin), (AccessFailureLog, AccessFailureLogAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
        admin.site.register(_model, type(_admin.__name__, (ReadOnlyAdmin, _admin), {}))
