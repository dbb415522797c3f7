import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class HousingType(models.TextChoices):
    """The five housing types of Changning's classified governance (DOMAIN.md), or mixed."""

    PUBLIC_RESALE = "public_resale", _("售后公房")
    COMMERCIAL = "commercial", _("普通商品房")
    FOREIGN = "foreign", _("涉外商品房")
    VILLA = "villa", _("老洋房")
    RESETTLEMENT = "resettlement", _("动迁安置房")
    MIXED = "mixed", _("混合型")


class Subdistrict(models.Model):
    class Kind(models.TextChoices):
        STREET = "street", _("街道")
        TOWN = "town", _("镇")

    name = models.CharField(_("名称"), max_length=50, unique=True)
    code = models.CharField(
        _("统计代码"),
        max_length=12,
        unique=True,
        help_text=_("国家统计用区划代码，如 310105001"),
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.STREET)

    class Meta:
        ordering = ["code"]
        verbose_name = _("街道（镇）")
        verbose_name_plural = _("街道（镇）")

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    """A residents' committee (居民委员会)."""

    name = models.CharField(_("名称"), max_length=80)
    subdistrict = models.ForeignKey(
        Subdistrict,
        on_delete=models.PROTECT,
        related_name="neighbourhoods",
        verbose_name=_("街道（镇）"),
    )
    housing_type = models.CharField(
        _("主要住房类型"), max_length=20, choices=HousingType.choices, default=HousingType.MIXED
    )
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)

    class Meta:
        ordering = ["subdistrict__code", "name"]
        verbose_name = _("居委会")
        verbose_name_plural = _("居委会")
        constraints = [
            models.UniqueConstraint(
                fields=["subdistrict", "name"], name="neighbourhood_unique_name_per_subdistrict"
            )
        ]

    def __str__(self) -> str:
        return self.name


# The earliest effective date a population or a staffing norm may carry.
FIRST_EFFECTIVE_DAY = dt.date(2000, 1, 1)
# A committee of more residents than this is a typing error (the largest of Changning's have
# about 12,000); a district total entered on a committee's row is caught by it.
MAX_RESIDENTS = 100_000


class ResidentPopulation(models.Model):
    """A committee's resident population (常住人口) from a date, as the subdistrict's statistics
    or a census gave it. The figure as of a day is the row with the latest `effective_from`
    on or before it (issue 14, item 5): a new count is a new row, and the past keeps the
    count it had. Written by `neighbourhoods.services.population_set` only."""

    neighbourhood = models.ForeignKey(
        Neighbourhood,
        on_delete=models.CASCADE,
        related_name="populations",
        verbose_name=_("居委会"),
    )
    effective_from = models.DateField(_("生效日期"))
    residents = models.PositiveIntegerField(
        _("常住人口"),
        validators=[
            MinValueValidator(1, _("常住人口至少为 1 人。")),
            MaxValueValidator(
                MAX_RESIDENTS, _("一个居委会的常住人口不能超过 %(limit_value)s 人。")
            ),
        ],
    )
    source = models.CharField(_("数据来源"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("录入人"),
    )
    recorded_at = models.DateTimeField(_("录入时间"), null=True, blank=True)

    class Meta:
        ordering = ["neighbourhood", "-effective_from"]
        verbose_name = _("居委会常住人口")
        verbose_name_plural = _("居委会常住人口")
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "effective_from"], name="population_one_per_day"
            ),
            models.CheckConstraint(
                condition=models.Q(residents__gte=1), name="population_residents_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.neighbourhood} {self.effective_from} {self.residents}"


class StaffingNorm(models.Model):
    """How many community workers the district expects per 10,000 residents, from a date
    (DOMAIN.md: Shanghai's rules, about 18). Data the district edits in the admin site; the
    norm as of a day is the row with the latest `effective_from` on or before it."""

    effective_from = models.DateField(_("生效日期"), unique=True)
    workers_per_10k = models.DecimalField(
        _("每万人配备社区工作者数"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("200"))],
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("社区工作者配备标准")
        verbose_name_plural = _("社区工作者配备标准")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(workers_per_10k__gt=0), name="staffing_norm_positive"
            ),
        ]

    def __str__(self) -> str:
        return _("%(date)s 起每万人 %(n)s 名") % {
            "date": self.effective_from.isoformat(),
            "n": f"{self.workers_per_10k.normalize():f}",
        }
