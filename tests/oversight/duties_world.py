"""Building blocks of the counted-training and department tests: staff records of a tenant's
community, departments with evaluators, and an itemised inspection."""

from decimal import Decimal

from linli.core.tenancy import SystemActor
from linli.operations.models import Position, StaffMember
from linli.oversight import department_evaluation, services
from tests import factories as f


def staff(tenant, name: str, post: str = "保安员", community=None):
    community = community or tenant.community
    position, _created = Position.objects.get_or_create(community=community, name=post,
                                                        defaults={"kind": "security"})
    return StaffMember.objects.create(community=community, name=name, position=position)


def department(tenant, name: str, categories: list[int], username: str):
    """A department under the tenant's district that scores `categories`, and its evaluator."""
    org = f.OrganizationFactory(name=name, kind="department", parent=tenant.district)
    department_evaluation.duty_set(actor=SystemActor(), department=org, categories=categories)
    user = f.UserFactory(username=username)
    f.MembershipFactory(user=user, organization=org, role="evaluator")
    return org, user


def itemised_inspection(community, quarter: str = "2026Q3", share=Decimal("0.5")):
    """An inspection scored item by item (each item at `share` of its points) by the system."""
    rubric = services.rubric_default_install(actor=SystemActor())
    items = [{"item": item, "points": item.max_points * share}
             for category in rubric.categories.all() for item in category.items.all()]
    return services.inspection_create(actor=SystemActor(), company=community.company, community=community,
                                      quarter=quarter, items=items, rubric=rubric)
