"""Writes of the after-school service. Each checks who may do it in that school, keeps every
reference inside the school, and audits itself in the same transaction; messages to guardians
leave only after the commit."""

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.notify import notification_provider
from linli.core.services import full_clean_or_fail, model_snapshot, record_create, record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Organization, Role

from . import selectors
from .models import (
    EMERGENCY_CHECKLIST,
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

# Rows that name their school may not move to another one.
FIXED = ("school",)


def _require_admin(actor: Actor, school_id: int) -> None:
    if not selectors.is_school_admin(actor, school_id):
        raise PermissionDenied()


def _require_school(school: Organization) -> None:
    if school.kind != Organization.Kind.SCHOOL:
        raise ValidationFailed(fields={"school": [_("必须是学校。")]})


def _same_school(school_id: int, **refs) -> None:
    for field, obj in refs.items():
        if obj is not None and obj.school_id != school_id:
            raise ValidationFailed(fields={field: [_("必须属于同一所学校。")]})


def _require_staff_member(school_id: int, field: str, user, roles=(Role.SCHOOL_ADMIN, Role.TEACHER)) -> None:
    if user is not None and not Membership.objects.filter(user=user, organization_id=school_id, role__in=roles,
                                                          active=True).exists():
        raise ValidationFailed(fields={field: [_("必须是本校在职的教职工。")]})


def _update(*, actor: Actor, instance, changes: dict, action: str, **refs):
    _require_admin(actor, instance.school_id)
    for name in FIXED:
        changes.pop(name, None)
    _same_school(instance.school_id, **{k: changes.get(k) for k in refs})
    return record_update(actor=actor, instance=instance, changes=changes, action=action)


def _sms(phones: list[str], body: str) -> None:
    provider = notification_provider()
    for phone in phones:
        provider.send(channel="sms", recipient=phone, body=body)


# School structure -----------------------------------------------------------------------------

def term_create(*, actor: Actor, school: Organization, name: str, start_date: dt.date, end_date: dt.date) -> Term:
    _require_school(school)
    _require_admin(actor, school.pk)
    return record_create(actor=actor, instance=Term(school=school, name=name, start_date=start_date,
                                                    end_date=end_date), action="afterschool.term.create")


def term_update(*, actor: Actor, term: Term, changes: dict) -> Term:
    return _update(actor=actor, instance=term, changes=changes, action="afterschool.term.update")


def grade_create(*, actor: Actor, school: Organization, name: str, order: int = 0) -> Grade:
    _require_school(school)
    _require_admin(actor, school.pk)
    return record_create(actor=actor, instance=Grade(school=school, name=name, order=order),
                         action="afterschool.grade.create")


def grade_update(*, actor: Actor, grade: Grade, changes: dict) -> Grade:
    return _update(actor=actor, instance=grade, changes=changes, action="afterschool.grade.update")


def school_class_create(*, actor: Actor, grade: Grade, name: str, head_teacher=None) -> SchoolClass:
    _require_admin(actor, grade.school_id)
    _require_staff_member(grade.school_id, "head_teacher", head_teacher)
    return record_create(actor=actor, instance=SchoolClass(school_id=grade.school_id, grade=grade, name=name,
                                                           head_teacher=head_teacher),
                         action="afterschool.class.create")


def school_class_update(*, actor: Actor, school_class: SchoolClass, changes: dict) -> SchoolClass:
    _require_staff_member(school_class.school_id, "head_teacher", changes.get("head_teacher"))
    return _update(actor=actor, instance=school_class, changes=changes, action="afterschool.class.update",
                   grade=None)


def guardian_create(*, actor: Actor, school: Organization, name: str, phone: str, relation: str = "",
                    address: str = "", user=None) -> Guardian:
    """A guardian with a login becomes a guardian member of the school in the same step: the
    membership is what opens the guardian portal to that login."""
    _require_school(school)
    _require_admin(actor, school.pk)
    guardian = Guardian(school=school, name=name.strip(), phone=phone.strip(), relation=relation, address=address,
                        user=user)
    with transaction.atomic():
        record_create(actor=actor, instance=guardian, action="afterschool.guardian.create",
                      data={"name": guardian.name, "relation": relation, "user": getattr(user, "pk", None)})
        if user is not None:
            _guardian_membership(actor, school, user)
    return guardian


def _guardian_membership(actor: Actor, school: Organization, user) -> None:
    membership, created = Membership.objects.get_or_create(user=user, organization=school, role=Role.GUARDIAN,
                                                           defaults={"position": _("学生监护人")})
    if created:
        audit_record(actor=actor, action="membership.create", target=membership,
                     data={"user": user.pk, "organization": school.pk, "role": Role.GUARDIAN})


def guardian_update(*, actor: Actor, guardian: Guardian, changes: dict) -> Guardian:
    """Admins keep the record; a guardian may correct their own phone and address."""
    own = guardian.user_id is not None and guardian.user_id == getattr(actor.user, "pk", None)
    if own and set(changes) <= {"phone", "address"}:
        return record_update(actor=actor, instance=guardian, changes=changes, action="afterschool.guardian.update")
    with transaction.atomic():
        guardian = _update(actor=actor, instance=guardian, changes=changes, action="afterschool.guardian.update")
        if changes.get("user") is not None:
            _guardian_membership(actor, guardian.school, changes["user"])
    return guardian


def student_create(*, actor: Actor, school_class: SchoolClass, name: str, student_no: str = "",
                   boarder: bool = False, guardians=()) -> Student:
    _require_admin(actor, school_class.school_id)
    for guardian in guardians:
        _same_school(school_class.school_id, guardians=guardian)
    student = Student(school_id=school_class.school_id, school_class=school_class, name=name.strip(),
                      student_no=student_no, boarder=boarder)
    with transaction.atomic():
        record_create(actor=actor, instance=student, action="afterschool.student.create",
                      data={**model_snapshot(student), "guardians": [g.pk for g in guardians]})
        student.guardians.set(guardians)
    return student


def student_update(*, actor: Actor, student: Student, changes: dict) -> Student:
    guardians = changes.pop("guardians", None)
    with transaction.atomic():
        student = _update(actor=actor, instance=student, changes=changes, action="afterschool.student.update",
                          school_class=None)
        if guardians is not None:
            for guardian in guardians:
                _same_school(student.school_id, guardians=guardian)
            student.guardians.set(guardians)
            audit_record(actor=actor, action="afterschool.student.guardians", target=student,
                         data={"guardians": [g.pk for g in guardians]})
    return student


# Programs and sessions ----------------------------------------------------------------------

def program_create(*, actor: Actor, term: Term, grade: Grade, name: str, start_time: dt.time, end_time: dt.time,
                   **fields) -> Program:
    _require_admin(actor, term.school_id)
    _same_school(term.school_id, grade=grade)
    return record_create(actor=actor, instance=Program(school_id=term.school_id, term=term, grade=grade, name=name,
                                                       start_time=start_time, end_time=end_time, **fields),
                         action="afterschool.program.create")


def program_update(*, actor: Actor, program: Program, changes: dict) -> Program:
    return _update(actor=actor, instance=program, changes=changes, action="afterschool.program.update", term=None,
                   grade=None)


def session_generate(*, actor: Actor, program: Program) -> int:
    """Make a session for every day of the term that falls on one of the program's weekdays.
    Days that already have one are left as they are, so running it again adds only what is missing."""
    _require_admin(actor, program.school_id)
    term = program.term
    days = program.weekday_numbers()
    with transaction.atomic():
        existing = set(Session.objects.filter(program=program).values_list("date", flat=True))
        new = []
        day = term.start_date
        while day <= term.end_date:
            if day.isoweekday() in days and day not in existing:
                new.append(Session(school_id=program.school_id, program=program, date=day,
                                   start_time=program.start_time, end_time=program.end_time,
                                   boarder_end_time=program.boarder_end_time))
            day += dt.timedelta(days=1)
        Session.objects.bulk_create(new)
        audit_record(actor=actor, action="afterschool.session.generate", target=program,
                     data={"created": len(new), "term": term.pk})
    return len(new)


def session_cancel(*, actor: Actor, session: Session, reason: str) -> Session:
    """A holiday or bad weather: the day is called off and its guardians are told."""
    _require_admin(actor, session.school_id)
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写停课原因。")]})
    if session.attendance.exists():
        raise Conflict(_("该场次已有考勤，不能停课。"), code="has_attendance")
    with transaction.atomic():
        session = record_update(actor=actor, instance=session, action="afterschool.session.cancel",
                                changes={"status": Session.Status.CANCELLED, "note": reason.strip()})
        phones = list(Guardian.objects.filter(students__applications__program=session.program_id,
                                              students__applications__status=Application.Status.ENROLLED)
                      .values_list("phone", flat=True).distinct())
        body = _("【%(school)s】%(date)s 的%(program)s停课：%(reason)s。请按时接孩子放学。") % {
            "school": session.school.name, "date": f"{session.date:%m月%d日}", "program": session.program.name,
            "reason": reason.strip()}
        transaction.on_commit(lambda: _sms(phones, body))
    return session


def program_terms(program: Program) -> dict:
    """What a guardian reads before applying, and what their consent is recorded against."""
    return {
        "program": program.name,
        "term": program.term.name,
        "weekdays": str(program.weekdays_label),
        "time": f"{program.start_time:%H:%M}–{program.end_time:%H:%M}",
        "boarders_until": f"{program.boarder_end_time:%H:%M}" if program.boarder_end_time else "",
        "content": list(program.content),
        "method": program.method,
    }


# Applications -------------------------------------------------------------------------------

def application_submit(*, actor: Actor, student: Student, program: Program, consent: bool,
                       statement: str = "") -> Application:
    """The guardian's voluntary written application (家长自愿, 书面申请)."""
    guardian = Guardian.objects.filter(students=student, user=actor.user,
                                       school_id__in=selectors.school_scope(actor).guardian).first()
    if guardian is None:
        raise PermissionDenied(_("只有学生的监护人可以提出申请。"))
    _same_school(student.school_id, program=program)
    if program.grade_id != student.school_class.grade_id:
        raise ValidationFailed(fields={"program": [_("该项目不面向本学生所在年级。")]})
    if program.term.end_date < timezone.localdate():
        raise ValidationFailed(fields={"program": [_("该学期已结束。")]})
    if not consent:
        raise ValidationFailed(fields={"consent": [_("请阅读服务时间、内容和方式，并确认自愿申请。")]})
    application = Application(
        school_id=student.school_id, student=student, program=program, guardian=guardian,
        statement=statement.strip() or _("本人已了解课后服务的时间、内容和方式，自愿为孩子申请参加，并遵守学校的相关规定。"),
        consented_at=timezone.now(), terms=program_terms(program),
    )
    if Application.objects.filter(student=student, program=program, status__in=Application.OPEN).exists():
        raise Conflict(_("该学生已申请此项目。"), code="already_applied")
    return record_create(actor=actor, instance=application, action="afterschool.application.submit",
                         data={"student": student.pk, "program": program.pk, "guardian": guardian.pk,
                               "terms": application.terms, "statement": application.statement})


def application_review(*, actor: Actor, application: Application, approve: bool, note: str = "") -> Application:
    """The class teacher reviews (班级审核), then the school approves (学校批准)."""
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed(fields={"note": [_("不通过时请填写原因。")]})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        now = timezone.now()
        if application.status == Application.Status.SUBMITTED:
            if not selectors.is_class_teacher(actor, application.student.school_class) and not actor.is_admin:
                raise PermissionDenied(_("由学生的班主任进行班级审核。"))
            changes = {"status": Application.Status.CLASS_APPROVED if approve else Application.Status.REJECTED,
                       "class_reviewer": actor.user, "class_reviewed_at": now, "class_note": note}
            action = "afterschool.application.class_review"
        elif application.status == Application.Status.CLASS_APPROVED:
            _require_admin(actor, application.school_id)
            changes = {"status": Application.Status.APPROVED if approve else Application.Status.REJECTED,
                       "school_reviewer": actor.user, "school_reviewed_at": now, "school_note": note}
            action = "afterschool.application.school_review"
        else:
            raise Conflict(_("该申请不在待审核状态。"), code="not_pending")
        application = record_update(actor=actor, instance=application, changes=changes, action=action)
        phones = [application.guardian.phone] if application.guardian.phone else []
        if application.status in (Application.Status.APPROVED, Application.Status.REJECTED):
            body = (_("【%(school)s】%(student)s 的%(program)s申请已获学校批准，请登录签署课后服务协议书和安全责任书。")
                    if approve else _("【%(school)s】%(student)s 的%(program)s申请未通过：%(note)s")) % {
                "school": application.school.name, "student": application.student.name,
                "program": application.program.name, "note": note}
            transaction.on_commit(lambda: _sms(phones, body))
    return application


def application_withdraw(*, actor: Actor, application: Application) -> Application:
    """Taking part is voluntary: the guardian may withdraw at any stage."""
    if application.guardian.user_id != getattr(actor.user, "pk", None):
        raise PermissionDenied(_("只有申请人可以撤回申请。"))
    if application.status not in Application.OPEN:
        raise Conflict(_("该申请已结束。"), code="closed")
    return record_update(actor=actor, instance=application, changes={"status": Application.Status.WITHDRAWN},
                         action="afterschool.application.withdraw")


def agreement_text_publish(*, actor: Actor, school: Organization, kind: str, title: str, body: str) -> AgreementText:
    """A new version of a text; earlier signatures keep pointing at the version they signed."""
    _require_school(school)
    _require_admin(actor, school.pk)
    with transaction.atomic():
        # Serialise publishers of the same school so two never take the same number.
        Organization.objects.select_for_update().filter(pk=school.pk).first()
        last = AgreementText.objects.filter(school=school, kind=kind).order_by("-version").first()
        text = AgreementText(school=school, kind=kind, version=(last.version + 1) if last else 1, title=title.strip(),
                             body=body.strip())
        return record_create(actor=actor, instance=text, action="afterschool.agreement_text.publish",
                             data={"kind": kind, "version": text.version, "title": text.title,
                                   "digest": hashlib.sha256(text.body.encode()).hexdigest()})


def signed_content(application: Application, text: AgreementText, signer_name: str, signed_at) -> str:
    """The exact wording a signature covers: the text version, the parties and the program terms."""
    terms = application.terms
    return "\n".join([
        f"{text.title} v{text.version}", text.body,
        f"school={application.school_id} student={application.student_id} program={application.program_id}",
        f"time={terms.get('weekdays')} {terms.get('time')} boarders={terms.get('boarders_until')}",
        f"content={'+'.join(terms.get('content', []))}", f"method={terms.get('method')}",
        f"signer={signer_name} at={signed_at.astimezone(dt.timezone.utc).isoformat()}",
    ])


def agreement_sign(*, actor: Actor, application: Application, text: AgreementText, signer_name: str,
                   consent: bool) -> Agreement:
    """The guardian e-signs the text they read, which must still be the current version of its
    kind. Once both texts are signed the student takes part (the application is enrolled)."""
    if application.guardian.user_id != getattr(actor.user, "pk", None):
        raise PermissionDenied(_("只有申请人可以签署。"))
    if application.status != Application.Status.APPROVED:
        raise Conflict(_("学校批准后才能签署，且每份文本只签署一次。"), code="not_approved")
    if not consent:
        raise ValidationFailed(fields={"consent": [_("请阅读全文并确认同意。")]})
    signer_name = signer_name.strip()
    if not signer_name:
        raise ValidationFailed(fields={"signer_name": [_("请填写签署人姓名。")]})
    _same_school(application.school_id, text=text)
    kind = text.kind
    if selectors.current_agreement_texts(actor=actor, school_id=application.school_id)[kind].pk != text.pk:
        raise Conflict(_("文本已更新，请阅读最新版本后再签署。"), code="outdated_text")
    now = timezone.now()
    agreement = Agreement(school_id=application.school_id, application=application, text=text, kind=kind,
                          signer=actor.user, signer_name=signer_name, signed_at=now,
                          digest=hashlib.sha256(signed_content(application, text, signer_name, now).encode())
                          .hexdigest())
    full_clean_or_fail(agreement, exclude=["application"])
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            agreement.application = application
            agreement.save()
            audit_record(actor=actor, action="afterschool.agreement.sign", target=agreement,
                         data={"application": application.pk, "kind": kind, "text": text.pk, "version": text.version,
                               "signer_name": signer_name, "signed_at": now, "digest": agreement.digest})
            signed = set(application.agreements.values_list("kind", flat=True))
            if signed >= set(AgreementText.Kind.values):
                record_update(actor=actor, instance=application, action="afterschool.application.enroll",
                              changes={"status": Application.Status.ENROLLED, "enrolled_at": now})
    except IntegrityError as exc:
        raise Conflict(_("该文本已签署。"), code="already_signed") from exc
    return agreement


# Duty and the working group ------------------------------------------------------------------

def working_group_member_create(*, actor: Actor, school: Organization, user, position: str,
                                duties: str = "") -> WorkingGroupMember:
    _require_school(school)
    _require_admin(actor, school.pk)
    _require_staff_member(school.pk, "user", user)
    if position == WorkingGroupMember.Position.LEADER and \
            WorkingGroupMember.objects.filter(school=school, position=position).exists():
        raise Conflict(_("工作小组只有一位组长。"), code="one_leader")
    return record_create(actor=actor, instance=WorkingGroupMember(school=school, user=user, position=position,
                                                                  duties=duties),
                         action="afterschool.working_group.add")


def working_group_member_update(*, actor: Actor, working_group_member: WorkingGroupMember,
                                changes: dict) -> WorkingGroupMember:
    changes.pop("user", None)
    if changes.get("position") == WorkingGroupMember.Position.LEADER and WorkingGroupMember.objects.filter(
            school_id=working_group_member.school_id, position=WorkingGroupMember.Position.LEADER,
    ).exclude(pk=working_group_member.pk).exists():
        raise Conflict(_("工作小组只有一位组长。"), code="one_leader")
    return _update(actor=actor, instance=working_group_member, changes=changes,
                   action="afterschool.working_group.update")


def duty_assignment_create(*, actor: Actor, school: Organization, date: dt.date, user,
                           kind: str = DutyAssignment.Kind.TEACHER, note: str = "") -> DutyAssignment:
    """Administrators' duty (行政值班) is kept by the school's admins, teachers' by either."""
    _require_school(school)
    _require_admin(actor, school.pk)
    roles = (Role.SCHOOL_ADMIN,) if kind == DutyAssignment.Kind.ADMINISTRATOR else (Role.SCHOOL_ADMIN, Role.TEACHER)
    _require_staff_member(school.pk, "user", user, roles)
    return record_create(actor=actor, instance=DutyAssignment(school=school, date=date, user=user, kind=kind,
                                                              note=note), action="afterschool.duty.assign")


def duty_assignment_update(*, actor: Actor, duty_assignment: DutyAssignment, changes: dict) -> DutyAssignment:
    kind = changes.get("kind", duty_assignment.kind)
    roles = (Role.SCHOOL_ADMIN,) if kind == DutyAssignment.Kind.ADMINISTRATOR else (Role.SCHOOL_ADMIN, Role.TEACHER)
    _require_staff_member(duty_assignment.school_id, "user", changes.get("user", duty_assignment.user), roles)
    return _update(actor=actor, instance=duty_assignment, changes=changes, action="afterschool.duty.update")


# Daily running ------------------------------------------------------------------------------

def attendance_take(*, actor: Actor, session: Session, marks: dict, notes: dict | None = None) -> list[Attendance]:
    """Record the roll of a session: {student: status}. A student newly marked absent sets off
    an SMS to their guardians once the roll is saved (缺勤提醒)."""
    if not selectors.may_take_attendance(actor, session):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以考勤。"))
    if session.status != Session.Status.SCHEDULED:
        raise Conflict(_("该场次已停课。"), code="cancelled")
    if session.date > timezone.localdate():
        raise ValidationFailed(_("不能为尚未开始的场次考勤。"), code="future")
    enrolled = set(Application.objects.filter(program=session.program_id, status=Application.Status.ENROLLED)
                   .values_list("student_id", flat=True))
    unknown = [s.name for s in marks if s.pk not in enrolled]
    if unknown:
        raise ValidationFailed(_("以下学生未参加该项目：%(names)s。") % {"names": "、".join(unknown)},
                               fields={"student": [_("学生未参加该项目。")]})
    statuses = set(Attendance.Status.values)
    if any(status not in statuses for status in marks.values()):
        raise ValidationFailed(fields={"status": [_("考勤状态无效。")]})
    notes = notes or {}
    now = timezone.now()
    saved, alerts = [], []
    with transaction.atomic():
        existing = {a.student_id: a for a in Attendance.objects.select_for_update().filter(
            session=session, student__in=[s.pk for s in marks])}
        for student, status in marks.items():
            record = existing.get(student.pk) or Attendance(school_id=session.school_id, session=session,
                                                            student=student)
            before = record.status if record.pk else None
            record.status, record.note = status, notes.get(student, record.note)
            record.marked_by, record.marked_at = actor.user, now
            if status == Attendance.Status.ABSENT and record.alerted_at is None:
                record.alerted_at = now
                alerts.append(student)
            record.save()
            saved.append(record)
            if before != status:
                audit_record(actor=actor, action="afterschool.attendance.mark", target=record,
                             data={"session": session.pk, "student": student.pk, "before": before, "after": status})
        messages = []
        for student in alerts:
            body = _("【%(school)s】%(student)s 今天（%(date)s）未到%(program)s，请尽快联系班主任或值班老师。") % {
                "school": session.school.name, "student": student.name, "date": f"{session.date:%m月%d日}",
                "program": session.program.name}
            messages += [(g.phone, body) for g in student.guardians.all() if g.phone]
        if messages:
            transaction.on_commit(lambda: [notification_provider().send(channel="sms", recipient=phone, body=body)
                                           for phone, body in messages])
    return saved


def dismissal_check_out(*, actor: Actor, session: Session, school_class: SchoolClass,
                        group: str = Dismissal.Group.ALL, note: str = "") -> Dismissal:
    """Check a class out at the end of the session (集体放学，统一离校). Its roll must be complete
    first, so that the headcount that leaves is the one that was there."""
    if not selectors.may_take_attendance(actor, session):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以组织放学。"))
    _same_school(session.school_id, school_class=school_class)
    if school_class.grade_id != session.program.grade_id:
        raise ValidationFailed(fields={"school_class": [_("该班级不在本场次。")]})
    split = session.boarder_end_time is not None
    if split == (group == Dismissal.Group.ALL):
        raise ValidationFailed(fields={"group": [_("住宿生晚走时请分别为走读生和住宿生放学。") if split
                                                 else _("本场次全体学生一起放学。")]})
    if Dismissal.objects.filter(session=session, school_class=school_class, group=group).exists():
        raise Conflict(_("该班已放学。"), code="already_dismissed")
    students = Student.objects.filter(school_class=school_class, applications__program=session.program_id,
                                      applications__status=Application.Status.ENROLLED)
    if group != Dismissal.Group.ALL:
        students = students.filter(boarder=group == Dismissal.Group.BOARDERS)
    marks = dict(Attendance.objects.filter(session=session, student__in=students).values_list("student_id", "status"))
    unmarked = [s.name for s in students if s.pk not in marks]
    if unmarked:
        raise Conflict(_("请先完成考勤：%(names)s 未考勤。") % {"names": "、".join(unmarked)}, code="roll_incomplete")
    headcount = sum(status in (Attendance.Status.PRESENT, Attendance.Status.LATE) for status in marks.values())
    return record_create(actor=actor, instance=Dismissal(
        school_id=session.school_id, session=session, school_class=school_class, group=group,
        dismissed_at=timezone.now(), dismissed_by=actor.user, headcount=headcount, note=note,
    ), action="afterschool.dismissal.check_out")


def leave_request_create(*, actor: Actor, student: Student, start_date: dt.date, end_date: dt.date,
                         reason: str) -> LeaveRequest:
    """A guardian asks ahead; the class teacher or an admin may also record leave phoned in."""
    scope = selectors.school_scope(actor)
    is_guardian = student.guardians.filter(user_id=scope.user_id).exists() and student.school_id in scope.guardian
    teacher = selectors.is_class_teacher(actor, student.school_class) or \
        selectors.is_school_admin(actor, student.school_id)
    if not (is_guardian or teacher):
        raise PermissionDenied()
    if is_guardian and not teacher and start_date < timezone.localdate():
        raise ValidationFailed(fields={"start_date": [_("请假需提前申请，开始日期不能早于今天。")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请填写请假事由。")]})
    return record_create(actor=actor, instance=LeaveRequest(
        school_id=student.school_id, student=student, start_date=start_date, end_date=end_date,
        reason=reason.strip(), requested_by=actor.user,
    ), action="afterschool.leave.request")


def leave_request_review(*, actor: Actor, leave_request: LeaveRequest, approve: bool,
                         note: str = "") -> LeaveRequest:
    """Approved leave turns absences already marked in its days into leave (严格履行请假手续)."""
    if not (selectors.is_class_teacher(actor, leave_request.student.school_class)
            or selectors.is_school_admin(actor, leave_request.school_id)):
        raise PermissionDenied(_("由班主任或学校管理员审批请假。"))
    if leave_request.status != LeaveRequest.Status.PENDING:
        raise Conflict(_("该请假已审批。"), code="already_reviewed")
    if not approve and not note.strip():
        raise ValidationFailed(fields={"note": [_("不批准时请填写原因。")]})
    with transaction.atomic():
        leave_request = record_update(actor=actor, instance=leave_request, action="afterschool.leave.review", changes={
            "status": LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REJECTED,
            "reviewed_by": actor.user, "reviewed_at": timezone.now(), "review_note": note.strip()})
        if approve:
            Attendance.objects.filter(student=leave_request.student, status=Attendance.Status.ABSENT,
                                      session__date__range=(leave_request.start_date, leave_request.end_date)) \
                .update(status=Attendance.Status.LEAVE, note=_("已批准请假"))
        phones = list(leave_request.student.guardians.exclude(phone="").values_list("phone", flat=True))
        body = _("【%(school)s】%(student)s %(start)s 至 %(end)s 的请假%(result)s。") % {
            "school": leave_request.school.name, "student": leave_request.student.name,
            "start": f"{leave_request.start_date:%m月%d日}", "end": f"{leave_request.end_date:%m月%d日}",
            "result": _("已批准") if approve else _("未批准：%(note)s") % {"note": note.strip()}}
        transaction.on_commit(lambda: _sms(phones, body))
    return leave_request


def _require_duty_or_admin(actor: Actor, school_id: int) -> None:
    if not (selectors.is_school_admin(actor, school_id) or selectors.on_duty(actor, school_id, timezone.localdate())):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以操作。"))


def gate_visit_record(*, actor: Actor, school: Organization, visitor_name: str, purpose: str, phone: str = "",
                      id_number: str = "", host: str = "") -> GateVisit:
    """门卫登记: every outsider who enters during the service is written down on arrival."""
    _require_school(school)
    _require_duty_or_admin(actor, school.pk)
    return record_create(actor=actor, instance=GateVisit(
        school=school, visitor_name=visitor_name.strip(), purpose=purpose.strip(), phone=phone.strip(),
        id_number=id_number.strip().upper(), host=host.strip(), arrived_at=timezone.now(), recorded_by=actor.user,
    ), action="afterschool.gate.arrive", data={"visitor_name": visitor_name, "purpose": purpose, "host": host})


def gate_visit_leave(*, actor: Actor, gate_visit: GateVisit) -> GateVisit:
    _require_duty_or_admin(actor, gate_visit.school_id)
    if gate_visit.left_at is not None:
        raise Conflict(_("已登记离校。"), code="already_left")
    return record_update(actor=actor, instance=gate_visit, changes={"left_at": timezone.now()},
                         action="afterschool.gate.leave")


def incident_report(*, actor: Actor, school: Organization, kind: str, location: str, description: str,
                    occurred_at=None, session: Session | None = None, students=()) -> Incident:
    _require_school(school)
    _require_duty_or_admin(actor, school.pk)
    _same_school(school.pk, session=session)
    for student in students:
        _same_school(school.pk, students=student)
    incident = Incident(school=school, kind=kind, location=location.strip(), description=description.strip(),
                        occurred_at=occurred_at or timezone.now(), session=session, reported_by=actor.user)
    with transaction.atomic():
        record_create(actor=actor, instance=incident, action="afterschool.incident.report",
                      data={**model_snapshot(incident), "students": [s.pk for s in students]})
        incident.students.set(students)
    return incident


def _may_handle(actor: Actor, incident: Incident) -> bool:
    return selectors.is_school_admin(actor, incident.school_id) or incident.reported_by_id == getattr(
        actor.user, "pk", None)


def incident_check(*, actor: Actor, incident: Incident, step: str, note: str = "") -> Incident:
    """Tick one step of the emergency-plan checklist, with who did it and when."""
    if not _may_handle(actor, incident):
        raise PermissionDenied()
    if step not in {key for key, _label, _required in EMERGENCY_CHECKLIST}:
        raise ValidationFailed(fields={"step": [_("未知的处置步骤。")]})
    if incident.status == Incident.Status.CLOSED:
        raise Conflict(_("该事件已结案。"), code="closed")
    checklist = {**incident.checklist, step: {"at": timezone.now().isoformat(), "by": str(actor.user),
                                              "note": note.strip()}}
    return record_update(actor=actor, instance=incident, changes={"checklist": checklist},
                         action="afterschool.incident.check")


def incident_close(*, actor: Actor, incident: Incident, summary: str) -> Incident:
    """Only a case whose required steps are all done, with a written summary, is closed."""
    if not selectors.is_school_admin(actor, incident.school_id):
        raise PermissionDenied(_("由学校管理员结案。"))
    if incident.status == Incident.Status.CLOSED:
        raise Conflict(_("该事件已结案。"), code="closed")
    missing = [str(label) for key, label, required in EMERGENCY_CHECKLIST if required and key not in incident.checklist]
    if missing:
        raise ValidationFailed(_("尚有必需的处置步骤未完成：%(steps)s。") % {"steps": "；".join(missing)},
                               fields={"checklist": missing})
    if not summary.strip():
        raise ValidationFailed(fields={"summary": [_("请填写处置总结。")]})
    return record_update(actor=actor, instance=incident, action="afterschool.incident.close", changes={
        "status": Incident.Status.CLOSED, "closed_at": timezone.now(), "summary": summary.strip()})
