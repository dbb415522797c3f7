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
            (_("街道与居委会"), reverse("neighbourhoods:subdistrict-list")),
            (_("督导覆盖"), reverse("supervisors:coverage")),
            (_("督导师"), reverse("supervisors:list")),
            (_("督导记录"), reverse("sessions:list")),
            (_("督导逾期"), reverse("sessions:overdue")),
        ]
    elif user.is_supervisor:
        items += [
            (_("我的学员"), reverse("trainees:list")),
            (_("督导记录"), reverse("sessions:list")),
        ]
    elif user.is_worker and hasattr(user, "trainee"):
        items += [
            (_("我的档案"), reverse("trainees:detail", args=[user.trainee.pk])),
            (_("督导记录"), reverse("sessions:list")),
        ]
    items += [(_("通知"), reverse("accounts:notifications"))]
    if user.is_district_admin:
        items += [(_("系统管理"), reverse("admin:index"))]
    current = request.path
    return {
        "nav_items": [
            {
                "label": label,
                "url": url,
                "active": url != "/" and current.startswith(url) or current == url,
            }
            for label, url in items
        ]
    }
