"""Acceptance of issue 15 item 4: the demo has no late-fee policy and no card disabled for arrears
(Civil Code Art. 944; the seed sets no late fee). Loads only the demo loaders it needs — people,
the community, its billing and its vehicle access — not the whole demo."""

from django.utils import timezone

from linli.billing import demo as billing_demo
from linli.billing.models import Bill, LateFeePolicy, Payment
from linli.core.demo import DemoContext
from linli.estates import demo as estates_demo
from linli.estates.models import Zone
from linli.operations.demo import gates as gates_demo
from linli.operations.models import AccessCard, GateEvent
from linli.orgs import demo as orgs_demo


def test_the_demo_has_no_late_fee_policy_and_no_card_disabled_for_arrears(db):
    ctx = DemoContext()
    for load in (orgs_demo.load, estates_demo.load, billing_demo.load):
        load(ctx)
    community = ctx.communities["miaozhuang"]
    gates_demo.load(ctx, community, {z.name: z for z in Zone.objects.filter(community=community)})
    current = f"{timezone.localdate():%Y-%m}"
    # Owners are in arrears in the demo (the situation the removed rule acted on)…
    assert Bill.objects.filter(community=community, status=Bill.Status.OPEN, period__lt=current).exists()
    # …and yet no late fee is set or charged, and every card works.
    assert not LateFeePolicy.objects.exists()
    assert not Payment.objects.filter(late_fee__gt=0).exists()
    cards = AccessCard.objects.filter(community=community)
    assert cards.exists() and not cards.exclude(status=AccessCard.Status.ACTIVE).exists()
    assert not GateEvent.objects.filter(reason="card_arrears").exists()
