"""Pages of organisation and staff: positions, teams and shifts with the headcount against the
establishment, and the staff records (phones masked for roles without "personal.phone")."""

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from linli.core.masking import mask_phone
from linli.core.pages import community_page, form_page, form_save
from linli.core.params import filter_by_id
from linli.estates import selectors as estates
from linli.orgs.models import User

from ..forms.staff import PositionForm, ShiftForm, StaffForm, TeamForm
from ..selectors import staff as staff_selectors
from ..selectors.staff import operations_community_list
from ..services import staff as staff_services
from . import exports
from .common import initial_of


@login_required
def org(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
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
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    position = (get_object_or_404(staff_selectors.position_list(actor=actor).filter(community=community),
                                  pk=position_id) if position_id else None)
    names = ["name", "kind", "planned_headcount", "order"]
    form = PositionForm(request.POST or None, initial=initial_of(position, names))

    def save(data):
        if position is None:
            return staff_services.position_create(actor=actor, community=community, **data)
        return staff_services.position_update(actor=actor, position=position, changes=data)

    if form_save(request, form, save, success=_("岗位已添加。") if position is None else _("岗位已保存。")):
        return redirect("operations:org", community.pk)
    return form_page(request, form, title=_("编辑岗位") if position else _("新增岗位"),
                     back=reverse("operations:org", args=[community.pk]))


@login_required
def team_form(request, community_id, team_id=None):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    team = (get_object_or_404(staff_selectors.staff_team_list(actor=actor).filter(community=community), pk=team_id)
            if team_id else None)
    names = ["name", "kind", "zone", "planned_headcount", "leader"]
    form = TeamForm(request.POST or None, initial=initial_of(team, names),
                    zones=estates.zone_list(actor=actor).filter(community=community),
                    members=staff_selectors.staff_member_list(actor=actor).filter(community=community, active=True))

    def save(data):
        if team is None:
            return staff_services.staff_team_create(actor=actor, community=community, **data)
        return staff_services.staff_team_update(actor=actor, staff_team=team, changes=data)

    if form_save(request, form, save, success=_("班组已添加。") if team is None else _("班组已保存。")):
        return redirect("operations:org", community.pk)
    return form_page(request, form, title=_("编辑班组") if team else _("新增班组"),
                     back=reverse("operations:org", args=[community.pk]))


@login_required
def shift_form(request, community_id, shift_id=None):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    shift = (get_object_or_404(staff_selectors.shift_list(actor=actor).filter(community=community), pk=shift_id)
             if shift_id else None)
    form = ShiftForm(request.POST or None, initial=initial_of(shift, ["name", "start", "end"]))

    def save(data):
        if shift is None:
            return staff_services.shift_create(actor=actor, community=community, **data)
        return staff_services.shift_update(actor=actor, shift=shift, changes=data)

    if form_save(request, form, save, success=_("班次已添加。") if shift is None else _("班次已保存。")):
        return redirect("operations:org", community.pk)
    return form_page(request, form, title=_("编辑班次") if shift else _("新增班次"),
                     back=reverse("operations:org", args=[community.pk]))


def _company_users(community):
    if community.company_id is None:
        return User.objects.none()
    return User.objects.filter(memberships__organization_id=community.company_id, memberships__active=True,
                               is_active=True).distinct().order_by("username")


@login_required
def staff_list(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
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
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    member = (get_object_or_404(staff_selectors.staff_member_list(actor=actor).filter(community=community),
                                pk=member_id) if member_id else None)
    names = ["name", "phone", "position", "team", "user", "hired_on", "left_on"]
    form = StaffForm(request.POST or None, initial=initial_of(member, names),
                     positions=staff_selectors.position_list(actor=actor).filter(community=community),
                     teams=staff_selectors.staff_team_list(actor=actor).filter(community=community),
                     users=_company_users(community))

    def save(data):
        if member is None:
            return staff_services.staff_member_create(actor=actor, community=community, **data)
        return staff_services.staff_member_update(actor=actor, staff_member=member, changes=data)

    if form_save(request, form, save, success=_("员工档案已添加。") if member is None else _("员工档案已保存。")):
        return redirect("operations:staff_list", community.pk)
    return form_page(request, form, title=_("编辑员工档案") if member else _("新增员工"),
                     back=reverse("operations:staff_list", args=[community.pk]))


@login_required
def staff_export(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    members = staff_selectors.staff_member_list(actor=actor).filter(community=community)
    data = exports.staff_xlsx(community=community, members=members,
                              show_phones=actor.can("personal.phone", community))
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = content_disposition_header(True, f"{community.name}-员工档案.xlsx")
    return response
