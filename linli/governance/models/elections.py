"""Committee elections: candidates, participants, ballots and a tie at the last seat."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .assemblies import Assembly, Proxy, Vote
from .common import AppendOnly, Roll, RollEntry


class Election(TimeStamped):
    """An election of the owners' committee (篇四 §一.6–7). Nominations, then the candidates'
    publicity until `publicity_ends` (empty: none), then sign-in and ballots, then the tally."""

    class Status(models.TextChoices):
        NOMINATING = "nominating", _("提名中")
        PUBLICITY = "publicity", _("候选人公示中")
        OPEN = "open", _("投票中")
        TALLIED = "tallied", _("已计票")
        CANCELLED = "cancelled", _("已取消")

    RUNNING = (Status.NOMINATING, Status.PUBLICITY, Status.OPEN)

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="elections")
    title = models.CharField(_("名称"), max_length=120, blank=True)
    seats = models.PositiveSmallIntegerField(_("应选人数"), default=9)
    publicity_ends = models.DateTimeField(_("候选人公示截止"), null=True, blank=True)
    conditions = models.JSONField(_("附加资格条件"), default=list, blank=True)
    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="elections")
    round_of = models.ForeignKey("self", verbose_name=_("补选自"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="further_rounds")
    by_election_for = models.ForeignKey("Committee", verbose_name=_("补选的业主委员会"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="by_elections",
                                        help_text=_("罢免或出缺后，为在任的业主委员会补选委员。"))
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NOMINATING)
    published_at = models.DateTimeField(_("候选人公布于"), null=True, blank=True)
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开始投票于"), null=True, blank=True)
    ballots_collected = models.PositiveIntegerField(_("票箱清点票数"), null=True, blank=True)
    result = models.JSONField(_("计票结果"), null=True, blank=True)
    tallied_at = models.DateTimeField(_("计票时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-id"]
        verbose_name = _("业主委员会选举")
        verbose_name_plural = _("业主委员会选举")
        # One election at a time in a community (篇四 §一.7): two running at once would split the
        # owners' sign-ins and ballots between two rolls for the same seats.
        constraints = [models.UniqueConstraint(fields=["community"], condition=Q(status__in=["nominating", "publicity", "open"]),
                                               name="election_one_running")]

    def __str__(self):
        return self.title or _("业主委员会选举 #%(id)s") % {"id": self.pk}


class Candidate(TimeStamped):
    class Channel(models.TextChoices):
        PREP_GROUP = "prep_group", _("筹备组提名")
        OWNER_REPS = "owner_reps", _("业主代表提名")
        JOINT = "joint", _("业主联合提名")
        SELF = "self", _("个人自荐")

    election = models.ForeignKey(Election, verbose_name=_("选举"), on_delete=models.PROTECT,
                                 related_name="candidates")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="+")
    nominated_by = models.CharField(_("提名方式"), max_length=12, choices=Channel.choices)
    nominators = models.ManyToManyField("estates.Owner", verbose_name=_("提名业主"), blank=True, related_name="+")
    statement = models.TextField(_("个人简介"), blank=True)
    eligibility = models.JSONField(_("资格审查"), default=list, blank=True)

    class Meta:
        ordering = ["election_id", "id"]
        verbose_name = _("候选人")
        verbose_name_plural = _("候选人")
        constraints = [models.UniqueConstraint(fields=["election", "owner"], name="candidate_once")]

    def __str__(self):
        return self.owner.name


class Participant(AppendOnly):
    """An owner signed in to an election, to whom a ballot was issued (领取选票)."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="participants")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    proxy = models.ForeignKey(Proxy, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signed_in_at = models.DateTimeField(_("签到时间"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["election_id", "id"]
        verbose_name = _("选举参加人")
        verbose_name_plural = _("选举参加人")
        constraints = [models.UniqueConstraint(fields=["election", "entry"], name="participant_once")]


class Ballot(AppendOnly):
    """A participant's named ballot: the candidates marked, as ids in ascending order."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="ballots")
    participant = models.OneToOneField(Participant, on_delete=models.PROTECT, related_name="ballot")
    selections = models.JSONField(_("所选候选人"), default=list)
    channel = models.CharField(_("方式"), max_length=8, choices=Vote.Channel.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(_("投票时间"))

    class Meta:
        ordering = ["election_id", "id"]
        verbose_name = _("选票")
        verbose_name_plural = _("选票")


class TieBreakVote(AppendOnly):
    """篇四 §一.7(5): when equal votes leave the last seat(s) undecided, the members already
    elected vote among the tied candidates."""

    election = models.ForeignKey(Election, on_delete=models.PROTECT, related_name="tie_break_votes")
    member = models.ForeignKey(Candidate, on_delete=models.PROTECT, related_name="+")
    choices = models.JSONField(default=list)
    cast_at = models.DateTimeField()
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["election_id", "id"]
        constraints = [models.UniqueConstraint(fields=["election", "member"], name="tie_break_once")]
