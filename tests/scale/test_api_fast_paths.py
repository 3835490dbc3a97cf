"""The shortcuts bench/api_load.py led to must not change what clients get: the bill written
out by hand, and its lines read as plain rows for a list, equal the generic serializers'
output; a list that fits on its first page is counted without a COUNT query, a longer one as
before."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework import serializers
from rest_framework.utils.encoders import JSONEncoder

from linli.billing.api import BillLineSerializer, BillSerializer
from linli.billing.models import Bill
from linli.billing.services import (
    bill_late_fee_waive,
    bill_run_create,
    fee_rule_create,
    late_fee_policy_set,
    payment_record,
)
from linli.core.tenancy import SystemActor


@pytest.fixture
def bills(tenant):
    system = SystemActor()
    fee_rule_create(actor=system, community=tenant.community, name="物业费", kind="area", rate=Decimal("0.40"))
    fee_rule_create(actor=system, community=tenant.community, name="公共能耗", kind="fixed", rate=Decimal("5.125"))
    for period in ("2025-11", "2025-12", "2026-01"):
        bill_run_create(actor=system, community=tenant.community, period=period)
    owner_unit = tenant.units[0]
    payment_record(actor=system, unit=owner_unit, amount=Decimal("1000.00"), method="cash")
    late_fee_policy_set(actor=system, community=tenant.community, daily_rate=Decimal("0.0005"), grace_days=10,
                        contract_clause="物业服务合同第十二条")
    bill_late_fee_waive(actor=system, bill=Bill.objects.filter(unit=tenant.units[1]).order_by("period").first(),
                        reason="困难户")
    return Bill.objects.filter(community=tenant.community).prefetch_related("lines")


def plain(data):
    return json.loads(json.dumps(data, cls=JSONEncoder))


def test_the_written_out_bill_equals_the_generic_serializers_output(bills):
    serializer = BillSerializer(context={})
    statuses, waived = set(), set()
    for bill in bills:
        generic = serializers.ModelSerializer.to_representation(serializer, bill)
        generic["lines"] = BillLineSerializer(bill.lines.all(), many=True).data
        fast = serializer.to_representation(bill)
        assert plain(fast) == plain(generic)
        assert list(fast) == BillSerializer.Meta.fields
        statuses.add(fast["status"])
        waived.add(fast["late_fee_waived"])
    # The comparison covered paid and open bills, waived and not, with late fees accruing.
    assert statuses == {"open", "paid"} and waived == {True, False}


def test_a_list_on_one_page_is_counted_from_its_rows(tenant, bills, api):
    client = api(tenant.user("owner"))
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/api/v1/bills/").json()
    assert body["count"] == 3 and len(body["results"]) == 3 and body["next"] is None
    assert not any("COUNT(" in q["sql"] for q in queries)
    # The list's lines come from plain rows: the same as the nested serializer gives.
    own = bills.filter(unit=tenant.units[0])
    assert {row["id"]: row["lines"] for row in body["results"]} == {
        bill.pk: plain(BillLineSerializer(bill.lines.all(), many=True).data) for bill in own}
    assert all(len(row["lines"]) == 2 for row in body["results"])


def test_a_list_longer_than_its_first_page_is_counted_by_the_database(tenant, bills, api):
    client = api(tenant.user("owner"))
    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/v1/bills/", {"page_size": 2}).json()
    assert first["count"] == 3 and len(first["results"]) == 2 and first["next"]
    assert any("COUNT(" in q["sql"] for q in queries)
    second = client.get("/api/v1/bills/", {"page_size": 2, "page": 2}).json()
    assert second["count"] == 3 and len(second["results"]) == 1 and second["next"] is None
    assert [b["period"] for b in first["results"] + second["results"]] == ["2025-11", "2025-12", "2026-01"]
