"""Pages of vehicle access (持卡出入) and the visitor register. The guard's pages (visitors,
temporary passes) are made for a phone. Thin: parse, call a selector or a service, render; what
is outside the actor's scope is a 404."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.params import filter_by_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response
from linli.web.context import remember_community
from linli.web.forms import show_error
from linli.web.views import _error_text, _is_htmx_fragment, _label_zones

from ..models import AccessCard, GateEvent
from ..selectors import access as selectors
from ..services import access as services
from .access_forms import CardForm, GateForm, PassForm, VehicleForm, VisitorForm

PAGE_SIZE = 30


def community_for(request, community_id, capability: str | None = None):
    """A community whose operations the actor works in (404 otherwise), optionally needing a
    capability (403)."""
    actor = actor_for(request.user)
    community = get_object_or_404(estates.community_list(actor=actor), pk=community_id)
    if not (actor.is_admin or community.pk in actor.staff_community_ids):
        raise Http404
    if capability and not actor.can(capability, community):
        raise PermissionDenied
    remember_community(request, community)
    return actor, community


def _parse_day(value) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _unit(actor, community, building_id, number):
    """The unit named by building and number, or None when neither is given; a ValueError when
    they name no unit of the community."""
    number = (number or "").strip()
    if not building_id and not number:
        return None
    unit = estates.unit_list(actor=actor).filter(community=community, building_id=building_id or None,
                                                 number=number).first()
    if unit is None:
        raise ValueError(_("该楼栋没有这个房号。"))
    return unit


def _buildings(actor, community):
    return estates.building_list(actor=actor).filter(community=community).order_by("name")


def _zones(actor, community):
    return _label_zones(list(estates.zone_list(actor=actor).filter(community=community)))


# Gate events -------------------------------------------------------------------------------------

@login_required
def gate_events(request, community_id):
    """Today's (or a chosen day's) vehicles at the gates, refused ones marked, and in/out per hour."""
    actor, community = community_for(request, community_id)
    day = _parse_day(request.GET.get("date"))
    start, end = selectors.day_bounds(day)
    events = selectors.gate_event_list(actor=actor).filter(community=community, at__gte=start, at__lt=end)
    if request.GET.get("denied"):
        events = events.filter(allowed=False)
    events = filter_by_id(events, "gate_id", request.GET.get("gate"))
    page = Paginator(events.order_by("-at", "-id"), PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.message = services.reason_text(event.reason)
    hourly = selectors.gate_hourly(actor=actor, community=community, day=day)
    return render(request, "operations/access_events.html", {
        "community": community, "page": page, "day": day, "hourly": hourly, "params": request.GET,
        "gates": selectors.gate_list(actor=actor).filter(community=community),
        "chart": {"hours": hourly["hours"], "in": hourly["in"], "out": hourly["out"],
                  "labels": [str(GateEvent.Direction.IN.label), str(GateEvent.Direction.OUT.label)]},
        "tab": "events",
    })


# Vehicles and cards ------------------------------------------------------------------------------

@login_required
def vehicles(request, community_id):
    actor, community = community_for(request, community_id)
    may_edit = actor.can(services.CAPABILITY, community)
    buildings, zones = _buildings(actor, community), _zones(actor, community)
    vehicle_form = VehicleForm(prefix="v", buildings=buildings)
    card_form = CardForm(prefix="c", zones=zones)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        form_name = request.POST.get("form")
        try:
            if form_name == "vehicle":
                vehicle_form = VehicleForm(request.POST, prefix="v", buildings=buildings)
                if vehicle_form.is_valid():
                    data = vehicle_form.cleaned_data
                    try:
                        unit = _unit(actor, community, data["building"], data["unit_number"])
                    except ValueError as exc:
                        vehicle_form.add_error("unit_number", str(exc))
                    else:
                        holding = unit.ownerships.select_related("owner").first() if unit is not None else None
                        created = services.vehicle_create(actor=actor, community=community, plate=data["plate"],
                                                          unit=unit, description=data["description"],
                                                          owner=holding.owner if holding else None)
                        messages.success(request, _("已登记车辆 %(plate)s。") % {"plate": created.plate})
                        return redirect(request.path)
            elif form_name == "card":
                card_form = CardForm(request.POST, prefix="c", zones=zones)
                if card_form.is_valid():
                    data = card_form.cleaned_data
                    vehicle = space = None
                    if data["plate"].strip():
                        plate = services.plate_normalise(data["plate"])
                        vehicle = selectors.vehicle_list(actor=actor).filter(community=community, plate=plate).first()
                        if vehicle is None:
                            card_form.add_error("plate", _("请先登记该车辆。"))
                    if data["space"].strip():
                        space = estates.parking_space_list(actor=actor).filter(
                            community=community, code=data["space"].strip()).first()
                        if space is None:
                            card_form.add_error("space", _("没有这个车位。"))
                    if card_form.is_valid():
                        card = services.card_issue(
                            actor=actor, community=community, number=data["number"], vehicle=vehicle,
                            parking_space=space, valid_until=data["valid_until"],
                            zones=estates.zone_list(actor=actor).filter(community=community, pk__in=data["zones"]))
                        messages.success(request, _("已发卡 %(number)s。") % {"number": card.number})
                        return redirect(request.path)
        except LinliError as exc:
            target = {"vehicle": vehicle_form, "card": card_form}.get(form_name)
            if target is not None:
                show_error(target, exc)
            else:
                messages.error(request, _error_text(exc))
    cards = selectors.access_card_list(actor=actor).filter(community=community).select_related(
        "vehicle__unit__building")
    q = (request.GET.get("q") or "").strip().upper()
    if q:
        cards = cards.filter(Q(number__icontains=q) | Q(vehicle__plate__icontains=q)
                             | Q(parking_space__code__icontains=q))
    status = request.GET.get("status", "")
    if status in AccessCard.Status.values:
        cards = cards.filter(status=status)
    page = Paginator(cards.order_by("number"), PAGE_SIZE).get_page(request.GET.get("page"))
    base = selectors.access_card_list(actor=actor).filter(community=community)
    return render(request, "operations/access_vehicles.html", {
        "community": community, "page": page, "params": request.GET, "statuses": AccessCard.Status.choices,
        "may_edit": may_edit, "vehicle_form": vehicle_form, "card_form": card_form,
        "counts": {"total": base.count(), "disabled": base.filter(status=AccessCard.Status.DISABLED).count(),
                   "vehicles": selectors.vehicle_list(actor=actor).filter(community=community).count()},
        "unbound": selectors.vehicle_list(actor=actor).filter(community=community, cards__isnull=True)[:50],
        "tab": "vehicles",
    })


CARD_ACTIONS = {"disable": services.card_disable, "lost": services.card_report_lost, "enable": services.card_enable}


@login_required
@require_POST
def card_act(request, pk, action):
    actor = actor_for(request.user)
    card = get_object_or_404(selectors.access_card_list(actor=actor), pk=pk)
    if action not in CARD_ACTIONS or not (actor.is_admin or card.community_id in actor.staff_community_ids):
        raise Http404
    # Stopping a card needs the reason its owner will be told (Civil Code Art. 944: never for fees).
    extra = {"reason": request.POST.get("reason", "")} if action == "disable" else {}
    try:
        card = CARD_ACTIONS[action](actor=actor, access_card=card, **extra)
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("卡 %(number)s：%(status)s。") % {"number": card.number,
                                                                   "status": card.get_status_display()})
    return redirect(reverse("operations:access_vehicles", args=[card.community_id]) + "?q=" + card.number)


# Gates -------------------------------------------------------------------------------------------

@login_required
def gates(request, community_id):
    actor, community = community_for(request, community_id)
    may_manage = actor.can("operations.manage", community)
    zones = _zones(actor, community)
    form = GateForm(request.POST or None, zones=zones)
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        if form.is_valid():
            zone = estates.zone_list(actor=actor).filter(community=community, pk=form.cleaned_data["zone"] or None).first()
            try:
                gate, key = services.gate_create(actor=actor, community=community, name=form.cleaned_data["name"],
                                                 zone=zone)
            except LinliError as exc:
                show_error(form, exc)
            else:
                return _show_key(request, community, gate, key)
    return render(request, "operations/gate_list.html", {
        "community": community, "gates": selectors.gate_list(actor=actor).filter(community=community),
        "form": form, "may_manage": may_manage, "tab": "gates",
        "endpoint": request.build_absolute_uri(reverse("gate-controller-events")),
    })


def _show_key(request, community, gate, key):
    """The key is rendered once, in this response, and never stored: a reload shows nothing."""
    response = render(request, "operations/gate_key.html", {
        "community": community, "gate": gate, "key": key, "tab": "gates",
        "endpoint": request.build_absolute_uri(reverse("gate-controller-events")),
    })
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def gate_act(request, pk, action):
    actor = actor_for(request.user)
    gate = get_object_or_404(selectors.gate_list(actor=actor), pk=pk)
    community = gate.community
    if not actor.can("operations.manage", community):
        raise PermissionDenied
    try:
        if action == "rotate":
            gate, key = services.gate_key_rotate(actor=actor, gate=gate)
            return _show_key(request, community, gate, key)
        if action in ("activate", "deactivate"):
            services.gate_update(actor=actor, gate=gate, changes={"active": action == "activate"})
        else:
            raise Http404
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    return redirect("operations:access_gates", community.pk)


# Visitors and temporary passes -------------------------------------------------------------------

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
    actor, community = community_for(request, community_id)
    may_register = actor.can(services.CAPABILITY, community)
    buildings = _buildings(actor, community)
    form = VisitorForm(request.POST or None, buildings=buildings)
    if request.method == "POST":
        if not may_register:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                unit = _unit(actor, community, data["building"], data["unit_number"])
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
    day = _parse_day(request.GET.get("date"))
    if q:
        plate_q = q.replace(" ", "").upper()
        visitors = visitors.filter(Q(name__icontains=q) | Q(plate__icontains=plate_q))
    else:
        start, end = selectors.day_bounds(day)
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
        error = _error_text(exc)
    if _is_htmx_fragment(request):
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
    actor, community = community_for(request, community_id)
    start_day = _parse_day(request.GET.get("from") or (timezone.localdate() - dt.timedelta(days=30)).isoformat())
    end_day = _parse_day(request.GET.get("to"))
    start, _end = selectors.day_bounds(start_day)
    _start, end = selectors.day_bounds(end_day)
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


@login_required
def passes(request, community_id):
    actor, community = community_for(request, community_id)
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
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("临时通行证已撤销。"))
        return redirect("operations:access_pass_detail", temporary.pk)
    remember_community(request, temporary.community)
    return render(request, "operations/access_pass_detail.html", {
        "community": temporary.community, "p": temporary, "state": selectors.pass_state(temporary),
        "may_issue": actor.can(services.CAPABILITY, temporary.community_id), "tab": "passes"})

