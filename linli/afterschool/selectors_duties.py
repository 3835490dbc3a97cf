"""Reads of the school's duties (consultations, safety education, staff meetings), scoped to the
actor: the school's admins read all of them; a teacher reads the safety education of the classes
they head and the meetings they attended; a guardian reads only the open consultations sent to
them, never the results. Anything else is not found (404)."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from linli.core.money import percent
from linli.core.tenancy import Actor

from .models import Application, Consultation, Guardian, Program, SafetyEducation, StaffMeeting
from .selectors import school_scope


def program_start(program: Program) -> dt.datetime:
    """When a program starts: its term's first day at the program's start time."""
    return timezone.make_aware(dt.datetime.combine(program.term.start_date, program.start_time),
                               timezone.get_current_timezone())


def recipient_guardians(consultation: Consultation) -> QuerySet[Guardian]:
    """The guardians of the students who applied to the program (any application not rejected
    or withdrawn), and the guardians who applied."""
    applications = Application.objects.filter(program_id=consultation.program_id, status__in=Application.OPEN)
    return Guardian.objects.filter(Q(students__applications__in=applications) | Q(applications__in=applications),
                                   school_id=consultation.school_id).distinct()


def consultation_list(*, actor: Actor) -> QuerySet[Consultation]:
    """An admin's consultations of their schools, and a guardian's open ones sent to them."""
    qs = Consultation.objects.select_related("program", "program__term").prefetch_related("questions")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    mine = Q(school_id__in=scope.admin)
    if scope.guardian:
        guardian_ids = Guardian.objects.filter(user=actor.user, school_id__in=scope.guardian).values("id")
        applications = Application.objects.filter(status__in=Application.OPEN).filter(
            Q(student__guardians__in=guardian_ids) | Q(guardian__in=guardian_ids))
        mine |= Q(status=Consultation.Status.OPEN, program__applications__in=applications)
    return qs.filter(mine).distinct()


def may_read_results(actor: Actor, consultation: Consultation) -> bool:
    return actor.is_admin or consultation.school_id in school_scope(actor).admin


def my_guardian(actor: Actor, consultation: Consultation) -> Guardian | None:
    """The actor's guardian record among the consultation's recipients, if any."""
    if not actor.is_authenticated:
        return None
    return recipient_guardians(consultation).filter(user=actor.user).first()


def is_open(consultation: Consultation, now: dt.datetime | None = None) -> bool:
    return consultation.status == Consultation.Status.OPEN and (now or timezone.now()) < consultation.closes_at


def consultation_results(consultation: Consultation) -> dict:
    """Per question, per option: the number of guardians who chose it and its share of the answers."""
    responses = list(consultation.responses.values_list("answers", flat=True))
    questions = []
    for question in consultation.questions.all():
        chosen = [r.get(str(question.pk)) for r in responses]
        answered = sum(1 for c in chosen if c is not None)
        questions.append({"question": question, "answered": answered, "options": [
            {"label": label, "count": chosen.count(i), "percent": percent(chosen.count(i), answered, 1)}
            for i, label in enumerate(question.options)]})
    return {"responses": len(responses), "recipients": consultation.recipients,
            "rate": percent(len(responses), consultation.recipients, 1), "questions": questions}


def safety_education_list(*, actor: Actor) -> QuerySet[SafetyEducation]:
    qs = SafetyEducation.objects.select_related("school_class", "school_class__grade", "teacher")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    return qs.filter(Q(school_id__in=scope.admin) | Q(school_id__in=scope.staff,
                                                       school_class__head_teacher=actor.user))


def staff_meeting_list(*, actor: Actor) -> QuerySet[StaffMeeting]:
    qs = StaffMeeting.objects.prefetch_related("attendees")
    if actor.is_admin:
        return qs
    scope = school_scope(actor)
    return qs.filter(Q(school_id__in=scope.admin) | Q(school_id__in=scope.staff, attendees=actor.user)).distinct()
