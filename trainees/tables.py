import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from accounts.models import User

from .identity import id_number_mask, mobile_mask
from .models import Trainee


class TraineeTable(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"), linkify=lambda record: reverse("trainees:detail", args=[record.pk])
    )
    gender = tables.Column(verbose_name=_("性别"))
    birth_date = tables.Column(verbose_name=_("年龄"), order_by=("-birth_date",))
    id_number = tables.Column(verbose_name=_("身份证号"), orderable=False)
    mobile = tables.Column(verbose_name=_("手机号"), orderable=False)
    subdistrict = tables.Column(verbose_name=_("街道（镇）"), order_by=("subdistrict__code",))
    neighbourhood = tables.Column(
        verbose_name=_("居委会"), order_by=("neighbourhood__name",), default=_("街道社区办")
    )
    post = tables.Column(verbose_name=_("岗位"))
    education = tables.Column(verbose_name=_("学历"))
    started_community_work = tables.Column(
        verbose_name=_("社区工龄"), order_by=("started_community_work",)
    )
    status = tables.Column(verbose_name=_("状态"))

    class Meta:
        model = Trainee
        fields = (
            "name",
            "gender",
            "birth_date",
            "id_number",
            "mobile",
            "subdistrict",
            "neighbourhood",
            "post",
            "education",
            "started_community_work",
            "status",
        )
        order_by = ("subdistrict", "neighbourhood", "name")
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的社区工作者。")

    def __init__(self, *args, viewer: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # No viewer: masked, the safe default.
        self.full_identity = viewer is not None and viewer.sees_full_identity

    def render_birth_date(self, record: Trainee) -> int:
        # The age, for everyone: the column is also what a masked ID number sits beside.
        return record.age

    def render_started_community_work(self, record: Trainee) -> str:
        return _("%(years)d年") % {"years": record.service_years}

    def render_id_number(self, value: str) -> str:
        shown = value if self.full_identity else id_number_mask(value)
        return format_html('<span class="mono">{}</span>', shown)

    def render_mobile(self, value: str) -> str:
        shown = value if self.full_identity else mobile_mask(value)
        return format_html('<span class="mono">{}</span>', shown)

    def render_status(self, record: Trainee) -> str:
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.status, record.get_status_display()
        )
