"""What every after-school write shares: who may act in a school, keeping references inside
the school, and the text messages that leave only after the commit."""

from django.utils.translation import gettext as _

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.notify import notification_provider
from linli.core.services import record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Organization, Role

from .. import selectors

# Rows that name their school may not move to another one.
FIXED = ("school",)


def require_admin(actor: Actor, school_id: int) -> None:
    if not selectors.is_school_admin(actor, school_id):
        raise PermissionDenied()


def require_school(school: Organization) -> None:
    if school.kind != Organization.Kind.SCHOOL:
        raise ValidationFailed(fields={"school": [_("必须是学校。")]})


def same_school(school_id: int, **refs) -> None:
    for field, obj in refs.items():
        if obj is not None and obj.school_id != school_id:
            raise ValidationFailed(fields={field: [_("必须属于同一所学校。")]})


def require_staff_member(school_id: int, field: str, user, roles=(Role.SCHOOL_ADMIN, Role.TEACHER)) -> None:
    if user is not None and not Membership.objects.filter(user=user, organization_id=school_id, role__in=roles,
                                                          active=True).exists():
        raise ValidationFailed(fields={field: [_("必须是本校在职的教职工。")]})


def school_row_update(*, actor: Actor, instance, changes: dict, action: str, **refs):
    """An admin's edit of a row of the school: the school stays, and the rows it names in
    `refs` (grade, term …) must be of the same school."""
    require_admin(actor, instance.school_id)
    for name in FIXED:
        changes.pop(name, None)
    same_school(instance.school_id, **{k: changes.get(k) for k in refs})
    return record_update(actor=actor, instance=instance, changes=changes, action=action)


def sms_send(phones: list[str], body: str) -> None:
    provider = notification_provider()
    for phone in phones:
        provider.send(channel="sms", recipient=phone, body=body)
