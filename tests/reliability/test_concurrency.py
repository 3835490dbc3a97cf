"""Nothing is double-counted when the same thing arrives at once (DESIGN §8): payments with and
without the same Idempotency-Key, receipt numbers, one vote per owner, grabbing (抢单) a request,
objections racing the end of a publicity.

The races run in a child process on a copy of the test database (tests/support/scratch.py),
one thread and one connection per call, released together. The copy is a file on SQLite, where
writers queue for the write lock (WAL, BEGIN IMMEDIATE, 30 s timeout) as in a deployment; on
PostgreSQL the services' row locks and unique constraints decide. Each race is checked against
what the database holds afterwards. Already covered elsewhere and not repeated here: a few
payments on one community and two same-key payments (tests/billing/test_reliability.py), and
votes and objections of one owner on PostgreSQL (tests/governance/test_concurrency.py)."""

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest
from django.utils import timezone

from linli.billing.services import bill_run_create
from linli.governance import services as governance
from linli.servicedesk.models import ServiceRequest
from tests.billing.conftest import build_world
from tests.support.scratch import scratch_copy
from tests.governance.conftest import build_town
from tests.reliability.processes import run
from tests.servicedesk.helpers import file
from tests.servicedesk.test_dispatch import crew

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def race(tmp_path, *args) -> dict:
    with scratch_copy(tmp_path) as url:
        return run(url, tmp_path, *args)


def assert_no_surprises(outcomes):
    assert not [o for o in outcomes if "unexpected" in o], outcomes


# Payments and receipts -------------------------------------------------------------------------

def test_one_key_sent_eight_times_at_once_with_two_amounts_records_one_payment(tenant, tmp_path):
    world = build_world(tenant)
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    u1 = world.units["u1"]
    amounts = ["50.00", "60.00"] * 4

    result = race(tmp_path, "pay-same-key", u1.pk, "same-key", *amounts)

    assert_no_surprises(result["outcomes"])
    [payment] = result["payments"]
    # The calls with the recorded amount get that payment back; the others are told the key is taken.
    for amount, outcome in zip(amounts, result["outcomes"]):
        assert outcome == ({"ok": payment["id"]} if amount == payment["amount"] else
                           {"error": "idempotency_key_reused"})
    [bill] = result["bills"].values()
    paid = min(D(bill["amount"]), D(payment["amount"]))
    assert D(bill["paid"]) == D(payment["allocated"]) == paid
    assert D(payment["credit"]) == D(result["credit"][str(u1.pk)]) == D(payment["amount"]) - paid


def test_twelve_payments_at_once_in_two_communities_get_twelve_consecutive_receipts_and_exact_totals(
        tenant, tmp_path):
    world = build_world(tenant)  # another community of the same company as tenant.community
    for period in ("2026-03", "2026-04"):
        bill_run_create(actor=world.actor(), community=world.community, period=period)
    u7, neighbour = world.units["u7"], tenant.units[0]  # u7: two bills of 33.51
    specs = [f"{u7.pk}:9.99:u7-{i}" for i in range(8)] + [f"{neighbour.pk}:1.01:n-{i}" for i in range(4)]

    result = race(tmp_path, "pay-many", *specs)

    assert_no_surprises(result["outcomes"])
    payments = result["payments"]
    assert sorted(o["ok"] for o in result["outcomes"]) == sorted(p["id"] for p in payments)
    assert [p["seq"] for p in payments] == list(range(1, 13))
    assert len({p["no"] for p in payments}) == 12 and len({p["year"] for p in payments}) == 1
    by_unit = {unit: [p for p in payments if p["unit"] == unit] for unit in (u7.pk, neighbour.pk)}
    for unit_payments in by_unit.values():
        for p in unit_payments:
            assert D(p["allocated"]) + D(p["credit"]) == D(p["amount"])
    assert sorted((b["paid"], b["status"]) for b in result["bills"].values() if b["unit"] == u7.pk) == [
        ("33.51", "paid"), ("33.51", "paid")]
    assert sum(D(p["allocated"]) for p in by_unit[u7.pk]) == D("67.02")
    assert sum(D(p["credit"]) for p in by_unit[u7.pk]) == D(result["credit"][str(u7.pk)]) == D("12.90")
    assert sum(D(p["credit"]) for p in by_unit[neighbour.pk]) == D(result["credit"][str(neighbour.pk)]) == D("4.04")


# One vote per owner ------------------------------------------------------------------------------

def test_an_owner_voting_and_casting_a_ballot_five_times_at_once_counts_once(tenant, tmp_path):
    town = build_town(tenant)
    owners = town.owners(*["100"] * 9)
    assembly = governance.assembly_create(actor=town.committee, community=town.community, title="业主大会")
    motion = governance.motion_create(actor=town.committee, assembly=assembly, title="修改管理规约", matter="rules")
    election = governance.election_create(actor=town.committee, community=town.community, seats=5)
    for owner in owners[:6]:
        governance.candidate_nominate(actor=town.committee, election=election, owner=owner, nominated_by="prep_group")

    result = race(tmp_path, "votes", town.committee_user.pk, motion.pk, election.pk, *[o.pk for o in owners])

    owner_ids = sorted(o.pk for o in owners)
    for name, duplicate in (("sign_ins", "already_signed_in"), ("votes", "already_voted"),
                            ("ballots", "already_voted")):
        assert_no_surprises(result[name])
        assert Counter("ok" if "ok" in o else o["error"] for o in result[name]) == {"ok": 9, duplicate: 4}, name
    assert result["stored_votes"] == result["participants"] == result["stored_ballots"] == owner_ids
    assert result["participating_owners"] == 9


# Grabbing --------------------------------------------------------------------------------------

def test_six_technicians_grabbing_one_request_at_once_give_it_to_one(tenant, tmp_path):
    team, users = crew(tenant, 6)
    request = file(tenant)
    ServiceRequest.objects.filter(pk=request.pk).update(team=team)

    result = race(tmp_path, "grab", request.pk, *[u.pk for u in users])

    assert_no_surprises(result["outcomes"])
    winners = [o["ok"] for o in result["outcomes"] if "ok" in o]
    assert len(winners) == 1 and [o for o in result["outcomes"] if "ok" not in o] == [{"error": "taken"}] * 5
    assert (result["assignee"], result["status"], result["grabs"]) == (winners[0], "assigned", 1)


# Objections at the publicity deadline ----------------------------------------------------------

def test_objections_racing_the_deadline_count_if_and_only_if_stored_before_the_decision(tenant, tmp_path):
    town = build_town(tenant)
    owners = town.owners(*["100"] * 12)
    usage = governance.fund_usage_create(
        actor=town.committee, community=town.community, title="更换电梯", amount="12000.00", mode="negative_vote",
        units=town.units, publicity_ends=timezone.now() + dt.timedelta(days=8))

    result = race(tmp_path, "objections-at-deadline", town.committee_user.pk, usage.pk, *[o.pk for o in owners])

    assert_no_surprises(result["objections"])
    accepted = sorted(o.pk for o, outcome in zip(owners, result["objections"]) if "ok" in outcome)
    refused = [outcome for outcome in result["objections"] if "ok" not in outcome]
    assert refused == [{"error": "closed"}] * len(refused)
    # Owners object from 240 ms before the deadline to 200 ms after it, so both happen.
    assert accepted and refused, result
    assert result["stored"] == accepted and result["late"] == []
    decision = result["decision"]["ok"]
    assert decision["objecting_owners"] == len(accepted) == result["count_now"]["objecting_owners"]
    assert decision == result["count_now"]
    assert result["status"] == ("approved" if decision["approved"] else "rejected")
