"""The teachers' day: the sessions, the roll (考勤), the class check-out (集体放学), the handover
list and the leave to approve."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import error_text, run_service
from linli.core.tenancy import actor_for

from .. import selectors, services
from ..forms import ReviewForm
from ..models import Attendance, Dismissal, LeaveRequest, Session
from .common import day_asked, staff_school


@login_required
def today(request, school_id):
    actor, school = staff_school(request, school_id)
    day = day_asked(request)
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
    now = timezone.now()
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
                done = dismissed.get((school_class.pk, group))
                opens, closes = services.dismissal_window(session, group)
                checkouts.append({"group": group, "label": Dismissal.Group(group).label, "done": done,
                                  "count": len(members), "opens": opens, "closes": closes,
                                  "open": opens <= now <= closes,
                                  "undoable": done is not None and now <= done.dismissed_at + services.DISMISSAL_UNDO})
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
        if request.POST.get("all_present"):
            # 全部出勤: whoever the teacher has not marked otherwise was there.
            marks = {s: marks.get(s, Attendance.Status.PRESENT) for s in roster}
        if not marks:
            messages.warning(request, _("没有为任何学生选择考勤，未保存。请逐个选择，或点“全部出勤”。"))
            return redirect("afterschool:session", session.pk)
        try:
            saved = services.attendance_take(actor=actor, session=session, marks=marks)
        except LinliError as exc:
            messages.error(request, error_text(exc))
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


def _posted_id(request, field: str) -> int:
    value = request.POST.get(field, "")
    if not value.isdigit():  # a 404 like any id not in scope, not a 500
        raise Http404
    return int(value)


@login_required
@require_POST
def dismiss(request, session_id):
    """A check-out says the class has left the school's care (DESIGN §8): the first tap shows the
    class, the group and the headcount that will leave; only the POST of that page, with
    `confirm`, records it, and it can be taken back for two minutes."""
    actor = actor_for(request.user)
    session = get_object_or_404(selectors.session_list(actor=actor).select_related("program"), pk=session_id)
    school_class = get_object_or_404(selectors.school_class_list(actor=actor), pk=_posted_id(request, "school_class"))
    group = request.POST.get("group", "")
    try:
        if not request.POST.get("confirm"):
            headcount = services.dismissal_preview(actor=actor, session=session, school_class=school_class,
                                                   group=group)
            return render(request, "afterschool/dismiss_confirm.html", {
                "session": session, "school_class": school_class, "group": group,
                "group_label": Dismissal.Group(group).label, "headcount": headcount})
        dismissal = services.dismissal_check_out(actor=actor, session=session, school_class=school_class,
                                                 group=group)
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("%(class)s %(group)s已集体放学，离校 %(n)s 人。2 分钟内可撤销。") % {
            "class": school_class, "group": dismissal.get_group_display(), "n": dismissal.headcount})
    return redirect("afterschool:session", session.pk)


@login_required
@require_POST
def dismiss_undo(request, session_id):
    actor = actor_for(request.user)
    session = get_object_or_404(selectors.session_list(actor=actor), pk=session_id)
    dismissal = get_object_or_404(selectors.dismissal_list(actor=actor).filter(session=session),
                                  pk=_posted_id(request, "dismissal"))
    run_service(request, lambda: services.dismissal_undo(actor=actor, dismissal=dismissal),
                success=_("已撤销 %(class)s %(group)s的放学登记，学生仍在校。") % {
                    "class": dismissal.school_class, "group": dismissal.get_group_display()})
    return redirect("afterschool:session", session.pk)


@login_required
def handover(request, school_id):
    """The printable handover list: only the day's duty staff, the admins and, for their own
    class, the class teacher."""
    actor, school = staff_school(request, school_id)
    day = day_asked(request)
    rows = selectors.handover_rows(actor=actor, school_id=school.pk, date=day)
    if rows is None:
        raise Http404
    return render(request, "afterschool/handover.html", {"school": school, "day": day, "rows": rows})


@login_required
def leave_list(request, school_id):
    actor, school = staff_school(request, school_id)
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
        run_service(request, lambda: services.leave_request_review(
            actor=actor, leave_request=leave, approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"]), success=_("已审批 %(name)s 的请假。") % {"name": leave.student.name})
    return redirect("afterschool:leave_list", leave.school_id)
