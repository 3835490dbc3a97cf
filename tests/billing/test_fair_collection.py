"""Fair collection (DESIGN §6, Civil Code Art. 944): a late fee only where the service contract
provides one, and billing runs only for periods from the community's first billing month to the
month after the current one (issue 14 item 11: a run for 2099-01 billed every demo unit)."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from linli.billing.models import Bill, BillingRun, FeeRule, LateFeePolicy
from linli.billing.services import (
    bill_run_create,
    bill_run_preview,
    late_fee_policy_set,
    payment_record,
)
from linli.core.dates import Period
from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor

D = Decimal
CLAUSE = "物业服务合同第十二条第二款"


def this_month() -> Period:
    return Period.of(timezone.localdate())


# The late-fee policy cites its contract clause ----------------------------------------------------

def test_a_late_fee_policy_without_its_contract_clause_is_refused(world, api):
    client = api(world.tenant.user("manager"))
    body = {"community": world.community.pk, "daily_rate": "0.000500", "grace_days": 30}
    missing = client.post("/api/v1/late-fee-policies/", body, format="json")
    assert missing.status_code == 400 and "contract_clause" in missing.json()["fields"]
    blank = client.post("/api/v1/late-fee-policies/", {**body, "contract_clause": "   "}, format="json")
    assert blank.status_code == 400 and "contract_clause" in blank.json()["fields"]
    assert not LateFeePolicy.objects.exists()


def test_a_late_fee_policy_citing_its_clause_is_set(world, api):
    response = api(world.tenant.user("manager")).post("/api/v1/late-fee-policies/", {
        "community": world.community.pk, "daily_rate": "0.000500", "grace_days": 30, "contract_clause": CLAUSE},
        format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["contract_clause"] == CLAUSE


def test_the_clause_cannot_be_blanked_afterwards(world):
    policy = late_fee_policy_set(actor=world.actor("manager"), community=world.community, daily_rate=D("0.0005"),
                                 contract_clause=CLAUSE)
    with pytest.raises(ValidationFailed) as exc:
        late_fee_policy_set(actor=world.actor("manager"), community=world.community, daily_rate=D("0.0005"),
                            contract_clause="")
    assert exc.value.code == "no_contract_clause"
    policy.refresh_from_db()
    assert policy.contract_clause == CLAUSE


def test_a_policy_that_cites_no_clause_charges_no_late_fee(world):
    # A policy set before the clause was required: its row stays, its late fee is never charged.
    LateFeePolicy.objects.create(community=world.community, daily_rate=D("0.0005"), grace_days=30)
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    payment, _created = payment_record(actor=world.actor("cashier"), unit=world.units["u1"], amount=D("142.02"),
                                       method="cash", received_at=timezone.make_aware(dt.datetime(2026, 6, 1, 9)))
    assert payment.late_fee == D("0.00")
    assert Bill.objects.get(unit=world.units["u1"], period="2026-03").status == "paid"


def test_a_new_community_starts_without_a_late_fee_policy(admin_user, api):
    response = api(admin_user).post("/api/v1/communities/", {"name": "新小区", "code": "fair-new"}, format="json")
    assert response.status_code == 201
    assert not LateFeePolicy.objects.filter(community_id=response.json()["id"]).exists()


def test_the_late_fee_form_needs_the_contract_clause(world, client):
    client.force_login(world.tenant.user("manager"))
    target = reverse("billing:late_fee", args=[world.community.pk])
    form = {"daily_rate": "0.0005", "grace_days": "30", "enabled": "on"}
    shown = client.post(target, form, follow=True).content.decode()
    assert "合同依据" in shown and not LateFeePolicy.objects.exists()
    client.post(target, {**form, "contract_clause": CLAUSE})
    assert LateFeePolicy.objects.get().contract_clause == CLAUSE


# Billing periods -------------------------------------------------------------------------------------

def test_next_month_may_be_billed(world):
    run = bill_run_create(actor=world.actor(), community=world.community, period=str(this_month().shift(1)))
    assert run.bills_created > 0


def test_the_month_after_next_is_refused_and_bills_nothing(world):
    with pytest.raises(ValidationFailed) as exc:
        bill_run_create(actor=world.actor(), community=world.community, period=str(this_month().shift(2)))
    assert exc.value.code == "period_out_of_range" and "period" in exc.value.fields
    assert not BillingRun.objects.exists() and not Bill.objects.exists()


def test_a_far_future_period_is_a_400_on_the_api(world, api):
    response = api(world.tenant.user("finance")).post(
        "/api/v1/billing-runs/", {"community": world.community.pk, "period": "2099-01"}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "period_out_of_range" and "period" in response.json()["fields"]
    assert not Bill.objects.exists()


def test_the_command_refuses_a_period_beyond_next_month(world):
    with pytest.raises(CommandError, match="太晚"):
        call_command("bill_run", community=world.community.code, period=str(this_month().shift(2)),
                     stdout=io.StringIO(), stderr=io.StringIO())


@pytest.fixture
def started(tenant):
    """Every unit of the tenant's community has a billing start, the earliest on 20 May 2026."""
    for unit, day in zip(tenant.units, (dt.date(2026, 7, 1), dt.date(2026, 5, 20), dt.date(2026, 6, 1))):
        unit.billing_start = day
        unit.save(update_fields=["billing_start"])
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    return tenant


def test_the_first_billing_month_may_be_billed(started):
    run = bill_run_create(actor=Actor(started.user("finance")), community=started.community, period="2026-05")
    assert run.bills_created == 1  # the unit from 20 May, prorated


def test_the_month_before_the_first_billing_month_is_refused(started):
    with pytest.raises(ValidationFailed) as exc:
        bill_run_create(actor=Actor(started.user("finance")), community=started.community, period="2026-04")
    assert exc.value.code == "period_out_of_range"
    assert "2026-05" in str(exc.value.message)
    assert not BillingRun.objects.exists()


def test_a_unit_without_a_billing_start_leaves_earlier_months_open(started):
    # It bills from any month (DESIGN §6), so the community has no first billing month yet.
    started.units[0].billing_start = None
    started.units[0].save(update_fields=["billing_start"])
    run = bill_run_create(actor=Actor(started.user("finance")), community=started.community, period="2026-04")
    assert run.bills_created == 1


def test_the_preview_tells_what_the_run_will_create_and_writes_nothing(world):
    preview = bill_run_preview(actor=world.actor(), community=world.community, period="2026-03")
    assert (preview.bills, preview.total, preview.credit) == (6, D("867.72"), D("0.00"))
    assert not BillingRun.objects.exists() and not Bill.objects.exists()
    run = bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    assert (run.bills_created, run.total) == (preview.bills, preview.total)


def test_the_preview_refuses_what_the_run_refuses(world):
    with pytest.raises(ValidationFailed) as exc:
        bill_run_preview(actor=world.actor(), community=world.community, period=str(this_month().shift(2)))
    assert exc.value.code == "period_out_of_range"
