"""Tenant B's oversight objects for tests/test_tenancy.py: no role of tenant A may see them."""

import datetime as dt
from decimal import Decimal

from linli.core.tenancy import SystemActor
from linli.governance.models import SelfManagement
from linli.orgs.models import Organization
from linli.oversight import duty_services, services
from linli.oversight.models import Certificate, QualificationApplication, Rubric, TrainingAttendance, TrainingSession
from tests.oversight.world import assess, inspect


def other_tenant_objects(b) -> dict:
    system = SystemActor()
    inspection = inspect(b.community, "2026Q1", 80)
    assessment = assess(b.company, b.district, 2026, 85)
    rubric = Rubric.objects.create(jurisdiction=b.district, name="乙区考评标准", version=1)
    services.evaluation_publish(actor=system, jurisdiction=b.district, year=2026)
    honour = services.honour_create(actor=system, community=b.community, level="municipal", year=2019,
                                    title="乙市级优秀住宅小区")
    training = TrainingSession.objects.create(organizer=b.district, title="乙区轮训", tier="staff",
                                              held_on=dt.date(2026, 3, 1))
    return {
        "inspection": inspection,
        # The rows alone (the counted-training API's objects): by name, as an old row would be.
        "trainingattendance": TrainingAttendance.objects.create(session=training, name="乙员工", company=b.company),
        "certificate": Certificate.objects.create(company=b.company, holder="乙员工", kind=Certificate.Kind.OPERATING,
                                                  number="乙-0001", issued_on=dt.date(2025, 1, 1),
                                                  expires_on=dt.date(2029, 1, 1)),
        "annualassessment": assessment,
        "rubric": rubric,
        "creditrecord": b.company.credit_records.first(),
        "dutyitem": duty_services.duty_item_create(actor=system, office=b.subdistrict, year=2026, kind="campaign",
                                                   title="乙街道合同补签"),
        "staffingrecord": duty_services.staffing_record_set(actor=system, organization=b.district,
                                                            office_name="乙区物业管理办公室"),
        "renovationtarget": services.renovation_target_set(actor=system, district=b.district, year=2026, target=1),
        "renovationproject": services.renovation_project_create(actor=system, district=b.district, year=2026,
                                                                name="乙老旧小区"),
        "honour": honour,
        "honourreview": services.honour_review(actor=system, honour=honour, score=Decimal("90"), passed=True),
        # Certificates are the qualification service's business; the row itself is what must not show.
        "qualificationapplication": QualificationApplication.objects.create(
            company=b.company, jurisdiction=b.district, applied_on=dt.date(2026, 1, 5), staff_count=1),
        "servicecontract": services.service_contract_record(
            actor=system, community=b.community, company=b.company, phase="preliminary",
            signed_on=dt.date(2026, 1, 1), start=dt.date(2026, 1, 1)),
        # For the self-management API (issue 19 item 3). The row alone: starting it through the
        # service would hand B's community to a new company and change what other routes see.
        "selfmanagement": SelfManagement.objects.create(
            community=b.community, previous_company=b.company, started_on=dt.date(2026, 1, 1),
            organization=Organization.objects.create(name="乙业主委员会（自管）", kind="company")),
    }
