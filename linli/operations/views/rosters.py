"""Pages of the duty roster: the week grid, adding, copying and deleting entries, the printable week."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.dates import parse_date
from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text
from linli.core.tenancy import actor_for

from ..selectors import staff as staff_selectors
from ..selectors.staff import operations_community_list
from ..services import staff as staff_services
from . import exports


def _week(request) -> dt.date:
    return staff_selectors.week_start(parse_date(request.GET.get("week") or request.POST.get("week"),
                                            timezone.localdate()))


@login_required
def roster(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
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
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
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
        messages.error(request, error_text(exc) if exc.code != "duplicate" else _("该员工这一天的这个班次已排。"))
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
        messages.error(request, error_text(exc))
    return redirect(_roster_back(community, staff_selectors.week_start(entry.date)))


@login_required
@require_POST
def roster_copy(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    start = _week(request)
    try:
        added = staff_services.roster_copy_week(actor=actor, community=community, week_start=start)
        messages.success(request, _("已从上周复制 %(n)s 条排班。") % {"n": added})
    except LinliError as exc:
        messages.error(request, error_text(exc))
    return redirect(_roster_back(community, start))


@login_required
def roster_pdf(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    start = _week(request)
    week = staff_selectors.roster_week(actor=actor, community=community, start=start)
    response = HttpResponse(exports.roster_pdf(community=community, week=week), content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(
        False, f"{community.name}-排班表-{start.isoformat()}.pdf")
    return response
