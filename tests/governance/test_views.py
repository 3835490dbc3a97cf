"""The governance pages through Django's test client: who sees what, and that every form goes
through the services."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from linli.core.tenancy import Actor
from linli.governance import services
from linli.governance.models import (
    Ballot,
    Candidate,
    Committee,
    CommitteeMember,
    FundEntry,
    FundInterest,
    FundObjection,
    FundUsage,
    PrepGroup,
    Proxy,
    SignIn,
    Vote,
)
from linli.orgs.models import Membership
from tests import factories as f
from tests.governance.conftest import ADULT_ID


@pytest.fixture
def assembly(tenant):
    actor = Actor(tenant.user("committee_member"))
    a = services.assembly_create(actor=actor, community=tenant.community, title="年度业主大会", form="meeting")
    services.motion_create(actor=actor, assembly=a, title="续聘物业", matter="hire_company")
    return a


def unit_fields(tenant, unit):
    return {"building": tenant.building.pk, "number": unit.number}


def test_the_committee_desk_lists_the_communitys_business(login, tenant, assembly):
    response = login(tenant.user("committee_member")).get(reverse("governance:desk", args=[tenant.community.pk]))
    assert response.status_code == 200
    assert "年度业主大会" in response.content.decode()


def test_another_tenants_pages_are_not_found(login, tenants):
    a, b = tenants
    other = services.assembly_create(actor=Actor(b.user("committee_member")), community=b.community, title="乙会议")
    client = login(a.user("committee_member"))
    assert client.get(reverse("governance:desk", args=[b.community.pk])).status_code == 404
    assert client.get(reverse("governance:assembly", args=[other.pk])).status_code == 404


def test_staff_do_not_run_the_owners_votes(login, tenant):
    response = login(tenant.user("manager")).get(reverse("governance:assembly_new", args=[tenant.community.pk]))
    assert response.status_code == 403


def test_an_owner_votes_on_the_portal(login, tenant, assembly):
    motion = assembly.motions.get()
    client = login(tenant.user("owner"))
    page = client.get(reverse("governance:me"))
    assert "续聘物业" in page.content.decode()
    response = client.post(reverse("governance:motion_vote", args=[motion.pk]), {"choice": "yes", "confirm": "1"})
    assert response.status_code == 302
    vote = Vote.objects.get(motion=motion)
    assert (vote.owner, vote.choice, vote.channel) == (tenant.owners[0], "yes", "online")
    assert "您已表决：同意" in client.get(reverse("governance:assembly", args=[assembly.pk])).content.decode()


def test_a_tap_on_a_choice_shows_the_motion_and_the_choice_and_binds_nothing(login, tenant, assembly):
    motion = assembly.motions.get()
    client = login(tenant.user("owner"))
    response = client.post(reverse("governance:motion_vote", args=[motion.pk]),
                           {"choice": "no", "back": "/governance/me/"})
    page = response.content.decode()
    assert response.status_code == 200
    assert motion.title in page and "您选择：" in page and "确认投“反对”票" in page
    assert 'name="confirm" value="1"' in page and 'name="choice" value="no"' in page
    assert not Vote.objects.exists()
    client.post(reverse("governance:motion_vote", args=[motion.pk]), {"choice": "no"})  # a replayed first tap
    assert not Vote.objects.exists()
    client.post(reverse("governance:motion_vote", args=[motion.pk]), {"choice": "no", "confirm": "1"})
    assert Vote.objects.get().choice == "no"


def test_a_confirmation_without_a_valid_choice_says_so_and_binds_nothing(login, tenant, assembly):
    motion = assembly.motions.get()
    response = login(tenant.user("owner")).post(reverse("governance:motion_vote", args=[motion.pk]),
                                                {"choice": "maybe", "back": "/governance/me/"}, follow=True)
    assert "请选择同意、反对或弃权" in response.content.decode()
    assert not Vote.objects.exists()


@pytest.mark.parametrize("back, lands_on", [("/governance/me/", "/governance/me/"),
                                              ("https://evil.example/", None), ("//evil.example/", None)])
def test_a_vote_goes_back_only_to_a_page_of_this_site(login, tenant, assembly, back, lands_on):
    motion = assembly.motions.get()
    response = login(tenant.user("owner")).post(reverse("governance:motion_vote", args=[motion.pk]),
                                                {"choice": "yes", "back": back, "confirm": "1"})
    assert response["Location"] == (lands_on or reverse("governance:assembly", args=[assembly.pk]))


def test_a_teller_enters_a_paper_ballot_by_unit_with_its_proxy(login, tenant, assembly):
    motion = assembly.motions.get()
    client = login(tenant.user("committee_member"))
    unit = tenant.units[1]
    upload = {**unit_fields(tenant, unit), "holder_name": "王五",
              "document": SimpleUploadedFile("proxy.jpg", b"\xff\xd8\xff\xe0 jpeg")}
    client.post(reverse("governance:proxy_add", args=[assembly.pk]), upload)
    proxy = Proxy.objects.get()
    client.post(reverse("governance:motion_vote", args=[motion.pk]),
                {**unit_fields(tenant, unit), "choice": "no", "proxy": proxy.pk})
    vote = Vote.objects.get()
    assert (vote.owner, vote.proxy, vote.channel) == (tenant.owners[1], proxy, "paper")
    named = client.get(reverse("governance:motion", args=[motion.pk])).content.decode()
    assert "由 王五 代理" in named


def test_sign_in_by_unit(login, tenant, assembly):
    login(tenant.user("committee_member")).post(reverse("governance:sign_in", args=[assembly.pk]),
                                                unit_fields(tenant, tenant.units[2]))
    assert SignIn.objects.get().owner == tenant.owners[2]


def test_closing_publishing_and_the_minutes(login, tenant, assembly):
    client = login(tenant.user("committee_member"))
    for what in ("close", "publish"):
        client.post(reverse("governance:assembly_action", args=[assembly.pk, what]))
    assembly.refresh_from_db()
    assert assembly.published_at is not None
    owner = login(tenant.user("owner"))
    assert "未通过" in owner.get(reverse("governance:me")).content.decode()
    pdf = owner.get(reverse("governance:minutes", args=[assembly.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_an_election_on_the_desk(login, tenant):
    owners = tenant.owners + [f.OwnershipFactory(unit=f.UnitFactory(building=tenant.building, number=f"4{i:02d}"),
                                                 owner=f.OwnerFactory(community=tenant.community)).owner
                              for i in range(4)]
    client = login(tenant.user("committee_member"))
    response = client.post(reverse("governance:election_new", args=[tenant.community.pk]), {"seats": 5, "title": ""})
    election = tenant.community.elections.get()
    assert response.url == reverse("governance:election", args=[election.pk])
    action = lambda what: reverse("governance:election_action", args=[election.pk, what])  # noqa: E731
    for owner in owners[:6]:
        unit = owner.ownerships.get().unit
        client.post(action("nominate"), {**unit_fields(tenant, unit), "nominated_by": "owner_reps"})
    # owner_reps needs the nominating representatives: refused on the page, entered as prep_group instead.
    assert not Candidate.objects.exists()
    for owner in owners[:6]:
        client.post(action("nominate"), {**unit_fields(tenant, owner.ownerships.get().unit),
                                         "nominated_by": "prep_group"})
    candidates = list(Candidate.objects.order_by("id"))
    for owner in owners:
        unit = owner.ownerships.get().unit
        client.post(action("sign_in"), unit_fields(tenant, unit))
        client.post(action("ballot"), {**unit_fields(tenant, unit), "selections": [c.pk for c in candidates[:5]]})
    assert Ballot.objects.count() == 7
    client.post(action("tally"), {"ballots_collected": 7})
    election.refresh_from_db()
    assert election.result["elected"] == [c.pk for c in candidates[:5]]
    client.post(action("committee"))
    assert Committee.objects.get(election=election).members.count() == 5
    page = client.get(reverse("governance:election", args=[election.pk])).content.decode()
    assert "当选" in page


def test_an_owner_signs_in_and_votes_in_an_open_election(login, tenant):
    actor = Actor(tenant.user("committee_member"))
    extra = [f.OwnershipFactory(unit=f.UnitFactory(building=tenant.building, number=f"5{i:02d}"),
                                owner=f.OwnerFactory(community=tenant.community, id_number=ADULT_ID)).owner
             for i in range(3)]
    election = services.election_create(actor=actor, community=tenant.community, seats=5)
    for owner in tenant.owners + extra:
        services.candidate_nominate(actor=actor, election=election, owner=owner, nominated_by="prep_group")
    services.election_open(actor=actor, election=election)
    client = login(tenant.user("owner"))
    action = lambda what: reverse("governance:election_action", args=[election.pk, what])  # noqa: E731
    client.post(action("sign_in"))
    ballot_page = client.get(reverse("governance:election", args=[election.pk])).content.decode()
    # The qualifications checked at nomination are on the ballot (篇四 §一.1).
    assert "候选人均经资格审查：本小区产权人或产权共有人、具有完全民事行为能力" in ballot_page
    assert f"{tenant.owners[0].name}（本小区产权人或产权共有人、具有完全民事行为能力）" in ballot_page
    client.post(action("ballot"), {"selections": [election.candidates.first().pk]})
    ballot = Ballot.objects.get()
    assert (ballot.participant.owner, ballot.channel) == (tenant.owners[0], "online")


def test_the_committee_page_files_and_turns_to_self_management(login, tenant):
    committee = Committee.objects.create(community=tenant.community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31))
    members = [CommitteeMember.objects.create(committee=committee, owner=o) for o in tenant.owners]
    client = login(tenant.user("committee_member"))
    action = lambda what: reverse("governance:committee_action", args=[committee.pk, what])  # noqa: E731
    client.post(action("filing"), {"reference": "备〔2026〕1号"})
    for voter in members:
        client.post(action("officer_ballot"), {"voter": voter.pk, "chair": members[0].pk,
                                               "vice_chairs": [members[1].pk, members[2].pk]})
    client.post(action("officers"))
    client.post(action("self_manage"))
    hired = f.UserFactory(username="hired")
    client.post(action("hire"), {"username": "hired", "position": "物业管理负责人"})
    committee.refresh_from_db()
    assert committee.filing_reference == "备〔2026〕1号"
    assert committee.members.get(pk=members[0].pk).office == "chair"
    assert Membership.objects.get(user=hired).role == "manager"
    assert Actor(hired).community_ids() == {tenant.community.pk}


def test_the_fund_desk_and_an_owners_statement(login, tenant):
    client = login(tenant.user("committee_member"))
    client.post(reverse("governance:fund_action", args=[tenant.community.pk, "first_deposit"]), {"rate": "50"})
    client.post(reverse("governance:fund_action", args=[tenant.community.pk, "interest"]), {"amount": "10.00"})
    assert FundEntry.objects.count() == 3  # the interest waits for a second member
    interest = FundInterest.objects.get()
    second = f.UserFactory(username="second-member")
    f.MembershipFactory(user=second, organization=tenant.residents_committee, role="committee_member",
                        community=tenant.community)
    assert "确认入账" in login(second).get(reverse("governance:fund", args=[tenant.community.pk])).content.decode()
    client.post(reverse("governance:interest_confirm", args=[interest.pk]))
    client.post(reverse("governance:fund_action", args=[tenant.community.pk, "top_up"]),
                {**unit_fields(tenant, tenant.units[0]), "amount": "100", "memo": ""})
    assert FundEntry.objects.count() == 7
    assert client.get(reverse("governance:fund", args=[tenant.community.pk])).status_code == 200
    owner = login(tenant.user("owner"))
    page = owner.get(reverse("governance:my_fund")).content.decode()
    # 4500.00 + 100.00 + the interest: 10.00 in thirds is 3.33 each and a fen left over, which goes
    # to the first of the equal remainders.
    assert "4603.34" in page
    assert owner.get(reverse("governance:fund", args=[tenant.community.pk])).status_code == 403
    assert owner.get(reverse("governance:my_fund_statement")).content.startswith(b"%PDF")


def test_an_owner_objects_to_a_usage_in_publicity(login, tenant):
    usage = services.fund_usage_create(actor=Actor(tenant.user("committee_member")), community=tenant.community,
                                       title="外墙修缮", amount=Decimal("3000"), units=tenant.units,
                                       mode="negative_vote", publicity_ends=timezone.now() + dt.timedelta(days=7, hours=1))
    client = login(tenant.user("owner"))
    assert "我有异议" in client.get(reverse("governance:usage", args=[usage.pk])).content.decode()
    client.post(reverse("governance:usage_action", args=[usage.pk, "object"]))
    assert FundObjection.objects.get().owner == tenant.owners[0]
    assert "您已于" in client.get(reverse("governance:usage", args=[usage.pk])).content.decode()
    FundUsage.objects.filter(pk=usage.pk).update(publicity_ends=timezone.now())
    login(tenant.user("committee_member")).post(reverse("governance:usage_action", args=[usage.pk, "decide"]))
    usage.refresh_from_db()
    assert usage.status == "approved"  # one of three owners is a third, not more


def test_the_regulator_forms_the_preparation_group(login, tenant):
    client = login(tenant.user("regulator"))
    client.post(reverse("governance:prep_group_action", args=[tenant.community.pk, "create"]))
    group = PrepGroup.objects.get()
    client.post(reverse("governance:prep_group_action", args=[tenant.community.pk, "member"]),
                {"name": "", "role": "leader", "affiliation": "业主代表", **unit_fields(tenant, tenant.units[0])})
    client.post(reverse("governance:prep_group_action", args=[tenant.community.pk, "task"]),
                {"key": "meeting", "done": "1"})
    member = group.members.get()
    assert (member.owner, member.user) == (tenant.owners[0], tenant.user("owner"))
    assert group.tasks.get(key="meeting").done_on is not None
    # The owner on the group now runs the first assembly's votes.
    assert services.can_run(Actor(tenant.user("owner")), tenant.community.pk)


def test_a_recall_petition_on_the_portal(login, tenant):
    committee = Committee.objects.create(community=tenant.community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31))
    member = CommitteeMember.objects.create(committee=committee, owner=tenant.owners[2])
    client = login(tenant.user("owner"))
    response = client.post(reverse("governance:recall_new", args=[tenant.community.pk]),
                           {"members": [member.pk], "reason": "不履职"})
    petition = committee.recall_petitions.get()
    assert response.url == reverse("governance:recall", args=[petition.pk])
    client.post(reverse("governance:recall_sign", args=[petition.pk]))
    petition.refresh_from_db()
    assert petition.status == "qualified"  # 90 of 270 m²
