"""The certified-on-duty rate dashboard: the rate and the registered rate on a date, broken
down five ways, with the monthly trend and the district's target."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.charts import bar_chart_svg, chart_legend, line_chart_svg

from .. import selectors
from ..forms import RateFilterForm

BREAKDOWN_TITLES = {
    "subdistrict": gettext_lazy("按街道（镇）"),
    "neighbourhood": gettext_lazy("按居委会"),
    "housing_type": gettext_lazy("按住房类型"),
    "post": gettext_lazy("按岗位"),
    "level": gettext_lazy("按证书等级（最高等级）"),
}


def dashboard(request: HttpRequest) -> HttpResponse:
    form = RateFilterForm(request.GET or None, user=request.user)
    on = form.valid_data().get("on") or timezone.localdate()
    filters = form.filters(request.GET.get("subdistrict"))
    board = selectors.rate_dashboard(user=request.user, on=on, filters=filters)
    overall, gap = board["overall"], board["gap"]
    trend = board["trend"]
    series = [
        (_("持证上岗率（%）"), [r.certified_pct for r in trend]),
        (_("有效登记率（%）"), [r.registered_pct for r in trend]),
    ]
    if board["target"] is not None:
        series.append((_("年度目标（%）"), [float(board["target"].target_pct)] * len(trend)))
    target_pct = float(board["target"].target_pct) if board["target"] else None
    charts = {
        "trend": line_chart_svg(
            series,
            x_labels=[r.label[2:].replace("-", ".") for r in trend],
            y_min=0,
            y_max=100,
            y_ticks=[0, 20, 40, 60, 80, 100],
            title=_("持证上岗率月度趋势"),
        ),
        "legend": chart_legend(series),
        "subdistricts": bar_chart_svg(
            [(r.label, r.certified_pct) for r in board["breakdowns"]["subdistrict"]],
            x_max=100,
            unit="%",
            target=target_pct,
            target_label=_("目标 %(pct)s%%") % {"pct": f"{target_pct:g}"} if target_pct else "",
            title=_("各街道（镇）持证上岗率"),
        ),
    }
    # A subdistrict's row opens the dashboard of that subdistrict (with its committees), keeping
    # the other filters.
    drill = request.GET.copy()
    drill.pop("subdistrict", None)
    return render(
        request,
        "certification/dashboard.html",
        {
            "drill_query": drill.urlencode(),
            "committees_hidden": board["breakdowns"]["neighbourhood"] is None,
            "form": form,
            "on": on,
            "overall": overall,
            "gap": gap,
            "target": board["target"],
            "breakdowns": [
                (key, BREAKDOWN_TITLES[key], rows) for key, rows in board["breakdowns"].items()
            ],
            "trend": trend,
            "charts": charts,
        },
    )
