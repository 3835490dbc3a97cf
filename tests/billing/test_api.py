"""The billing API as outside clients use it (DESIGN §5 Billing)."""

import datetime as dt
import json
from decimal import Decimal

import pytest

from linli.billing.models import (
    Bill,
    CommonLedgerEntry,
    FeeRule,
    LateFeePolicy,
    Lease,
    MeterReading,
    Payment,
)
from linli.billing.providers import SandboxProvider
from linli.billing.services import bill_run_create, lease_create, payment_order_create
from linli.core.tenancy import Actor, SystemActor

D = Decimal


@pytest.fixture
def billed(world):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    return world


def test_a_billing_run_answers_with_its_counts_and_again_with_the_same(world, api):
    client = api(world.tenant.user("finance"))
    first = client.post("/api/v1/billing-runs/", {"community": world.community.pk, "period": "2026-03"}, format="json")
    assert first.status_code == 201
    body = first.json()
    assert {k: body[k] for k in ("period", "bills_created", "total")} == {
        "period": "2026-03", "bills_created": 6, "total": "867.72"}
    again = client.post("/api/v1/billing-runs/", {"community": world.community.pk, "period": "2026-03"}, format="json")
    assert {k: again.json()[k] for k in ("id", "bills_created", "total")} == {
        "id": body["id"], "bills_created": 6, "total": "867.72"}


def test_a_bad_period_is_a_400_with_the_field(world, api):
    response = api(world.tenant.user("finance")).post(
        "/api/v1/billing-runs/", {"community": world.community.pk, "period": "2026-13"}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()["fields"]


def test_bills_filter_by_unit_period_and_status_and_list_their_lines(billed, api):
    client = api(billed.tenant.user("cashier"))
    rows = client.get("/api/v1/bills/", {"unit": billed.units["u5"].pk, "period": "2026-03", "status": "open"}).json()
    assert rows["count"] == 1
    bill = rows["results"][0]
    assert (bill["amount"], bill["paid"], bill["outstanding"], bill["status"]) == ("12.39", "0.00", "12.39", "open")
    assert bill["lines"][0] == {"kind": "area", "description": "物业费（14/31天）", "quantity": "77.77", "rate": "0.25",
                                "amount": "8.78"}
    assert client.get("/api/v1/bills/", {"status": "paid", "community": billed.community.pk}).json()["count"] == 0


def test_an_owner_sees_only_the_bills_of_their_units(tenant, api):
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    rows = api(tenant.user("owner")).get("/api/v1/bills/").json()["results"]
    assert [r["unit"] for r in rows] == [tenant.units[0].pk]


def pay(client, unit, amount, key="k-1", method="cash"):
    return client.post("/api/v1/payments/", {"unit": unit.pk, "amount": amount, "method": method}, format="json",
                       HTTP_IDEMPOTENCY_KEY=key)


def test_a_payment_answers_with_receipt_allocations_and_credit(billed, api):
    response = pay(api(billed.tenant.user("cashier")), billed.units["u7"], "40.00")
    assert response.status_code == 201
    body = response.json()
    march = Bill.objects.get(unit=billed.units["u7"], period="2026-03")
    assert body["receipt_no"] == f"{dt.date.today().year}000001"
    assert body["allocations"] == [{"bill": march.pk, "amount": "33.51", "late_fee": "0.00"}]
    assert body["credit"] == "6.49"


def test_the_same_idempotency_key_returns_the_first_payment(billed, api):
    client = api(billed.tenant.user("cashier"))
    first = pay(client, billed.units["u1"], "10.00")
    again = pay(client, billed.units["u1"], "10.00")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Payment.objects.count() == 1


def test_a_payment_without_an_idempotency_key_is_refused(billed, api):
    response = api(billed.tenant.user("cashier")).post(
        "/api/v1/payments/", {"unit": billed.units["u1"].pk, "amount": "10.00", "method": "cash"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["0", "-5", "abc", "1.001", "100000000"])
def test_a_bad_amount_is_a_400_and_records_nothing(billed, api, amount):
    response = pay(api(billed.tenant.user("cashier")), billed.units["u1"], amount)
    assert response.status_code == 400
    assert not Payment.objects.exists()


def test_an_owner_cannot_record_a_payment(billed, api):
    owner = billed.tenant.user("owner")
    unit = billed.tenant.units[0]
    assert pay(api(owner), unit, "10.00").status_code == 403


def test_the_receipt_is_a_pdf_and_a_reversal_voids_it(billed, api):
    client = api(billed.tenant.user("finance"))
    payment = pay(client, billed.units["u1"], "100.00").json()
    receipt = client.get(f"/api/v1/payments/{payment['id']}/receipt.pdf", HTTP_ACCEPT="application/pdf")
    assert receipt.status_code == 200 and receipt["Content-Type"] == "application/pdf"
    assert receipt.content.startswith(b"%PDF")
    reversal = client.post(f"/api/v1/payments/{payment['id']}/reverse/", {"reason": "录入错误"}, format="json")
    assert reversal.status_code == 201
    assert (reversal.json()["kind"], reversal.json()["amount"]) == ("reversal", "-100.00")
    assert client.get(f"/api/v1/payments/{payment['id']}/").json()["status"] == "void"
    again = client.post(f"/api/v1/payments/{payment['id']}/reverse/", {"reason": "再来"}, format="json")
    assert again.status_code == 409


def test_the_collection_report_gives_billed_collected_and_rate(billed, api):
    pay(api(billed.tenant.user("cashier")), billed.units["u2"], "552.15")
    response = api(billed.tenant.user("regulator")).get(
        "/api/v1/reports/collection/", {"community": billed.community.pk, "period": "2026-03"})
    assert response.status_code == 200
    assert {k: response.json()[k] for k in ("billed", "collected", "rate")} == {
        "billed": "867.72", "collected": "552.15", "rate": "0.6363"}


def test_the_collection_report_of_another_tenant_is_a_404(billed, tenants, api):
    response = api(tenants[1].user("manager")).get(
        "/api/v1/reports/collection/", {"community": billed.community.pk, "period": "2026-03"})
    assert response.status_code == 404


# Fee rules --------------------------------------------------------------------------------

def test_fee_rules_write_rates_with_two_to_four_places(world, api):
    client = api(world.tenant.user("finance"))
    response = client.post("/api/v1/fee-rules/", {"community": world.community.pk, "name": "二次供水", "kind": "fixed",
                                                  "rate": "1.125", "zone": world.zones["south"].pk,
                                                  "effective_from": "2026-05"}, format="json")
    assert response.status_code == 201, response.json()
    assert (response.json()["rate"], response.json()["effective_from"]) == ("1.125", "2026-05")
    assert client.get(f"/api/v1/fee-rules/{world.rules['area_north'].pk}/").json()["rate"] == "0.25"


def test_a_low_income_rate_belongs_to_per_person_rules_only(world, api):
    response = api(world.tenant.user("finance")).post("/api/v1/fee-rules/", {
        "community": world.community.pk, "name": "物业费", "kind": "area", "rate": "0.3", "low_income_rate": "0.2",
        "effective_from": "2026-06"}, format="json")
    assert response.status_code == 400
    assert "low_income_rate" in response.json()["fields"]


def test_a_second_rule_for_the_same_zone_kind_and_month_is_refused(world, api):
    response = api(world.tenant.user("finance")).post("/api/v1/fee-rules/", {
        "community": world.community.pk, "name": "物业费", "kind": "area", "rate": "0.35",
        "zone": world.zones["north"].pk, "effective_from": "2026-01"}, format="json")
    assert response.status_code in (400, 409)


def test_the_price_of_a_rule_that_has_billed_cannot_change(billed, api):
    rule = billed.rules["area_north"]
    response = api(billed.tenant.user("finance")).patch(f"/api/v1/fee-rules/{rule.pk}/", {"rate": "0.30"},
                                                         format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "rule_in_use"


def test_a_rule_cannot_name_another_tenants_zone(world, tenants, api):
    response = api(world.tenant.user("finance")).post("/api/v1/fee-rules/", {
        "community": world.community.pk, "name": "物业费", "kind": "area", "rate": "0.3",
        "zone": tenants[1].zone.pk}, format="json")
    assert response.status_code == 400
    assert "zone" in response.json()["fields"]


# Meter readings ---------------------------------------------------------------------------

def test_meter_readings_import_from_xlsx(world, api, readings_file):
    response = api(world.tenant.user("finance")).post("/api/v1/meter-readings/import/", {
        "community": world.community.pk, "period": "2026-04",
        "file": readings_file([["北1号楼", "u1", 112.5, 120.75], ["银1号楼", "u2", 50, 58]])}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json() == {"readings": 2}
    assert MeterReading.objects.get(unit=world.units["u1"], period="2026-04").reading == D("120.75")


def test_a_meter_file_with_a_bad_row_imports_nothing(world, api, readings_file):
    response = api(world.tenant.user("finance")).post("/api/v1/meter-readings/import/", {
        "community": world.community.pk, "period": "2026-04",
        "file": readings_file([["北1号楼", "u1", 112.5, 99], ["北1号楼", "没有", None, 5]])}, format="multipart")
    assert response.status_code == 400
    assert not MeterReading.objects.filter(period="2026-04").exists()


# Online payment ---------------------------------------------------------------------------

def notify(client, order, body=None, signature=None):
    provider = SandboxProvider()
    body = body or provider.notification_for(order)[0]
    return client.post("/api/v1/payment-notifications/sandbox/", data=body, content_type="application/json",
                       HTTP_X_SANDBOX_SIGNATURE=signature or provider.sign(body))


def test_a_signed_notification_records_the_payment_once(billed, client):
    unit = billed.units["u7"]
    order = payment_order_create(actor=Actor(billed.tenant.user("cashier")), unit=unit, amount=D("33.51"))
    first = notify(client, order)
    again = notify(client, order)
    assert (first.status_code, again.status_code) == (200, 200)
    assert first.json()["status"] == "paid"
    payments = Payment.objects.filter(unit=unit)
    assert [(p.method, p.amount) for p in payments] == [("online", D("33.51"))]
    assert Bill.objects.get(unit=unit).status == "paid"


def test_a_notification_with_a_bad_signature_is_refused(billed, client):
    order = payment_order_create(actor=SystemActor(), unit=billed.units["u7"], amount=D("33.51"))
    body = json.dumps({"out_trade_no": order.out_trade_no, "trade_no": "x", "amount": "33.51",
                       "status": "SUCCESS"}).encode()
    response = notify(client, order, body=body, signature="0" * 64)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_signature"
    assert not Payment.objects.exists()


def test_an_owner_starts_an_online_payment_for_their_unit_only(tenant, api, settings):
    settings.LINLI_PREPAYMENT_CAP = D("10.00")  # nothing is owed: 10.00 paid ahead
    client = api(tenant.user("owner"))
    mine = client.post("/api/v1/payment-orders/", {"unit": tenant.units[0].pk, "amount": "10.00"}, format="json")
    assert mine.status_code == 201
    assert "/billing/sandbox/" in mine.json()["checkout_url"]
    theirs = client.post("/api/v1/payment-orders/", {"unit": tenant.units[1].pk, "amount": "10.00"}, format="json")
    assert theirs.status_code == 400


# Common income ----------------------------------------------------------------------------

@pytest.fixture
def rent(tenant):
    lease_create(actor=SystemActor(), premises=tenant.extra["premises"], tenant="便民超市",
                 monthly_rent=D("3100.00"), start=dt.date(2026, 3, 11), end=dt.date(2027, 3, 10))
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


def test_rent_is_billed_prorated_and_received_into_the_common_ledger(rent, api):
    client = api(rent.user("finance"))
    bill = client.get("/api/v1/lease-bills/").json()["results"][0]
    assert (bill["period"], bill["amount"]) == ("2026-03", "2100.00")  # 21 of 31 days of 3100
    entry = client.post(f"/api/v1/lease-bills/{bill['id']}/pay/", {"amount": "2100.00", "method": "bank_transfer"},
                        format="json")
    assert entry.status_code == 201
    assert entry.json()["kind"] == "lease_income"
    assert not Payment.objects.exists()  # not the company's revenue


def test_spending_needs_the_committee_and_the_money(rent, api):
    finance = api(rent.user("finance"))
    bill = finance.get("/api/v1/lease-bills/").json()["results"][0]
    finance.post(f"/api/v1/lease-bills/{bill['id']}/pay/", {"amount": "2100.00", "method": "cash"}, format="json")
    spending = finance.post("/api/v1/common-spendings/", {"community": rent.community.pk, "title": "供水加压电费补贴",
                                                          "amount": "1800.00"}, format="json").json()
    assert spending["status"] == "proposed"
    assert finance.post(f"/api/v1/common-spendings/{spending['id']}/decide/", {"approve": True},
                        format="json").status_code == 403
    committee = api(rent.user("committee_member"))
    decided = committee.post(f"/api/v1/common-spendings/{spending['id']}/decide/", {"approve": True}, format="json")
    assert decided.json()["status"] == "approved"
    assert CommonLedgerEntry.objects.get(spending_id=spending["id"]).amount == D("-1800.00")
    too_much = finance.post("/api/v1/common-spendings/", {"community": rent.community.pk, "title": "健身器材",
                                                          "amount": "500.00"}, format="json").json()
    refused = committee.post(f"/api/v1/common-spendings/{too_much['id']}/decide/", {"approve": True}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "insufficient_balance"


def test_owners_read_the_common_ledger_of_their_community(rent, api):
    finance = api(rent.user("finance"))
    bill = finance.get("/api/v1/lease-bills/").json()["results"][0]
    finance.post(f"/api/v1/lease-bills/{bill['id']}/pay/", {"amount": "100.00", "method": "cash"}, format="json")
    rows = api(rent.user("owner")).get("/api/v1/common-ledger/").json()["results"]
    assert [r["amount"] for r in rows] == ["100.00"]
    assert api(rent.user("owner")).get("/api/v1/lease-bills/").json()["count"] == 0


def test_bills_show_the_late_fee_they_have_accrued(billed, api):
    LateFeePolicy.objects.create(community=billed.community, daily_rate=D("0.0005"), grace_days=30,
                                 contract_clause="物业服务合同第十二条")
    bill = api(billed.tenant.user("cashier")).get("/api/v1/bills/", {"unit": billed.units["u1"].pk}).json()["results"][0]
    days = (dt.date.today() - dt.date(2026, 3, 31)).days - 30
    assert bill["late_fee"] == str((D("142.02") * D("0.0005") * days).quantize(D("0.01"), rounding="ROUND_HALF_UP"))


def test_a_lease_can_be_extended_but_its_rent_is_the_contracts(rent, api):
    client = api(rent.user("finance"))
    lease = client.get("/api/v1/leases/").json()["results"][0]
    assert client.patch(f"/api/v1/leases/{lease['id']}/", {"end": "2028-03-10"}, format="json").status_code == 200
    refused = client.patch(f"/api/v1/leases/{lease['id']}/", {"monthly_rent": "1.00"}, format="json")
    assert refused.status_code == 400 and "monthly_rent" in refused.json()["fields"]


def test_owners_see_the_leases_with_the_tenants_phone_masked(rent, api):
    rows = api(rent.user("owner")).get("/api/v1/leases/").json()["results"]
    assert [r["tenant"] for r in rows] == ["便民超市"]
    Lease.objects.update(tenant_phone="13905390201")
    assert api(rent.user("owner")).get("/api/v1/leases/").json()["results"][0]["tenant_phone"] == "139****0201"
    assert api(rent.user("finance")).get("/api/v1/leases/").json()["results"][0]["tenant_phone"] == "13905390201"
