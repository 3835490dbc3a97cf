"""The maintenance fund: ledgers to the fen, and the three ways a use is decided (DESIGN §6)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.money import split_pro_rata
from linli.core.tenancy import Actor
from linli.estates.models import Ownership
from linli.governance import selectors, services
from linli.governance.models import FundAccount, FundEntry, FundUsage, TopUpNotice
from linli.orgs.models import Membership
from tests import factories as f

D = Decimal


def units_of(*owners):
    return [o.unit for o in Ownership.objects.filter(owner__in=owners).select_related("unit").order_by("unit_id")]


def deposit(town, units, rate="100"):
    return services.fund_first_deposit(actor=town.committee, community=town.community, units=units, rate=D(rate))


def usage(town, units, mode="negative_vote", amount="1000.00", **kwargs):
    if mode == "negative_vote":
        kwargs.setdefault("publicity_ends", timezone.now() + dt.timedelta(days=8))
    return services.fund_usage_create(actor=town.committee, community=town.community, title="屋面防水",
                                      amount=D(amount), units=units, mode=mode, **kwargs)


def end_publicity(u):
    """Let the publicity run out, as seven days would."""
    FundUsage.objects.filter(pk=u.pk).update(publicity_ends=timezone.now() - dt.timedelta(seconds=1))


def test_allocation_is_exact_to_the_fen_by_largest_remainder():
    shares = split_pro_rata(D("100.00"), {1: D("1"), 2: D("1"), 3: D("1")})
    assert shares == {1: D("33.34"), 2: D("33.33"), 3: D("33.33")}
    shares = split_pro_rata(D("0.05"), {10: D("30"), 11: D("50"), 12: D("20")})
    assert sum(shares.values()) == D("0.05") and shares == {10: D("0.02"), 11: D("0.02"), 12: D("0.01")}


def test_interest_with_no_balance_to_share_it_is_refused_in_the_funds_words(town, tenant):
    with pytest.raises(ValidationFailed) as refused:
        services.fund_interest_record(actor=Actor(tenant.user("finance")), community=town.community,
                                      amount=D("100.00"))
    assert refused.value.code == "nothing_to_allocate" and str(refused.value.message) == "没有可分摊的房屋。"


def test_the_first_deposit_is_the_standard_times_the_built_area(town):
    unit = town.unit("80.00", built="95.55")
    entry = deposit(town, [unit], rate="101.5")[0]
    assert (entry.kind, entry.amount, entry.balance) == ("first_deposit", D("9698.33"), D("9698.33"))
    with pytest.raises(ValidationFailed):
        deposit(town, [unit])


def test_interest_is_shared_pro_rata_to_balances_and_adds_up(town, tenant):
    units = [town.unit("100", built=b) for b in ("10", "20", "30")]
    deposit(town, units)  # balances 1000, 2000, 3000
    interest = services.fund_interest_record(actor=Actor(tenant.user("finance")), community=town.community,
                                             amount=D("100.00"))
    entries = FundEntry.objects.filter(kind="interest").order_by("unit_id")
    assert interest.status == "posted" and [e.amount for e in entries] == [D("16.67"), D("33.33"), D("50.00")]
    assert sum(e.amount for e in entries) == D("100.00")


def second_member(town):
    user = f.UserFactory(username=f"second-member-{town.community.pk}")
    f.MembershipFactory(user=user, organization=town.community.residents_committee, role="committee_member",
                        community=town.community)
    return Actor(user)


def test_a_committee_members_interest_waits_for_a_second_member(town):
    unit = town.unit("100")
    deposit(town, [unit])
    interest = services.fund_interest_record(actor=town.committee, community=town.community, amount=D("88888.88"))
    assert interest.status == "pending" and not FundEntry.objects.filter(kind="interest").exists()
    with pytest.raises(PermissionDenied) as refused:
        services.fund_interest_confirm(actor=town.committee, interest=interest)
    assert refused.value.code == "second_member_required"
    second = second_member(town)
    services.fund_interest_confirm(actor=second, interest=interest)
    interest.refresh_from_db()
    assert interest.status == "posted" and FundAccount.objects.get(unit=unit).balance == D("98888.88")
    with pytest.raises(ValidationFailed):
        services.fund_interest_confirm(actor=second, interest=interest)


def test_only_the_finance_role_or_the_committee_posts_interest(town, tenant):
    deposit(town, [town.unit("100")])
    for role in ("manager", "cashier", "regulator"):
        with pytest.raises(PermissionDenied):
            services.fund_interest_record(actor=Actor(tenant.user(role)), community=town.community, amount=D("1"))
    interest = services.fund_interest_record(actor=Actor(tenant.user("finance")), community=town.community,
                                             amount=D("1.00"))
    with pytest.raises(PermissionDenied):  # finance posts; confirming a member's entry is the committee's
        services.fund_interest_confirm(actor=Actor(tenant.user("finance")), interest=interest)


def test_a_use_is_paid_by_built_area_and_never_below_zero(town):
    a, b = town.owner("90"), town.owner("90")
    units = units_of(a, b)
    deposit(town, units, rate="10")  # 900.00 each
    u = usage(town, units, mode="emergency", category="leak", amount="1800.02")
    services.fund_usage_decide(actor=town.committee, usage=u)
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_pay(actor=town.committee, usage=u)
    assert refused.value.code == "insufficient_balance"
    assert [a.balance for a in FundAccount.objects.order_by("unit_id")] == [D("900.00"), D("900.00")]
    entries = services.fund_usage_pay(actor=town.committee, usage=u, amount=D("1000.01"))
    assert sorted(e.amount for e in entries) == [D("-500.01"), D("-500.00")]
    assert FundUsage.objects.get(pk=u.pk).status == "paid"


def test_a_balance_below_thirty_percent_of_the_first_deposit_brings_a_top_up_notice(town):
    unit = town.unit("100")
    deposit(town, [unit], rate="10")  # 1000.00
    u = usage(town, [unit], mode="emergency", category="elevator", amount="700.01")
    services.fund_usage_decide(actor=town.committee, usage=u)
    services.fund_usage_pay(actor=town.committee, usage=u)
    notice = TopUpNotice.objects.get()
    assert notice.balance == D("299.99") and notice.settled_at is None
    services.fund_top_up(actor=town.committee, unit=unit, amount=D("0.01"))
    notice.refresh_from_db()
    assert notice.settled_at is not None


def test_exactly_one_third_objecting_does_not_stop_a_negative_vote(town):
    owners = town.owners("100", "100", "100")
    u = usage(town, units_of(*owners))
    services.fund_objection_record(actor=town.committee, usage=u, owner=owners[0])
    end_publicity(u)
    d = services.fund_usage_decide(actor=town.committee, usage=u)
    assert d == {"approved": True, "scope_owners": 3, "scope_area": "300.00", "objecting_owners": 1,
                 "objecting_area": "100.00"}


def test_objectors_holding_over_a_third_of_the_area_reject_a_negative_vote(town):
    big, *small = town.owners("100.03", "100", "100", "100", "100")
    u = usage(town, units_of(big, *small))
    services.fund_objection_record(actor=town.committee, usage=u, owner=big)
    services.fund_objection_record(actor=town.committee, usage=u, owner=small[0])
    end_publicity(u)
    d = services.fund_usage_decide(actor=town.committee, usage=u)  # 2 of 5 owners, 200.03 of 500.03 m²
    assert (d["objecting_owners"], d["approved"]) == (2, False)
    assert FundUsage.objects.get(pk=u.pk).status == "rejected"


def test_objections_only_from_the_scope_and_only_during_the_publicity(town):
    inside, outside = town.owner("100"), town.owner("100")
    u = usage(town, units_of(inside))
    with pytest.raises(ValidationFailed) as refused:
        services.fund_objection_record(actor=town.committee, usage=u, owner=outside)
    assert refused.value.code == "not_on_roll"
    with pytest.raises(ValidationFailed) as refused:
        services.fund_usage_decide(actor=town.committee, usage=u)
    assert refused.value.code == "publicity_running"
    end_publicity(u)
    with pytest.raises(ValidationFailed):
        services.fund_objection_record(actor=town.committee, usage=u, owner=inside)
    assert services.fund_usage_decide(actor=town.committee, usage=u)["approved"]


def test_an_owner_objects_for_themself(town):
    me = town.owner("100", login=True)
    u = usage(town, units_of(me))
    assert services.fund_objection_record(actor=Actor(me.user), usage=u, owner=me)


def test_an_assembly_use_is_a_fund_use_motion_of_the_scopes_owners(town):
    in_scope = town.owners("100", "100")
    town.owner("100")
    u = usage(town, units_of(*in_scope), mode="assembly")
    motion = u.motion
    assert motion.matter == "fund_use" and motion.scope_units == [x.pk for x in units_of(*in_scope)]
    for owner in in_scope:
        services.vote_cast(actor=town.committee, motion=motion, owner=owner, choice="yes")
    with pytest.raises(ValidationFailed):
        services.fund_usage_decide(actor=town.committee, usage=u)
    services.assembly_close(actor=town.committee, assembly=motion.assembly)
    d = services.fund_usage_decide(actor=town.committee, usage=u)
    assert d == {"approved": True, "scope_owners": 2, "scope_area": "200.00", "objecting_owners": 0,
                 "objecting_area": "0.00"}


def test_an_emergency_needs_a_listed_category(town):
    with pytest.raises(ValidationFailed):
        usage(town, [town.unit("100")], mode="emergency", category="repaint")


def test_the_committee_approves_an_emergency_where_there_is_one(town, tenant):
    unit = town.unit("100")
    rc_regulator = f.UserFactory(username="rc-regulator")
    f.MembershipFactory(user=rc_regulator, organization=tenant.residents_committee, role="regulator")
    u = usage(town, [unit], mode="emergency", category="fire_system")
    with pytest.raises(PermissionDenied):
        services.fund_usage_decide(actor=Actor(rc_regulator), usage=u)
    d = services.fund_usage_decide(actor=town.committee, usage=u)
    u.refresh_from_db()
    assert d["approved"] and u.approved_by == "committee" and u.published_at is not None


def test_the_residents_committee_approves_an_emergency_where_there_is_no_committee(town, tenant):
    Membership.objects.filter(community=town.community).update(active=False)
    unit = town.unit("100")
    rc_regulator = f.UserFactory(username="rc-regulator")
    f.MembershipFactory(user=rc_regulator, organization=tenant.residents_committee, role="regulator")
    u = services.fund_usage_create(actor=Actor(rc_regulator), community=town.community, title="电梯抢修",
                                   amount=D("500"), units=[unit], mode="emergency", category="elevator")
    with pytest.raises(PermissionDenied):
        services.fund_usage_decide(actor=town.regulator, usage=u)  # the sub-district is not the residents' committee
    services.fund_usage_decide(actor=Actor(rc_regulator), usage=u)
    u.refresh_from_db()
    assert u.approved_by == "residents_committee"


def test_ledgers_are_read_by_the_committee_and_by_each_owner_for_their_units(town):
    me, neighbour = town.owner("100", login=True), town.owner("100")
    deposit(town, units_of(me, neighbour))
    assert selectors.fund_entry_list(actor=town.committee).count() == 2
    assert [e.unit_id for e in selectors.fund_entry_list(actor=Actor(me.user))] == [units_of(me)[0].pk]
    assert not FundEntry.objects.filter(balance__lt=0).exists()
