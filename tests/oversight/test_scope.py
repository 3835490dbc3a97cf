"""Who may inspect, assess, publish and read (DESIGN §4, 篇五)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core.audit import audit_verify_chain
from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor, SystemActor
from linli.oversight import services
from linli.oversight.models import EvaluationResult, Inspection
from tests.oversight.world import add_company, assess, inspect

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 32


def post_inspection(api, user, community, **extra):
    body = {"company": community.company_id, "community": community.pk, "quarter": "2026Q1", "score": "88", **extra}
    return api(user).post("/api/v1/inspections/", body, format="json")


def test_a_company_cannot_record_an_inspection_of_itself(tenant, api):
    response = post_inspection(api, tenant.user("manager"), tenant.community)
    assert response.status_code in (400, 403)
    assert not Inspection.objects.exists()


def test_a_company_staff_member_who_is_also_a_regulator_still_cannot_inspect_their_company(tenant, api):
    from tests import factories as f

    f.MembershipFactory(user=tenant.user("manager"), organization=tenant.subdistrict, role="regulator")
    response = post_inspection(api, tenant.user("manager"), tenant.community)
    assert response.status_code == 403
    assert response.json()["code"] == "self_inspection"
    assert not Inspection.objects.exists()


def test_the_subdistrict_records_an_inspection_of_its_community(tenant, api):
    response = post_inspection(api, tenant.user("regulator"), tenant.community)
    assert response.status_code == 201, response.json()
    assert response.json()["score"] == "88.00"
    assert Inspection.objects.get().inspector == tenant.user("regulator")


def test_a_subdistrict_cannot_inspect_outside_its_jurisdiction(tenants, api):
    a, b = tenants
    response = post_inspection(api, a.user("regulator"), b.community)
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_a_subdistrict_sees_only_its_own_jurisdiction(tenants, api):
    a, b = tenants
    inspect(a.community, "2026Q1", 80)
    inspect(b.community, "2026Q1", 70)
    client = api(a.user("regulator"))
    listed = client.get("/api/v1/inspections/").json()["results"]
    assert [row["community"] for row in listed] == [a.community.pk]
    assert client.get("/api/v1/evaluation-results/", {"year": 2026, "jurisdiction": b.district.pk}).status_code == 404
    mine = client.get("/api/v1/evaluation-results/", {"year": 2026, "jurisdiction": a.subdistrict.pk}).json()
    assert [row["company"] for row in mine["results"]] == [a.company.pk]


def test_the_score_is_the_sum_of_the_rubric_items(tenant, api):
    rubric = services.rubric_default_install(actor=SystemActor())
    items = [{"item": i.pk, "points": str(i.max_points - 1)} for c in rubric.categories.all() for i in c.items.all()]
    response = post_inspection(api, tenant.user("regulator"), tenant.community, score=None, items=items)
    body = response.json()
    assert response.status_code == 201, body
    assert body["score"] == f"{100 - len(items)}.00"
    assert len(body["item_scores"]) == len(items)


def test_item_points_above_the_maximum_are_refused(tenant, api):
    rubric = services.rubric_default_install(actor=SystemActor())
    items = [{"item": i.pk, "points": str(i.max_points + 1)} for c in rubric.categories.all() for i in c.items.all()]
    response = post_inspection(api, tenant.user("regulator"), tenant.community, score=None, items=items)
    assert response.status_code == 400
    assert not Inspection.objects.exists()


def test_a_photo_that_is_not_an_image_is_refused(tenant):
    regulator = SystemActor()
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a photo</html>", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as refused:
        services.inspection_create(actor=regulator, company=tenant.company, community=tenant.community,
                                   quarter="2026Q1", score=Decimal("80"), photos=[fake])
    assert "photos" in refused.value.fields
    assert not Inspection.objects.exists()
    real = SimpleUploadedFile("photo.png", PNG, content_type="image/png")
    inspection = services.inspection_create(actor=regulator, company=tenant.company, community=tenant.community,
                                            quarter="2026Q1", score=Decimal("80"), photos=[real])
    assert inspection.photos.get().content_type == "image/png"


def test_a_company_reads_only_its_own_unpublished_row(tenant, api):
    other, community = add_company(tenant, "邻家物业")
    for target, score in ((tenant.community, 80), (community, 70)):
        inspect(target, "2026Q1", score)
    assess(tenant.company, tenant.district, 2026, 90)
    assess(other, tenant.district, 2026, 60)
    response = api(tenant.user("manager")).get("/api/v1/evaluation-results/",
                                               {"year": 2026, "jurisdiction": tenant.district.pk})
    rows = response.json()["results"]
    assert [row["company"] for row in rows] == [tenant.company.pk]
    assert rows[0]["published"] is False
    assert api(tenant.user("owner")).get("/api/v1/evaluation-results/",
                                         {"year": 2026, "jurisdiction": tenant.district.pk}).status_code == 404


def test_only_the_district_publishes_and_the_results_are_audited(tenant, api):
    inspect(tenant.community, "2026Q1", 80)
    assess(tenant.company, tenant.district, 2026, 90)
    with pytest.raises(PermissionDenied):
        services.evaluation_publish(actor=Actor(tenant.user("regulator")), jurisdiction=tenant.district, year=2026)
    services.evaluation_publish(actor=Actor(tenant.user("district_regulator")),
                                jurisdiction=tenant.district, year=2026)
    result = EvaluationResult.objects.get()
    assert (result.total, result.rank, result.status) == (Decimal("84.00"), 1, "recommended")
    assert AuditEvent.objects.filter(action="oversight.evaluation_result", target_id=str(result.pk)).exists()
    assert audit_verify_chain().ok
    assert tenant.company.credit_records.filter(kind="evaluation").exists()
    body = api(tenant.user("district_regulator")).get("/api/v1/evaluation-results/",
                                                      {"year": 2026, "jurisdiction": tenant.district.pk}).json()
    assert body["results"][0]["published"] is True


def test_an_annual_assessment_needs_the_district(tenant, api):
    body = {"company": tenant.company.pk, "year": 2026, "score": "90"}
    assert api(tenant.user("regulator")).post("/api/v1/annual-assessments/", body, format="json").status_code == 403
    response = api(tenant.user("district_regulator")).post("/api/v1/annual-assessments/", body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["district"] == tenant.district.pk
