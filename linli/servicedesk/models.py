"""Service requests (报修/投诉/求助 …), their SLA and the daily review (DESIGN §5, §6; 篇一 §7).

Every row carries its community so that the daily review's queries and the indexes below are
keyed by community, like the rest of the platform (DESIGN §9)."""

import secrets

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

# Text limits (DESIGN §5 v1.1): everything a request says is shown to staff, the requester and
# (masked) the public; an 800,000-character description was accepted and served to all of them.
TITLE_MAX_LENGTH = 100
TEXT_MAX_LENGTH = 2000  # a description, and the text of a note, a reason or a result

class Kind(models.TextChoices):
    REPAIR = "repair", _("报修")
    COMPLAINT = "complaint", _("投诉")
    HELP = "help", _("求助")
    INQUIRY = "inquiry", _("咨询")
    SUGGESTION = "suggestion", _("建议")
    PRAISE = "praise", _("表扬")


class Priority(models.TextChoices):
    LOW = "low", _("低")
    NORMAL = "normal", _("普通")
    HIGH = "high", _("高")
    URGENT = "urgent", _("紧急")


class Channel(models.TextChoices):
    OWNER = "owner", _("业主自助")
    PHONE = "phone", _("电话")
    HOTLINE = "hotline", _("热线转办")
    WALK_IN = "walk_in", _("来访")
    STAFF = "staff", _("员工上报")


class Status(models.TextChoices):
    NEW = "new", _("待受理")
    ACCEPTED = "accepted", _("已受理")
    ASSIGNED = "assigned", _("已派单")
    IN_PROGRESS = "in_progress", _("处理中")
    ON_HOLD = "on_hold", _("暂停")
    RESOLVED = "resolved", _("已办结")
    CLOSED = "closed", _("已关闭")


OPEN_STATUSES = (Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS, Status.ON_HOLD)
DONE_STATUSES = (Status.RESOLVED, Status.CLOSED)


class Category(TimeStamped):
    """A matter a community's requests are sorted by (水电, 门窗 …). With a kind it is an Open311 service."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.CASCADE,
                                  related_name="service_categories")
    name = models.CharField(_("名称"), max_length=30)
    kinds = models.JSONField(_("适用类型"), default=list, blank=True,
                             help_text=_("可在哪些类型的工单中选用；留空表示全部类型。"))
    active = models.BooleanField(_("启用"), default=True)
    position = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["community_id", "position", "id"]
        verbose_name = _("工单分类")
        verbose_name_plural = _("工单分类")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="category_unique_name")]

    def __str__(self):
        return self.name

    def kind_values(self) -> list[str]:
        return list(self.kinds) or list(Kind.values)


class BusinessCalendar(TimeStamped):
    """Working hours in which an SLA clock runs. A policy without one runs around the clock."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.CASCADE,
                                  related_name="business_calendars")
    name = models.CharField(_("名称"), max_length=60)
    weekdays = models.CharField(_("工作日"), max_length=7, default="12345",
                                help_text=_("ISO 星期数字，1 为周一，7 为周日，如 12345。"))
    opens_at = models.TimeField(_("上班时间"))
    closes_at = models.TimeField(_("下班时间"))
    holidays = models.JSONField(_("节假日"), default=list, blank=True, help_text=_("休息的日期，YYYY-MM-DD。"))
    workdays = models.JSONField(_("调休上班日"), default=list, blank=True,
                                help_text=_("原本休息但要上班的日期，YYYY-MM-DD。"))

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("工作时间")
        verbose_name_plural = _("工作时间")

    def __str__(self):
        return self.name


class SlaPolicy(TimeStamped):
    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.CASCADE,
                                  related_name="sla_policies")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    priority = models.CharField(_("优先级"), max_length=8, choices=Priority.choices)
    accept_minutes = models.PositiveIntegerField(_("受理时限(分钟)"), validators=[MinValueValidator(1)])
    resolve_hours = models.PositiveIntegerField(_("办结时限(小时)"), validators=[MinValueValidator(1)])
    calendar = models.ForeignKey(BusinessCalendar, verbose_name=_("工作时间"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="policies",
                                 help_text=_("留空表示 7×24 小时计时。"))

    class Meta:
        ordering = ["community_id", "kind", "priority", "id"]
        verbose_name = _("时限标准")
        verbose_name_plural = _("时限标准")
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "priority"], name="sla_policy_unique"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_priority_display()}"


class Team(TimeStamped):
    """A crew (维修班, 保洁班 …): its open requests are a pool its members grab, or take in turn."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.CASCADE,
                                  related_name="service_teams")
    name = models.CharField(_("名称"), max_length=60)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="TeamMember", related_name="service_teams")
    categories = models.ManyToManyField(Category, verbose_name=_("负责分类"), blank=True, related_name="teams")

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="team_unique_name")]

    def __str__(self):
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_assigned_at = models.DateTimeField(_("上次轮派"), null=True, blank=True)

    class Meta:
        ordering = ["team_id", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_unique")]


def new_token() -> str:
    return secrets.token_urlsafe(12)


class ServiceRequest(models.Model):
    class Satisfaction(models.TextChoices):
        SATISFIED = "satisfied", _("满意")
        BASIC = "basic", _("基本满意")
        UNSATISFIED = "unsatisfied", _("不满意")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="service_requests")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("承办企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="service_requests",
                                help_text=_("受理时为该小区服务的物业企业。"))
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    category = models.ForeignKey(Category, verbose_name=_("分类"), null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="requests")
    title = models.CharField(_("标题"), max_length=TITLE_MAX_LENGTH)
    description = models.TextField(_("描述"), blank=True, max_length=TEXT_MAX_LENGTH,
                                   validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="service_requests")
    zone = models.ForeignKey("estates.Zone", verbose_name=_("分区"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="service_requests")
    location = models.CharField(_("位置"), max_length=200, blank=True)
    channel = models.CharField(_("来源"), max_length=10, choices=Channel.choices, default=Channel.OWNER)
    priority = models.CharField(_("优先级"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.NEW)

    requester = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报事人账号"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="service_requests")
    requester_name = models.CharField(_("报事人"), max_length=60, blank=True)
    requester_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    hotline_office = models.ForeignKey("orgs.Organization", verbose_name=_("转办部门"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="hotline_requests")

    team = models.ForeignKey(Team, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="requests")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="assigned_service_requests")

    respond_by = models.DateTimeField(_("受理时限"), null=True, blank=True)
    resolve_by = models.DateTimeField(_("办结时限"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    hold_started_at = models.DateTimeField(_("暂停开始"), null=True, blank=True)
    hold_seconds = models.PositiveIntegerField(_("累计暂停(秒)"), default=0)

    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True,
                                              validators=[MinValueValidator(1), MaxValueValidator(5)])
    rating_comment = models.CharField(_("评价内容"), max_length=300, blank=True)
    repeat_of = models.ForeignKey("self", verbose_name=_("重复投诉于"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="repeats")
    escalated = models.BooleanField(_("已升级"), default=False)
    reopen_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)
    urge_count = models.PositiveSmallIntegerField(_("督办次数"), default=0)
    last_urged_at = models.DateTimeField(_("最近督办"), null=True, blank=True)
    satisfaction = models.CharField(_("回访满意度"), max_length=12, choices=Satisfaction.choices, blank=True)
    visited_at = models.DateTimeField(_("回访时间"), null=True, blank=True)
    token = models.CharField(max_length=24, unique=True, default=new_token, editable=False)
    # Set by the service (its deadlines count from it), not by auto_now_add, so that imported
    # and demo requests keep the time they were really filed.
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("服务工单")
        verbose_name_plural = _("服务工单")
        indexes = [
            # The daily review (DESIGN §7: one community-day among a million requests): each of its
            # lists is an index range inside one community.
            models.Index(fields=["community", "created_at"], name="sr_community_created"),
            models.Index(fields=["community", "resolved_at", "created_at", "resolve_by"], name="sr_community_resolve"),
            models.Index(fields=["community", "accepted_at", "respond_by"], name="sr_community_accept"),
            models.Index(fields=["community", "status"], name="sr_community_status"),
            models.Index(fields=["company", "created_at"], name="sr_company_created"),
            models.Index(fields=["assignee", "status"], name="sr_assignee_status"),
            models.Index(fields=["unit", "kind", "created_at"], name="sr_unit_kind_created"),
            models.Index(fields=["requester", "kind", "created_at"], name="sr_requester_kind_created"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.title}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestEvent(models.Model):
    """The request's history: notes and every change of state. Public entries are what the
    requester sees; the daily review reads notes and reopenings from here."""

    class Kind(models.TextChoices):
        CREATE = "create", _("登记")
        NOTE = "note", _("进展")
        ACCEPT = "accept", _("受理")
        ASSIGN = "assign", _("派单")
        GRAB = "grab", _("抢单")
        START = "start", _("开始处理")
        HOLD = "hold", _("暂停")
        RESUME = "resume", _("恢复")
        TRANSFER = "transfer", _("转派")
        RETURN = "return", _("退单")
        RESOLVE = "resolve", _("办结")
        CLOSE = "close", _("关闭")
        REOPEN = "reopen", _("重新打开")
        ESCALATE = "escalate", _("升级")
        URGE = "urge", _("督办")
        VISIT = "visit", _("回访")
        UPDATE = "update", _("修改")
        MESSAGE = "message", _("业主留言")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="events")
    community = models.ForeignKey("estates.Community", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
    text = models.TextField(_("内容"), blank=True, max_length=TEXT_MAX_LENGTH,
                            validators=[MaxLengthValidator(TEXT_MAX_LENGTH)])
    public = models.BooleanField(_("业主可见"), default=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    actor_name = models.CharField(max_length=150, blank=True)
    at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("工单记录")
        verbose_name_plural = _("工单记录")
        indexes = [
            models.Index(fields=["community", "kind", "at"], name="sre_community_kind_at"),
            models.Index(fields=["request", "kind", "at"], name="sre_request_kind_at"),
        ]


def photo_path(instance, filename):
    return f"service-photos/{instance.request.community_id}/{instance.request_id}/{filename}"


class RequestPhoto(models.Model):
    class Stage(models.TextChoices):
        REPORT = "report", _("报事")
        RESOLVE = "resolve", _("完工")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to=photo_path)
    content_type = models.CharField(max_length=20)
    size = models.PositiveIntegerField()
    stage = models.CharField(max_length=8, choices=Stage.choices, default=Stage.REPORT)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("工单照片")
        verbose_name_plural = _("工单照片")


class SlaAlert(models.Model):
    """A warning before a deadline, or a breach of it, recorded once by the periodic scan."""

    class Target(models.TextChoices):
        ACCEPT = "accept", _("受理")
        RESOLVE = "resolve", _("办结")

    class Level(models.TextChoices):
        WARNING = "warning", _("即将超时")
        BREACH = "breach", _("已超时")

    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="sla_alerts")
    community = models.ForeignKey("estates.Community", on_delete=models.CASCADE, related_name="+")
    target = models.CharField(max_length=8, choices=Target.choices)
    level = models.CharField(max_length=8, choices=Level.choices)
    deadline = models.DateTimeField()
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("时限预警")
        verbose_name_plural = _("时限预警")
        constraints = [
            models.UniqueConstraint(fields=["request", "target", "level", "deadline"], name="sla_alert_once"),
        ]
        indexes = [models.Index(fields=["community", "level", "recorded_at"], name="sla_alert_community")]


class DailyReview(models.Model):
    """The day's review (日清日审) as it stood when it was kept at the configured hour."""

    community = models.ForeignKey("estates.Community", on_delete=models.CASCADE, related_name="daily_reviews")
    date = models.DateField(_("日期"))
    data = models.JSONField(_("内容"))
    kept_at = models.DateTimeField(_("生成时间"))

    class Meta:
        ordering = ["-date", "community_id"]
        verbose_name = _("日清日审")
        verbose_name_plural = _("日清日审")
        constraints = [models.UniqueConstraint(fields=["community", "date"], name="daily_review_once")]


class Open311Key(models.Model):
    """An API key of an Open311 client (a 12345 hotline system, an app). Only its hash is kept."""

    name = models.CharField(_("名称"), max_length=80, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("Open311 密钥")
        verbose_name_plural = _("Open311 密钥")

    def __str__(self):
        return self.name

