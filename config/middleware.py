"""Query strings with NUL characters get a clear 400 page instead of reaching the database.

Search boxes and filters pass their text to queries; PostgreSQL refuses a NUL byte in any text
parameter (SQLite does not), so `?q=%00` was a 500 on the production database only. No one
types a NUL into a search box: it comes from a broken link or a crafted request. Form fields
(POST) keep Django's own check, which puts the message next to the field.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


class RejectNulCharactersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if any(
            "\x00" in key or any("\x00" in value for value in values)
            for key, values in request.GET.lists()
        ):
            return render(
                request,
                "400.html",
                {"reason": _("网址中的搜索或筛选条件含有无效字符，请删除后重新搜索。")},
                status=400,
            )
        return self.get_response(request)
