"""Notices to the owners of the community, a zone or a building, and who has read them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk, zone_fk


class Notice(TimeStamped):
    """An announcement to the owners of the community, one zone or one building."""

    class Audience(models.TextChoices):
        COMMUNITY = "community", _("全小区")
        ZONE = "zone", _("分区")
        BUILDING = "building", _("楼栋")

    community = community_fk("notices")
    audience = models.CharField(_("范围"), max_length=10, choices=Audience.choices, default=Audience.COMMUNITY)
    zone = zone_fk("+")
    building = models.ForeignKey("estates.Building", verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    pinned = models.BooleanField(_("置顶"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("下架时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    author = models.ForeignKey(USER, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["community_id", "-pinned", "-published_at", "-id"]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        constraints = [
            models.CheckConstraint(
                condition=(Q(audience="community", zone__isnull=True, building__isnull=True)
                           | Q(audience="zone", zone__isnull=False, building__isnull=True)
                           | Q(audience="building", building__isnull=False)),
                name="notice_audience_target"),
        ]

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"))

    class Meta:
        ordering = ["notice_id", "read_at"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]
