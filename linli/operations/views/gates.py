"""Pages of vehicle access (持卡出入): the gate log, vehicles and cards, and the barrier gates."""

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

from linli.core.dates import day_bounds, parse_date
from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, show_error
from linli.core.params import filter_by_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..forms.gates import CardForm, GateForm, VehicleForm
from ..models import AccessCard, GateEvent
from ..selectors import gates as selectors
from ..selectors.staff import operations_community_list
from ..services import gates as services
from .common import community_buildings, community_unit, community_zones

PAGE_SIZE = 30


# Gate events --------------------------------------------------------------------------------------

@login_required
def gate_events(request, community_id):
    """Today's (or a chosen day's) vehicles at the gates, refused ones marked, and in/out per hour."""
    actor, community = community_page(request, community_id, selector=operations_community_list)
    day = parse_date(request.GET.get("date"), timezone.localdate())
    start, end = day_bounds(day)
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


# Vehicles and cards -------------------------------------------------------------------------------

@login_required
def vehicles(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    may_edit = actor.can(services.CAPABILITY, community)
    buildings, zones = community_buildings(actor, community), community_zones(actor, community)
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
                        unit = community_unit(actor, community, data["building"], data["unit_number"])
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
                messages.error(request, error_text(exc))
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
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("卡 %(number)s：%(status)s。") % {"number": card.number,
                                                                   "status": card.get_status_display()})
    return redirect(reverse("operations:access_vehicles", args=[card.community_id]) + "?q=" + card.number)


# Gates --------------------------------------------------------------------------------------------

@login_required
def gates(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    may_manage = actor.can("operations.manage", community)
    zones = community_zones(actor, community)
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
        messages.error(request, error_text(exc))
    return redirect("operations:access_gates", community.pk)
