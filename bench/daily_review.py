"""Benchmark: the daily review of one community-day among N requests (DESIGN §7; bar:
`median_s` ≤ 0.2 for 1,000,000 requests, on SQLite and on PostgreSQL).

    .venv/bin/python bench/daily_review.py [--n 1000000] [--db sqlite|postgres] [--communities 100]

Builds a temporary database (`--db sqlite`: a temporary file; `--db postgres`: a temporary
database on the server of DATABASE_URL, dropped at the end), inserts N requests spread over
the communities and two years — mostly closed, a backlog still open, some late, repeats and
reopenings — with their resolve, note and reopen events, in bulk (executemany on SQLite, COPY
on PostgreSQL). Then it computes the review of one community for each of the last 14 days,
tomorrow, and days a month, a year and two years back, several times each, and reports the
median. The last line is the figures as key=value."""

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.harness import bench_database, print_figures  # noqa: E402

BAR_S = 0.2
DAYS = 730
BATCH = 20_000
REQUEST_COLUMNS = ["id", "community_id", "company_id", "kind", "title", "description", "location", "channel",
                   "priority", "status", "requester_name", "requester_phone", "hold_seconds", "rating_comment",
                   "escalated", "reopen_count", "urge_count", "satisfaction", "token", "created_at", "updated_at",
                   "respond_by", "resolve_by", "accepted_at", "resolved_at", "closed_at", "repeat_of_id"]
EVENT_COLUMNS = ["id", "request_id", "community_id", "kind", "text", "public", "actor_name", "at"]
KINDS = ["repair"] * 6 + ["complaint"] * 3 + ["help"]
OPEN = ["new", "accepted", "assigned", "in_progress", "on_hold"]


def generate(n: int, communities: list[int], company_id: int, now: dt.datetime, seed: int = 7):
    """Yield (request row, [event rows]) for N requests, community by community, oldest first."""
    rng = random.Random(seed)
    per = n // len(communities)
    span = dt.timedelta(days=DAYS)
    start = now - span
    request_id = event_id = 0
    for c_index, community_id in enumerate(communities):
        count = per + (1 if c_index < n % len(communities) else 0)
        first_id = request_id + 1
        for k in range(count):
            request_id += 1
            created = start + span * (k / count) + dt.timedelta(seconds=rng.randint(0, 600))
            kind = rng.choice(KINDS)
            respond_by, resolve_by = created + dt.timedelta(minutes=30), created + dt.timedelta(hours=24)
            accepted = created + dt.timedelta(minutes=rng.randint(2, 45))
            age = now - created
            events = []
            resolved = closed = None
            if (age > dt.timedelta(days=3) and rng.random() > 0.005) or (age > dt.timedelta(hours=6)
                                                                          and rng.random() < 0.5):
                resolved = accepted + dt.timedelta(hours=rng.uniform(0.5, 30))
                if resolved > now:
                    resolved = None
            if accepted > now:
                accepted = None
            if resolved:
                closed = resolved + dt.timedelta(hours=rng.randint(1, 72))
                status = "closed" if closed < now else "resolved"
                closed = closed if closed < now else None
                event_id += 1
                events.append((event_id, request_id, community_id, "resolve", "", True, "", resolved))
                if rng.random() < 0.005:
                    event_id += 1
                    events.append((event_id, request_id, community_id, "reopen", "", True, "",
                                   resolved + dt.timedelta(hours=1)))
            else:
                status = rng.choice(OPEN) if accepted else "new"
            if accepted and rng.random() < 0.2:
                note_at = accepted + dt.timedelta(days=1)
                if note_at < (resolved or now):
                    event_id += 1
                    events.append((event_id, request_id, community_id, "note", "已联系业主", True, "", note_at))
            repeat_of = rng.randint(first_id, request_id - 1) if kind == "complaint" and request_id > first_id \
                and rng.random() < 0.02 else None
            row = (request_id, community_id, company_id, kind, f"工单{request_id}", "", f"{k % 60 + 1}号楼",
                   "phone", "normal", status, "", "", 0, "", False, 0, 0, "", f"b{request_id}", created, created,
                   respond_by, resolve_by, accepted, resolved, closed, repeat_of)
            yield row, events


def bulk_insert(n: int, communities: list[int], company_id: int, now: dt.datetime) -> dict:
    from django.db import connection

    request_table, event_table = "servicedesk_servicerequest", "servicedesk_requestevent"
    counts = {"requests": 0, "events": 0}
    with connection.cursor() as cursor:
        raw = cursor.cursor
        if connection.vendor == "postgresql":
            # One COPY at a time per connection: the requests, then (generated again, the same
            # rows from the same seed) their events.
            with raw.copy(f"COPY {request_table} ({', '.join(REQUEST_COLUMNS)}) FROM STDIN") as copy:
                for row, _events in generate(n, communities, company_id, now):
                    copy.write_row(row)
                    counts["requests"] += 1
            with raw.copy(f"COPY {event_table} ({', '.join(EVENT_COLUMNS)}) FROM STDIN") as copy:
                for _row, events in generate(n, communities, company_id, now):
                    for event in events:
                        copy.write_row(event)
                        counts["events"] += 1
            for table in (request_table, event_table):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        else:
            def plain(value):
                # The form Django's SQLite backend stores: naive UTC, as text.
                return str(value.astimezone(dt.timezone.utc).replace(tzinfo=None)) if isinstance(value, dt.datetime) \
                    else value

            insert_request = (f"INSERT INTO {request_table} ({', '.join(REQUEST_COLUMNS)}) "
                              f"VALUES ({', '.join('?' * len(REQUEST_COLUMNS))})")
            insert_event = (f"INSERT INTO {event_table} ({', '.join(EVENT_COLUMNS)}) "
                            f"VALUES ({', '.join('?' * len(EVENT_COLUMNS))})")
            batch, event_batch = [], []
            for row, events in generate(n, communities, company_id, now):
                batch.append(tuple(plain(v) for v in row))
                event_batch.extend(tuple(plain(v) for v in e) for e in events)
                if len(batch) >= BATCH:
                    raw.executemany(insert_request, batch)
                    raw.executemany(insert_event, event_batch)
                    counts["requests"] += len(batch)
                    counts["events"] += len(event_batch)
                    batch, event_batch = [], []
            raw.executemany(insert_request, batch)
            raw.executemany(insert_event, event_batch)
            counts["requests"] += len(batch)
            counts["events"] += len(event_batch)
        cursor.execute("ANALYZE")
    return counts


def run(n: int, db: str, community_count: int, repeat: int) -> dict:
    import django
    from django.core.management import call_command
    from django.db import transaction

    django.setup()
    call_command("migrate", verbosity=0)

    from django.utils import timezone

    from linli.estates.models import Community
    from linli.orgs.models import Organization
    from linli.servicedesk.review import daily_review_compute

    company = Organization.objects.create(name="基准物业", kind=Organization.Kind.COMPANY)
    communities = [Community.objects.create(name=f"基准小区{i}", code=f"bench-{i}", company=company).pk
                   for i in range(community_count)]
    now = timezone.now()
    started = time.perf_counter()
    with transaction.atomic():
        counts = bulk_insert(n, communities, company.pk, now)
    insert_s = time.perf_counter() - started

    target = communities[len(communities) // 2]
    today = timezone.localdate(now)
    dates = [today - dt.timedelta(days=d) for d in range(14)] + [
        today + dt.timedelta(days=1), today - dt.timedelta(days=30), today - dt.timedelta(days=365),
        today - dt.timedelta(days=DAYS - 5)]
    timings, sizes = [], []
    for _ in range(repeat):
        for date in dates:
            started = time.perf_counter()
            review = daily_review_compute(community_id=target, date=date)
            timings.append(time.perf_counter() - started)
            sizes.append(review["open"])
    median = statistics.median(timings)
    return {
        "db": db, "n": counts["requests"], "events": counts["events"], "communities": community_count,
        "insert_s": round(insert_s, 1), "reviews": len(timings), "open_median": int(statistics.median(sizes)),
        "median_s": round(median, 4), "p90_s": round(sorted(timings)[int(len(timings) * 0.9)], 4),
        "max_s": round(max(timings), 4), "bar_s": BAR_S, "ok": median <= BAR_S,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="requests in the database (default 1000000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--communities", type=int, default=100, help="communities they belong to (default 100)")
    parser.add_argument("--repeat", type=int, default=5, help="times each day's review is computed (default 5)")
    args = parser.parse_args()

    with bench_database(args.db, "review"):
        figures = run(args.n, args.db, args.communities, args.repeat)
    print_figures(figures)


if __name__ == "__main__":
    main()
