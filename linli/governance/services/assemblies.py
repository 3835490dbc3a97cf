"""Assemblies of the owners (业主大会会议): notice, motions, proxies, sign-in, votes, results.

Voting on an assembly's motions opens at `opens_at` (empty: at once) — that is when the roll is
snapshotted — and ends at `closes_at` (empty: when the committee closes it). Results are
published once voting has ended; owners see them from then on."""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from linli.core.notify import notify_users
from linli.core.services import record_create
from linli.core.tenancy import Actor, SystemActor
from linli.core.uploads import DOCUMENTS, check_upload
from linli.estates.models import Community, Owner, Unit
from linli.orgs.models import User

from .. import tally
from ..models import Assembly, Matter, Motion, PrepGroup, Proxy, RecallPetition, Roll, SignIn, Vote
from ..roll import roll_compute, roll_entry_for, roll_snapshot
from .committees import recall_carry_out
from .common import acting_channel, append_audited, can_run, require_run, window_check


def _owner_users(community_id: int, unit_ids=None):
    owners = Owner.objects.filter(community_id=community_id, user__isnull=False)
    if unit_ids is not None:
        owners = owners.filter(ownerships__unit_id__in=list(unit_ids))
    return User.objects.filter(pk__in=owners.values("user_id"))


def notify_owners(community_id: int, *, title: str = "", body: str = "", url: str = "", unit_ids=None,
                  key: str = "", params: dict | None = None) -> None:
    """Tell the owners with a login, after the commit (a notice must never announce a rollback);
    with a `key`, in each owner's language (linli.core.sentences)."""
    transaction.on_commit(lambda: notify_users(_owner_users(community_id, unit_ids), title=title, body=body, url=url,
                                               key=key, params=params))


# Assemblies -------------------------------------------------------------------------------

def assembly_create(*, actor: Actor, community: Community, title: str, form: str = Assembly.Form.WRITTEN,
                    opens_at=None, closes_at=None, place: str = "", notice: str = "",
                    prep_group: PrepGroup | None = None) -> Assembly:
    require_run(actor, community.pk)
    if opens_at and closes_at and closes_at <= opens_at:
        raise ValidationFailed(fields={"closes_at": [_("表决截止时间必须晚于开始时间。")]})
    if closes_at and closes_at <= timezone.now():
        raise ValidationFailed(fields={"closes_at": [_("表决截止时间必须晚于现在。")]})
    if prep_group is not None and prep_group.community_id != community.pk:
        raise ValidationFailed(fields={"prep_group": [_("必须属于同一个小区。")]})
    with transaction.atomic():
        assembly = record_create(
            actor=actor, action="assembly.create",
            instance=Assembly(community=community, title=title, form=form, opens_at=opens_at, closes_at=closes_at,
                              place=place, notice=notice, prep_group=prep_group),
        )
        for petition in RecallPetition.objects.select_for_update().filter(
            community=community, status=RecallPetition.Status.QUALIFIED
        ):
            recall_motion_place(petition=petition, assembly=assembly)
        if opens_at is None or opens_at <= timezone.now():
            assembly_open_now(actor=actor, assembly=assembly)
        notify_owners(community.pk, key="governance.assembly_notice", params={"title": title, "notice": notice or title},
                      url=f"/governance/assemblies/{assembly.pk}/")
    return assembly


def _lock(assembly: Assembly) -> Assembly:
    return Assembly.objects.select_for_update().get(pk=assembly.pk)


def assembly_open_now(*, actor, assembly: Assembly) -> Assembly:
    """Open voting: snapshot the community's roll, and each scoped motion's own. Caller holds the lock."""
    assembly.roll = roll_snapshot(community_id=assembly.community_id)
    assembly.opened_at = timezone.now()
    assembly.save(update_fields=["roll", "opened_at", "updated_at"])
    for motion in assembly.motions.filter(roll__isnull=True).exclude(scope_units=[]):
        _motion_roll_take(motion)
    audit_record(actor=actor, action="assembly.open", target=assembly, community_id=assembly.community_id,
                 data={"roll": roll_record(assembly.roll)})
    return assembly


def roll_record(roll: Roll) -> dict:
    """What the audit keeps of a snapshot: its totals and a digest of every entry."""
    entries = list(roll.entries.order_by("owner_id").values_list("owner_id", "area", "units"))
    digest = hashlib.sha256(json.dumps([[o, str(a), u] for o, a, u in entries]).encode()).hexdigest()
    return {"id": roll.pk, "total_owners": roll.total_owners, "total_area": str(roll.total_area), "digest": digest}


def _motion_roll_take(motion: Motion) -> None:
    motion.roll = roll_snapshot(community_id=motion.assembly.community_id, unit_ids=motion.scope_units)
    motion.save(update_fields=["roll", "updated_at"])


def assembly_open(*, actor: Actor, assembly: Assembly) -> Assembly:
    """Open voting by hand (or from the scheduler) once `opens_at` has come."""
    require_run(actor, assembly.community_id)
    with transaction.atomic():
        assembly = _lock(assembly)
        if assembly.opened_at is None:
            window_check(starts=assembly.opens_at)
            assembly_open_now(actor=actor, assembly=assembly)
    return assembly


def assemblies_open_due() -> list[Assembly]:
    """Open every assembly whose `opens_at` has come (the scheduler calls this every few minutes)."""
    opened = []
    for assembly in Assembly.objects.filter(opened_at__isnull=True, opens_at__lte=timezone.now()):
        with transaction.atomic():
            assembly = _lock(assembly)
            if assembly.opened_at is None:
                opened.append(assembly_open_now(actor=SystemActor(), assembly=assembly))
    return opened


def _voting_assembly(assembly: Assembly, now=None) -> Assembly:
    """The locked assembly, opened first if its time has come; refuses outside the voting window.
    A caller that records the moment of the act passes it as `now` (see window_check)."""
    assembly = _lock(assembly)
    if assembly.opened_at is None:
        window_check(starts=assembly.opens_at, now=now)
        assembly_open_now(actor=SystemActor(), assembly=assembly)
    if assembly.closed_at is not None:
        raise ValidationFailed(_("本次业主大会表决已结束。"), code="closed")
    window_check(ends=assembly.closes_at, now=now)
    return assembly


def assembly_close(*, actor: Actor, assembly: Assembly) -> Assembly:
    require_run(actor, assembly.community_id)
    with transaction.atomic():
        assembly = _lock(assembly)
        if assembly.opened_at is None:
            raise ValidationFailed(_("表决尚未开始。"), code="not_open")
        if assembly.closed_at is None:
            assembly.closed_at = timezone.now()
            assembly.save(update_fields=["closed_at", "updated_at"])
            audit_record(actor=actor, action="assembly.close", target=assembly, community_id=assembly.community_id)
    return assembly


def voting_ended(assembly: Assembly) -> bool:
    return assembly.closed_at is not None or (assembly.closes_at is not None and assembly.closes_at <= timezone.now())


def assembly_publish(*, actor: Actor, assembly: Assembly) -> Assembly:
    """Publish every motion's result to the owners. The stored result carries a digest of the
    ballots it was counted from, so a recount can show it was reproduced from the same ballots."""
    require_run(actor, assembly.community_id)
    with transaction.atomic():
        assembly = _lock(assembly)
        if assembly.opened_at is None or not voting_ended(assembly):
            raise ValidationFailed(_("表决结束后才能公布结果。"), code="not_closed")
        if assembly.published_at is not None:
            return assembly
        now = timezone.now()
        assembly.closed_at = assembly.closed_at or now
        assembly.published_at = now
        assembly.save(update_fields=["closed_at", "published_at", "updated_at"])
        results = {}
        for motion in assembly.motions.select_related("roll"):
            motion.result = motion_count(motion, detailed=True)
            motion.save(update_fields=["result", "updated_at"])
            results[motion.pk] = motion.result
        audit_record(actor=actor, action="assembly.publish", target=assembly, community_id=assembly.community_id,
                     data={"results": results})
        # A recall takes effect on the day its result is published (DESIGN §6 "Recall").
        for petition in RecallPetition.objects.filter(motion__assembly=assembly):
            recall_carry_out(actor=actor, petition=petition, passed=results[petition.motion_id]["passed"],
                             on=timezone.localdate(now))
        notify_owners(assembly.community_id, key="governance.assembly_result", params={"title": assembly.title},
                      url=f"/governance/assemblies/{assembly.pk}/")
    return assembly


# Motions ----------------------------------------------------------------------------------

def motion_create(*, actor: Actor, assembly: Assembly, title: str, matter: str, description: str = "",
                  position: int | None = None, scope_units=None) -> Motion:
    require_run(actor, assembly.community_id)
    return _motion_add(actor=actor, assembly=assembly, title=title, matter=matter, description=description,
                       position=position, scope_units=scope_units)


def _motion_add(*, actor, assembly: Assembly, title: str, matter: str, description: str = "",
                position: int | None = None, scope_units=None) -> Motion:
    unit_ids = sorted({getattr(u, "pk", u) for u in scope_units or []})
    if unit_ids and Unit.objects.filter(pk__in=unit_ids, community_id=assembly.community_id).count() != len(unit_ids):
        raise ValidationFailed(fields={"scope_units": [_("必须属于同一个小区。")]})
    with transaction.atomic():
        assembly = _lock(assembly)
        if assembly.closed_at is not None or voting_ended(assembly):
            raise ValidationFailed(_("本次业主大会表决已结束，不能再增加议题。"), code="closed")
        if position is None:
            position = assembly.motions.count() + 1
        motion = record_create(
            actor=actor, action="motion.create", community_id=assembly.community_id,
            instance=Motion(assembly=assembly, title=title, matter=matter, description=description,
                            position=position, scope_units=unit_ids),
        )
        if unit_ids and assembly.opened_at is not None:
            _motion_roll_take(motion)
    return motion


def motion_roll(motion: Motion) -> Roll | None:
    return motion.roll if motion.scope_units else motion.assembly.roll


def motion_votes(motion: Motion) -> list[tuple[str, object]]:
    return list(motion.votes.values_list("choice", "entry__area"))


def motion_count(motion: Motion, *, detailed: bool = False, votes=None) -> dict:
    """The result from the stored votes (or the given ones) and the motion's roll. Before voting
    opens there is no roll yet: the totals are then the registry's as it stands."""
    roll = motion_roll(motion)
    if roll is None:
        voters = roll_compute(community_id=motion.assembly.community_id,
                              unit_ids=motion.scope_units or None)
        total_owners, total_area = len(voters), sum((v.area for v in voters), tally.ZERO)
    else:
        total_owners, total_area = roll.total_owners, roll.total_area
    votes = motion_votes(motion) if votes is None else votes
    result = tally.motion_result(matter=motion.matter, total_owners=total_owners, total_area=total_area, votes=votes)
    if detailed:
        result.update(tally.motion_breakdown(votes))
        result["roll"] = getattr(roll, "pk", None)
        result["ballots_digest"] = votes_digest(motion)
    return result


def votes_digest(motion: Motion) -> str:
    rows = list(motion.votes.order_by("id").values_list("id", "entry_id", "owner_id", "choice"))
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


def motion_result_for(*, actor: Actor, motion: Motion) -> dict:
    """The result as the API shows it: owners see it once published; the committee, the
    regulators and the preparation group follow the count while the vote runs."""
    if motion.result is not None:
        return {key: motion.result[key] for key in tally.MOTION_RESULT_KEYS}
    if not can_run(actor, motion.assembly.community_id):
        raise PermissionDenied(_("表决结果公布前只有业主委员会可以查看。"), code="not_published")
    return motion_count(motion)


# Proxies, sign-in, votes ------------------------------------------------------------------

def _check_document(document) -> str:
    if document is None:
        raise ValidationFailed(fields={"document": [_("请上传书面委托书。")]})
    check_upload(document, field="document", what=_("委托书"), kinds=DOCUMENTS)
    digest = hashlib.sha256()
    for chunk in document.chunks():
        digest.update(chunk)
    document.seek(0)
    return digest.hexdigest()


def proxy_record(*, actor: Actor, principal: Owner, holder_name: str, scope: str, document,
                 holder_owner: Owner | None = None, assembly: Assembly | None = None, motion: Motion | None = None,
                 election=None) -> Proxy:
    """Register a written proxy handed to the committee or the preparation group."""
    community_id = principal.community_id
    require_run(actor, community_id)
    # A proxy covers exactly what its scope names: keep that one reference, drop any other.
    if scope == Proxy.Scope.ASSEMBLY:
        motion = election = None
    elif scope == Proxy.Scope.MOTION:
        assembly, election = (motion.assembly if motion is not None else None), None
    elif scope == Proxy.Scope.ELECTION:
        assembly = motion = None
    target = {Proxy.Scope.ASSEMBLY: assembly, Proxy.Scope.MOTION: motion, Proxy.Scope.ELECTION: election}.get(scope)
    if target is None:
        raise ValidationFailed(fields={scope if scope in Proxy.Scope.values else "scope": [
            _("请指明委托的业主大会、议题或选举。")]})
    if community_id != target.community_id or (holder_owner is not None and holder_owner.community_id != community_id):
        raise ValidationFailed(fields={"principal": [_("必须属于同一个小区。")]})
    if holder_owner is not None and holder_owner.pk == principal.pk:
        raise ValidationFailed(fields={"holder_owner": [_("不能委托本人。")]})
    holder_name = holder_name.strip() or (holder_owner.name if holder_owner is not None else "")
    if not holder_name:
        raise ValidationFailed(fields={"holder_name": [_("请填写受托人。")]})
    sha256 = _check_document(document)
    proxy = Proxy(community_id=community_id, principal=principal, holder_name=holder_name,
                  holder_owner=holder_owner, scope=scope, assembly=assembly, motion=motion, election=election,
                  document=document, document_sha256=sha256, created_at=timezone.now(), created_by=actor.user)
    with transaction.atomic():
        append_audited(actor=actor, instances=[proxy], action="proxy.record", community_id=community_id)
    return proxy


def proxy_check(proxy: Proxy | None, owner: Owner, *, motion: Motion | None = None, assembly=None,
                election=None) -> None:
    """A proxy used on a vote must be the owner's own, for this motion, assembly or election."""
    if proxy is None:
        return
    covers = (
        (motion is not None and (proxy.motion_id == motion.pk or (proxy.scope == Proxy.Scope.ASSEMBLY
                                                                  and proxy.assembly_id == motion.assembly_id)))
        or (assembly is not None and proxy.assembly_id == assembly.pk)
        or (election is not None and proxy.election_id == election.pk)
    )
    if proxy.principal_id != owner.pk or not covers:
        raise ValidationFailed(fields={"proxy": [_("该委托书不是这位业主对本次表决的委托。")]})


def sign_in_record(*, actor: Actor, assembly: Assembly, owner: Owner, proxy: Proxy | None = None) -> SignIn:
    """An owner (or their proxy holder) signs in at an assembly held as a meeting."""
    require_run(actor, assembly.community_id)
    if owner.community_id != assembly.community_id:
        raise NotFound()
    proxy_check(proxy, owner, assembly=assembly)
    try:
        with transaction.atomic():
            assembly = _lock(assembly)
            if SignIn.objects.filter(assembly=assembly, owner=owner).exists():
                raise Conflict(_("该业主已签到。"), code="already_signed_in")
            sign_in = SignIn(assembly=assembly, owner=owner, proxy=proxy, at=timezone.now(), entered_by=actor.user)
            append_audited(actor=actor, instances=[sign_in], action="assembly.sign_in",
                           community_id=assembly.community_id)
    except IntegrityError as exc:
        raise Conflict(_("该业主已签到。"), code="already_signed_in") from exc
    return sign_in


def vote_cast(*, actor: Actor, motion: Motion, owner: Owner, choice: str, proxy: Proxy | None = None) -> Vote:
    """One owner's vote on one motion: by the owner on the portal, or entered by a teller from a
    paper ballot (and then possibly cast by a proxy holder). One vote per owner per motion: the
    assembly row is locked while we look, and a unique constraint backs the look up."""
    community_id = motion.assembly.community_id
    channel = acting_channel(actor, owner, community_id)
    if choice not in Vote.Choice.values:
        raise ValidationFailed(fields={"choice": [_("表决意见无效。")]})
    if proxy is not None and channel != Vote.Channel.PAPER:
        raise ValidationFailed(fields={"proxy": [_("委托投票由计票人员录入。")]})
    proxy_check(proxy, owner, motion=motion)
    try:
        with transaction.atomic():
            cast_at = timezone.now()
            _voting_assembly(motion.assembly, now=cast_at)
            motion = Motion.objects.select_related("assembly__roll", "roll").get(pk=motion.pk)
            roll = motion_roll(motion)
            entry = roll_entry_for(roll, owner)
            if entry is None:
                raise ValidationFailed(
                    _("该业主不在本议题的表决名册中（共有房屋由指定的表决代表投票）。"), code="not_on_roll",
                    fields={"owner": [_("不在表决名册中。")]},
                )
            if Vote.objects.filter(motion=motion, entry=entry).exists():
                raise Conflict(_("该业主已对本议题表决，表决票不能更改。"), code="already_voted")
            vote = Vote(motion=motion, entry=entry, owner=owner, choice=choice, channel=channel, proxy=proxy,
                        entered_by=actor.user, cast_at=cast_at)
            append_audited(actor=actor, instances=[vote], action="vote.cast", community_id=community_id)
    except IntegrityError as exc:
        raise Conflict(_("该业主已对本议题表决，表决票不能更改。"), code="already_voted") from exc
    return vote


# Recall motions ---------------------------------------------------------------------------

def next_assembly(community_id: int) -> Assembly | None:
    """The next assembly to meet: the earliest one whose voting has not begun."""
    return (Assembly.objects.filter(community_id=community_id, opened_at__isnull=True)
            .order_by("opens_at", "id").first())


def recall_motion_place(*, petition: RecallPetition, assembly: Assembly) -> Motion:
    names = "、".join(m.owner.name for m in petition.members.select_related("owner"))
    motion = _motion_add(actor=SystemActor(), assembly=assembly, matter=Matter.ELECTION,
                         title=_("罢免业主委员会委员：%(names)s") % {"names": names}, description=petition.reason)
    petition.motion = motion
    petition.status = RecallPetition.Status.PLACED
    petition.save(update_fields=["motion", "status", "updated_at"])
    audit_record(actor=SystemActor(), action="recall.place", target=petition, community_id=petition.community_id,
                 data={"motion": motion.pk, "assembly": assembly.pk})
    return motion

