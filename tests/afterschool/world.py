"""A school with its people, built directly (not through services) so each test starts from
exactly the world it needs; the behaviour under test always goes through services."""

import datetime as dt
from contextlib import contextmanager
from dataclasses import dataclass, field
from unittest import mock

from django.utils import timezone

from linli.afterschool import services
from linli.afterschool.models import (
    AgreementText,
    DutyAssignment,
    Grade,
    Guardian,
    Program,
    SchoolClass,
    Session,
    Student,
    Term,
)
from linli.core.tenancy import Actor
from tests import factories as f


@dataclass
class School:
    org: object
    term: object
    grade: object
    classes: list  # [class 1, class 2]
    program: object
    session: object  # today's session
    texts: dict
    users: dict = field(default_factory=dict)
    students: dict = field(default_factory=dict)
    guardians: dict = field(default_factory=dict)

    def actor(self, role: str) -> Actor:
        return Actor(self.users[role])


def build_school(tag: str, *, boarders_until: dt.time | None = dt.time(19, 40)) -> School:
    """Users: admin; teacher1 and teacher2 head classes 1 and 2; duty (no class) is on today's
    duty roster; guardian1 has `child1` in class 1, guardian2 `child2` in class 2. Every day is
    a program day, so there is a session today whatever the weekday."""
    today = timezone.localdate()
    org = f.OrganizationFactory(name=f"{tag}学校", kind="school")
    users = {}
    for role, membership in [("admin", "school_admin"), ("teacher1", "teacher"), ("teacher2", "teacher"),
                             ("duty", "teacher"), ("guardian1", "guardian"), ("guardian2", "guardian"),
                             ("co_guardian", "guardian")]:
        users[role] = f.UserFactory(username=f"{tag}-{role}", display_name=f"{tag}{role}")
        f.MembershipFactory(user=users[role], organization=org, role=membership)
    term = Term.objects.create(school=org, name=f"{tag}学期", start_date=today - dt.timedelta(days=30),
                               end_date=today + dt.timedelta(days=60))
    grade = Grade.objects.create(school=org, name="初一", order=1)
    classes = [SchoolClass.objects.create(school=org, grade=grade, name=f"（{i}）班", head_teacher=users[f"teacher{i}"])
               for i in (1, 2)]
    program = Program.objects.create(school=org, term=term, grade=grade, name=f"{tag}初一课后服务", weekdays="1234567",
                                     start_time=dt.time(17, 10), end_time=dt.time(18, 10),
                                     boarder_end_time=boarders_until, content=["辅导作业", "补缺", "提优"],
                                     method="教师分组辅导，集中监管，集体放学")
    session = Session.objects.create(school=org, program=program, date=today, start_time=program.start_time,
                                     end_time=program.end_time, boarder_end_time=program.boarder_end_time)
    texts = {kind: AgreementText.objects.create(school=org, kind=kind, version=1, title=str(label),
                                                body=f"{label}正文：双方的权利和义务。")
             for kind, label in AgreementText.Kind.choices}
    DutyAssignment.objects.create(school=org, date=today, user=users["duty"], kind="teacher")
    school = School(org, term, grade, classes, program, session, texts, users)
    for i in (1, 2):
        guardian = Guardian.objects.create(school=org, name=f"{tag}家长{i}", relation="母亲", phone=f"1390000{i:04d}",
                                           address=f"{tag}小区{i}号楼", user=users[f"guardian{i}"])
        student = Student.objects.create(school=org, school_class=classes[i - 1], name=f"{tag}学生{i}",
                                         student_no=f"{tag}{i}", boarder=i == 2)
        student.guardians.add(guardian)
        school.guardians[i], school.students[i] = guardian, student
    co = Guardian.objects.create(school=org, name=f"{tag}父亲1", relation="父亲", phone="13911112222",
                                 address=f"{tag}小区1号楼", user=users["co_guardian"])
    school.students[1].guardians.add(co)
    school.guardians["co"] = co
    return school


def submit(school: School, i: int = 1, **kwargs):
    """Student i's guardian applies for the school's program."""
    return services.application_submit(actor=school.actor(f"guardian{i}"), student=school.students[i],
                                       program=school.program, consent=kwargs.pop("consent", True), **kwargs)


def enroll(school: School, i: int):
    """Take student i through the whole flow: apply, class review, school approval, signing."""
    application = services.application_submit(actor=school.actor(f"guardian{i}"), student=school.students[i],
                                              program=school.program, consent=True)
    application = services.application_review(actor=school.actor(f"teacher{i}"), application=application,
                                              approve=True)
    application = services.application_review(actor=school.actor("admin"), application=application, approve=True)
    for text in school.texts.values():
        services.agreement_sign(actor=school.actor(f"guardian{i}"), application=application, text=text,
                                signer_name=school.guardians[i].name, consent=True)
    application.refresh_from_db()
    return application


def session_time(session, time: dt.time, *, days: int = 0) -> dt.datetime:
    """A local moment on the session's day (or `days` after it)."""
    return timezone.make_aware(dt.datetime.combine(session.date + dt.timedelta(days=days), time))


@contextmanager
def clock(at: dt.datetime):
    """Stop the clock at `at`, for the code under test and a live server in this process alike:
    a check-out is allowed only within its session's time."""
    with mock.patch.object(timezone, "now", lambda: at):
        yield
