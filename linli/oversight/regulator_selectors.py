"""Scoped reads behind the regulators' create endpoints (issue 19 item 3): renovation, honour
reviews, qualification applications and service contracts, each within the actor's jurisdiction
(and a company's own applications and contracts)."""

from django.db.models import Q, QuerySet

from linli.core.tenancy import Actor
from linli.estates.models import Community
from linli.orgs.models import Organization

from .models import (
    HonourReview,
    RenovationProject,
    RenovationTarget,
    ServiceContract,
)
from .selectors import own_company_ids


def district_list(*, actor: Actor) -> QuerySet[Organization]:
    qs = Organization.objects.filter(kind=Organization.Kind.DISTRICT)
    return qs if actor.is_admin else qs.filter(id__in=actor.jurisdiction_ids)


def regulated_community_list(*, actor: Actor) -> QuerySet[Community]:
    return Community.objects.all() if actor.is_admin else Community.objects.filter(
        id__in=actor.regulated_community_ids)


def renovation_target_list(*, actor: Actor) -> QuerySet[RenovationTarget]:
    qs = RenovationTarget.objects.select_related("district")
    return qs if actor.is_admin else qs.filter(district_id__in=actor.jurisdiction_ids)


def renovation_project_list(*, actor: Actor) -> QuerySet[RenovationProject]:
    qs = RenovationProject.objects.select_related("district", "company")
    return qs if actor.is_admin else qs.filter(district_id__in=actor.jurisdiction_ids)


def honour_review_list(*, actor: Actor) -> QuerySet[HonourReview]:
    qs = HonourReview.objects.select_related("honour")
    return qs if actor.is_admin else qs.filter(honour__community_id__in=actor.regulated_community_ids)


def service_contract_list(*, actor: Actor) -> QuerySet[ServiceContract]:
    qs = ServiceContract.objects.select_related("community", "company")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=actor.regulated_community_ids) | Q(company_id__in=own_company_ids(actor)))
