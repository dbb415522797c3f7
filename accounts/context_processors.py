from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from .capabilities import (
    Capabilities,
    can_import,
    can_use_admin_site,
    sees_places,
)


def capabilities(request: HttpRequest) -> dict:
    """`caps` in every template: `{% if caps.can_manage_workers %}`, with no rule spelled in
    the template (accounts/capabilities.py decides)."""
    return {"caps": Capabilities(getattr(request, "user", None))}


def navigation(request: HttpRequest) -> dict:
    """The menu for the signed-in user: a role's menu, and the entries of what they may open
    (accounts/capabilities.py; the views decide the same way)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("首页"), reverse("home"))]
    if sees_places(user):
        items += [
            (_("社区工作者"), reverse("trainees:list")),
            (_("年度考核"), reverse("trainees:assessment-list")),
            (_("街道与居委会"), reverse("structure:subdistrict-list")),
            # Coverage, pairings and auto-assignment are reached from the supervisors page;
            # the overdue list and month close from the session list.
            (_("督导师"), reverse("supervisors:list")),
            (_("督导记录"), reverse("sessions:list")),
            (_("培训"), reverse("training:event-list")),
            (_("持证"), reverse("certification:dashboard")),
            (_("报表"), reverse("reports:dashboard")),
        ]
    elif user.is_supervisor:
        items += [
            (_("我的学员"), reverse("trainees:list")),
            (_("督导记录"), reverse("sessions:list")),
            (_("培训"), reverse("training:event-list")),
        ]
    elif user.is_worker and hasattr(user, "trainee"):
        items += [
            (_("我的档案"), reverse("trainees:detail", args=[user.trainee.pk])),
            (_("督导记录"), reverse("sessions:list")),
            (_("培训"), reverse("training:mine")),
        ]
    if can_import(user):
        items += [(_("导入导出"), reverse("imports:index"))]
    items += [(_("通知"), reverse("accounts:notifications"))]
    if can_use_admin_site(user):
        items += [(_("系统管理"), reverse("admin:index"))]
    # The deepest menu entry that contains the current page is the active one.
    current = request.path
    matches = [
        url for _label, url in items if current == url or (url != "/" and current.startswith(url))
    ]
    active = max(matches, key=len, default=None)
    return {
        "nav_items": [{"label": label, "url": url, "active": url == active} for label, url in items]
    }
