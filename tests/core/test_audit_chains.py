"""One audit chain per community, one for the platform, and the closed legacy chain of before
core 0004 (issue 20, DESIGN §7 `write_scaling`, §8)."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import OperationalError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

from linli.core.audit import (
    GENESIS,
    LEGACY_CHAIN,
    PLATFORM_CHAIN,
    audit_record,
    audit_verify_chain,
    audit_verify_chains,
    chain_events,
    link_hash,
)
from linli.core.models import AuditEvent, AuditHead

A, B = 101, 202  # community ids: the log stores them by value


def record(community_id, n=1, action="test.event"):
    with transaction.atomic():
        return [audit_record(actor=None, action=action, target_type="test", target_id=i,
                             community_id=community_id, data={"n": i, "amount": "12.30"}) for i in range(n)]


def reports():
    return {report.chain: report for report in audit_verify_chains()}


@pytest.mark.django_db
def test_two_communities_writes_make_two_chains():
    a1, = record(A)
    b1, b2 = record(B, 2)
    a2, = record(A)
    assert [(e.seq, e.prev_hash) for e in (a1, a2)] == [(1, GENESIS), (2, a1.hash)]
    assert [(e.seq, e.prev_hash) for e in (b1, b2)] == [(1, GENESIS), (2, b1.hash)]
    heads = {h.chain: h for h in AuditHead.objects.all()}
    assert set(heads) == {f"community:{A}", f"community:{B}"}
    assert (heads[f"community:{A}"].last_hash, heads[f"community:{A}"].last_seq) == (a2.hash, 2)
    assert heads[f"community:{B}"].last_event_id == b2.pk
    assert {name: (r.ok, r.checked) for name, r in reports().items()} == {
        f"community:{A}": (True, 2), f"community:{B}": (True, 2)}
    total = audit_verify_chain()
    assert total.ok and (total.checked, total.chains) == (4, 2)


@pytest.mark.django_db
def test_a_broken_link_in_one_chain_is_named_and_the_other_chain_still_verifies(capsys):
    record(A, 3)
    record(B, 2)
    forged = AuditEvent.objects.get(community_id=A, seq=2)
    AuditEvent.objects.filter(pk=forged.pk).update(data={"n": 1, "amount": "99.99"})
    found = reports()
    assert not found[f"community:{A}"].ok
    assert (found[f"community:{A}"].broken_at, found[f"community:{A}"].seq) == (forged.pk, 2)
    assert found[f"community:{B}"].ok and found[f"community:{B}"].checked == 2
    with pytest.raises(CommandError) as raised:
        call_command("audit_verify")
    message = str(raised.value)
    assert f"audit chain community:{A} broken at event #{forged.pk} (seq 2)" in message
    assert "content does not match its keyed hash" in message and "1 other chain(s) verified" in message
    with pytest.raises(CommandError):
        call_command("audit_verify", verbosity=2)
    assert f"chain community:{B}: 2 events verified, ok" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_removed_event_inside_a_chain_is_named_by_its_seq():
    events = record(B, 3)
    AuditEvent.objects.filter(pk=events[1].pk).delete()
    report = reports()[f"community:{B}"]
    assert (report.broken_at, report.seq, report.checked) == (events[2].pk, 3, 1)
    assert "seq 3 where 2 was expected" in report.reason


@pytest.mark.django_db
def test_a_removed_tail_and_a_removed_head_are_found_per_chain():
    a_events = record(A, 2)
    record(B, 2)
    AuditEvent.objects.filter(pk=a_events[1].pk).delete()
    AuditHead.objects.filter(chain=f"community:{B}").delete()
    found = reports()
    assert (found[f"community:{A}"].broken_at, found[f"community:{A}"].reason) == (
        a_events[1].pk, "the newest events were removed")
    assert not found[f"community:{B}"].ok and "head was removed" in found[f"community:{B}"].reason


@pytest.mark.django_db
def test_an_event_past_the_head_is_found():
    """A head moved back (or an event slipped in after it) leaves events the head does not cover:
    they are walked all the same, and named."""
    first, second = record(A, 2)
    AuditHead.objects.filter(chain=f"community:{A}").update(last_hash=first.hash, last_seq=1, last_event_id=first.pk)
    report = reports()[f"community:{A}"]
    assert (report.broken_at, report.seq) == (second.pk, 2) and "behind its back" in report.reason


@pytest.mark.django_db
def test_the_platform_has_its_own_chain():
    p1, p2 = record(None, 2, action="platform.event")
    a1, = record(A)
    assert (p1.seq, p2.seq, p2.prev_hash, a1.seq, a1.prev_hash) == (1, 2, p1.hash, 1, GENESIS)
    assert AuditHead.objects.get(chain=PLATFORM_CHAIN).last_event_id == p2.pk
    assert list(chain_events(PLATFORM_CHAIN)[0]) == [p1, p2]
    # A platform event moved into a community's chain breaks the platform chain (its community
    # is part of the keyed content), and the community's chain is untouched.
    AuditEvent.objects.filter(pk=p1.pk).update(community_id=A, seq=2)
    found = reports()
    assert not found[PLATFORM_CHAIN].ok and found[PLATFORM_CHAIN].broken_at == p2.pk
    assert not found[f"community:{A}"].ok and found[f"community:{A}"].broken_at == p1.pk


@pytest.mark.django_db
def test_audit_head_prints_an_anchor_per_chain_and_each_anchor_proves(capsys):
    call_command("audit_head")
    assert "audit chain empty" in capsys.readouterr().out
    newest_a = record(A, 2)[-1]
    newest_p = record(None)[-1]
    call_command("audit_head")
    out = capsys.readouterr().out
    assert f"audit head of chain community:{A}: event #{newest_a.pk}" in out and "(seq 2)" in out
    assert f"anchor: {newest_a.pk}:{newest_a.hash}" in out and f"anchor: {newest_p.pk}:{newest_p.hash}" in out
    call_command("audit_head", "--chain", str(A))
    assert f"anchor: {newest_p.pk}" not in capsys.readouterr().out
    call_command("audit_verify", "--anchor", f"{newest_a.pk}:{newest_a.hash}",
                 "--anchor", f"{newest_p.pk}:{newest_p.hash}")
    assert "3 events verified in 2 chain(s)" in capsys.readouterr().out
    record(A)
    call_command("audit_verify", "--anchor", f"{newest_a.pk}:{newest_a.hash}")
    assert "4 events verified in 2 chain(s)" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_rekey_moves_every_chain(settings, monkeypatch):
    settings.LINLI_AUDIT_KEY = "old-key"
    record(A, 2)
    record(B)
    record(None)
    settings.LINLI_AUDIT_KEY = "new-key"
    assert not audit_verify_chain().ok
    monkeypatch.setenv("LINLI_AUDIT_OLD_KEY", "old-key")
    call_command("audit_rekey", "--old-key-env", "LINLI_AUDIT_OLD_KEY")
    assert {name: r.ok for name, r in reports().items()} == {
        PLATFORM_CHAIN: True, f"community:{A}": True, f"community:{B}": True}
    assert audit_verify_chain().checked == 4


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer for the whole file")
def test_a_writer_in_one_community_never_waits_for_another_communitys_chain():
    """A transaction holds community A's head; B's writer goes through at once, A's second writer
    waits (lock_timeout), so the lock is real and per chain."""
    holding, release, failures = threading.Event(), threading.Event(), []

    def hold_a():
        try:
            with transaction.atomic():
                audit_record(actor=None, action="test.hold", target_type="test", community_id=A)
                holding.set()
                release.wait(20)
        except Exception as exc:  # reported below
            failures.append(exc)
        finally:
            connection.close()

    record(A)  # A's head exists, so the holder locks a row rather than inserting one
    thread = threading.Thread(target=hold_a)
    thread.start()
    try:
        assert holding.wait(20)
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL lock_timeout = '2s'")
            audit_record(actor=None, action="test.other", target_type="test", community_id=B)
            audit_record(actor=None, action="test.platform", target_type="test", community_id=None)
        with pytest.raises(OperationalError, match="lock timeout"):
            with transaction.atomic():
                connection.cursor().execute("SET LOCAL lock_timeout = '300ms'")
                audit_record(actor=None, action="test.same", target_type="test", community_id=A)
    finally:
        release.set()
        thread.join()
    assert not failures
    assert audit_verify_chain().ok and audit_verify_chain().chains == 3


# The migration (core 0004) ----------------------------------------------------------------------

def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.mark.django_db(transaction=True)
def test_migration_0004_keeps_the_global_chain_as_a_closed_legacy_chain_that_still_verifies(capsys):
    before, latest = [("core", "0003_keyed_audit_chain")], [("core", "0004_audit_chain_per_community")]
    old_apps = _migrate(before)
    try:
        # The log as core 0003 wrote it: one global chain over two communities and the platform,
        # in id order, its head at pk 1.
        Event, Head = old_apps.get_model("core", "AuditEvent"), old_apps.get_model("core", "AuditHead")
        prev, made = GENESIS, []
        at = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone.utc)
        for i, community_id in enumerate([A, B, None, A, B]):
            event = Event(at=at + dt.timedelta(minutes=i), actor_id=None, actor_name="system", action="old.event",
                          target_type="test", target_id=str(i), community_id=community_id, data={"n": i},
                          prev_hash=prev)
            event.hash = link_hash(prev, event)
            event.save()
            made.append(event)
            prev = event.hash
        Head.objects.create(pk=1, last_hash=prev, last_event_id=made[-1].pk)
        _migrate(latest)
    finally:
        # Every app back at its latest migration (core's later ones among them), for the next test.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())

    # Nothing was rewritten: every link keeps its hash, so an anchor printed before still proves.
    assert list(AuditEvent.objects.order_by("id").values_list("hash", "seq")) == [(e.hash, None) for e in made]
    legacy = AuditHead.objects.get(chain=LEGACY_CHAIN)
    assert (legacy.pk, legacy.last_hash, legacy.last_event_id) == (1, prev, made[-1].pk)
    assert {name: (r.ok, r.checked) for name, r in reports().items()} == {LEGACY_CHAIN: (True, 5)}
    call_command("audit_verify", "--anchor", f"{made[-1].pk}:{made[-1].hash}")
    assert "5 events verified in 1 chain(s)" in capsys.readouterr().out

    # New events start the per-community chains from seq 1; the legacy chain stays closed.
    a1, = record(A)
    p1, = record(None)
    assert (a1.seq, a1.prev_hash, p1.seq, p1.prev_hash) == (1, GENESIS, 1, GENESIS)
    assert {name: (r.ok, r.checked) for name, r in reports().items()} == {
        LEGACY_CHAIN: (True, 5), PLATFORM_CHAIN: (True, 1), f"community:{A}": (True, 1)}
    call_command("audit_head")
    assert f"audit head of chain legacy: event #{made[-1].pk}" in capsys.readouterr().out

    # A legacy event altered is named in the legacy chain; the new chains still verify.
    AuditEvent.objects.filter(pk=made[2].pk).update(data={"n": 99})
    with pytest.raises(CommandError, match=rf"audit chain legacy broken at event #{made[2].pk}: content"):
        call_command("audit_verify")
    assert reports()[f"community:{A}"].ok and reports()[PLATFORM_CHAIN].ok
