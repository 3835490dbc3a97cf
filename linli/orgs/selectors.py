"""Reads of organizations, users and memberships, scoped to the actor."""

from django.db.models import QuerySet

from linli.core.tenancy import Actor

from .models import Membership, Organization, Role, User


def organization_descendant_ids(root_ids) -> set[int]:
    """The given organizations and everything below them."""
    return Organization.objects.descendant_ids(root_ids)


def organization_ancestor_ids(ids) -> set[int]:
    """The given organizations and everything above them."""
    return Organization.objects.ancestor_ids(ids)


def organization_list(*, actor: Actor) -> QuerySet[Organization]:
    if actor.is_admin:
        return Organization.objects.all()
    from linli.estates.models import Community

    visible = {m.organization_id for m in actor.memberships} | actor.jurisdiction_ids
    for company_id, rc_id in Community.objects.filter(id__in=actor.community_ids()).values_list(
        "company_id", "residents_committee_id"
    ):
        visible |= {company_id, rc_id} - {None}
    return Organization.objects.filter(id__in=organization_ancestor_ids(visible))


def managed_organization_ids(actor: Actor) -> set[int]:
    """Organizations whose people the actor manages: companies where they are manager,
    jurisdictions where they are a regulator, schools where they are school admin."""
    ids = {m.organization_id for m in actor.memberships if m.role in {Role.MANAGER, Role.SCHOOL_ADMIN}}
    return ids | actor.jurisdiction_ids


def user_list(*, actor: Actor) -> QuerySet[User]:
    if actor.is_admin:
        return User.objects.all()
    if not actor.is_authenticated:
        return User.objects.none()
    managed = managed_organization_ids(actor)
    return (
        User.objects.filter(memberships__organization_id__in=managed)
        | User.objects.filter(pk=actor.user.pk)
        | User.objects.filter(created_by=actor.user)
    ).distinct()


def membership_list(*, actor: Actor) -> QuerySet[Membership]:
    qs = Membership.objects.select_related("user", "organization")
    if actor.is_admin:
        return qs
    return qs.filter(organization_id__in=managed_organization_ids(actor)) | qs.filter(user=actor.user)
