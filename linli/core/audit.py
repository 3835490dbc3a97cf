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


def audit_record(*, actor, action: str, target=None, target_type: str = "", target_id="",
                 community_id: int | None = None, data: dict | None = None) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction, so the event and the
    change it describes commit or roll back together."""
    if not connection.in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic")
    user = getattr(actor, "user", actor)
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or target.pk
    head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})
    event = AuditEvent(
        at=timezone.now(),
        actor_id=getattr(user, "pk", None),
        actor_name=getattr(user, "username", "") or "system",
        action=action,
        target_type=target_type,
        target_id=str(target_id or ""),
        community_id=community_id,
        data=_plain(data),
        prev_hash=head.last_hash,
    )
    event.hash = link_hash(head.last_hash, event)
    event.save()
    head.last_hash, head.last_event_id = event.hash, event.pk
    head.save(update_fields=["last_hash", "last_event_id"])
    return event


# Apps whose records are copied into the chain register a checker that compares each stored
# row with its audited copy, so that audit_verify also finds a row altered behind the chain's
# back. A checker returns its problems, each printable, in a stable order.
RECORD_CHECKERS: list = []


def register_record_checker(checker) -> None:
    RECORD_CHECKERS.append(checker)


@dataclass
class ChainReport:
    checked: int
    broken_at: int | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_at is None


def audit_verify_chain() -> ChainReport:
    """Walk the chain in order; report the first event whose link does not hold under the key."""
    key = chain_key()
    prev = GENESIS
    checked = 0
    with transaction.atomic():
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
            if event.prev_hash != prev:
                return ChainReport(checked, event.pk, "prev_hash does not match the previous event")
            if not hmac.compare_digest(link_hash(prev, event, key), event.hash):
                return ChainReport(checked, event.pk, "content does not match its keyed hash")
            prev = event.hash
            checked += 1
        head = AuditHead.objects.filter(pk=1).first()
        if head and checked and head.last_hash != prev:
            return ChainReport(checked, head.last_event_id, "the newest events were removed")
    return ChainReport(checked)


class ChainBroken(Exception):
    def __init__(self, event_id, reason: str):
        self.event_id, self.reason = event_id, reason
        super().__init__(f"audit chain broken at event #{event_id}: {reason}")


def audit_rekey(*, old: Callable, new: Callable, event_model=AuditEvent, head_model=AuditHead,
                batch: int = 2000) -> int:
    """Move the whole chain from one way of linking to another (a new key, or from the plain
    hashes of before to the key): every link must first hold under `old`, so that moving never
    makes a forged row look genuine. A link that already holds under `new` is accepted too (an
    event appended by a migration that ran before the one moving the chain): it cannot be made
    without the new key. One transaction, with the head locked as appending does. Takes the
    models so that a migration can pass its historical ones. Returns the events moved."""
    moved = 0
    with transaction.atomic():
        head = head_model.objects.select_for_update().filter(pk=1).first()
        old_prev = new_prev = GENESIS
        last_id = 0
        while events := list(event_model.objects.filter(id__gt=last_id).order_by("id")[:batch]):
            for event in events:
                holds = any(hmac.compare_digest(link(old_prev, event), event.hash) for link in (old, new))
                if event.prev_hash != old_prev or not holds:
                    raise ChainBroken(event.pk, "does not hold under the old key; nothing was changed")
                old_prev = event.hash
                event.prev_hash, event.hash = new_prev, new(new_prev, event)
                new_prev = event.hash
            event_model.objects.bulk_update(events, ["prev_hash", "hash"])
            moved += len(events)
            last_id = events[-1].pk
        if head is not None and moved:
            if head.last_hash != old_prev:
                raise ChainBroken(head.last_event_id, "the newest events were removed; nothing was changed")
            head.last_hash = new_prev
            head.save(update_fields=["last_hash"])
    return moved
