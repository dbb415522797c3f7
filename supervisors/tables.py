import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Assignment, Supervisor


class SupervisorTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"),
        linkify=lambda record: reverse("supervisors:detail", args=[record.pk]),
    )
    kind = tables.Column(verbose_name=_("来源"))
    organisation = tables.Column(verbose_name=_("所在机构"), default="—")
    home_subdistrict = tables.Column(
        verbose_name=_("所属街道（镇）"), order_by=("home_subdistrict__code",)
    )
    qualification = tables.Column(verbose_name=_("职业水平"))
    load = tables.Column(verbose_name=_("带教人数"))
    is_active = tables.BooleanColumn(verbose_name=_("在任"))

    class Meta:
        model = Supervisor
        fields = (
            "name",
            "kind",
            "organisation",
            "home_subdistrict",
            "qualification",
            "load",
            "is_active",
        )
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的督导师。")

    def render_load(self, record: Supervisor) -> str:
        full = record.load >= record.capacity
        return format_html(
            '<span class="badge badge-{}">{} / {}</span>',
            "left" if full else "active",
            record.load,
            record.capacity,
        )


class AssignmentTable(tables.Table):
    trainee = tables.Column(
        verbose_name=_("社区工作者"),
        linkify=lambda record: reverse("trainees:detail", args=[record.trainee_id]),
        order_by=("trainee__name",),
    )
    subdistrict = tables.Column(
        verbose_name=_("街道（镇）"),
        accessor="trainee__subdistrict",
        order_by=("trainee__subdistrict__code",),
    )
    supervisor = tables.Column(
        verbose_name=_("督导师"),
        linkify=lambda record: reverse("supervisors:detail", args=[record.supervisor_id]),
        order_by=("supervisor__name",),
    )
    mode = tables.Column(verbose_name=_("督导方式"))
    started_on = tables.DateColumn(verbose_name=_("开始日期"), format="Y-m-d")
    ended_on = tables.DateColumn(verbose_name=_("结束日期"), format="Y-m-d", default=_("进行中"))
    reason = tables.Column(verbose_name=_("原因"), default="—", orderable=False)
    end_reason = tables.Column(verbose_name=_("结束原因"), default="—", orderable=False)

    class Meta:
        model = Assignment
        fields = (
            "trainee",
            "subdistrict",
            "supervisor",
            "mode",
            "started_on",
            "ended_on",
            "reason",
            "end_reason",
        )
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的督导关系。")
