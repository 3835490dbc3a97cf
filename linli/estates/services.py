"""Writes of the estate registry. Each checks the actor's capability in the community,
keeps references inside one community, and audits itself in the same transaction."""

import datetime as dt
import hashlib
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import NotFound, PermissionDenied, ValidationFailed
from linli.core.notify import notification_provider
from linli.core.services import full_clean_or_fail, record_create, record_update, same_community
from linli.core.tenancy import Actor
from linli.core.uploads import DOCUMENTS, check_upload

from .models import (
    BindingRequest,
    Building,
    Community,
    Owner,
    OwnerInvitation,
    Ownership,
    ParkingSpace,
    Premises,
    Resident,
    Unit,
    Zone,
)
from .validators import clean_id_number, clean_phone

INVITATION_DAYS = 30


# Communities ------------------------------------------------------------------------------

COMMUNITY_DESCRIPTIVE = {"name", "address", "latitude", "longitude", "land_area", "built_area", "year_built"}


def community_create(*, actor: Actor, name: str, code: str, **fields) -> Community:
    if not actor.is_admin:
        raise PermissionDenied()
    return record_create(actor=actor, instance=Community(name=name, code=code, **fields), action="community.create",
                         community_id=None)


def community_update(*, actor: Actor, community: Community, changes: dict) -> Community:
    actor.require("estates.manage", community)
    if not actor.is_admin and set(changes) - COMMUNITY_DESCRIPTIVE:
        raise PermissionDenied(_("服务企业、编码与合同只能由平台管理员调整。"))
    return record_update(actor=actor, instance=community, changes=changes, action="community.update",
                         community_id=community.pk)


# Zones and buildings ----------------------------------------------------------------------

def zone_create(*, actor: Actor, community: Community, name: str, parent: Zone | None = None, **fields) -> Zone:
    actor.require("estates.manage", community)
    same_community(community.pk, parent=parent)
    return record_create(actor=actor, instance=Zone(community=community, name=name, parent=parent, **fields),
                         action="zone.create")


def zone_update(*, actor: Actor, zone: Zone, changes: dict) -> Zone:
    actor.require("estates.manage", zone.community_id)
    changes.pop("community", None)
    parent = changes.get("parent")
    same_community(zone.community_id, parent=parent)
    while parent is not None:
        if parent.pk == zone.pk:
            raise ValidationFailed(fields={"parent": [_("分区不能隶属于自身或其下级。")]})
        parent = parent.parent
    return record_update(actor=actor, instance=zone, changes=changes, action="zone.update")


def building_create(*, actor: Actor, community: Community, name: str, zone: Zone | None = None, **fields) -> Building:
    actor.require("estates.manage", community)
    same_community(community.pk, zone=zone)
    return record_create(actor=actor, instance=Building(community=community, zone=zone, name=name, **fields),
                         action="building.create")


def building_update(*, actor: Actor, building: Building, changes: dict) -> Building:
    actor.require("estates.manage", building.community_id)
    changes.pop("community", None)
    same_community(building.community_id, zone=changes.get("zone"))
    return record_update(actor=actor, instance=building, changes=changes, action="building.update")


# Units ------------------------------------------------------------------------------------

def _check_unit_areas(unit: Unit) -> None:
    if unit.exclusive_area is None:
        unit.exclusive_area = unit.area
    if unit.area is not None and unit.exclusive_area > unit.area:
        raise ValidationFailed(fields={"exclusive_area": [_("专有部分面积不能大于建筑面积。")]})
    if unit.area is not None and unit.area <= 0:
        raise ValidationFailed(fields={"area": [_("建筑面积必须大于 0。")]})


def unit_create(*, actor: Actor, building: Building, number: str, area, exclusive_area=None, **fields) -> Unit:
    actor.require("estates.manage", building.community_id)
    unit = Unit(community_id=building.community_id, building=building, number=number, area=area,
                exclusive_area=exclusive_area, **fields)
    _check_unit_areas(unit)
    return record_create(actor=actor, instance=unit, action="unit.create")


def unit_update(*, actor: Actor, unit: Unit, changes: dict) -> Unit:
    actor.require("estates.manage", unit.community_id)
    building = changes.get("building")
    if building is not None:
        same_community(unit.community_id, building=building)
    if "area" in changes and "exclusive_area" not in changes and unit.exclusive_area == unit.area:
        changes["exclusive_area"] = changes["area"]
    for name in ("area", "exclusive_area"):
        if name in changes:
            setattr(unit, name, changes[name])
    _check_unit_areas(unit)
    return record_update(actor=actor, instance=unit, changes=changes, action="unit.update")


# Owners and ownerships --------------------------------------------------------------------

def _check_owner_login(*, actor: Actor, community_id: int, owner: Owner | None, user) -> None:
    """Linking a login to an owner record (DESIGN §5 v1.1) lets that login read the owner's units,
    pay and vote as them. So a manager may link only a plain login — one without any role, never
    their own or a colleague's — and one login is one owner per community (Civil Code Art. 278 counts
    an owner once). The platform admin may link any login."""
    if user is None:
        return
    if not actor.is_admin and (user.is_superuser or user.is_staff or user.memberships.exists()):
        raise ValidationFailed(fields={"user": [_("只能关联没有任何岗位或角色的业主账号。")]})
    others = Owner.objects.filter(community_id=community_id, user=user)
    if owner is not None:
        others = others.exclude(pk=owner.pk)
    if others.exists():
        raise ValidationFailed(fields={"user": [_("该账号已关联本小区的另一位业主。")]})


def owner_create(*, actor: Actor, community: Community, name: str, kind: str = Owner.Kind.PERSON, phone: str = "",
                 id_number: str = "", **fields) -> Owner:
    actor.require("estates.manage", community)
    _check_owner_login(actor=actor, community_id=community.pk, owner=None, user=fields.get("user"))
    owner = Owner(community=community, name=name.strip(), kind=kind, phone=clean_phone(phone),
                  id_number=clean_id_number(id_number, kind), **fields)
    return record_create(actor=actor, instance=owner, action="owner.create",
                         data={"name": owner.name, "kind": kind, "is_developer": owner.is_developer,
                               "user": owner.user_id})


def owner_update(*, actor: Actor, owner: Owner, changes: dict) -> Owner:
    changes.pop("community", None)
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    if "id_number" in changes:
        changes["id_number"] = clean_id_number(changes["id_number"], changes.get("kind", owner.kind))
    own_contact_only = owner.pk in actor.owner_ids and set(changes) <= {"phone"}
    if not own_contact_only:
        actor.require("estates.manage", owner.community_id)
    if "user" in changes:
        _check_owner_login(actor=actor, community_id=owner.community_id, owner=owner, user=changes["user"])
    return record_update(actor=actor, instance=owner, changes=changes, action="owner.update")


def _set_voter(ownership: Ownership) -> None:
    Ownership.objects.filter(unit_id=ownership.unit_id, is_voter=True).exclude(pk=ownership.pk).update(is_voter=False)


def ownership_create(*, actor: Actor, owner: Owner, unit: Unit, is_voter: bool | None = None,
                     since: dt.date | None = None) -> Ownership:
    actor.require("estates.manage", unit.community_id)
    same_community(unit.community_id, owner=owner)
    with transaction.atomic():
        first = not Ownership.objects.select_for_update().filter(unit=unit).exists()
        ownership = Ownership(owner=owner, unit=unit, is_voter=first if is_voter is None else is_voter, since=since)
        if ownership.is_voter:
            _set_voter(ownership)
        return record_create(actor=actor, instance=ownership, action="ownership.create",
                             community_id=unit.community_id)


def ownership_update(*, actor: Actor, ownership: Ownership, changes: dict) -> Ownership:
    """Only the designated voter and the date can change; a transfer ends one title and starts another."""
    actor.require("estates.manage", ownership.unit.community_id)
    changes = {k: v for k, v in changes.items() if k in {"is_voter", "since"}}
    with transaction.atomic():
        if changes.get("is_voter"):
            _set_voter(ownership)
        return record_update(actor=actor, instance=ownership, changes=changes, action="ownership.update",
                             community_id=ownership.unit.community_id)


def ownership_end(*, actor: Actor, ownership: Ownership) -> None:
    """A title ends (sale, inheritance). The audit log keeps what it was."""
    actor.require("estates.manage", ownership.unit.community_id)
    with transaction.atomic():
        audit_record(actor=actor, action="ownership.end", target=ownership, community_id=ownership.unit.community_id,
                     data={"owner": ownership.owner_id, "unit": ownership.unit_id, "is_voter": ownership.is_voter})
        unit_id, was_voter = ownership.unit_id, ownership.is_voter
        ownership.delete()
        if was_voter:
            successor = Ownership.objects.filter(unit_id=unit_id).order_by("id").first()
            if successor:
                successor.is_voter = True
                successor.save(update_fields=["is_voter"])


# Residents, parking, premises -------------------------------------------------------------

def resident_manage_allowed(actor: Actor, unit: Unit) -> bool:
    """Family members and tenants are kept by staff, or by an owner of that very unit."""
    return unit.pk in actor.owned_unit_ids or actor.can("estates.residents", unit.community_id)


def resident_create(*, actor: Actor, unit: Unit, name: str, relation: str = Resident.Relation.FAMILY,
                    phone: str = "", id_number: str = "", **fields) -> Resident:
    if not resident_manage_allowed(actor, unit):
        raise PermissionDenied()
    resident = Resident(unit=unit, name=name.strip(), relation=relation, phone=clean_phone(phone),
                        id_number=clean_id_number(id_number), **fields)
    return record_create(actor=actor, instance=resident, action="resident.create", community_id=unit.community_id,
                         data={"unit": unit.pk, "name": resident.name, "relation": relation})


def resident_update(*, actor: Actor, resident: Resident, changes: dict) -> Resident:
    unit = resident.unit
    if not resident_manage_allowed(actor, unit):
        raise PermissionDenied()
    changes.pop("unit", None)
    if "phone" in changes:
        changes["phone"] = clean_phone(changes["phone"])
    if "id_number" in changes:
        changes["id_number"] = clean_id_number(changes["id_number"])
    return record_update(actor=actor, instance=resident, changes=changes, action="resident.update",
                         community_id=unit.community_id)


def parking_space_create(*, actor: Actor, community: Community, code: str, unit: Unit | None = None,
                         zone: Zone | None = None, **fields) -> ParkingSpace:
    actor.require("estates.manage", community)
    same_community(community.pk, unit=unit, zone=zone)
    return record_create(actor=actor, instance=ParkingSpace(community=community, code=code, unit=unit, zone=zone, **fields),
                         action="parking_space.create")


def parking_space_update(*, actor: Actor, parking_space: ParkingSpace, changes: dict) -> ParkingSpace:
    actor.require("estates.manage", parking_space.community_id)
    changes.pop("community", None)
    same_community(parking_space.community_id, unit=changes.get("unit"), zone=changes.get("zone"))
    return record_update(actor=actor, instance=parking_space, changes=changes, action="parking_space.update")


def premises_create(*, actor: Actor, community: Community, code: str, name: str, area, zone: Zone | None = None,
                    **fields) -> Premises:
    actor.require("estates.manage", community)
    same_community(community.pk, zone=zone)
    return record_create(actor=actor, instance=Premises(community=community, code=code, name=name, area=area, zone=zone,
                                                        **fields), action="premises.create")


def premises_update(*, actor: Actor, premises: Premises, changes: dict) -> Premises:
    actor.require("estates.manage", premises.community_id)
    changes.pop("community", None)
    same_community(premises.community_id, zone=changes.get("zone"))
    return record_update(actor=actor, instance=premises, changes=changes, action="premises.update")


# Owner accounts ---------------------------------------------------------------------------

def _hash_code(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def owner_invite(*, actor: Actor, owner: Owner, send_sms: bool = False) -> tuple[OwnerInvitation, str]:
    """Issue a one-time code for an owner to open their account. Returns the code once, to be
    printed on a notice or sent by SMS through the notification provider."""
    actor.require("estates.manage", owner.community_id)
    if owner.user_id:
        raise ValidationFailed(_("该业主已开通账号。"), code="already_bound")
    if send_sms and not owner.phone:
        raise ValidationFailed(_("该业主没有登记手机号，无法发送短信，请打印通知。"), fields={"phone": [_("缺少手机号。")]})
    code = "-".join(secrets.token_hex(2).upper() for _ in range(3))
    with transaction.atomic():
        OwnerInvitation.objects.filter(owner=owner, used_at__isnull=True).update(expires_at=timezone.now())
        invitation = OwnerInvitation.objects.create(
            owner=owner, code_hash=_hash_code(code), created_by=actor.user,
            expires_at=timezone.now() + dt.timedelta(days=INVITATION_DAYS),
            sent_to=owner.phone if send_sms else "",
        )
        audit_record(actor=actor, action="owner.invite", target=invitation, community_id=owner.community_id,
                     data={"owner": owner.pk, "sms": send_sms})
        if send_sms:
            body = _("【邻里】%(community)s业主%(name)s您好，您的开户邀请码为 %(code)s，%(days)s天内有效。") % {
                "community": owner.community.name, "name": owner.name, "code": code, "days": INVITATION_DAYS}
            phone = owner.phone
            transaction.on_commit(lambda: notification_provider().send(channel="sms", recipient=phone, body=body))
    return invitation, code


def owner_invitation_redeem(*, code: str, username: str, password: str):
    """An owner opens their account with the code: a new login bound to the owner record."""
    from linli.orgs.models import User
    from linli.orgs.services import validate_new_password

    with transaction.atomic():
        invitation = (
            OwnerInvitation.objects.select_for_update().select_related("owner")
            .filter(code_hash=_hash_code(code), used_at__isnull=True, expires_at__gt=timezone.now()).first()
        )
        if invitation is None:
            raise ValidationFailed(_("邀请码无效或已过期。"), fields={"code": [_("邀请码无效或已过期。")]})
        owner = invitation.owner
        if User.objects.filter(username=username).exists():
            raise ValidationFailed(_("该用户名已被使用。"), fields={"username": [_("该用户名已被使用。")]})
        user = User(username=username, display_name=owner.name, phone=owner.phone)
        validate_new_password(password, user)
        user.set_password(password)
        full_clean_or_fail(user)
        user.save()
        owner.user = user
        owner.save(update_fields=["user", "updated_at"])
        invitation.used_at = timezone.now()
        invitation.save(update_fields=["used_at", "updated_at"])
        audit_record(actor=user, action="owner.account_open", target=owner, community_id=owner.community_id,
                     data={"username": username})
    return user


def _check_proof(proof) -> None:
    if proof is None:
        raise ValidationFailed(fields={"proof": [_("请上传房产证、购房合同等证明材料。")]})
    check_upload(proof, field="proof", what=_("证明材料"), kinds=DOCUMENTS)


def binding_request_create(*, actor: Actor, community: Community, building_name: str, unit_number: str, name: str,
                           proof, phone: str = "", id_number: str = "") -> BindingRequest:
    """A signed-in person asks to be bound to a unit as its owner, with proof of title."""
    if not actor.is_authenticated:
        raise PermissionDenied()
    unit = Unit.objects.filter(community=community, building__name=building_name.strip(),
                               number=unit_number.strip()).first()
    if unit is None:
        raise ValidationFailed(_("未找到该房屋，请核对楼栋和房号。"), fields={"unit_number": [_("未找到该房屋。")]})
    if BindingRequest.objects.filter(user=actor.user, unit=unit, status=BindingRequest.Status.PENDING).exists():
        raise ValidationFailed(_("您已提交过该房屋的绑定申请，请等待审核。"), code="duplicate")
    _check_proof(proof)
    request = BindingRequest(user=actor.user, unit=unit, name=name.strip(), phone=clean_phone(phone),
                             id_number=clean_id_number(id_number), proof=proof)
    return record_create(actor=actor, instance=request, action="binding.request", community_id=unit.community_id,
                         data={"unit": unit.pk, "name": request.name})


def binding_request_review(*, actor: Actor, binding: BindingRequest, approve: bool, note: str = "",
                           owner: Owner | None = None) -> BindingRequest:
    """Staff approve (binding the login to the unit's owner record, or to a new one) or reject."""
    unit = binding.unit
    actor.require("estates.review_binding", unit.community_id)
    if binding.status != BindingRequest.Status.PENDING:
        raise ValidationFailed(_("该申请已处理。"), code="already_reviewed")
    if not approve and not note.strip():
        raise ValidationFailed(fields={"note": [_("驳回时请填写原因。")]})
    with transaction.atomic():
        if approve:
            if owner is None:
                owner = Owner.objects.filter(ownerships__unit=unit, name=binding.name, user__isnull=True).first()
            if owner is None:
                owner = Owner.objects.create(community_id=unit.community_id, name=binding.name, phone=binding.phone,
                                             id_number=binding.id_number)
                Ownership.objects.create(owner=owner, unit=unit, is_voter=not unit.ownerships.exists())
            elif not owner.ownerships.filter(unit=unit).exists():
                raise NotFound()
            if owner.user_id and owner.user_id != binding.user_id:
                raise ValidationFailed(_("该业主已绑定其他账号。"), code="already_bound")
            owner.user = binding.user
            owner.save(update_fields=["user", "updated_at"])
        binding.status = BindingRequest.Status.APPROVED if approve else BindingRequest.Status.REJECTED
        binding.reviewed_by = actor.user
        binding.review_note = note
        binding.save(update_fields=["status", "reviewed_by", "review_note", "updated_at"])
        audit_record(actor=actor, action="binding.approve" if approve else "binding.reject", target=binding,
                     community_id=unit.community_id, data={"owner": getattr(owner, "pk", None), "note": note})
    return binding
