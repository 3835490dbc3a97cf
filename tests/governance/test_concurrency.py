"""One vote per owner per motion even when the same vote arrives many times at once (DESIGN §8):
the assembly row is locked while the service looks for an earlier vote (PostgreSQL), the write
lock is taken up front (SQLite), and a unique constraint backs both.

On PostgreSQL every request but one is refused as a duplicate. The SQLite test database is an
in-memory database with a shared cache, whose table locks fail at once instead of waiting as the
file database of a deployment does (30 s): there a request may also fail as "locked". Either
way exactly one vote is stored."""

import datetime as dt
import threading

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from linli.core.errors import Conflict
from linli.governance import services
from linli.governance.models import FundObjection, Vote
from tests.conftest import build_tenant
from tests.governance.conftest import build_town

THREADS = 8


def race(target) -> list:
    """Run `target` in THREADS threads released together; return what each returned or raised."""
    barrier = threading.Barrier(THREADS)
    outcomes = [None] * THREADS

    def run(i):
        try:
            barrier.wait()
            outcomes[i] = target(i)
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def assert_one_stored(outcomes, kind):
    stored = [o for o in outcomes if isinstance(o, kind)]
    duplicates = [o for o in outcomes if isinstance(o, Conflict)]
    locked = [o for o in outcomes if isinstance(o, OperationalError) and "locked" in str(o)]
    assert len(stored) == 1, outcomes
    if connection.vendor == "sqlite":
        assert len(duplicates) + len(locked) == THREADS - 1, outcomes
    else:
        assert len(duplicates) == THREADS - 1, outcomes


@pytest.mark.django_db(transaction=True)
def test_concurrent_votes_of_one_owner_count_once():
    town = build_town(build_tenant("并发"))
    owner = town.owner("100")
    town.owner("100")
    assembly = services.assembly_create(actor=town.committee, community=town.community, title="会议")
    motion = services.motion_create(actor=town.committee, assembly=assembly, title="议题", matter="rules")
    outcomes = race(lambda i: services.vote_cast(actor=town.committee, motion=motion, owner=owner,
                                                 choice="yes" if i % 2 else "no"))
    assert_one_stored(outcomes, Vote)
    assert Vote.objects.filter(motion=motion).count() == 1
    assert services.motion_result_for(actor=town.committee, motion=motion)["participating_owners"] == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_objections_of_one_owner_count_once():
    town = build_town(build_tenant("并发异议"))
    owner = town.owner("100")
    unit = owner.ownerships.get().unit
    usage = services.fund_usage_create(actor=town.committee, community=town.community, title="维修", amount="100",
                                       units=[unit], mode="negative_vote",
                                       publicity_ends=timezone.now() + dt.timedelta(days=8))
    outcomes = race(lambda i: services.fund_objection_record(actor=town.committee, usage=usage, owner=owner))
    assert_one_stored(outcomes, FundObjection)
    assert FundObjection.objects.filter(usage=usage).count() == 1
