"""Demo duties of 苗庄小学 (篇二), loaded after linli/afterschool/demo.py: the consultation of the
parents before this term's 初一 service (closed, with its results), an open one before next term's
初三 evening self-study that the demo guardian can answer, safety education per class and the
meetings that set the service up (“召开全校教职工会议和班主任会议，传达精神……制定方案”)."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext

from .models import (
    Application,
    Consultation,
    ConsultationQuestion,
    ConsultationResponse,
    Guardian,
    Program,
    SafetyEducation,
    SchoolClass,
    StaffMeeting,
    Term,
)
from .selectors_duties import program_start, recipient_guardians
from .services import program_terms

QUESTIONS = [("您希望课后服务的主要内容是", ["辅导作业", "补缺提优", "兴趣与特长社团", "阅读"]),
             ("您的孩子是否参加课后服务", ["参加", "暂不参加"]),
             ("集体放学后您如何接孩子", ["家长按时接送", "按约定自行回家", "住宿生回宿舍"])]
TOPICS = ["防溺水安全教育", "交通安全与集体放学", "消防疏散演练"]


def _consultation(ctx, school, program, title, admin, *, sent_at) -> Consultation:
    row = Consultation.objects.filter(school=school, program=program, title=title).first()
    if row is not None:
        return row
    row = Consultation.objects.create(school=school, program=program, title=title, status=Consultation.Status.OPEN,
                                      intro="学校将根据家长意见安排课后服务的时间、内容和方式。",
                                      closes_at=program_start(program), sent_at=sent_at, created_by=admin)
    ConsultationQuestion.objects.bulk_create([
        ConsultationQuestion(consultation=row, order=i, text=text, options=options)
        for i, (text, options) in enumerate(QUESTIONS, start=1)])
    row.recipients = recipient_guardians(row).count()
    row.save(update_fields=["recipients"])
    ctx.count("consultations")
    return row


def _next_program(ctx, school, current: Program, next_term: tuple) -> Program | None:
    """Next term's evening self-study of 初三, with the demo guardian's child applied."""
    name, start, end = next_term
    term, _ = Term.objects.get_or_create(school=school, name=name, defaults={"start_date": start, "end_date": end})
    program, created = Program.objects.get_or_create(term=term, grade=current.grade, name=current.name, defaults={
        "school": school, "kind": current.kind, "weekdays": current.weekdays, "start_time": current.start_time,
        "end_time": current.end_time, "content": current.content, "method": current.method})
    guardian = Guardian.objects.filter(school=school, user=ctx.users.get("guardian")).first()
    child = guardian.students.filter(school_class__grade=current.grade).first() if guardian else None
    if created and child is not None:
        Application.objects.create(school=school, student=child, program=program, guardian=guardian,
                                   statement="自愿为孩子申请参加下学期晚自习。", consented_at=timezone.now(),
                                   terms=program_terms(program))
    return program


def load(ctx: DemoContext, school, staff: dict, next_term: tuple) -> None:
    rng = ctx.rng("afterschool.duties")
    admin = staff["admin"]
    now = timezone.now()
    first = Program.objects.filter(school=school, grade__name="初一", term__start_date__lte=timezone.localdate()) \
        .order_by("-term__start_date").first()
    if first is not None:
        closed = _consultation(ctx, school, first, "初一课后服务家长意见征询", admin,
                               sent_at=program_start(first) - dt.timedelta(days=10))
        if not closed.responses.exists():
            questions = list(closed.questions.all())
            for guardian in recipient_guardians(closed)[:40]:
                ConsultationResponse.objects.create(
                    consultation=closed, school=school, guardian=guardian,
                    submitted_at=closed.sent_at + dt.timedelta(hours=rng.randrange(2, 200)),
                    answers={str(q.pk): rng.randrange(len(q.options)) for q in questions})
    evening = Program.objects.filter(school=school, grade__name="初三").order_by("-term__start_date").first()
    if evening is not None and program_start(evening) <= now:
        upcoming = _next_program(ctx, school, evening, next_term)
        _consultation(ctx, school, upcoming, "下学期初三晚自习家长意见征询", admin, sent_at=now)

    today = timezone.localdate()
    if not SafetyEducation.objects.filter(school=school).exists():
        for n, school_class in enumerate(SchoolClass.objects.filter(school=school).select_related("head_teacher")):
            size = school_class.students.count()
            for k, topic in enumerate(TOPICS[:2]):
                SafetyEducation.objects.create(
                    school=school, school_class=school_class, date=today - dt.timedelta(days=3 + 14 * k + n),
                    topic=topic, teacher=school_class.head_teacher or admin, recorded_by=admin,
                    attendance=max(0, size - rng.randrange(0, 3)))
                ctx.count("safety_education")
    if not StaffMeeting.objects.filter(school=school).exists():
        everyone = [admin, staff["office"], *staff["teachers"].values()]
        for kind, title, ago, people, minutes, decisions in [
            (StaffMeeting.Kind.ALL_STAFF, "传达“双减”精神，部署课后服务", 60, everyone,
             "传达上级文件精神，明确“双减”推进工作要求，讨论并制定本校课后服务实施方案。",
             ["成立课后服务工作小组", "初一、初二周一至周五17:10—18:10，住宿生到19:40", "初三晚自习18:00—20:05"]),
            (StaffMeeting.Kind.CLASS_TEACHERS, "班主任会议：申请审核与交接", 55, [admin, *staff["teachers"].values()],
             "班主任统计参加课后服务学生的个人信息、家庭住址及联系电话，发放给课后服务教师和值班行政。",
             ["家长书面申请，班级审核后报学校批准", "每天服务结束后集体放学"]),
            (StaffMeeting.Kind.WORKING_GROUP, "工作小组例会：安全与值班", 7, everyone[:4],
             "检查值班、考勤和门卫登记执行情况，复盘本月安全教育。", ["下周开展消防疏散演练"]),
        ]:
            meeting = StaffMeeting.objects.create(school=school, kind=kind, title=title, minutes=minutes,
                                                  date=today - dt.timedelta(days=ago), decisions=decisions,
                                                  recorded_by=admin)
            meeting.attendees.set(people)
            ctx.count("staff_meetings")
