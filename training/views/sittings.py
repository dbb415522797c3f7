"""Sitting pages: adding and editing sittings, marking attendance, the arrival board and
the printable sign-in sheet."""

from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.capabilities import (
    can_watch_arrivals,
    require_capability,
    scoped_subdistrict_id,
    sees_whole_district,
)
from core.forms import attach_service_errors
from core.params import parse_id
from neighbourhoods.models import Subdistrict

from ..forms import SittingForm, marks_from
from ..models import AttendanceStatus, Sitting
from ..selectors import (
    ROWS_PER_PART,
    GroupKey,
    get_event_for_user,
    get_sitting_for_user,
    group_key_text,
    marking_expand,
    marking_groups,
    marking_rows,
    marking_totals,
    parse_group_key,
    sitting_board,
    sitting_roster,
)
from ..services import (
    attendance_mark,
    sitting_create,
    sitting_update,
)

BOARD_POLL_SECONDS = 5


# --- sittings ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def sitting_create_view(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for_user(request.user, pk, manage=True)
    form = SittingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            sitting_create(event=event, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已添加场次。"))
            return redirect("training:event-detail", pk=event.pk)
    return render(
        request, "training/form.html", {"form": form, "event": event, "title": _("添加场次")}
    )


@require_http_methods(["GET", "POST"])
def sitting_update_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = get_sitting_for_user(request.user, pk, manage=True)
    form = SittingForm(request.POST or None, instance=sitting)
    if request.method == "POST" and form.is_valid():
        try:
            sitting_update(sitting=sitting, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            attach_service_errors(form, exc)
        else:
            messages.success(request, _("已保存场次。"))
            return redirect("training:event-detail", pk=sitting.event_id)
    return render(
        request,
        "training/form.html",
        {"form": form, "event": sitting.event, "title": _("编辑场次")},
    )


# --- marking ----------------------------------------------------------------------------------


# Bounds on numbers from the address: far beyond any sitting, well inside a 64-bit OFFSET.
MAX_PAGE = 100_000
MAX_OFFSET = 1_000_000
MAX_SEARCH = 50


@dataclass(frozen=True)
class MarkFilter:
    """Where the marking page is: a name or place fragment, a subdistrict, a page of groups,
    or one group from a row offset. Read from the address, or from the form's `back` field
    so that saving returns to the same place; whatever is not understood is dropped."""

    q: str = ""
    subdistrict: int | None = None
    page: int = 1
    group: GroupKey | None = None
    offset: int = 0

    @classmethod
    def read(cls, data: QueryDict) -> "MarkFilter":
        page = parse_id(data.get("page")) or 1
        offset = parse_id(data.get("offset")) or 0
        return cls(
            q=(data.get("q") or "").strip()[:MAX_SEARCH],
            subdistrict=parse_id(data.get("subdistrict")),
            page=min(page, MAX_PAGE),
            group=parse_group_key(data.get("group")),
            offset=min(offset, MAX_OFFSET),
        )

    def keep(self) -> str:
        """The search and subdistrict as the start of a query string ("q=…&" or "")."""
        pairs = {"q": self.q, "subdistrict": self.subdistrict or ""}
        query = urlencode({k: v for k, v in pairs.items() if v})
        return f"{query}&" if query else ""

    def query(self) -> str:
        """The whole place as "?…", or "" for the first page."""
        pairs: dict[str, object] = {"q": self.q, "subdistrict": self.subdistrict or ""}
        if self.group is not None:
            pairs["group"] = group_key_text(self.group)
            pairs["offset"] = self.offset or ""
        elif self.page > 1:
            pairs["page"] = self.page
        query = urlencode({k: v for k, v in pairs.items() if v})
        return f"?{query}" if query else ""


@require_http_methods(["GET", "POST"])
def sitting_mark_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The roster of a sitting, grouped by committee, saved in one request.

    A sitting may hold 20,000 workers, so the page shows one page of committee groups and
    the rows of its first groups; the rows of the others come on demand, as parts of this
    same address (`part=rows` with a group, `part=groups` for a page of groups), under the
    same access check. The save takes every change in one POST, from any number of groups,
    and "mark the rest present" (`fill`) is done by the server for rows never loaded.
    """
    sitting = get_sitting_for_user(request.user, pk, mark=True)
    if request.method == "POST":
        try:
            result = attendance_mark(
                sitting=sitting,
                actor=request.user,
                marks=marks_from(request.POST),
                fill=request.POST.get("fill", ""),
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                _("已保存出勤：新登记 %(c)d 人，修改 %(u)d 人。")
                % {"c": result.created, "u": result.updated},
            )
        back = MarkFilter.read(QueryDict(request.POST.get("back", "")))
        return redirect(reverse("training:sitting-mark", args=[sitting.pk]) + back.query())
    where = MarkFilter.read(request.GET)
    part = request.GET.get("part", "")
    if part == "rows":
        return _mark_rows_part(request, sitting, where)
    if part and part != "groups":
        return HttpResponseBadRequest()
    groups, has_next = marking_groups(
        user=request.user,
        sitting=sitting,
        search=where.q,
        subdistrict_id=where.subdistrict,
        group=where.group,
        page=1 if where.group else where.page,
    )
    if where.group is not None and groups:
        groups[0].offset = where.offset
        groups[0].rows = marking_rows(
            user=request.user,
            sitting=sitting,
            groups=[where.group],
            search=where.q,
            offset=where.offset,
        )
    else:
        marking_expand(user=request.user, sitting=sitting, groups=groups, search=where.q)
    context = {
        "sitting": sitting,
        "event": sitting.event,
        "statuses": AttendanceStatus.choices,
        "groups": groups,
        "has_next": has_next,
        "where": where,
        "keep": where.keep(),
    }
    if part == "groups":
        return render(request, "training/_mark_groups.html", context)
    context |= {
        "totals": marking_totals(user=request.user, sitting=sitting),
        "subdistricts": (
            Subdistrict.objects.order_by("code") if sees_whole_district(request.user) else []
        ),
    }
    return render(request, "training/mark.html", context)


def _mark_rows_part(request: HttpRequest, sitting: Sitting, where: MarkFilter) -> HttpResponse:
    """The next rows of one group, as list items for the page's script to append."""
    if where.group is None:
        return HttpResponseBadRequest()
    rows = marking_rows(
        user=request.user,
        sitting=sitting,
        groups=[where.group],
        search=where.q,
        offset=where.offset,
        limit=ROWS_PER_PART + 1,
    )
    more = len(rows) > ROWS_PER_PART
    rows = rows[:ROWS_PER_PART]
    return render(
        request,
        "training/_mark_rows.html",
        {
            "rows": rows,
            "statuses": AttendanceStatus.choices,
            "keep": where.keep(),
            "group_key": group_key_text(where.group),
            "more": more,
            "next_offset": where.offset + len(rows),
        },
    )


# --- the arrival board ------------------------------------------------------------------------


def _board_subdistrict(request: HttpRequest) -> int | None:
    own = scoped_subdistrict_id(request.user)
    return own if own is not None else parse_id(request.GET.get("subdistrict"))


def _board_access(request: HttpRequest, pk: int):
    user = request.user
    require_capability(user, can_watch_arrivals, _("只有管理员可以查看签到情况。"))
    return get_sitting_for_user(user, pk)


def sitting_board_view(request: HttpRequest, pk: int) -> HttpResponse:
    sitting = _board_access(request, pk)
    sub_id = _board_subdistrict(request)
    return render(
        request,
        "training/board.html",
        {
            "sitting": sitting,
            "event": sitting.event,
            "board": sitting_board(user=request.user, sitting=sitting, subdistrict_id=sub_id),
            "subdistricts": Subdistrict.objects.all() if sees_whole_district(request.user) else [],
            "subdistrict_id": sub_id,
            "poll": BOARD_POLL_SECONDS,
            "data_url": reverse("training:sitting-board-data", args=[sitting.pk])
            + (f"?subdistrict={sub_id}" if sub_id else ""),
        },
    )


@require_GET
def sitting_board_data(request: HttpRequest, pk: int) -> JsonResponse:
    sitting = _board_access(request, pk)
    board = sitting_board(
        user=request.user, sitting=sitting, subdistrict_id=_board_subdistrict(request)
    )
    board["updated"] = f"{timezone.localtime():%H:%M:%S}"
    response = JsonResponse(board)
    response["Cache-Control"] = "no-store"
    return response


# --- sign-in sheet ----------------------------------------------------------------------------


def sitting_sheet_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable sign-in sheet (PDF) for venues where phones are not used."""
    from weasyprint import HTML

    sitting = get_sitting_for_user(request.user, pk, mark=True)
    roster = sitting_roster(user=request.user, sitting=sitting)
    html = render_to_string(
        "training/signin_sheet.html",
        {"sitting": sitting, "event": sitting.event, "roster": roster},
        request=request,
    )
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{sitting.event.title}-{sitting.date:%Y%m%d}-{_('签到表')}.pdf"
    response["Content-Disposition"] = f"inline; filename*=UTF-8''{quote(name)}"
    return response
