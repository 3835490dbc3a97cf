"""The governance API speaks DESIGN §5: names, shapes, and the one error shape."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.governance import services
from linli.governance.models import FundUsage, Motion
from tests import factories as f
from tests.governance.conftest import ADULT_ID

RESULT_KEYS = {"total_owners", "total_area", "participating_owners", "participating_area", "yes_owners", "yes_area",
               "quorum_met", "passed"}
TALLY_KEYS = {"participants", "valid", "void", "round_void", "quorum_met", "elected", "tied", "unfilled"}
DECISION_KEYS = {"approved", "scope_owners", "scope_area", "objecting_owners", "objecting_area"}


@pytest.fixture
def committee(tenant, api):
    return api(tenant.user("committee_member"))


def make(client, path, body, **kwargs):
    response = client.post(path, body, format="json", **kwargs)
    assert response.status_code == 201, response.json()
    return response.json()


def test_an_owner_votes_on_the_portal_and_sees_the_published_result(tenant, committee, api):
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "业主大会"})
    assert assembly["status"] == "voting" and assembly["form"] == "written"
    motion = make(committee, "/api/v1/motions/", {"assembly": assembly["id"], "title": "选聘物业",
                                                  "matter": "hire_company"})
    owner = api(tenant.user("owner"))
    vote = owner.post(f"/api/v1/motions/{motion['id']}/votes/", {"owner": tenant.owners[0].pk, "choice": "yes"},
                      format="json")
    assert vote.status_code == 201 and vote.json()["channel"] == "online"
    early = owner.get(f"/api/v1/motions/{motion['id']}/result/")
    assert early.status_code == 403 and early.json()["code"] == "not_published"
    live = committee.get(f"/api/v1/motions/{motion['id']}/result/").json()
    assert set(live) == RESULT_KEYS and live["yes_owners"] == 1
    assert committee.post(f"/api/v1/assemblies/{assembly['id']}/close/").status_code == 200
    assert committee.post(f"/api/v1/assemblies/{assembly['id']}/publish/").json()["status"] == "published"
    result = owner.get(f"/api/v1/motions/{motion['id']}/result/").json()
    assert result == {"total_owners": 3, "total_area": "270.00", "participating_owners": 1,
                      "participating_area": "90.00", "yes_owners": 1, "yes_area": "90.00", "quorum_met": False,
                      "passed": False}
    minutes = owner.get(f"/api/v1/assemblies/{assembly['id']}/minutes.pdf")
    assert minutes.status_code == 200 and minutes.content.startswith(b"%PDF")


def test_an_owner_cannot_name_a_neighbour_as_the_voter(tenant, committee, api):
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "会议"})
    motion = make(committee, "/api/v1/motions/", {"assembly": assembly["id"], "title": "x", "matter": "rules"})
    response = api(tenant.user("owner")).post(f"/api/v1/motions/{motion['id']}/votes/",
                                              {"owner": tenant.owners[1].pk, "choice": "no"}, format="json")
    assert response.status_code == 400 and set(response.json()) == {"detail", "code", "fields"}


def test_a_second_vote_is_a_conflict_and_a_bad_choice_a_400(tenant, committee):
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "会议"})
    motion = make(committee, "/api/v1/motions/", {"assembly": assembly["id"], "title": "x", "matter": "rules"})
    url = f"/api/v1/motions/{motion['id']}/votes/"
    assert committee.post(url, {"owner": tenant.owners[0].pk, "choice": "maybe"}, format="json").status_code == 400
    assert committee.post(url, {"owner": tenant.owners[0].pk, "choice": "yes"}, format="json").status_code == 201
    again = committee.post(url, {"owner": tenant.owners[0].pk, "choice": "no"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "already_voted"
    listed = committee.get(url).json()
    assert listed["count"] == 1 and listed["results"][0]["choice"] == "yes"


def test_an_election_round_through_the_api(tenant, committee):
    owners = tenant.owners + [f.OwnershipFactory(unit=f.UnitFactory(building=tenant.building, number=f"30{i}"),
                                                 owner=f.OwnerFactory(community=tenant.community, id_number=ADULT_ID)).owner
                              for i in range(3)]
    bad = committee.post("/api/v1/elections/", {"community": tenant.community.pk, "seats": 4}, format="json")
    assert bad.status_code == 400 and "seats" in bad.json()["fields"]
    election = make(committee, "/api/v1/elections/", {"community": tenant.community.pk, "seats": 5})
    assert (election["seats"], election["publicity_ends"], election["status"]) == (5, None, "nominating")
    candidates = [make(committee, "/api/v1/candidates/", {"election": election["id"], "owner": o.pk,
                                                          "nominated_by": "prep_group"}) for o in owners]
    assert candidates[0]["eligibility"][0]["condition"] == "owner_of_community"
    for owner in owners:
        assert committee.post(f"/api/v1/elections/{election['id']}/participants/", {"owner": owner.pk},
                              format="json").status_code == 201
    for owner in owners:
        response = committee.post(f"/api/v1/elections/{election['id']}/ballots/",
                                  {"voter": owner.pk, "selections": [c["id"] for c in candidates[:5]]}, format="json")
        assert response.status_code == 201
    tally = committee.post(f"/api/v1/elections/{election['id']}/tally/", {}, format="json").json()
    assert set(tally) == TALLY_KEYS
    assert tally["elected"] == [c["id"] for c in candidates[:5]] and tally["unfilled"] == 0
    committee_row = make(committee, "/api/v1/committees/", {"election": election["id"]})
    assert len(committee_row["members"]) == 5


def test_a_negative_vote_usage_through_the_api(tenant, committee, api):
    ends = (timezone.now() + dt.timedelta(days=7, hours=1)).isoformat()
    usage = make(committee, "/api/v1/fund-usages/", {
        "community": tenant.community.pk, "title": "屋面防水", "amount": "9000.00",
        "units": [u.pk for u in tenant.units], "mode": "negative_vote", "publicity_ends": ends})
    assert usage["status"] == "publicity" and usage["amount"] == "9000.00"
    owner = api(tenant.user("owner"))
    objection = owner.post(f"/api/v1/fund-usages/{usage['id']}/objections/", {"owner": tenant.owners[0].pk},
                           format="json")
    assert objection.status_code == 201
    early = committee.post(f"/api/v1/fund-usages/{usage['id']}/decide/")
    assert early.status_code == 400 and early.json()["code"] == "publicity_running"
    FundUsage.objects.filter(pk=usage["id"]).update(publicity_ends=timezone.now())
    decision = committee.post(f"/api/v1/fund-usages/{usage['id']}/decide/").json()
    assert decision == {"approved": True, "scope_owners": 3, "scope_area": "270.00", "objecting_owners": 1,
                        "objecting_area": "90.00"}


def test_the_fund_ledger_lists_a_units_entries(tenant, committee, api):
    unit = tenant.units[0]
    entry = make(committee, "/api/v1/fund-ledger/", {"unit": unit.pk, "kind": "first_deposit", "rate": "50.00"})
    assert (entry["amount"], entry["balance"]) == ("4500.00", "4500.00")
    make(committee, "/api/v1/fund-ledger/", {"unit": unit.pk, "kind": "top_up", "amount": "100.00"})
    page = api(tenant.user("owner")).get(f"/api/v1/fund-ledger/?unit={unit.pk}").json()
    assert page["count"] == 2 and [r["balance"] for r in page["results"]] == ["4500.00", "4600.00"]
    assert api(tenant.user("neighbour")).get(f"/api/v1/fund-ledger/?unit={unit.pk}").json()["count"] == 0
    assert api(tenant.user("manager")).get(f"/api/v1/fund-ledger/?unit={unit.pk}").json()["count"] == 0


def test_a_proxy_is_uploaded_with_its_document(tenant, committee):
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "会议"})
    upload = {"principal": tenant.owners[0].pk, "holder_owner": tenant.owners[1].pk, "scope": "assembly",
              "assembly": assembly["id"],
              "document": SimpleUploadedFile("委托书.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 32)}
    response = committee.post("/api/v1/proxies/", upload, format="multipart")
    assert response.status_code == 201 and response.json()["holder_name"] == tenant.owners[1].name
    document = committee.get(f"/api/v1/proxies/{response.json()['id']}/document/")
    assert document.status_code == 200
    upload["document"] = SimpleUploadedFile("委托书.exe", b"MZ\x90\x00")
    assert committee.post("/api/v1/proxies/", upload, format="multipart").status_code == 400


def test_the_schema_documents_the_governance_endpoints(api, admin_user):
    paths = api(admin_user).get("/api/v1/schema/?format=json").json()["paths"]
    for path in ("/api/v1/motions/{id}/votes/", "/api/v1/motions/{id}/result/", "/api/v1/elections/{id}/tally/",
                 "/api/v1/fund-usages/{id}/decide/", "/api/v1/fund-ledger/"):
        assert path in paths


def test_opens_at_in_the_future_keeps_voting_closed(tenant, committee):
    later = (timezone.now() + dt.timedelta(days=1)).isoformat()
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "会议",
                                                       "opens_at": later})
    assert assembly["status"] == "scheduled"
    motion = make(committee, "/api/v1/motions/", {"assembly": assembly["id"], "title": "x", "matter": "rules"})
    refused = committee.post(f"/api/v1/motions/{motion['id']}/votes/", {"owner": tenant.owners[0].pk,
                                                                        "choice": "yes"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "not_open"
    assert services.motion_count(Motion.objects.get(pk=motion["id"]))["total_owners"] == 3


def test_a_motion_of_some_units_is_voted_by_their_owners_only(tenant, committee):
    assembly = make(committee, "/api/v1/assemblies/", {"community": tenant.community.pk, "title": "会议"})
    motion = make(committee, "/api/v1/motions/", {"assembly": assembly["id"], "title": "1号楼外墙", "matter": "fund_use",
                                                  "scope_units": [tenant.units[0].pk]})
    assert motion["scope_units"] == [tenant.units[0].pk]
    url = f"/api/v1/motions/{motion['id']}/votes/"
    assert committee.post(url, {"owner": tenant.owners[1].pk, "choice": "yes"}, format="json").json()["code"] == \
        "not_on_roll"
    assert committee.post(url, {"owner": tenant.owners[0].pk, "choice": "yes"}, format="json").status_code == 201
    result = committee.get(f"/api/v1/motions/{motion['id']}/result/").json()
    assert (result["total_owners"], result["passed"]) == (1, True)
