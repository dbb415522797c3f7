import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import SupervisionSession


class SessionTable(tables.Table):
    date = tables.Column(
        verbose_name=_("日期"),
        linkify=lambda record: reverse("sessions:detail", args=[record.pk]),
        order_by=("date", "start_time"),
    )
    supervisor = tables.Column(verbose_name=_("督导师"), order_by=("supervisor__name",))
    mode = tables.Column(verbose_name=_("方式"))
    attendees = tables.Column(verbose_name=_("学员"), empty_values=(), orderable=False)
    topic = tables.Column(verbose_name=_("主题"), attrs={"td": {"class": "wrap"}})
    duration_minutes = tables.Column(verbose_name=_("时长"), attrs={"td": {"class": "num"}})
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = SupervisionSession
        fields = ("date", "supervisor", "mode", "attendees", "topic", "duration_minutes", "status")
        order_by = ("-date",)
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的督导记录。")

    def render_date(self, value) -> str:
        return f"{value:%Y-%m-%d}"

    def render_attendees(self, record: SupervisionSession) -> str:
        # From the prefetch: no query per row.
        return "、".join(a.trainee.name for a in record.attendees.all())

    def render_duration_minutes(self, value: int) -> str:
        return _("%(n)d 分钟") % {"n": value}

    def render_status(self, record: SupervisionSession) -> str:
        label = record.get_status_display()
        if record.status == "submitted":
            label = f"{label} {record.confirmed_count}/{record.attendee_count}"
        return format_html('<span class="badge badge-session-{}">{}</span>', record.status, label)
