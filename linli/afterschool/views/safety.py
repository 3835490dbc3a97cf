"""Keeping the children safe: the duty roster and the working group, the gate book (门卫登记)
and incidents worked through the emergency-plan checklist."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import error_text, form_save
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..forms import CheckForm, CloseForm, DutyForm, GateVisitForm, IncidentForm
from ..models import EMERGENCY_CHECKLIST, DutyAssignment, WorkingGroupMember
from .common import day_asked, staff_school


@login_required
def duty(request, school_id):
    actor, school = staff_school(request, school_id)
    admin = selectors.is_school_admin(actor, school.pk)
    day = day_asked(request)
    monday = day - dt.timedelta(days=day.weekday())
    form = DutyForm(request.POST or None, staff=selectors.staff_user_list(actor=actor).filter(
        memberships__organization=school).distinct(), initial={"date": day})
    if request.method == "POST" and not admin:
        raise PermissionDenied
    if form_save(request, form, lambda data: services.duty_assignment_create(actor=actor, school=school, **data),
                 success=_("已排班。")):
        return redirect(f"{reverse('afterschool:duty', args=[school.pk])}?date={form.cleaned_data['date']}")
    roster = selectors.duty_assignment_list(actor=actor).filter(
        school=school, date__range=(monday, monday + dt.timedelta(days=6)))
    days = [{"date": monday + dt.timedelta(days=n),
             "people": [d for d in roster if d.date == monday + dt.timedelta(days=n)]} for n in range(7)]
    return render(request, "afterschool/duty.html", {
        "school": school, "days": days, "form": form, "admin": admin, "today": timezone.localdate(),
        "group": selectors.working_group_member_list(actor=actor).filter(school=school).order_by("position", "id"),
        "positions": WorkingGroupMember.Position, "kinds": DutyAssignment.Kind,
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
    })


@login_required
def gate(request, school_id):
    actor, school = staff_school(request, school_id)
    form = GateVisitForm(request.POST or None)
    if form_save(request, form, lambda data: services.gate_visit_record(actor=actor, school=school, **data),
                 success=_("已登记。")):
        return redirect("afterschool:gate", school.pk)
    return render(request, "afterschool/gate.html", {
        "school": school, "form": form, "visits": selectors.gate_visit_list(actor=actor).filter(school=school)[:100],
        "may_record": selectors.is_school_admin(actor, school.pk) or selectors.on_duty(actor, school.pk,
                                                                                      timezone.localdate()),
        "admin": selectors.is_school_admin(actor, school.pk),
    })


@login_required
@require_POST
def gate_leave(request, visit_id):
    actor = actor_for(request.user)
    visit = get_object_or_404(selectors.gate_visit_list(actor=actor), pk=visit_id)
    try:
        services.gate_visit_leave(actor=actor, gate_visit=visit)
    except LinliError as exc:
        messages.error(request, error_text(exc))
    return redirect("afterschool:gate", visit.school_id)


@login_required
def incident_list(request, school_id):
    actor, school = staff_school(request, school_id)
    form = IncidentForm(request.POST or None)
    incident = form_save(request, form, lambda data: services.incident_report(actor=actor, school=school, **data),
                         success=_("已报告，请按应急预案逐项处置。"))
    if incident:
        return redirect("afterschool:incident", incident.pk)
    return render(request, "afterschool/incident_list.html", {
        "school": school, "form": form, "incidents": selectors.incident_list(actor=actor).filter(school=school),
        "may_report": selectors.is_school_admin(actor, school.pk) or selectors.on_duty(actor, school.pk,
                                                                                      timezone.localdate()),
    })


@login_required
def incident_detail(request, incident_id):
    actor = actor_for(request.user)
    incident = get_object_or_404(selectors.incident_list(actor=actor).select_related("school"), pk=incident_id)
    if request.method == "POST":
        try:
            if "summary" in request.POST:
                form = CloseForm(request.POST)
                if form.is_valid():
                    services.incident_close(actor=actor, incident=incident, **form.cleaned_data)
                    messages.success(request, _("已结案。"))
                else:
                    messages.error(request, _("请填写处置总结。"))
            else:
                form = CheckForm(request.POST)
                if form.is_valid():
                    services.incident_check(actor=actor, incident=incident, **form.cleaned_data)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        return redirect("afterschool:incident", incident.pk)
    steps = []
    for key, label, required in EMERGENCY_CHECKLIST:
        done = incident.checklist.get(key)
        steps.append({"key": key, "label": label, "required": required, "done": done,
                      "at": timezone.localtime(dt.datetime.fromisoformat(done["at"])) if done else None})
    return render(request, "afterschool/incident.html", {
        "incident": incident, "school": incident.school, "steps": steps, "close_form": CloseForm(),
        "admin": selectors.is_school_admin(actor, incident.school_id),
    })
