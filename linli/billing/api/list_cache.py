"""An owner's bill list (GET /api/v1/bills/), answered from a cache that cannot be stale.

What an owner or resident gets there (an actor with no active membership and no admin rights:
their scope is the units they hold or live in, nothing else) depends on exactly:

- those units, and the units' communities;
- the bills and bill lines of those units, and the late-fee rule of those communities;
- today's date (late fees accrue by the day);
- the request: its absolute URL (query, host and scheme make the page links), the renderer and
  media type chosen, the language.

Every write that changes a bill, a bill line or a late-fee rule appends an event to the audit
chain of the bill's community in its own transaction: payment.record (an online payment and a
statement import record theirs through it), payment.reverse (a refund completes through it),
bill.late_fee_waive, billing.run (bills, lines and the credit a run spends), late_fee_policy.create
/ update. (The demo seed, which writes its payments set-based, runs in one transaction with the
billing runs it audits.) The chain's head (`AuditHead.last_hash`, a keyed hash that includes the
event's time) moves in the same commit as the change. A new write path that changes bills without
an audit event in the bill's community would make this cache stale: it must not exist. The cache key is a hash of everything listed above,
with the heads of the communities of the actor's units read fresh on every request: a committed
change to any of the owner's bills gives a new key, and the entry under the old key is never read
again (it ages out of the cache). `tests/scale/test_bill_list_cache.py` holds that to a payment,
a reversal, a waiver, a billing run and a late-fee rule change.

Order matters: the units and heads are read, in one query, before the bills; so an entry holds
bills at least as new as the heads its key names, never older. The units read for the key are
the actor's scope for the rest of the request (primed into the Actor), so the entry is the list
of exactly the units its key names. A community without a chain head (no audited event yet)
is never cached.

The cache is per process (local memory, bounded): a key names its inputs, so workers need not
share entries, and no other process has to be told to drop one."""

import hashlib

from django.core.cache import caches
from django.db import connections, router
from django.http import HttpResponse
from django.utils import timezone, translation
from rest_framework.renderers import JSONRenderer

from linli.core.models import AuditHead
from linli.estates.models import Owner, Ownership, Resident, Unit
from linli.orgs.models import Membership

from ..models import Bill

CACHE_ALIAS = "bill_lists"


def _scope_sql(connection) -> str:
    q = connection.ops.quote_name
    ownership, owner, resident = (q(m._meta.db_table) for m in (Ownership, Owner, Resident))
    unit, membership, head = (q(m._meta.db_table) for m in (Unit, Membership, AuditHead))
    return (
        f"WITH own AS (SELECT o.unit_id AS unit_id, 'o' AS how FROM {ownership} o "
        f"INNER JOIN {owner} w ON w.id = o.owner_id WHERE w.user_id = %s "
        f"UNION ALL SELECT r.unit_id, 'r' FROM {resident} r WHERE r.user_id = %s AND r.move_out IS NULL) "
        f"SELECT own.how, own.unit_id, u.community_id, NULL FROM own INNER JOIN {unit} u ON u.id = own.unit_id "
        f"UNION ALL SELECT 'm', m.id, NULL, NULL FROM {membership} m WHERE m.user_id = %s AND m.active "
        f"UNION ALL SELECT 'h', NULL, NULL, h.chain || ' ' || h.last_hash FROM {head} h WHERE h.chain IN "
        f"(SELECT 'community:' || CAST(u.community_id AS TEXT) FROM own INNER JOIN {unit} u ON u.id = own.unit_id)"
    )


_SQL: dict[str, str] = {}


def list_key(request, actor) -> str | None:
    """The cache key of this request's bill list, or None when it is not cached: an admin, an
    actor with any active membership (staff scope), a renderer other than JSON, a community with
    no chain head. Primes the actor's unit scope from the same read."""
    user = actor.user
    if not actor.is_authenticated or actor.is_admin:
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if type(renderer) is not JSONRenderer:
        return None
    alias = router.db_for_read(Bill)
    connection = connections[alias]
    sql = _SQL.get(connection.vendor) or _SQL.setdefault(connection.vendor, _scope_sql(connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk, user.pk])
        rows = cursor.fetchall()
    owned, lived, communities, heads = set(), set(), set(), []
    for how, unit_id, community_id, head in rows:
        if how == "m":
            return None
        if how == "h":
            heads.append(head)
            continue
        (owned if how == "o" else lived).add(unit_id)
        communities.add(community_id)
    if len(heads) != len(communities):
        return None
    # The scope the rest of the request uses (linli.core.tenancy.Actor): the one the key names.
    actor.__dict__.update(memberships=[], owned_unit_ids=owned, own_unit_ids=owned | lived,
                          resident_community_ids=communities)
    parts = [str(user.pk), ",".join(map(str, sorted(owned | lived))), *sorted(heads),
             timezone.localdate().isoformat(), request.build_absolute_uri(), str(request.accepted_media_type),
             translation.get_language() or "", str(getattr(request, "version", None))]
    return "bills:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def cached(key: str) -> HttpResponse | None:
    entry = caches[CACHE_ALIAS].get(key)
    if entry is None:
        return None
    content_type, content = entry
    return HttpResponse(content, content_type=content_type)


def store_after_render(key: str, response) -> None:
    """Keep the rendered body of a 200 answer under `key`."""
    def store(rendered):
        if rendered.status_code == 200:
            caches[CACHE_ALIAS].set(key, (rendered["Content-Type"], rendered.content), timeout=86400)
    response.add_post_render_callback(store)
