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
