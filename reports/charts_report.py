"""The report's charts from a figures dict: the same SVG on the dashboards and in the PDF."""

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.charts import bar_chart_svg, chart_legend, line_chart_svg


def trend_series(figures: dict) -> list[tuple[str, list[float | None]]]:
    return [
        (_("督导覆盖率"), [p["coverage_pct"] for p in figures["trend"]]),
        (_("持证上岗率"), [p["certified_pct"] for p in figures["trend"]]),
        (_("培训覆盖率（当月）"), [p["training_coverage_pct"] for p in figures["trend"]]),
    ]


def staffing_chart(staffing: dict | None) -> SafeString | None:
    """Workers per 10,000 residents by unit against the norm (a dashboard kept before the
    staffing figures existed has none: no chart)."""
    if not staffing:
        return None
    norm = staffing["norm"]
    return bar_chart_svg(
        [(r["name"], r["per_10k"]) for r in staffing["rows"]],
        title=_("每万名常住人口配备社区工作者数"),
        target=norm,
        target_label=_("标准 %(n)s 名") % {"n": f"{norm:g}"} if norm is not None else "",
    )


def report_charts(figures: dict) -> dict[str, SafeString | list | None]:
    series = trend_series(figures)
    target = figures["certification"]["target"]
    comparison = figures["comparison"]
    return {
        "trend": line_chart_svg(
            series,
            x_labels=[p["label"] for p in figures["trend"]],
            y_min=0,
            y_max=100,
            y_ticks=[0, 25, 50, 75, 100],
            title=_("主要比率走势（%）"),
        ),
        "trend_legend": chart_legend(series),
        "coverage": bar_chart_svg(
            [(r["name"], r["coverage_pct"]) for r in comparison],
            title=_("督导覆盖率（%）"),
            x_max=100,
            unit="%",
        ),
        "training": bar_chart_svg(
            [(r["name"], r["training_coverage_pct"]) for r in comparison],
            title=_("培训覆盖率（%）"),
            x_max=100,
            unit="%",
        ),
        "certified": bar_chart_svg(
            [(r["name"], r["certified_pct"]) for r in comparison],
            title=_("持证上岗率（%）"),
            x_max=100,
            unit="%",
            target=target["target_pct"],
            target_label=_("目标 %(t)s%%") % {"t": target["target_pct"]}
            if target["target_pct"] is not None
            else "",
        ),
        "staffing": staffing_chart(figures.get("staffing")),
    }
