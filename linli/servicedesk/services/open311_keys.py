"""Keys of Open311 clients (see open311.py): issued and revoked by the platform admin."""

import hashlib
import secrets

from linli.core.errors import NotFound, PermissionDenied
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor

from ..models import Open311Key


def open311_key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def open311_key_create(*, actor: Actor, name: str) -> tuple[Open311Key, str]:
    """A new key for an Open311 client; the key itself is returned once and only its hash kept."""
    if not actor.is_admin:
        raise PermissionDenied()
    key = secrets.token_urlsafe(24)
    instance = record_create(actor=actor, instance=Open311Key(name=name.strip(), key_hash=open311_key_hash(key)),
                             action="open311_key.create", data={"name": name})
    return instance, key


def open311_key_revoke(*, actor: Actor, name: str) -> Open311Key:
    if not actor.is_admin:
        raise PermissionDenied()
    key = Open311Key.objects.filter(name=name).first()
    if key is None:
        raise NotFound()
    return record_update(actor=actor, instance=key, changes={"active": False}, action="open311_key.revoke")
