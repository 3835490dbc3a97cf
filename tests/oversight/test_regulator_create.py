"""Issue 19 item 3: regulators create by page and by API what only the demo created — renovation
targets and projects (篇三 三、(五)), honours and their reviews (三、(三) 二) — and the contract register gets an API (三、(二)). Scoped: another
district's regulator is refused. (Qualification applications, with their certificate check:
test_training_counted.py.)"""

from django.urls import reverse

from linli.core.models import AuditEvent
from linli.oversight.models import (
    Honour,
    RenovationProject,
    RenovationTarget,
    ServiceContract,
)


def test_the_district_sets_a_renovation_target_by_api_and_setting_it_again_replaces_it(tenants, api):
    a, b = tenants
    client = api(a.user("district_regulator"))
    first = client.post("/api/v1/renovation-targets/", {"district": a.district.pk, "year": 2026, "target": 2},
                        format="json")
    assert first.status_code == 201, first.json()
    again = client.post("/api/v1/renovation-targets/", {"district": a.district.pk, "year": 2026, "target": 3},
                        format="json")
    assert again.json()["id"] == first.json()["id"] and RenovationTarget.objects.get().target == 3
    assert AuditEvent.objects.filter(action="oversight.renovation_target").count() == 2
    # A sub-district does not set the district's target; another district does not set ours.
    for user in (a.user("regulator"), b.user("district_regulator")):
        refused = api(user).post("/api/v1/renovation-targets/", {"district": a.district.pk, "year": 2027,
                                                                 "target": 1}, format="json")
        assert refused.status_code == 400
    assert api(b.user("district_regulator")).get("/api/v1/renovation-targets/").json()["results"] == []


def test_the_district_registers_a_renovation_project_by_api(tenants, api):
    a, b = tenants
    body = {"district": a.district.pk, "year": 2026, "name": "老城片区", "scope": "雨污分流",
            "community": a.community.pk, "company": a.company.pk}
    created = api(a.user("district_regulator")).post("/api/v1/renovation-projects/", body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["progress"] == 0
    assert api(b.user("district_regulator")).post("/api/v1/renovation-projects/", body,
                                                  format="json").status_code == 400
    assert RenovationProject.objects.count() == 1


def test_the_renovation_page_creates_targets_and_projects_and_explains_bad_input(tenants, client):
    a, b = tenants
    client.force_login(a.user("district_regulator"))
    url = reverse("oversight:renovation_create", args=[a.district.pk])
    bad = client.post(url, {"step": "target", "district": a.district.pk, "year": 2026, "target": -1}, follow=True)
    assert "目标（个）" in bad.content.decode() and not RenovationTarget.objects.exists()
    client.post(url, {"step": "target", "district": a.district.pk, "year": 2026, "target": 2})
    client.post(url, {"step": "project", "district": a.district.pk, "year": 2026, "name": "老城片区"})
    page = client.get(reverse("oversight:renovation", args=[a.district.pk])).content.decode()
    assert "老城片区" in page and "设定年度改造目标" in page
    assert RenovationTarget.objects.get().target == 2
    client.force_login(b.user("district_regulator"))
    assert client.post(url, {"step": "target", "district": a.district.pk, "year": 2026,
                             "target": 5}).status_code == 404
    assert RenovationTarget.objects.get().target == 2


def test_honours_and_their_reviews_by_api_revoke_after_two_failures(tenants, api):
    a, b = tenants
    client = api(a.user("regulator"))
    honour = client.post("/api/v1/honours/", {"community": a.community.pk, "level": "municipal", "year": 2019,
                                              "title": "市级优秀住宅小区"}, format="json")
    assert honour.status_code == 201, honour.json()
    hid = honour.json()["id"]
    assert api(b.user("district_regulator")).post("/api/v1/honour-reviews/", {
        "honour": hid, "score": "50", "passed": False}, format="json").status_code == 400
    first = client.post("/api/v1/honour-reviews/", {"honour": hid, "score": "58", "passed": False}, format="json")
    assert first.status_code == 201 and first.json()["status"] == "rectifying"
    second = client.post("/api/v1/honour-reviews/", {"honour": hid, "score": "55", "passed": False}, format="json")
    assert second.json()["status"] == "revoked"
    assert Honour.objects.get().status == "revoked"
    assert client.post("/api/v1/honour-reviews/", {"honour": hid, "score": "90", "passed": True},
                       format="json").status_code == 409


def test_the_contract_register_has_an_api_scoped_to_the_jurisdiction(tenants, api):
    a, b = tenants
    body = {"community": a.community.pk, "company": a.company.pk, "phase": "preliminary",
            "signed_on": "2026-08-31", "start": "2026-09-01"}
    created = api(a.user("regulator")).post("/api/v1/service-contracts/", body, format="json")
    assert created.status_code == 201, created.json()
    assert api(b.user("district_regulator")).post("/api/v1/service-contracts/", body, format="json").status_code == 400
    bad = api(a.user("regulator")).post("/api/v1/service-contracts/", {**body, "end": "2026-08-01"}, format="json")
    assert bad.status_code == 400 and "end" in bad.json()["fields"]
    assert [c["id"] for c in api(a.user("regulator")).get("/api/v1/service-contracts/").json()["results"]] == [
        created.json()["id"]]
    assert api(b.user("district_regulator")).get("/api/v1/service-contracts/").json()["results"] == []
    assert ServiceContract.objects.count() == 1


def test_self_management_by_api_is_the_committees_and_stays_in_its_community(tenants, api):
    import datetime as dt

    from linli.governance.models import Committee
    from linli.orgs.models import Membership
    from tests import factories as f

    a, b = tenants
    Committee.objects.create(community=a.community, term_start=dt.date(2026, 1, 1), term_end=dt.date(2028, 12, 31))
    assert api(b.user("committee_member")).post("/api/v1/self-management/", {"community": a.community.pk},
                                                format="json").status_code == 400
    assert api(a.user("manager")).post("/api/v1/self-management/", {"community": a.community.pk},
                                       format="json").status_code == 403
    started = api(a.user("committee_member")).post("/api/v1/self-management/", {"community": a.community.pk},
                                                   format="json")
    assert started.status_code == 201, started.json()
    f.UserFactory(username="hired")
    hire = f"/api/v1/self-management/{started.json()['id']}/hire/"
    unknown = api(a.user("committee_member")).post(hire, {"username": "nobody"}, format="json")
    assert unknown.status_code == 400 and "username" in unknown.json()["fields"]
    hired = api(a.user("committee_member")).post(hire, {"username": "hired", "position": "物业管理负责人"},
                                                 format="json")
    assert hired.status_code == 201, hired.json()
    assert Membership.objects.get(user__username="hired").organization_id == started.json()["organization"]
    assert api(b.user("committee_member")).post(hire, {"username": "hired"}, format="json").status_code == 404
