"""The committee's duties of 篇四 §二 (issue 15 item 6): the annual budget and final accounts, the
owners' concerns raised with the committee first, the scrutineers and tellers who sign the count,
and the committee's filing confirmed by the sub-district on its side."""

import datetime as dt
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor
from linli.governance import selectors, services
from linli.governance.models import Committee, CommitteeMember, CountOfficer
from linli.governance.pdf import assembly_minutes_pdf
from linli.servicedesk.models import ServiceRequest
from tests import factories as f

D = Decimal
LINES = [{"item": "物业服务人员工资", "amount": "360000.00", "note": "12 人"},
         {"item": "公共设施设备日常运行维护", "amount": "85000.50"}]


def budget(tenant, **kwargs):
    return services.service_budget_create(actor=Actor(tenant.user("manager")), community=tenant.community,
                                          year=2027, kind="budget", lines=kwargs.pop("lines", LINES), **kwargs)


# Budget and final accounts ----------------------------------------------------------------

def test_the_company_drafts_the_committee_approves_and_owners_see_it_once_disclosed(
        tenant, django_capture_on_commit_callbacks):
    committee, owner = Actor(tenant.user("committee_member")), Actor(tenant.user("owner"))
    b = budget(tenant)
    assert (b.status, b.total, b.title) == ("draft", D("445000.50"), "2027年度物业服务费预算")
    assert not selectors.service_budget_list(actor=owner).exists()
    services.service_budget_submit(actor=Actor(tenant.user("finance")), budget=b)
    with pytest.raises(PermissionDenied):
        services.service_budget_review(actor=Actor(tenant.user("manager")), budget=b, approve=True)
    services.service_budget_review(actor=committee, budget=b, approve=True)
    assert not selectors.service_budget_list(actor=owner).exists()  # approved, not yet disclosed
    with django_capture_on_commit_callbacks(execute=True):
        services.service_budget_disclose(actor=committee, budget=b)
    b.refresh_from_db()
    assert b.status == "disclosed" and b.disclosed_at is not None and b.approved_at is not None
    assert selectors.service_budget_list(actor=owner).get() == b
    assert InboxMessage.objects.filter(user=tenant.user("owner"), title__contains="预算").exists()


def test_a_returned_budget_is_revised_and_submitted_again(tenant):
    committee = Actor(tenant.user("committee_member"))
    b = budget(tenant)
    services.service_budget_submit(actor=Actor(tenant.user("manager")), budget=b)
    with pytest.raises(ValidationFailed):  # a return says why
        services.service_budget_review(actor=committee, budget=b, approve=False)
    services.service_budget_review(actor=committee, budget=b, approve=False, note="人员工资偏高，请附测算依据")
    with pytest.raises(ValidationFailed):
        services.service_budget_disclose(actor=committee, budget=b)
    services.service_budget_revise(actor=Actor(tenant.user("manager")), budget=b,
                                   lines=[{"item": "物业服务人员工资", "amount": "330000"}])
    b.refresh_from_db()
    assert (b.status, b.total, b.lines.count()) == ("draft", D("330000.00"), 1)
    services.service_budget_submit(actor=Actor(tenant.user("manager")), budget=b)
    with pytest.raises(ValidationFailed):  # nothing changes under review
        services.service_budget_revise(actor=Actor(tenant.user("manager")), budget=b, lines=LINES)


def test_a_budget_needs_lines_and_one_of_each_kind_a_year(tenant):
    with pytest.raises(ValidationFailed):
        budget(tenant, lines=[])
    with pytest.raises(ValidationFailed):
        budget(tenant, lines=[{"item": "x", "amount": "-1"}])
    budget(tenant)
    with pytest.raises(ValidationFailed):
        budget(tenant)
    assert services.service_budget_create(actor=Actor(tenant.user("manager")), community=tenant.community, year=2027,
                                          kind="final", lines=LINES).kind == "final"


def test_the_budget_api_and_its_scope(tenant, tenants, api):
    a, b = tenants
    manager, committee = api(a.user("manager")), api(a.user("committee_member"))
    created = manager.post("/api/v1/service-budgets/", {"community": a.community.pk, "year": 2027, "kind": "budget",
                                                        "lines": LINES}, format="json")
    assert created.status_code == 201 and created.json()["total"] == "445000.50"
    pk = created.json()["id"]
    assert manager.post(f"/api/v1/service-budgets/{pk}/submit/").status_code == 200
    assert committee.post(f"/api/v1/service-budgets/{pk}/approve/", {}, format="json").json()["status"] == "approved"
    assert committee.post(f"/api/v1/service-budgets/{pk}/disclose/").json()["status"] == "disclosed"
    assert api(a.user("owner")).get(f"/api/v1/service-budgets/{pk}/").status_code == 200
    assert api(b.user("committee_member")).get(f"/api/v1/service-budgets/{pk}/").status_code == 404
    assert api(b.user("manager")).post(f"/api/v1/service-budgets/{pk}/submit/").status_code == 404


# Owners' concerns -------------------------------------------------------------------------

def test_an_owner_raises_a_concern_and_the_committee_answers_it(tenant, django_capture_on_commit_callbacks):
    owner, committee = Actor(tenant.user("owner")), Actor(tenant.user("committee_member"))
    with django_capture_on_commit_callbacks(execute=True):
        concern = services.owner_concern_raise(actor=owner, owner=tenant.owners[0], subject="夜间施工噪音",
                                               text="物业在夜间维修水泵，影响休息。")
    assert concern.unit == tenant.units[0] and concern.status == "open"
    assert InboxMessage.objects.filter(user=tenant.user("committee_member"), title__contains="夜间施工噪音").exists()
    with pytest.raises(PermissionDenied):  # in one's own name only
        services.owner_concern_raise(actor=owner, owner=tenant.owners[1], subject="x", text="y")
    with pytest.raises(PermissionDenied):  # the company is not who answers
        services.owner_concern_answer(actor=Actor(tenant.user("manager")), concern=concern, answer="好")
    with django_capture_on_commit_callbacks(execute=True):
        services.owner_concern_answer(actor=committee, concern=concern, answer="已与物业约定晚十点后停工。")
    concern.refresh_from_db()
    assert concern.status == "answered" and concern.answered_by == tenant.user("committee_member")
    assert InboxMessage.objects.filter(user=tenant.user("owner"), body__contains="晚十点").exists()
    with pytest.raises(ValidationFailed):
        services.owner_concern_answer(actor=committee, concern=concern, answer="again")


def test_the_committee_hands_a_concern_to_the_company_as_the_owners_service_request(tenant):
    concern = services.owner_concern_raise(actor=Actor(tenant.user("owner")), owner=tenant.owners[0],
                                           subject="电梯异响", text="3 号电梯运行时有异响。")
    services.owner_concern_hand_off(actor=Actor(tenant.user("committee_member")), concern=concern, kind="repair",
                                    answer="已转物业维修。")
    concern.refresh_from_db()
    request = concern.service_request
    assert concern.status == "handed_off" and isinstance(request, ServiceRequest)
    assert (request.kind, request.channel, request.requester, request.unit, request.community) == (
        "repair", "owner", tenant.user("owner"), tenant.units[0], tenant.community)
    assert "已转物业维修" in request.description and request.company == tenant.company


def test_the_committees_opinion_on_a_hand_off_fits_the_requests_description(tenant):
    concern = services.owner_concern_raise(actor=Actor(tenant.user("owner")), owner=tenant.owners[0],
                                           subject="噪音", text="意" * 1500)
    committee = Actor(tenant.user("committee_member"))
    with pytest.raises(ValidationFailed):
        services.owner_concern_hand_off(actor=committee, concern=concern, answer="见" * 401)
    services.owner_concern_hand_off(actor=committee, concern=concern, answer="见" * 400)
    concern.refresh_from_db()
    assert len(concern.service_request.description) <= 2000


def test_concerns_are_read_by_their_owner_the_committee_and_the_regulators_only(tenant):
    concern = services.owner_concern_raise(actor=Actor(tenant.user("owner")), owner=tenant.owners[0],
                                           subject="绿化", text="草坪长期未修剪。")
    for role, sees in (("owner", True), ("committee_member", True), ("regulator", True), ("neighbour", False),
                       ("manager", False)):
        assert selectors.owner_concern_list(actor=Actor(tenant.user(role))).filter(pk=concern.pk).exists() is sees


# Scrutineers and tellers ------------------------------------------------------------------

@pytest.fixture
def tallied(town):
    owners = town.owners(*["100"] * 6)
    election = services.election_create(actor=town.committee, community=town.community, seats=5)
    candidates = [services.candidate_nominate(actor=town.committee, election=election, owner=o,
                                              nominated_by="prep_group") for o in owners[:6]]
    return election, owners, candidates


def test_officers_are_recorded_and_sign_the_count_after_the_tally(town, tallied):
    election, owners, candidates = tallied
    watcher = town.owner("100", login=True)
    scrutineer = services.count_officer_add(actor=town.committee, election=election, role="scrutineer", owner=watcher)
    teller = services.count_officer_add(actor=town.committee, election=election, role="teller", name="王计票")
    with pytest.raises(ValidationFailed) as refused:
        services.count_officer_add(actor=town.committee, election=election, role="teller", owner=owners[0])
    assert refused.value.code == "candidate"
    with pytest.raises(ValidationFailed) as refused:  # nothing to sign before the count
        services.count_sign(actor=Actor(watcher.user), officer=scrutineer)
    assert refused.value.code == "not_counted"
    for owner in owners + [watcher]:
        services.participant_register(actor=town.committee, election=election, owner=owner)
        services.ballot_cast(actor=town.committee, election=election, voter=owner,
                             selections=[c.pk for c in candidates[:5]])
    services.election_tally(actor=town.committee, election=election)
    election.refresh_from_db()
    with pytest.raises(PermissionDenied):  # an owner signs for themself only
        services.count_sign(actor=Actor(watcher.user), officer=teller)
    services.count_sign(actor=Actor(watcher.user), officer=scrutineer)
    services.count_sign(actor=town.committee, officer=teller)  # the paper signature, entered by the committee
    signed = CountOfficer.objects.filter(election=election)
    assert {o.signed_digest for o in signed} == {election.result["ballots_digest"]}
    assert signed.get(pk=scrutineer.pk).signed_entered_by == watcher.user
    with pytest.raises(Conflict):
        services.count_sign(actor=town.committee, officer=teller)
    with pytest.raises(ValidationFailed):
        services.count_officer_add(actor=town.committee, election=election, role="teller", name="迟到")


def test_the_minutes_name_the_officers_and_their_signatures(town):
    owner = town.owner("100")
    assembly = services.assembly_create(actor=town.committee, community=town.community, title="年度会议")
    motion = services.motion_create(actor=town.committee, assembly=assembly, title="议事规则", matter="rules")
    services.vote_cast(actor=town.committee, motion=motion, owner=owner, choice="yes")
    officer = services.count_officer_add(actor=town.committee, assembly=assembly, role="scrutineer", name="李监票")
    services.count_officer_add(actor=town.committee, assembly=assembly, role="teller", name="赵计票")
    services.assembly_close(actor=town.committee, assembly=assembly)
    services.count_sign(actor=town.committee, officer=officer)
    pdf = assembly_minutes_pdf(actor=town.committee, assembly=assembly)
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "监票人：李监票" in text and "已签字" in text
    assert "计票人：赵计票" in text and "签字：__________" in text


# The filing, confirmed by the sub-district ------------------------------------------------

@pytest.fixture
def committee(tenant):
    committee = Committee.objects.create(community=tenant.community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31), seats=3)
    for owner in tenant.owners:
        CommitteeMember.objects.create(committee=committee, owner=owner)
    return committee


def test_the_sub_district_confirms_the_filing_on_its_side(tenant, committee, django_capture_on_commit_callbacks):
    committee_actor = Actor(tenant.user("committee_member"))
    with django_capture_on_commit_callbacks(execute=True):
        services.committee_file(actor=committee_actor, committee=committee, reference="兰山备〔2026〕3号")
    filing = committee.filings.get()
    assert filing.filed_with == tenant.subdistrict and filing.status == "submitted"
    assert InboxMessage.objects.filter(user=tenant.user("regulator"), title="业主委员会备案待确认").exists()
    with pytest.raises(Conflict):  # one filing at a time
        services.committee_file(actor=committee_actor, committee=committee, reference="重复")
    for outsider in ("committee_member", "district_regulator"):
        with pytest.raises(PermissionDenied):
            services.committee_filing_answer(actor=Actor(tenant.user(outsider)), filing=filing, confirm=True)
    services.committee_filing_answer(actor=Actor(tenant.user("regulator")), filing=filing, confirm=True)
    filing.refresh_from_db()
    assert filing.status == "confirmed" and filing.answered_by == tenant.user("regulator")
    assert services.filing_current(committee) == filing


def test_a_returned_filing_says_why_and_a_member_change_needs_a_change_filing(tenant, committee):
    regulator = Actor(tenant.user("regulator"))
    services.committee_file(actor=Actor(tenant.user("committee_member")), committee=committee, reference="备1")
    filing = committee.filings.get()
    with pytest.raises(ValidationFailed):
        services.committee_filing_answer(actor=regulator, filing=filing, confirm=False)
    services.committee_filing_answer(actor=regulator, filing=filing, confirm=False, note="缺委员身份证明")
    assert services.filing_current(committee) is None
    services.committee_file(actor=Actor(tenant.user("committee_member")), committee=committee, reference="备2")
    services.committee_filing_answer(actor=regulator, filing=committee.filings.first(), confirm=True)
    assert services.filing_current(committee).reference == "备2"
    CommitteeMember.objects.filter(committee=committee, owner=tenant.owners[2]).update(left_on=dt.date(2026, 6, 1))
    assert services.filing_current(committee) is None
    services.committee_file(actor=Actor(tenant.user("committee_member")), committee=committee, reference="备3")
    assert committee.filings.first().reason == "change"


def test_the_committee_page_shows_the_filing_to_confirm_to_the_sub_district(tenant, committee, client):
    services.committee_file(actor=Actor(tenant.user("committee_member")), committee=committee, reference="备1")
    filing = committee.filings.get()
    client.force_login(tenant.user("regulator"))
    page = client.get(reverse("governance:committee", args=[committee.pk])).content.decode()
    assert "确认备案</button>" in page
    client.post(reverse("governance:filing_action", args=[filing.pk, "confirm"]), {"note": ""})
    filing.refresh_from_db()
    assert filing.status == "confirmed"
    client.force_login(tenant.user("committee_member"))
    assert "确认备案</button>" not in client.get(reverse("governance:committee", args=[committee.pk])).content.decode()


def test_the_prep_group_formed_by_a_sub_district_is_recorded_under_it(tenant):
    group = services.prep_group_create(actor=Actor(tenant.user("regulator")), community=tenant.community)
    assert group.led_by == tenant.subdistrict


def test_the_prep_group_formed_by_the_residents_committee_is_recorded_under_it(tenant):
    rc_regulator = f.UserFactory(username="rc-officer")
    f.MembershipFactory(user=rc_regulator, organization=tenant.residents_committee, role="regulator")
    group = services.prep_group_create(actor=Actor(rc_regulator), community=tenant.community)
    assert group.led_by == tenant.residents_committee


def test_a_prep_group_is_led_only_by_an_office_of_the_communitys_chain(tenant, tenants):
    with pytest.raises(ValidationFailed):
        services.prep_group_create(actor=Actor(tenant.user("regulator")), community=tenant.community,
                                   led_by=tenants[1].subdistrict)


# Through the API and the pages ------------------------------------------------------------

def test_the_concern_api(tenant, api):
    owner, committee = api(tenant.user("owner")), api(tenant.user("committee_member"))
    created = owner.post("/api/v1/owner-concerns/", {"owner": tenant.owners[0].pk, "subject": "垃圾清运",
                                                     "text": "垃圾桶满溢两天未清运。"}, format="json")
    assert created.status_code == 201 and created.json()["status"] == "open"
    pk = created.json()["id"]
    assert api(tenant.user("neighbour")).get(f"/api/v1/owner-concerns/{pk}/").status_code == 404
    handed = committee.post(f"/api/v1/owner-concerns/{pk}/hand-off/", {"kind": "complaint"}, format="json")
    assert handed.status_code == 200 and handed.json()["service_request"] is not None
    again = committee.post(f"/api/v1/owner-concerns/{pk}/answer/", {"answer": "x"}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_answered"


def test_the_interest_api_needs_a_second_member(tenant, api):
    services.fund_first_deposit(actor=Actor(tenant.user("committee_member")), community=tenant.community,
                                units=tenant.units, rate=D("50"))
    member = api(tenant.user("committee_member"))
    created = member.post("/api/v1/fund-interest/", {"community": tenant.community.pk, "amount": "30.00"},
                          format="json")
    assert created.status_code == 201 and created.json()["status"] == "pending"
    url = f"/api/v1/fund-interest/{created.json()['id']}/confirm/"
    refused = member.post(url)
    assert refused.status_code == 403 and refused.json()["code"] == "second_member_required"
    second = f.UserFactory(username="api-second-member")
    f.MembershipFactory(user=second, organization=tenant.residents_committee, role="committee_member",
                        community=tenant.community)
    assert api(second).post(url).json()["status"] == "posted"
    posted = api(tenant.user("finance")).post("/api/v1/fund-interest/", {"community": tenant.community.pk,
                                                                         "amount": "3.00"}, format="json")
    assert posted.json()["status"] == "posted"


def test_the_filing_and_officer_apis(tenant, committee, api):
    member, regulator = api(tenant.user("committee_member")), api(tenant.user("regulator"))
    assert member.post(f"/api/v1/committees/{committee.pk}/filing/", {"reference": "备1"},
                       format="json").json()["filing"] is not None
    filing = committee.filings.get()
    assert member.post(f"/api/v1/committee-filings/{filing.pk}/confirm/", {}, format="json").status_code == 403
    confirmed = regulator.post(f"/api/v1/committee-filings/{filing.pk}/confirm/", {}, format="json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assembly = services.assembly_create(actor=Actor(tenant.user("committee_member")), community=tenant.community,
                                        title="会议")
    officer = member.post("/api/v1/count-officers/", {"assembly": assembly.pk, "role": "teller", "name": "钱计票"},
                          format="json")
    assert officer.status_code == 201
    early = member.post(f"/api/v1/count-officers/{officer.json()['id']}/sign/")
    assert early.status_code == 400 and early.json()["code"] == "not_counted"


def test_the_budget_and_concern_pages(tenant, client):
    client.force_login(tenant.user("manager"))
    response = client.post(reverse("governance:budget_new", args=[tenant.community.pk]), {
        "year": "2027", "kind": "budget", "title": "", "note": "",
        "lines": "物业服务人员工资，360000，12 人\n绿化养护|42000.5"})
    b = tenant.community.service_budgets.get()
    assert response.url == reverse("governance:budget", args=[b.pk]) and b.total == D("402000.50")
    client.post(reverse("governance:budget_action", args=[b.pk, "submit"]))
    client.force_login(tenant.user("committee_member"))
    client.post(reverse("governance:budget_action", args=[b.pk, "approve"]), {"note": ""})
    client.post(reverse("governance:budget_action", args=[b.pk, "disclose"]))
    client.force_login(tenant.user("owner"))
    assert b.title in client.get(reverse("governance:me")).content.decode()
    assert "402000.50" in client.get(reverse("governance:budget", args=[b.pk])).content.decode()
    client.post(reverse("governance:concern_new", args=[tenant.community.pk]),
                {"subject": "门禁故障", "text": "北门门禁经常失灵。"})
    concern = tenant.community.owner_concerns.get()
    client.force_login(tenant.user("committee_member"))
    assert "门禁故障" in client.get(reverse("governance:desk", args=[tenant.community.pk])).content.decode()
    client.post(reverse("governance:concern_action", args=[concern.pk, "answer"]), {"answer": "已督促物业维修。"})
    concern.refresh_from_db()
    assert concern.status == "answered"


def test_the_manager_drafts_on_the_page_and_the_committee_publishes_there(tenant, client):
    client.force_login(tenant.user("manager"))
    client.post(reverse("governance:usage_new", args=[tenant.community.pk]), {
        "title": "屋面防水", "amount": "27000", "contractor": "", "mode": "negative_vote", "category": "",
        "publicity_ends": "", "buildings": [tenant.building.pk], "description": ""})
    usage = tenant.community.fund_usages.get()
    assert usage.status == "draft"
    client.force_login(tenant.user("committee_member"))
    page = client.get(reverse("governance:usage", args=[usage.pk])).content.decode()
    assert "审核发布" in page
    ends = (timezone.localtime() + dt.timedelta(days=6)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("governance:usage_action", args=[usage.pk, "publish"]), {"publicity_ends": ends})
    usage.refresh_from_db()
    assert usage.status == "draft"
    ends = (timezone.localtime() + dt.timedelta(days=8)).strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("governance:usage_action", args=[usage.pk, "publish"]), {"publicity_ends": ends})
    usage.refresh_from_db()
    assert usage.status == "publicity"
