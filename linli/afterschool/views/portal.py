"""The guardian portal (phone first): the children, applying with consent, e-signing the
agreements, withdrawing, the signed documents and asking for leave."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.pages import form_page, form_save, run_service
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..forms import ApplyForm, LeaveForm, SignForm
from ..models import AgreementText, Application, LeaveRequest
from ..pdf import agreement_pdf


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
    # What waits on the guardian, shown first: agreements to sign, applications and leave under review.
    pending = [{"child": child, "application": a} for child in children for a in child.applications.all()
               if a.status in (Application.Status.APPROVED, Application.Status.SUBMITTED,
                               Application.Status.CLASS_APPROVED)]
    pending += [{"child": child, "leave": leave} for child in children for leave in child.leave_requests.all()
                if leave.status == LeaveRequest.Status.PENDING]
    return render(request, "afterschool/portal.html", {"children": children, "pending": pending,
                                                       "this_year": today.year})


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
    if form_save(request, form, lambda data: services.application_submit(actor=actor, student=student,
                                                                        program=program, **data),
                 success=_("申请已提交，等待班主任审核。")):
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

    def sign_unsigned(data):
        for kind, text in texts.items():
            if kind not in signed:
                services.agreement_sign(actor=actor, application=application, text=text, **data)
                application.refresh_from_db()

    if form_save(request, form, sign_unsigned, success=_("已签署，孩子可以参加课后服务了。")):
        return redirect("afterschool:portal")
    return render(request, "afterschool/sign.html", {
        "application": application, "texts": [texts.get(k) for k in AgreementText.Kind.values], "signed": signed,
        "form": form, "can_sign": application.status == Application.Status.APPROVED,
    })


@login_required
def withdraw(request, application_id):
    """Withdrawing cannot be taken back (DESIGN §8): the red button leads to a page naming the
    child and the programme and saying which it is — an application not yet accepted is
    withdrawn, an enrolled child leaves the service — and only its POST with `confirm` does it."""
    actor = actor_for(request.user)
    application = get_object_or_404(selectors.application_list(actor=actor).filter(guardian__user=request.user)
                                    .select_related("student", "program"), pk=application_id)
    leaving = application.status == Application.Status.ENROLLED
    names = {"student": application.student.name, "program": application.program.name}
    if request.method == "POST" and request.POST.get("confirm"):
        success = _("%(student)s 已退出%(program)s。") if leaving else _("已撤回 %(student)s 的%(program)s报名申请。")
        run_service(request, lambda: services.application_withdraw(actor=actor, application=application),
                    success=success % names)
        return redirect("afterschool:portal")
    if not application.is_open:
        messages.error(request, _("该申请已结束。"))
        return redirect("afterschool:portal")
    return render(request, "afterschool/withdraw_confirm.html", {"application": application, "leaving": leaving})


@login_required
def agreement_download(request, agreement_id):
    agreement = get_object_or_404(selectors.agreement_list(actor=actor_for(request.user)), pk=agreement_id)
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="agreement-{agreement.pk}.pdf"'
    return response


@login_required
def leave_new(request, student_id):
    """A guardian asks for leave here; the class teacher records leave phoned in the same way."""
    actor = actor_for(request.user)
    student = get_object_or_404(selectors.student_list(actor=actor, duty=False), pk=student_id)
    today = timezone.localdate()
    form = LeaveForm(request.POST or None, initial={"start_date": today, "end_date": today})
    back = reverse("afterschool:portal") if student.guardians.filter(user=request.user).exists() else \
        reverse("afterschool:leave_list", args=[student.school_id])
    if form_save(request, form, lambda data: services.leave_request_create(actor=actor, student=student, **data),
                 success=_("请假申请已提交，等待班主任审批。")):
        return redirect(back)
    return form_page(request, form, title=_("为 %(name)s 请假") % {"name": student.name}, back=back,
                     submit_label=_("提交请假"), intro=_("请假期间不参加课后服务，不会收到缺勤提醒。"))
