"""Pages of the visitor register and temporary passes, made for the guard's phone at the gate."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.dates import day_bounds, parse_date
from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.pages import community_page, error_text, is_htmx_fragment, remember_community, show_error
from linli.core.tenancy import actor_for
from linli.estates.api import xlsx_response

from ..forms.gates import PassForm, VisitorForm
from ..selectors import gates as selectors
from ..selectors.staff import operations_community_list
from ..services import gates as services
from .common import community_buildings, community_unit

PAGE_SIZE = 30


def _visitor_rows(actor, visitors):
    rows = list(visitors)
    for visitor in rows:
        visitor.shown_phone = selectors.visitor_phone(actor, visitor)
        visitor.live_pass = next((p for p in visitor.passes.all() if selectors.pass_state(p) == "valid"), None)
    return rows


@login_required
def visitor_register(request, community_id):
    """The guard's page at the gate: register an arrival (and a pass for the car), today's
    visitors with a button for each who leaves, search by plate or name."""
    actor, community = community_page(request, community_id, selector=operations_community_list)
    may_register = actor.can(services.CAPABILITY, community)
    buildings = community_buildings(actor, community)
    form = VisitorForm(request.POST or None, buildings=buildings)
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = community_unit(actor, community, data["building"], data["unit_number"])
            except ValueError as exc:
                form.add_error("unit_number", str(exc))
            else:
                try:
                    visitor = services.visitor_register(
                        actor=actor, community=community, name=data["name"], phone=data["phone"], plate=data["plate"],
                        unit=unit, purpose=data["purpose"], pass_hours=data["pass_hours"])
                except LinliError as exc:
                    show_error(form, exc)
                else:
                    issued = visitor.passes.first()
                    if issued is not None:
                        messages.success(request, _("已登记 %(name)s，临时通行证 %(code)s。") % {
                            "name": visitor.name, "code": issued.code})
                        return redirect("operations:access_pass_detail", issued.pk)
                    messages.success(request, _("已登记 %(name)s。") % {"name": visitor.name})
                    return redirect(request.path)
    q = (request.GET.get("q") or "").strip()
    visitors = selectors.visitor_list(actor=actor).filter(community=community).prefetch_related("passes")
    day = parse_date(request.GET.get("date"), timezone.localdate())
    if q:
        plate_q = q.replace(" ", "").upper()
        visitors = visitors.filter(Q(name__icontains=q) | Q(plate__icontains=plate_q))
    else:
        start, end = day_bounds(day)
        # The day's arrivals, and yesterday's visitors not yet marked as gone (staying overnight).
        visitors = visitors.filter(Q(arrived_at__gte=start, arrived_at__lt=end)
                                   | Q(left_at__isnull=True, arrived_at__gte=start - dt.timedelta(days=1),
                                       arrived_at__lt=end))
    page = Paginator(visitors.order_by("-arrived_at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _visitor_rows(actor, page.object_list)
    return render(request, "operations/visitor_register.html", {
        "community": community, "form": form, "page": page, "q": q, "day": day, "may_register": may_register,
        "tab": "visitors",
    })


@login_required
@require_POST
def visitor_leave(request, pk):
    actor = actor_for(request.user)
    visitor = get_object_or_404(selectors.visitor_list(actor=actor).prefetch_related("passes"), pk=pk)
    error = None
    try:
        visitor = services.visitor_leave(actor=actor, visitor=visitor)
    except LinliError as exc:
        error = error_text(exc)
    if is_htmx_fragment(request):
        visitor = selectors.visitor_list(actor=actor).prefetch_related("passes").get(pk=visitor.pk)
        return render(request, "operations/visitor_row.html", {
            "v": _visitor_rows(actor, [visitor])[0], "may_register": True, "error": error})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("%(name)s 已离开。") % {"name": visitor.name})
    return redirect("operations:visitor_register", visitor.community_id)


@login_required
def visitor_export(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    start_day = parse_date(request.GET.get("from") or (timezone.localdate() - dt.timedelta(days=30)).isoformat(),
                           timezone.localdate())
    end_day = parse_date(request.GET.get("to"), timezone.localdate())
    start, _end = day_bounds(start_day)
    _start, end = day_bounds(end_day)
    rows = []
    for v in (selectors.visitor_list(actor=actor).filter(community=community, arrived_at__gte=start, arrived_at__lt=end)
              .order_by("arrived_at", "id")):
        rows.append([timezone.localtime(v.arrived_at).strftime("%Y-%m-%d %H:%M"), v.name,
                     selectors.visitor_phone(actor, v), v.plate, str(v.unit) if v.unit_id else "", v.purpose,
                     timezone.localtime(v.left_at).strftime("%Y-%m-%d %H:%M") if v.left_at else "",
                     str(v.registered_by or "")])
    header = [_("到访时间"), _("姓名"), _("手机号"), _("车牌号"), _("拜访房屋"), _("事由"), _("离开时间"), _("登记人")]
    return xlsx_response(xlsx([(_("访客登记"), header, rows)]),
                         f"visitors-{community.code}-{start_day:%Y%m%d}-{end_day:%Y%m%d}.xlsx")


# Temporary passes ---------------------------------------------------------------------------------

@login_required
def passes(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    may_issue = actor.can(services.CAPABILITY, community)
    form = PassForm(request.POST or None)
    if request.method == "POST":
        if not may_issue:
            raise PermissionDenied
        if form.is_valid():
            try:
                issued = services.temporary_pass_issue(actor=actor, community=community, plate=form.cleaned_data["plate"],
                                                       hours=form.cleaned_data["hours"])
            except LinliError as exc:
                show_error(form, exc)
            else:
                return redirect("operations:access_pass_detail", issued.pk)
    now = timezone.now()
    recent = (selectors.temporary_pass_list(actor=actor).filter(community=community)
              .filter(Q(valid_until__gt=now) | Q(valid_until__gte=now - dt.timedelta(days=1))).order_by("-valid_from"))
    q = (request.GET.get("q") or "").replace(" ", "").upper()
    if q:
        recent = selectors.temporary_pass_list(actor=actor).filter(community=community).filter(
            Q(plate__icontains=q) | Q(code=q)).order_by("-valid_from")
    rows = list(recent[:100])
    for p in rows:
        p.state = selectors.pass_state(p, now)
    return render(request, "operations/access_passes.html", {
        "community": community, "form": form, "passes": rows, "may_issue": may_issue, "q": q, "tab": "passes"})


@login_required
def pass_detail(request, pk):
    actor = actor_for(request.user)
    temporary = get_object_or_404(selectors.temporary_pass_list(actor=actor).select_related("community"), pk=pk)
    if request.method == "POST":
        if request.POST.get("action") != "revoke":
            raise Http404
        try:
            temporary = services.temporary_pass_revoke(actor=actor, temporary_pass=temporary)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("临时通行证已撤销。"))
        return redirect("operations:access_pass_detail", temporary.pk)
    remember_community(request, actor, temporary.community)
    return render(request, "operations/access_pass_detail.html", {
        "community": temporary.community, "p": temporary, "state": selectors.pass_state(temporary),
        "may_issue": actor.can(services.CAPABILITY, temporary.community_id), "tab": "passes"})
