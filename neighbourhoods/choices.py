"""Committee drop-downs that stay small at city scale (issue 13)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.params import parse_id


def offer_committees_of_one_subdistrict(
    field: forms.ModelChoiceField, data, own_subdistrict: int | None
) -> None:
    """List the committees of one subdistrict — the one chosen in `data["subdistrict"]`, or the
    user's own — never the whole city's (9,250 options at 100,000 workers were most of a list
    page). The field's queryset is left as it is, so any committee in scope is still accepted
    (a link with only ?neighbourhood=), and a chosen one is offered and stays selected."""
    chosen = data.get("subdistrict") if data else None
    subdistrict = own_subdistrict or parse_id(chosen)
    selected = parse_id(data.get("neighbourhood") if data else None)
    if subdistrict:
        offered = field.queryset.filter(subdistrict_id=subdistrict)
    else:
        offered = field.queryset.none()
        field.help_text = _("先选择街道（镇），再选择居委会。")
    if selected:
        offered = offered | field.queryset.filter(pk=selected)
    field.widget.choices = [("", field.empty_label), *((n.pk, str(n)) for n in offered)]
