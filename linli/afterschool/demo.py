"""Demo after-school service of 苗庄小学 (loaded by `manage.py seed_demo`, see linli/core/demo.py).

篇二 as the seed lays it out: grades 初一 / 初二 / 初三, two classes each, some boarders; the
after-school service of 初一 and 初二 (Monday to Friday 17:10–18:10, boarders until 19:40) and
the evening self-study of 初三 (18:00–20:05); the working group, this week's duty roster with
the demo teacher on duty today, the two texts to sign, applications in every state and a
fortnight of attendance, so every page has something to show at once.

The school, its admin login `school` and the term follow today's date (the term that contains
it, this week's roster), so the demo stays usable whenever it is loaded."""

import datetime as dt
import hashlib

from django.utils import timezone

from linli.core.demo import DemoContext, People, demo_user
from linli.orgs.models import Membership, Role

from .models import (
    Agreement,
    AgreementText,
    Application,
    Attendance,
    DutyAssignment,
    GateVisit,
    Grade,
    Guardian,
    LeaveRequest,
    Program,
    SchoolClass,
    Session,
    Student,
    Term,
    WorkingGroupMember,
)
from . import demo_duties
from .services import program_terms

GRADES = ["初一", "初二", "初三"]
CLASSES = ["（1）班", "（2）班"]
STUDENTS_PER_CLASS = 10
METHOD = ("家长自愿申请、班级审核、学校统一实施；教师分组辅导，学生自主学习。集中有专人监管，进出有统一组织，"
          "每天服务结束后集体放学，学生统一、有序离校。")
PROGRAMS = [
    # grade, name, kind, start, end, boarders until, content
    ("初一", "初一课后服务", Program.Kind.AFTER_SCHOOL, "17:10", "18:10", "19:40",
     ["辅导作业", "补缺", "提优", "兴趣与特长社团"]),
    ("初二", "初二课后服务", Program.Kind.AFTER_SCHOOL, "17:10", "18:10", "19:40",
     ["辅导作业", "补缺", "提优", "兴趣与特长社团"]),
    ("初三", "初三晚自习", Program.Kind.EVENING_STUDY, "18:00", "20:05", None,
     ["辅导作业", "提优", "补缺", "阅读", "科学兴趣小组"]),
]
AGREEMENT = """一、服务原则：课后服务坚持“立足需求、积极服务、家长自愿、学校受托”的原则，是否参加由家长自愿选择。
二、甲方（学校）按约定的时间、内容和方式组织课后服务，安排教师辅导作业、补缺、提优，开展兴趣与特长活动，不讲授新课。
三、甲方实行行政和教师值班制度，落实考勤和请假手续；学生缺勤时及时通知乙方。
四、乙方（监护人）如实提供学生信息、家庭住址和联系电话，变更时及时告知班主任；学生不能参加时须提前请假。
五、乙方可随时申请退出课后服务，退出前应告知班主任。
六、本协议自乙方签署之日起至本学期结束时止。"""
SAFETY_LETTER = """一、学校加强安全教育，强化安保工作，做到集中有专人监管，进出有统一组织，确保师生安全。
二、学校完善门卫登记管理制度，严禁外来人员进入学校。
三、课后服务结束后集体放学，学生统一、有序离校；走读生由监护人按时接送或按约定自行回家，住宿生由值班教师带回宿舍。
四、监护人应教育孩子遵守纪律，服从值班教师管理，不私自离校；确需提前离校的，须由监护人向班主任请假并到校接回。
五、课后服务期间若遇突发事件，学校立即启动相应的应急预案，妥善处置并及时通知监护人。
六、监护人应保持联系电话畅通，以便学校及时联系。"""
STATES = ([Application.Status.ENROLLED] * 14 + [Application.Status.SUBMITTED, Application.Status.CLASS_APPROVED,
          Application.Status.APPROVED, Application.Status.REJECTED, Application.Status.WITHDRAWN] + [None])
GATE_VISITORS = [("送作业的家长", "给初一（2）班学生送作业本", "初一（2）班班主任"),
                 ("维修工", "维修教学楼三楼照明", "总务处")]


def _term_of(day: dt.date) -> tuple[str, dt.date, dt.date]:
    """The school term around a day: autumn from September to late January, spring after it."""
    if day.month >= 8 or day.month == 1:
        year = day.year if day.month >= 8 else day.year - 1
        return f"{year}—{year + 1}学年第一学期", dt.date(year, 9, 1), dt.date(year + 1, 1, 22)
    return f"{day.year - 1}—{day.year}学年第二学期", dt.date(day.year, 2, 20), dt.date(day.year, 7, 5)


def _membership(ctx: DemoContext, user, school, role: str, position: str) -> None:
    _, created = Membership.objects.get_or_create(user=user, organization=school, role=role,
                                                  defaults={"position": position})
    ctx.count("memberships", int(created))


def _get_or_create(ctx: DemoContext, model, what: str, defaults=None, **keys):
    obj, created = model.objects.get_or_create(defaults=defaults or {}, **keys)
    ctx.count(what, int(created))
    return obj


def _staff(ctx: DemoContext, school, people: People) -> dict:
    """The school's people: admins (行政), class teachers; the demo logins among them."""
    admin = ctx.users["school"]
    _membership(ctx, admin, school, Role.SCHOOL_ADMIN, "课后服务负责人")
    office = demo_user(ctx, "ms-admin-01", people.name(), phone=people.mobile())
    _membership(ctx, office, school, Role.SCHOOL_ADMIN, "教务主任")
    logins = {
        ("初一", "（1）班"): ("teacher", ("教师（初一（1）班班主任，今日值班）",
                                         "本班学生与申请审核；今日值班：考勤、交接名单、集体放学、门卫登记")),
        ("初一", "（2）班"): ("teacher2", ("教师（初一（2）班班主任）", "只看本班学生；不值班的日子看不到交接名单")),
    }
    teachers = {}
    for g, grade in enumerate(GRADES):
        for c, name in enumerate(CLASSES):
            username, login = logins.get((grade, name), (f"ms-teacher-{g * 2 + c + 1:02d}", None))
            user = demo_user(ctx, username, people.name(), login=login, phone=people.mobile())
            _membership(ctx, user, school, Role.TEACHER, f"{grade}{name}班主任")
            teachers[(grade, name)] = user
    return {"admin": admin, "office": office, "teachers": teachers}


def _students(ctx: DemoContext, school, classes: dict, people: People, rng) -> None:
    """Ten students a class, each with one or two guardians; `guardian` has two children."""
    guardian_user = demo_user(ctx, "guardian", people.name(male=False), login=(
        "学生家长（监护人）", "自己两个孩子的课后服务：申请、协议签署、考勤与请假"), phone=people.mobile())
    _membership(ctx, guardian_user, school, Role.GUARDIAN, "学生监护人")
    for (grade, name), school_class in classes.items():
        if Student.objects.filter(school_class=school_class).exists():
            continue
        for i in range(1, STUDENTS_PER_CLASS + 1):
            number = f"2026{GRADES.index(grade) + 1}{CLASSES.index(name) + 1}{i:02d}"
            address = f"苗庄小区{rng.choice(['金苗园', '银苗园', '兰苗园', '北区'])}{rng.randint(1, 24)}号楼" \
                      f"{rng.randint(1, 3)}-{rng.randint(1, 6)}0{rng.randint(1, 2)}"
            demo_child = (grade, name, i) in {("初一", "（1）班", 1), ("初三", "（1）班", 1)}
            if demo_child:
                mother = _get_or_create(ctx, Guardian, "guardians", school=school, user=guardian_user, defaults={
                    "name": guardian_user.display_name, "relation": "母亲", "phone": guardian_user.phone,
                    "address": "苗庄小区金苗园3号楼2-301"})
                surname = "王"
                guardians = [mother]
            else:
                surname = people.rng.choice("王李张刘陈杨赵孙徐马高朱")
                father = Guardian.objects.create(school=school, name=people.name(True, surname), relation="父亲",
                                                 phone=people.mobile(), address=address)
                guardians = [father]
                if rng.random() < 0.6:
                    guardians.append(Guardian.objects.create(school=school, name=people.name(False), relation="母亲",
                                                             phone=people.mobile(), address=address))
                ctx.count("guardians", len(guardians))
            student = Student.objects.create(school=school, school_class=school_class, student_no=number,
                                             name=people.name(surname=surname), boarder=rng.random() < 0.3)
            student.guardians.set(guardians)
            ctx.count("students")


def _applications(ctx: DemoContext, school, program: Program, staff: dict, texts: dict, rng) -> None:
    if Application.objects.filter(program=program).exists():
        return
    now = timezone.now()
    terms = program_terms(program)
    for student in Student.objects.filter(school_class__grade=program.grade).prefetch_related("guardians") \
            .select_related("school_class").order_by("student_no"):
        guardian = student.guardians.all()[0]
        if guardian.user_id:
            # The demo guardian's 初一 child has not applied yet, so the flow can be tried; the
            # 初三 child takes part already.
            state = None if program.grade.name == "初一" else Application.Status.ENROLLED
        else:
            state = rng.choice(STATES)
        if state is None:
            continue
        class_teacher = student.school_class.head_teacher
        reviewed = state not in (Application.Status.SUBMITTED, Application.Status.WITHDRAWN)
        school_reviewed = state in (Application.Status.APPROVED, Application.Status.ENROLLED)
        application = Application.objects.create(
            school=school, student=student, program=program, guardian=guardian, status=state,
            statement="本人已了解课后服务的时间、内容和方式，自愿为孩子申请参加，并遵守学校的相关规定。",
            consented_at=now - dt.timedelta(days=20), terms=terms,
            class_reviewer=class_teacher if reviewed else None,
            class_reviewed_at=now - dt.timedelta(days=19) if reviewed else None,
            class_note="学生本学期已报名校外托管，家长确认不再参加" if state == Application.Status.REJECTED else "",
            school_reviewer=staff["admin"] if school_reviewed else None,
            school_reviewed_at=now - dt.timedelta(days=18) if school_reviewed else None,
            enrolled_at=now - dt.timedelta(days=17) if state == Application.Status.ENROLLED else None,
        )
        ctx.count("applications")
        if state == Application.Status.ENROLLED:
            for text in texts.values():
                signed_at = now - dt.timedelta(days=17)
                Agreement.objects.create(
                    school=school, application=application, text=text, kind=text.kind,
                    signer=guardian.user or staff["admin"], signer_name=guardian.name, signed_at=signed_at,
                    digest=hashlib.sha256(f"{text.pk}:{application.pk}:{guardian.name}".encode()).hexdigest())
                ctx.count("agreements")


def _attendance(ctx: DemoContext, school, staff: dict, rng, today: dt.date) -> None:
    """Two weeks of rolls before today, so the reports have something to show."""
    if Attendance.objects.filter(school=school).exists():
        return
    sessions = Session.objects.filter(school=school, date__lt=today, date__gte=today - dt.timedelta(days=14),
                                      status=Session.Status.SCHEDULED)
    enrolled: dict[int, list[int]] = {}
    for program_id, student_id in Application.objects.filter(
            school=school, status=Application.Status.ENROLLED).values_list("program_id", "student_id"):
        enrolled.setdefault(program_id, []).append(student_id)
    rows = []
    for session in sessions:
        marked_at = timezone.make_aware(dt.datetime.combine(session.date, session.start_time))
        for student_id in enrolled.get(session.program_id, []):
            status = rng.choices(list(Attendance.Status.values), weights=(90, 3, 4, 3))[0]
            rows.append(Attendance(school=school, session=session, student_id=student_id, status=status,
                                   marked_by=staff["admin"], marked_at=marked_at,
                                   alerted_at=marked_at if status == Attendance.Status.ABSENT else None))
    Attendance.objects.bulk_create(rows, batch_size=500)
    ctx.count("attendance", len(rows))


def load(ctx: DemoContext) -> None:
    school = ctx.organizations["school"]
    rng = ctx.rng("afterschool")
    people = People(rng)
    today = timezone.localdate()
    staff = _staff(ctx, school, people)

    name, start, end = _term_of(today)
    term = _get_or_create(ctx, Term, "terms", school=school, name=name,
                          defaults={"start_date": start, "end_date": end})
    grades, classes = {}, {}
    for order, grade_name in enumerate(GRADES, start=1):
        grades[grade_name] = _get_or_create(ctx, Grade, "grades", school=school, name=grade_name,
                                            defaults={"order": order})
        for class_name in CLASSES:
            classes[(grade_name, class_name)] = _get_or_create(
                ctx, SchoolClass, "classes", school=school, grade=grades[grade_name], name=class_name,
                defaults={"head_teacher": staff["teachers"][(grade_name, class_name)]})
    _students(ctx, school, classes, people, rng)

    texts = {
        kind: _get_or_create(ctx, AgreementText, "agreement_texts", school=school, kind=kind, version=1,
                             defaults={"title": str(AgreementText.Kind(kind).label), "body": body})
        for kind, body in ((AgreementText.Kind.AGREEMENT, AGREEMENT), (AgreementText.Kind.SAFETY_LETTER, SAFETY_LETTER))
    }
    for grade_name, program_name, kind, begins, ends, boarders, content in PROGRAMS:
        program = _get_or_create(ctx, Program, "programs", term=term, grade=grades[grade_name], name=program_name,
                                 defaults={"school": school, "kind": kind, "weekdays": "12345",
                                           "start_time": dt.time.fromisoformat(begins),
                                           "end_time": dt.time.fromisoformat(ends),
                                           "boarder_end_time": dt.time.fromisoformat(boarders) if boarders else None,
                                           "content": content, "method": METHOD})
        existing = set(Session.objects.filter(program=program).values_list("date", flat=True))
        days = [start + dt.timedelta(days=n) for n in range((end - start).days + 1)]
        new = [Session(school=school, program=program, date=day, start_time=program.start_time,
                       end_time=program.end_time, boarder_end_time=program.boarder_end_time)
               for day in days if day.isoweekday() in program.weekday_numbers() and day not in existing]
        Session.objects.bulk_create(new)
        ctx.count("sessions", len(new))
        _applications(ctx, school, program, staff, texts, rng)
    _attendance(ctx, school, staff, rng, today)

    teachers = list(staff["teachers"].values())
    for position, user, duties in [
        (WorkingGroupMember.Position.LEADER, staff["admin"], "全面负责课后服务"),
        (WorkingGroupMember.Position.DEPUTY, staff["office"], "排班、考勤与安全"),
        *[(WorkingGroupMember.Position.MEMBER, t, "辅导与班级管理") for t in teachers],
    ]:
        _get_or_create(ctx, WorkingGroupMember, "working_group", school=school, user=user,
                       defaults={"position": position, "duties": duties})

    # This week's roster: one teacher and one administrator a day, the demo teacher today.
    monday = today - dt.timedelta(days=today.weekday())
    others = [t for t in teachers if t.username != "teacher"]
    for n in range(7):
        day = monday + dt.timedelta(days=n)
        teacher = ctx.users["teacher"] if day == today else others[n % len(others)]
        administrator = staff["admin"] if n % 2 == 0 else staff["office"]
        if not DutyAssignment.objects.filter(school=school, date=day).exists():
            DutyAssignment.objects.create(school=school, date=day, user=teacher, kind=DutyAssignment.Kind.TEACHER,
                                          note="考勤、交接、集体放学")
            DutyAssignment.objects.create(school=school, date=day, user=administrator,
                                          kind=DutyAssignment.Kind.ADMINISTRATOR, note="巡查、门卫登记、突发事件")
            ctx.count("duty_assignments", 2)

    if not GateVisit.objects.filter(school=school).exists():
        for i, (visitor, purpose, host) in enumerate(GATE_VISITORS):
            GateVisit.objects.create(school=school, visitor_name=people.name(), phone=people.mobile(),
                                     purpose=f"{visitor}：{purpose}", host=host, recorded_by=staff["admin"],
                                     arrived_at=timezone.now() - dt.timedelta(hours=2 - i),
                                     left_at=timezone.now() - dt.timedelta(hours=1) if i == 0 else None)
            ctx.count("gate_visits")
    if not LeaveRequest.objects.filter(school=school).exists():
        for student in Student.objects.filter(school_class=classes[("初一", "（1）班")],
                                              applications__status=Application.Status.ENROLLED)[:2]:
            LeaveRequest.objects.create(school=school, student=student, start_date=today + dt.timedelta(days=2),
                                        end_date=today + dt.timedelta(days=2), reason="看牙医",
                                        requested_by=student.guardians.all()[0].user or staff["admin"])
            ctx.count("leave_requests")
    # The consultations, safety education and meetings of the school (篇二); next term is the one
    # after this term ends.
    demo_duties.load(ctx, school, staff, _term_of(end + dt.timedelta(days=45)))
    ctx.log(f"{school.name}：{len(classes)} 个班，{Student.objects.filter(school=school).count()} 名学生，"
            f"{len(PROGRAMS)} 个课后服务项目（{name}）")
