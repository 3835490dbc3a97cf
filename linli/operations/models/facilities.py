"""Facilities and projects (篇一 §五.4–7): assets with their upkeep and repairs, projects with
per-unit progress and funding."""

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import MoneyField

from .common import USER, community_fk, zone_fk


class Asset(TimeStamped):
    class Kind(models.TextChoices):
        GUARDRAIL = "guardrail", _("护栏")
        STREETLIGHT = "streetlight", _("路灯")
        CAMERA = "camera", _("监控探头")
        FITNESS = "fitness", _("健身设备")
        BARRIER = "barrier", _("挡车器")
        GARBAGE_POINT = "garbage_point", _("垃圾投放点")
        PUMP = "pump", _("水泵")
        WATER_METER = "water_meter", _("水表")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("正常")
        FAULTY = "faulty", _("故障")
        RETIRED = "retired", _("报废")

    community = community_fk("assets")
    zone = zone_fk("assets")
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_SERVICE)
    requests = models.ManyToManyField("servicedesk.ServiceRequest", verbose_name=_("关联报修"), blank=True,
                                      related_name="assets")

    class Meta:
        ordering = ["community_id", "kind", "code"]
        verbose_name = _("设施设备")
        verbose_name_plural = _("设施设备")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="asset_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class MaintenancePlan(TimeStamped):
    """Upkeep every so many days (保养计划): the next due date moves on when it is done."""

    community = community_fk("maintenance_plans")
    asset = models.ForeignKey(Asset, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("保养项目"), max_length=60)
    every_days = models.PositiveSmallIntegerField(_("周期(天)"), validators=[MinValueValidator(1)])
    next_due = models.DateField(_("下次到期"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "next_due", "id"]
        verbose_name = _("保养计划")
        verbose_name_plural = _("保养计划")


class MaintenanceRecord(TimeStamped):
    """What was done to an asset: upkeep by plan, or a repair with its request."""

    community = community_fk("+")
    asset = models.ForeignKey(Asset, verbose_name=_("设施"), on_delete=models.PROTECT, related_name="records")
    plan = models.ForeignKey(MaintenancePlan, verbose_name=_("保养计划"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="records")
    request = models.ForeignKey("servicedesk.ServiceRequest", verbose_name=_("报修单"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_on = models.DateField(_("日期"))
    done_by = models.ForeignKey(USER, verbose_name=_("经办人"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    description = models.CharField(_("内容"), max_length=200)
    cost = MoneyField(_("费用"), default=0)

    class Meta:
        ordering = ["asset_id", "-done_on", "-id"]
        verbose_name = _("维护记录")
        verbose_name_plural = _("维护记录")


class Project(TimeStamped):
    """A piece of work across the community: the water-meter retrofit (户表改造), a renovation
    of roads, guardrails or greenery (公共设施整修), with per-unit progress where it goes unit by unit."""

    class Kind(models.TextChoices):
        RETROFIT = "retrofit", _("户表改造")
        RENOVATION = "renovation", _("公共设施整修")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")

    community = community_fk("projects")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("项目名称"), max_length=80)
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    finished_on = models.DateField(_("完工日期"), null=True, blank=True)
    budget = MoneyField(_("预算"), default=0)
    assets = models.ManyToManyField(Asset, verbose_name=_("涉及设施"), blank=True, related_name="projects")

    class Meta:
        ordering = ["community_id", "-created_at", "id"]
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")

    def __str__(self):
        return self.name


class ProjectUnit(models.Model):
    """One unit's progress in a project that goes door to door."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        IN_PROGRESS = "in_progress", _("施工中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("业主暂缓")

    community = community_fk("+")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("进度"), max_length=12, choices=Status.choices, default=Status.PENDING)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["project_id", "unit_id"]
        verbose_name = _("分户进度")
        verbose_name_plural = _("分户进度")
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="project_unit_once")]


class ProjectFunding(TimeStamped):
    """Where the money of a renovation comes from (篇一 §五.7): a government subsidy, common
    income, or the maintenance fund."""

    class Source(models.TextChoices):
        GOVERNMENT = "government", _("政府补贴")
        COMMON_INCOME = "common_income", _("公共收益")
        MAINTENANCE_FUND = "maintenance_fund", _("专项维修资金")
        COMPANY = "company", _("物业企业")

    community = community_fk("+")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("资金来源"), max_length=16, choices=Source.choices)
    amount = MoneyField(_("金额"))
    reference = models.CharField(_("依据"), max_length=120, blank=True,
                                 help_text=_("批文号、公共收益支出单或维修资金使用表决"))
    received_on = models.DateField(_("到位日期"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")
