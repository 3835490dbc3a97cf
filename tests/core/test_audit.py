import hashlib
import importlib
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from linli.billing.models import Payment
from linli.billing.services import payment_record
from linli.core.audit import (
    LEGACY_CHAIN,
    PLATFORM_CHAIN,
    ChainBroken,
    _canonical,
    audit_record,
    audit_verify_chain,
    chain_events,
    chain_key,
    chain_name,
    derived_key,
    link_hash,
)
from linli.core.models import AppendOnlyError, AuditEvent, AuditHead
from linli.core.tenancy import Actor


def _three_events(actor):
    with transaction.atomic():
        for i in range(3):
            audit_record(actor=actor, action="test.event", target_type="test", target_id=i,
                         data={"amount": "22.34", "n": i})
    return list(AuditEvent.objects.order_by("id"))


def test_each_event_links_to_the_previous_hash(admin_user):
    events = _three_events(admin_user)
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert audit_verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_audit_record_refuses_to_run_outside_a_transaction(admin_user):
    with pytest.raises(RuntimeError):
        audit_record(actor=admin_user, action="test.event", target_type="test")


def test_events_cannot_be_changed_or_deleted_through_the_model(admin_user):
    event = _three_events(admin_user)[0]
    event.action = "rewritten"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_audit_verify_names_the_first_tampered_row(admin_user, capsys):
    events = _three_events(admin_user)
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"amount": "99.99", "n": 1})
    with pytest.raises(CommandError, match=rf"#{events[1].pk}\b"):
        call_command("audit_verify")


def test_audit_verify_detects_a_removed_tail(admin_user):
    events = _three_events(admin_user)
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    report = audit_verify_chain()
    assert not report.ok and report.broken_at == events[2].pk


def test_audit_verify_passes_on_an_intact_chain(admin_user, capsys):
    _three_events(admin_user)
    call_command("audit_verify")
    assert "3 events verified" in capsys.readouterr().out


def test_registry_writes_are_audited_in_the_same_transaction(tenant, api):
    before = AuditEvent.objects.count()
    response = api(tenant.user("manager")).post(
        "/api/v1/buildings/", {"community": tenant.community.pk, "name": "8号楼"}, format="json"
    )
    assert response.status_code == 201
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1
    assert (event.action, event.target_id, event.community_id) == ("building.create", str(response.json()["id"]),
                                                                   tenant.community.pk)
    assert event.actor_name == tenant.user("manager").username


# The keyed chain (issue 14 item 9, DESIGN §5 v1.1) -------------------------------------------

def plain_relink(start_id):
    """What someone with write access to the database, but not the key, does after editing an
    event: recompute every plain SHA-256 link of its chain from there on, and the chain's head."""
    start = AuditEvent.objects.get(pk=start_id)
    name = chain_name(start.community_id) if start.seq is not None else LEGACY_CHAIN
    events, order = chain_events(name)
    prev = events.filter(**{f"{order}__lt": getattr(start, order)}).reverse().values_list("hash", flat=True).first()
    prev = prev or "0" * 64
    for event in events.filter(**{f"{order}__gte": getattr(start, order)}):
        digest = hashlib.sha256((prev + _canonical(event)).encode()).hexdigest()
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditHead.objects.filter(chain=name).update(last_hash=prev)


def test_a_payment_rewritten_with_its_plain_hashes_recomputed_fails_audit_verify(tenant):
    payment, _created = payment_record(actor=Actor(tenant.user("cashier")), unit=tenant.units[0],
                                       amount=Decimal("27.00"), method="cash")
    with transaction.atomic():  # one more event after it, so the forger has links to recompute
        audit_record(actor=tenant.user("cashier"), action="test.event", target_type="test")
    event = AuditEvent.objects.get(action="payment.record", target_id=str(payment.pk))
    Payment.objects.filter(pk=payment.pk).update(amount=Decimal("9999.00"))
    AuditEvent.objects.filter(pk=event.pk).update(data={**event.data, "amount": "9999.00", "credit": "9999.00"})
    plain_relink(event.pk)
    with pytest.raises(CommandError, match=rf"#{event.pk}\b"):
        call_command("audit_verify")


def test_the_links_hold_only_under_the_key_they_were_made_with(admin_user, settings):
    settings.LINLI_AUDIT_KEY = "the-first-key-of-this-deployment"
    _three_events(admin_user)
    assert audit_verify_chain().ok
    settings.LINLI_AUDIT_KEY = "another-key"
    assert not audit_verify_chain().ok


def test_without_an_audit_key_the_key_is_derived_from_the_secret_key(settings):
    settings.LINLI_AUDIT_KEY = ""
    assert chain_key() == derived_key(settings.SECRET_KEY) != settings.SECRET_KEY.encode()
    settings.LINLI_AUDIT_KEY = "set"
    assert chain_key() == b"set"


def test_audit_head_prints_the_newest_link_to_anchor(admin_user, capsys):
    call_command("audit_head")
    assert "audit chain empty" in capsys.readouterr().out
    newest = _three_events(admin_user)[-1]
    call_command("audit_head")
    out = capsys.readouterr().out
    assert f"event #{newest.pk}" in out and f"anchor: {newest.pk}:{newest.hash}" in out


def test_audit_verify_holds_the_chain_to_an_anchor_even_against_the_key(admin_user, capsys):
    events = _three_events(admin_user)
    anchor = f"{events[2].pk}:{events[2].hash}"
    call_command("audit_verify", "--anchor", anchor)
    # Someone holding the key rewrites an event and every keyed link after it: the chain proves,
    # the anchor printed before does not.
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"amount": "99.99", "n": 1})
    prev = events[0].hash
    for event in AuditEvent.objects.filter(id__gte=events[1].pk).order_by("id"):
        digest = link_hash(prev, event)
        AuditEvent.objects.filter(pk=event.pk).update(prev_hash=prev, hash=digest)
        prev = digest
    AuditHead.objects.filter(chain=PLATFORM_CHAIN).update(last_hash=prev)
    call_command("audit_verify")
    with pytest.raises(CommandError, match=rf"anchor #{events[2].pk}\b"):
        call_command("audit_verify", "--anchor", anchor)


def test_the_migration_moves_a_chain_of_plain_hashes_to_the_key(admin_user):
    events = _three_events(admin_user)
    plain_relink(events[0].pk)  # as a database from before the key holds it
    assert not audit_verify_chain().ok
    migration = importlib.import_module("linli.core.migrations.0003_keyed_audit_chain")
    migration.key_the_chain(django_apps, None)
    assert audit_verify_chain().ok and audit_verify_chain().checked == 3


def test_the_migration_refuses_a_plain_chain_that_does_not_prove(admin_user):
    events = _three_events(admin_user)
    plain_relink(events[0].pk)
    AuditEvent.objects.filter(pk=events[1].pk).update(data={"amount": "99.99", "n": 1})
    before = list(AuditEvent.objects.order_by("id").values_list("hash", flat=True))
    migration = importlib.import_module("linli.core.migrations.0003_keyed_audit_chain")
    with pytest.raises(ChainBroken, match=rf"#{events[1].pk}\b"):
        migration.key_the_chain(django_apps, None)
    assert list(AuditEvent.objects.order_by("id").values_list("hash", flat=True)) == before


def test_audit_rekey_moves_the_chain_to_a_new_key_after_proving_the_old(admin_user, settings, monkeypatch):
    settings.LINLI_AUDIT_KEY = "old-key"
    _three_events(admin_user)
    settings.LINLI_AUDIT_KEY = "new-key"
    monkeypatch.setenv("LINLI_AUDIT_OLD_KEY", "not-the-old-key")
    with pytest.raises(CommandError, match="does not hold"):
        call_command("audit_rekey", "--old-key-env", "LINLI_AUDIT_OLD_KEY")
    assert not audit_verify_chain().ok
    monkeypatch.setenv("LINLI_AUDIT_OLD_KEY", "old-key")
    call_command("audit_rekey", "--old-key-env", "LINLI_AUDIT_OLD_KEY")
    assert audit_verify_chain().ok
