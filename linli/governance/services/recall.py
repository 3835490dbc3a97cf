"""Recall of committee members (篇四 §一.7(7)): owners sign a petition; when the signers hold 20%
or more of the community's exclusive area, a recall motion is placed on the next assembly. What a
passed recall does is carried out when the assembly's result is published (committees.py)."""

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.money import percent
from linli.core.services import record_create
from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner

from .. import tally
from ..models import RecallPetition, RecallSignature
from ..roll import roll_compute, voter_key
from .assemblies import next_assembly, recall_motion_place
from .committees import current_committee
from .common import append_audited


def _speaks_for_owners(actor: Actor, community_id: int) -> bool:
    """Besides owners acting for themselves, the regulators who supervise the committee enter
    paper petitions; the committee, whose members are the ones recalled, does not."""
    return actor.can("governance.supervise", community_id)


def recall_petition_create(*, actor: Actor, community: Community, members, reason: str) -> RecallPetition:
    owner_here = Owner.objects.filter(pk__in=actor.owner_ids, community=community).exists()
    if not (owner_here or _speaks_for_owners(actor, community.pk)):
        raise PermissionDenied()
    committee = current_committee(community.pk)
    if committee is None:
        raise ValidationFailed(_("该小区没有在任的业主委员会。"), code="no_committee")
    members = list(members)
    sitting = set(committee.members.filter(left_on__isnull=True).values_list("id", flat=True))
    if not members or not {m.pk for m in members} <= sitting:
        raise ValidationFailed(fields={"members": [_("请选择在任的业主委员会委员。")]})
    if not reason.strip():
        raise ValidationFailed(fields={"reason": [_("请写明罢免理由。")]})
    with transaction.atomic():
        petition = record_create(actor=actor, action="recall.create",
                                 instance=RecallPetition(community=community, committee=committee, reason=reason.strip(),
                                                         created_by=actor.user),
                                 data={"members": [m.pk for m in members], "reason": reason.strip()})
        petition.members.set(members)
    return petition


def recall_sign(*, actor: Actor, petition: RecallPetition, owner: Owner) -> RecallSignature:
    """One owner's signature, counted once with the area of the units they vote for."""
    if owner.pk not in actor.owner_ids and not _speaks_for_owners(actor, petition.community_id):
        raise PermissionDenied(_("只能由业主本人签名，或由社区居委会、街道办事处录入书面签名。"))
    voters = roll_compute(community_id=petition.community_id)
    key = voter_key(owner)
    voter = next((v for v in voters if v.owner_id == key), None)
    if voter is None:
        raise ValidationFailed(_("该业主名下没有本小区的房屋。"), code="not_on_roll")
    try:
        with transaction.atomic():
            petition = RecallPetition.objects.select_for_update().get(pk=petition.pk)
            if petition.status != RecallPetition.Status.COLLECTING:
                raise ValidationFailed(_("该罢免提议已达到比例，不再征集签名。"), code="closed")
            if petition.signatures.filter(owner_id=key).exists():
                raise Conflict(_("该业主已签名。"), code="already_signed")
            signature = RecallSignature(petition=petition, owner_id=key, area=voter.area, signed_at=timezone.now(),
                                        entered_by=actor.user)
            append_audited(actor=actor, instances=[signature], action="recall.sign",
                           community_id=petition.community_id)
            signed = sum(petition.signatures.values_list("area", flat=True), tally.ZERO)
            total = sum((v.area for v in voters), tally.ZERO)
            if tally.recall_qualifies(signed_area=signed, total_area=total):
                petition.status = RecallPetition.Status.QUALIFIED
                petition.qualified_at = timezone.now()
                petition.save(update_fields=["status", "qualified_at", "updated_at"])
                audit_record(actor=actor, action="recall.qualify", target=petition,
                             community_id=petition.community_id,
                             data={"signed_area": str(signed), "total_area": str(total)})
                assembly = next_assembly(petition.community_id)
                if assembly is not None:
                    recall_motion_place(petition=petition, assembly=assembly)
    except IntegrityError as exc:
        raise Conflict(_("该业主已签名。"), code="already_signed") from exc
    return signature


def recall_progress(petition: RecallPetition) -> dict:
    """Signed area against the community's exclusive area, for the pages."""
    voters = roll_compute(community_id=petition.community_id)
    total = sum((v.area for v in voters), tally.ZERO)
    signed = sum(petition.signatures.values_list("area", flat=True), tally.ZERO)
    return {"signed_area": signed, "total_area": total, "signatures": petition.signatures.count(),
            "percent": percent(signed, total), "qualified": tally.recall_qualifies(signed_area=signed,
                                                                                        total_area=total)}

