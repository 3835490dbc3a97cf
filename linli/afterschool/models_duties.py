"""The school's own duties around the service (篇二), kept apart from `models.py` by topic and
loaded with it: the consultation of parents before a program starts (“会事先充分征求家长意见”),
safety education per class (“加强安全宣传及安全教育工作”) and the meetings of the working group
(“召开全校教职工会议和班主任会议，传达精神……制定方案”).

References to the rows of `models.py` are by name ("afterschool.Program"), so the two modules do
not import each other."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

USER = settings.AUTH_USER_MODEL


def _school(related_name: str):
    return models.ForeignKey("orgs.Organization", verbose_name=_("学校"), on_delete=models.PROTECT,
                             related_name=related_name, limit_choices_to={"kind": "school"})


class Consultation(TimeStamped):
    """A questionnaire to the guardians of a program's applicants. Drafted, then sent (open);
    it closes by itself at `closes_at`, at the latest the program's start."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        OPEN = "open", _("征求中")

    school = _school("consultations")
    program = models.ForeignKey("afterschool.Program", verbose_name=_("项目"), on_delete=models.PROTECT,
                                related_name="consultations")
    title = models.CharField(_("标题"), max_length=80)
    intro = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    closes_at = models.DateTimeField(_("截止时间"))
    sent_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    recipients = models.PositiveIntegerField(_("发送人数"), default=0)
    created_by = models.ForeignKey(USER, verbose_name=_("发起人"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["school_id", "-closes_at", "-id"]
        verbose_name = _("家长意见征询")
        verbose_name_plural = _("家长意见征询")

    def __str__(self):
        return self.title


class ConsultationQuestion(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("序号"), default=0)
    text = models.CharField(_("问题"), max_length=200)
    options = models.JSONField(_("选项"), default=list)

    class Meta:
        ordering = ["consultation_id", "order", "id"]
        verbose_name = _("征询问题")
        verbose_name_plural = _("征询问题")


class ConsultationResponse(TimeStamped):
    """One guardian's answers: question id → the index of the option chosen."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="responses")
    school = _school("+")
    guardian = models.ForeignKey("afterschool.Guardian", verbose_name=_("监护人"), on_delete=models.PROTECT,
                                 related_name="consultation_responses")
    answers = models.JSONField(_("答案"), default=dict)
    submitted_at = models.DateTimeField(_("提交时间"))

    class Meta:
        ordering = ["consultation_id", "submitted_at", "id"]
        verbose_name = _("征询答卷")
        verbose_name_plural = _("征询答卷")
        constraints = [models.UniqueConstraint(fields=["consultation", "guardian"], name="consultation_answer_once")]


class SafetyEducation(TimeStamped):
    school = _school("safety_educations")
    school_class = models.ForeignKey("afterschool.SchoolClass", verbose_name=_("班级"), on_delete=models.PROTECT,
                                     related_name="safety_educations")
    date = models.DateField(_("日期"))
    topic = models.CharField(_("主题"), max_length=100)
    teacher = models.ForeignKey(USER, verbose_name=_("授课教师"), on_delete=models.PROTECT, related_name="+")
    attendance = models.PositiveSmallIntegerField(_("参加人数"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["school_id", "-date", "-id"]
        verbose_name = _("安全教育")
        verbose_name_plural = _("安全教育")


class StaffMeeting(TimeStamped):
    """A meeting of the working group, all staff or the class teachers, with minutes and decisions."""

    class Kind(models.TextChoices):
        WORKING_GROUP = "working_group", _("工作小组会议")
        ALL_STAFF = "all_staff", _("全校教职工会议")
        CLASS_TEACHERS = "class_teachers", _("班主任会议")

    school = _school("staff_meetings")
    kind = models.CharField(_("会议类型"), max_length=16, choices=Kind.choices, default=Kind.WORKING_GROUP)
    date = models.DateField(_("日期"))
    title = models.CharField(_("议题"), max_length=100)
    attendees = models.ManyToManyField(USER, verbose_name=_("参会人员"), related_name="+")
    minutes = models.TextField(_("会议纪要"))
    decisions = models.JSONField(_("决定事项"), default=list, blank=True)
    recorded_by = models.ForeignKey(USER, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["school_id", "-date", "-id"]
        verbose_name = _("教职工会议")
        verbose_name_plural = _("教职工会议")


__all__ = ["Consultation", "ConsultationQuestion", "ConsultationResponse", "SafetyEducation", "StaffMeeting"]
