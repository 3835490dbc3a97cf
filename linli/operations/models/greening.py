"""Greening and facilities of 篇一 五: planting and replanting with species (3.1, 3.3), clearing the
vegetables residents grow in the green belts (3.2) and streetlight faults handed to the power
company (1.6 “积极协调供电部门使路灯发挥其应有的作用”)."""

import datetime as dt

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk, zone_fk


class GreenArea(models.TextChoices):
    """Where a planting is. 3.1 names the central garden, the square and the residents' activity
    places as the first to plant; they are the 显眼处 of 3.3 (`PROMINENT`)."""

    CENTRAL_GARDEN = "central_garden", _("中心游园")
    SQUARE = "square", _("广场周围")
    ACTIVITY = "activity", _("居民活动场所")
    BUILDING_BELT = "building_belt", _("楼前楼后绿化带")
    ROADSIDE = "roadside", _("道路两侧")
    OTHER = "other", _("其他")


# 篇一 五 3.3 “在区内显眼处增种一些色彩鲜艳的、四季常青的高冠花木”: each of these needs evergreens.
PROMINENT = (GreenArea.CENTRAL_GARDEN, GreenArea.SQUARE, GreenArea.ACTIVITY)


class PlantSpecies(TimeStamped):
    community = community_fk("plant_species")
    name = models.CharField(_("品种"), max_length=60)
    evergreen = models.BooleanField(_("四季常青"), default=False)
    tall_crown = models.BooleanField(_("高冠"), default=False)
    colourful = models.BooleanField(_("色彩鲜艳"), default=False)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("花木品种")
        verbose_name_plural = _("花木品种")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="plantspecies_unique_name")]

    def __str__(self):
        return self.name


class Planting(TimeStamped):
    class Kind(models.TextChoices):
        PLANTING = "planting", _("种植")
        REPLANTING = "replanting", _("补植")

    community = community_fk("plantings")
    zone = zone_fk("+")
    area = models.CharField(_("区域类别"), max_length=16, choices=GreenArea.choices)
    location = models.CharField(_("具体位置"), max_length=100)
    species = models.ForeignKey(PlantSpecies, verbose_name=_("品种"), on_delete=models.PROTECT,
                                related_name="plantings")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.PLANTING)
    quantity = models.PositiveIntegerField(_("数量（株）"), validators=[MinValueValidator(1)])
    date = models.DateField(_("日期"))
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "-date", "-id"]
        verbose_name = _("种植补植记录")
        verbose_name_plural = _("种植补植记录")


class PlotClearance(TimeStamped):
    """Vegetables grown in a green belt (3.2 “积极协调居民，尽快清除楼前、楼后绿化带内种植的青菜等杂物”):
    reported, the residents given notice with a deadline, then cleared."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("已发现")
        NOTIFIED = "notified", _("已通知")
        CLEARED = "cleared", _("已清除")

    community = community_fk("plot_clearances")
    zone = zone_fk("+")
    location = models.CharField(_("位置"), max_length=100)
    description = models.CharField(_("情况"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.REPORTED)
    reported_on = models.DateField(_("发现日期"))
    reported_by = models.ForeignKey(USER, verbose_name=_("发现人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    photo_before = models.ImageField(_("清除前照片"), upload_to="plots/%Y/%m/", blank=True)
    notified_on = models.DateField(_("通知日期"), null=True, blank=True)
    deadline = models.DateField(_("清除期限"), null=True, blank=True)
    cleared_on = models.DateField(_("清除日期"), null=True, blank=True)
    photo_after = models.ImageField(_("清除后照片"), upload_to="plots/%Y/%m/", blank=True)

    class Meta:
        ordering = ["community_id", "status", "deadline", "-id"]
        verbose_name = _("绿化带种菜清理")
        verbose_name_plural = _("绿化带种菜清理")

    def overdue_on(self, today: dt.date) -> bool:
        return self.status == self.Status.NOTIFIED and self.deadline is not None and today > self.deadline


class StreetlightFault(TimeStamped):
    class Status(models.TextChoices):
        REPORTED = "reported", _("已报修")
        HANDED_OVER = "handed_over", _("已移交供电公司")
        FIXED = "fixed", _("已修复")

    # Days the company takes to hand a fault to the power company, and the days the power
    # company is given to fix it when it promises no date (our rule: the seed gives none).
    HANDOVER_DAYS = 2
    FIX_DAYS = 7

    community = community_fk("streetlight_faults")
    zone = zone_fk("+")
    location = models.CharField(_("路灯位置"), max_length=100)
    description = models.CharField(_("故障情况"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.REPORTED)
    reported_on = models.DateField(_("报修日期"))
    reported_by = models.ForeignKey(USER, verbose_name=_("报修人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    handed_over_on = models.DateField(_("移交日期"), null=True, blank=True)
    power_reference = models.CharField(_("供电公司受理单号"), max_length=60, blank=True)
    promised_by = models.DateField(_("供电公司承诺修复日期"), null=True, blank=True)
    fixed_on = models.DateField(_("修复日期"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "status", "reported_on", "id"]
        verbose_name = _("路灯故障")
        verbose_name_plural = _("路灯故障")

    def days_open(self, today: dt.date) -> int:
        return ((self.fixed_on or today) - self.reported_on).days

    def due_on(self) -> dt.date:
        if self.handed_over_on is None:
            return self.reported_on + dt.timedelta(days=self.HANDOVER_DAYS)
        return self.promised_by or self.handed_over_on + dt.timedelta(days=self.FIX_DAYS)

    def overdue_on(self, today: dt.date) -> bool:
        return self.status != self.Status.FIXED and today > self.due_on()
