"""The day's running: the roll, the class check-out and leave."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.notify import notification_provider
from linli.core.services import model_snapshot, record_create, record_update
from linli.core.tenancy import Actor

from .. import selectors
from ..models import Application, Attendance, Dismissal, LeaveRequest, SchoolClass, Session, Student
from .common import same_school, sms_send


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


# 篇二 sets the day (17:10–18:10, boarders to 19:40) and says the class leaves together when the
# service ends (每天课后服务结束后集体放学). A check-out belongs to that evening: it may be recorded from
# the session's start (an early dismissal, say for weather) until an hour after its group's end —
# time to walk the class to the gate and wait out a late pickup, well short of the next day, and
# within the 90 minutes the duty staff stay on anyway for the boarders (18:10 → 19:40).
DISMISSAL_GRACE = dt.timedelta(hours=1)
# A tap on the wrong class may be taken back while the teacher is still at the gate (DESIGN §8).
DISMISSAL_UNDO = dt.timedelta(minutes=2)


def dismissal_window(session: Session, group: str) -> tuple[dt.datetime, dt.datetime]:
    """When a group of a session may be checked out: from the start to an hour after its end."""
    end = session.boarder_end_time if group == Dismissal.Group.BOARDERS and session.boarder_end_time \
        else session.end_time
    zone = timezone.get_current_timezone()
    opens = timezone.make_aware(dt.datetime.combine(session.date, session.start_time), zone)
    closes = timezone.make_aware(dt.datetime.combine(session.date, end), zone) + DISMISSAL_GRACE
    return opens, closes


def dismissal_preview(*, actor: Actor, session: Session, school_class: SchoolClass,
                      group: str = Dismissal.Group.ALL) -> int:
    """Every check a check-out makes, without writing: the headcount that would leave."""
    if not selectors.may_take_attendance(actor, session):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以组织放学。"))
    same_school(session.school_id, school_class=school_class)
    if group not in Dismissal.Group.values:
        raise ValidationFailed(fields={"group": [_("放学学生分组无效。")]})
    if school_class.grade_id != session.program.grade_id:
        raise ValidationFailed(fields={"school_class": [_("该班级不在本场次。")]})
    split = session.boarder_end_time is not None
    if split == (group == Dismissal.Group.ALL):
        raise ValidationFailed(fields={"group": [_("住宿生晚走时请分别为走读生和住宿生放学。") if split
                                                 else _("本场次全体学生一起放学。")]})
    if Dismissal.objects.filter(session=session, school_class=school_class, group=group).exists():
        raise Conflict(_("该班已放学。"), code="already_dismissed")
    _dismissal_in_window(session, group)
    students = Student.objects.filter(school_class=school_class, applications__program=session.program_id,
                                      applications__status=Application.Status.ENROLLED)
    if group != Dismissal.Group.ALL:
        students = students.filter(boarder=group == Dismissal.Group.BOARDERS)
    marks = dict(Attendance.objects.filter(session=session, student__in=students).values_list("student_id", "status"))
    unmarked = [s.name for s in students if s.pk not in marks]
    if unmarked:
        raise Conflict(_("请先完成考勤：%(names)s 未考勤。") % {"names": "、".join(unmarked)}, code="roll_incomplete")
    return sum(status in (Attendance.Status.PRESENT, Attendance.Status.LATE) for status in marks.values())


def _dismissal_in_window(session: Session, group: str) -> None:
    opens, closes = dismissal_window(session, group)
    now = timezone.now()
    times = {"date": f"{timezone.localtime(opens):%m月%d日}", "opens": f"{timezone.localtime(opens):%H:%M}",
             "closes": f"{timezone.localtime(closes):%H:%M}"}
    if now < opens:
        raise ValidationFailed(_("本场次 %(date)s %(opens)s 开始，开始前不能登记集体放学。") % times,
                               code="dismissal_too_early")
    if now > closes:
        raise ValidationFailed(_("集体放学须在本场次时间内登记（%(date)s %(opens)s–%(closes)s），现在已过，不能再登记。")
                               % times, code="dismissal_too_late")


def dismissal_check_out(*, actor: Actor, session: Session, school_class: SchoolClass,
                        group: str = Dismissal.Group.ALL, note: str = "") -> Dismissal:
    """Check a class out at the end of the session (集体放学，统一离校), within the session's
    time. Its roll must be complete first, so that the headcount that leaves is the one that was there."""
    headcount = dismissal_preview(actor=actor, session=session, school_class=school_class, group=group)
    return record_create(actor=actor, instance=Dismissal(
        school_id=session.school_id, session=session, school_class=school_class, group=group,
        dismissed_at=timezone.now(), dismissed_by=actor.user, headcount=headcount, note=note,
    ), action="afterschool.dismissal.check_out")


def dismissal_undo(*, actor: Actor, dismissal: Dismissal) -> None:
    """Take back a check-out within two minutes of it. Nothing else hangs on a check-out (no message
    goes out), so the row goes and the audit trail keeps what it said."""
    if not selectors.may_take_attendance(actor, dismissal.session):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以组织放学。"))
    with transaction.atomic():
        dismissal = Dismissal.objects.select_for_update().filter(pk=dismissal.pk).first()
        if dismissal is None:
            raise Conflict(_("该次放学登记已撤销。"), code="already_undone")
        if timezone.now() > dismissal.dismissed_at + DISMISSAL_UNDO:
            raise Conflict(_("放学登记已超过 2 分钟，不能撤销。"), code="undo_expired")
        audit_record(actor=actor, action="afterschool.dismissal.undo", target=dismissal,
                     data=model_snapshot(dismissal))
        dismissal.delete()


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


def _leave_day(day: dt.date, leave_request: LeaveRequest) -> str:
    """A leave's day for the guardian: with its year when the leave crosses one or is not this year's."""
    years = {leave_request.start_date.year, leave_request.end_date.year, timezone.localdate().year}
    return f"{day:%Y年%m月%d日}" if len(years) > 1 else f"{day:%m月%d日}"


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
            "start": _leave_day(leave_request.start_date, leave_request),
            "end": _leave_day(leave_request.end_date, leave_request),
            "result": _("已批准") if approve else _("未批准：%(note)s") % {"note": note.strip()}}
        transaction.on_commit(lambda: sms_send(phones, body))
    return leave_request
