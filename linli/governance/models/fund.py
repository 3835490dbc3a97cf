"""The maintenance fund (专项维修资金): the units' accounts and ledgers, the uses of the fund and
the objections to them, top-up notices and interest."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import MoneyField

from ..sentences import fund_memo
from .assemblies import Motion
from .common import AppendOnly, Roll, RollEntry


class FundAccount(TimeStamped):
    """A unit's maintenance-fund account. `balance` is the running total of its ledger; writes
    lock the account row, so concurrent entries never interleave."""

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.OneToOneField("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT,
                                related_name="fund_account")
    first_deposit = MoneyField(_("首期交存额"), default=Decimal("0.00"))
    balance = MoneyField(_("余额"), default=Decimal("0.00"))

    class Meta:
        ordering = ["community_id", "unit_id"]
        verbose_name = _("维修资金分户账")
        verbose_name_plural = _("维修资金分户账")
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="fund_account_not_negative")]


class FundUsage(TimeStamped):
    """A use of the maintenance fund: scope (the units that pay), budget, contractor and mode."""

    class Mode(models.TextChoices):
        ASSEMBLY = "assembly", _("业主大会表决")
        NEGATIVE_VOTE = "negative_vote", _("否定表决（公示异议）")
        EMERGENCY = "emergency", _("应急使用")

    class Category(models.TextChoices):
        ELEVATOR = "elevator", _("电梯故障停运")
        LEAK = "leak", _("屋面或管道渗漏")
        FIRE_SYSTEM = "fire_system", _("消防设施故障")
        EXTERIOR_WALL = "exterior_wall", _("外墙脱落")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿（待发布）")
        PENDING = "pending", _("待批准")
        PUBLICITY = "publicity", _("公示中")
        VOTING = "voting", _("业主大会表决中")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未通过")
        PAID = "paid", _("已列支")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="fund_usages")
    title = models.CharField(_("项目名称"), max_length=120)
    description = models.TextField(_("维修方案"), blank=True)
    amount = MoneyField(_("预算金额"), validators=[MinValueValidator(Decimal("0.01"))])
    contractor = models.CharField(_("施工单位"), max_length=120, blank=True)
    units = models.ManyToManyField("estates.Unit", verbose_name=_("分摊范围"), related_name="+")
    mode = models.CharField(_("使用方式"), max_length=16, choices=Mode.choices)
    category = models.CharField(_("应急情形"), max_length=16, choices=Category.choices, blank=True)
    publicity_ends = models.DateTimeField(_("公示截止"), null=True, blank=True)
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    motion = models.OneToOneField(Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="fund_usage")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices)
    decision = models.JSONField(_("决定"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    approved_by = models.CharField(_("批准机构"), max_length=30, blank=True)
    published_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    paid_at = models.DateTimeField(_("列支时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["community_id", "-id"]
        verbose_name = _("维修资金使用")
        verbose_name_plural = _("维修资金使用")

    def __str__(self):
        return self.title


class FundObjection(AppendOnly):
    usage = models.ForeignKey(FundUsage, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("提出时间"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["usage_id", "id"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        constraints = [models.UniqueConstraint(fields=["usage", "entry"], name="objection_once")]


class FundEntry(AppendOnly):
    """One line of a unit's fund ledger. `amount` is signed: withdrawals are negative."""

    class Kind(models.TextChoices):
        FIRST_DEPOSIT = "first_deposit", _("首期交存")
        TOP_UP = "top_up", _("续筹")
        INTEREST = "interest", _("利息")
        WITHDRAWAL = "withdrawal", _("使用分摊")

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    amount = MoneyField(_("金额"))
    balance = MoneyField(_("余额"))
    usage = models.ForeignKey(FundUsage, null=True, blank=True, on_delete=models.PROTECT, related_name="entries")
    memo = models.CharField(_("摘要"), max_length=120, blank=True)
    at = models.DateTimeField(_("时间"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("维修资金明细")
        verbose_name_plural = _("维修资金明细")
        indexes = [models.Index(fields=["community", "unit"], name="fund_entry_community_unit")]
        constraints = [models.CheckConstraint(condition=Q(balance__gte=0), name="fund_entry_not_negative")]

    @property
    def shown_memo(self) -> str:
        """The summary in the reader's language when the platform wrote it; as typed otherwise."""
        return fund_memo(self)


class TopUpNotice(TimeStamped):
    """The balance fell below 30% of the first deposit: the owners are asked to top up (续筹)."""

    account = models.ForeignKey(FundAccount, on_delete=models.PROTECT, related_name="notices")
    balance = MoneyField(_("余额"))
    settled_at = models.DateTimeField(_("已续筹于"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("续筹通知")
        verbose_name_plural = _("续筹通知")
        constraints = [models.UniqueConstraint(fields=["account"], condition=Q(settled_at__isnull=True),
                                               name="top_up_notice_one_open")]


class FundInterest(TimeStamped):
    """Interest credited to a community's fund. The company's finance staff post it at once; a
    committee member only proposes it, and a second member confirms it before it reaches the
    ledgers — no single member moves the owners' money alone."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待另一位委员确认")
        POSTED = "posted", _("已入账")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+")
    amount = MoneyField(_("利息金额"), validators=[MinValueValidator(Decimal("0.01"))])
    memo = models.CharField(_("摘要"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    posted_at = models.DateTimeField(_("入账时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-id"]
        verbose_name = _("维修资金利息")
        verbose_name_plural = _("维修资金利息")
