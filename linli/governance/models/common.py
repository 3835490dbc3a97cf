"""What the votes share: append-only rows, the matters of Civil Code Art. 278, and the voting
roll as the registry stood when a vote opened."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import AppendOnlyError

AREA = dict(max_digits=14, decimal_places=2)


class AppendOnly(models.Model):
    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{self._meta.label} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{self._meta.label} rows are append-only")


class Matter(models.TextChoices):
    """The matters of Civil Code Art. 278; the last three need the three-quarter majority."""

    RULES = "rules", _("制定和修改业主大会议事规则")
    COMPACT = "compact", _("制定和修改管理规约")
    ELECTION = "election", _("选举业主委员会或者更换业主委员会成员")
    HIRE_COMPANY = "hire_company", _("选聘和解聘物业服务企业")
    FUND_USE = "fund_use", _("使用建筑物及其附属设施的维修资金")
    FUND_RAISE = "fund_raise", _("筹集建筑物及其附属设施的维修资金")
    REBUILD = "rebuild", _("改建、重建建筑物及其附属设施")
    COMMON_USE = "common_use", _("改变共有部分的用途或者利用共有部分从事经营活动")
    OTHER_MAJOR = "other_major", _("有关共有和共同管理权利的其他重大事项")


SPECIAL_MATTERS = frozenset({Matter.FUND_RAISE, Matter.REBUILD, Matter.COMMON_USE})


# The voting roll ---------------------------------------------------------------------------

class Roll(AppendOnly):
    """Who may vote, with what area, as the registry stood when a vote opened (DESIGN §6).
    A roll covers the whole community or only the units of a fund usage's scope."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+")
    taken_at = models.DateTimeField(_("生成时间"))
    scoped = models.BooleanField(_("限于部分房屋"), default=False)
    total_owners = models.PositiveIntegerField(_("业主总人数"))
    total_area = models.DecimalField(_("专有部分总面积(m²)"), **AREA)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("表决名册")
        verbose_name_plural = _("表决名册")


class RollEntry(AppendOnly):
    """One voter: an owner counted once, with the summed exclusive area of the units they vote for."""

    roll = models.ForeignKey(Roll, on_delete=models.CASCADE, related_name="entries")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("专有部分面积(m²)"), **AREA)
    units = models.JSONField(_("房屋"), default=list)

    class Meta:
        ordering = ["roll_id", "id"]
        constraints = [models.UniqueConstraint(fields=["roll", "owner"], name="roll_entry_once")]
