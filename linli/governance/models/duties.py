"""The committee's duties (篇四 §二): the property service's budget and final accounts, owners'
concerns, and the scrutineers and tellers of a count."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import MoneyField

from .assemblies import Assembly
from .elections import Election


class ServiceBudget(TimeStamped):
    """The annual property-service budget or final accounts (物业管理服务费的预算和决算, 篇四 §二.4):
    drafted by the company, approved by the committee, then disclosed to the owners."""

    class Kind(models.TextChoices):
        BUDGET = "budget", _("预算")
        FINAL = "final", _("决算")

    class Status(models.TextChoices):
        DRAFT = "draft", _("物业服务企业编制中")
        SUBMITTED = "submitted", _("待业主委员会审核")
        RETURNED = "returned", _("业主委员会退回修改")
        APPROVED = "approved", _("业主委员会已批准")
        DISCLOSED = "disclosed", _("已向业主公开")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="service_budgets")
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("类别"), max_length=8, choices=Kind.choices)
    title = models.CharField(_("名称"), max_length=120)
    note = models.TextField(_("编制说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    total = MoneyField(_("合计"), default=Decimal("0.00"))
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)
    approved_at = models.DateTimeField(_("批准时间"), null=True, blank=True)
    disclosed_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-year", "kind"]
        verbose_name = _("物业服务预算/决算")
        verbose_name_plural = _("物业服务预算/决算")
        constraints = [models.UniqueConstraint(fields=["community", "year", "kind"], name="service_budget_once")]

    def __str__(self):
        return self.title


class ServiceBudgetLine(models.Model):
    budget = models.ForeignKey(ServiceBudget, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField(default=0)
    item = models.CharField(_("项目"), max_length=80)
    amount = MoneyField(_("金额"), validators=[MinValueValidator(Decimal("0.00"))])
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["budget_id", "position", "id"]


class OwnerConcern(TimeStamped):
    """An owner's concern about the property service, raised with the committee first (篇四 §二:
    业主在对物业管理有意见时要首先向业主委员会反映): the committee answers it, and where the company
    must act, hands it to the company as a service request."""

    class Status(models.TextChoices):
        OPEN = "open", _("待业主委员会答复")
        ANSWERED = "answered", _("业主委员会已答复")
        HANDED_OFF = "handed_off", _("已转物业服务企业办理")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="owner_concerns")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    subject = models.CharField(_("事项"), max_length=100)
    # A hand-off puts the concern and the committee's opinion into one service request's description
    # (2,000 characters, DESIGN §5 v1.1): each keeps to its share of it.
    text = models.TextField(_("意见"), max_length=1500)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OPEN)
    answer = models.TextField(_("业主委员会答复"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    service_request = models.OneToOneField("servicedesk.ServiceRequest", verbose_name=_("转办工单"), null=True,
                                           blank=True, on_delete=models.PROTECT, related_name="owner_concern")
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        ordering = ["community_id", "-id"]
        verbose_name = _("业主意见")
        verbose_name_plural = _("业主意见")

    def __str__(self):
        return self.subject


class CountOfficer(TimeStamped):
    """A scrutineer or teller (监票人、计票人) of an election or an assembly, chosen by the
    preparation group or the committee (篇四 §一.7(2)). After the count each signs it: the
    signature records the moment and the digest of the ballots the count was made from."""

    class Role(models.TextChoices):
        SCRUTINEER = "scrutineer", _("监票人")
        TELLER = "teller", _("计票人")

    election = models.ForeignKey(Election, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="count_officers")
    assembly = models.ForeignKey(Assembly, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="count_officers")
    role = models.CharField(_("职责"), max_length=12, choices=Role.choices)
    name = models.CharField(_("姓名"), max_length=60)
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    signed_at = models.DateTimeField(_("签字时间"), null=True, blank=True)
    signed_digest = models.CharField(_("所签计票结果摘要"), max_length=64, blank=True)
    signed_entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("监票、计票人")
        verbose_name_plural = _("监票、计票人")
        constraints = [models.CheckConstraint(condition=Q(election__isnull=True) ^ Q(assembly__isnull=True),
                                              name="count_officer_of_one_vote")]

    def __str__(self):
        return f"{self.get_role_display()} {self.name}"
