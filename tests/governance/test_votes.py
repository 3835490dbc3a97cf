"""Assemblies and motions through the services, on hand-computed communities (DESIGN §6)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.estates.models import Ownership
from linli.governance import services
from linli.governance.models import Assembly, Vote
from linli.governance.pdf import assembly_minutes_pdf
from linli.governance.tasks import assemblies_open
from tests import factories as f

PDF = b"%PDF-1.4 signed proxy"


def assembly(town, **kwargs):
    return services.assembly_create(actor=town.committee, community=town.community, title="2026年业主大会", **kwargs)


def motion(town, the_assembly, matter="hire_company", **kwargs):
    return services.motion_create(actor=town.committee, assembly=the_assembly, title="议题", matter=matter, **kwargs)


def vote(town, the_motion, owner, choice, **kwargs):
    return services.vote_cast(actor=town.committee, motion=the_motion, owner=owner, choice=choice, **kwargs)


def result(town, the_motion):
    return services.motion_result_for(actor=town.committee, motion=the_motion)


def test_an_owner_with_several_units_counts_once_with_their_summed_area(town):
    a = town.owner("60.50", "39.50")
    b, c = town.owner("100"), town.owner("100")
    m = motion(town, assembly(town))
    vote(town, m, a, "yes")
    vote(town, m, c, "yes")
    r = result(town, m)
    assert (r["total_owners"], r["total_area"]) == (3, "300.00")
    assert (r["participating_owners"], r["participating_area"], r["yes_area"]) == (2, "200.00", "200.00")
    assert r["quorum_met"] and r["passed"]
    with pytest.raises(Conflict):
        vote(town, m, a, "no")
    assert b.pk not in set(m.votes.values_list("owner_id", flat=True))


def test_a_co_owned_unit_votes_once_through_its_designated_voter(town):
    voter, other = town.co_owners("120", voter=0)
    town.owner("100")
    m = motion(town, assembly(town))
    with pytest.raises(ValidationFailed) as refused:
        vote(town, m, other, "yes")
    assert refused.value.code == "not_on_roll"
    vote(town, m, voter, "yes")
    r = result(town, m)
    assert (r["total_owners"], r["total_area"], r["yes_owners"], r["yes_area"]) == (2, "220.00", 1, "120.00")


def test_the_developers_unsold_units_count_as_one_owner(town):
    developer = town.owner("80", "80", "80", developer=True, name="开发建设单位")
    second_record = town.owner("60", developer=True, name="开发建设单位（二期）")
    town.owner("100")
    m = motion(town, assembly(town))
    vote(town, m, second_record, "no")
    with pytest.raises(Conflict):
        vote(town, m, developer, "yes")
    r = result(town, m)
    assert (r["total_owners"], r["total_area"], r["participating_owners"], r["participating_area"]) == (
        2, "400.00", 1, "300.00")


def test_quorum_fails_by_area_while_the_headcount_holds(town):
    small_1, small_2 = town.owner("10"), town.owner("10")
    town.owner("80")
    m = motion(town, assembly(town))
    vote(town, m, small_1, "yes")
    vote(town, m, small_2, "yes")
    r = result(town, m)
    assert (r["participating_owners"], r["total_owners"], r["participating_area"]) == (2, 3, "20.00")
    assert not r["quorum_met"] and not r["passed"]


def test_abstentions_participate(town):
    owners = town.owners("100", "100", "100", "100")
    m = motion(town, assembly(town), matter="compact")
    for owner, choice in zip(owners, ["yes", "yes", "no", "abstain"]):
        vote(town, m, owner, choice)
    r = result(town, m)
    assert (r["participating_owners"], r["yes_owners"], r["quorum_met"], r["passed"]) == (4, 2, True, False)


def test_a_special_matter_passes_at_exactly_three_quarters(town):
    owners = town.owners("100", "100", "100", "100")
    m = motion(town, assembly(town), matter="fund_raise")
    for owner, choice in zip(owners, ["yes", "yes", "yes", "no"]):
        vote(town, m, owner, choice)
    assert result(town, m)["passed"]


def test_the_roll_is_snapshotted_when_voting_opens(town):
    first = town.owner("100")
    town.owner("100")
    m = motion(town, assembly(town))
    latecomer = town.owner("500")
    first_unit = Ownership.objects.get(owner=first).unit
    first_unit.exclusive_area = Decimal("1.00")
    first_unit.save()
    vote(town, m, first, "yes")
    r = result(town, m)
    assert (r["total_owners"], r["total_area"], r["yes_area"]) == (2, "200.00", "100.00")
    with pytest.raises(ValidationFailed):
        vote(town, m, latecomer, "yes")


def test_a_set_voting_window_is_enforced(town):
    owner = town.owner("100")
    later = assembly(town, opens_at=timezone.now() + dt.timedelta(hours=1))
    m = motion(town, later)
    with pytest.raises(ValidationFailed) as refused:
        vote(town, m, owner, "yes")
    assert refused.value.code == "not_open" and later.opened_at is None
    closing = assembly(town, closes_at=timezone.now() + dt.timedelta(seconds=30))
    m2 = motion(town, closing)
    closing.closes_at = timezone.now() - dt.timedelta(seconds=1)
    closing.save()
    with pytest.raises(ValidationFailed) as refused:
        vote(town, m2, owner, "yes")
    assert refused.value.code == "closed"


def test_an_owner_votes_for_themself_but_not_for_a_neighbour(town):
    me = town.owner("100", login=True)
    neighbour = town.owner("100")
    m = motion(town, assembly(town))
    cast = services.vote_cast(actor=Actor(me.user), motion=m, owner=me, choice="yes")
    assert cast.channel == Vote.Channel.ONLINE
    with pytest.raises(PermissionDenied):
        services.vote_cast(actor=Actor(me.user), motion=m, owner=neighbour, choice="no")
    assert vote(town, m, neighbour, "no").channel == Vote.Channel.PAPER


def test_owners_see_the_result_only_once_it_is_published(town):
    me = town.owner("100", login=True)
    a = assembly(town)
    m = motion(town, a)
    vote(town, m, me, "yes")
    with pytest.raises(PermissionDenied):
        services.motion_result_for(actor=Actor(me.user), motion=m)
    with pytest.raises(ValidationFailed):
        services.assembly_publish(actor=town.committee, assembly=a)
    services.assembly_close(actor=town.committee, assembly=a)
    services.assembly_publish(actor=town.committee, assembly=a)
    m.refresh_from_db()
    shown = services.motion_result_for(actor=Actor(me.user), motion=m)
    assert shown == {"total_owners": 1, "total_area": "100.00", "participating_owners": 1,
                     "participating_area": "100.00", "yes_owners": 1, "yes_area": "100.00", "quorum_met": True,
                     "passed": True}
    with pytest.raises(ValidationFailed):
        vote(town, m, me, "no")


def test_a_proxy_vote_is_entered_by_a_teller_and_shown_on_the_vote(town):
    principal, holder = town.owner("100"), town.owner("100")
    a = assembly(town)
    m = motion(town, a)
    proxy = services.proxy_record(
        actor=town.committee, principal=principal, holder_name="", holder_owner=holder, scope="assembly",
        assembly=a, document=SimpleUploadedFile("proxy.pdf", PDF, content_type="application/pdf"))
    cast = vote(town, m, principal, "yes", proxy=proxy)
    assert (cast.proxy, cast.proxy.holder_name) == (proxy, holder.name)
    with pytest.raises(ValidationFailed):
        vote(town, m, holder, "yes", proxy=proxy)


def test_a_proxy_document_must_be_a_pdf_or_an_image(town):
    principal = town.owner("100")
    a = assembly(town)
    with pytest.raises(ValidationFailed) as refused:
        services.proxy_record(actor=town.committee, principal=principal, holder_name="张三", scope="assembly",
                              assembly=a, document=SimpleUploadedFile("proxy.pdf", b"MZ\x90\x00 not a pdf"))
    assert "document" in refused.value.fields


def test_sign_in_is_once_per_owner(town):
    owner = town.owner("100")
    a = assembly(town, form="meeting", place="小区会议室")
    services.sign_in_record(actor=town.committee, assembly=a, owner=owner)
    with pytest.raises(Conflict):
        services.sign_in_record(actor=town.committee, assembly=a, owner=owner)


def test_only_those_who_run_the_vote_create_assemblies(town, tenant):
    with pytest.raises(PermissionDenied):
        services.assembly_create(actor=Actor(tenant.user("manager")), community=town.community, title="x")


def test_the_minutes_are_a_pdf_with_the_results(town):
    owner = town.owner("100")
    a = assembly(town)
    vote(town, motion(town, a), owner, "yes")
    services.assembly_close(actor=town.committee, assembly=a)
    services.assembly_publish(actor=town.committee, assembly=a)
    assert assembly_minutes_pdf(actor=town.committee, assembly=a).startswith(b"%PDF")


def test_a_teller_of_the_preparation_group_may_enter_votes(town):
    owner = town.owner("100")
    teller_owner = town.owner("100", login=True)
    group = services.prep_group_create(actor=town.regulator, community=town.community)
    services.prep_group_member_add(actor=town.regulator, group=group, owner=teller_owner, role="leader")
    a = services.assembly_create(actor=Actor(teller_owner.user), community=town.community, title="首次业主大会",
                                 prep_group=group)
    m = motion(town, a)
    assert services.vote_cast(actor=Actor(teller_owner.user), motion=m, owner=owner, choice="yes").channel == "paper"
    assert not services.can_run(Actor(f.UserFactory(username="outsider")), town.community.pk)


def test_the_scheduler_opens_voting_when_its_time_comes(town):
    town.owner("100")
    later = assembly(town, opens_at=timezone.now() + dt.timedelta(minutes=10))
    assemblies_open.call_local()
    assert Assembly.objects.get(pk=later.pk).opened_at is None
    Assembly.objects.filter(pk=later.pk).update(opens_at=timezone.now() - dt.timedelta(seconds=1))
    assemblies_open.call_local()
    later.refresh_from_db()
    assert later.opened_at is not None and later.roll.total_owners == 1
