"""The school's office: the overview, reviewing applications, programs and their sessions, and
the students with their guardians."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import error_text, run_service
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..forms import ReviewForm
from ..models import Application, Incident, LeaveRequest
from .common import admin_school, staff_school


@login_required
def overview(request, school_id):
    actor, school = admin_school(request, school_id)
    today = timezone.localdate()
    applications = selectors.application_list(actor=actor).filter(school=school)
    counts = dict(applications.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return render(request, "afterschool/overview.html", {
        "school": school,
        "counts": counts,
        "students": selectors.student_list(actor=actor).filter(school=school).count(),
        "sessions": selectors.session_list(actor=actor).filter(school=school, date=today),
        "duty": selectors.duty_assignment_list(actor=actor).filter(school=school, date=today),
        "open_incidents": selectors.incident_list(actor=actor).filter(school=school,
                                                                      status=Incident.Status.OPEN).count(),
        "pending_leave": selectors.leave_request_list(actor=actor).filter(
            school=school, status=LeaveRequest.Status.PENDING).count(),
        "statuses": Application.Status,
    })


@login_required
def application_list(request, school_id):
    actor, school = staff_school(request, school_id)
    admin = selectors.is_school_admin(actor, school.pk)
    default = Application.Status.CLASS_APPROVED if admin else Application.Status.SUBMITTED
    status = request.GET.get("status") or default
    applications = selectors.application_list(actor=actor).filter(school=school).select_related("guardian")
    if status in Application.Status.values:
        applications = applications.filter(status=status)
    applications = list(applications[:200])
    for a in applications:
        class_stage = a.status == Application.Status.SUBMITTED and (
            actor.is_admin or selectors.is_class_teacher(actor, a.student.school_class))
        a.reviewable = class_stage or (a.status == Application.Status.CLASS_APPROVED and admin)
    return render(request, "afterschool/application_list.html", {
        "school": school, "applications": applications, "status": status,
        "statuses": Application.Status.choices, "admin": admin,
    })


@login_required
@require_POST
def application_review(request, application_id):
    actor = actor_for(request.user)
    application = get_object_or_404(selectors.application_list(actor=actor), pk=application_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        run_service(request, lambda: services.application_review(actor=actor, application=application,
                                                                 approve=approve, note=form.cleaned_data["note"]),
                    success=(_("已通过 %(name)s 的申请。") if approve else _("已退回 %(name)s 的申请。"))
                    % {"name": application.student.name})
    return redirect(f"{reverse('afterschool:applications', args=[application.school_id])}"
                    f"?status={request.POST.get('status', '')}")


@login_required
def program_list(request, school_id):
    actor, school = staff_school(request, school_id)
    programs = selectors.program_list(actor=actor).filter(school=school).annotate(
        enrolled=Count("applications", filter=Q(applications__status=Application.Status.ENROLLED)),
        sessions_count=Count("sessions", distinct=True))
    return render(request, "afterschool/program_list.html", {
        "school": school, "programs": programs, "admin": selectors.is_school_admin(actor, school.pk),
        "texts": selectors.agreement_text_list(actor=actor).filter(school=school),
    })


@login_required
@require_POST
def program_generate(request, program_id):
    actor = actor_for(request.user)
    program = get_object_or_404(selectors.program_list(actor=actor), pk=program_id)
    try:
        created = services.session_generate(actor=actor, program=program)
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已生成 %(n)s 个场次。") % {"n": created})
    return redirect("afterschool:programs", program.school_id)


@login_required
def student_list(request, school_id):
    actor, school = staff_school(request, school_id)
    students = (
        selectors.student_list(actor=actor).filter(school=school)
        .prefetch_related("guardians", Prefetch("applications", queryset=Application.objects.filter(
            status__in=Application.OPEN).select_related("program"), to_attr="open_applications"))
        .order_by("school_class__grade__order", "school_class__name", "student_no")
    )
    for student in students:
        for guardian in student.guardians.all():
            guardian.phone_visible = selectors.may_see_guardian_phone(actor, guardian)
    return render(request, "afterschool/student_list.html", {"school": school, "students": students})
