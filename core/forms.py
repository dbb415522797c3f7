"""Form helpers shared by every app's views."""

from django import forms
from django.core.exceptions import ValidationError


def attach_service_errors(
    form: forms.BaseForm, exc: ValidationError, *, rename: dict[str, str] | None = None
) -> None:
    """Show a service's ValidationError next to the fields it names (STYLE.md: forms check
    shape, services check rules; the user sees a rule's message in place). `rename` maps a
    service's name for a field to the form's (the history's `effective_on` is a form's 离职日期)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            field = (rename or {}).get(field, field)
            target = field if field in form.fields else None
            for error in errors:
                form.add_error(target, error)
    else:
        form.add_error(None, exc)


class TimeInput(forms.TimeInput):
    """A browser time picker (hh:mm), for session logs and training sittings alike."""

    input_type = "time"

    def __init__(self, **kwargs):
        super().__init__(format="%H:%M", **kwargs)
