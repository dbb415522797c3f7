import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from trainees.identity import mobile_for, mobile_mask

from .models import Certificate
from .rules import RegistrationStatus


def _worker_link(record) -> str:
    trainee = getattr(record, "trainee", record)
    return reverse("trainees:detail", args=[trainee.pk])


def status_badge(value: str) -> str:
    css = {
        RegistrationStatus.REGISTERED: "active",
        RegistrationStatus.DUE: "on_leave",
        RegistrationStatus.LAPSED: "left",
        RegistrationStatus.NOT_REGISTERED: "info",
    }.get(value, "info")
    return format_html(
        '<span class="badge badge-{}">{}</span>', css, RegistrationStatus(value).label
    )


class _WorkerColumns(tables.Table):
    name = tables.Column(
        verbose_name=_("姓名"),
        accessor="trainee__name",
        linkify=_worker_link,
        order_by=("trainee__name",),
    )
    subdistrict = tables.Column(
        verbose_name=_("街道（镇）"),
        accessor="trainee__subdistrict__name",
        order_by=("trainee__subdistrict__code",),
    )
    workplace = tables.Column(
        verbose_name=_("居委会"),
        accessor="trainee__neighbourhood__name",
        default=_("街道社区办"),
        order_by=("trainee__neighbourhood__name",),
    )
    level = tables.Column(verbose_name=_("等级"), accessor="level__name", order_by=("level__rank",))


class CertificateTable(_WorkerColumns):
    post = tables.Column(verbose_name=_("岗位"), accessor="trainee__post", orderable=False)
    number = tables.Column(verbose_name=_("证书编号"), attrs={"td": {"class": "mono"}})
    date_passed = tables.DateColumn(verbose_name=_("取得日期"), format="Y-m-d")
    registration_status = tables.Column(verbose_name=_("登记状态"))
    current_ends_on = tables.DateColumn(verbose_name=_("登记有效期至"), format="Y-m-d", default="—")

    class Meta:
        model = Certificate
        fields = ()
        sequence = (
            "name",
            "subdistrict",
            "workplace",
            "post",
            "level",
            "number",
            "date_passed",
            "registration_status",
            "current_ends_on",
        )
        order_by = ("subdistrict", "workplace", "name")
        attrs = {"class": "table"}
        empty_text = _("没有符合条件的持证记录。")

    def render_post(self, record) -> str:
        return record.trainee.get_post_display()

    def render_registration_status(self, value: str) -> str:
        return status_badge(value)


class RegistrationTable(_WorkerColumns):
    registration_status = tables.Column(verbose_name=_("登记状态"))
    last_ends_on = tables.DateColumn(verbose_name=_("有效期至"), format="Y-m-d", default="—")
    mobile = tables.Column(verbose_name=_("手机号"), accessor="trainee__mobile", orderable=False)

    class Meta:
        model = Certificate
        fields = ()
        sequence = (
            "name",
            "subdistrict",
            "workplace",
            "level",
            "registration_status",
            "last_ends_on",
            "mobile",
        )
        order_by = ("last_ends_on",)
        attrs = {"class": "table"}
        empty_text = _("没有待再登记或已过期的登记。")

    def render_registration_status(self, value: str) -> str:
        return status_badge(value)

    def render_mobile(self, value: str) -> str:
        # SingleTableMixin hands the table its request; without one, masked.
        user = getattr(getattr(self, "request", None), "user", None)
        if user is None or not user.is_authenticated:
            return mobile_mask(value)
        return mobile_for(user, value)


class CeTable(_WorkerColumns):
    current_starts_on = tables.DateColumn(verbose_name=_("本期起"), format="Y-m-d")
    current_ends_on = tables.DateColumn(verbose_name=_("本期至"), format="Y-m-d")
    ce_dudao = tables.Column(verbose_name=_("系统培训学时"), attrs={"td": {"class": "num"}})
    ce_external = tables.Column(verbose_name=_("外部学时"), attrs={"td": {"class": "num"}})
    ce_total = tables.Column(verbose_name=_("合计"), attrs={"td": {"class": "num"}})
    ce_required = tables.Column(verbose_name=_("应修学时"), attrs={"td": {"class": "num"}})
    shortfall = tables.Column(verbose_name=_("尚缺"), attrs={"td": {"class": "num"}})

    class Meta:
        model = Certificate
        fields = ()
        sequence = (
            "name",
            "subdistrict",
            "workplace",
            "level",
            "current_starts_on",
            "current_ends_on",
            "ce_dudao",
            "ce_external",
            "ce_total",
            "ce_required",
            "shortfall",
        )
        order_by = ("current_ends_on",)
        attrs = {"class": "table"}
        empty_text = _("没有继续教育学时不足的持证人员。")


class PipelineTable(tables.Table):
    name = tables.Column(verbose_name=_("姓名"), linkify=_worker_link)
    subdistrict = tables.Column(verbose_name=_("街道（镇）"), order_by=("subdistrict__code",))
    neighbourhood = tables.Column(
        verbose_name=_("居委会"), default=_("街道社区办"), order_by=("neighbourhood__name",)
    )
    post = tables.Column(verbose_name=_("岗位"))
    education = tables.Column(verbose_name=_("学历"))
    started_community_work = tables.DateColumn(verbose_name=_("从事社区工作日期"), format="Y-m-d")
    eligibility = tables.Column(verbose_name=_("可报考"), empty_values=(), orderable=False)

    class Meta:
        fields = ()
        sequence = (
            "name",
            "subdistrict",
            "neighbourhood",
            "post",
            "education",
            "started_community_work",
            "eligibility",
        )
        order_by = ("subdistrict", "neighbourhood", "name")
        attrs = {"class": "table"}
        empty_text = _("没有符合报考条件的未持证人员。")

    def __init__(self, *args, answers=None, **kwargs):
        super().__init__(*args, **kwargs)
        # answers(trainees) -> {pk: [Eligibility]}: computed for the shown page only.
        self._answer = answers
        self._cache: dict[int, list] = {}

    def render_eligibility(self, record) -> str:
        if record.pk not in self._cache and self._answer is not None:
            rows = list(self.page.object_list) if getattr(self, "page", None) else [record]
            self._cache.update(self._answer([getattr(r, "record", r) for r in rows]))
        answers = [a for a in self._cache.get(record.pk, []) if a.eligible]
        return format_html_join(
            "",
            '<div><strong>{}</strong> <span class="muted small">{}</span></div>',
            ((a.level_name, a.reason) for a in answers),
        )
