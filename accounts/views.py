from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from reports.charts import chart_legend, line_chart_svg
from reports.selectors import home_figures
from sessions.selectors import supervisor_home, worker_home

from .models import Notification
from .notifications import notifications_mark_read


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password-change-done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"
    title = _("密码已修改")


def _unread(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def home(request: HttpRequest) -> HttpResponse:
    """Each role lands on what it works with."""
    user = request.user
    if user.is_supervisor:
        supervisor = getattr(user, "supervisor", None)
        if supervisor is not None:
            return render(
                request,
                "home_supervisor.html",
                {
                    "supervisor": supervisor,
                    "unread": _unread(user),
                    **supervisor_home(supervisor=supervisor),
                },
            )
    if user.is_worker:
        trainee = getattr(user, "trainee", None)
        if trainee is not None:
            data = worker_home(trainee=trainee, user=user)
            months = data["progress_months"]
            series = data["progress_series"]
            chart = (
                line_chart_svg(
                    series,
                    x_labels=[f"{m:%y.%-m}" for m in months],
                    y_min=1,
                    y_max=5,
                    y_ticks=[1, 2, 3, 4, 5],
                    title=_("我的六项能力训练评分（月平均）"),
                    width=400,
                    height=220,
                )
                if months
                else ""
            )
            return render(
                request,
                "home_worker.html",
                {
                    "trainee": trainee,
                    **data,
                    "chart": chart,
                    "legend": chart_legend(series),
                    "unread": _unread(user),
                },
            )
    return render(request, "home.html", {"figures": home_figures(user=user)})


def notification_list(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first; POST marks them all read."""
    if request.method == "POST":
        notifications_mark_read(user=request.user)
        return redirect("accounts:notifications")
    items = Notification.objects.filter(user=request.user).order_by("-created_at", "-pk")[:100]
    return render(request, "accounts/notifications.html", {"items": items})
