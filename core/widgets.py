"""A drop-down that searches instead of listing thousands of options (issue 13).

At 100,000 workers a committee drop-down held 1,050–9,250 options and a supervisor one
about 10,000: most of a list page's HTML and of its rendering time. `SearchSelect` renders
only the empty choice and the chosen one(s); static/js/search-select.js turns it into a
search box that asks a JSON endpoint for matching options as the user types. The field's
queryset is left alone, so a submitted id is still validated against the same scope as
before (an id outside it is a form error), and the endpoint applies that scope too.
"""

from collections.abc import Iterable, Sequence
from typing import Any

from django import forms
from django.forms.models import ModelChoiceIterator
from django.http import HttpRequest, JsonResponse
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from core.params import parse_id

# Enough to pick from on a phone; a longer list means the user should type more.
OPTIONS_LIMIT = 30
# Names searched are at most 80 characters; longer input finds nothing, so it is refused.
SEARCH_MAX = 80


class SearchSelect(forms.Select):
    """A `<select>` with only its chosen option(s), searched through `url`.

    `params` names other fields of the same form whose values are sent along with the
    search (a committee search narrowed to the chosen subdistrict). Without JavaScript the
    select still submits and shows what is chosen; picking another needs the script.
    """

    def __init__(
        self, url: Any, *, params: Sequence[str] = (), attrs: dict[str, Any] | None = None
    ) -> None:
        super().__init__(attrs=attrs)
        self.url = url  # a reverse_lazy(): URLs are not loaded when filters are declared
        self.params = tuple(params)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {
                "data-search-url": str(self.url),
                "data-search-params": " ".join(self.params),
                "data-placeholder": _("输入名称搜索"),
                "data-searching": _("正在搜索…"),
                "data-none": _("没有匹配的结果"),
                "data-more": _("只列出前 %(count)s 项，请输入更多文字缩小范围")
                % {"count": OPTIONS_LIMIT},
                "data-failed": _("搜索失败，请稍后再试"),
            }
        )
        return context

    def optgroups(self, name: str, value: list[str], attrs: dict[str, Any] | None = None):
        everything = self.choices
        if not isinstance(everything, ModelChoiceIterator):
            return super().optgroups(name, value, attrs)  # a short fixed list: all of it
        # Only the empty choice and the chosen: one small query, none when nothing is chosen.
        self.choices = list(self._offered(everything, value))
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything

    @staticmethod
    def _offered(choices: ModelChoiceIterator, value: list[str]) -> Iterable[tuple[Any, Any]]:
        if choices.field.empty_label is not None:
            yield ("", choices.field.empty_label)
        ids = [i for i in (parse_id(str(v)) for v in value) if i is not None]
        if ids:
            # The field's own queryset: an id outside the user's scope shows nothing.
            yield from (choices.choice(obj) for obj in choices.queryset.filter(pk__in=ids))

    def render(self, name, value, attrs=None, renderer=None) -> SafeString:
        # The widget brings its script and style, so every page that uses it works without
        # each template having to remember them; the script runs once however often it is
        # included.
        return format_html(
            '{}<link rel="stylesheet" href="{}"><script src="{}" defer></script>',
            super().render(name, value, attrs, renderer),
            static("css/search-select.css"),
            static("js/search-select.js"),
        )


# --- the endpoints behind it ---------------------------------------------------------------------


def search_term(request: HttpRequest) -> str | None:
    """The `q` of an options request, stripped ("" lists the first options), or None when it
    cannot be a name (too long, or holding a NUL, which PostgreSQL refuses in text)."""
    q = request.GET.get("q", "").strip()
    return None if len(q) > SEARCH_MAX or "\x00" in q else q


def options_response(rows: Sequence[tuple[int, str, str]]) -> JsonResponse:
    """What static/js/search-select.js reads: (id, label, hint) rows, at most OPTIONS_LIMIT of
    them, and whether there were more (pass the query sliced to OPTIONS_LIMIT + 1)."""
    rows = list(rows)
    return JsonResponse(
        {
            "results": [
                {"id": pk, "label": label, "hint": hint} for pk, label, hint in rows[:OPTIONS_LIMIT]
            ],
            "more": len(rows) > OPTIONS_LIMIT,
        },
        headers={"Cache-Control": "private, no-store"},
    )


def bad_options_request() -> JsonResponse:
    return JsonResponse({"results": [], "more": False}, status=400)
