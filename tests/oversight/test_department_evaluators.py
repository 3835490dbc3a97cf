"""Evaluation by every department (篇五): the police score 治安秩序维护, the fire brigade
消防与设施设备安全, each only its own categories and only in the inspections of its area."""

from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent
from linli.core.tenancy import Actor, SystemActor
from linli.oversight import department_evaluation
from linli.oversight.models import DepartmentScore, EvaluationResult, Inspection
from tests.oversight.duties_world import department, itemised_inspection

POLICE, FIRE = 3, 2


@pytest.fixture
def world(tenants):
    a, b = tenants
    police, police_user = department(a, "甲公安分局", [POLICE], "police-a")
    _fire, fire_user = department(a, "甲消防大队", [FIRE], "fire-a")
    return {"a": a, "b": b, "police": police, "police_user": police_user, "fire_user": fire_user,
            "inspection": itemised_inspection(a.community), "other": itemised_inspection(b.community)}


def full_marks(inspection, number, minus=Decimal("1")):
    category = inspection.rubric.categories.get(number=number)
    return [{"item": item.pk, "points": item.max_points - minus} for item in category.items.all()]


def test_the_police_score_their_category_and_the_inspection_score_follows(world):
    inspection = world["inspection"]
    before = inspection.score
    old = sum(s.points for s in inspection.item_scores.filter(item__category__number=POLICE))
    row = department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                                 category=POLICE, items=full_marks(inspection, POLICE))
    inspection.refresh_from_db()
    new = sum(s.points for s in inspection.item_scores.filter(item__category__number=POLICE))
    assert row.points == new and row.department == world["police"]
    assert inspection.score == before - old + new
    assert inspection.score == sum(s.points for s in inspection.item_scores.all())
    assert AuditEvent.objects.filter(action="oversight.department_score").count() == 1


def test_the_police_cannot_score_the_fire_brigades_category(world):
    inspection = world["inspection"]
    with pytest.raises(PermissionDenied) as refused:
        department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                               category=FIRE, items=full_marks(inspection, FIRE))
    assert refused.value.code == "other_category"
    # …and the fire brigade can.
    department_evaluation.department_score(actor=Actor(world["fire_user"]), inspection=inspection,
                                           category=FIRE, items=full_marks(inspection, FIRE))


def test_the_police_cannot_score_an_inspection_outside_their_area(world):
    with pytest.raises(PermissionDenied) as refused:
        department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=world["other"],
                                               category=POLICE, items=full_marks(world["other"], POLICE))
    assert refused.value.code == "other_area"
    assert not DepartmentScore.objects.exists()


def test_a_regulator_is_not_a_department_evaluator(world):
    inspection = world["inspection"]
    with pytest.raises(PermissionDenied):
        department_evaluation.department_score(actor=Actor(world["a"].user("regulator")), inspection=inspection,
                                               category=POLICE, items=full_marks(inspection, POLICE))


def test_points_above_the_maximum_or_an_item_left_out_write_nothing(world):
    inspection = world["inspection"]
    score = inspection.score
    too_many = full_marks(inspection, POLICE, minus=Decimal("-0.01"))  # each item 0.01 above its maximum
    with pytest.raises(ValidationFailed):
        department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                               category=POLICE, items=too_many)
    at_max = full_marks(inspection, POLICE, minus=Decimal("0"))
    with pytest.raises(ValidationFailed):
        department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                               category=POLICE, items=at_max[:-1])
    inspection.refresh_from_db()
    assert inspection.score == score and not DepartmentScore.objects.exists()
    department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                           category=POLICE, items=at_max)  # exactly the maximum is fine


def test_after_the_year_is_published_nothing_changes(world):
    a, inspection = world["a"], world["inspection"]
    EvaluationResult.objects.create(jurisdiction=a.district, year=inspection.year, company=a.company,
                                    quarterly_avg=Decimal(50), annual=Decimal(50), total=Decimal(50), rank=1,
                                    status="normal", published_at=timezone.now())
    with pytest.raises(Conflict):
        department_evaluation.department_score(actor=Actor(world["police_user"]), inspection=inspection,
                                               category=POLICE, items=full_marks(inspection, POLICE))


def test_only_the_district_above_a_department_sets_its_categories(world):
    a, b, police = world["a"], world["b"], world["police"]
    assert department_evaluation.duty_set(actor=Actor(a.user("district_regulator")), department=police,
                                          categories=[POLICE, 6]) == [POLICE, 6]
    with pytest.raises(PermissionDenied):
        department_evaluation.duty_set(actor=Actor(b.user("district_regulator")), department=police,
                                       categories=[1])
    with pytest.raises(PermissionDenied):  # the sub-district inspects but does not assign duties
        department_evaluation.duty_set(actor=Actor(a.user("regulator")), department=police, categories=[1])
    with pytest.raises(ValidationFailed):
        department_evaluation.duty_set(actor=SystemActor(), department=police, categories=[7])


def test_the_evaluators_page_offers_only_their_category_and_saves_it(world, login):
    inspection = world["inspection"]
    client = login(world["police_user"])
    assert client.get("/").url == "/oversight/department/"
    home = client.get("/oversight/department/").content.decode()
    assert world["a"].community.name in home and world["b"].community.name not in home
    page = client.get(f"/oversight/department/inspections/{inspection.pk}/").content.decode()
    assert f'data-category="{POLICE}"' in page and f'data-category="{FIRE}"' not in page
    data = {"category": POLICE, **{f"item_{i['item']}": i["points"] for i in full_marks(inspection, POLICE)}}
    client.post(f"/oversight/department/inspections/{inspection.pk}/", data)
    assert DepartmentScore.objects.get().category == POLICE
    fire_items = {f"item_{i['item']}": i["points"] for i in full_marks(inspection, FIRE)}
    response = client.post(f"/oversight/department/inspections/{inspection.pk}/", {"category": FIRE, **fire_items},
                           follow=True)
    assert "本部门不负责该类考评" in response.content.decode()
    assert DepartmentScore.objects.count() == 1
    assert client.get(f"/oversight/department/inspections/{world['other'].pk}/").status_code == 404
    assert login(world["a"].user("manager")).get("/oversight/department/").status_code == 404


def test_the_api_scores_only_the_departments_category_in_its_area(world, api):
    inspection, other = world["inspection"], world["other"]
    client = api(world["police_user"])
    listed = [r["id"] for r in client.get("/api/v1/department-inspections/").json()["results"]]
    assert listed == [inspection.pk]
    ok = client.post(f"/api/v1/department-inspections/{inspection.pk}/score/",
                     {"category": POLICE, "items": full_marks(inspection, POLICE)}, format="json")
    assert ok.status_code == 200, ok.json()
    assert Decimal(ok.json()["score"]) == Inspection.objects.get(pk=inspection.pk).score
    refused = client.post(f"/api/v1/department-inspections/{inspection.pk}/score/",
                          {"category": FIRE, "items": full_marks(inspection, FIRE)}, format="json")
    assert refused.status_code == 403 and refused.json()["code"] == "other_category"
    assert client.post(f"/api/v1/department-inspections/{other.pk}/score/",
                       {"category": POLICE, "items": full_marks(other, POLICE)}, format="json").status_code == 404
