from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

AREA = dict(max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))])


class Community(TimeStamped):
    """A residential community (小区). Every tenant-owned row of the estate hangs off one."""

    name = models.CharField(_("名称"), max_length=120)
    code = models.SlugField(_("编码"), max_length=60, unique=True)
    company = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("物业服务企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="served_communities",
        limit_choices_to={"kind": "company"},
    )
    residents_committee = models.ForeignKey(
        "orgs.Organization",
        verbose_name=_("社区居委会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="communities",
        limit_choices_to={"kind": "residents_committee"},
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    land_area = models.DecimalField(_("占地面积(m²)"), null=True, blank=True, **AREA)
    built_area = models.DecimalField(_("总建筑面积(m²)"), null=True, blank=True, **AREA)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)
    contract_start = models.DateField(_("服务合同起始"), null=True, blank=True)
    contract_end = models.DateField(_("服务合同截止"), null=True, blank=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("小区")
        verbose_name_plural = _("小区")

    def __str__(self):
        return self.name


class Zone(TimeStamped):
    """A district (区) or a group (组团) inside one; nested through `parent`."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("区")
        GROUP = "group", _("组团")
        AREA = "area", _("片区")

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="zones")
    name = models.CharField(_("名称"), max_length=60)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级分区"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.DISTRICT)
    closed_management = models.BooleanField(_("封闭管理"), default=False)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("分区")
        verbose_name_plural = _("分区")
        constraints = [
            models.UniqueConstraint(fields=["community", "parent", "name"], name="zone_unique_name"),
        ]

    def __str__(self):
        return self.name


class Building(TimeStamped):
    community = models.ForeignKey(
        Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="buildings"
    )
    zone = models.ForeignKey(
        Zone, verbose_name=_("分区"), null=True, blank=True, on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("楼栋"), max_length=60)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    year_built = models.PositiveSmallIntegerField(_("建成年份"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="building_unique_name"),
        ]

    def __str__(self):
        return self.name


class Unit(TimeStamped):
    """A unit (房屋). `community` repeats the building's so that every query and index is keyed
    by community, which is also how the tables are distributed at scale (DESIGN §9)."""

    class Usage(models.TextChoices):
        RESIDENTIAL = "residential", _("住宅")
        COMMERCIAL = "commercial", _("商业")

    class Status(models.TextChoices):
        UNSOLD = "unsold", _("未售")
        DELIVERED = "delivered", _("已交付")
        OCCUPIED = "occupied", _("自住")
        VACANT = "vacant", _("空置")
        RENTED = "rented", _("出租")

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="units")
    building = models.ForeignKey(Building, verbose_name=_("楼栋"), on_delete=models.PROTECT, related_name="units")
    number = models.CharField(_("房号"), max_length=30)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(_("建筑面积(m²)"), **AREA)
    exclusive_area = models.DecimalField(_("专有部分面积(m²)"), **AREA)
    usage = models.CharField(_("用途"), max_length=12, choices=Usage.choices, default=Usage.RESIDENTIAL)
    occupants = models.PositiveSmallIntegerField(_("居住人数"), default=0)
    low_income = models.BooleanField(_("低保户"), default=False)
    billing_start = models.DateField(_("计费起始日"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.OCCUPIED)

    class Meta:
        ordering = ["community_id", "building_id", "number", "id"]
        verbose_name = _("房屋")
        verbose_name_plural = _("房屋")
        constraints = [
            models.UniqueConstraint(fields=["building", "number"], name="unit_unique_number"),
        ]
        indexes = [models.Index(fields=["community", "number"], name="unit_community_number")]

    def __str__(self):
        return f"{self.building.name}-{self.number}" if self.building_id else self.number


class Owner(TimeStamped):
    class Kind(models.TextChoices):
        PERSON = "person", _("个人")
        COMPANY = "company", _("单位")

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="owners")
    name = models.CharField(_("姓名/名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PERSON)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    is_developer = models.BooleanField(
        _("开发建设单位"), default=False, help_text=_("持有未售房屋的建设单位，表决时计为一名业主。")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owner_records",
    )
    units = models.ManyToManyField(Unit, through="Ownership", related_name="owners")

    class Meta:
        ordering = ["community_id", "name", "id"]
        verbose_name = _("业主")
        verbose_name_plural = _("业主")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "user"], condition=Q(user__isnull=False), name="owner_one_login_per_community"
            ),
        ]
        indexes = [models.Index(fields=["community", "name"], name="owner_community_name")]

    def __str__(self):
        return self.name


class Ownership(TimeStamped):
    """An owner's title to a unit. Co-owners of one unit name one voter among them."""

    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="ownerships")
    unit = models.ForeignKey(Unit, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="ownerships")
    is_voter = models.BooleanField(_("表决代表"), default=False)
    since = models.DateField(_("取得日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("产权")
        verbose_name_plural = _("产权")
        constraints = [
            models.UniqueConstraint(fields=["owner", "unit"], name="ownership_unique"),
            models.UniqueConstraint(fields=["unit"], condition=Q(is_voter=True), name="ownership_one_voter_per_unit"),
        ]

    def __str__(self):
        return f"{self.owner} · {self.unit}"


class Resident(TimeStamped):
    """A person living in a unit who is not (necessarily) its owner."""

    class Relation(models.TextChoices):
        OWNER = "owner", _("业主本人")
        FAMILY = "family", _("家庭成员")
        TENANT = "tenant", _("租户")
        OTHER = "other", _("其他")

    unit = models.ForeignKey(Unit, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="residents")
    name = models.CharField(_("姓名"), max_length=60)
    relation = models.CharField(_("关系"), max_length=10, choices=Relation.choices, default=Relation.FAMILY)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residencies",
    )
    move_in = models.DateField(_("入住日期"), null=True, blank=True)
    move_out = models.DateField(_("迁出日期"), null=True, blank=True)

    class Meta:
        ordering = ["unit_id", "id"]
        verbose_name = _("住户")
        verbose_name_plural = _("住户")

    def __str__(self):
        return self.name


class ParkingSpace(TimeStamped):
    class Plan(models.TextChoices):
        MONTHLY = "monthly", _("月租")
        ANNUAL = "annual", _("年租")

    community = models.ForeignKey(
        Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="parking_spaces"
    )
    zone = models.ForeignKey(Zone, verbose_name=_("分区"), null=True, blank=True, on_delete=models.PROTECT)
    code = models.CharField(_("车位编号"), max_length=30)
    location = models.CharField(_("位置"), max_length=60, blank=True)
    underground = models.BooleanField(_("地下车库"), default=False)
    unit = models.ForeignKey(
        Unit, verbose_name=_("使用房屋"), null=True, blank=True, on_delete=models.PROTECT, related_name="parking_spaces"
    )
    plan = models.CharField(_("计费方式"), max_length=10, choices=Plan.choices, default=Plan.MONTHLY)
    plan_start = models.DateField(_("计费起始"), null=True, blank=True)

    class Meta:
        ordering = ["community_id", "code", "id"]
        verbose_name = _("车位")
        verbose_name_plural = _("车位")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="parking_unique_code")]

    def __str__(self):
        return self.code


class Premises(TimeStamped):
    """Commercial premises (经营用房) whose lease income is common income (篇一 §三.5)."""

    class Status(models.TextChoices):
        VACANT = "vacant", _("空置")
        LEASED = "leased", _("已出租")
        SELF_USED = "self_used", _("自用")

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="premises")
    zone = models.ForeignKey(Zone, verbose_name=_("分区"), null=True, blank=True, on_delete=models.PROTECT)
    code = models.CharField(_("编号"), max_length=30)
    name = models.CharField(_("名称"), max_length=120)
    area = models.DecimalField(_("面积(m²)"), **AREA)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.VACANT)
    current_use = models.CharField(_("当前用途"), max_length=120, blank=True)

    class Meta:
        ordering = ["community_id", "code", "id"]
        verbose_name = _("经营用房")
        verbose_name_plural = _("经营用房")
        constraints = [models.UniqueConstraint(fields=["community", "code"], name="premises_unique_code")]

    def __str__(self):
        return self.name


class OwnerInvitation(TimeStamped):
    """A one-time code with which an owner opens their account. Only its hash is kept:
    the code itself is shown once, on the printed notice or in the message."""

    owner = models.ForeignKey(Owner, verbose_name=_("业主"), on_delete=models.CASCADE, related_name="invitations")
    code_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    sent_to = models.CharField(_("发送至"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("业主邀请码")
        verbose_name_plural = _("业主邀请码")


class BindingRequest(TimeStamped):
    """An owner's request to be bound to a unit (申请绑定), with proof, for staff to review."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("已驳回")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申请人"), on_delete=models.CASCADE, related_name="binding_requests"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="binding_requests")
    name = models.CharField(_("姓名"), max_length=60)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    proof = models.FileField(_("证明材料"), upload_to="binding-proofs/%Y/%m/")
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("绑定申请")
        verbose_name_plural = _("绑定申请")


class ImportJob(TimeStamped):
    """An .xlsx registry import. Rows are validated first (progress is committed as it goes),
    then written in one transaction, so a failed or killed import leaves nothing behind."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        VALIDATING = "validating", _("校验中")
        SAVING = "saving", _("写入中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("有错误，未导入")

    community = models.ForeignKey(Community, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("总行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    summary = models.JSONField(_("导入结果"), default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in {self.Status.DONE, self.Status.FAILED} else 0
        return min(100, self.processed_rows * 100 // self.total_rows)
