"""Reads of the after-school service, scoped to the actor (DESIGN §4, issue part 9).

A student's data is visible only to their guardians, their class teacher, that day's duty
staff and the school's admins. Programs, sessions, grades and classes are not personal: every
member of the school sees them. Anything else is simply not found: a 404, never a 403."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from linli.core.money import percent
from linli.core.tenancy import CAPABILITIES, Actor
from linli.orgs.models import SCHOOL_ROLES, Membership, Organization, Role, User

from .models import (
    Agreement,
    AgreementText,
    Application,
    Attendance,
    Dismissal,
    DutyAssignment,
    GateVisit,
    Grade,
    Guardian,
    Incident,
    LeaveRequest,
    Program,
    SchoolClass,
    Session,
    Student,
    Term,
    WorkingGroupMember,
)


@dataclass(frozen=True)
class SchoolScope:
    """The schools an actor belongs to, by what the roles held there allow, and where they are
    on duty today."""

    user_id: int | None
    roles: dict[int, frozenset[str]]  # school id → roles held there
    admin: frozenset[int]  # schools the actor manages ("afterschool.manage")
    staff: frozenset[int]  # schools where the actor works ("afterschool.staff")
    guardian: frozenset[int]
    duty: frozenset[int]  # schools where the actor is on today's duty roster

    @property
    def member(self) -> frozenset[int]:
        return self.staff | self.guardian


def _schools_with(roles: dict[int, set[str]], capability: str) -> frozenset[int]:
    return frozenset(school for school, held in roles.items() if held & CAPABILITIES[capability])


def school_scope(actor: Actor) -> SchoolScope:
    """Computed once per actor and day: the duty roster changes at midnight."""
    today = timezone.localdate()
    cached = actor.__dict__.get("_afterschool_scope")
    if cached is not None and cached[0] == today:
        return cached[1]
    roles: dict[int, set[str]] = {}
    for m in actor.memberships:
        if m.role in SCHOOL_ROLES and m.organization.kind == Organization.Kind.SCHOOL:
            roles.setdefault(m.organization_id, set()).add(m.role)
    staff = _schools_with(roles, "afterschool.staff")
    duty = set()
    if staff:
        duty = set(DutyAssignment.objects.filter(user=actor.user, date=today, school_id__in=staff)
                   .values_list("school_id", flat=True))
    scope = SchoolScope(
        user_id=getattr(actor.user, "pk", None), roles={k: frozenset(v) for k, v in roles.items()},
        admin=_schools_with(roles, "afterschool.manage"), staff=staff,
        guardian=frozenset(k for k, v in roles.items() if Role.GUARDIAN in v), duty=frozenset(duty),
    )
    actor.__dict__["_afterschool_scope"] = (today, scope)
    return scope


def is_school_admin(actor: Actor, school_id: int) -> bool:
    return actor.is_admin or school_id in school_scope(actor).admin


def is_staff(actor: Actor, school_id: int) -> bool:
    return actor.is_admin or school_id in school_scope(actor).staff


def on_duty(actor: Actor, school_id: int, date: dt.date) -> bool:
    """On the roster of `date`, and it is that day: duty gives no access before or after it."""
    return date == timezone.localdate() and school_id in school_scope(actor).duty


def is_class_teacher(actor: Actor, school_class: SchoolClass) -> bool:
    scope = school_scope(actor)
    return school_class.head_teacher_id == scope.user_id and school_class.school_id in scope.staff


def school_list(*, actor: Actor) -> QuerySet[Organization]:
    qs = Organization.objects.filter(kind=Organization.Kind.SCHOOL)
    return qs if actor.is_admin else qs.filter(id__in=school_scope(actor).member)


def staff_school_list(*, actor: Actor) -> QuerySet[Organization]:
    qs = Organization.objects.filter(kind=Organization.Kind.SCHOOL)
    return qs if actor.is_admin else qs.filter(id__in=school_scope(actor).staff)


def _in_schools(qs: QuerySet, actor: Actor, schools: frozenset[int]) -> QuerySet:
    return qs if actor.is_admin else qs.filter(school_id__in=schools)


# Structure and programs: every member of the school ----------------------------------------

def term_list(*, actor: Actor) -> QuerySet[Term]:
    return _in_schools(Term.objects.all(), actor, school_scope(actor).member)


def grade_list(*, actor: Actor) -> QuerySet[Grade]:
    return _in_schools(Grade.objects.all(), actor, school_scope(actor).member)


def school_class_list(*, actor: Actor) -> QuerySet[SchoolClass]:
    return _in_schools(SchoolClass.objects.select_related("grade", "head_teacher"), actor, school_scope(actor).member)


def program_list(*, actor: Actor) -> QuerySet[Program]:
    return _in_schools(Program.objects.select_related("term", "grade"), actor, school_scope(actor).member)


def session_list(*, actor: Actor) -> QuerySet[Session]:
    return _in_schools(Session.objects.select_related("program", "program__grade"), actor,
                       school_scope(actor).member)


def agreement_text_list(*, actor: Actor) -> QuerySet[AgreementText]:
    return _in_schools(AgreementText.objects.all(), actor, school_scope(actor).member)


def current_agreement_texts(*, actor: Actor, school_id: int) -> dict[str, AgreementText]:
    """The newest version of each kind: what a guardian signs now."""
    texts = {}
    for text in agreement_text_list(actor=actor).filter(school_id=school_id).order_by("kind", "-version"):
        texts.setdefault(text.kind, text)
    return texts


# Staff-only rosters ------------------------------------------------------------------------

def duty_assignment_list(*, actor: Actor) -> QuerySet[DutyAssignment]:
    return _in_schools(DutyAssignment.objects.select_related("user"), actor, school_scope(actor).staff)


def working_group_member_list(*, actor: Actor) -> QuerySet[WorkingGroupMember]:
    return _in_schools(WorkingGroupMember.objects.select_related("user"), actor, school_scope(actor).staff)


def dismissal_list(*, actor: Actor) -> QuerySet[Dismissal]:
    return _in_schools(Dismissal.objects.select_related("school_class", "dismissed_by", "session"), actor,
                       school_scope(actor).staff)


def staff_user_list(*, actor: Actor) -> QuerySet[User]:
    """Teachers and admins of the actor's schools: who can be a class teacher, on duty or in
    the working group."""
    ids = Membership.objects.filter(role__in=[Role.SCHOOL_ADMIN, Role.TEACHER], active=True)
    if not actor.is_admin:
        ids = ids.filter(organization_id__in=school_scope(actor).staff)
    return User.objects.filter(id__in=ids.values("user_id")).order_by("id")


# Students and what is personal about them ----------------------------------------------------

def _student_scope(actor: Actor, *, duty: bool) -> Q:
    scope = school_scope(actor)
    q = Q(school_id__in=scope.admin)
    q |= Q(school_class__head_teacher_id=scope.user_id, school_id__in=scope.staff)
    q |= Q(id__in=Student.objects.filter(guardians__user_id=scope.user_id, school_id__in=scope.guardian)
           .values("id"))
    if duty and scope.duty:
        # The day's duty staff look after the students who take part in the service.
        q |= Q(school_id__in=scope.duty, id__in=Application.objects.filter(
            status=Application.Status.ENROLLED, school_id__in=scope.duty).values("student_id"))
    return q


def student_list(*, actor: Actor, duty: bool = True) -> QuerySet[Student]:
    qs = Student.objects.select_related("school_class", "school_class__grade")
    return qs if actor.is_admin else qs.filter(_student_scope(actor, duty=duty))


def guardian_list(*, actor: Actor) -> QuerySet[Guardian]:
    """Admins, the guardian themself, and whoever sees one of their children."""
    if actor.is_admin:
        return Guardian.objects.all()
    scope = school_scope(actor)
    own = Q(user_id=scope.user_id, school_id__in=scope.guardian)
    via_children = Q(id__in=Guardian.objects.filter(students__in=student_list(actor=actor).values("id")).values("id"))
    return Guardian.objects.filter(Q(school_id__in=scope.admin) | own | via_children)


def may_see_guardian_phone(actor: Actor, guardian: Guardian) -> bool:
    """Who must be able to call a guardian: admins, their children's class teachers, the day's
    duty staff and the guardian themself. Another guardian of the same child sees it masked."""
    if actor.is_admin or is_school_admin(actor, guardian.school_id):
        return True
    scope = school_scope(actor)
    if guardian.user_id is not None and guardian.user_id == scope.user_id:
        return True
    if guardian.school_id in scope.duty:
        return True
    return guardian.students.filter(school_class__head_teacher_id=scope.user_id).exists() and \
        guardian.school_id in scope.staff


def application_list(*, actor: Actor) -> QuerySet[Application]:
    qs = Application.objects.select_related("student", "student__school_class", "student__school_class__grade",
                                            "program", "guardian")
    return qs if actor.is_admin else qs.filter(student__in=student_list(actor=actor, duty=False).values("id"))


def agreement_list(*, actor: Actor) -> QuerySet[Agreement]:
    qs = Agreement.objects.select_related("application", "text")
    return qs if actor.is_admin else qs.filter(application__in=application_list(actor=actor).values("id"))


def attendance_list(*, actor: Actor) -> QuerySet[Attendance]:
    qs = Attendance.objects.select_related("student", "session", "session__program")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    today = timezone.localdate()
    # Duty staff see the day's attendance they keep, not the history of every student.
    mine = qs.filter(student__in=student_list(actor=actor, duty=False).values("id"))
    return mine | qs.filter(school_id__in=scope.duty, session__date=today)


def leave_request_list(*, actor: Actor) -> QuerySet[LeaveRequest]:
    qs = LeaveRequest.objects.select_related("student", "student__school_class", "requested_by")
    return qs if actor.is_admin else qs.filter(student__in=student_list(actor=actor, duty=False).values("id"))


def gate_visit_list(*, actor: Actor) -> QuerySet[GateVisit]:
    qs = GateVisit.objects.select_related("recorded_by")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    today = timezone.localdate()
    return qs.filter(Q(school_id__in=scope.admin) | Q(school_id__in=scope.duty, arrived_at__date=today))


def incident_list(*, actor: Actor) -> QuerySet[Incident]:
    qs = Incident.objects.select_related("reported_by", "session")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    return qs.filter(Q(school_id__in=scope.admin) | Q(reported_by_id=scope.user_id, school_id__in=scope.staff))


# Rosters of a session ----------------------------------------------------------------------

def session_roster(*, actor: Actor, session: Session) -> list[Student]:
    """The students of a session the actor may see: enrolled in its program. Each carries its
    `mark` (Attendance or None) and `on_leave` (an approved leave covers the day)."""
    students = list(
        student_list(actor=actor)
        .filter(applications__program=session.program, applications__status=Application.Status.ENROLLED)
        .prefetch_related("guardians").order_by("school_class__name", "student_no", "name", "id")
    )
    marks = {a.student_id: a for a in Attendance.objects.filter(session=session,
                                                               student__in=[s.pk for s in students])}
    leave = set(LeaveRequest.objects.filter(student__in=[s.pk for s in students], status=LeaveRequest.Status.APPROVED,
                                            start_date__lte=session.date, end_date__gte=session.date)
                .values_list("student_id", flat=True))
    for student in students:
        student.mark = marks.get(student.pk)
        student.on_leave = student.pk in leave
    return students


def may_take_attendance(actor: Actor, session: Session) -> bool:
    return is_school_admin(actor, session.school_id) or on_duty(actor, session.school_id, session.date)


def handover_rows(*, actor: Actor, school_id: int, date: dt.date) -> list[dict] | None:
    """The handover list (交接名单) of a day: every student in a session that day with their
    address and guardians' phones. Admins and the day's duty staff see the whole list; a class
    teacher sees their own class's rows; for anyone else there is no list (None: a 404)."""
    own_classes = None
    if not (is_school_admin(actor, school_id) or on_duty(actor, school_id, date)):
        scope = school_scope(actor)
        own_classes = SchoolClass.objects.filter(school_id=school_id, head_teacher_id=scope.user_id)
        if school_id not in scope.staff or not own_classes.exists():
            return None
    sessions = Session.objects.filter(school_id=school_id, date=date, status=Session.Status.SCHEDULED)
    students = (
        Student.objects.filter(applications__program__sessions__in=sessions,
                               applications__status=Application.Status.ENROLLED)
        .select_related("school_class", "school_class__grade").prefetch_related("guardians").distinct()
        .order_by("school_class__grade__order", "school_class__name", "student_no", "name")
    )
    if own_classes is not None:
        students = students.filter(school_class__in=own_classes)
    session_of = {}
    for session in sessions.select_related("program"):
        session_of[session.program.grade_id] = session
    on_leave = set(LeaveRequest.objects.filter(school_id=school_id, status=LeaveRequest.Status.APPROVED,
                                               start_date__lte=date, end_date__gte=date)
                   .values_list("student_id", flat=True))
    rows = []
    for student in students:
        session = session_of.get(student.school_class.grade_id)
        guardians = list(student.guardians.all())
        ends = session.boarder_end_time if (session and student.boarder and session.boarder_end_time) else \
            getattr(session, "end_time", None)
        rows.append({
            "student": student, "school_class": student.school_class, "boarder": student.boarder,
            "address": next((g.address for g in guardians if g.address), ""), "guardians": guardians,
            "ends": ends, "on_leave": student.pk in on_leave,
        })
    return rows


# Reports -----------------------------------------------------------------------------------

def _rate(part: int, whole: int):
    """A report's rate in percent to one place (half-up, DESIGN §3); None when nobody counts."""
    return percent(part, whole, places=1) if whole else None


def participation_by_class(*, actor: Actor, term: Term) -> list[dict]:
    """Per class: students, those taking part this term (enrolled), and the rate in percent."""
    classes = (
        school_class_list(actor=actor).filter(school_id=term.school_id)
        .annotate(students_count=Count("students", distinct=True),
                  enrolled=Count("students", distinct=True, filter=Q(
                      students__applications__status=Application.Status.ENROLLED,
                      students__applications__program__term=term)))
        .order_by("grade__order", "name")
    )
    return [{"school_class": c, "students": c.students_count, "enrolled": c.enrolled,
             "rate": _rate(c.enrolled, c.students_count)} for c in classes]


def attendance_by_class(*, actor: Actor, school_id: int, start: dt.date, end: dt.date) -> list[dict]:
    """Per class over [start, end]: attendance rate = (present + late) / (marks − approved leave)."""
    rows = (
        Attendance.objects.filter(school_id=school_id, session__date__range=(start, end))
        .values("student__school_class").annotate(
            total=Count("id"),
            present=Count("id", filter=Q(status=Attendance.Status.PRESENT)),
            late=Count("id", filter=Q(status=Attendance.Status.LATE)),
            absent=Count("id", filter=Q(status=Attendance.Status.ABSENT)),
            leave=Count("id", filter=Q(status=Attendance.Status.LEAVE)),
        )
    )
    by_class = {r["student__school_class"]: r for r in rows}
    result = []
    for c in school_class_list(actor=actor).filter(school_id=school_id).order_by("grade__order", "name"):
        r = by_class.get(c.pk, {"total": 0, "present": 0, "late": 0, "absent": 0, "leave": 0})
        expected = r["total"] - r["leave"]
        result.append({"school_class": c, **{k: r[k] for k in ("total", "present", "late", "absent", "leave")},
                       "expected": expected, "rate": _rate(r["present"] + r["late"], expected)})
    return result
