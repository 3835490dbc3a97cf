"""Pages of the school's duties (篇二): the admin's parent consultations (draft, send, results),
the guardian's questionnaire on the phone, safety education per class and the minutes of staff
meetings. Teachers read the safety education of their classes and the meetings they attended."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import form_save, service_post
from linli.core.tenancy import actor_for

from .. import selectors
from .. import selectors_duties as duties
from ..forms_duties import AnswerForm, ConsultationForm, MeetingForm, SafetyEducationForm
from ..models import ConsultationResponse
from ..services import duties as services
from .common import admin_school, staff_school


def _school_staff(actor, school):
    return selectors.staff_user_list(actor=actor).filter(memberships__organization=school).distinct()


@login_required
def consultations(request, school_id):
    actor, school = admin_school(request, school_id)
    form = ConsultationForm(request.POST or None,
                            programs=selectors.program_list(actor=actor).filter(school=school).select_related("term"))
    created = form_save(request, form, lambda data: services.consultation_create(actor=actor, school=school, **data),
                        success=_("征询已保存为草稿，核对后发出。"))
    if created:
        return redirect("afterschool:consultation", created.pk)
    return render(request, "afterschool/consultation_list.html", {
        "school": school, "form": form, "now": timezone.now(),
        "consultations": duties.consultation_list(actor=actor).filter(school=school),
    })


def _admin_consultation(request, consultation_id):
    actor = actor_for(request.user)
    consultation = get_object_or_404(duties.consultation_list(actor=actor), pk=consultation_id)
    if not duties.may_read_results(actor, consultation):
        raise Http404
    return actor, consultation


@login_required
def consultation_detail(request, consultation_id):
    _actor, consultation = _admin_consultation(request, consultation_id)
    return render(request, "afterschool/consultation.html", {
        "consultation": consultation, "school": consultation.school, "open": duties.is_open(consultation),
        **duties.consultation_results(consultation),
    })


@login_required
@require_POST
def consultation_send(request, consultation_id):
    actor, consultation = _admin_consultation(request, consultation_id)
    return service_post(request, lambda: services.consultation_send(actor=actor, consultation=consultation),
                        success=_("已发出，家长将收到短信通知。"),
                        back=reverse("afterschool:consultation", args=[consultation.pk]))


# The guardian's phone pages -------------------------------------------------------------------

@login_required
def my_consultations(request):
    actor = actor_for(request.user)
    if not selectors.school_scope(actor).guardian:
        raise PermissionDenied
    rows = list(duties.consultation_list(actor=actor).filter(status="open").order_by("closes_at"))
    answered = set(ConsultationResponse.objects.filter(consultation__in=rows, guardian__user=actor.user)
                   .values_list("consultation_id", flat=True))
    for row in rows:
        row.answered, row.still_open = row.pk in answered, duties.is_open(row)
    return render(request, "afterschool/my_consultations.html", {"consultations": rows})


@login_required
def consultation_answer(request, consultation_id):
    actor = actor_for(request.user)
    consultation = get_object_or_404(duties.consultation_list(actor=actor), pk=consultation_id)
    guardian = duties.my_guardian(actor, consultation)
    if guardian is None:
        raise Http404
    answered = ConsultationResponse.objects.filter(consultation=consultation, guardian=guardian).exists()
    form = AnswerForm(request.POST or None, questions=consultation.questions.all())
    if form_save(request, form, lambda _data: services.consultation_answer(
            actor=actor, consultation=consultation, answers=form.answers()), success=_("已提交，谢谢您的意见。")):
        return redirect("afterschool:my_consultations")
    return render(request, "afterschool/consultation_answer.html", {
        "consultation": consultation, "form": form, "answered": answered, "open": duties.is_open(consultation),
    })


# Safety education and staff meetings ----------------------------------------------------------

def _record_page(request, school_id, *, form_class, service, success: str, url_name: str, template: str,
                 rows, **form_kwargs):
    """A list of the school's records with the admin's form to add one (others only read)."""
    actor, school = staff_school(request, school_id)
    admin = selectors.is_school_admin(actor, school.pk)
    if request.method == "POST" and not admin:
        raise PermissionDenied
    form = form_class(request.POST or None, initial={"date": timezone.localdate()}, staff=_school_staff(actor, school),
                      **{k: v(actor, school) for k, v in form_kwargs.items()})
    if form_save(request, form, lambda data: service(actor=actor, school=school, **data), success=success):
        return redirect(url_name, school.pk)
    return render(request, template, {"school": school, "form": form, "admin": admin,
                                      "rows": rows(actor=actor).filter(school=school)[:100]})


@login_required
def safety_education(request, school_id):
    return _record_page(request, school_id, form_class=SafetyEducationForm, service=services.safety_education_record,
                        success=_("安全教育已记录。"), url_name="afterschool:safety_education",
                        template="afterschool/safety_education.html", rows=duties.safety_education_list,
                        classes=lambda actor, school: selectors.school_class_list(actor=actor).filter(school=school))


@login_required
def meetings(request, school_id):
    return _record_page(request, school_id, form_class=MeetingForm, service=services.staff_meeting_record,
                        success=_("会议纪要已保存。"), url_name="afterschool:meetings",
                        template="afterschool/meetings.html", rows=duties.staff_meeting_list)
