"""Appending to and verifying the hash chain of the audit log."""

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

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


def link_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256((prev_hash + _canonical(event)).encode()).hexdigest()


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
    """Walk the chain in order; report the first event whose link does not hold."""
    prev = GENESIS
    checked = 0
    with transaction.atomic():
        for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
            if event.prev_hash != prev:
                return ChainReport(checked, event.pk, "prev_hash does not match the previous event")
            if link_hash(prev, event) != event.hash:
                return ChainReport(checked, event.pk, "content does not match its hash")
            prev = event.hash
            checked += 1
        head = AuditHead.objects.filter(pk=1).first()
        if head and checked and head.last_hash != prev:
            return ChainReport(checked, head.last_event_id, "the newest events were removed")
    return ChainReport(checked)
