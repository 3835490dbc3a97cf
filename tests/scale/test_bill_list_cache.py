"""An owner's bill list comes from a cache (linli/billing/api/list_cache.py) and is never stale:
after a payment, a reversal, a late-fee waiver, a billing run, a change of the late-fee rule and
the turn of the day, the next request answers what the generic path computes from the database,
and between writes the list really is answered from the cache."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from linli.billing.api import list_cache
from linli.billing.models import Bill, Payment
from linli.billing.services import (
    bill_late_fee_waive,
    bill_run_create,
    fee_rule_create,
    late_fee_policy_set,
    payment_record,
)
from linli.billing.services.payments import payment_reverse_now
from linli.core.tenancy import SystemActor, actor_for


HITS: list = []


@pytest.fixture(autouse=True)
def empty_cache(monkeypatch):
    """An empty cache for each test, and each answer it gives recorded in HITS."""
    cached = list_cache.cached

    def recorded(key):
        response = cached(key)
        HITS.append(response is not None)
        return response

    monkeypatch.setattr(list_cache, "cached", recorded)
    caches[list_cache.CACHE_ALIAS].clear()
    yield
    caches[list_cache.CACHE_ALIAS].clear()


@pytest.fixture
def world(tenant, api):
    system = SystemActor()
    fee_rule_create(actor=system, community=tenant.community, name="物业费", kind="area", rate=Decimal("0.40"))
    fee_rule_create(actor=system, community=tenant.community, name="公共能耗", kind="fixed", rate=Decimal("5.125"))
    for period in ("2025-10", "2025-11", "2025-12"):
        bill_run_create(actor=system, community=tenant.community, period=period)
    late_fee_policy_set(actor=system, community=tenant.community, daily_rate=Decimal("0.0005"), grace_days=10,
                        contract_clause="物业服务合同第十二条")
    return tenant, api(tenant.user("owner"))


def listed(client) -> tuple[dict, bool]:
    """The owner's list as answered now, and whether it came from the cache."""
    HITS.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/api/v1/bills/")
    assert response.status_code == 200
    from_cache = HITS == [True]
    # A hit reads no bill: one query reads the token's user, the scope and the heads.
    assert not from_cache or len(queries) == 1
    return response.json(), from_cache


def truth(client) -> dict:
    """The list the generic path computes from the database, the cache emptied first."""
    caches[list_cache.CACHE_ALIAS].clear()
    body, from_cache = listed(client)
    assert not from_cache
    return body


def assert_fresh_then_cached(client) -> dict:
    """The next answer after a write equals the database's, and the one after it is a cache hit
    with the same body."""
    body, _ = listed(client)
    again, from_cache = listed(client)
    assert from_cache and again == body
    assert body == truth(client)
    return body


def by_period(body) -> dict:
    return {row["period"]: row for row in body["results"]}


def test_the_list_is_cached_between_writes_and_fresh_after_each(world):
    tenant, client = world
    unit = tenant.units[0]
    cashier, manager = tenant.user("cashier"), tenant.user("manager")

    first, from_cache = listed(client)
    assert not from_cache and first["count"] == 3
    assert all(row["status"] == "open" for row in first["results"])
    again, from_cache = listed(client)
    assert from_cache and again == first

    # A payment settles the bills, late fees included.
    payment, _ = payment_record(actor=actor_for(cashier), unit=unit, amount=Decimal("10000.00"),
                                method=Payment.Method.CASH)
    paid = assert_fresh_then_cached(client)
    assert all(row["status"] == "paid" for row in paid["results"])

    # Its reversal reopens them.
    payment_reverse_now(actor=actor_for(manager), payment=payment, reason="收错房号")
    reversed_ = assert_fresh_then_cached(client)
    assert by_period(reversed_)["2025-10"]["status"] == "open"
    assert by_period(reversed_)["2025-10"]["paid"] == "0.00"

    # A waiver clears a bill's late fee.
    bill = Bill.objects.filter(unit=unit, period="2025-11").get()
    before = by_period(reversed_)["2025-11"]
    assert before["late_fee_waived"] is False and Decimal(before["late_fee"]) > 0
    bill_late_fee_waive(actor=actor_for(manager), bill=bill, reason="困难户")
    waived = assert_fresh_then_cached(client)
    assert by_period(waived)["2025-11"]["late_fee_waived"] is True
    assert by_period(waived)["2025-11"]["late_fee"] == "0.00"

    # A billing run adds a bill.
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-01")
    billed = assert_fresh_then_cached(client)
    assert billed["count"] == 4 and "2026-01" in by_period(billed)

    # A new late-fee rule changes what every open bill has accrued.
    late_fee_policy_set(actor=SystemActor(), community=tenant.community, daily_rate=Decimal("0.0010"),
                        grace_days=10, contract_clause="物业服务合同第十二条")
    ruled = assert_fresh_then_cached(client)
    assert by_period(ruled)["2025-10"]["late_fee"] != by_period(billed)["2025-10"]["late_fee"]


def test_a_new_day_is_a_new_list(world, monkeypatch):
    tenant, client = world
    today, _ = listed(client)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    next_day = assert_fresh_then_cached(client)
    # The open bills have accrued one more day of late fee.
    assert by_period(next_day)["2025-10"]["late_fee"] != by_period(today)["2025-10"]["late_fee"]


def test_the_cached_answer_is_the_generic_one(world):
    tenant, client = world
    generic = client.get("/api/v1/bills/")
    cached = client.get("/api/v1/bills/")
    assert cached.content == generic.content
    for header in ("Content-Type", "Vary", "Allow"):
        assert cached[header] == generic[header]


def test_only_an_owners_or_residents_plain_json_list_is_cached(world, api):
    tenant, client = world
    # Staff and regulators (any membership) read through the generic path every time.
    for role in ("cashier", "regulator", "committee_member"):
        staff = api(tenant.user(role))
        staff.get("/api/v1/bills/")
        _, from_cache = listed(staff)
        assert not from_cache
    # Each query string is its own entry; the browsable API is not cached.
    client.get("/api/v1/bills/", {"page_size": 2})
    HITS.clear()
    page = client.get("/api/v1/bills/", {"page_size": 2}).json()
    assert len(page["results"]) == 2 and HITS == [True]
    client.get("/api/v1/bills/", HTTP_ACCEPT="text/html")
    HITS.clear()
    client.get("/api/v1/bills/", HTTP_ACCEPT="text/html")
    assert HITS == []


def test_an_owner_sees_only_their_units_and_loses_them_at_once(world, api):
    tenant, client = world
    neighbour = api(tenant.user("neighbour"))
    mine, _ = listed(client)
    theirs, _ = listed(neighbour)
    assert {r["unit"] for r in mine["results"]} == {tenant.units[0].pk}
    assert {r["unit"] for r in theirs["results"]} == {tenant.units[1].pk}
    # The ownership ends: the next answer has no bill of that unit, cached entry or not.
    tenant.owners[0].ownerships.all().delete()
    gone, _ = listed(client)
    assert gone["count"] == 0
