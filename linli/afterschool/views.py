"""After-school pages: the guardian portal (phone first), the teachers' day and the school's
office. Thin: parse, call a service or a selector scoped to the actor, render. What is out of
the actor's scope is a 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.params import parse_id
from linli.core.tenancy import actor_for
from linli.estates.api import xlsx_response
from linli.web.forms import ReviewForm, show_error
from linli.web.views import _error_text

from . import exports, selectors, services
from .forms import (
    ApplyForm,
    CheckForm,
    CloseForm,
    DutyForm,
    GateVisitForm,
    IncidentForm,
    LeaveForm,
    PeriodForm,
    SignForm,
)
from .models import (
    EMERGENCY_CHECKLIST,
    AgreementText,
    Application,
    Attendance,
    Dismissal,
    DutyAssignment,
    Incident,
    LeaveRequest,
    Session,
    WorkingGroupMember,
)
from .pdf import agreement_pdf


def _staff_school(request, school_id):
    actor = actor_for(request.user)
    return actor, get_object_or_404(selectors.staff_school_list(actor=actor), pk=school_id)


def _admin_school(request, school_id):
    actor, school = _staff_school(request, school_id)
    if not selectors.is_school_admin(actor, school.pk):
        raise PermissionDenied
    return actor, school


def _day(request) -> dt.date:
    try:
        return dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return timezone.localdate()


@login_required
def home(request):
    """Where each school role works: the office overview, the teacher's day, the guardian portal."""
    actor = actor_for(request.user)
    scope = selectors.school_scope(actor)
    if scope.staff:
        school_id = min(scope.admin or scope.staff)
        target = "afterschool:school_overview" if school_id in scope.admin else "afterschool:today"
        return redirect(target, school_id)
    if scope.guardian:
        return redirect("afterschool:portal")
    raise Http404


# The guardian portal ---------------------------------------------------------------------------

@login_required
def portal(request):
    actor = actor_for(request.user)
    scope = selectors.school_scope(actor)
    children = list(
        selectors.student_list(actor=actor).filter(guardians__user=request.user, school_id__in=scope.guardian)
        .select_related("school", "school_class__head_teacher").prefetch_related(
            Prefetch("applications", queryset=Application.objects.select_related("program")
                     .prefetch_related("agreements").order_by("-id")),
            Prefetch("leave_requests", queryset=LeaveRequest.objects.order_by("-start_date")),
        )
    )
    today = timezone.localdate()
    for child in children:
        taken = {a.program_id for a in child.applications.all() if a.status in Application.OPEN}
        child.open_programs = [p for p in selectors.program_list(actor=actor).filter(
            grade=child.school_class.grade_id, term__end_date__gte=today) if p.pk not in taken]
        child.recent_attendance = list(
            selectors.attendance_list(actor=actor).filter(student=child).order_by("-session__date")[:10])
        child.other_guardians = [g for g in selectors.guardian_list(actor=actor).filter(students=child)
                                 if g.user_id != request.user.pk]
    return render(request, "afterschool/portal.html", {"children": children})


def _my_child(actor, request, student_id):
    scope = selectors.school_scope(actor)
    return get_object_or_404(selectors.student_list(actor=actor).filter(guardians__user=request.user,
                                                                        school_id__in=scope.guardian), pk=student_id)


@login_required
def apply(request, student_id, program_id):
    """The terms first (time, content, method), then the written application with consent."""
    actor = actor_for(request.user)
    student = _my_child(actor, request, student_id)
    program = get_object_or_404(selectors.program_list(actor=actor), pk=program_id, school=student.school_id)
    form = ApplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.application_submit(actor=actor, student=student, program=program, **form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("申请已提交，等待班主任审核。"))
            return redirect("afterschool:portal")
    return render(request, "afterschool/apply.html", {
        "student": student, "program": program, "terms": services.program_terms(program), "form": form,
        "texts": selectors.current_agreement_texts(actor=actor, school_id=student.school_id),
    })


@login_required
def sign(request, application_id):
    actor = actor_for(request.user)
    application = get_object_or_404(selectors.application_list(actor=actor).filter(guardian__user=request.user),
                                    pk=application_id)
    texts = selectors.current_agreement_texts(actor=actor, school_id=application.school_id)
    signed = {a.kind: a for a in application.agreements.all()}
    form = SignForm(request.POST or None, initial={"signer_name": application.guardian.name})
    if request.method == "POST" and form.is_valid():
        try:
            for kind, text in texts.items():
                if kind not in signed:
                    services.agreement_sign(actor=actor, application=application, text=text, **form.cleaned_data)
                    application.refresh_from_db()
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已签署，孩子可以参加课后服务了。"))
            return redirect("afterschool:portal")
    return render(request, "afterschool/sign.html", {
        "application": application, "texts": [texts.get(k) for k in AgreementText.Kind.values], "signed": signed,
        "form": form, "can_sign": application.status == Application.Status.APPROVED,
    })


@login_required
@require_POST
def withdraw(request, application_id):
    actor = actor_for(request.user)
    application = get_object_or_404(selectors.application_list(actor=actor), pk=application_id)
    try:
        services.application_withdraw(actor=actor, application=application)
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已撤回申请。"))
    return redirect("afterschool:portal")


@login_required
def agreement_download(request, agreement_id):
    agreement = get_object_or_404(selectors.agreement_list(actor=actor_for(request.user)), pk=agreement_id)
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}.pdf"'
    return response


@login_required
def leave_new(request, student_id):
    actor = actor_for(request.user)
    student = get_object_or_404(selectors.student_list(actor=actor, duty=False), pk=student_id)
    today = timezone.localdate()
    form = LeaveForm(request.POST or None, initial={"start_date": today, "end_date": today})
    back = reverse("afterschool:portal") if student.guardians.filter(user=request.user).exists() else \
        reverse("afterschool:leave_list", args=[student.school_id])
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_request_create(actor=actor, student=student, **form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("请假申请已提交，等待班主任审批。"))
            return redirect(back)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("为 %(name)s 请假") % {"name": student.name}, "back": back,
        "submit_label": _("提交请假"), "intro": _("请假期间不参加课后服务，不会收到缺勤提醒。"),
    })


# The school: overview, applications, programs -----------------------------------------------------

@login_required
def overview(request, school_id):
    actor, school = _admin_school(request, school_id)
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
    actor, school = _staff_school(request, school_id)
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
        try:
            services.application_review(actor=actor, application=application, approve=approve,
                                        note=form.cleaned_data["note"])
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, (_("已通过 %(name)s 的申请。") if approve else _("已退回 %(name)s 的申请。"))
                             % {"name": application.student.name})
    return redirect(f"{reverse('afterschool:applications', args=[application.school_id])}"
                    f"?status={request.POST.get('status', '')}")


@login_required
def program_list(request, school_id):
    actor, school = _staff_school(request, school_id)
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
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已生成 %(n)s 个场次。") % {"n": created})
    return redirect("afterschool:programs", program.school_id)


@login_required
def student_list(request, school_id):
    actor, school = _staff_school(request, school_id)
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


# The day: sessions, attendance, dismissal, handover --------------------------------------------

@login_required
def today(request, school_id):
    actor, school = _staff_school(request, school_id)
    day = _day(request)
    sessions = list(selectors.session_list(actor=actor).filter(school=school, date=day)
                    .annotate(marked=Count("attendance"), dismissed=Count("dismissals")))
    duty = selectors.duty_assignment_list(actor=actor).filter(school=school, date=day)
    return render(request, "afterschool/today.html", {
        "school": school, "day": day, "sessions": sessions, "duty": duty, "is_today": day == timezone.localdate(),
        "on_duty": selectors.on_duty(actor, school.pk, day),
        "may_roll": selectors.is_school_admin(actor, school.pk) or selectors.on_duty(actor, school.pk, day),
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


def _session_groups(session: Session, roster) -> list[dict]:
    """The roster by class, with each class's dismissal groups and whether they are checked out."""
    dismissed = {(d.school_class_id, d.group): d for d in session.dismissals.all()}
    groups = (Dismissal.Group.DAY, Dismissal.Group.BOARDERS) if session.boarder_end_time else (Dismissal.Group.ALL,)
    by_class: dict = {}
    for student in roster:
        by_class.setdefault(student.school_class, []).append(student)
    result = []
    for school_class, students in by_class.items():
        checkouts = []
        for group in groups:
            members = [s for s in students if group == Dismissal.Group.ALL or s.boarder == (group ==
                                                                                          Dismissal.Group.BOARDERS)]
            if members:
                checkouts.append({"group": group, "label": Dismissal.Group(group).label,
                                  "done": dismissed.get((school_class.pk, group)), "count": len(members)})
        result.append({"school_class": school_class, "students": students, "checkouts": checkouts})
    return result


@login_required
def session_detail(request, session_id):
    """The roll of a session (考勤) and, at the end, the class check-out (集体放学)."""
    actor = actor_for(request.user)
    session = get_object_or_404(selectors.session_list(actor=actor).select_related("school"), pk=session_id)
    if not selectors.is_staff(actor, session.school_id):
        raise Http404
    may_roll = selectors.may_take_attendance(actor, session)
    roster = selectors.session_roster(actor=actor, session=session)
    if request.method == "POST":
        if not may_roll:
            raise PermissionDenied
        marks = {s: request.POST[f"status-{s.pk}"] for s in roster
                 if request.POST.get(f"status-{s.pk}") in Attendance.Status.values}
        try:
            saved = services.attendance_take(actor=actor, session=session, marks=marks)
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            absent = sum(a.status == Attendance.Status.ABSENT for a in saved)
            messages.success(request, _("考勤已保存：%(n)s 人，缺勤 %(absent)s 人，已短信提醒缺勤学生的监护人。")
                             % {"n": len(saved), "absent": absent} if absent else
                             _("考勤已保存：%(n)s 人。") % {"n": len(saved)})
        return redirect("afterschool:session", session.pk)
    return render(request, "afterschool/session.html", {
        "session": session, "school": session.school, "groups": _session_groups(session, roster),
        "may_roll": may_roll, "statuses": Attendance.Status.choices, "roster_size": len(roster),
        "unmarked": sum(s.mark is None for s in roster),
    })


@login_required
@require_POST
def dismiss(request, session_id):
    actor = actor_for(request.user)
    session = get_object_or_404(selectors.session_list(actor=actor), pk=session_id)
    school_class = get_object_or_404(selectors.school_class_list(actor=actor), pk=request.POST.get("school_class"))
    try:
        dismissal = services.dismissal_check_out(actor=actor, session=session, school_class=school_class,
                                                 group=request.POST.get("group", ""))
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("%(class)s %(group)s已集体放学，离校 %(n)s 人。") % {
            "class": school_class, "group": dismissal.get_group_display(), "n": dismissal.headcount})
    return redirect("afterschool:session", session.pk)


@login_required
def handover(request, school_id):
    """The printable handover list: only the day's duty staff, the admins and, for their own
    class, the class teacher."""
    actor, school = _staff_school(request, school_id)
    day = _day(request)
    rows = selectors.handover_rows(actor=actor, school_id=school.pk, date=day)
    if rows is None:
        raise Http404
    return render(request, "afterschool/handover.html", {"school": school, "day": day, "rows": rows})


# Leave, duty, gate, incidents --------------------------------------------------------------------

@login_required
def leave_list(request, school_id):
    actor, school = _staff_school(request, school_id)
    leave = selectors.leave_request_list(actor=actor).filter(school=school)
    status = request.GET.get("status") or LeaveRequest.Status.PENDING
    if status in LeaveRequest.Status.values:
        leave = leave.filter(status=status)
    return render(request, "afterschool/leave_list.html", {
        "school": school, "leave": leave[:200], "status": status, "statuses": LeaveRequest.Status.choices})


@login_required
@require_POST
def leave_review(request, leave_id):
    actor = actor_for(request.user)
    leave = get_object_or_404(selectors.leave_request_list(actor=actor), pk=leave_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.leave_request_review(actor=actor, leave_request=leave,
                                          approve=form.cleaned_data["decision"] == "approve",
                                          note=form.cleaned_data["note"])
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已审批 %(name)s 的请假。") % {"name": leave.student.name})
    return redirect("afterschool:leave_list", leave.school_id)


@login_required
def duty(request, school_id):
    actor, school = _staff_school(request, school_id)
    admin = selectors.is_school_admin(actor, school.pk)
    day = _day(request)
    monday = day - dt.timedelta(days=day.weekday())
    form = DutyForm(request.POST or None, staff=selectors.staff_user_list(actor=actor).filter(
        memberships__organization=school).distinct(), initial={"date": day})
    if request.method == "POST":
        if not admin:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.duty_assignment_create(actor=actor, school=school, **form.cleaned_data)
            except LinliError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("已排班。"))
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
    actor, school = _staff_school(request, school_id)
    form = GateVisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.gate_visit_record(actor=actor, school=school, **form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已登记。"))
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
        messages.error(request, _error_text(exc))
    return redirect("afterschool:gate", visit.school_id)


@login_required
def incident_list(request, school_id):
    actor, school = _staff_school(request, school_id)
    form = IncidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_report(actor=actor, school=school, **form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已报告，请按应急预案逐项处置。"))
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
            messages.error(request, _error_text(exc))
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


# Reports -----------------------------------------------------------------------------------------

def _report_data(request, school_id):
    actor, school = _admin_school(request, school_id)
    terms = selectors.term_list(actor=actor).filter(school=school)
    term_id = parse_id(request.GET.get("term"))
    term = (terms.filter(pk=term_id).first() if term_id else None) or terms.filter(start_date__lte=timezone.localdate()).first() or terms.first()
    end = min(timezone.localdate(), term.end_date) if term else timezone.localdate()
    period = PeriodForm(request.GET or None, initial={"start": end - dt.timedelta(days=27), "end": end})
    start, end = (period.cleaned_data["start"], period.cleaned_data["end"]) if period.is_valid() else \
        (end - dt.timedelta(days=27), end)
    participation = selectors.participation_by_class(actor=actor, term=term) if term else []
    attendance = selectors.attendance_by_class(actor=actor, school_id=school.pk, start=start, end=end)
    return {"school": school, "terms": terms, "term": term, "period": period, "start": start, "end": end,
            "participation": participation, "attendance": attendance}


@login_required
@require_GET
def reports(request, school_id):
    data = _report_data(request, school_id)
    data["charts"] = {
        "participation": [{"name": str(r["school_class"]), "value": r["rate"] or 0} for r in data["participation"]],
        "attendance": [{"name": str(r["school_class"]), "value": r["rate"] or 0} for r in data["attendance"]],
    }
    return render(request, "afterschool/reports.html", data)


@login_required
@require_GET
def participation_export(request, school_id):
    data = _report_data(request, school_id)
    name = data["term"].name if data["term"] else ""
    return xlsx_response(exports.participation_xlsx(data["participation"]),
                         f"{data['school'].name}-课后服务参与率-{name}.xlsx")


@login_required
@require_GET
def attendance_export(request, school_id):
    data = _report_data(request, school_id)
    return xlsx_response(exports.attendance_xlsx(data["attendance"]),
                         f"{data['school'].name}-课后服务出勤率-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.xlsx")

