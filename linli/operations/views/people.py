"""Pages of staff and organisation, rosters, patrols, cleaning and greening, and the manager's
day. The guard's and the cleaner's pages are made for a phone. Thin: parse, call a selector or
a service, render; what is outside the actor's scope is a 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.masking import mask_phone
from linli.core.params import filter_by_id, parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.orgs.models import User
from linli.web.context import remember_community
from linli.web.forms import show_error
from linli.web.views import _error_text

from ..models import Checkpoint, PatrolCheckIn, PatrolRound, TaskTemplate
from ..selectors import day as day_selectors
from ..selectors import environment as env_selectors
from ..selectors import patrols as patrol_selectors
from ..selectors import staff as staff_selectors
from ..services import environment as env_services
from ..services import patrols as patrol_services
from ..services import staff as staff_services
from . import people_exports as exports
from .people_forms import (
    WEEKDAYS,
    CheckpointForm,
    CodeForm,
    CompleteForm,
    InspectionForm,
    PlanForm,
    PositionForm,
    RouteForm,
    ShiftForm,
    StaffForm,
    TeamForm,
    TemplateForm,
)


def _community(request, community_id, capability: str | None = None):
    """A community whose operations the actor reads (404 otherwise), optionally needing a capability (403)."""
    actor = actor_for(request.user)
    community = get_object_or_404(estates.community_list(actor=actor), pk=community_id)
    if not (actor.is_admin or community.pk in staff_selectors.community_ids(actor)):
        raise Http404
    if capability and not actor.can(capability, community):
        raise PermissionDenied
    remember_community(request, community)
    return actor, community


def weekday_text(weekdays) -> str:
    names = dict(WEEKDAYS)
    return "、".join(str(names[d]) for d in sorted(weekdays) if d in names) if weekdays else _("每天")


def _date(value, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value or "")
    except ValueError:
        return default


def _form_page(request, form, *, title: str, back: str, multipart: bool = False, intro: str = ""):
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back,
                                                  "multipart": multipart, "intro": intro})


def _save(request, form, write, success: str):
    """Run the service `write(cleaned_data)`; on a rule it breaks, show it on the form."""
    try:
        result = write(dict(form.cleaned_data))
    except LinliError as exc:
        show_error(form, exc)
        return None
    messages.success(request, success)
    return result or True


def _initial(instance, names) -> dict:
    return {name: getattr(instance, name) for name in names} if instance is not None else {}


# The manager's day -----------------------------------------------------------------------------

@login_required
def day(request, community_id):
    actor, community = _community(request, community_id)
    data = day_selectors.manager_day(actor=actor, community=community)
    chart = {"names": [r["name"] for r in data["completion"]], "series": [
        {"name": _("已完成"), "data": [r["done"] for r in data["completion"]]},
        {"name": _("未完成"), "data": [r["pending"] for r in data["completion"]]}]}
    return render(request, "operations/people_day.html", {
        "community": community, **data, "chart": chart, "on_duty": sum(len(g["entries"]) for g in data["roster"]),
        "may_review": actor.can("servicedesk.review", community), "may_manage": actor.can("operations.manage",
                                                                                           community),
    })


# Organisation and staff ------------------------------------------------------------------------

@login_required
def org(request, community_id):
    actor, community = _community(request, community_id)
    counts = staff_selectors.headcount(actor=actor, community=community)
    chart = {"names": [r["name"] for r in counts["positions"]], "series": [
        {"name": _("编制"), "data": [r["planned"] for r in counts["positions"]]},
        {"name": _("实有"), "data": [r["actual"] for r in counts["positions"]]}]}
    team_chart = {"names": [r["name"] for r in counts["teams"]], "series": [
        {"name": _("编制"), "data": [r["planned"] for r in counts["teams"]]},
        {"name": _("实有"), "data": [r["actual"] for r in counts["teams"]]}]}
    return render(request, "operations/people_org.html", {
        "community": community, "counts": counts, "chart": chart, "team_chart": team_chart,
        "shifts": staff_selectors.shift_list(actor=actor).filter(community=community),
        "may_manage": actor.can("operations.manage", community),
    })


@login_required
def position_form(request, community_id, position_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    position = (get_object_or_404(staff_selectors.position_list(actor=actor).filter(community=community),
                                  pk=position_id) if position_id else None)
    names = ["name", "kind", "planned_headcount", "order"]
    form = PositionForm(request.POST or None, initial=_initial(position, names))
    if request.method == "POST" and form.is_valid():
        if position is None:
            done = _save(request, form, lambda d: staff_services.position_create(actor=actor, community=community, **d),
                         _("岗位已添加。"))
        else:
            done = _save(request, form, lambda d: staff_services.position_update(actor=actor, position=position,
                                                                                 changes=d), _("岗位已保存。"))
        if done:
            return redirect("operations:org", community.pk)
    return _form_page(request, form, title=_("编辑岗位") if position else _("新增岗位"),
                      back=reverse("operations:org", args=[community.pk]))


@login_required
def team_form(request, community_id, team_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    team = (get_object_or_404(staff_selectors.staff_team_list(actor=actor).filter(community=community), pk=team_id)
            if team_id else None)
    names = ["name", "kind", "zone", "planned_headcount", "leader"]
    form = TeamForm(request.POST or None, initial=_initial(team, names),
                    zones=estates.zone_list(actor=actor).filter(community=community),
                    members=staff_selectors.staff_member_list(actor=actor).filter(community=community, active=True))
    if request.method == "POST" and form.is_valid():
        if team is None:
            done = _save(request, form, lambda d: staff_services.staff_team_create(actor=actor, community=community,
                                                                                   **d), _("班组已添加。"))
        else:
            done = _save(request, form, lambda d: staff_services.staff_team_update(actor=actor, staff_team=team,
                                                                                   changes=d), _("班组已保存。"))
        if done:
            return redirect("operations:org", community.pk)
    return _form_page(request, form, title=_("编辑班组") if team else _("新增班组"),
                      back=reverse("operations:org", args=[community.pk]))


@login_required
def shift_form(request, community_id, shift_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    shift = (get_object_or_404(staff_selectors.shift_list(actor=actor).filter(community=community), pk=shift_id)
             if shift_id else None)
    form = ShiftForm(request.POST or None, initial=_initial(shift, ["name", "start", "end"]))
    if request.method == "POST" and form.is_valid():
        if shift is None:
            done = _save(request, form, lambda d: staff_services.shift_create(actor=actor, community=community, **d),
                         _("班次已添加。"))
        else:
            done = _save(request, form, lambda d: staff_services.shift_update(actor=actor, shift=shift, changes=d),
                         _("班次已保存。"))
        if done:
            return redirect("operations:org", community.pk)
    return _form_page(request, form, title=_("编辑班次") if shift else _("新增班次"),
                      back=reverse("operations:org", args=[community.pk]))


def _company_users(community):
    if community.company_id is None:
        return User.objects.none()
    return User.objects.filter(memberships__organization_id=community.company_id, memberships__active=True,
                               is_active=True).distinct().order_by("username")


@login_required
def staff_list(request, community_id):
    actor, community = _community(request, community_id)
    qs = staff_selectors.staff_member_list(actor=actor).filter(community=community)
    status = request.GET.get("status", "active")
    if status == "active":
        qs = qs.filter(active=True)
    elif status == "left":
        qs = qs.filter(active=False)
    team_id = request.GET.get("team", "")
    qs = filter_by_id(qs, "team_id", team_id)
    for term in (request.GET.get("q") or "").split():
        qs = qs.filter(Q(name__icontains=term) | Q(position__name__icontains=term) | Q(team__name__icontains=term))
    members = list(qs)
    show_phones = actor.can("personal.phone", community)
    for m in members:
        m.shown_phone = m.phone if show_phones else mask_phone(m.phone)
    return render(request, "operations/people_staff_list.html", {
        "community": community, "members": members, "status": status, "team": team_id, "q": request.GET.get("q", ""),
        "teams": staff_selectors.staff_team_list(actor=actor).filter(community=community),
        "may_manage": actor.can("operations.manage", community),
    })


@login_required
def staff_form(request, community_id, member_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    member = (get_object_or_404(staff_selectors.staff_member_list(actor=actor).filter(community=community),
                                pk=member_id) if member_id else None)
    names = ["name", "phone", "position", "team", "user", "hired_on", "left_on"]
    form = StaffForm(request.POST or None, initial=_initial(member, names),
                     positions=staff_selectors.position_list(actor=actor).filter(community=community),
                     teams=staff_selectors.staff_team_list(actor=actor).filter(community=community),
                     users=_company_users(community))
    if request.method == "POST" and form.is_valid():
        if member is None:
            done = _save(request, form, lambda d: staff_services.staff_member_create(
                actor=actor, community=community, **d), _("员工档案已添加。"))
        else:
            done = _save(request, form, lambda d: staff_services.staff_member_update(
                actor=actor, staff_member=member, changes=d), _("员工档案已保存。"))
        if done:
            return redirect("operations:staff_list", community.pk)
    return _form_page(request, form, title=_("编辑员工档案") if member else _("新增员工"),
                      back=reverse("operations:staff_list", args=[community.pk]))


@login_required
def staff_export(request, community_id):
    actor, community = _community(request, community_id)
    members = staff_selectors.staff_member_list(actor=actor).filter(community=community)
    data = exports.staff_xlsx(community=community, members=members,
                              show_phones=actor.can("personal.phone", community))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{community.name}-员工档案.xlsx")
    return response


# Rosters ------------------------------------------------------------------------------------------

def _week(request) -> dt.date:
    return staff_selectors.week_start(_date(request.GET.get("week") or request.POST.get("week"),
                                            timezone.localdate()))


@login_required
def roster(request, community_id):
    actor, community = _community(request, community_id)
    start = _week(request)
    week = staff_selectors.roster_week(actor=actor, community=community, start=start)
    may_manage = actor.can("operations.manage", community)
    return render(request, "operations/people_roster.html", {
        "community": community, "week": week, "start": start, "today": timezone.localdate(),
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
        "may_manage": may_manage,
        "shifts": staff_selectors.shift_list(actor=actor).filter(community=community) if may_manage else [],
        "teams": staff_selectors.staff_team_list(actor=actor).filter(community=community) if may_manage else [],
        "members": (staff_selectors.staff_member_list(actor=actor).filter(community=community, active=True)
                    if may_manage else []),
    })


def _roster_back(community, start) -> str:
    return reverse("operations:roster", args=[community.pk]) + f"?week={start.isoformat()}"


@login_required
@require_POST
def roster_add(request, community_id):
    actor, community = _community(request, community_id, "operations.manage")
    start = _week(request)
    try:
        day_value = dt.date.fromisoformat(request.POST.get("date", ""))
        shift = get_object_or_404(staff_selectors.shift_list(actor=actor).filter(community=community),
                                  pk=int(request.POST.get("shift") or 0))
        team = get_object_or_404(staff_selectors.staff_team_list(actor=actor).filter(community=community),
                                 pk=int(request.POST.get("team") or 0))
        member = get_object_or_404(staff_selectors.staff_member_list(actor=actor).filter(community=community),
                                   pk=int(request.POST.get("member") or 0))
    except ValueError:
        messages.error(request, _("请选择日期、班次、班组和员工。"))
        return redirect(_roster_back(community, start))
    try:
        staff_services.roster_entry_create(actor=actor, team=team, member=member, date=day_value, shift=shift,
                                           note=request.POST.get("note", "")[:120])
        messages.success(request, _("已排班：%(name)s %(date)s %(shift)s。") % {
            "name": member.name, "date": day_value.isoformat(), "shift": shift.name})
    except LinliError as exc:
        messages.error(request, _error_text(exc) if exc.code != "duplicate" else _("该员工这一天的这个班次已排。"))
    return redirect(_roster_back(community, staff_selectors.week_start(day_value)))


@login_required
@require_POST
def roster_delete(request, entry_id):
    actor = actor_for(request.user)
    entry = get_object_or_404(staff_selectors.roster_entry_list(actor=actor), pk=entry_id)
    community = entry.community
    try:
        staff_services.roster_entry_delete(actor=actor, roster_entry=entry)
        messages.success(request, _("已删除排班。"))
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_roster_back(community, staff_selectors.week_start(entry.date)))


@login_required
@require_POST
def roster_copy(request, community_id):
    actor, community = _community(request, community_id, "operations.manage")
    start = _week(request)
    try:
        added = staff_services.roster_copy_week(actor=actor, community=community, week_start=start)
        messages.success(request, _("已从上周复制 %(n)s 条排班。") % {"n": added})
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect(_roster_back(community, start))


@login_required
def roster_pdf(request, community_id):
    actor, community = _community(request, community_id)
    start = _week(request)
    week = staff_selectors.roster_week(actor=actor, community=community, start=start)
    response = HttpResponse(exports.roster_pdf(community=community, week=week), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{community.name}-排班表-{start.isoformat()}.pdf")
    return response


# Patrols: the manager's pages -----------------------------------------------------------------------

@login_required
def patrol_admin(request, community_id):
    actor, community = _community(request, community_id)
    date = _date(request.GET.get("date"), timezone.localdate())
    routes = (patrol_selectors.patrol_route_list(actor=actor).filter(community=community)
              .prefetch_related("checkpoints", "plans"))
    rounds = (patrol_selectors.patrol_round_list(actor=actor).filter(community=community, date=date)
              .annotate(done=Count("checkins")).order_by("window_start"))
    totals = dict(Checkpoint.objects.filter(route__community=community, active=True).values_list("route_id")
                  .annotate(n=Count("id")))
    for r in rounds:
        r.total = totals.get(r.route_id, 0)
    for route in routes:
        for plan in route.plans.all():
            plan.weekday_text = weekday_text(plan.weekdays)
    return render(request, "operations/people_patrol_admin.html", {
        "community": community, "routes": routes, "rounds": rounds, "date": date,
        "previous": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
        "may_manage": actor.can("operations.manage", community),
    })


@login_required
@require_POST
def patrol_generate(request, community_id):
    actor, community = _community(request, community_id, "operations.manage")
    date = _date(request.POST.get("date"), timezone.localdate())
    try:
        added = patrol_services.patrol_rounds_generate(actor=actor, community=community, date=date)
        messages.success(request, _("已生成 %(n)s 次巡逻。") % {"n": added})
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("operations:patrol_admin", args=[community.pk]) + f"?date={date.isoformat()}")


@login_required
def route_form(request, community_id, route_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    route = (get_object_or_404(patrol_selectors.patrol_route_list(actor=actor).filter(community=community),
                               pk=route_id) if route_id else None)
    form = RouteForm(request.POST or None, initial=_initial(route, ["name", "zone", "description", "active"]),
                     zones=estates.zone_list(actor=actor).filter(community=community))
    if request.method == "POST" and form.is_valid():
        if route is None:
            done = _save(request, form, lambda d: patrol_services.patrol_route_create(
                actor=actor, community=community, **d), _("巡逻路线已添加。"))
        else:
            done = _save(request, form, lambda d: patrol_services.patrol_route_update(
                actor=actor, patrol_route=route, changes=d), _("巡逻路线已保存。"))
        if done:
            return redirect("operations:patrol_admin", community.pk)
    return _form_page(request, form, title=_("编辑巡逻路线") if route else _("新增巡逻路线"),
                      back=reverse("operations:patrol_admin", args=[community.pk]))


def _route(request, route_id, capability="operations.manage"):
    actor = actor_for(request.user)
    route = get_object_or_404(patrol_selectors.patrol_route_list(actor=actor), pk=route_id)
    if capability and not actor.can(capability, route.community_id):
        raise PermissionDenied
    return actor, route


@login_required
def checkpoint_form(request, route_id, checkpoint_id=None):
    actor, route = _route(request, route_id)
    point = get_object_or_404(route.checkpoints.all(), pk=checkpoint_id) if checkpoint_id else None
    form = CheckpointForm(request.POST or None, initial=_initial(point, ["name", "location", "order", "active"])
                          or {"order": route.checkpoints.count() + 1})
    if request.method == "POST" and form.is_valid():
        if point is None:
            done = _save(request, form, lambda d: patrol_services.checkpoint_create(actor=actor, route=route, **d),
                         _("巡更点已添加。"))
        else:
            done = _save(request, form, lambda d: patrol_services.checkpoint_update(actor=actor, checkpoint=point,
                                                                                    changes=d), _("巡更点已保存。"))
        if done:
            return redirect("operations:patrol_admin", route.community_id)
    return _form_page(request, form, title=_("%(route)s：巡更点") % {"route": route.name},
                      back=reverse("operations:patrol_admin", args=[route.community_id]))


@login_required
def plan_form(request, route_id, plan_id=None):
    actor, route = _route(request, route_id)
    plan = get_object_or_404(route.plans.all(), pk=plan_id) if plan_id else None
    names = ["name", "weekdays", "window_start", "window_end", "team", "active"]
    form = PlanForm(request.POST or None, initial=_initial(plan, names),
                    teams=staff_selectors.staff_team_list(actor=actor).filter(community_id=route.community_id))
    if request.method == "POST" and form.is_valid():
        if plan is None:
            done = _save(request, form, lambda d: patrol_services.patrol_plan_create(actor=actor, route=route, **d),
                         _("巡逻计划已添加。"))
        else:
            done = _save(request, form, lambda d: patrol_services.patrol_plan_update(actor=actor, patrol_plan=plan,
                                                                                     changes=d), _("巡逻计划已保存。"))
        if done:
            return redirect("operations:patrol_admin", route.community_id)
    return _form_page(request, form, title=_("%(route)s：巡逻计划") % {"route": route.name},
                      back=reverse("operations:patrol_admin", args=[route.community_id]))


@login_required
def route_qr_pdf(request, route_id):
    actor, route = _route(request, route_id, capability=None)
    points = route.checkpoints.filter(active=True).order_by("order", "id")
    data = exports.checkpoints_qr_pdf(route=route, points=points, scan_url=lambda code: request.build_absolute_uri(
        reverse("operations:patrol_scan", args=[code])))
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, f"{route.name}-巡更点二维码.pdf")
    return response


# Patrols: the guard's phone pages ----------------------------------------------------------------

@login_required
def patrol_mine(request):
    actor = actor_for(request.user)
    if not (actor.is_admin or staff_selectors.community_ids(actor, "operations.patrol")):
        raise PermissionDenied
    return render(request, "operations/people_patrol_mine.html", {**patrol_selectors.my_patrols(actor=actor),
                                                                   "now": timezone.now()})


def _round(request, round_id):
    actor = actor_for(request.user)
    return actor, get_object_or_404(patrol_selectors.patrol_round_list(actor=actor), pk=round_id)


def _round_context(actor, patrol_round, form=None) -> dict:
    progress = patrol_selectors.round_progress(patrol_round)
    done = sum(1 for p in progress if p["checkin"])
    now = timezone.now()
    return {
        "round": patrol_round, "progress": progress, "done": done, "total": len(progress),
        "form": form or CodeForm(), "open": patrol_round.status in patrol_selectors.OPEN,
        "in_window": patrol_round.window_start <= now < patrol_round.window_end,
        "may_walk": actor.can("operations.patrol", patrol_round.community_id),
        "window": patrol_selectors.round_window_text(patrol_round),
    }


@login_required
def patrol_round(request, round_id):
    actor, patrol_round = _round(request, round_id)
    template = "operations/people_round_body.html" if request.headers.get("HX-Request") else \
        "operations/people_round.html"
    return render(request, template, _round_context(actor, patrol_round))


@login_required
@require_POST
def patrol_checkin(request, round_id):
    actor, patrol_round = _round(request, round_id)
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            checkin = patrol_services.patrol_checkin(actor=actor, patrol_round=patrol_round,
                                                     code=form.cleaned_data["code"],
                                                     method=form.cleaned_data["method"] or PatrolCheckIn.Method.TYPED,
                                                     note=form.cleaned_data["note"])
            messages.success(request, _("已打卡：%(name)s。") % {"name": checkin.checkpoint.name})
            form = None
        except LinliError as exc:
            show_error(form, exc)
    patrol_round.refresh_from_db()
    if request.headers.get("HX-Request"):
        return render(request, "operations/people_round_body.html",
                      {**_round_context(actor, patrol_round, form), "hx": True})
    if form is None:
        return redirect("operations:patrol_round", patrol_round.pk)
    return render(request, "operations/people_round.html", _round_context(actor, patrol_round, form), status=400)


@login_required
@require_POST
def patrol_finish(request, round_id):
    actor, patrol_round = _round(request, round_id)
    try:
        result = patrol_services.patrol_round_finish(actor=actor, patrol_round=patrol_round)
        if result.status == PatrolRound.Status.COMPLETED:
            messages.success(request, _("巡逻已完成，所有巡更点均已打卡。"))
        else:
            messages.warning(request, _("巡逻已结束，有漏巡的巡更点，将列入日清日审。"))
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect("operations:patrol_round", patrol_round.pk)


@login_required
def patrol_scan(request, code):
    """The URL in a checkpoint's QR code. Opening it on the guard's phone is the check-in, so
    scanning with the phone's own camera is enough; opening it twice only says it is done.
    Someone who patrols nowhere finds no checkpoint at all (404), like any out-of-scope object."""
    actor = actor_for(request.user)
    if not (actor.is_admin or staff_selectors.community_ids(actor, "operations.patrol")):
        raise Http404
    try:
        checkin = patrol_services.patrol_checkin(actor=actor, code=code, method=PatrolCheckIn.Method.SCAN)
    except LinliError as exc:
        messages.error(request, _error_text(exc))
        return redirect("operations:patrol_mine")
    messages.success(request, _("已打卡：%(name)s。") % {"name": checkin.checkpoint.name})
    return redirect("operations:patrol_round", checkin.patrol_round_id)


# Cleaning and greening ------------------------------------------------------------------------------

@login_required
def env_admin(request, community_id):
    actor, community = _community(request, community_id)
    date = _date(request.GET.get("date"), timezone.localdate())
    tasks = (env_selectors.env_task_list(actor=actor).filter(community=community, due_date=date)
             .order_by("template__kind", "template__name", "zone__name"))
    templates = list(env_selectors.task_template_list(actor=actor).filter(community=community))
    for template in templates:
        template.weekday_text = weekday_text(template.weekdays)
    return render(request, "operations/people_env_admin.html", {
        "community": community, "date": date, "tasks": tasks, "now": timezone.now(),
        "previous": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
        "templates": templates,
        "overdue": env_selectors.overdue_now(actor=actor, community=community)[:30],
        "inspections": env_selectors.env_inspection_list(actor=actor).filter(community=community)[:10],
        "may_manage": actor.can("operations.manage", community),
    })


@login_required
@require_POST
def env_generate(request, community_id):
    actor, community = _community(request, community_id, "operations.manage")
    start = _date(request.POST.get("start"), timezone.localdate())
    end = _date(request.POST.get("end"), start + dt.timedelta(days=6))
    try:
        added = env_services.env_tasks_generate(actor=actor, community=community, start=start, end=end)
        messages.success(request, _("已生成 %(n)s 项任务。") % {"n": added})
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect(reverse("operations:env_admin", args=[community.pk]) + f"?date={start.isoformat()}")


@login_required
def template_form(request, community_id, template_id=None):
    actor, community = _community(request, community_id, "operations.manage")
    template = (get_object_or_404(env_selectors.task_template_list(actor=actor).filter(community=community),
                                  pk=template_id) if template_id else None)
    names = ["name", "kind", "frequency", "times", "weekdays", "due_time", "team", "photo_required", "active"]
    initial = _initial(template, names)
    if template is not None:
        initial.update(zones=list(template.zones.all()), checklist="\n".join(template.checklist))
    form = TemplateForm(request.POST or None, initial=initial,
                        zones=estates.zone_list(actor=actor).filter(community=community),
                        teams=staff_selectors.staff_team_list(actor=actor).filter(community=community))
    if request.method == "POST" and form.is_valid():
        if template is None:
            done = _save(request, form, lambda d: env_services.task_template_create(
                actor=actor, community=community, **d), _("作业模板已添加。"))
        else:
            done = _save(request, form, lambda d: env_services.task_template_update(
                actor=actor, task_template=template, changes=d), _("作业模板已保存。"))
        if done:
            return redirect("operations:env_admin", community.pk)
    return _form_page(request, form, title=_("编辑作业模板") if template else _("新增作业模板"),
                      back=reverse("operations:env_admin", args=[community.pk]))


@login_required
def env_mine(request):
    actor = actor_for(request.user)
    if not (actor.is_admin or staff_selectors.community_ids(actor, "operations.environment")):
        raise PermissionDenied
    today = timezone.localdate()
    return render(request, "operations/people_env_mine.html", {**env_selectors.my_tasks(actor=actor, date=today),
                                                                "date": today, "now": timezone.now()})


def _task(request, task_id):
    actor = actor_for(request.user)
    return actor, get_object_or_404(env_selectors.env_task_list(actor=actor), pk=task_id)


@login_required
def env_task_complete(request, task_id):
    actor, task = _task(request, task_id)
    if not actor.can("operations.environment", task.community_id):
        raise PermissionDenied
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            env_services.env_task_complete(actor=actor, env_task=task, photo=form.cleaned_data["photo"],
                                           note=form.cleaned_data["note"])
            messages.success(request, _("已完成：%(name)s。") % {"name": task.template.name})
            return redirect("operations:env_mine")
        except LinliError as exc:
            show_error(form, exc)
    zone = task.zone.name if task.zone_id else ""
    intro = _("%(zone)s %(name)s，完成时限 %(due)s。") % {
        "zone": zone, "name": task.template.name, "due": timezone.localtime(task.due_by).strftime("%m-%d %H:%M")}
    if task.template.photo_required:
        intro += _("请拍一张完成后的现场照片。")
    return _form_page(request, form, title=_("完成任务"), back=reverse("operations:env_mine"), multipart=True,
                      intro=intro)


@login_required
def env_task_photo(request, task_id):
    """A task's photo, for whoever may read the task (never public media)."""
    _actor, task = _task(request, task_id)
    if not task.photo:
        raise Http404
    return FileResponse(task.photo.open("rb"))


@login_required
def inspection_new(request, community_id):
    actor, community = _community(request, community_id, "operations.manage")
    task = None
    task_id = parse_id(request.GET.get("task") or request.POST.get("task"))
    if task_id:
        task = get_object_or_404(env_selectors.env_task_list(actor=actor).filter(community=community), pk=task_id)
    items = list(task.template.checklist) if task else []
    items = items or [_("路面无杂物"), _("绿化带无垃圾"), _("垃圾桶已清运")]
    initial = {"zone": task.zone if task else None, "kind": task.template.kind if task else TaskTemplate.Kind.CLEANING}
    form = InspectionForm(request.POST or None, initial=initial,
                          zones=estates.zone_list(actor=actor).filter(community=community))
    if request.method == "POST" and form.is_valid():
        checked = [{"name": name, "passed": request.POST.get(f"item-{i}") == "pass",
                    "note": request.POST.get(f"note-{i}", "")[:200]} for i, name in enumerate(items)]
        try:
            inspection = env_services.env_inspection_create(actor=actor, community=community, task=task,
                                                            items=checked, **form.cleaned_data)
            messages.success(request, _("检查已记录：%(result)s。") % {
                "result": _("合格") if inspection.passed else _("不合格")})
            return redirect("operations:env_admin", community.pk)
        except LinliError as exc:
            show_error(form, exc)
    return render(request, "operations/people_inspection.html", {
        "community": community, "form": form, "task": task, "items": list(enumerate(items)),
    })

