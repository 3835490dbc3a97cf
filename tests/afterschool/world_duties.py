"""A program that starts in ten days, with both students applied, and a consultation on it;
a safety-education session and a staff meeting (篇二)."""

import datetime as dt

from django.utils import timezone

from linli.afterschool import services
from linli.afterschool.models import Program, Term
from linli.afterschool.services import duties

QUESTIONS = [{"text": "希望的服务内容", "options": ["辅导作业", "兴趣与特长社团", "阅读"]},
             {"text": "住宿生是否需要留校到19:40", "options": ["需要", "不需要"]}]


def next_program(school) -> Program:
    today = timezone.localdate()
    term = Term.objects.create(school=school.org, name="下学期", start_date=today + dt.timedelta(days=10),
                               end_date=today + dt.timedelta(days=120))
    program = Program.objects.create(school=school.org, term=term, grade=school.grade, name="下学期初一课后服务",
                                     start_time=dt.time(17, 10), end_time=dt.time(18, 10), content=["辅导作业"])
    for i in (1, 2):
        services.application_submit(actor=school.actor(f"guardian{i}"), student=school.students[i], program=program,
                                    consent=True)
    return program


def consultation(school, *, send: bool = True, **fields):
    program = fields.pop("program", None) or next_program(school)
    row = duties.consultation_create(actor=school.actor("admin"), school=school.org, program=program,
                                     title=fields.pop("title", "课后服务家长意见征询"),
                                     questions=fields.pop("questions", QUESTIONS), **fields)
    return duties.consultation_send(actor=school.actor("admin"), consultation=row) if send else row


def duty_objects(school) -> dict:
    admin = school.actor("admin")
    lesson = duties.safety_education_record(actor=admin, school=school.org, school_class=school.classes[0],
                                            date=timezone.localdate(), topic="防溺水安全教育",
                                            teacher=school.users["teacher1"], attendance=1)
    meeting = duties.staff_meeting_record(actor=admin, school=school.org, date=timezone.localdate(),
                                          title="课后服务工作部署", attendees=[school.users["admin"],
                                                                       school.users["teacher1"]],
                                          minutes="传达“双减”精神，明确课后服务工作要求。", decisions=["制定实施方案"])
    return {"consultation": consultation(school), "safetyeducation": lesson, "staffmeeting": meeting}
