from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import capabilities


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区管理员")
    SUBDISTRICT_ADMIN = "subdistrict_admin", _("街道（镇）管理员")
    SUPERVISOR = "supervisor", _("督导师")
    WORKER = "worker", _("社区工作者")
    LEADER = "leader", _("领导（只读）")


class User(AbstractUser):
    """A login. The role decides what is visible; a subdistrict administrator is scoped."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.WORKER)
    subdistrict = models.ForeignKey(
        "neighbourhoods.Subdistrict",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="administrators",
        verbose_name=_("所属街道（镇）"),
        help_text=_("仅街道（镇）管理员需要"),
    )
    display_name = models.CharField(_("姓名"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role="subdistrict_admin") | models.Q(subdistrict__isnull=False),
                name="user_subdistrict_admin_has_subdistrict",
            )
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    @property
    def is_district_admin(self) -> bool:
        return self.role == Role.DISTRICT_ADMIN or self.is_superuser

    @property
    def is_subdistrict_admin(self) -> bool:
        return self.role == Role.SUBDISTRICT_ADMIN and not self.is_superuser

    @property
    def is_supervisor(self) -> bool:
        return self.role == Role.SUPERVISOR and not self.is_superuser

    @property
    def is_worker(self) -> bool:
        return self.role == Role.WORKER and not self.is_superuser

    @property
    def is_leader(self) -> bool:
        return self.role == Role.LEADER and not self.is_superuser

    # What a role may do is decided in accounts/capabilities.py (templates ask `caps`); these
    # properties are the same rules under the names the certification and import code use.

    @property
    def sees_whole_district(self) -> bool:
        return capabilities.sees_whole_district(self)

    @property
    def sees_full_identity(self) -> bool:
        """Full ID numbers, birth dates and mobiles (capabilities.sees_full_identity says why)."""
        return capabilities.sees_full_identity(self)

    @property
    def sees_full_id_numbers(self) -> bool:
        # The same rule under the name the import kinds and templates have long used.
        return self.sees_full_identity


class Notification(models.Model):
    """An in-app message to one user (reminders). `key` makes a reminder idempotent."""

    class Kind(models.TextChoices):
        CADENCE = "cadence", _("督导频次提醒")
        CONFIRM = "confirm", _("待确认督导记录")
        INFO = "info", _("通知")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("用户")
    )
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.INFO)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=200, blank=True)
    # A task that runs twice on the same day must not notify twice.
    key = models.CharField(_("去重键"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"], condition=~models.Q(key=""), name="notification_key_once"
            )
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
