from django import template

from reports.figures.common import fmt

register = template.Library()


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def figure(value, unit: str = "") -> str:
    """A figure as printed: "—" when there is none, else the number and its unit."""
    if value is None or value == "":
        return "—"
    return f"{fmt(value)}{unit}"


@register.filter
def signed(value, unit: str = "") -> str:
    """A change with its sign: +2.5, −1 (a real minus sign), 0, or "—"."""
    if value is None:
        return "—"
    shown = fmt(abs(float(value)))
    if value > 0:
        return f"+{shown}{unit}"
    if value < 0:
        return f"−{shown}{unit}"
    return f"0{unit}"
