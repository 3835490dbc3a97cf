"""Building blocks of the oversight tests: more companies in a tenant's jurisdiction, and
inspections and assessments recorded through the services as a regulator would."""

from decimal import Decimal

from linli.core.tenancy import Actor, SystemActor
from linli.oversight import services
from tests import factories as f


def add_company(tenant, name: str):
    """A company serving one more community under the tenant's residents' committee."""
    company = f.OrganizationFactory(name=name, kind="company")
    community = f.CommunityFactory(name=f"{name}小区", code=f"c-{name}", company=company,
                                   residents_committee=tenant.residents_committee)
    return company, community


def inspect(community, quarter: str, score, actor=None):
    return services.inspection_create(actor=actor or SystemActor(), company=community.company, community=community,
                                      quarter=quarter, score=Decimal(str(score)))


def assess(company, district, year: int, score, actor=None):
    return services.annual_assessment_create(actor=actor or SystemActor(), company=company, year=year,
                                             score=Decimal(str(score)), district=district)


def actor(tenant, role: str) -> Actor:
    return Actor(tenant.user(role))
