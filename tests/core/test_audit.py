import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction

from linli.core.audit import audit_record, audit_verify_chain
from linli.core.models import AppendOnlyError, AuditEvent


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
