"""What the governance services share: who may run a vote, who may act for an owner, and how
append-only records go into the audit chain."""

import datetime as dt
from decimal import Decimal

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.money import FixedPointField
from linli.core.notify import notify_users
from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Role, User

from ..models import PrepGroupMember, Vote


def prep_group_community_ids(actor: Actor) -> set[int]:
    """Communities where the actor sits on a working preparation group (筹备组)."""
    if not actor.is_authenticated:
        return set()
    return set(
        PrepGroupMember.objects.filter(user=actor.user, group__dissolved_on__isnull=True)
        .values_list("group__community_id", flat=True)
    )


def can_run(actor: Actor, community_id: int) -> bool:
    """Runs assemblies and elections: the committee, the regulators over the community (who lead
    the first assembly, 篇三 §三(二)) and the members of its preparation group."""
    return actor.can("governance.run", community_id) or community_id in prep_group_community_ids(actor)


def require_run(actor: Actor, community_id: int) -> None:
    if not can_run(actor, community_id):
        raise PermissionDenied()


def acting_channel(actor: Actor, owner, community_id: int) -> str:
    """An owner acts for themself on the portal (online); a teller of the committee or the
    preparation group enters what an owner handed in on paper. Nobody else may act for an owner."""
    if owner.pk in actor.owner_ids:
        return Vote.Channel.ONLINE
    if can_run(actor, community_id):
        return Vote.Channel.PAPER
    raise PermissionDenied(_("只能由业主本人或计票人员代为录入。"))


def window_check(*, starts=None, ends=None, now=None) -> None:
    """Refuse outside a time window; an empty bound means "from now" or "no limit" (DESIGN §5).
    A caller that records when the act happened passes that moment as `now`, so that what was
    accepted inside the window is never recorded outside it."""
    now = now or timezone.now()
    if starts is not None and now < starts:
        raise ValidationFailed(_("尚未开始。"), code="not_open")
    if ends is not None and now >= ends:
        raise ValidationFailed(_("已经截止。"), code="closed")


def canonical_record(instance: models.Model) -> dict:
    """A row's content in one stable form — the same whether the instance was just saved or read
    back from either database — so that the audited copy and the stored row can be compared."""
    record = {}
    for f in instance._meta.concrete_fields:
        value = getattr(instance, f.attname)
        if value is None:
            record[f.attname] = None
        elif isinstance(f, models.DecimalField):
            record[f.attname] = str(Decimal(value).quantize(Decimal(1).scaleb(-f.decimal_places)))
        elif isinstance(f, FixedPointField):
            # The same text a DecimalField of these places gave: ledger lines audited before the
            # move to fen still compare equal.
            record[f.attname] = str(Decimal(value).quantize(Decimal(1).scaleb(-f.places)))
        elif isinstance(f, models.DateTimeField):
            record[f.attname] = value.astimezone(dt.timezone.utc).isoformat()
        elif isinstance(f, models.DateField):
            record[f.attname] = value.isoformat()
        elif isinstance(f, models.FileField):
            record[f.attname] = value.name
        else:
            record[f.attname] = value
    return record


def append_audited(*, actor, instances: list[models.Model], action: str, community_id: int,
                   target: models.Model | None = None, data: dict | None = None) -> None:
    """Insert append-only rows and record their content in one audit event, in the caller's
    transaction. One event may carry many rows (a bulk first deposit, an interest allocation)."""
    if not instances:
        return
    model = type(instances[0])
    if len(instances) == 1:
        instances[0].save()
    else:
        model.objects.bulk_create(instances, batch_size=1000)
    audit_record(
        actor=actor, action=action, target=target if target is not None else instances[0],
        target_type=model._meta.label_lower, community_id=community_id,
        data={**(data or {}), "records": [canonical_record(i) for i in instances]},
    )


def notify_committee(community_id: int, *, title: str, body: str, url: str = "") -> None:
    """Tell the sitting committee members with a login, after the commit."""
    users = User.objects.filter(memberships__role=Role.COMMITTEE_MEMBER, memberships__active=True,
                                memberships__community_id=community_id)
    transaction.on_commit(lambda: notify_users(users.distinct(), title=title, body=body, url=url))


def notify_office(organization_id: int | None, *, title: str, body: str, url: str = "") -> None:
    """Tell the regulators of one office (a sub-district, a residents' committee), after the commit."""
    if organization_id is None:
        return
    users = User.objects.filter(pk__in=Membership.objects.filter(
        organization_id=organization_id, role=Role.REGULATOR, active=True).values("user_id"))
    transaction.on_commit(lambda: notify_users(users, title=title, body=body, url=url))
