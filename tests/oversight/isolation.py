"""Tenant B's oversight objects for tests/test_tenancy.py: no role of tenant A may see them."""

from linli.core.tenancy import SystemActor
from linli.oversight import services
from linli.oversight.models import Rubric
from tests.oversight.world import assess, inspect


def other_tenant_objects(b) -> dict:
    system = SystemActor()
    inspection = inspect(b.community, "2026Q1", 80)
    assessment = assess(b.company, b.district, 2026, 85)
    rubric = Rubric.objects.create(jurisdiction=b.district, name="乙区考评标准", version=1)
    services.evaluation_publish(actor=system, jurisdiction=b.district, year=2026)
    return {
        "inspection": inspection,
        "annualassessment": assessment,
        "rubric": rubric,
        "creditrecord": b.company.credit_records.first(),
    }
