"""Online payment cannot mint money (issue 14 item 1, DESIGN §5 v1.1): the sandbox provider, which
confirms a payment with no money moving, exists only with LINLI_PAYMENT_SANDBOX (by default only
with DEBUG), and no order may exceed what the unit owes plus LINLI_PREPAYMENT_CAP."""

import secrets
from decimal import Decimal

import pytest
from django.urls import reverse

from linli.billing.models import FeeRule, Payment, PaymentOrder
from linli.billing.providers import SandboxProvider
from linli.billing.services import bill_run_create, payment_order_create, payment_record
from linli.core.tenancy import Actor, SystemActor
from tests.security.test_deploy_check import PRODUCTION, run

D = Decimal
ORDERS = "/api/v1/payment-orders/"


@pytest.fixture
def owed(tenant):
    """The owner's unit owes 27.00 (90 m² × 0.30 for 2026-03); the neighbour's too."""
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=D("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")
    return tenant


@pytest.fixture
def production(settings):
    """The settings as production has them: a real secret, DEBUG off, and so no sandbox."""
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.DEBUG = False
    settings.LINLI_PAYMENT_SANDBOX = False
    return settings


def order(client, unit, amount, **extra):
    return client.post(ORDERS, {"unit": unit.pk, "amount": amount, **extra}, format="json")


# The sandbox only where it is wanted -------------------------------------------------------

def test_production_settings_switch_the_sandbox_off_and_debug_on(tmp_path):
    code = "import django; django.setup(); from django.conf import settings as s; print(s.LINLI_PAYMENT_SANDBOX)"
    secret = secrets.token_urlsafe(50)
    production = run(["-c", code], {**PRODUCTION, "LINLI_SECRET_KEY": secret, "LINLI_VAR_DIR": str(tmp_path)})
    development = run(["-c", code], {"LINLI_VAR_DIR": str(tmp_path)})
    asked_for = run(["-c", code], {**PRODUCTION, "LINLI_SECRET_KEY": secret, "LINLI_VAR_DIR": str(tmp_path),
                                   "LINLI_PAYMENT_SANDBOX": "1"})
    assert [r.stdout.strip() for r in (production, development, asked_for)] == ["False", "True", "True"], \
        production.stderr + development.stderr + asked_for.stderr


@pytest.mark.parametrize("provider", [{}, {"provider": "sandbox"}])
def test_with_production_settings_an_owner_cannot_create_a_sandbox_order(tenant, api, production, provider):
    response = order(api(tenant.user("owner")), tenant.units[0], "9999.00", **provider)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and "provider" in body["fields"]
    assert body["code"] == "provider_unavailable"
    assert not PaymentOrder.objects.exists()


def test_with_the_sandbox_on_an_owner_creates_a_sandbox_order(owed, api):
    response = order(api(owed.user("owner")), owed.units[0], "27.00")
    assert response.status_code == 201
    assert "/billing/sandbox/" in response.json()["checkout_url"]


def test_with_the_sandbox_off_its_checkout_page_and_notifications_are_404(owed, client, api, settings):
    pending = payment_order_create(actor=Actor(owed.user("owner")), unit=owed.units[0], amount=D("27.00"))
    settings.LINLI_PAYMENT_SANDBOX = False
    client.force_login(owed.user("owner"))
    page = reverse("billing:sandbox_checkout", args=[pending.out_trade_no])
    assert client.get(page).status_code == 404
    assert client.post(page, {"action": "pay"}).status_code == 404
    body, headers = SandboxProvider().notification_for(pending)
    notified = client.post("/api/v1/payment-notifications/sandbox/", data=body, content_type="application/json",
                           HTTP_X_SANDBOX_SIGNATURE=headers[SandboxProvider.SIGNATURE_HEADER])
    assert notified.status_code == 404
    assert not Payment.objects.exists()
    listed = api(owed.user("owner")).get(ORDERS).json()["results"]
    assert [(o["status"], o["checkout_url"]) for o in listed] == [("pending", "")]


# No more than owed plus the cap ------------------------------------------------------------

def test_an_owner_cannot_order_more_than_the_unit_owes_without_a_cap(owed, api):
    client = api(owed.user("owner"))
    refused = order(client, owed.units[0], "27.01")
    assert refused.status_code == 400
    assert refused.json()["code"] == "amount_over_limit" and "amount" in refused.json()["fields"]
    assert order(client, owed.units[0], "27.00").status_code == 201


def test_a_unit_that_owes_nothing_gets_no_order_without_a_cap(tenant, api):
    response = order(api(tenant.user("owner")), tenant.units[0], "9999.00")
    assert response.status_code == 400 and response.json()["code"] == "amount_over_limit"
    assert not PaymentOrder.objects.exists()


def test_the_prepayment_cap_bounds_an_order_above_what_is_owed(owed, api, settings):
    settings.LINLI_PREPAYMENT_CAP = D("100")
    client = api(owed.user("owner"))
    assert order(client, owed.units[0], "127.01").status_code == 400
    assert order(client, owed.units[0], "127.00").status_code == 201


def test_credit_the_unit_already_holds_counts_against_the_cap(owed, api, settings):
    settings.LINLI_PREPAYMENT_CAP = D("100")
    payment_record(actor=Actor(owed.user("cashier")), unit=owed.units[0], amount=D("87.00"), method="cash")
    client = api(owed.user("owner"))  # the bill is paid, 60.00 of credit left: 40.00 more may be paid ahead
    assert order(client, owed.units[0], "40.01").status_code == 400
    assert order(client, owed.units[0], "40.00").status_code == 201


def test_orders_within_the_limit_one_by_one_cannot_together_pay_more_in_the_sandbox(owed, client):
    owner = owed.user("owner")
    first, second = (payment_order_create(actor=Actor(owner), unit=owed.units[0], amount=D("27.00"))
                     for _ in range(2))
    client.force_login(owner)
    for pending in (first, second):
        client.post(reverse("billing:sandbox_checkout", args=[pending.out_trade_no]), {"action": "pay"})
    assert [o.status for o in PaymentOrder.objects.order_by("id")] == ["paid", "pending"]
    assert [p.amount for p in Payment.objects.all()] == [D("27.00")]
