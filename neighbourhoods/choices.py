"""Committee filters that stay small at city scale (issue 13)."""

from django import forms
from django.urls import reverse_lazy

from core.widgets import SearchSelect


def committee_search_widget() -> SearchSelect:
    """A committee filter that searches (neighbourhoods.views.committee_options), narrowed to
    the subdistrict chosen in the same form's `subdistrict` field."""
    return SearchSelect(reverse_lazy("neighbourhoods:options"), params=("subdistrict",))


def offer_committees_of_one_subdistrict(
    field: forms.ModelChoiceField, data=None, own_subdistrict: int | None = None
) -> None:
    """Let `field` search committees instead of listing them: a subdistrict's 1,050 at
    100,000 workers (the whole city's 9,250 before that) were most of a list page. The
    field's queryset is left as it is, so any committee in scope is still accepted (a link
    with only ?neighbourhood=) and shown selected; the search applies the same scope.

    `data` and `own_subdistrict` are no longer needed (the search reads the form's chosen
    subdistrict, and the user's scope, itself); they stay for the callers that pass them."""
    widget = committee_search_widget()
    widget.attrs.update(field.widget.attrs)
    widget.is_required = field.widget.is_required
    widget.choices = field.choices
    field.widget = widget
