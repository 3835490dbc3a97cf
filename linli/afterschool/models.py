"""After-school service of a school (篇二): its structure, programs, applications and agreements,
and the daily running — sessions, attendance, leave, duty, dismissal, gate and incidents.

Every row carries its `school` (an organization of kind `school`): the tenant key that every
selector filters by, repeated on child rows so that no query needs a join to find it."""

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.core.dates import weekdays_text
from linli.core.models import TimeStamped

USER = settings.AUTH_USER_MODEL


def school_fk(related_name: str):
    return models.ForeignKey("orgs.Organization", verbose_name=_("学校"), on_delete=models.PROTECT,
                             related_name=related_name, limit_choices_to={"kind": "school"})


# School structure ---------------------------------------------------------------------------

class Term(TimeStamped):
    school = school_fk("school_terms")
    name = models.CharField(_("名称"), max_length=60)
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["school_id", "-start_date", "id"]
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="term_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class Grade(TimeStamped):
    school = school_fk("grades")
    name = models.CharField(_("年级"), max_length=30)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["school_id", "order", "id"]
        verbose_name = _("年级")
        verbose_name_plural = _("年级")
        constraints = [models.UniqueConstraint(fields=["school", "name"], name="grade_unique_name")]

    def __str__(self):
        return self.name


class SchoolClass(TimeStamped):
    school = school_fk("school_classes")
    grade = models.ForeignKey(Grade, verbose_name=_("年级"), on_delete=models.PROTECT, related_name="classes")
    name = models.CharField(_("班级"), max_length=30)
    head_teacher = models.ForeignKey(USER, verbose_name=_("班主任"), null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="head_of_classes")

    class Meta:
        ordering = ["school_id", "grade__order", "name", "id"]
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        constraints = [models.UniqueConstraint(fields=["grade", "name"], name="class_unique_name")]

    def __str__(self):
        return f"{self.grade.name}{self.name}" if self.grade_id else self.name


class Guardian(TimeStamped):
    """A parent or other guardian. `user` is their login; its guardian membership of the
    school is what gives it access."""

    school = school_fk("guardians")
    name = models.CharField(_("姓名"), max_length=60)
    relation = models.CharField(_("与学生关系"), max_length=20, blank=True)
    phone = models.CharField(_("手机号"), max_length=20)
    address = models.CharField(_("家庭住址"), max_length=200, blank=True)
    user = models.ForeignKey(USER, verbose_name=_("账号"), null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="guardian_records")

    class Meta:
        ordering = ["school_id", "name", "id"]
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        constraints = [models.UniqueConstraint(fields=["school", "user"], condition=Q(user__isnull=False),
                                               name="guardian_unique_user")]

    def __str__(self):
        return self.name


class Student(TimeStamped):
    school = school_fk("students")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("班级"), on_delete=models.PROTECT,
                                     related_name="students")
    name = models.CharField(_("姓名"), max_length=60)
    student_no = models.CharField(_("学号"), max_length=30, blank=True)
    boarder = models.BooleanField(_("住宿生"), default=False)
    guardians = models.ManyToManyField(Guardian, verbose_name=_("监护人"), related_name="students", blank=True)

    class Meta:
        ordering = ["school_id", "school_class_id", "student_no", "name", "id"]
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        constraints = [models.UniqueConstraint(fields=["school", "student_no"], condition=~Q(student_no=""),
                                               name="student_unique_number")]

    def __str__(self):
        return self.name


# Programs and their terms -------------------------------------------------------------------

weekdays_validator = RegexValidator(r"^[1-7]{1,7}$", _("上课日用 1–7 表示周一至周日，例如 12345。"))


class Program(TimeStamped):
    """The after-school service of one grade in one term: its schedule, content and method —
    the terms a guardian reads before applying."""

    class Kind(models.TextChoices):
        AFTER_SCHOOL = "after_school", _("课后服务")
        EVENING_STUDY = "evening_study", _("晚自习")

    school = school_fk("programs")
    term = models.ForeignKey(Term, verbose_name=_("学期"), on_delete=models.PROTECT, related_name="programs")
    grade = models.ForeignKey(Grade, verbose_name=_("年级"), on_delete=models.PROTECT, related_name="programs")
    name = models.CharField(_("名称"), max_length=60)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices, default=Kind.AFTER_SCHOOL)
    weekdays = models.CharField(_("上课日"), max_length=7, default="12345", validators=[weekdays_validator])
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    boarder_end_time = models.TimeField(_("住宿生结束时间"), null=True, blank=True,
                                        help_text=_("住宿生留校到更晚时填写；为空表示与走读生同时结束。"))
    content = models.JSONField(_("服务内容"), default=list, blank=True,
                               help_text=_("服务内容条目，例如：辅导作业、补缺、提优、兴趣与特长社团。"))
    method = models.TextField(_("服务方式"), blank=True)

    class Meta:
        ordering = ["school_id", "term_id", "grade__order", "id"]
        verbose_name = _("课后服务项目")
        verbose_name_plural = _("课后服务项目")
        constraints = [models.UniqueConstraint(fields=["term", "grade", "name"], name="program_unique_name")]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.start_time and self.end_time and self.end_time <= self.start_time:
            errors["end_time"] = _("结束时间必须晚于开始时间。")
        if self.boarder_end_time and self.end_time and self.boarder_end_time <= self.end_time:
            errors["boarder_end_time"] = _("住宿生结束时间必须晚于走读生结束时间。")
        if not isinstance(self.content, list) or not all(isinstance(i, str) and i.strip() for i in self.content):
            errors["content"] = _("服务内容应为文字条目的列表。")
        if errors:
            raise ValidationError(errors)

    def weekday_numbers(self) -> list[int]:
        return sorted({int(d) for d in re.sub(r"[^1-7]", "", self.weekdays or "")})

    @property
    def weekdays_label(self) -> str:
        return weekdays_text(self.weekday_numbers())

    @property
    def content_label(self) -> str:
        return " + ".join(self.content)


class Session(TimeStamped):
    """One day of a program. The times are copied from the program when the session is made,
    so a later change of the schedule does not rewrite the days already held."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("正常")
        CANCELLED = "cancelled", _("停课")

    school = school_fk("sessions")
    program = models.ForeignKey(Program, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="sessions")
    date = models.DateField(_("日期"), db_index=True)
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    boarder_end_time = models.TimeField(_("住宿生结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["school_id", "date", "start_time", "id"]
        verbose_name = _("课后服务场次")
        verbose_name_plural = _("课后服务场次")
        constraints = [models.UniqueConstraint(fields=["program", "date"], name="session_unique_day")]

    def __str__(self):
        return f"{self.program.name} {self.date:%Y-%m-%d}" if self.program_id else str(self.date)


# Applications and agreements ----------------------------------------------------------------

class Application(TimeStamped):
    """A guardian's written application (家长申请 → 班级审核 → 学校批准), then the signed
    agreement and safety-responsibility letter, after which the student takes part."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待班级审核")
        CLASS_APPROVED = "class_approved", _("待学校批准")
        APPROVED = "approved", _("待签协议")
        ENROLLED = "enrolled", _("已参加")
        REJECTED = "rejected", _("未通过")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN = (Status.SUBMITTED, Status.CLASS_APPROVED, Status.APPROVED, Status.ENROLLED)

    school = school_fk("after_school_applications")
    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="applications")
    program = models.ForeignKey(Program, verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="applications")
    guardian = models.ForeignKey(Guardian, verbose_name=_("申请人"), on_delete=models.PROTECT,
                                 related_name="applications")
    status = models.CharField(_("状态"), max_length=16, choices=Status.choices, default=Status.SUBMITTED,
                              db_index=True)
    statement = models.TextField(_("书面申请"))
    consented_at = models.DateTimeField(_("同意时间"))
    terms = models.JSONField(_("申请时的服务条款"), default=dict,
                             help_text=_("申请时家长看到并同意的服务时间、内容和方式。"))
    class_reviewer = models.ForeignKey(USER, verbose_name=_("班级审核人"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    class_reviewed_at = models.DateTimeField(_("班级审核时间"), null=True, blank=True)
    class_note = models.CharField(_("班级审核意见"), max_length=200, blank=True)
    school_reviewer = models.ForeignKey(USER, verbose_name=_("学校审批人"), null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    school_reviewed_at = models.DateTimeField(_("学校审批时间"), null=True, blank=True)
    school_note = models.CharField(_("学校审批意见"), max_length=200, blank=True)
    enrolled_at = models.DateTimeField(_("签约时间"), null=True, blank=True)

    class Meta:
        ordering = ["school_id", "-id"]
        verbose_name = _("课后服务申请")
        verbose_name_plural = _("课后服务申请")
        constraints = [
            models.UniqueConstraint(fields=["student", "program"], condition=Q(status__in=[
                "submitted", "class_approved", "approved", "enrolled"]), name="application_one_open"),
        ]

    def __str__(self):
        return f"{self.student} · {self.program}" if self.student_id and self.program_id else str(self.pk)

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class AgreementText(TimeStamped):
    """A version of the agreement (课后服务协议书) or of the safety-responsibility letter
    (课后服务安全责任书). Versions are never edited: a change is a new version."""

    class Kind(models.TextChoices):
        AGREEMENT = "agreement", _("课后服务协议书")
        SAFETY_LETTER = "safety_letter", _("课后服务安全责任书")

    school = school_fk("agreement_texts")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))

    class Meta:
        ordering = ["school_id", "kind", "-version"]
        verbose_name = _("协议文本")
        verbose_name_plural = _("协议文本")
        constraints = [models.UniqueConstraint(fields=["school", "kind", "version"], name="agreement_text_version")]

    def __str__(self):
        return f"{self.title} v{self.version}"


class Agreement(TimeStamped):
    """A guardian's e-signature of one text version for one application. `digest` is the
    SHA-256 of what was signed, so the signed wording can be proved later."""

    school = school_fk("agreements")
    application = models.ForeignKey(Application, verbose_name=_("申请"), on_delete=models.PROTECT,
                                    related_name="agreements")
    text = models.ForeignKey(AgreementText, verbose_name=_("文本版本"), on_delete=models.PROTECT,
                             related_name="signatures")
    kind = models.CharField(_("类型"), max_length=16, choices=AgreementText.Kind.choices)
    signer = models.ForeignKey(USER, verbose_name=_("签署账号"), on_delete=models.PROTECT, related_name="+")
    signer_name = models.CharField(_("签署人"), max_length=60)
    signed_at = models.DateTimeField(_("签署时间"))
    digest = models.CharField(_("摘要"), max_length=64)

    class Meta:
        ordering = ["school_id", "-signed_at", "id"]
        verbose_name = _("签署的协议")
        verbose_name_plural = _("签署的协议")
        constraints = [models.UniqueConstraint(fields=["application", "kind"], name="agreement_one_per_kind")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.application}"


# Daily running ------------------------------------------------------------------------------

class Attendance(TimeStamped):
    class Status(models.TextChoices):
        PRESENT = "present", _("出勤")
        LATE = "late", _("迟到")
        ABSENT = "absent", _("缺勤")
        LEAVE = "leave", _("请假")

    school = school_fk("attendance")
    session = models.ForeignKey(Session, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="attendance")
    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.PROTECT, related_name="attendance")
    status = models.CharField(_("考勤"), max_length=10, choices=Status.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    marked_by = models.ForeignKey(USER, verbose_name=_("考勤人"), on_delete=models.PROTECT, related_name="+")
    marked_at = models.DateTimeField(_("考勤时间"))
    alerted_at = models.DateTimeField(_("缺勤提醒时间"), null=True, blank=True)

    class Meta:
        ordering = ["school_id", "session_id", "student_id"]
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [models.UniqueConstraint(fields=["session", "student"], name="attendance_once")]

    def __str__(self):
        return f"{self.student} {self.get_status_display()}"


class LeaveRequest(TimeStamped):
    class Status(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("未批准")

    school = school_fk("leave_requests")
    student = models.ForeignKey(Student, verbose_name=_("学生"), on_delete=models.PROTECT,
                                related_name="leave_requests")
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(USER, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(USER, verbose_name=_("审批人"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    review_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["school_id", "-start_date", "-id"]
        verbose_name = _("请假")
        verbose_name_plural = _("请假")

    def __str__(self):
        return f"{self.student} {self.start_date:%m-%d}–{self.end_date:%m-%d}"

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("结束日期不能早于开始日期。")})


class WorkingGroupMember(TimeStamped):
    """The school's after-school working group (课后服务工作小组)."""

    class Position(models.TextChoices):
        LEADER = "leader", _("组长")
        DEPUTY = "deputy", _("副组长")
        MEMBER = "member", _("组员")

    school = school_fk("working_group")
    user = models.ForeignKey(USER, verbose_name=_("成员"), on_delete=models.PROTECT, related_name="+")
    position = models.CharField(_("职务"), max_length=10, choices=Position.choices, default=Position.MEMBER)
    duties = models.CharField(_("分工"), max_length=200, blank=True)

    class Meta:
        ordering = ["school_id", "position", "id"]
        verbose_name = _("工作小组成员")
        verbose_name_plural = _("工作小组")
        constraints = [
            models.UniqueConstraint(fields=["school", "user"], name="working_group_once"),
            models.UniqueConstraint(fields=["school"], condition=Q(position="leader"), name="working_group_one_leader"),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_position_display()}"


class DutyAssignment(TimeStamped):
    """A day on the duty roster (行政和教师值班制度). Who is on duty on a day sees that day's
    students, takes attendance, keeps the gate register and checks classes out."""

    class Kind(models.TextChoices):
        TEACHER = "teacher", _("教师值班")
        ADMINISTRATOR = "administrator", _("行政值班")

    school = school_fk("duty_assignments")
    date = models.DateField(_("日期"), db_index=True)
    user = models.ForeignKey(USER, verbose_name=_("值班人员"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类型"), max_length=16, choices=Kind.choices, default=Kind.TEACHER)
    note = models.CharField(_("职责"), max_length=200, blank=True)

    class Meta:
        ordering = ["school_id", "date", "kind", "id"]
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班表")
        constraints = [models.UniqueConstraint(fields=["school", "date", "user"], name="duty_once_a_day")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.user}"


class Dismissal(TimeStamped):
    """A class checked out at the end of a session (集体放学): everyone leaves together, in
    order. Boarders stay later when the program has a boarder end time, so they are checked
    out as their own group."""

    class Group(models.TextChoices):
        ALL = "all", _("全体")
        DAY = "day", _("走读生")
        BOARDERS = "boarders", _("住宿生")

    school = school_fk("dismissals")
    session = models.ForeignKey(Session, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="dismissals")
    school_class = models.ForeignKey(SchoolClass, verbose_name=_("班级"), on_delete=models.PROTECT,
                                     related_name="dismissals")
    group = models.CharField(_("学生"), max_length=10, choices=Group.choices, default=Group.ALL)
    dismissed_at = models.DateTimeField(_("放学时间"))
    dismissed_by = models.ForeignKey(USER, verbose_name=_("组织放学"), on_delete=models.PROTECT, related_name="+")
    headcount = models.PositiveIntegerField(_("离校人数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["school_id", "-dismissed_at", "id"]
        verbose_name = _("集体放学")
        verbose_name_plural = _("集体放学")
        constraints = [models.UniqueConstraint(fields=["session", "school_class", "group"], name="dismissal_once")]

    def __str__(self):
        return f"{self.session} {self.school_class}"


class GateVisit(TimeStamped):
    """The gate register (门卫登记): no outsider enters without being recorded."""

    school = school_fk("gate_visits")
    visitor_name = models.CharField(_("来访人"), max_length=60)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    id_number = models.CharField(_("证件号码"), max_length=30, blank=True)
    purpose = models.CharField(_("事由"), max_length=200)
    host = models.CharField(_("被访人"), max_length=60, blank=True)
    arrived_at = models.DateTimeField(_("进校时间"), db_index=True)
    left_at = models.DateTimeField(_("离校时间"), null=True, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["school_id", "-arrived_at", "-id"]
        verbose_name = _("门卫登记")
        verbose_name_plural = _("门卫登记")

    def __str__(self):
        return f"{self.visitor_name} {self.arrived_at:%Y-%m-%d %H:%M}"


# 篇二 安全保障 6 (沉着应对突发事件): what the emergency plan asks of the staff, in order.
# (key, step, required before the case can be closed)
EMERGENCY_CHECKLIST = [
    ("secure", _("立即确保在场师生安全：停止活动、疏散或隔离危险"), True),
    ("report", _("报告值班行政和课后服务工作小组组长，启动相应应急预案"), True),
    ("first_aid", _("伤病学生先行救护，需要时拨打 120 并派人陪同送医"), False),
    ("police", _("涉及人身安全或外来人员时拨打 110 / 119 报警"), False),
    ("guardians", _("及时通知涉及学生的监护人"), True),
    ("headcount", _("清点学生人数，确认每名学生去向"), True),
    ("record", _("保护现场，记录事件经过和处置情况"), True),
    ("review", _("事后总结，向学校报告并落实整改"), True),
]


class Incident(TimeStamped):
    """An emergency during after-school service, worked through the emergency-plan checklist
    (篇二 安全保障 6: 立即启动相应的应急预案)."""

    class Kind(models.TextChoices):
        INJURY = "injury", _("意外伤害")
        ILLNESS = "illness", _("突发疾病")
        CONFLICT = "conflict", _("学生冲突")
        MISSING = "missing", _("学生走失或未按时到家")
        INTRUSION = "intrusion", _("外来人员闯入")
        FIRE = "fire", _("火灾")
        WEATHER = "weather", _("恶劣天气或自然灾害")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        OPEN = "open", _("处置中")
        CLOSED = "closed", _("已结案")

    school = school_fk("incidents")
    session = models.ForeignKey(Session, verbose_name=_("场次"), null=True, blank=True, on_delete=models.PROTECT,
                                related_name="incidents")
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("发生时间"))
    location = models.CharField(_("地点"), max_length=100)
    description = models.TextField(_("经过"))
    students = models.ManyToManyField(Student, verbose_name=_("涉及学生"), related_name="incidents", blank=True)
    reported_by = models.ForeignKey(USER, verbose_name=_("报告人"), on_delete=models.PROTECT, related_name="+")
    checklist = models.JSONField(_("应急处置清单"), default=dict, blank=True,
                                 help_text=_("已完成的处置步骤：{步骤: {at, by, note}}。"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    closed_at = models.DateTimeField(_("结案时间"), null=True, blank=True)
    summary = models.TextField(_("处置总结"), blank=True)

    class Meta:
        ordering = ["school_id", "-occurred_at", "-id"]
        verbose_name = _("突发事件")
        verbose_name_plural = _("突发事件")

    def __str__(self):
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


# The school's duties around the service (consultation, safety education, staff meetings) live in
# their own module by topic; importing it here registers them with the app.
from .models_duties import (  # noqa: E402,F401
    Consultation,
    ConsultationQuestion,
    ConsultationResponse,
    SafetyEducation,
    StaffMeeting,
)
