"""The government tiers' own duties (篇三 一(一), 三、(二)): property management as part of the
district's work assessment of sub-districts and residents' committees, the campaign's targets and
deadlines, and the staffing each tier must have. Imported by models.py, so Django finds them."""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import FixedPointField

# 篇三 三、(二): 8月底，市局……对各区专项整治工作完成及进展情况进行考核; 一(二): 于8月底前补签到位.
CAMPAIGN_DUE_MONTH, CAMPAIGN_DUE_DAY = 8, 31


def campaign_due(year: int) -> dt.date:
    return dt.date(year, CAMPAIGN_DUE_MONTH, CAMPAIGN_DUE_DAY)


class DutyItem(TimeStamped):
    """One target of one office for one year, set by the assessing tier: its deadline, what the
    office reports, and the assessor's result. Late is derived: done after the deadline, or not
    done once the deadline has passed."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("工作考核")
        CAMPAIGN = "campaign", _("专项整治")

    class Topic(models.TextChoices):
        SYSTEM = "system", _("三级监管体制")
        STAFFING = "staffing", _("机构与人员配备")
        COMMITTEE = "committee", _("业委会组建")
        BACKSIGN = "backsign", _("物业服务合同补签")
        TRAINING = "training", _("从业人员轮训")
        HONOUR = "honour", _("优秀项目复核")
        RENOVATION = "renovation", _("老旧小区改造")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("进行中")
        PASSED = "passed", _("考核合格")
        FAILED = "failed", _("考核不合格")

    assessor = models.ForeignKey("orgs.Organization", verbose_name=_("考核单位"), on_delete=models.PROTECT,
                                 related_name="+")
    office = models.ForeignKey("orgs.Organization", verbose_name=_("责任单位"), on_delete=models.PROTECT,
                               related_name="duty_items")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices, default=Kind.ASSESSMENT)
    topic = models.CharField(_("事项"), max_length=12, choices=Topic.choices, default=Topic.OTHER)
    title = models.CharField(_("目标任务"), max_length=200)
    target_count = models.PositiveIntegerField(_("目标数量"), null=True, blank=True)
    deadline = models.DateField(_("完成期限"))
    done_count = models.PositiveIntegerField(_("已完成数量"), null=True, blank=True)
    result = models.TextField(_("完成情况"), blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    reported_on = models.DateField(_("报告日期"), null=True, blank=True)
    score = FixedPointField(_("考核得分"), places=2, null=True, blank=True,
                            validators=[MinValueValidator(0), MaxValueValidator(100)])
    status = models.CharField(_("考核结果"), max_length=8, choices=Status.choices, default=Status.OPEN)
    reviewed_on = models.DateField(_("考核日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "deadline", "office_id", "id"]
        verbose_name = _("工作考核事项")
        verbose_name_plural = _("工作考核事项")

    def __str__(self):
        return f"{self.year} {self.office} {self.title}"

    def late_on(self, today: dt.date) -> bool:
        """Done after the deadline, or still not done after it (the deadline day itself is on time)."""
        return (self.completed_on or today) > self.deadline


class StaffingRecord(TimeStamped):
    """What a tier has named for property management (篇三 一(一)): the district's dedicated office,
    the sub-district's lead. The people themselves are the tier's regulator memberships."""

    organization = models.OneToOneField("orgs.Organization", verbose_name=_("单位"), on_delete=models.PROTECT,
                                        related_name="staffing")
    office_name = models.CharField(_("物业管理办公室"), max_length=120, blank=True)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("分管领导"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["organization_id"]
        verbose_name = _("物业管理机构与人员")
        verbose_name_plural = _("物业管理机构与人员")
