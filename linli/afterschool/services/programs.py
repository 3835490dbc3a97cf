"""Programs and their sessions: the schedule, the days called off, and the terms a guardian reads."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor

from ..models import Application, Grade, Guardian, Program, Session, Term
from .common import require_admin, same_school, school_row_update, sms_send


def program_create(*, actor: Actor, term: Term, grade: Grade, name: str, start_time: dt.time, end_time: dt.time,
                   **fields) -> Program:
    require_admin(actor, term.school_id)
    same_school(term.school_id, grade=grade)
    return record_create(actor=actor, instance=Program(school_id=term.school_id, term=term, grade=grade, name=name,
                                                       start_time=start_time, end_time=end_time, **fields),
                         action="afterschool.program.create")


def program_update(*, actor: Actor, program: Program, changes: dict) -> Program:
    return school_row_update(actor=actor, instance=program, changes=changes, action="afterschool.program.update", term=None,
                   grade=None)


def session_generate(*, actor: Actor, program: Program) -> int:
    """Make a session for every day of the term that falls on one of the program's weekdays.
    Days that already have one are left as they are, so running it again adds only what is missing."""
    require_admin(actor, program.school_id)
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
    require_admin(actor, session.school_id)
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
        transaction.on_commit(lambda: sms_send(phones, body))
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
