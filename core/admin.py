"""What every Dudao admin screen shares, including the guards that keep junk input from
becoming a 500: out-of-range numbers in list filters, junk in autocomplete fields, NaN in
JSON, a posted row count in the billions, dates at the calendar's ends. `accounts.admin_site.DudaoAdminSite.register`
gives the guards (`guarded`) to every registered admin and its inlines, Django's and
third-party ones included.

And the two ways an admin of a rule-bearing model keeps to the one write path (STYLE.md):
`ReadOnlyAdmin` (history, and rows changed only on Dudao's pages) and `ServiceAdmin` (saves
through the pages' service). tests/test_admin_write_path.py holds every registered admin to one.
"""

import json
import math
from functools import cache
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters, InlineModelAdmin
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AutocompleteSelect, AutocompleteSelectMultiple
from django.core.exceptions import ValidationError
from django.db import models, transaction

from core.dates import PlausibleDate

from .forms import attach_service_errors
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


class ReadOnlyAdmin(DudaoModelAdmin):
    """Records the admin shows and never changes (STYLE.md: only services change data).

    History (the audit trail, log versions, import and report runs) is never edited by hand;
    other rule-bearing rows are changed on Dudao's own pages, whose services check the rules
    and keep the trail — each admin says which page. The change form shows every field
    read-only; adding, saving and deleting answer 403.
    """

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyInline(admin.TabularInline):
    """An inline of a record whose rows are written by a service: shown, never edited here."""

    extra = 0

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdmin(DudaoModelAdmin):
    """An admin that saves through the same service as the pages (STYLE.md).

    The service runs while the admin's form validates, in a savepoint of the admin's
    transaction: a rule it refuses (its ValidationError) is shown next to the field it names
    and nothing is saved; when it accepts, the object it saved becomes the form's instance and
    the admin has nothing left to write. The model's own validation is the service's
    `full_clean()`, and the service records the audit event, so neither happens here twice.
    No service deletes these records (pairings end, workers leave, supervisors stop), so the
    admin does not either.

    Subclasses implement `service_save` and keep the form to the fields their service takes
    (`get_fields`, `get_readonly_fields`); such an admin has no editable inlines, as they
    would be saved after the service by Django's own code.
    """

    def service_save(self, request, obj: models.Model | None, data: dict[str, Any]) -> models.Model:
        """Create (obj is None) or change `obj` from the form's cleaned data through the
        service; return the saved object. Raise ValidationError for a refused rule."""
        raise NotImplementedError

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = super().get_form(request, obj, change=change, **kwargs)
        save = self.service_save

        class ServiceForm(base):
            def _post_clean(self) -> None:
                # Not ModelForm's: construct_instance() would change the stored object before
                # the service takes its "before" for the audit trail, and full_clean() is the
                # service's to run, after its own rules.
                if self._errors:
                    return
                stored = self.instance if self.instance.pk is not None else None
                try:
                    with transaction.atomic():
                        self.instance = save(request, stored, self.cleaned_data)
                except ValidationError as exc:
                    attach_service_errors(self, exc)

        ServiceForm.__name__ = base.__name__
        return ServiceForm

    def save_model(self, request, obj, form, change) -> None:
        """Saved by the service while the form validated (see the class)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
