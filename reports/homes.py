"""Each role's home page: the figures come from the apps that own them, so it lives here,
above them all (supervision for supervisors and workers, the roster's figures for offices)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from accounts.models import Notification
from core.charts import chart_legend, line_chart_svg
from sessions.selectors import supervisor_home, worker_home

from .selectors import home_figures


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
