"""What every Dudao admin screen shares, including the guards that keep junk input from
becoming a 500: out-of-range numbers in list filters, junk in autocomplete fields, NaN in
JSON, a posted row count in the billions, dates at the calendar's ends. `accounts.admin_site.DudaoAdminSite.register`
gives the guards (`guarded`) to every registered admin and its inlines, Django's and
third-party ones included.
"""

import json
import math
from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.db import models

from core.dates import PlausibleDate

from .params import beyond_64_bits, parse_id

# No inline of ours holds more rows in one save: a level's subjects, a certificate's
# registrations, an event's sittings (an all-staff training has about 20), a log's attendees.
# Without a cap, a posted TOTAL_FORMS of 99999999999999999999 made Django build 2,000 forms.
INLINE_MAX_ROWS = 100


class GuardedChangeList(ChangeList):
    """A changelist that answers impossible filters as "invalid lookup" (the admin's ?e=1),
    not a 500: an id beyond 64 bits (SQLite cannot bind it), or a date hierarchy year the
    calendar does not have (`?joined__year=9999` asks for the year 10000 as the end)."""

    def get_filters(self, request):
        for key, values in self.get_filters_params().items():
            if any(beyond_64_bits(part) for value in values for part in value.split(",")):
                raise IncorrectLookupParameters(f"{key}: number out of range")
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as exc:
            raise IncorrectLookupParameters(exc) from exc


def _ids_only(value: list[Any]) -> list[Any]:
    # The autocomplete widget looks its selected values up with `pk__in` when a form with
    # errors is shown again: "abc" there is a ValueError, so only real ids are looked up.
    return [v for v in value if parse_id(str(v)) is not None]


class GuardedAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids_only(value), attr)


class GuardedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, _ids_only(value), attr)


class FiniteJSONDecoder(json.JSONDecoder):
    """JSON as the database stores it: Python reads NaN, Infinity and 1e309 as floats that
    no JSON column accepts (a CHECK constraint failure on save). Raising JSONDecodeError
    makes the form field answer "enter valid JSON"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["parse_constant"] = self._refuse
        kwargs["parse_float"] = self._finite
        super().__init__(*args, **kwargs)

    @staticmethod
    def _refuse(name: str) -> float:
        raise json.JSONDecodeError(f"{name} is not JSON", name, 0)

    @staticmethod
    def _finite(text: str) -> float:
        value = float(text)
        if not math.isfinite(value):
            raise json.JSONDecodeError("number out of range", text, 0)
        return value


class GuardedFieldsMixin:
    """Form fields that refuse junk in place, for ModelAdmin and InlineModelAdmin alike."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.JSONField) and db_field.decoder is None:
            kwargs.setdefault("decoder", FiniteJSONDecoder)
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(db_field, models.DateField):  # datetimes too
            field.validators.append(PlausibleDate())
        return field

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = GuardedAutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class GuardedInputsMixin(GuardedFieldsMixin):
    """For a ModelAdmin: guarded fields, list filters and inlines."""

    def get_changelist(self, request, **kwargs):
        base = super().get_changelist(request, **kwargs)
        if issubclass(base, GuardedChangeList):
            return base
        return type(f"Guarded{base.__name__}", (GuardedChangeList, base), {})

    def get_inlines(self, request, obj):
        return [guarded(inline) for inline in super().get_inlines(request, obj)]


class GuardedInlineMixin(GuardedFieldsMixin):
    """For an inline: guarded fields and no more rows than INLINE_MAX_ROWS."""

    def get_formset(self, request, obj=None, **kwargs):
        max_num = self.get_max_num(request, obj, **kwargs)  # 0 without the add permission
        kwargs.setdefault(
            "max_num", INLINE_MAX_ROWS if max_num is None else min(max_num, INLINE_MAX_ROWS)
        )
        kwargs.setdefault("absolute_max", INLINE_MAX_ROWS)
        return super().get_formset(request, obj, **kwargs)


@cache
def guarded(admin_class: type) -> type:
    """`admin_class` with the guards of this module, made once per class."""
    mixin = GuardedInlineMixin if issubclass(admin_class, InlineModelAdmin) else GuardedInputsMixin
    if issubclass(admin_class, mixin):
        return admin_class
    return type(admin_class.__name__, (mixin, admin_class), {"__module__": admin_class.__module__})


class DudaoModelAdmin(GuardedInputsMixin, admin.ModelAdmin):
    def get_changeform_initial_data(self, request) -> dict:
        """Initial values from the address (?neighbourhood=12), without ones that name no row.

        The admin fills an add form from the query string, and an autocomplete widget looks
        its initial value up: `?neighbourhood=abc` was a 500 (ValueError) there.
        """
        initial = super().get_changeform_initial_data(request)
        for name in list(initial):
            field = next((f for f in self.model._meta.fields if f.name == name), None)
            if field is not None and field.many_to_one and parse_id(str(initial[name])) is None:
                del initial[name]
        return initial
