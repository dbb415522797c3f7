from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _


def navigation(request: HttpRequest) -> dict:
    """The menu for the signed-in user's role. What each role may open is decided in the views."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [(_("首页"), reverse("home"))]
    if user.sees_whole_district or user.is_subdistrict_admin:
        items += [
            (_("社区工作者"), reverse("trainees:list")),
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
    if user.is_district_admin or user.is_subdistrict_admin:
        items += [(_("导入导出"), reverse("imports:index"))]
    items += [(_("通知"), reverse("accounts:notifications"))]
    if user.is_district_admin:
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
