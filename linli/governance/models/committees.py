"""The committee: its members, filings, officer ballots and self-management, and recall."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .assemblies import Motion
from .common import AREA, AppendOnly
from .elections import Election


class Committee(TimeStamped):
    """An owners' committee (业主委员会) for one three-year term (篇四 §一.2)."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="committees")
    election = models.OneToOneField(Election, verbose_name=_("选举"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="committee")
    term_start = models.DateField(_("任期开始"))
    term_end = models.DateField(_("任期届满"))
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filed_with = models.ForeignKey("orgs.Organization", verbose_name=_("备案机关"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    filing_reference = models.CharField(_("备案编号"), max_length=60, blank=True)
    reminder_sent_on = models.DateField(_("换届提醒日期"), null=True, blank=True)
    officer_round = models.PositiveSmallIntegerField(_("主任、副主任推选轮次"), default=1)
    seats = models.PositiveSmallIntegerField(_("委员人数"), default=9,
                                             help_text=_("选举产生的委员名额；罢免或出缺后由补选补足，不超过此数。"))

    class Meta:
        ordering = ["community_id", "-term_start", "-id"]
        verbose_name = _("业主委员会")
        verbose_name_plural = _("业主委员会")
        constraints = [
            models.UniqueConstraint(fields=["community"], condition=Q(ended_on__isnull=True),
                                    name="committee_one_current"),
        ]

    def __str__(self):
        return _("%(community)s业主委员会（%(start)s—%(end)s）") % {
            "community": self.community.name, "start": self.term_start.year, "end": self.term_end.year}


class CommitteeMember(TimeStamped):
    class Office(models.TextChoices):
        CHAIR = "chair", _("主任")
        VICE_CHAIR = "vice_chair", _("副主任")
        MEMBER = "member", _("委员")

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="members")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    office = models.CharField(_("职务"), max_length=12, choices=Office.choices, default=Office.MEMBER)
    membership = models.ForeignKey("orgs.Membership", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    left_on = models.DateField(_("离任日期"), null=True, blank=True)

    class Meta:
        ordering = ["committee_id", "id"]
        verbose_name = _("业主委员会委员")
        verbose_name_plural = _("业主委员会委员")
        constraints = [models.UniqueConstraint(fields=["committee", "owner"], name="committee_member_once")]

    def __str__(self):
        return self.owner.name


class CommitteeFiling(TimeStamped):
    """A filing (备案) of the committee with the sub-district office (篇四 §一.6(6)): submitted by
    the committee with the members as they stand, then received and confirmed — or returned with
    the reason — by the sub-district on its side. A change of members (a recall, a by-election)
    needs a new filing."""

    class Reason(models.TextChoices):
        FORMATION = "formation", _("成立备案")
        CHANGE = "change", _("变更备案")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("已报送，待街道办事处确认")
        CONFIRMED = "confirmed", _("街道办事处已确认")
        RETURNED = "returned", _("街道办事处退回")

    committee = models.ForeignKey(Committee, verbose_name=_("业主委员会"), on_delete=models.PROTECT,
                                  related_name="filings")
    reason = models.CharField(_("备案事由"), max_length=10, choices=Reason.choices)
    reference = models.CharField(_("备案编号"), max_length=60)
    filed_on = models.DateField(_("报送日期"))
    filed_with = models.ForeignKey("orgs.Organization", verbose_name=_("备案机关"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="committee_filings")
    members = models.JSONField(_("报送的委员名单"), default=list)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("街道办事处意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["committee_id", "-id"]
        verbose_name = _("业主委员会备案")
        verbose_name_plural = _("业主委员会备案")


class OfficerBallot(AppendOnly):
    """A member's choice of the chair and the two vice chairs (篇四 §一.2, §一.6(6))."""

    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="officer_ballots")
    round = models.PositiveSmallIntegerField(default=1)
    voter = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+")
    chair = models.ForeignKey(CommitteeMember, on_delete=models.PROTECT, related_name="+")
    vice_chairs = models.JSONField(default=list)
    cast_at = models.DateTimeField()

    class Meta:
        ordering = ["committee_id", "id"]
        constraints = [models.UniqueConstraint(fields=["committee", "round", "voter"], name="officer_ballot_once")]


class SelfManagement(TimeStamped):
    """A community managed by its committee (篇四 §三): the committee's own organization of kind
    company serves the community, and the manager it hires is that organization's `manager`."""

    community = models.OneToOneField("estates.Community", on_delete=models.PROTECT, related_name="self_management")
    organization = models.OneToOneField("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    previous_company = models.ForeignKey("orgs.Organization", null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    started_on = models.DateField(_("自管开始"))

    class Meta:
        verbose_name = _("自主管理")
        verbose_name_plural = _("自主管理")


# Recall -----------------------------------------------------------------------------------

class RecallPetition(TimeStamped):
    """A proposal to recall committee members (篇四 §一.7(7)): once the signers hold 20% or more
    of the exclusive area, a recall motion goes on the next assembly; when it passes, the members
    leave on the day the result is published and their seats go to a by-election."""

    class Status(models.TextChoices):
        COLLECTING = "collecting", _("征集签名中")
        QUALIFIED = "qualified", _("已达 20%，待列入业主大会")
        PLACED = "placed", _("已列入业主大会议题")
        RECALLED = "recalled", _("已罢免")
        NOT_RECALLED = "not_recalled", _("罢免未通过")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="recall_petitions")
    committee = models.ForeignKey(Committee, on_delete=models.PROTECT, related_name="recall_petitions")
    members = models.ManyToManyField(CommitteeMember, verbose_name=_("提请罢免的委员"), related_name="+")
    reason = models.TextField(_("罢免理由"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.COLLECTING)
    qualified_at = models.DateTimeField(_("达到比例于"), null=True, blank=True)
    motion = models.OneToOneField(Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="recall")
    decided_on = models.DateField(_("表决结果公布日"), null=True, blank=True)
    by_election = models.ForeignKey(Election, verbose_name=_("补选"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("罢免提议")
        verbose_name_plural = _("罢免提议")


class RecallSignature(AppendOnly):
    petition = models.ForeignKey(RecallPetition, on_delete=models.PROTECT, related_name="signatures")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    area = models.DecimalField(_("专有部分面积(m²)"), **AREA)
    signed_at = models.DateTimeField(_("签名时间"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["petition_id", "id"]
        constraints = [models.UniqueConstraint(fields=["petition", "owner"], name="recall_signature_once")]
