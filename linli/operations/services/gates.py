"""Vehicle access to the closed groups (持卡出入, 篇一 §五.1.1) and the visitor register.

Cards are bound to a vehicle and a parking space. Unpaid fees never stop a card or keep a car
out: fees are not collected by cutting a service (Civil Code Art. 944; DESIGN §6 "Fair
collection"). A card is stopped only by a person, for a stated reason, and its owner is told.
Barrier controllers report vehicles through their own device key; the platform answers allow or
deny."""

import datetime as dt
import hashlib
import re
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.notify import notify_phone, notify_users
from linli.core.services import full_clean_or_fail, record_create, record_update, same_community
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Community, Owner, ParkingSpace, Unit, Zone

from ..models import AccessCard, Gate, GateEvent, TemporaryPass, Vehicle, Visitor

CAPABILITY = "operations.access"
MAX_PASS_HOURS = 24 * 31
REASON_MAX = 200

# Plates (GA 36-2018): a province, the issuing office's letter, then five characters — or six
# for new-energy vehicles, with D/F (electric / hybrid) first on small cars and last on large
# ones. I and O are never used, to keep them apart from 1 and 0.
PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
LETTER = "A-HJ-NP-Z"
PLATE_PATTERNS = (
    re.compile(rf"^[{PROVINCES}][{LETTER}][{LETTER}0-9]{{4}}[{LETTER}0-9挂学警港澳]$"),
    re.compile(rf"^[{PROVINCES}][{LETTER}](?:[DF][{LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF])$"),
)
PLATE_SEPARATORS = re.compile(r"[\s·•.\-_]")


def plate_normalise(value: str, field: str = "plate") -> str:
    """The plate as printed, upper-case without separators; a ValidationFailed if it is not one."""
    plate = PLATE_SEPARATORS.sub("", str(value or "")).upper()
    if not any(p.match(plate) for p in PLATE_PATTERNS):
        raise ValidationFailed(fields={field: [_("车牌号格式不正确，如 鲁Q12345 或新能源 鲁QD12345。")]})
    return plate


# Vehicles and cards --------------------------------------------------------------------------

def vehicle_create(*, actor: Actor, community: Community, plate: str, owner: Owner | None = None,
                   unit: Unit | None = None, description: str = "") -> Vehicle:
    actor.require(CAPABILITY, community)
    same_community(community.pk, owner=owner, unit=unit)
    plate = plate_normalise(plate)
    if Vehicle.objects.filter(community=community, plate=plate).exists():
        raise Conflict(_("车辆 %(plate)s 已登记。") % {"plate": plate}, code="duplicate",
                       fields={"plate": [_("已登记。")]})
    return record_create(actor=actor, action="vehicle.create", instance=Vehicle(
        community=community, plate=plate, owner=owner, unit=unit, description=(description or "").strip()))


def vehicle_update(*, actor: Actor, vehicle: Vehicle, changes: dict) -> Vehicle:
    actor.require(CAPABILITY, vehicle.community_id)
    changes = {k: v for k, v in changes.items() if k in {"plate", "owner", "unit", "description"}}
    same_community(vehicle.community_id, owner=changes.get("owner"), unit=changes.get("unit"))
    if "plate" in changes:
        changes["plate"] = plate_normalise(changes["plate"])
    return record_update(actor=actor, instance=vehicle, changes=changes, action="vehicle.update")


def _check_zones(community_id: int, zones) -> list[Zone]:
    zones = list(zones or [])
    if any(z.community_id != community_id for z in zones):
        raise ValidationFailed(fields={"zones": [_("分区不属于该小区。")]})
    return zones


def card_issue(*, actor: Actor, community: Community, number: str, vehicle: Vehicle | None = None,
               parking_space: ParkingSpace | None = None, zones=(), valid_until: dt.date | None = None) -> AccessCard:
    """A new card. Without zones it opens every gate of the community."""
    actor.require(CAPABILITY, community)
    same_community(community.pk, vehicle=vehicle, parking_space=parking_space)
    zones = _check_zones(community.pk, zones)
    number = (number or "").strip().upper()
    if not number:
        raise ValidationFailed(fields={"number": [_("请填写卡号。")]})
    card = AccessCard(community=community, number=number, vehicle=vehicle, parking_space=parking_space,
                      valid_until=valid_until)
    full_clean_or_fail(card, exclude=["community"])
    try:
        with transaction.atomic():
            card.save()
            card.zones.set(zones)
            audit_record(actor=actor, action="access_card.issue", target=card, community_id=community.pk, data={
                "number": number, "vehicle": getattr(vehicle, "pk", None),
                "parking_space": getattr(parking_space, "pk", None), "zones": [z.pk for z in zones],
                "valid_until": valid_until})
    except IntegrityError as exc:
        raise Conflict(_("卡号 %(number)s 已存在。") % {"number": number}, code="duplicate",
                       fields={"number": [_("已存在。")]}) from exc
    return card


def card_update(*, actor: Actor, access_card: AccessCard, changes: dict) -> AccessCard:
    """Rebind a card or change where and until when it works; its status has its own actions."""
    actor.require(CAPABILITY, access_card.community_id)
    zones = changes.pop("zones", None)
    changes = {k: v for k, v in changes.items() if k in {"vehicle", "parking_space", "valid_until"}}
    same_community(access_card.community_id, vehicle=changes.get("vehicle"),
                    parking_space=changes.get("parking_space"))
    with transaction.atomic():
        card = record_update(actor=actor, instance=access_card, changes=changes, action="access_card.update")
        if zones is not None:
            zones = _check_zones(card.community_id, zones)
            card.zones.set(zones)
            audit_record(actor=actor, action="access_card.zones", target=card, community_id=card.community_id,
                         data={"zones": [z.pk for z in zones]})
    return card


def _card_status(actor: Actor, card: AccessCard, status: str, reason: str, action: str) -> AccessCard:
    with transaction.atomic():
        card = AccessCard.objects.select_for_update().get(pk=card.pk)
        before = (card.status, card.disabled_reason)
        card.status, card.disabled_reason = status, reason
        card.disabled_at = None if status == AccessCard.Status.ACTIVE else timezone.now()
        card.save(update_fields=["status", "disabled_reason", "disabled_at", "updated_at"])
        audit_record(actor=actor, action=f"access_card.{action}", target=card, community_id=card.community_id,
                     data={"before": list(before), "status": status, "reason": reason})
    return card


def _card_owners(card: AccessCard) -> list[Owner]:
    """Who a card belongs to: its vehicle's owner, else the owners of the unit of its vehicle or
    of its parking space."""
    vehicle = card.vehicle
    if vehicle is not None and vehicle.owner_id:
        return [vehicle.owner]
    unit_id = (vehicle.unit_id if vehicle is not None else None) or (
        card.parking_space.unit_id if card.parking_space_id else None)
    if unit_id is None:
        return []
    return list(Owner.objects.filter(ownerships__unit_id=unit_id).select_related("user").distinct().order_by("id"))


def _tell_owners(card: AccessCard, reason: str) -> None:
    """The owner learns at once that the card stopped and why: in the inbox when they have a
    login, by SMS to the phone on record when they have none."""
    plate = card.vehicle.plate if card.vehicle_id else ""
    title = _("门禁卡 %(number)s 已停用") % {"number": card.number}
    body = _("您的门禁卡 %(number)s%(plate)s 已于 %(when)s 停用。原因：%(reason)s。如有疑问，请联系物业服务中心。") % {
        "number": card.number, "plate": _("（车牌 %(plate)s）") % {"plate": plate} if plate else "",
        "when": timezone.localtime(card.disabled_at).strftime("%Y-%m-%d %H:%M"), "reason": reason}
    owners = _card_owners(card)
    notify_users([o.user for o in owners if o.user_id], title=title, body=body)
    for owner in owners:
        if not owner.user_id:
            notify_phone(owner.phone, _("【邻里】") + body)


def card_disable(*, actor: Actor, access_card: AccessCard, reason: str) -> AccessCard:
    """A person stops the card for a stated reason (a sold vehicle, a misused card…), and the owner
    is told. Unpaid fees are not a reason the platform takes: it has no rule that stops a card."""
    actor.require(CAPABILITY, access_card.community_id)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed(fields={"reason": [_("请填写停用原因，业主会收到通知。")]})
    if len(reason) > REASON_MAX:
        raise ValidationFailed(fields={"reason": [_("停用原因最多 %(n)s 个字。") % {"n": REASON_MAX}]})
    if access_card.status == AccessCard.Status.LOST:
        raise Conflict(_("该卡已挂失。"), code="invalid_status")
    if access_card.status == AccessCard.Status.DISABLED:
        raise Conflict(_("该卡已停用。"), code="invalid_status")
    card = _card_status(actor, access_card, AccessCard.Status.DISABLED, reason, "disable")
    card = AccessCard.objects.select_related("vehicle__owner__user", "parking_space").get(pk=card.pk)
    transaction.on_commit(lambda: _tell_owners(card, reason))
    return card


def card_report_lost(*, actor: Actor, access_card: AccessCard) -> AccessCard:
    actor.require(CAPABILITY, access_card.community_id)
    return _card_status(actor, access_card, AccessCard.Status.LOST, "", "lost")


def card_enable(*, actor: Actor, access_card: AccessCard) -> AccessCard:
    """Undo a stop or a loss report."""
    actor.require(CAPABILITY, access_card.community_id)
    if access_card.status == AccessCard.Status.ACTIVE:
        return access_card
    return _card_status(actor, access_card, AccessCard.Status.ACTIVE, "", "enable")


# Gates ---------------------------------------------------------------------------------------

def gate_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _new_key() -> tuple[str, str, str]:
    key = "gk_" + secrets.token_urlsafe(30)
    return key, key[:8], gate_key_hash(key)


def gate_create(*, actor: Actor, community: Community, name: str, zone: Zone | None = None,
                active: bool = True) -> tuple[Gate, str]:
    """A barrier gate and its controller's key, returned once: only its hash is kept."""
    actor.require("operations.manage", community)
    same_community(community.pk, zone=zone)
    key, prefix, digest = _new_key()
    gate = record_create(actor=actor, action="gate.create", instance=Gate(
        community=community, zone=zone, name=(name or "").strip(), key_prefix=prefix, key_hash=digest,
        active=active), data={"name": name, "zone": getattr(zone, "pk", None), "key_prefix": prefix})
    return gate, key


def gate_update(*, actor: Actor, gate: Gate, changes: dict) -> Gate:
    actor.require("operations.manage", gate.community_id)
    changes = {k: v for k, v in changes.items() if k in {"name", "zone", "active"}}
    same_community(gate.community_id, zone=changes.get("zone"))
    return record_update(actor=actor, instance=gate, changes=changes, action="gate.update")


def gate_key_rotate(*, actor: Actor, gate: Gate) -> tuple[Gate, str]:
    """A new key for the controller; the old one stops working at once."""
    actor.require("operations.manage", gate.community_id)
    key, prefix, digest = _new_key()
    with transaction.atomic():
        gate.key_prefix, gate.key_hash = prefix, digest
        gate.save(update_fields=["key_prefix", "key_hash", "updated_at"])
        audit_record(actor=actor, action="gate.key_rotate", target=gate, community_id=gate.community_id,
                     data={"key_prefix": prefix})
    return gate, key


def gate_for_key(key: str) -> Gate | None:
    if not key:
        return None
    return Gate.objects.filter(key_hash=gate_key_hash(key)).select_related("community", "zone").first()


# Why a vehicle was let in or kept out, as the controller's display shows it.
REASONS = {
    "card_ok": gettext_lazy("门禁卡有效"),
    "temporary_pass": gettext_lazy("临时通行证有效"),
    "card_unknown": gettext_lazy("未登记的卡"),
    "card_disabled": gettext_lazy("卡已停用"),
    # Only in events recorded before the arrears rule was removed (operations migration 0003):
    # the record of what happened stays as it was.
    "card_arrears": gettext_lazy("车位费逾期，卡已停用"),
    "card_lost": gettext_lazy("卡已挂失"),
    "card_expired": gettext_lazy("卡已过期"),
    "card_wrong_zone": gettext_lazy("卡不能通行本道闸"),
    "plate_unknown": gettext_lazy("未登记车辆，无有效临时通行证"),
    "no_credential": gettext_lazy("未识别到卡或车牌"),
}


def reason_text(code: str) -> str:
    return str(REASONS.get(code, code))


def _zone_and_ancestors(zone: Zone | None) -> set[int]:
    ids = set()
    while zone is not None and zone.pk not in ids:
        ids.add(zone.pk)
        zone = zone.parent
    return ids


def _card_verdict(card: AccessCard, gate: Gate, day: dt.date) -> str:
    if card.status == AccessCard.Status.LOST:
        return "card_lost"
    if card.status == AccessCard.Status.DISABLED:
        return "card_disabled"
    if card.valid_until is not None and card.valid_until < day:
        return "card_expired"
    zone_ids = {z.pk for z in card.zones.all()}
    # A card for 南区 opens the gates of its groups too.
    if zone_ids and not zone_ids & _zone_and_ancestors(gate.zone):
        return "card_wrong_zone"
    return "card_ok"


def _valid_pass(community_id: int, plate: str, at: dt.datetime) -> TemporaryPass | None:
    return (TemporaryPass.objects.filter(community_id=community_id, plate=plate, revoked_at__isnull=True,
                                         valid_from__lte=at, valid_until__gt=at).order_by("-valid_until").first())


def _decide(gate: Gate, card_number: str, plate: str, at: dt.datetime):
    """(allowed, reason, card, pass): the card by number, else the vehicle's cards by plate; a
    vehicle refused on its card still enters on a valid temporary pass for its plate."""
    day = timezone.localdate(at)
    card, reason = None, "no_credential"
    if card_number:
        card = AccessCard.objects.filter(community_id=gate.community_id, number=card_number).first()
        reason = "card_unknown" if card is None else _card_verdict(card, gate, day)
    elif plate:
        cards = list(AccessCard.objects.filter(community_id=gate.community_id, vehicle__plate=plate).order_by("id"))
        verdicts = [(_card_verdict(c, gate, day), c) for c in cards] or [("plate_unknown", None)]
        reason, card = next((v for v in verdicts if v[0] == "card_ok"), verdicts[0])
    if reason == "card_ok":
        return True, reason, card, None
    temporary = _valid_pass(gate.community_id, plate, at) if plate else None
    if temporary is not None:
        return True, "temporary_pass", card, temporary
    return False, reason, card, None


def _plate_as_read(value: str) -> str:
    """A camera's reading may not be a valid plate; it is kept as read (for the log), and matches
    no vehicle or pass."""
    try:
        return plate_normalise(value)
    except ValidationFailed:
        return PLATE_SEPARATORS.sub("", str(value or "")).upper()[:12]


def gate_event_record(*, gate: Gate, event_id: str, direction: str, at: dt.datetime, card_number: str = "",
                      plate: str = "") -> tuple[GateEvent, bool]:
    """Decide and record one vehicle at a gate. The same (gate, event_id) again returns the first
    answer and records nothing: controllers retry until they hear back."""
    event_id = (event_id or "").strip()
    if not event_id or len(event_id) > 64:
        raise ValidationFailed(fields={"event_id": [_("设备事件号为 1–64 个字符。")]})
    if direction not in GateEvent.Direction.values:
        raise ValidationFailed(fields={"direction": [_("方向应为 in 或 out。")]})
    if timezone.is_naive(at):
        raise ValidationFailed(fields={"at": [_("时间须带时区。")]})
    card_number = (card_number or "").strip().upper()[:32]
    plate = _plate_as_read(plate) if plate else ""
    existing = GateEvent.objects.filter(gate=gate, event_id=event_id).first()
    if existing is not None:
        return existing, False
    allowed, reason, card, temporary = _decide(gate, card_number, plate, at)
    try:
        with transaction.atomic():
            event = GateEvent.objects.create(
                community_id=gate.community_id, gate=gate, event_id=event_id, direction=direction, at=at, card=card,
                plate=plate or (card.vehicle.plate if card is not None and card.vehicle_id else ""),
                temporary_pass=temporary, allowed=allowed, reason=reason)
            Gate.objects.filter(pk=gate.pk).update(last_seen_at=timezone.now())
            audit_record(actor=SystemActor(), action="gate_event.record", target=event,
                         community_id=gate.community_id,
                         data={"gate": gate.pk, "event_id": event_id, "direction": direction, "allowed": allowed,
                               "reason": reason, "card_number": card_number, "plate": plate})
    except IntegrityError:
        # The same event raced in from a retry: the first one stands.
        return GateEvent.objects.get(gate=gate, event_id=event_id), False
    return event, True


# Temporary passes and visitors ---------------------------------------------------------------

def _pass_window(valid_from, valid_until, hours) -> tuple[dt.datetime, dt.datetime]:
    valid_from = valid_from or timezone.now()
    if valid_until is None:
        try:
            hours = int(hours or 4)
        except (TypeError, ValueError):
            raise ValidationFailed(fields={"hours": [_("请填写有效小时数。")]}) from None
        if not 1 <= hours <= MAX_PASS_HOURS:
            raise ValidationFailed(fields={"hours": [_("有效时长为 1–744 小时。")]})
        valid_until = valid_from + dt.timedelta(hours=hours)
    if valid_until <= valid_from:
        raise ValidationFailed(fields={"valid_until": [_("失效时间必须晚于生效时间。")]})
    if valid_until - valid_from > dt.timedelta(hours=MAX_PASS_HOURS):
        raise ValidationFailed(fields={"valid_until": [_("临时通行证最长 31 天。")]})
    return valid_from, valid_until


def _create_pass(actor: Actor, community: Community, plate: str, valid_from, valid_until,
                 visitor: Visitor | None) -> TemporaryPass:
    for _attempt in range(5):
        temporary = TemporaryPass(community=community, plate=plate, visitor=visitor, valid_from=valid_from,
                                  valid_until=valid_until, issued_by=actor.user if actor.is_authenticated else None)
        if not TemporaryPass.objects.filter(community=community, code=temporary.code).exists():
            break
    full_clean_or_fail(temporary, exclude=["community", "code", "issued_by"])
    temporary.save()
    audit_record(actor=actor, action="temporary_pass.issue", target=temporary, community_id=community.pk, data={
        "plate": plate, "code": temporary.code, "valid_from": valid_from, "valid_until": valid_until,
        "visitor": getattr(visitor, "pk", None)})
    return temporary


def temporary_pass_issue(*, actor: Actor, community: Community, plate: str, valid_from: dt.datetime | None = None,
                         valid_until: dt.datetime | None = None, hours: int | None = None,
                         visitor: Visitor | None = None) -> TemporaryPass:
    """A visitor vehicle let in for a while (4 hours unless told otherwise)."""
    actor.require(CAPABILITY, community)
    same_community(community.pk, visitor=visitor)
    plate = plate_normalise(plate)
    valid_from, valid_until = _pass_window(valid_from, valid_until, hours)
    with transaction.atomic():
        return _create_pass(actor, community, plate, valid_from, valid_until, visitor)


def temporary_pass_revoke(*, actor: Actor, temporary_pass: TemporaryPass) -> TemporaryPass:
    actor.require(CAPABILITY, temporary_pass.community_id)
    if temporary_pass.revoked_at is not None:
        return temporary_pass
    with transaction.atomic():
        temporary_pass.revoked_at = timezone.now()
        temporary_pass.save(update_fields=["revoked_at", "updated_at"])
        audit_record(actor=actor, action="temporary_pass.revoke", target=temporary_pass,
                     community_id=temporary_pass.community_id, data={"code": temporary_pass.code})
    return temporary_pass


def visitor_register(*, actor: Actor, community: Community, name: str, phone: str = "", plate: str = "",
                     unit: Unit | None = None, purpose: str = "", arrived_at: dt.datetime | None = None,
                     pass_hours: int | None = None) -> Visitor:
    """Register an arrival at the gate; with `pass_hours` the visitor's vehicle gets a temporary
    pass in the same step."""
    actor.require(CAPABILITY, community)
    same_community(community.pk, unit=unit)
    name, phone = (name or "").strip(), re.sub(r"[\s-]", "", phone or "")
    if not name:
        raise ValidationFailed(fields={"name": [_("请填写访客姓名。")]})
    if phone and not re.fullmatch(r"\+?\d{5,20}", phone):
        raise ValidationFailed(fields={"phone": [_("手机号格式不正确。")]})
    plate = plate_normalise(plate) if (plate or "").strip() else ""
    if pass_hours and not plate:
        raise ValidationFailed(fields={"plate": [_("发放临时通行证需要填写车牌号。")]})
    visitor = Visitor(community=community, name=name, phone=phone, plate=plate, unit=unit,
                      purpose=(purpose or "").strip(), arrived_at=arrived_at or timezone.now(),
                      registered_by=actor.user if actor.is_authenticated else None)
    full_clean_or_fail(visitor, exclude=["community", "registered_by"])
    window = _pass_window(visitor.arrived_at, None, pass_hours) if pass_hours else None
    with transaction.atomic():
        visitor.save()
        audit_record(actor=actor, action="visitor.register", target=visitor, community_id=community.pk,
                     data={"name": name, "plate": plate, "unit": getattr(unit, "pk", None)})
        if window:
            _create_pass(actor, community, plate, *window, visitor)
    return visitor


def visitor_update(*, actor: Actor, visitor: Visitor, changes: dict) -> Visitor:
    actor.require(CAPABILITY, visitor.community_id)
    changes = {k: v for k, v in changes.items() if k in {"name", "phone", "plate", "unit", "purpose"}}
    same_community(visitor.community_id, unit=changes.get("unit"))
    if changes.get("plate"):
        changes["plate"] = plate_normalise(changes["plate"])
    return record_update(actor=actor, instance=visitor, changes=changes, action="visitor.update")


def visitor_leave(*, actor: Actor, visitor: Visitor, at: dt.datetime | None = None) -> Visitor:
    """Mark a visitor as gone; their passes still valid end now."""
    actor.require(CAPABILITY, visitor.community_id)
    if visitor.left_at is not None:
        raise Conflict(_("该访客已登记离开。"), code="already_left")
    at = at or timezone.now()
    if at < visitor.arrived_at:
        raise ValidationFailed(fields={"left_at": [_("离开时间不能早于到访时间。")]})
    with transaction.atomic():
        visitor.left_at = at
        visitor.save(update_fields=["left_at", "updated_at"])
        ended = TemporaryPass.objects.filter(visitor=visitor, revoked_at__isnull=True, valid_until__gt=at)
        ended_ids = list(ended.values_list("id", flat=True))
        ended.update(revoked_at=at, updated_at=at)
        audit_record(actor=actor, action="visitor.leave", target=visitor, community_id=visitor.community_id,
                     data={"left_at": at, "passes_ended": ended_ids})
    return visitor
