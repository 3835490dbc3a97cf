"""Demo vehicle access of 苗庄小区 (篇一 §五.1.1): the three barrier gates of the closed groups
金苗园 / 银苗园 / 兰苗园 with about forty owners' vehicles and cards bound to their parking spaces —
all working: no card is stopped for an unpaid fee (Civil Code Art. 944) — and today's visitors
and gate events."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext, People
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Ownership, ParkingSpace, Unit

from ..models import AccessCard, Gate, GateEvent, TemporaryPass, Vehicle, Visitor
from ..services import gates as gate_services

GROUPS = ("金苗园", "银苗园", "兰苗园")
CARDS = 40
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
VISITORS = [
    ("快递", "", "", "送快递", None), ("外卖", "", "", "送外卖", None),
    ("亲友", "鲁Q", 4, "探亲", True), ("维修", "鲁Q", 8, "上门维修空调", True),
    ("亲友", "", "", "探望老人", None), ("搬家", "鲁Q", 8, "搬家", False),
    ("亲友", "鲁QD", 2, "接孩子", True), ("中介", "", "", "看房", None),
]


def _plate(rng, prefix: str = "鲁Q", new_energy: bool = False) -> str:
    if new_energy:
        return prefix + rng.choice("DF") + rng.choice(LETTERS + "0123456789") + f"{rng.randrange(10000):04d}"
    tail = "".join(rng.choice(LETTERS + "0123456789" * 3) for _ in range(4))
    return prefix + rng.choice(LETTERS) + tail


def _gates(ctx: DemoContext, community, zones: dict) -> dict:
    gates = {}
    for name in GROUPS:
        gate = Gate.objects.filter(community=community, name=f"{name}挡车器").first()
        if gate is None:
            gate, _key = gate_services.gate_create(actor=SystemActor(), community=community, name=f"{name}挡车器",
                                            zone=zones[name])
            ctx.count("gates")
        gates[name] = gate
    return gates


def _cards(ctx: DemoContext, community, zones: dict) -> None:
    """Cards for owners' spaces in the closed groups and the south garage."""
    system = SystemActor()
    rng = ctx.rng("operations.access.cards")
    spaces = list(ParkingSpace.objects.filter(community=community, unit__isnull=False,
                                              zone__name__in=[*GROUPS, "南区"]).order_by("code"))
    chosen = rng.sample(spaces, min(len(spaces), CARDS))
    owners = {}
    for holding in (Ownership.objects.filter(unit_id__in=[s.unit_id for s in chosen]).select_related("owner")
                    .order_by("-id")):
        owners[holding.unit_id] = holding.owner
    for i, space in enumerate(sorted(chosen, key=lambda s: s.code), start=1):
        number = f"MZ{i:04d}"
        plate = _plate(rng, new_energy=rng.random() < 0.2)
        if AccessCard.objects.filter(community=community, number=number).exists():
            continue
        vehicle = Vehicle.objects.filter(community=community, unit_id=space.unit_id).first()
        if vehicle is None and not Vehicle.objects.filter(community=community, plate=plate).exists():
            vehicle = gate_services.vehicle_create(actor=system, community=community, plate=plate, unit=space.unit,
                                            owner=owners.get(space.unit_id),
                                            description=rng.choice(["白色大众", "黑色丰田", "银色比亚迪", "红色本田",
                                                                    "蓝色吉利", "白色五菱"]))
            ctx.count("vehicles")
        zone = zones.get(space.zone.name) if space.zone_id else None
        gate_services.card_issue(actor=system, community=community, number=number, vehicle=vehicle, parking_space=space,
                          zones=[zone] if zone is not None else [])
        ctx.count("access_cards")


def _today(ctx: DemoContext, community, gates: dict) -> None:
    """Visitors and gate events of the hours before now, so today's pages have something to show."""
    guard = ctx.users.get("guard")
    actor = Actor(guard) if guard is not None else SystemActor()
    rng = ctx.rng(f"operations.access.today.{timezone.localdate()}")
    people = People(rng)
    now = timezone.now()
    # The last twelve hours of today (fewer just after midnight): nothing in the future.
    start = max(timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time.min)),
                now - dt.timedelta(hours=12))
    minutes = max(1, int((now - start).total_seconds() // 60))
    units = list(Unit.objects.filter(community=community, building__zone__name__in=GROUPS)
                 .select_related("building").order_by("id")[:400])
    for i, (kind, prefix, hours, purpose, leaves) in enumerate(VISITORS):
        arrived = start + dt.timedelta(minutes=minutes * i // len(VISITORS), seconds=1)
        name = people.name()
        # The day in the community's time zone, as `__date` reads it: between midnight there and
        # midnight UTC the UTC date is the day before, and a second run would register again.
        if arrived > now or Visitor.objects.filter(community=community, purpose=purpose,
                                                   arrived_at__date=timezone.localdate(arrived)).exists():
            continue
        plate = _plate(rng, prefix[:2], new_energy=prefix == "鲁QD") if prefix else ""
        visitor = gate_services.visitor_register(actor=actor, community=community, name=name, phone=people.mobile(),
                                          plate=plate, unit=rng.choice(units) if units else None,
                                          purpose=purpose, arrived_at=arrived, pass_hours=hours or None)
        ctx.count("visitors")
        if leaves or (leaves is None and rng.random() < 0.6):
            gate_services.visitor_leave(actor=actor, visitor=visitor,
                                 at=min(now, arrived + dt.timedelta(minutes=rng.randint(10, 90))))
    cards = list(AccessCard.objects.filter(community=community).select_related("vehicle", "parking_space__zone"))
    passes = list(TemporaryPass.objects.filter(community=community, valid_until__gt=start))
    day = timezone.localdate().strftime("%Y%m%d")
    for n in range(60):
        event_id = f"demo-{day}-{n:03d}"
        if GateEvent.objects.filter(community=community, event_id=event_id).exists():
            continue
        at = start + dt.timedelta(minutes=rng.randrange(minutes))
        gate = gates[rng.choice(GROUPS)]
        roll = rng.random()
        if roll < 0.8 and cards:
            card = rng.choice(cards)
            # A car goes through its own group's gate; a card of the south garage opens all three.
            space_zone = card.parking_space.zone.name if card.parking_space and card.parking_space.zone else ""
            gate = gates.get(space_zone, gate)
            gate_services.gate_event_record(gate=gate, event_id=event_id, direction=rng.choice(["in", "out"]),
                                     at=at, card_number=card.number)
        elif roll < 0.9 and passes:
            gate_services.gate_event_record(gate=gate, event_id=event_id, direction="in", at=at,
                                     plate=rng.choice(passes).plate)
        else:
            gate_services.gate_event_record(gate=gate, event_id=event_id, direction="in", at=at, plate=_plate(rng, "苏C"))
        ctx.count("gate_events")


def load(ctx: DemoContext, community, zones: dict) -> None:
    gates = _gates(ctx, community, zones)
    _cards(ctx, community, zones)
    _today(ctx, community, gates)
