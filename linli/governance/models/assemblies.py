"""The preparation group, assemblies and their motions, written proxies, votes and sign-ins."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .common import AppendOnly, Matter, Roll, RollEntry

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
