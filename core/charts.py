"""Small server-side SVG charts: no JavaScript, no CDN, readable without colour alone."""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Six distinguishable colours with ≥ 3:1 contrast on white (WCAG 1.4.11, graphics).
PALETTE = ("#1a56a6", "#b42318", "#0a6b3b", "#7a4300", "#6941c6", "#0e7490")
MARKERS = ("circle", "square", "diamond", "triangle", "circle", "square")


def _marker(kind: str, x: float, y: float, colour: str) -> str:
    if kind == "square":
        return f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" fill="{colour}"/>'
    if kind == "diamond":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y:.1f}L{x:.1f} {y + 4.5:.1f}'
            f'L{x - 4.5:.1f} {y:.1f}Z" fill="{colour}"/>'
        )
    if kind == "triangle":
        return (
            f'<path d="M{x:.1f} {y - 4.5:.1f}L{x + 4.5:.1f} {y + 3.5:.1f}'
            f'L{x - 4.5:.1f} {y + 3.5:.1f}Z" fill="{colour}"/>'
        )
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{colour}"/>'


def line_chart_svg(
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    x_labels: Sequence[str],
    y_min: float = 0,
    y_max: float | None = None,
    y_ticks: Sequence[float] | None = None,
    title: str = "",
    width: int = 640,
    height: int = 280,
) -> SafeString:
    """A line chart as inline SVG markup, safe to put in a template.

    `series` is a list of (label, values), one value per x label; None leaves a gap. The chart
    scales with its container (viewBox), carries a <title> for screen readers, and marks each
    series with its own marker shape, so it is readable in grey.
    """
    left, right, top, bottom = 34, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _label, vs in series for v in vs if v is not None]
    if y_max is None:
        y_max = max(values, default=1) or 1
    span = (y_max - y_min) or 1
    n = len(x_labels)

    def x_at(i: int) -> float:
        return left + (plot_w * (i / (n - 1)) if n > 1 else plot_w / 2)

    def y_at(v: float) -> float:
        return top + plot_h * (1 - (v - y_min) / span)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    ticks = y_ticks if y_ticks is not None else [y_min, y_min + span / 2, y_max]
    for t in ticks:
        y = y_at(t)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
            f'stroke="#d5dbe3" stroke-width="1"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#52606d">{escape(f"{t:g}")}</text>'
        )
    step = max(1, -(-n // 8))  # at most ~8 labels, so they fit at 375 px
    for i, label in enumerate(x_labels):
        if i % step == 0 or i == n - 1:
            parts.append(
                f'<text x="{x_at(i):.1f}" y="{height - 10}" text-anchor="middle" font-size="11" '
                f'fill="#52606d">{escape(label)}</text>'
            )
    for k, (label, vs) in enumerate(series):
        colour = PALETTE[k % len(PALETTE)]
        path, pen_down = [], False
        for i, v in enumerate(vs):
            if v is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x_at(i):.1f} {y_at(v):.1f}")
            pen_down = True
        parts.append(f"<g><title>{escape(label)}</title>")
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{colour}" stroke-width="2" '
                f'stroke-linejoin="round"/>'
            )
        for i, v in enumerate(vs):
            if v is not None:
                parts.append(_marker(MARKERS[k % len(MARKERS)], x_at(i), y_at(v), colour))
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped


def chart_legend(series: Sequence[tuple[str, Sequence[float | None]]]) -> list[dict]:
    """Labels with their colours, for a legend list beside the chart."""
    return [
        {"label": label, "colour": PALETTE[k % len(PALETTE)]}
        for k, (label, _values) in enumerate(series)
    ]


def bar_chart_svg(
    bars: Sequence[tuple[str, float | None]],
    *,
    title: str = "",
    x_max: float | None = None,
    unit: str = "",
    target: float | None = None,
    target_label: str = "",
    width: int = 640,
    bar_height: int = 18,
) -> SafeString:
    """A horizontal bar chart as inline SVG: one labelled bar per row, its value printed.

    Rows without a value show "—". A `target` draws a dashed line across the bars, labelled,
    so the gap to it reads without colour. The same markup serves the pages and the PDF.
    """
    label_w, value_w, top, gap = 150, 56, 10, 6
    plot_w = width - label_w - value_w
    values = [v for _label, v in bars if v is not None]
    if x_max is None:
        x_max = max([*values, target or 0], default=1) or 1
    height = top * 2 + len(bars) * (bar_height + gap) + (16 if target is not None else 0)
    parts = [
        f'<svg class="chart chart--bars" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for i, (label, value) in enumerate(bars):
        y = top + i * (bar_height + gap)
        mid = y + bar_height / 2 + 4
        parts.append(
            f'<text x="{label_w - 8}" y="{mid:.1f}" text-anchor="end" font-size="12" '
            f'fill="#1f2933">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{plot_w}" height="{bar_height}" fill="#eceff3"/>'
        )
        if value is not None:
            w = max(1.0, plot_w * min(value, x_max) / x_max)
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" '
                f'fill="{PALETTE[0]}"><title>{escape(f"{label} {value:g}{unit}")}</title></rect>'
            )
        shown = "—" if value is None else f"{value:g}{unit}"
        parts.append(
            f'<text x="{label_w + plot_w + 6}" y="{mid:.1f}" font-size="12" '
            f'fill="#1f2933">{escape(shown)}</text>'
        )
    if target is not None:
        x = label_w + plot_w * min(target, x_max) / x_max
        bottom = top + len(bars) * (bar_height + gap)
        parts.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{bottom:.1f}" '
            f'stroke="{PALETTE[1]}" stroke-width="2" stroke-dasharray="5 3"/>'
            f'<text x="{x:.1f}" y="{bottom + 12:.1f}" text-anchor="middle" font-size="11" '
            f'fill="{PALETTE[1]}">{escape(target_label or f"{target:g}{unit}")}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # every text above is escaped
