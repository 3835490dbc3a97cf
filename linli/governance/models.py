"""Owners' self-government (篇四; DESIGN §5 Governance, §6 Owners' votes): the voting roll,
assemblies and their motions, committee elections, the committee, recall, and the maintenance
fund (专项维修资金).

What decides a vote — ballots, proxies, sign-ins, objections, petition signatures, ledger
entries and roll snapshots — is append-only, like the audit log: a row is written once and
never changed or deleted through the ORM, and each one is also in the audit chain, so that
`governance_verify` can show any row altered behind the application's back."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import AppendOnlyError, TimeStamped
from linli.core.money import MoneyField

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


# Preparation group (筹备组) ------------------------------------------------------------------

class PrepGroup(TimeStamped):
    """The group of owners' representatives that prepares the first assembly (篇四 §一.4–5),
    formed under the sub-district / residents' committee (篇三 §三(二))."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="prep_groups")
    formed_on = models.DateField(_("成立日期"))
    led_by = models.ForeignKey("orgs.Organization", verbose_name=_("指导单位"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    dissolved_on = models.DateField(_("解散日期"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("筹备组")
        verbose_name_plural = _("筹备组")

    def __str__(self):
        return _("%(community)s业主大会筹备组") % {"community": self.community.name}


class PrepGroupMember(TimeStamped):
    class Role(models.TextChoices):
        LEADER = "leader", _("组长")
        MEMBER = "member", _("成员")

    group = models.ForeignKey(PrepGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=60)
    role = models.CharField(_("职务"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    affiliation = models.CharField(_("身份"), max_length=60, blank=True, help_text=_("如：业主代表、街道办事处代表"))
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登录账号"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="prep_group_seats")

    class Meta:
        ordering = ["group_id", "role", "id"]
        verbose_name = _("筹备组成员")
        verbose_name_plural = _("筹备组成员")

    def __str__(self):
        return self.name


class PrepTask(TimeStamped):
    group = models.ForeignKey(PrepGroup, on_delete=models.CASCADE, related_name="tasks")
    key = models.CharField(max_length=20)
    position = models.PositiveSmallIntegerField(default=0)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["group_id", "position"]
        constraints = [models.UniqueConstraint(fields=["group", "key"], name="prep_task_once")]


# Assemblies and motions ---------------------------------------------------------------------

class Assembly(TimeStamped):
    """A meeting of the owners' assembly (业主大会会议), held as a meeting or by written
    consultation. Voting runs from `opens_at` (empty: from when it is created) until
    `closes_at` (empty: until the committee closes it)."""

    class Form(models.TextChoices):
        MEETING = "meeting", _("集体讨论（会议）")
        WRITTEN = "written", _("书面征求意见")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="assemblies")
    title = models.CharField(_("名称"), max_length=120)
    form = models.CharField(_("形式"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    place = models.CharField(_("地点"), max_length=120, blank=True)
    notice = models.TextField(_("会议通知"), blank=True)
    opens_at = models.DateTimeField(_("表决开始"), null=True, blank=True)
    closes_at = models.DateTimeField(_("表决截止"), null=True, blank=True)
    prep_group = models.ForeignKey(PrepGroup, verbose_name=_("筹备组"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="assemblies",
                                   help_text=_("首次业主大会由筹备组召集。"))
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(_("开始表决于"), null=True, blank=True)
    closed_at = models.DateTimeField(_("结束表决于"), null=True, blank=True)
    published_at = models.DateTimeField(_("结果公布于"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-id"]
        verbose_name = _("业主大会")
        verbose_name_plural = _("业主大会")
        indexes = [models.Index(fields=["community", "published_at"], name="assembly_community_published")]

    def __str__(self):
        return self.title

    @property
    def state(self) -> str:
        """scheduled (noticed, voting not open), voting, closed, or published."""
        if self.published_at:
            return "published"
        if self.opened_at is None:
            return "scheduled"
        if self.closed_at or (self.closes_at and self.closes_at <= timezone.now()):
            return "closed"
        return "voting"


class Motion(TimeStamped):
    assembly = models.ForeignKey(Assembly, verbose_name=_("业主大会"), on_delete=models.PROTECT,
                                 related_name="motions")
    title = models.CharField(_("议题"), max_length=200)
    matter = models.CharField(_("事项类别"), max_length=20, choices=Matter.choices)
    description = models.TextField(_("说明"), blank=True)
    position = models.PositiveSmallIntegerField(_("序号"), default=0)
    scope_units = models.JSONField(_("表决范围（房屋）"), default=list, blank=True,
                                   help_text=_("为空时由全体业主表决；维修资金使用由所涉房屋的业主表决。"))
    roll = models.ForeignKey(Roll, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    result = models.JSONField(_("公布的结果"), null=True, blank=True)

    class Meta:
        ordering = ["assembly_id", "position", "id"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")

    def __str__(self):
        return self.title

    @property
    def community_id(self):
        return self.assembly.community_id


class Proxy(AppendOnly):
    """A written proxy (书面委托): the principal owner authorises the holder for one assembly,
    one motion, or one election. The signed document is kept."""

    class Scope(models.TextChoices):
        ASSEMBLY = "assembly", _("本次业主大会全部议题")
        MOTION = "motion", _("单项议题")
        ELECTION = "election", _("业主委员会选举")

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    principal = models.ForeignKey("estates.Owner", verbose_name=_("委托人"), on_delete=models.PROTECT,
                                  related_name="+")
    holder_name = models.CharField(_("受托人"), max_length=60)
    holder_owner = models.ForeignKey("estates.Owner", verbose_name=_("受托业主"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("委托范围"), max_length=10, choices=Scope.choices)
    assembly = models.ForeignKey(Assembly, null=True, blank=True, on_delete=models.PROTECT, related_name="proxies")
    motion = models.ForeignKey(Motion, null=True, blank=True, on_delete=models.PROTECT, related_name="proxies")
    election = models.ForeignKey("Election", null=True, blank=True, on_delete=models.PROTECT, related_name="proxies")
    document = models.FileField(_("委托书"), upload_to="governance/proxies/%Y/%m/")
    document_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("登记时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-id"]
        verbose_name = _("书面委托")
        verbose_name_plural = _("书面委托")

    def __str__(self):
        return _("%(principal)s 委托 %(holder)s") % {"principal": self.principal.name, "holder": self.holder_name}


class Vote(AppendOnly):
    """One owner's named vote on one motion; kept unchangeable."""

    class Choice(models.TextChoices):
        YES = "yes", _("同意")
        NO = "no", _("反对")
        ABSTAIN = "abstain", _("弃权")

    class Channel(models.TextChoices):
        ONLINE = "online", _("网上投票")
        PAPER = "paper", _("纸质表决票")

    motion = models.ForeignKey(Motion, on_delete=models.PROTECT, related_name="votes")
    entry = models.ForeignKey(RollEntry, on_delete=models.PROTECT, related_name="+")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    choice = models.CharField(_("表决意见"), max_length=8, choices=Choice.choices)
    channel = models.CharField(_("方式"), max_length=8, choices=Channel.choices)
    proxy = models.ForeignKey(Proxy, verbose_name=_("书面委托"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    cast_at = models.DateTimeField(_("表决时间"))

    class Meta:
        ordering = ["motion_id", "id"]
        verbose_name = _("表决票")
        verbose_name_plural = _("表决票")
        constraints = [models.UniqueConstraint(fields=["motion", "entry"], name="vote_once_per_owner")]


class SignIn(AppendOnly):
    """Attendance at an assembly held as a meeting (签到), in person or by a proxy holder."""

    assembly = models.ForeignKey(Assembly, on_delete=models.PROTECT, related_name="sign_ins")
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), on_delete=models.PROTECT, related_name="+")
    proxy = models.ForeignKey(Proxy, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("签到时间"))
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["assembly_id", "id"]
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["assembly", "owner"], name="sign_in_once")]


# Elections ---------------------------------------------------------------------------------

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


# The committee -----------------------------------------------------------------------------

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


# The maintenance fund ----------------------------------------------------------------------

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


# Committee duties (篇四 §二) ---------------------------------------------------------------

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
