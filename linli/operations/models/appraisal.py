"""Staff appraisal (篇一 5.6 “奖励20%的优秀者，鼓励70%的普通者，淘汰10%的落后者”): a period in which
the manager scores each staff member against the company's criteria, then the scored staff are
ranked and split into the reward / encourage / eliminate bands (see `linli.operations.appraisal_rules`)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import USER, community_fk
from .staff import Position, StaffMember, StaffTeam

# The seed's own words for what a good employee is (篇一 2–4, 6): 企业精神 “敬业修德 高效创优 诚信进取”,
# 动作态度 “主动 热情 周到 细致”, 员工修养 “绝不内耗 … 每日学习，每日进步”. 20 points each, 100 in all.
DEFAULT_CRITERIA = [
    {"name": "敬业修德", "max": 20},
    {"name": "高效创优", "max": 20},
    {"name": "诚信进取", "max": 20},
    {"name": "服务态度（主动 热情 周到 细致）", "max": 20},
    {"name": "团队协作与学习（绝不内耗，每日学习）", "max": 20},
]


class Band(models.TextChoices):
    REWARD = "reward", _("奖励")
    ENCOURAGE = "encourage", _("鼓励")
    ELIMINATE = "eliminate", _("淘汰")


class Appraisal(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("评分中")
        CLOSED = "closed", _("已结束")

    community = community_fk("appraisals")
    name = models.CharField(_("名称"), max_length=60)
    period_start = models.DateField(_("考核期开始"))
    period_end = models.DateField(_("考核期结束"))
    criteria = models.JSONField(_("考核项目"), default=list)
    reward_percent = models.PositiveSmallIntegerField(_("奖励比例（%）"), default=20,
                                                      validators=[MaxValueValidator(100)])
    eliminate_percent = models.PositiveSmallIntegerField(_("淘汰比例（%）"), default=10,
                                                         validators=[MaxValueValidator(100)])
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-period_end", "-id"]
        verbose_name = _("员工考核")
        verbose_name_plural = _("员工考核")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="appraisal_unique_name")]

    def __str__(self):
        return self.name

    @property
    def encourage_percent(self) -> int:
        return 100 - self.reward_percent - self.eliminate_percent

    @property
    def max_total(self) -> int:
        return sum(int(c["max"]) for c in self.criteria)


class AppraisalScore(TimeStamped):
    """One staff member's scores in one appraisal. Position and team are those of the day of
    scoring, so a later transfer does not move the member to another ranking."""

    appraisal = models.ForeignKey(Appraisal, verbose_name=_("考核"), on_delete=models.CASCADE, related_name="scores")
    community = community_fk("+")
    member = models.ForeignKey(StaffMember, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="+")
    position = models.ForeignKey(Position, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    scores = models.JSONField(_("各项得分"), default=list)
    total = models.PositiveSmallIntegerField(_("总分"), validators=[MinValueValidator(0)])
    comment = models.CharField(_("评语"), max_length=200, blank=True)
    band = models.CharField(_("结果"), max_length=10, choices=Band.choices, blank=True,
                            help_text=_("考核结束时按比例确定。"))
    scored_by = models.ForeignKey(USER, verbose_name=_("评分人"), null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["appraisal_id", "-total", "member__name", "id"]
        verbose_name = _("考核评分")
        verbose_name_plural = _("考核评分")
        constraints = [models.UniqueConstraint(fields=["appraisal", "member"], name="appraisalscore_once")]
