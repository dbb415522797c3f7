"""What every Dudao admin screen shares."""

from django.contrib import admin

from .params import parse_id


class DudaoModelAdmin(admin.ModelAdmin):
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
