"""The failed company's path, the public page, the workspace pages and the other registers."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor, SystemActor
from linli.oversight import selectors, services
from linli.oversight.models import Honour, Rectification
from tests.oversight.world import add_company, assess, inspect


@pytest.fixture
def failed(tenant):
    """Four companies; the last is in the bottom three and below 60, so it fails."""
    for name, score in (("优一物业", 95), ("优二物业", 85), ("差物业", 50)):
        company, community = add_company(tenant, name)
        inspect(community, "2026Q1", score)
        assess(company, tenant.district, 2026, score)
    inspect(tenant.community, "2026Q1", 75)
    assess(tenant.company, tenant.district, 2026, 75)
    results = services.evaluation_publish(actor=SystemActor(), jurisdiction=tenant.district, year=2026)
    return next(r for r in results if r.status == "failed")


def test_failed_company_is_criticised_reinspected_and_proposed_to_the_city(tenant, client, failed):
    district = Actor(tenant.user("district_regulator"))
    rectification = services.rectification_issue(actor=district, result=failed)
    community = failed.company.served_communities.get()
    services.rectification_reinspect(actor=district, rectification=rectification, community=community,
                                     score=Decimal("55"))
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.FAILED
    services.rectification_propose(actor=district, rectification=rectification, proposal="downgrade")
    services.rectification_notify(actor=district, rectification=rectification)
    kinds = list(failed.company.credit_records.values_list("kind", flat=True))
    assert kinds.count("rectification") == 3
    client.force_login(tenant.user("district_regulator"))
    for document in ("criticism", "order", "proposal", "notice"):
        response = client.get(reverse("oversight:rectification_pdf", args=[rectification.pk, document]))
        assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_a_passed_reinspection_closes_the_rectification(tenant, failed):
    district = Actor(tenant.user("district_regulator"))
    rectification = services.rectification_issue(actor=district, result=failed)
    services.rectification_reinspect(actor=district, rectification=rectification,
                                     community=failed.company.served_communities.get(), score=Decimal("72"))
    rectification.refresh_from_db()
    assert rectification.status == Rectification.Status.PASSED
    with pytest.raises(ValidationFailed):
        services.rectification_propose(actor=district, rectification=rectification, proposal="revoke")


def test_public_page_shows_published_results_only_without_login(tenants, client, failed):
    a, b = tenants
    inspect(b.community, "2026Q1", 66)
    assess(b.company, b.district, 2026, 66)
    page = client.get(reverse("credit:index") + "?year=2026").content.decode()
    assert "差物业" in page and "优一物业" in page
    assert b.company.name not in page  # computed but never published
    assert client.get(reverse("credit:company", args=[b.company.pk])).status_code == 404
    assert client.get(reverse("credit:company", args=[failed.company_id])).status_code == 200


def test_workspace_pages_open_for_the_jurisdiction_and_are_not_found_outside_it(tenants, client, failed):
    a, b = tenants
    client.force_login(a.user("district_regulator"))
    jid = a.district.pk
    for name in ("dashboard", "evaluation", "inspect", "committees", "training", "honours", "renovation"):
        assert client.get(reverse(f"oversight:{name}", args=[jid])).status_code == 200, name
        assert client.get(reverse(f"oversight:{name}", args=[b.district.pk])).status_code == 404, name
    for name in ("rankings_xlsx", "statistics_xlsx"):
        response = client.get(reverse(f"oversight:{name}", args=[jid]) + "?year=2026")
        assert response.content.startswith(b"PK")
    assert client.get(reverse("oversight:company", args=[failed.company_id])).status_code == 200
    assert client.get(reverse("oversight:company", args=[b.company.pk])).status_code == 404


def test_a_company_manager_sees_its_own_results_page(tenant, client, failed):
    client.force_login(tenant.user("manager"))
    page = client.get(reverse("oversight:my_results") + "?year=2026").content.decode()
    assert tenant.company.name in page and "差物业" not in page


def test_quarterly_ranking_is_flagged_late_after_the_tenth(tenant):
    inspect(tenant.community, "2026Q1", 80)
    ranking = services.quarterly_ranking_submit(actor=Actor(tenant.user("regulator")), subdistrict=tenant.subdistrict,
                                                quarter="2026Q1", today=dt.date(2026, 4, 11))
    assert ranking.due_on == dt.date(2026, 4, 10) and ranking.late
    assert ranking.rows[0]["company"] == tenant.company.pk


def test_contract_is_overdue_sixty_days_after_the_committee_election(tenant):
    from linli.governance.models import Committee

    start = timezone.localdate() - dt.timedelta(days=61)
    Committee.objects.create(community=tenant.community, term_start=start, term_end=start + dt.timedelta(days=1095))
    actor = Actor(tenant.user("regulator"))
    row = selectors.formation_rows(actor=actor, jurisdiction=tenant.subdistrict)[0]
    assert row["status"] == "formed" and row["overdue"]
    assert row["deadline"] == start + dt.timedelta(days=60)
    services.service_contract_record(actor=actor, community=tenant.community, company=tenant.company, phase="post",
                                     signed_on=timezone.localdate(), start=timezone.localdate())
    row = selectors.formation_rows(actor=actor, jurisdiction=tenant.subdistrict)[0]
    assert not row["overdue"] and row["post_contract"].committee is not None


def test_an_honour_failing_review_twice_is_revoked(tenant):
    actor = Actor(tenant.user("regulator"))
    honour = services.honour_create(actor=actor, community=tenant.community, level="municipal", year=2019,
                                    title="市级优秀住宅小区")
    services.honour_review(actor=actor, honour=honour, score=Decimal("70"), passed=False)
    honour.refresh_from_db()
    assert honour.status == Honour.Status.RECTIFYING
    services.honour_review(actor=actor, honour=honour, score=Decimal("72"), passed=False)
    honour.refresh_from_db()
    assert honour.status == Honour.Status.REVOKED and honour.revoked_on == timezone.localdate()
