"""Appending to and verifying the hash chain of the audit log.

Each link is an HMAC-SHA256 under a key kept outside the database (LINLI_AUDIT_KEY, DESIGN §5
v1.1): whoever can rewrite rows can recompute plain hashes, but not these."""

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import AuditEvent, AuditHead

GENESIS = "0" * 64


def _canonical(event: AuditEvent) -> str:
    body = {
        "at": event.at.astimezone(dt.timezone.utc).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "community_id": event.community_id,
        "data": event.data,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def derived_key(secret_key: str) -> bytes:
    """The chain's key when LINLI_AUDIT_KEY is unset: derived from SECRET_KEY, and not equal to
    it, so that neither key can be read from the other's use."""
    return hmac.new(secret_key.encode(), b"linli-audit-chain", hashlib.sha256).digest()


def chain_key() -> bytes:
    return settings.LINLI_AUDIT_KEY.encode() if settings.LINLI_AUDIT_KEY else derived_key(settings.SECRET_KEY)


def link_hash(prev_hash: str, event: AuditEvent, key: bytes | None = None) -> str:
    return hmac.new(key or chain_key(), (prev_hash + _canonical(event)).encode(), hashlib.sha256).hexdigest()


def plain_link_hash(prev_hash: str, event: AuditEvent) -> str:
    """A link as it was before the chain was keyed (plain SHA-256): read only to move such a
    chain to the key (migration core 0003)."""
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


def keyed_link(key: bytes) -> Callable[[str, AuditEvent], str]:
    return lambda prev_hash, event: link_hash(prev_hash, event, key)


def _plain(data) -> dict:
    """JSON-normalise so the hash of what we store equals the hash of what we read back
    (Decimals and dates become strings, key order is irrelevant)."""
    return json.loads(json.dumps(data or {}, default=str, ensure_ascii=False))


LEGACY_CHAIN = "legacy"
PLATFORM_CHAIN = "platform"


def chain_name(community_id) -> str:
    """The chain an event of this community goes to: one per community, and one for the
    platform's own events (community_id None). "legacy" is the single global chain of the events
    recorded before the chains were split (migration core 0004): closed, still verified."""
    return PLATFORM_CHAIN if community_id is None else f"community:{int(community_id)}"


def chain_order(name: str) -> tuple:
    if name.startswith("community:"):
        return (2, int(name.partition(":")[2]))
    return (0 if name == LEGACY_CHAIN else 1, 0)


def audit_record(*, actor, action: str, target=None, target_type: str = "", target_id="",
                 community_id: int | None = None, data: dict | None = None) -> AuditEvent:
    """Append one event to the chain of its community (or the platform's). Must run inside the
    caller's transaction, so the event and the change it describes commit or roll back together.
    Only that chain's head is locked: writers in other communities never wait for it."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    user = getattr(actor, "user", actor)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    head, _ = AuditHead.objects.select_for_update().get_or_create(chain=chain_name(community_id),
                                                                  defaults={"last_hash": GENESIS})
    event = AuditEvent(
        at=timezone.now(),
        actor_id=getattr(user, "pk", None),
        actor_name=getattr(user, "username", "") or "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        community_id=community_id,
        data=_plain(data),
        seq=head.last_seq + 1,
        prev_hash=head.last_hash,
    )
    event.hash = link_hash(head.last_hash, event)
    event.save()
    head.last_hash, head.last_event_id, head.last_seq = event.hash, event.pk, event.seq
    head.save(update_fields=["last_hash", "last_event_id", "last_seq"])
    return event


# Apps whose records are copied into the chain register a checker that compares each stored
# row with its audited copy, so that audit_verify also finds a row altered behind the chain's
# back. A checker returns its problems, each printable, in a stable order.
RECORD_CHECKERS: list = []


def register_record_checker(checker) -> None:
    RECORD_CHECKERS.append(checker)


def _per_chain(head_model) -> bool:
    """False for the models of migrations before core 0004, when the log was one global chain."""
    return any(field.name == "chain" for field in head_model._meta.get_fields())


def chain_events(name: str, event_model=AuditEvent):
    """The events of one chain in chain order, and the field that orders them. The legacy chain
    has no per-chain numbers (seq is NULL): its order is the id, as it was for the global chain."""
    if name == LEGACY_CHAIN:
        return event_model.objects.filter(seq__isnull=True).order_by("id"), "id"
    events = event_model.objects.filter(seq__isnull=False)
    if name == PLATFORM_CHAIN:
        return events.filter(community_id__isnull=True).order_by("seq"), "seq"
    return events.filter(community_id=int(name.partition(":")[2])).order_by("seq"), "seq"


def chain_names(event_model=AuditEvent, heads=()) -> list[str]:
    """Every chain that has a head or an event, legacy first, then the platform, then the
    communities by id."""
    names = set(heads)
    if event_model.objects.filter(seq__isnull=True).exists():
        names.add(LEGACY_CHAIN)
    names.update(chain_name(c) for c in event_model.objects.filter(seq__isnull=False).order_by()
                 .values_list("community_id", flat=True).distinct())
    return sorted(names, key=chain_order)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""
    chain: str = ""
    seq: int | None = None
    chains: int = 1

    @property
    def ok(self) -> bool:
        return self.broken_at is None

    def where(self) -> str:
        """The broken link, named: its chain, the event's id and its number in the chain."""
        seq = f", seq {self.seq}" if self.seq is not None else ""
        return f"chain {self.chain}, event #{self.broken_at}{seq}"


def _verify_one(name: str, head, key: bytes, event_model, head_model) -> ChainReport:
    events, order = chain_events(name, event_model)
    prev, checked, last, last_pk = GENESIS, 0, 0, None

    def broken(event_id, reason, seq=None) -> ChainReport:
        return ChainReport(checked, event_id, reason, chain=name, seq=seq)

    while True:
        for event in events.filter(**{f"{order}__gt": last}).iterator(chunk_size=2000):
            if order == "seq" and event.seq != checked + 1:
                return broken(event.pk, f"seq {event.seq} where {checked + 1} was expected: "
                                        "an event is missing or out of place", event.seq)
            if event.prev_hash != prev:
                return broken(event.pk, "prev_hash does not match the previous event", event.seq)
            if not hmac.compare_digest(link_hash(prev, event, key), event.hash):
                return broken(event.pk, "content does not match its keyed hash", event.seq)
            prev, last, last_pk = event.hash, getattr(event, order), event.pk
            checked += 1
        if order == "id":
            break  # the legacy chain is closed: nothing is appended to it
        # Writers keep appending while we read (on PostgreSQL each query sees what was committed
        # when it began): the head read now may be further on than the events read. Read on to
        # it, so that a head ahead of the events means a removed tail, never a race.
        fresh = head_model.objects.filter(chain=name).first()
        moved_on = fresh is not None and head is not None and fresh.last_hash != head.last_hash
        head = fresh
        if not (moved_on and fresh.last_seq > checked):
            break
    if head is None:
        return broken(last_pk, "the chain's head was removed", checked if order == "seq" else None)
    if order == "seq" and checked > head.last_seq:
        beyond = events.filter(seq=head.last_seq + 1).values_list("id", flat=True).first()
        return broken(beyond, f"events after the chain's head (seq {head.last_seq}) were added behind its back",
                      head.last_seq + 1)
    if head.last_hash != prev:
        return broken(head.last_event_id, "the newest events were removed",
                      head.last_seq if order == "seq" else None)
    return ChainReport(checked, chain=name)


def audit_verify_chains(event_model=AuditEvent, head_model=AuditHead) -> list[ChainReport]:
    """Walk every chain in its order; for each, report the first event whose link does not hold
    under the key (or a removed tail, or a removed head)."""
    key = chain_key()
    with transaction.atomic():
        heads = {head.chain: head for head in head_model.objects.all()}
        names = chain_names(event_model, heads)
        for head in head_model.objects.filter(chain__in=[n for n in names if n not in heads]):
            heads[head.chain] = head  # a chain begun while we were reading
        return [_verify_one(name, heads.get(name), key, event_model, head_model) for name in names]


def audit_verify_chain() -> ChainReport:
    """Every chain at once: the first broken one's report, or the events verified in all."""
    reports = audit_verify_chains()
    for report in reports:
        if not report.ok:
            return report
    return ChainReport(sum(r.checked for r in reports), chains=len(reports))


class ChainBroken(Exception):
    def __init__(self, event_id, reason: str, chain: str = ""):
        self.event_id, self.reason, self.chain = event_id, reason, chain
        where = f"audit chain {chain}" if chain else "audit chain"
        super().__init__(f"{where} broken at event #{event_id}: {reason}")


def _rekey_one(events, order: str, head, old: Callable, new: Callable, batch: int, chain: str = "") -> int:
    moved = 0
    old_prev = new_prev = GENESIS
    last = 0
    while page := list(events.filter(**{f"{order}__gt": last})[:batch]):
        for event in page:
            holds = any(hmac.compare_digest(link(old_prev, event), event.hash) for link in (old, new))
            if event.prev_hash != old_prev or not holds:
                raise ChainBroken(event.pk, "does not hold under the old key; nothing was changed", chain)
            old_prev = event.hash
            event.prev_hash, event.hash = new_prev, new(new_prev, event)
            new_prev = event.hash
        type(page[0]).objects.bulk_update(page, ["prev_hash", "hash"])
        moved += len(page)
        last = getattr(page[-1], order)
    if head is not None and moved:
        if head.last_hash != old_prev:
            raise ChainBroken(head.last_event_id, "the newest events were removed; nothing was changed", chain)
        head.last_hash = new_prev
        head.save(update_fields=["last_hash"])
    return moved


def audit_rekey(*, old: Callable, new: Callable, event_model=AuditEvent, head_model=AuditHead,
                batch: int = 2000) -> int:
    """Move every chain from one way of linking to another (a new key, or from the plain
    hashes of before to the key): every link must first hold under `old`, so that moving never
    makes a forged row look genuine. A link that already holds under `new` is accepted too (an
    event appended by a migration that ran before the one moving the chain): it cannot be made
    without the new key. One transaction, with every head locked as appending does. Takes the
    models so that a migration can pass its historical ones: before core 0004 (no `chain` on
    the head) the log is one global chain in id order with its head at pk 1. Returns the
    events moved."""
    with transaction.atomic():
        if not _per_chain(head_model):
            head = head_model.objects.select_for_update().filter(pk=1).first()
            return _rekey_one(event_model.objects.order_by("id"), "id", head, old, new, batch)
        heads = {head.chain: head for head in head_model.objects.select_for_update().order_by("id")}
        moved = 0
        for name in chain_names(event_model, heads):
            events, order = chain_events(name, event_model)
            moved += _rekey_one(events, order, heads.get(name), old, new, batch, name)
    return moved
