"""Pages of patrols: the manager's routes, checkpoints, plans and the day's rounds, and the
guard's phone pages (my rounds, a round, checking in by code or by scanning a checkpoint's QR code)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.dates import parse_date
from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, form_page, form_save, show_error
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..forms.patrols import CheckpointForm, CodeForm, PlanForm, RouteForm
from ..models import Checkpoint, PatrolCheckIn, PatrolRound
from ..selectors import patrols as patrol_selectors
from ..selectors import staff as staff_selectors
from ..selectors.staff import operations_community_list
from ..services import patrols as patrol_services
from . import exports
from .common import initial_of, weekday_text


@login_required
def patrol_admin(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    date = parse_date(request.GET.get("date"), timezone.localdate())
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
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    date = parse_date(request.POST.get("date"), timezone.localdate())
    try:
        added = patrol_services.patrol_rounds_generate(actor=actor, community=community, date=date)
        messages.success(request, _("已生成 %(n)s 次巡逻。") % {"n": added})
    except LinliError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("operations:patrol_admin", args=[community.pk]) + f"?date={date.isoformat()}")


@login_required
def route_form(request, community_id, route_id=None):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    route = (get_object_or_404(patrol_selectors.patrol_route_list(actor=actor).filter(community=community),
                               pk=route_id) if route_id else None)
    form = RouteForm(request.POST or None, initial=initial_of(route, ["name", "zone", "description", "active"]),
                     zones=estates.zone_list(actor=actor).filter(community=community))

    def save(data):
        if route is None:
            return patrol_services.patrol_route_create(actor=actor, community=community, **data)
        return patrol_services.patrol_route_update(actor=actor, patrol_route=route, changes=data)

    if form_save(request, form, save, success=_("巡逻路线已添加。") if route is None else _("巡逻路线已保存。")):
        return redirect("operations:patrol_admin", community.pk)
    return form_page(request, form, title=_("编辑巡逻路线") if route else _("新增巡逻路线"),
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
    form = CheckpointForm(request.POST or None, initial=initial_of(point, ["name", "location", "order", "active"])
                          or {"order": route.checkpoints.count() + 1})

    def save(data):
        if point is None:
            return patrol_services.checkpoint_create(actor=actor, route=route, **data)
        return patrol_services.checkpoint_update(actor=actor, checkpoint=point, changes=data)

    if form_save(request, form, save, success=_("巡更点已添加。") if point is None else _("巡更点已保存。")):
        return redirect("operations:patrol_admin", route.community_id)
    return form_page(request, form, title=_("%(route)s：巡更点") % {"route": route.name},
                     back=reverse("operations:patrol_admin", args=[route.community_id]))


@login_required
def plan_form(request, route_id, plan_id=None):
    actor, route = _route(request, route_id)
    plan = get_object_or_404(route.plans.all(), pk=plan_id) if plan_id else None
    names = ["name", "weekdays", "window_start", "window_end", "team", "active"]
    form = PlanForm(request.POST or None, initial=initial_of(plan, names),
                    teams=staff_selectors.staff_team_list(actor=actor).filter(community_id=route.community_id))

    def save(data):
        if plan is None:
            return patrol_services.patrol_plan_create(actor=actor, route=route, **data)
        return patrol_services.patrol_plan_update(actor=actor, patrol_plan=plan, changes=data)

    if form_save(request, form, save, success=_("巡逻计划已添加。") if plan is None else _("巡逻计划已保存。")):
        return redirect("operations:patrol_admin", route.community_id)
    return form_page(request, form, title=_("%(route)s：巡逻计划") % {"route": route.name},
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


# The guard's phone pages --------------------------------------------------------------------------

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
        messages.error(request, error_text(exc))
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
        messages.error(request, error_text(exc))
        return redirect("operations:patrol_mine")
    messages.success(request, _("已打卡：%(name)s。") % {"name": checkin.checkpoint.name})
    return redirect("operations:patrol_round", checkin.patrol_round_id)
