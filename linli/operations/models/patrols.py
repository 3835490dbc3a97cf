"""Patrols (篇一 §五.1.5): routes with QR checkpoints, plans, the rounds generated from them
and the check-ins."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk, zone_fk
from .staff import StaffTeam


def new_checkpoint_code() -> str:
    """Short enough to type on a phone when the QR code cannot be scanned."""
    return secrets.token_hex(4).upper()


class PatrolRoute(TimeStamped):
    """A route of the guards through the areas not under closed management (篇一 §五.1.5)."""

    community = community_fk("patrol_routes")
    zone = zone_fk("patrol_routes")
    name = models.CharField(_("路线"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("巡逻路线")
        verbose_name_plural = _("巡逻路线")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="route_unique_name")]

    def __str__(self):
        return self.name


class Checkpoint(TimeStamped):
    """A point on a route. Its `code` is printed as a QR code on site and can also be typed."""

    community = community_fk("checkpoints")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.CASCADE,
                              related_name="checkpoints")
    name = models.CharField(_("巡更点"), max_length=60)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    code = models.CharField(_("点位码"), max_length=16, unique=True, default=new_checkpoint_code)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["route_id", "order", "id"]
        verbose_name = _("巡更点")
        verbose_name_plural = _("巡更点")

    def __str__(self):
        return self.name


class PatrolPlan(TimeStamped):
    """When a route must be walked: a time window on given weekdays (夜间巡逻 22:00–02:00 …).
    A window whose end is not after its start ends on the next day."""

    community = community_fk("patrol_plans")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.PROTECT, related_name="plans")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="patrol_plans")
    name = models.CharField(_("计划"), max_length=60)
    weekdays = models.JSONField(_("星期"), default=list, blank=True,
                                help_text=_("1=周一 … 7=周日；留空为每天"))
    window_start = models.TimeField(_("开始时间"))
    window_end = models.TimeField(_("结束时间"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "window_start", "id"]
        verbose_name = _("巡逻计划")
        verbose_name_plural = _("巡逻计划")

    def __str__(self):
        return self.name


class PatrolRound(TimeStamped):
    """One walk of a route in one window of a plan, or an unplanned one."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待巡逻")
        IN_PROGRESS = "in_progress", _("巡逻中")
        COMPLETED = "completed", _("已完成")
        INCOMPLETE = "incomplete", _("有漏巡")
        MISSED = "missed", _("未巡逻")

    community = community_fk("patrol_rounds")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.PROTECT, related_name="rounds")
    plan = models.ForeignKey(PatrolPlan, verbose_name=_("计划"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="rounds")
    date = models.DateField(_("日期"))
    window_start = models.DateTimeField(_("开始时间"))
    window_end = models.DateTimeField(_("截止时间"))
    guard = models.ForeignKey(USER, verbose_name=_("巡逻人"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="patrol_rounds")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(_("开始巡逻"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束巡逻"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "window_start", "id"]
        verbose_name = _("巡逻记录")
        verbose_name_plural = _("巡逻记录")
        constraints = [models.UniqueConstraint(fields=["plan", "window_start"], condition=Q(plan__isnull=False),
                                               name="round_once_per_window")]
        indexes = [models.Index(fields=["community", "date"], name="round_community_date")]


class PatrolCheckIn(models.Model):
    """A guard at a checkpoint, by scanning its QR code or typing it."""

    class Method(models.TextChoices):
        SCAN = "scan", _("扫码")
        TYPED = "typed", _("输入点位码")

    community = community_fk("+")
    patrol_round = models.ForeignKey(PatrolRound, verbose_name=_("巡逻"), on_delete=models.PROTECT,
                                     related_name="checkins")
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("巡更点"), on_delete=models.PROTECT,
                                   related_name="checkins")
    at = models.DateTimeField(_("打卡时间"))
    by = models.ForeignKey(USER, verbose_name=_("打卡人"), null=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices, default=Method.SCAN)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["patrol_round_id", "at", "id"]
        verbose_name = _("巡更打卡")
        verbose_name_plural = _("巡更打卡")
        constraints = [models.UniqueConstraint(fields=["patrol_round", "checkpoint"], name="checkin_once")]
