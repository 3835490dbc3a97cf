"""Community operations (篇一 §四–§五): the company's people on site and their routines.

Staff and duty rosters, patrols with QR checkpoints, vehicle access to the closed groups
(持卡出入) and visitors, cleaning and greening tasks, facilities and projects, notices.

Every row carries its `community`, the tenant key every selector filters by; it is repeated on
child rows so that no scoped query needs a join to find it."""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import MoneyField

USER = settings.AUTH_USER_MODEL


def community_fk(related_name: str):
    return models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                             related_name=related_name)


def zone_fk(related_name: str = "+", **kwargs):
    return models.ForeignKey("estates.Zone", verbose_name=_("分区"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name=related_name, **kwargs)


def new_checkpoint_code() -> str:
    """Short enough to type on a phone when the QR code cannot be scanned."""
    return secrets.token_hex(4).upper()


def new_pass_code() -> str:
    return secrets.token_hex(3).upper()


class WorkKind(models.TextChoices):
    """The company's lines of work on site (篇一 §四)."""

    MANAGEMENT = "management", _("管理")
    FINANCE = "finance", _("财务")
    ADMIN = "admin", _("综合管理")
    SECURITY = "security", _("保安")
    MAINTENANCE = "maintenance", _("维修")
    GREENING = "greening", _("绿化")
    CLEANING = "cleaning", _("保洁")
    GARAGE = "garage", _("车库管理")


# Staff and organisation ----------------------------------------------------------------------

class Position(TimeStamped):
    """A post of the community's establishment (经理, 保安队长 …) and how many it should have."""

    community = community_fk("positions")
    name = models.CharField(_("岗位"), max_length=60)
    kind = models.CharField(_("条线"), max_length=12, choices=WorkKind.choices)
    planned_headcount = models.PositiveSmallIntegerField(_("编制人数"), default=1)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["community_id", "order", "id"]
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="position_unique_name")]

    def __str__(self):
        return self.name


class StaffTeam(TimeStamped):
    """A team by line of work and zone: the security team of 金苗园, cleaning group 1 of 北区 …"""

    community = community_fk("staff_teams")
    zone = zone_fk("staff_teams")
    name = models.CharField(_("班组"), max_length=60)
    kind = models.CharField(_("条线"), max_length=12, choices=WorkKind.choices)
    planned_headcount = models.PositiveSmallIntegerField(_("编制人数"), default=0)
    leader = models.ForeignKey("StaffMember", verbose_name=_("负责人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["community_id", "kind", "name", "id"]
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="staffteam_unique_name")]

    def __str__(self):
        return self.name


class StaffMember(TimeStamped):
    """A staff record. Not everyone on site has a login, so `user` is optional."""

    community = community_fk("staff_members")
    user = models.ForeignKey(USER, verbose_name=_("登录账号"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="staff_records")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    position = models.ForeignKey(Position, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="members")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="members")
    hired_on = models.DateField(_("入职日期"), null=True, blank=True)
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        ordering = ["community_id", "position__order", "name", "id"]
        verbose_name = _("员工")
        verbose_name_plural = _("员工档案")
        indexes = [models.Index(fields=["community", "active"], name="staff_community_active")]

    def __str__(self):
        return self.name


class Shift(TimeStamped):
    """A shift pattern (早班 07:00–15:00, 夜班 22:00–06:00); a night shift ends the next day."""

    community = community_fk("shifts")
    name = models.CharField(_("班次"), max_length=30)
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))

    class Meta:
        ordering = ["community_id", "start", "id"]
        verbose_name = _("班次")
        verbose_name_plural = _("班次")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="shift_unique_name")]

    def __str__(self):
        return self.name

    @property
    def overnight(self) -> bool:
        return self.end <= self.start


class RosterEntry(TimeStamped):
    """One person on one shift on one day (排班)."""

    community = community_fk("roster_entries")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), on_delete=models.PROTECT, related_name="roster")
    member = models.ForeignKey(StaffMember, verbose_name=_("员工"), on_delete=models.PROTECT, related_name="roster")
    date = models.DateField(_("日期"))
    shift = models.ForeignKey(Shift, verbose_name=_("班次"), on_delete=models.PROTECT, related_name="roster")
    note = models.CharField(_("备注"), max_length=120, blank=True)

    class Meta:
        ordering = ["community_id", "date", "shift__start", "team_id", "member_id"]
        verbose_name = _("排班")
        verbose_name_plural = _("排班")
        constraints = [models.UniqueConstraint(fields=["member", "date", "shift"], name="roster_once_per_shift")]
        indexes = [models.Index(fields=["community", "date"], name="roster_community_date")]


# Patrols --------------------------------------------------------------------------------------

class PatrolRoute(TimeStamped):
    """A route of the guards through the areas not under closed management (篇一 §五.1.5)."""

    community = community_fk("patrol_routes")
    zone = zone_fk("patrol_routes")
    name = models.CharField(_("路线"), max_length=60)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("巡逻路线")
        verbose_name_plural = _("巡逻路线")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="route_unique_name")]

    def __str__(self):
        return self.name


class Checkpoint(TimeStamped):
    """A point on a route. Its `code` is printed as a QR code on site and can also be typed."""

    community = community_fk("checkpoints")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.CASCADE,
                              related_name="checkpoints")
    name = models.CharField(_("巡更点"), max_length=60)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    code = models.CharField(_("点位码"), max_length=16, unique=True, default=new_checkpoint_code)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["route_id", "order", "id"]
        verbose_name = _("巡更点")
        verbose_name_plural = _("巡更点")

    def __str__(self):
        return self.name


class PatrolPlan(TimeStamped):
    """When a route must be walked: a time window on given weekdays (夜间巡逻 22:00–02:00 …).
    A window whose end is not after its start ends on the next day."""

    community = community_fk("patrol_plans")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.PROTECT, related_name="plans")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="patrol_plans")
    name = models.CharField(_("计划"), max_length=60)
    weekdays = models.JSONField(_("星期"), default=list, blank=True,
                                help_text=_("1=周一 … 7=周日；留空为每天"))
    window_start = models.TimeField(_("开始时间"))
    window_end = models.TimeField(_("结束时间"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "window_start", "id"]
        verbose_name = _("巡逻计划")
        verbose_name_plural = _("巡逻计划")

    def __str__(self):
        return self.name


class PatrolRound(TimeStamped):
    """One walk of a route in one window of a plan, or an unplanned one."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("待巡逻")
        IN_PROGRESS = "in_progress", _("巡逻中")
        COMPLETED = "completed", _("已完成")
        INCOMPLETE = "incomplete", _("有漏巡")
        MISSED = "missed", _("未巡逻")

    community = community_fk("patrol_rounds")
    route = models.ForeignKey(PatrolRoute, verbose_name=_("路线"), on_delete=models.PROTECT, related_name="rounds")
    plan = models.ForeignKey(PatrolPlan, verbose_name=_("计划"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="rounds")
    date = models.DateField(_("日期"))
    window_start = models.DateTimeField(_("开始时间"))
    window_end = models.DateTimeField(_("截止时间"))
    guard = models.ForeignKey(USER, verbose_name=_("巡逻人"), null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="patrol_rounds")
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    started_at = models.DateTimeField(_("开始巡逻"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束巡逻"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "window_start", "id"]
        verbose_name = _("巡逻记录")
        verbose_name_plural = _("巡逻记录")
        constraints = [models.UniqueConstraint(fields=["plan", "window_start"], condition=Q(plan__isnull=False),
                                               name="round_once_per_window")]
        indexes = [models.Index(fields=["community", "date"], name="round_community_date")]


class PatrolCheckIn(models.Model):
    """A guard at a checkpoint, by scanning its QR code or typing it."""

    class Method(models.TextChoices):
        SCAN = "scan", _("扫码")
        TYPED = "typed", _("输入点位码")

    community = community_fk("+")
    patrol_round = models.ForeignKey(PatrolRound, verbose_name=_("巡逻"), on_delete=models.PROTECT,
                                     related_name="checkins")
    checkpoint = models.ForeignKey(Checkpoint, verbose_name=_("巡更点"), on_delete=models.PROTECT,
                                   related_name="checkins")
    at = models.DateTimeField(_("打卡时间"))
    by = models.ForeignKey(USER, verbose_name=_("打卡人"), null=True, on_delete=models.SET_NULL, related_name="+")
    method = models.CharField(_("方式"), max_length=8, choices=Method.choices, default=Method.SCAN)
    note = models.CharField(_("情况说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["patrol_round_id", "at", "id"]
        verbose_name = _("巡更打卡")
        verbose_name_plural = _("巡更打卡")
        constraints = [models.UniqueConstraint(fields=["patrol_round", "checkpoint"], name="checkin_once")]


# Vehicle access and visitors (持卡出入, 篇一 §五.1.1) -------------------------------------------

class Vehicle(TimeStamped):
    community = community_fk("vehicles")
    plate = models.CharField(_("车牌号"), max_length=12)
    owner = models.ForeignKey("estates.Owner", verbose_name=_("业主"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="vehicles")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="vehicles")
    description = models.CharField(_("品牌颜色"), max_length=60, blank=True)

    class Meta:
        ordering = ["community_id", "plate"]
        verbose_name = _("车辆")
        verbose_name_plural = _("车辆")
        constraints = [models.UniqueConstraint(fields=["community", "plate"], name="vehicle_unique_plate")]

    def __str__(self):
        return self.plate


class AccessCard(TimeStamped):
    """A vehicle's card for the barrier gates. Only a person stops it, for a reason the owner is
    told: never a rule on unpaid fees (Civil Code Art. 944 — fees are not collected by cutting a
    service; DESIGN §6 "Fair collection")."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        DISABLED = "disabled", _("停用")
        LOST = "lost", _("挂失")

    community = community_fk("access_cards")
    number = models.CharField(_("卡号"), max_length=32)
    vehicle = models.ForeignKey(Vehicle, verbose_name=_("车辆"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="cards")
    parking_space = models.ForeignKey("estates.ParkingSpace", verbose_name=_("车位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="access_cards")
    zones = models.ManyToManyField("estates.Zone", verbose_name=_("可通行分区"), blank=True, related_name="+")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    disabled_reason = models.CharField(_("停用原因"), max_length=200, blank=True)
    disabled_at = models.DateTimeField(_("停用时间"), null=True, blank=True)
    valid_until = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "number"]
        verbose_name = _("门禁卡")
        verbose_name_plural = _("门禁卡")
        constraints = [models.UniqueConstraint(fields=["community", "number"], name="card_unique_number")]

    def __str__(self):
        return self.number


class Gate(TimeStamped):
    """A barrier gate (挡车器). Its controller authenticates with its own key; only the hash is kept."""

    community = community_fk("gates")
    zone = zone_fk("gates")
    name = models.CharField(_("名称"), max_length=60)
    key_prefix = models.CharField(_("密钥前缀"), max_length=8, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    active = models.BooleanField(_("启用"), default=True)
    last_seen_at = models.DateTimeField(_("最近通信"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("道闸")
        verbose_name_plural = _("道闸")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="gate_unique_name")]

    def __str__(self):
        return self.name


class TemporaryPass(TimeStamped):
    """A visitor vehicle let in for a while (临时通行证)."""

    community = community_fk("temporary_passes")
    plate = models.CharField(_("车牌号"), max_length=12)
    code = models.CharField(_("通行码"), max_length=12, default=new_pass_code)
    visitor = models.ForeignKey("Visitor", verbose_name=_("访客"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="passes")
    valid_from = models.DateTimeField(_("生效时间"))
    valid_until = models.DateTimeField(_("失效时间"))
    issued_by = models.ForeignKey(USER, verbose_name=_("签发人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    revoked_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "-valid_from", "id"]
        verbose_name = _("临时通行证")
        verbose_name_plural = _("临时通行证")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="pass_unique_code")]

    def clean(self):
        if self.valid_from and self.valid_until and self.valid_until <= self.valid_from:
            raise ValidationError({"valid_until": _("失效时间必须晚于生效时间。")})


class GateEvent(models.Model):
    """A vehicle at a gate as the controller reported it, and what the platform answered."""

    class Direction(models.TextChoices):
        IN = "in", _("入场")
        OUT = "out", _("出场")

    community = community_fk("+")
    gate = models.ForeignKey(Gate, verbose_name=_("道闸"), on_delete=models.PROTECT, related_name="events")
    event_id = models.CharField(_("设备事件号"), max_length=64)
    direction = models.CharField(_("方向"), max_length=3, choices=Direction.choices)
    at = models.DateTimeField(_("时间"))
    card = models.ForeignKey(AccessCard, verbose_name=_("门禁卡"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="events")
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    temporary_pass = models.ForeignKey(TemporaryPass, verbose_name=_("临时通行证"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="events")
    allowed = models.BooleanField(_("放行"))
    reason = models.CharField(_("说明"), max_length=60, blank=True)

    class Meta:
        ordering = ["community_id", "-at", "-id"]
        verbose_name = _("出入记录")
        verbose_name_plural = _("出入记录")
        # A controller retries until it hears back; the same event is recorded once.
        constraints = [models.UniqueConstraint(fields=["gate", "event_id"], name="gate_event_once")]
        indexes = [models.Index(fields=["community", "at"], name="gate_event_community_at")]


class Visitor(TimeStamped):
    """The visitor register kept at the gates of the closed groups."""

    community = community_fk("visitors")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    plate = models.CharField(_("车牌号"), max_length=12, blank=True)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("拜访房屋"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    purpose = models.CharField(_("事由"), max_length=120, blank=True)
    arrived_at = models.DateTimeField(_("到访时间"))
    left_at = models.DateTimeField(_("离开时间"), null=True, blank=True)
    registered_by = models.ForeignKey(USER, verbose_name=_("登记人"), null=True, on_delete=models.SET_NULL,
                                      related_name="+")

    class Meta:
        ordering = ["community_id", "-arrived_at", "-id"]
        verbose_name = _("访客")
        verbose_name_plural = _("访客登记")
        indexes = [models.Index(fields=["community", "arrived_at"], name="visitor_community_at")]

    def __str__(self):
        return self.name


# Cleaning and greening (篇一 §五.2–3) ---------------------------------------------------------

class TaskTemplate(TimeStamped):
    """A recurring job and its frequency: roads daily, stairs and handrails twice a month,
    garbage cleared daily, watering and pruning."""

    class Kind(models.TextChoices):
        CLEANING = "cleaning", _("保洁")
        GREENING = "greening", _("绿化")

    class Frequency(models.TextChoices):
        DAILY = "daily", _("每天")
        WEEKLY = "weekly", _("每周")
        MONTHLY = "monthly", _("每月")

    community = community_fk("task_templates")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("名称"), max_length=60)
    frequency = models.CharField(_("周期"), max_length=8, choices=Frequency.choices, default=Frequency.DAILY)
    times = models.PositiveSmallIntegerField(_("每周期次数"), default=1,
                                             validators=[MinValueValidator(1), MaxValueValidator(31)])
    weekdays = models.JSONField(_("星期"), default=list, blank=True, help_text=_("每周任务：1=周一 … 7=周日"))
    due_time = models.TimeField(_("完成时限"), default="18:00")
    zones = models.ManyToManyField("estates.Zone", verbose_name=_("分区"), blank=True, related_name="+")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="task_templates")
    checklist = models.JSONField(_("检查项"), default=list, blank=True)
    photo_required = models.BooleanField(_("须拍照"), default=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "kind", "name", "id"]
        verbose_name = _("作业模板")
        verbose_name_plural = _("作业模板")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="tasktemplate_unique_name")]

    def __str__(self):
        return self.name


class EnvTask(TimeStamped):
    """One generated cleaning or greening job, for one zone and team, due on one day."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待完成")
        DONE = "done", _("已完成")

    community = community_fk("env_tasks")
    template = models.ForeignKey(TaskTemplate, verbose_name=_("模板"), on_delete=models.PROTECT,
                                 related_name="tasks")
    zone = zone_fk("+")
    team = models.ForeignKey(StaffTeam, verbose_name=_("班组"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="tasks")
    due_date = models.DateField(_("日期"))
    due_by = models.DateTimeField(_("完成时限"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    done_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    done_by = models.ForeignKey(USER, verbose_name=_("完成人"), null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+")
    photo = models.ImageField(_("照片"), upload_to="env-tasks/%Y/%m/", blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "due_by", "id"]
        verbose_name = _("保洁绿化任务")
        verbose_name_plural = _("保洁绿化任务")
        # One task per template, zone and day; a community-wide template (no zone) once a day.
        constraints = [
            models.UniqueConstraint(fields=["template", "zone", "due_date"], condition=Q(zone__isnull=False),
                                    name="envtask_once_per_zone"),
            models.UniqueConstraint(fields=["template", "due_date"], condition=Q(zone__isnull=True),
                                    name="envtask_once_community_wide"),
        ]
        indexes = [models.Index(fields=["community", "status", "due_by"], name="envtask_community_due")]


class EnvInspection(TimeStamped):
    """A supervisor's check of a zone's cleaning or greening, item by item."""

    community = community_fk("env_inspections")
    task = models.ForeignKey(EnvTask, verbose_name=_("任务"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="inspections")
    zone = zone_fk("+")
    kind = models.CharField(_("类别"), max_length=10, choices=TaskTemplate.Kind.choices)
    inspector = models.ForeignKey(USER, verbose_name=_("检查人"), null=True, on_delete=models.SET_NULL,
                                  related_name="+")
    at = models.DateTimeField(_("检查时间"))
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "-at", "-id"]
        verbose_name = _("环境检查")
        verbose_name_plural = _("环境检查")


class EnvInspectionItem(models.Model):
    inspection = models.ForeignKey(EnvInspection, on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("检查项"), max_length=60)
    passed = models.BooleanField(_("合格"))
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspection_id", "id"]


# Facilities and projects (篇一 §五.4–7) -------------------------------------------------------

class Asset(TimeStamped):
    class Kind(models.TextChoices):
        GUARDRAIL = "guardrail", _("护栏")
        STREETLIGHT = "streetlight", _("路灯")
        CAMERA = "camera", _("监控探头")
        FITNESS = "fitness", _("健身设备")
        BARRIER = "barrier", _("挡车器")
        GARBAGE_POINT = "garbage_point", _("垃圾投放点")
        PUMP = "pump", _("水泵")
        WATER_METER = "water_meter", _("水表")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        IN_SERVICE = "in_service", _("正常")
        FAULTY = "faulty", _("故障")
        RETIRED = "retired", _("报废")

    community = community_fk("assets")
    zone = zone_fk("assets")
    kind = models.CharField(_("类别"), max_length=14, choices=Kind.choices)
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=60)
    location = models.CharField(_("位置"), max_length=120, blank=True)
    installed_on = models.DateField(_("安装日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.IN_SERVICE)
    requests = models.ManyToManyField("servicedesk.ServiceRequest", verbose_name=_("关联报修"), blank=True,
                                      related_name="assets")

    class Meta:
        ordering = ["community_id", "kind", "code"]
        verbose_name = _("设施设备")
        verbose_name_plural = _("设施设备")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="asset_unique_code")]

    def __str__(self):
        return f"{self.code} {self.name}"


class MaintenancePlan(TimeStamped):
    """Upkeep every so many days (保养计划): the next due date moves on when it is done."""

    community = community_fk("maintenance_plans")
    asset = models.ForeignKey(Asset, verbose_name=_("设施"), on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(_("保养项目"), max_length=60)
    every_days = models.PositiveSmallIntegerField(_("周期(天)"), validators=[MinValueValidator(1)])
    next_due = models.DateField(_("下次到期"))
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["community_id", "next_due", "id"]
        verbose_name = _("保养计划")
        verbose_name_plural = _("保养计划")


class MaintenanceRecord(TimeStamped):
    """What was done to an asset: upkeep by plan, or a repair with its request."""

    community = community_fk("+")
    asset = models.ForeignKey(Asset, verbose_name=_("设施"), on_delete=models.PROTECT, related_name="records")
    plan = models.ForeignKey(MaintenancePlan, verbose_name=_("保养计划"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="records")
    request = models.ForeignKey("servicedesk.ServiceRequest", verbose_name=_("报修单"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_on = models.DateField(_("日期"))
    done_by = models.ForeignKey(USER, verbose_name=_("经办人"), null=True, on_delete=models.SET_NULL,
                                related_name="+")
    description = models.CharField(_("内容"), max_length=200)
    cost = MoneyField(_("费用"), default=0)

    class Meta:
        ordering = ["asset_id", "-done_on", "-id"]
        verbose_name = _("维护记录")
        verbose_name_plural = _("维护记录")


class Project(TimeStamped):
    """A piece of work across the community: the water-meter retrofit (户表改造), a renovation
    of roads, guardrails or greenery (公共设施整修), with per-unit progress where it goes unit by unit."""

    class Kind(models.TextChoices):
        RETROFIT = "retrofit", _("户表改造")
        RENOVATION = "renovation", _("公共设施整修")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        IN_PROGRESS = "in_progress", _("进行中")
        DONE = "done", _("已完成")

    community = community_fk("projects")
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("项目名称"), max_length=80)
    description = models.TextField(_("内容"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.PLANNED)
    start_date = models.DateField(_("开工日期"), null=True, blank=True)
    planned_end = models.DateField(_("计划完工"), null=True, blank=True)
    finished_on = models.DateField(_("完工日期"), null=True, blank=True)
    budget = MoneyField(_("预算"), default=0)
    assets = models.ManyToManyField(Asset, verbose_name=_("涉及设施"), blank=True, related_name="projects")

    class Meta:
        ordering = ["community_id", "-created_at", "id"]
        verbose_name = _("工程项目")
        verbose_name_plural = _("工程项目")

    def __str__(self):
        return self.name


class ProjectUnit(models.Model):
    """One unit's progress in a project that goes door to door."""

    class Status(models.TextChoices):
        PENDING = "pending", _("未开始")
        IN_PROGRESS = "in_progress", _("施工中")
        DONE = "done", _("已完成")
        REFUSED = "refused", _("业主暂缓")

    community = community_fk("+")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("进度"), max_length=12, choices=Status.choices, default=Status.PENDING)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=120, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["project_id", "unit_id"]
        verbose_name = _("分户进度")
        verbose_name_plural = _("分户进度")
        constraints = [models.UniqueConstraint(fields=["project", "unit"], name="project_unit_once")]


class ProjectFunding(TimeStamped):
    """Where the money of a renovation comes from (篇一 §五.7): a government subsidy, common
    income, or the maintenance fund."""

    class Source(models.TextChoices):
        GOVERNMENT = "government", _("政府补贴")
        COMMON_INCOME = "common_income", _("公共收益")
        MAINTENANCE_FUND = "maintenance_fund", _("专项维修资金")
        COMPANY = "company", _("物业企业")

    community = community_fk("+")
    project = models.ForeignKey(Project, verbose_name=_("项目"), on_delete=models.CASCADE, related_name="funding")
    source = models.CharField(_("资金来源"), max_length=16, choices=Source.choices)
    amount = MoneyField(_("金额"))
    reference = models.CharField(_("依据"), max_length=120, blank=True,
                                 help_text=_("批文号、公共收益支出单或维修资金使用表决"))
    received_on = models.DateField(_("到位日期"), null=True, blank=True)

    class Meta:
        ordering = ["project_id", "id"]
        verbose_name = _("资金来源")
        verbose_name_plural = _("资金来源")


# Notices --------------------------------------------------------------------------------------

class Notice(TimeStamped):
    """An announcement to the owners of the community, one zone or one building."""

    class Audience(models.TextChoices):
        COMMUNITY = "community", _("全小区")
        ZONE = "zone", _("分区")
        BUILDING = "building", _("楼栋")

    community = community_fk("notices")
    audience = models.CharField(_("范围"), max_length=10, choices=Audience.choices, default=Audience.COMMUNITY)
    zone = zone_fk("+")
    building = models.ForeignKey("estates.Building", verbose_name=_("楼栋"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"))
    pinned = models.BooleanField(_("置顶"), default=False)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    expires_at = models.DateTimeField(_("下架时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    author = models.ForeignKey(USER, verbose_name=_("发布人"), null=True, on_delete=models.SET_NULL,
                               related_name="+")

    class Meta:
        ordering = ["community_id", "-pinned", "-published_at", "-id"]
        verbose_name = _("公告")
        verbose_name_plural = _("公告")
        constraints = [
            models.CheckConstraint(
                condition=(Q(audience="community", zone__isnull=True, building__isnull=True)
                           | Q(audience="zone", zone__isnull=False, building__isnull=True)
                           | Q(audience="building", building__isnull=False)),
                name="notice_audience_target"),
        ]

    def __str__(self):
        return self.title


class NoticeRead(models.Model):
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("阅读时间"))

    class Meta:
        ordering = ["notice_id", "read_at"]
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="notice_read_once")]
