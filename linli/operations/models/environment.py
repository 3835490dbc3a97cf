"""Cleaning and greening (篇一 §五.2–3): task templates, the tasks generated from them and
inspections item by item."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk, zone_fk
from .staff import StaffTeam


class TaskTemplate(TimeStamped):
    """A recurring job and its frequency: roads daily, stairs and handrails twice a month,
    garbage cleared daily, watering and pruning."""

    class Kind(models.TextChoices):
        CLEANING = "cleaning", _("保洁")
        GREENING = "greening", _("绿化")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("每天")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    community = community_fk("task_templates")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    frequency = models.CharField(_("周期"), max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    times = models.PositiveSmallIntegerField(_("每周期次数"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(31)])
    weekdays = models.JSONField(_("星期"), default=list, blank=True, help_text=_("每周任务：1=周一 … 7=周日"))
    due_time = models.TimeField(_("完成时限"), default="18:00")
    zones = models.ManyToManyField("estates.Zone", verbose_name=_("分区"), blank=True, related_name="+")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="task_templates")
    checklist = models.JSONField(_("检查项"), default=list, blank=True)
    photo_required = models.BooleanField(_("须拍照"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "kind", "name", "id"]
        verbose_name = _("作业模板")
        verbose_name_plural = _("作业模板")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="tasktemplate_unique_name")]

    def __str__(self):
        return self.name


class EnvTask(TimeStamped):
    """One generated cleaning or greening job, for one zone and team, due on one day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待完成")
        DONE = "done", _("已完成")

    community = community_fk("env_tasks")
    template = models.ForeignKey(TaskTemplate, verbose_name=_("模板"), on_delete=models.PROTECT,
                                 related_name="tasks")
    zone = zone_fk("+")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tasks")
    due_date = models.DateField(_("日期"))
    due_by = models.DateTimeField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(USER, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    photo = models.ImageField(_("照片"), upload_to="env-tasks/%Y/%m/", blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "due_by", "id"]
        verbose_name = _("保洁绿化任务")
        verbose_name_plural = _("保洁绿化任务")
        # One task per template, zone and day; a community-wide template (no zone) once a day.
        constraints = [
            models.UniqueConstraint(fields=["template", "zone", "due_date"], condition=Q(zone__isnull=False),
                                    name="envtask_once_per_zone"),
            models.UniqueConstraint(fields=["template", "due_date"], condition=Q(zone__isnull=True),
                                    name="envtask_once_community_wide"),
        ]
        indexes = [models.Index(fields=["community", "status", "due_by"], name="envtask_community_due")]


class EnvInspection(TimeStamped):
    """A supervisor's check of a zone's cleaning or greening, item by item."""

    community = community_fk("env_inspections")
    task = models.ForeignKey(EnvTask, verbose_name=_("任务"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="inspections")
    zone = zone_fk("+")
    kind = models.CharField(_("类别"), max_length=10, choices=TaskTemplate.Kind.choices)
    inspector = models.ForeignKey(USER, verbose_name=_("检查人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    at = models.DateTimeField(_("检查时间"))
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "-at", "-id"]
        verbose_name = _("环境检查")
        verbose_name_plural = _("环境检查")


class EnvInspectionItem(models.Model):
    inspection = models.ForeignKey(EnvInspection, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("检查项"), max_length=60)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspection_id", "id"]
