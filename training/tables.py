import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from trainees.models import Trainee

from .models import TrainingEvent


class EventTable(tables.Table):
    title = tables.Column(
        verbose_name=_("培训名称"),
        linkify=lambda record: reverse("training:event-detail", args=[record.pk]),
        attrs={"td": {"class": "wrap"}},
    )
    kind = tables.Column(verbose_name=_("类型"))
    organiser = tables.Column(
        verbose_name=_("主办"), empty_values=(), order_by=("organiser__code",)
    )
    first_date = tables.Column(verbose_name=_("日期"))
    sitting_count = tables.Column(verbose_name=_("场次"), attrs={"td": {"class": "num"}})
    enrolled = tables.Column(verbose_name=_("报名人数"), attrs={"td": {"class": "num"}})
    credited_hours = tables.Column(verbose_name=_("学时"), attrs={"td": {"class": "num"}})

    class Meta:
        model = TrainingEvent
        fields = (
            "title",
            "kind",
            "organiser",
            "first_date",
            "sitting_count",
            "enrolled",
            "credited_hours",
        )
        attrs = {"class": "table"}
        empty_text = _("还没有培训。")

    def render_organiser(self, record: TrainingEvent) -> str:
        return record.organiser.name if record.organiser_id else _("区民政局")

    def render_first_date(self, value) -> str:
        return f"{value:%Y-%m-%d}"


class HoursTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"),
        linkify=lambda record: reverse("trainees:detail", args=[record.pk]),
    )
    subdistrict = tables.Column(verbose_name=_("街道（镇）"), order_by=("subdistrict__code",))
    workplace = tables.Column(
        verbose_name=_("居委会"), empty_values=(), order_by=("neighbourhood__name",)
    )
    hours = tables.Column(verbose_name=_("认定学时"), attrs={"td": {"class": "num"}})
    ce_hours = tables.Column(verbose_name=_("其中继续教育"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Trainee
        fields = ("name", "subdistrict", "workplace", "hours", "ce_hours")
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的社区工作者。")

    def render_workplace(self, record: Trainee) -> str:
        return record.workplace
