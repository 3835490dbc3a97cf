"""Report reads from a streaming replica (DESIGN §9, docs/scale-out.md).

With DATABASE_REPLICA_URL set, settings add the "replica" database and this router. Every read
stays on the primary — a page shown right after a write must show it (read-your-writes) —
except the reads made inside `reads_from_replica()`: the reports, which aggregate many rows,
tolerate the replica's lag of a fraction of a second, and are the load worth moving off the
primary. Inside a transaction on the primary, even those stay on the primary: the transaction
may be about to act on what it reads, and the replica does not have its writes yet.

Without a replica the router is not installed and `reads_from_replica()` changes nothing."""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reporting: ContextVar[bool] = ContextVar("linli_reads_from_replica", default=False)


@contextmanager
def reads_from_replica():
    """Reads inside go to the replica, when there is one and no transaction is open."""
    token = _reporting.set(True)
    try:
        yield
    finally:
        _reporting.reset(token)


def replica_reads(func):
    """Decorator: the function's reads go to the replica (see `reads_from_replica`). The
    function must return evaluated results, not a lazy queryset."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        with reads_from_replica():
            return func(*args, **kwargs)

    return wrapper


def replica_in_use() -> bool:
    """Whether a read made now would go to the replica."""
    return (_reporting.get() and REPLICA in connections.settings
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block)


class ReplicaRouter:
    """Writes and ordinary reads: the primary. Reads inside `reads_from_replica()`: the replica.

    Both answers are explicit: with no answer Django would follow the database an instance was
    loaded from, and an object read for a report would then be saved to, or have its relations
    read from, the replica."""

    def db_for_read(self, model, **hints):
        return REPLICA if replica_in_use() else DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica is a copy of the primary: an object from either is the same row.
        return {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA, None}

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica replays the primary's WAL, schema included; it takes no writes of its own.
        return False if db == REPLICA else None
