"""Writes of the school's duties (篇二), the school admin's: the consultation of parents before a
program starts (“会事先充分征求家长意见”) — a questionnaire sent by text message to the guardians of
the program's applicants, answered once by each until it closes at the latest at the program's
start —, safety education recorded per class, and the minutes of staff meetings. A guardian's
only write here is their answer."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.services import model_snapshot, record_create
from linli.core.tenancy import Actor
from linli.orgs.models import Organization

from ..models import Consultation, ConsultationQuestion, ConsultationResponse, SafetyEducation, StaffMeeting
from ..selectors_duties import is_open, my_guardian, program_start, recipient_guardians
from .common import require_admin, require_school, require_staff_member, same_school, sms_send

MAX_OPTIONS = 10


def _check_questions(questions) -> list[dict]:
    checked = []
    for item in questions or []:
        text = str(item.get("text", "")).strip()
        options = [str(o).strip() for o in item.get("options", []) if str(o).strip()]
        if not text or len(text) > 200 or not 2 <= len(options) <= MAX_OPTIONS or any(len(o) > 60 for o in options):
            raise ValidationFailed(fields={"questions": [
                _("每个问题须有题目（不超过 200 字）和 2–10 个选项（每个不超过 60 字）。")]})
        checked.append({"text": text, "options": options})
    if not checked:
        raise ValidationFailed(fields={"questions": [_("至少需要一个问题。")]})
    return checked


def consultation_create(*, actor: Actor, school: Organization, program, title: str, questions,
                        intro: str = "", closes_at: dt.datetime | None = None) -> Consultation:
    """A draft questionnaire for the program's guardians; it closes at `closes_at`, by default
    and at the latest when the program starts."""
    require_school(school)
    require_admin(actor, school.pk)
    same_school(school.pk, program=program)
    start = program_start(program)
    closes_at = closes_at or start
    if closes_at > start:
        raise ValidationFailed(fields={"closes_at": [_("截止时间不能晚于项目开始时间（%(start)s）。") % {
            "start": timezone.localtime(start).strftime("%Y-%m-%d %H:%M")}]})
    if closes_at <= timezone.now():
        raise ValidationFailed(fields={"closes_at": [_("项目已开始或截止时间已过，不能再征求意见。")]})
    checked = _check_questions(questions)
    consultation = Consultation(school=school, program=program, title=title.strip(), intro=intro.strip(),
                                closes_at=closes_at, created_by=actor.user)
    with transaction.atomic():
        record_create(actor=actor, instance=consultation, action="afterschool.consultation.create",
                      data={**model_snapshot(consultation), "questions": checked})
        ConsultationQuestion.objects.bulk_create([
            ConsultationQuestion(consultation=consultation, order=i, text=q["text"], options=q["options"])
            for i, q in enumerate(checked, start=1)])
    return consultation


def consultation_send(*, actor: Actor, consultation: Consultation) -> Consultation:
    """Open the questionnaire and text each guardian of the program's applicants."""
    require_admin(actor, consultation.school_id)
    with transaction.atomic():
        row = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if row.status != Consultation.Status.DRAFT:
            raise Conflict(_("该征询已发出。"), code="already_sent")
        if timezone.now() >= row.closes_at:
            raise ValidationFailed(_("截止时间已过，不能发出。"), code="closed")
        guardians = list(recipient_guardians(row))
        if not guardians:
            raise ValidationFailed(_("该项目还没有申请的学生家长，无人可发。"), code="no_recipients")
        row.status, row.sent_at, row.recipients = Consultation.Status.OPEN, timezone.now(), len(guardians)
        row.save()
        audit_record(actor=actor, action="afterschool.consultation.send", target=row,
                     data={"recipients": [g.pk for g in guardians]})
        body = _("【课后服务意见征询】%(title)s，请在 %(closes)s 前登录填写。") % {
            "title": row.title, "closes": timezone.localtime(row.closes_at).strftime("%m-%d %H:%M")}
        phones = [g.phone for g in guardians if g.phone]
        transaction.on_commit(lambda: sms_send(phones, body))
    return row


def consultation_answer(*, actor: Actor, consultation: Consultation, answers: dict) -> ConsultationResponse:
    """A guardian's answers, {question id: option index}, every question answered; once."""
    guardian = my_guardian(actor, consultation)
    if guardian is None:
        raise PermissionDenied()
    if not is_open(consultation):
        raise ValidationFailed(_("该征询已截止。"), code="closed")
    questions = {q.pk: q for q in consultation.questions.all()}
    checked = {}
    for qid, question in questions.items():
        choice = answers.get(qid, answers.get(str(qid)))
        try:
            index = int(choice)
        except (TypeError, ValueError):
            index = -1
        if not 0 <= index < len(question.options):
            raise ValidationFailed(_("请回答每一个问题。"), fields={f"q{qid}": [_("请选择一项。")]})
        checked[str(qid)] = index
    try:
        with transaction.atomic():
            response = ConsultationResponse.objects.create(consultation=consultation, school_id=consultation.school_id,
                                                           guardian=guardian, answers=checked,
                                                           submitted_at=timezone.now())
            audit_record(actor=actor, action="afterschool.consultation.answer", target=response,
                         data={"consultation": consultation.pk, "guardian": guardian.pk, "answers": checked})
    except IntegrityError as exc:
        raise Conflict(_("您已提交过这份问卷。"), code="already_answered") from exc
    return response


def safety_education_record(*, actor: Actor, school: Organization, school_class, date: dt.date, topic: str,
                            teacher, attendance: int, note: str = "") -> SafetyEducation:
    """A safety-education session of one class (“加强安全宣传及安全教育工作”): at most the class's size."""
    require_school(school)
    require_admin(actor, school.pk)
    same_school(school.pk, school_class=school_class)
    require_staff_member(school.pk, "teacher", teacher)
    if date > timezone.localdate():
        raise ValidationFailed(fields={"date": [_("只能记录已经进行的安全教育。")]})
    size = school_class.students.count()
    if attendance > size:
        raise ValidationFailed(fields={"attendance": [_("参加人数不能超过班级人数（%(n)s 人）。") % {"n": size}]})
    return record_create(actor=actor, instance=SafetyEducation(
        school=school, school_class=school_class, date=date, topic=topic.strip(), teacher=teacher,
        attendance=attendance, note=note.strip(), recorded_by=actor.user), action="afterschool.safety_education.record")


def staff_meeting_record(*, actor: Actor, school: Organization, date: dt.date, title: str, attendees, minutes: str,
                         kind: str = StaffMeeting.Kind.WORKING_GROUP, decisions=()) -> StaffMeeting:
    """The minutes of a meeting held, with who attended (staff of the school) and what was decided."""
    require_school(school)
    require_admin(actor, school.pk)
    attendees = list(attendees)
    if not attendees:
        raise ValidationFailed(fields={"attendees": [_("请选择参会人员。")]})
    for user in attendees:
        require_staff_member(school.pk, "attendees", user)
    if date > timezone.localdate():
        raise ValidationFailed(fields={"date": [_("只能记录已经召开的会议。")]})
    if not minutes.strip():
        raise ValidationFailed(fields={"minutes": [_("请填写会议纪要。")]})
    decisions = [str(d).strip()[:200] for d in decisions if str(d).strip()]
    meeting = StaffMeeting(school=school, kind=kind, date=date, title=title.strip(), minutes=minutes.strip(),
                           decisions=decisions, recorded_by=actor.user)
    with transaction.atomic():
        record_create(actor=actor, instance=meeting, action="afterschool.meeting.record",
                      data={**model_snapshot(meeting), "attendees": [u.pk for u in attendees]})
        meeting.attendees.set(attendees)
    return meeting
