"""Shared plumbing of write services: validate, save and audit in one transaction."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from .audit import audit_record
from .errors import Conflict, ValidationFailed


def validation_failed_from(exc: DjangoValidationError) -> ValidationFailed:
    fields = getattr(exc, "message_dict", None) or {"non_field_errors": exc.messages}
    first = next(iter(fields.values()))[0] if fields else None
    return ValidationFailed(first, fields={k: [str(m) for m in v] for k, v in fields.items()})


def full_clean_or_fail(instance: models.Model, exclude=None) -> None:
    try:
        instance.full_clean(exclude=exclude)
    except DjangoValidationError as exc:
        raise validation_failed_from(exc) from exc


def same_community(community_id: int, **refs) -> None:
    """Every referenced row (zone, team, account …) must belong to the community of the write."""
    for field, obj in refs.items():
        if obj is not None and obj.community_id != community_id:
            raise ValidationFailed(fields={field: [_("必须属于同一个小区。")]})


def community_of(instance) -> int | None:
    for attr in ("community_id", "unit__community_id"):
        if hasattr(instance, attr):
            return getattr(instance, attr)
    return None


def model_snapshot(instance: models.Model, fields=None) -> dict:
    names = fields or [f.attname for f in instance._meta.concrete_fields if f.name not in {"created_at", "updated_at"}]
    return {name: getattr(instance, name) for name in names}


def record_create(*, actor, instance: models.Model, action: str, community_id=None, data=None):
    """Validate, insert and audit a new row in one transaction."""
    full_clean_or_fail(instance)
    try:
        with transaction.atomic():
            instance.save()
            audit_record(
                actor=actor,
                action=action,
                target=instance,
                community_id=community_id if community_id is not None else community_of(instance),
                data=data if data is not None else model_snapshot(instance),
            )
    except IntegrityError as exc:
        raise Conflict(code="duplicate") from exc
    return instance


def record_update(*, actor, instance: models.Model, changes: dict, action: str, community_id=None):
    """Apply field changes, validate, save and audit the before/after of what changed."""
    before = {}
    for name, value in changes.items():
        before[name] = getattr(instance, name)
        setattr(instance, name, value)
    changed = {k: v for k, v in changes.items() if before[k] != v}
    full_clean_or_fail(instance)
    if not changed:
        return instance
    try:
        with transaction.atomic():
            instance.save()
            audit_record(
                actor=actor,
                action=action,
                target=instance,
                community_id=community_id if community_id is not None else community_of(instance),
                data={"before": {k: _ref(before[k]) for k in changed}, "after": {k: _ref(v) for k, v in changed.items()}},
            )
    except IntegrityError as exc:
        raise Conflict(code="duplicate") from exc
    return instance


def _ref(value):
    return value.pk if isinstance(value, models.Model) else value
