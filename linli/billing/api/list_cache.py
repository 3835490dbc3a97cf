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

A hit costs one query. For a request with a token (`Authorization: Token …`, the API's first
authentication class), `authenticate_owner` reads the token's user, the units, the memberships and
the heads in that one query and authenticates the request with its answer, as the token
authentication would; an unknown token or an inactive user falls through to that authentication,
which refuses it with its own answer. A session-authenticated request reads the same scope by user.

The cache is per process (local memory, bounded): a key names its inputs, so workers need not
share entries, and no other process has to be told to drop one."""

import hashlib

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import connections, router
from django.http import HttpResponse
from django.utils import timezone, translation
from rest_framework import authentication
from rest_framework.authtoken.models import Token
from rest_framework.renderers import JSONRenderer

from linli.core.authentication import TokenAuthentication
from linli.core.models import AuditHead
from linli.estates.models import Owner, Ownership, Resident, Unit
from linli.orgs.models import Membership

from ..models import Bill

CACHE_ALIAS = "bill_lists"


def _scope_sql(connection, by_token: bool) -> str:
    """The actor's units (owned `o`, lived in `r`), active memberships `m` and the heads `h` of the
    units' communities; `by_token`: for the user of the token given as the parameter, with that
    user's row (`u`: the token's creation time, then the user's columns) first."""
    q = connection.ops.quote_name
    ownership, owner, resident = (q(m._meta.db_table) for m in (Ownership, Owner, Resident))
    unit, membership, head = (q(m._meta.db_table) for m in (Unit, Membership, AuditHead))
    user_model = get_user_model()
    user_columns = [f"u.{q(field.column)}" for field in user_model._meta.concrete_fields]
    pad = "".join(", NULL" for _ in range(len(user_columns) + 1)) if by_token else ""
    who = "(SELECT user_id FROM tok)" if by_token else "%s"
    token_table = q(Token._meta.db_table)
    prefix = (f"tok AS (SELECT t.{q(Token._meta.get_field('user').column)} AS user_id, t.created AS created "
              f"FROM {token_table} t WHERE t.{q(Token._meta.get_field('key').column)} = %s), ") if by_token else ""
    user_row = (f"SELECT 'u', NULL, NULL, NULL, tok.created, {', '.join(user_columns)} FROM tok "
                f"INNER JOIN {q(user_model._meta.db_table)} u ON u.{q(user_model._meta.pk.column)} = tok.user_id "
                f"UNION ALL ") if by_token else ""
    return (
        f"WITH {prefix}own AS (SELECT o.unit_id AS unit_id, 'o' AS how FROM {ownership} o "
        f"INNER JOIN {owner} w ON w.id = o.owner_id WHERE w.user_id = {who} "
        f"UNION ALL SELECT r.unit_id, 'r' FROM {resident} r WHERE r.user_id = {who} AND r.move_out IS NULL) "
        f"{user_row}"
        f"SELECT own.how, own.unit_id, u.community_id, NULL{pad} FROM own INNER JOIN {unit} u ON u.id = own.unit_id "
        f"UNION ALL SELECT 'm', m.id, NULL, NULL{pad} FROM {membership} m WHERE m.user_id = {who} AND m.active "
        f"UNION ALL SELECT 'h', NULL, NULL, h.chain || ' ' || h.last_hash{pad} FROM {head} h WHERE h.chain IN "
        f"(SELECT 'community:' || CAST(u.community_id AS TEXT) FROM own INNER JOIN {unit} u ON u.id = own.unit_id)"
    )


_SQL: dict[tuple[str, bool], str] = {}


def _read(sql_key: bool, params: list) -> list[tuple]:
    alias = router.db_for_read(Bill)
    connection = connections[alias]
    sql = _SQL.get((connection.vendor, sql_key))
    if sql is None:
        sql = _SQL[(connection.vendor, sql_key)] = _scope_sql(connection, sql_key)
    if connection.vendor == "postgresql":
        # A prepared statement: PostgreSQL plans this query in about 0.8 ms and runs it in 0.3, on
        # every hit. Django's cursors bind on the client, which cannot prepare; psycopg's own cursor
        # on the same connection binds on the server and prepares it from its sixth run
        # (`prepare_threshold`, settings.py). Django's wrapper keeps it logged like any other query.
        import psycopg

        connection.ensure_connection()
        raw = psycopg.Cursor(connection.connection)
        with (connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)) as c:
            c.execute(sql, params)
            return c.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def authenticate_owner(request) -> list[tuple] | None:
    """For a request with a token: the token's user and scope in one query. Authenticates the
    request with the user (as `linli.core.authentication.TokenAuthentication` would) and returns
    the scope's rows; None, having done nothing, for any other request, an unknown token or an
    inactive user (the token authentication then answers it)."""
    header = authentication.get_authorization_header(request).split()
    if len(header) != 2 or header[0].lower() != b"token":
        return None
    try:
        key = header[1].decode()
    except UnicodeError:
        return None
    rows = _read(True, [key])
    users = [row for row in rows if row[0] == "u"]
    if not users:
        return None
    user, created = _user_from_row(users[0])
    if not user.is_active:
        return None
    request._authenticator = TokenAuthentication()
    request.user, request.auth = user, Token(key=key, user=user, created=created)
    return [row for row in rows if row[0] != "u"]


def _user_from_row(row: tuple):
    """The user and the token's creation time of a `u` row, through the backend's converters (a
    raw cursor over a UNION gives SQLite's booleans and times as stored), as a raw query would."""
    alias = router.db_for_read(Bill)
    connection = connections[alias]
    user_model = get_user_model()
    fields = [Token._meta.get_field("created"), *user_model._meta.concrete_fields]
    values = []
    for field, value in zip(fields, row[4:]):
        column = field.get_col(field.model._meta.db_table)
        for converter in [*connection.ops.get_db_converters(column), *field.get_db_converters(connection)]:
            value = converter(value, column, connection)
        values.append(value)
    user = user_model.from_db(alias, [field.attname for field in fields[1:]], values[1:])
    return user, values[0]


def list_key(request, actor, rows: list[tuple] | None = None) -> str | None:
    """The cache key of this request's bill list, or None when it is not cached: an admin, an
    actor with any active membership (staff scope), a renderer other than JSON, a community with
    no chain head. Primes the actor's unit scope from the same read: `rows`, when
    `authenticate_owner` read them, or a read now."""
    user = actor.user
    if not actor.is_authenticated or actor.is_admin:
        return None
    renderer = getattr(request, "accepted_renderer", None)
    if type(renderer) is not JSONRenderer:
        return None
    if rows is None:
        rows = _read(False, [user.pk, user.pk, user.pk])
    owned, lived, communities, heads = set(), set(), set(), []
    for how, unit_id, community_id, head, *_ in rows:
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
