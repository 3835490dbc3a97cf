"""Regulatory oversight (篇三, 篇五): the evaluation of property companies, their credit records,
committee formation and contract deadlines, staff qualification, honours and renovation."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import FixedPointField, MoneyField

from .duty_models import DutyItem, StaffingRecord  # noqa: F401  (篇三's duties of the tiers, see duty_models)
from .sentences import credit_text

QUARTER_PATTERN = r"^\d{4}Q[1-4]$"
quarter_validator = RegexValidator(QUARTER_PATTERN, _("季度格式为 YYYYQn，例如 2026Q1。"))


class ScoreField(FixedPointField):
    """A score of 0–100 with two decimals, stored exactly (see FixedPointField)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("places", 2)
        kwargs.setdefault("validators", [MinValueValidator(0), MaxValueValidator(100)])
        super().__init__(*args, **kwargs)


def _company():
    return {"limit_choices_to": {"kind": "company"}, "on_delete": models.PROTECT}


# The rubric ------------------------------------------------------------------------------------

class Rubric(TimeStamped):
    """A version of the daily-inspection scoring standard (《日常考核评分标准》). A district may
    issue its own; without one the platform's default applies. Inspections keep the version they
    were scored against, so a new version never rewrites an old score."""

    jurisdiction = models.ForeignKey("orgs.Organization", verbose_name=_("发布单位"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+",
                                     help_text=_("留空为全平台默认标准。"))
    name = models.CharField(_("名称"), max_length=120)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    active = models.BooleanField(_("现行"), default=True)

    class Meta:
        ordering = ["jurisdiction_id", "-version"]
        verbose_name = _("考评标准")
        verbose_name_plural = _("考评标准")
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "version"], name="rubric_version_once"),
            models.UniqueConstraint(fields=["version"], condition=Q(jurisdiction__isnull=True),
                                    name="rubric_default_version_once"),
        ]

    def __str__(self):
        return f"{self.name} v{self.version}"

    @property
    def max_total(self):
        return sum((item.max_points for c in self.categories.all() for item in c.items.all()), start=0)


class RubricCategory(models.Model):
    # 篇五: the sixth category, 服务结果评价, is where the hotline's figures belong.
    SERVICE_RESULT = 6

    rubric = models.ForeignKey(Rubric, on_delete=models.CASCADE, related_name="categories")
    number = models.PositiveSmallIntegerField(_("序号"), validators=[MinValueValidator(1), MaxValueValidator(6)])
    name = models.CharField(_("考核内容"), max_length=60)
    responsible_units = models.CharField(_("责任单位"), max_length=200)

    class Meta:
        ordering = ["rubric_id", "number"]
        verbose_name = _("考评类别")
        verbose_name_plural = _("考评类别")
        constraints = [models.UniqueConstraint(fields=["rubric", "number"], name="rubric_category_once")]

    def __str__(self):
        return f"{self.number}、{self.name}"


class RubricItem(models.Model):
    category = models.ForeignKey(RubricCategory, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("考核项目"), max_length=200)
    max_points = FixedPointField(_("分值"), places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["category_id", "number"]
        verbose_name = _("考评项目")
        verbose_name_plural = _("考评项目")
        constraints = [models.UniqueConstraint(fields=["category", "number"], name="rubric_item_once")]

    def __str__(self):
        return self.text


# Inspections and assessments ---------------------------------------------------------------------

class Inspection(TimeStamped):
    """One community of a company scored by the sub-district's evaluation group."""

    class Kind(models.TextChoices):
        QUARTERLY = "quarterly", _("季度检查")
        REINSPECTION = "reinspection", _("整改复查")

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="inspections")
    quarter = models.CharField(_("季度"), max_length=6, validators=[quarter_validator], db_index=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    subdistrict = models.ForeignKey("orgs.Organization", verbose_name=_("街道办事处"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices, default=Kind.QUARTERLY)
    rubric = models.ForeignKey(Rubric, verbose_name=_("考评标准"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="inspections")
    score = ScoreField(_("得分"))
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("检查人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(_("检查记录"), blank=True)
    rectification = models.ForeignKey("Rectification", verbose_name=_("整改"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="reinspections")

    class Meta:
        ordering = ["-quarter", "company_id", "community_id", "-id"]
        verbose_name = _("检查考评")
        verbose_name_plural = _("检查考评")

    def __str__(self):
        return f"{self.quarter} {self.community} {self.score}"


class InspectionScore(models.Model):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="item_scores")
    item = models.ForeignKey(RubricItem, on_delete=models.PROTECT, related_name="+")
    points = FixedPointField(_("得分"), places=2, validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["inspection_id", "item__category__number", "item__number"]
        constraints = [models.UniqueConstraint(fields=["inspection", "item"], name="inspection_item_once")]


class InspectionPhoto(TimeStamped):
    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(_("照片"), upload_to="oversight/inspections/%Y/%m/")
    content_type = models.CharField(max_length=20)

    class Meta:
        ordering = ["inspection_id", "id"]


class AnnualAssessment(TimeStamped):
    """The year-end assessment (年终考核) of a company by a district's evaluation group: 40% of the year."""

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    district = models.ForeignKey("orgs.Organization", verbose_name=_("考核单位"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    score = ScoreField(_("得分"))
    assessed_on = models.DateField(_("考核日期"))
    notes = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-year", "company_id"]
        verbose_name = _("年度考核")
        verbose_name_plural = _("年度考核")
        constraints = [models.UniqueConstraint(fields=["company", "district", "year"], name="annual_once")]

    def __str__(self):
        return f"{self.year} {self.company} {self.score}"


class QuarterlyRanking(TimeStamped):
    """A sub-district's quarterly ranking of its companies, reported to the district by the 10th of
    the month after the quarter (篇五: 4月初、7月初、10月初) and published on the public page."""

    subdistrict = models.ForeignKey("orgs.Organization", verbose_name=_("街道办事处"), on_delete=models.PROTECT,
                                    related_name="+")
    quarter = models.CharField(_("季度"), max_length=6, validators=[quarter_validator])
    rows = models.JSONField(_("排名"), default=list)
    due_on = models.DateField(_("报送期限"))
    submitted_on = models.DateField(_("报送日期"))
    published = models.BooleanField(_("已公开"), default=True)

    class Meta:
        ordering = ["-quarter", "subdistrict_id"]
        verbose_name = _("季度排名")
        verbose_name_plural = _("季度排名")
        constraints = [models.UniqueConstraint(fields=["subdistrict", "quarter"], name="quarterly_ranking_once")]

    @property
    def late(self) -> bool:
        return self.submitted_on > self.due_on


class EvaluationResult(TimeStamped):
    """A published year result of one company in one jurisdiction (DESIGN §6). Before publication
    results are computed on the fly; publishing freezes them here and audits them."""

    class Status(models.TextChoices):
        RECOMMENDED = "recommended", _("推荐")
        NORMAL = "normal", _("合格")
        FAILED = "failed", _("不及格")

    jurisdiction = models.ForeignKey("orgs.Organization", verbose_name=_("考评单位"), on_delete=models.PROTECT,
                                     related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    quarterly_avg = ScoreField(_("日常考评平均分"))
    annual = ScoreField(_("年度考核得分"))
    total = ScoreField(_("综合得分"))
    rank = models.PositiveSmallIntegerField(_("名次"))
    status = models.CharField(_("结果"), max_length=12, choices=Status.choices)
    published_at = models.DateTimeField(_("公布时间"))

    class Meta:
        ordering = ["-year", "jurisdiction_id", "rank", "company_id"]
        verbose_name = _("年度考评结果")
        verbose_name_plural = _("年度考评结果")
        constraints = [models.UniqueConstraint(fields=["jurisdiction", "year", "company"], name="result_once")]


class Rectification(TimeStamped):
    """The failed company's path (篇五): criticism and a deadline, re-inspection, and if that fails
    a proposal to the city bureau and a written notice to the legal representative."""

    class Status(models.TextChoices):
        OPEN = "open", _("整改中")
        PASSED = "passed", _("复查合格")
        FAILED = "failed", _("复查不合格")

    class Proposal(models.TextChoices):
        DOWNGRADE = "downgrade", _("降低资质等级")
        REVOKE = "revoke", _("撤销资质证书")

    result = models.OneToOneField(EvaluationResult, verbose_name=_("考评结果"), on_delete=models.PROTECT,
                                  related_name="rectification")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    jurisdiction = models.ForeignKey("orgs.Organization", verbose_name=_("考评单位"), on_delete=models.PROTECT,
                                     related_name="+")
    issued_on = models.DateField(_("通报日期"))
    deadline = models.DateField(_("整改期限"))
    requirements = models.TextField(_("整改要求"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.OPEN)
    pass_score = ScoreField(_("复查合格分"), default=60)
    proposal = models.CharField(_("处理建议"), max_length=10, choices=Proposal.choices, blank=True)
    proposal_on = models.DateField(_("报市局日期"), null=True, blank=True)
    notice_on = models.DateField(_("书面通报负责人日期"), null=True, blank=True)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = _("限期整改")
        verbose_name_plural = _("限期整改")


class CreditRecord(TimeStamped):
    """An entry of a company's credit file (信誉档案). Public entries are on the page with no login."""

    class Kind(models.TextChoices):
        EVALUATION = "evaluation", _("年度考评")
        QUARTERLY = "quarterly", _("季度考评")
        RECTIFICATION = "rectification", _("整改")
        HOTLINE = "hotline", _("热线统计")
        HONOUR = "honour", _("荣誉")

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="credit_records",
                                **_company())
    jurisdiction = models.ForeignKey("orgs.Organization", verbose_name=_("记录单位"), on_delete=models.PROTECT,
                                     related_name="+")
    kind = models.CharField(_("类别"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("事项"), max_length=200)
    detail = models.TextField(_("内容"), blank=True)
    occurred_on = models.DateField(_("日期"))
    public = models.BooleanField(_("公开"), default=True)

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("信誉档案")
        verbose_name_plural = _("信誉档案")

    # The title and detail in the reader's language when the platform wrote them (oversight.sentences).
    @property
    def shown_title(self) -> str:
        return credit_text(self.title)

    @property
    def shown_detail(self) -> str:
        return credit_text(self.detail)


# Committees and contracts (篇三 §三(二)) ----------------------------------------------------------

class ServiceContract(TimeStamped):
    """A property service contract of a community. A `post` contract signed with the company the
    assembly hired is the 前期 → 后期 transition; it is due within 60 days of the committee's election."""

    class Phase(models.TextChoices):
        PRELIMINARY = "preliminary", _("前期物业")
        POST = "post", _("后期物业")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="service_contracts")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    phase = models.CharField(_("阶段"), max_length=12, choices=Phase.choices)
    signed_on = models.DateField(_("签订日期"))
    start = models.DateField(_("起始日期"))
    end = models.DateField(_("截止日期"), null=True, blank=True)
    committee = models.ForeignKey("governance.Committee", verbose_name=_("业主委员会"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    notes = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "-signed_on", "-id"]
        verbose_name = _("物业服务合同")
        verbose_name_plural = _("物业服务合同")


# Staff qualification (篇三 §三(三)一) ----------------------------------------------------------

class TrainingSession(TimeStamped):
    class Tier(models.TextChoices):
        LEADER = "leader", _("企业负责人")
        PROJECT_MANAGER = "project_manager", _("项目经理")
        STAFF = "staff", _("从业人员")
        COMMITTEE = "committee", _("业委会主任及委员")

    organizer = models.ForeignKey("orgs.Organization", verbose_name=_("组织单位"), on_delete=models.PROTECT,
                                  related_name="+")
    title = models.CharField(_("培训名称"), max_length=120)
    tier = models.CharField(_("层次"), max_length=16, choices=Tier.choices)
    trade = models.CharField(_("工种"), max_length=40, blank=True, help_text=_("如：秩序维护、保洁、设施设备维修"))
    held_on = models.DateField(_("培训日期"))
    hours = models.PositiveSmallIntegerField(_("学时"), default=4)

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self):
        return self.title


class TrainingAttendance(TimeStamped):
    """One person at one session. New rows name the company's staff record, so that "everyone
    trained once" can be counted (linli/oversight/training.py); rows from before only have a name
    and stay readable, uncounted."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    staff = models.ForeignKey("operations.StaffMember", verbose_name=_("员工"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="training_attendance")
    name = models.CharField(_("姓名"), max_length=60)
    company = models.ForeignKey("orgs.Organization", verbose_name=_("单位"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    attended = models.BooleanField(_("出勤"), default=True)

    class Meta:
        ordering = ["session_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name", "company"], name="training_attendance_once"),
            models.UniqueConstraint(fields=["session", "staff"], condition=Q(staff__isnull=False),
                                    name="training_attendance_staff_once"),
        ]


class Certificate(TimeStamped):
    class Kind(models.TextChoices):
        OPERATING = "operating", _("上岗证")
        MANAGER = "manager", _("物业管理师")

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    # The holder's staff record: a 物业管理师 certificate belongs to a community's project manager.
    staff = models.ForeignKey("operations.StaffMember", verbose_name=_("员工"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="certificates")
    holder = models.CharField(_("持证人"), max_length=60)
    kind = models.CharField(_("证书"), max_length=10, choices=Kind.choices)
    number = models.CharField(_("证书编号"), max_length=40)
    issued_on = models.DateField(_("发证日期"))
    expires_on = models.DateField(_("有效期至"))

    class Meta:
        ordering = ["company_id", "expires_on", "id"]
        verbose_name = _("从业证书")
        verbose_name_plural = _("从业证书")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="certificate_number_once")]


class QualificationApplication(TimeStamped):
    """A new company's application for its qualification: only once its staff hold certificates."""

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    jurisdiction = models.ForeignKey("orgs.Organization", verbose_name=_("受理单位"), on_delete=models.PROTECT,
                                     related_name="+")
    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已核准")
        REJECTED = "rejected", _("不予核准")

    applied_on = models.DateField(_("申请日期"))
    staff_count = models.PositiveSmallIntegerField(_("从业人员数"))
    manager_certificates = models.PositiveSmallIntegerField(_("物业管理师证书数"), default=0)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_on = models.DateField(_("审核日期"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decision_notes = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-applied_on", "-id"]
        verbose_name = _("资质申请")
        verbose_name_plural = _("资质申请")


# Excellent projects (篇三 §三(三)二) -------------------------------------------------------------

class Honour(TimeStamped):
    class Level(models.TextChoices):
        NATIONAL = "national", _("国家级")
        PROVINCIAL = "provincial", _("省级")
        MUNICIPAL = "municipal", _("市级")

    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        RECTIFYING = "rectifying", _("责令整改")
        REVOKED = "revoked", _("已撤销")

    community = models.ForeignKey("estates.Community", verbose_name=_("项目（小区）"), on_delete=models.PROTECT,
                                  related_name="+")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), related_name="+", **_company())
    level = models.CharField(_("级别"), max_length=12, choices=Level.choices)
    year = models.PositiveSmallIntegerField(_("获评年度"))
    title = models.CharField(_("荣誉称号"), max_length=120)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    revoked_on = models.DateField(_("撤销日期"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "level", "id"]
        verbose_name = _("优秀项目")
        verbose_name_plural = _("优秀项目")


class HonourReview(TimeStamped):
    honour = models.ForeignKey(Honour, on_delete=models.PROTECT, related_name="reviews")
    reviewed_on = models.DateField(_("复核日期"))
    score = ScoreField(_("复核得分"))
    passed = models.BooleanField(_("达标"))
    notes = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["honour_id", "reviewed_on", "id"]


# Old-community renovation (篇三 §三(五)) ----------------------------------------------------------

class RenovationTarget(TimeStamped):
    district = models.ForeignKey("orgs.Organization", verbose_name=_("区"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    target = models.PositiveSmallIntegerField(_("目标（个）"))

    class Meta:
        ordering = ["-year", "district_id"]
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="renovation_target_once")]


class RenovationProject(TimeStamped):
    district = models.ForeignKey("orgs.Organization", verbose_name=_("区"), on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    name = models.CharField(_("老旧小区"), max_length=120)
    community = models.ForeignKey("estates.Community", verbose_name=_("平台小区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(_("改造内容"), max_length=200, blank=True)
    progress = models.PositiveSmallIntegerField(_("进度(%)"), default=0, validators=[MaxValueValidator(100)])
    completed_on = models.DateField(_("完工日期"), null=True, blank=True)
    company = models.ForeignKey("orgs.Organization", verbose_name=_("接管单位"), null=True, blank=True,
                                related_name="+", on_delete=models.PROTECT, limit_choices_to={"kind": "company"})

    class Meta:
        ordering = ["-year", "district_id", "id"]
        verbose_name = _("老旧小区改造")
        verbose_name_plural = _("老旧小区改造")

    def __str__(self):
        return self.name


class RenovationSubsidy(TimeStamped):
    project = models.ForeignKey(RenovationProject, on_delete=models.PROTECT, related_name="subsidies")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("接管单位"), related_name="+", **_company())
    amount = MoneyField(_("补贴金额"), validators=[MinValueValidator(0)])
    granted_on = models.DateField(_("拨付日期"))

    class Meta:
        ordering = ["project_id", "granted_on", "id"]


# 篇五's departments: kept in their own module, imported here so the app registry loads them.
from .department_models import DepartmentDuty, DepartmentScore  # noqa: E402, F401
