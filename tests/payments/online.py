"""Shared by the end-to-end tests of online payment: a unit that owes 27.00, its company's
merchant account pointing at a simulator, and the simulator's notifications delivered to the app
(the gateway's server POSTing to the order's notify_url) through Django's test client."""

from decimal import Decimal
from urllib.parse import urlsplit

from linli.billing.models import Bill, FeeRule, Payment, PaymentIncident, PaymentOrder
from linli.billing.services import bill_run_create
from linli.billing.simulators import Delivery
from linli.core.tenancy import SystemActor

ORDERS = "/api/v1/payment-orders/"
OWED = Decimal("27.00")  # 90 m² × 0.30 for 2026-03


def owe(tenant) -> None:
    FeeRule.objects.create(community=tenant.community, name="物业费", kind="area", rate=Decimal("0.30"))
    bill_run_create(actor=SystemActor(), community=tenant.community, period="2026-03")


def route_to_app(sim, client) -> None:
    """The simulator's notifications reach the app as the real gateway's reach the notify_url."""
    def deliver(url, body, headers):
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items() if k.lower() != "content-type"}
        response = client.post(urlsplit(url).path, data=body, content_type=headers.get("Content-Type", ""), **extra)
        delivery = Delivery(url, body, headers, response.status_code, response.content)
        with sim.lock:
            sim.deliveries.append(delivery)
        return delivery

    sim.deliver = deliver


def create_order(api_client, unit, provider, **extra):
    response = api_client.post(ORDERS, {"unit": unit.pk, "amount": str(OWED), "provider": provider, **extra},
                               format="json")
    assert response.status_code == 201, response.content
    return response.json()


def assert_nothing_recorded(unit) -> None:
    assert not Payment.objects.filter(unit=unit).exists()
    assert Bill.objects.get(unit=unit).status == Bill.Status.OPEN


def incidents(kind: str):
    return list(PaymentIncident.objects.filter(kind=kind))


def backdate(order_id: int, minutes: int = 2, *, expire: bool = False) -> None:
    from datetime import timedelta

    from django.utils import timezone

    then = timezone.now() - timedelta(minutes=minutes)
    changes = {"created_at": then}
    if expire:
        changes["expires_at"] = then + timedelta(seconds=30)
    PaymentOrder.objects.filter(pk=order_id).update(**changes)
