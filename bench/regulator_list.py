"""Benchmark: a district regulator's community list and overview over a city (DESIGN §7; bar:
`p50_ms` ≤ 200 for 1,000 communities of 100 units each).

    .venv/bin/python bench/regulator_list.py [--n 1000] [--requests 20] [--db sqlite|postgres]

Builds, in bulk, a city with one district of ten sub-districts, one residents' committee per ten
communities, twenty companies and N communities of 100 units each (five buildings of twenty
units), and beside them what the district's aggregates read: service requests filed this year
(some resolved, some late, some rated), a month of bills for a tenth of the units, a quarterly
inspection of each community, committees in a third of them with post-committee contracts in
half of those, fund usages. Then signs the district regulator in through Django's test Client
and times the community list (`/communities/`, its first page and a search) and the district's
dashboard (`/oversight/<district>/`): one warm-up each, then `--requests` requests, reporting the
median and 90th percentile and the number of queries per page. `--db sqlite` uses a temporary
SQLite file; `--db postgres` creates a temporary database on the server of DATABASE_URL and drops
it at the end. The last line is the figures as key=value."""

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import bench_database, print_figures, setup_django  # noqa: E402

BAR_MS = 200
UNITS_PER_COMMUNITY = 100
BUILDINGS_PER_COMMUNITY = 5
COMMUNITIES_PER_COMMITTEE = 10
SUBDISTRICTS = 10
COMPANIES = 20
SEED = 20261201
BATCH = 2000


def _bulk(model, rows):
    return model.objects.bulk_create(rows, batch_size=BATCH)


def build(n: int):
    """The city and its N communities; returns (district regulator user, district)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from linli.billing.models import Bill
    from linli.estates.models import Building, Community, Unit, Zone
    from linli.governance.models import Committee, FundUsage
    from linli.orgs.models import Membership, Organization
    from linli.oversight.models import Inspection, ServiceContract
    from linli.servicedesk.models import ServiceRequest

    rng = random.Random(SEED)
    kind = Organization.Kind
    city = Organization.objects.create(name="基准市", kind=kind.CITY)
    district = Organization.objects.create(name="基准区", kind=kind.DISTRICT, parent=city)
    subdistricts = _bulk(Organization, [Organization(name=f"街道{i:02d}", kind=kind.SUBDISTRICT, parent=district)
                                        for i in range(SUBDISTRICTS)])
    committees_count = max(1, -(-n // COMMUNITIES_PER_COMMITTEE))
    rcs = _bulk(Organization, [Organization(name=f"社区{i:03d}", kind=kind.RESIDENTS_COMMITTEE,
                                            parent=subdistricts[i % SUBDISTRICTS]) for i in range(committees_count)])
    companies = _bulk(Organization, [Organization(name=f"物业{i:02d}", kind=kind.COMPANY) for i in range(COMPANIES)])
    today = timezone.localdate()
    communities = _bulk(Community, [
        Community(name=f"小区{i:04d}", code=f"bench-{i:04d}", company=companies[i % COMPANIES],
                  residents_committee=rcs[i // COMMUNITIES_PER_COMMITTEE],
                  contract_end=today + dt.timedelta(days=rng.randrange(-30, 720))) for i in range(n)])
    zones = _bulk(Zone, [Zone(community=c, name="北区") for c in communities])
    buildings = _bulk(Building, [Building(community=c, zone=z, name=f"{b + 1}号楼")
                                 for c, z in zip(communities, zones) for b in range(BUILDINGS_PER_COMMUNITY)])
    per_building = UNITS_PER_COMMUNITY // BUILDINGS_PER_COMMUNITY
    statuses = [s for s, _label in Unit.Status.choices]
    units = []
    for building in buildings:
        units += [Unit(community_id=building.community_id, building=building, number=f"{building.name}-{u + 1:03d}",
                       area=Decimal("89.50"), exclusive_area=Decimal("80.00"), status=rng.choice(statuses))
                  for u in range(per_building)]
    units = _bulk(Unit, units)

    now = timezone.now()
    start = now.replace(month=1, day=1, hour=9, minute=0, second=0, microsecond=0)
    requests = []
    for community in communities:
        for r in range(3):
            filed = start + dt.timedelta(days=rng.randrange(max(1, (now - start).days)), minutes=r)
            resolved = filed + dt.timedelta(hours=rng.choice([4, 30, 80])) if rng.random() < 0.7 else None
            requests.append(ServiceRequest(
                community=community, company_id=community.company_id, kind="repair" if r else "complaint",
                title="基准工单", status="resolved" if resolved else "new", created_at=filed,
                respond_by=filed + dt.timedelta(hours=2), resolve_by=filed + dt.timedelta(hours=48),
                accepted_at=filed + dt.timedelta(minutes=30), resolved_at=resolved,
                rating=rng.randrange(1, 6) if resolved else None,
                satisfaction="satisfied" if resolved and rng.random() < 0.8 else ""))
    _bulk(ServiceRequest, requests)
    period = f"{today.year}-{today.month:02d}"
    _bulk(Bill, [Bill(community_id=u.community_id, unit=u, period=period, amount=Decimal("178.00"))
                 for u in units[::10]])
    quarter = f"{today.year}Q{(today.month - 1) // 3 + 1}"
    _bulk(Inspection, [Inspection(company_id=c.company_id, community=c, quarter=quarter, year=today.year,
                                  subdistrict=subdistricts[(i // COMMUNITIES_PER_COMMITTEE) % SUBDISTRICTS],
                                  score=Decimal(rng.randrange(7000, 9900)) / 100, inspected_on=today)
                       for i, c in enumerate(communities)])
    terms = [today - dt.timedelta(days=rng.randrange(30, 120)) for _ in communities[::3]]
    committees = _bulk(Committee, [Committee(community=c, term_start=t, term_end=t + dt.timedelta(days=5 * 365))
                                   for c, t in zip(communities[::3], terms)])
    _bulk(ServiceContract, [ServiceContract(community=c.community, company_id=c.community.company_id, phase="post",
                                            signed_on=c.term_start + dt.timedelta(days=20), start=c.term_start,
                                            committee=c) for c in committees[::2]])
    _bulk(FundUsage, [FundUsage(community=c, title="电梯维修", amount=Decimal("12000.00"),
                                status=rng.choice([s for s, _label in FundUsage.Status.choices]))
                      for c in communities[::4]])
    user = get_user_model().objects.create_user("bench-district", password="x")
    Membership.objects.create(user=user, organization=district, role="regulator")
    return user, district


def _time(client, url: str, params: dict, warm: int, count: int) -> tuple[list[float], int, bool]:
    """Milliseconds of `count` GETs after `warm` warm-ups, the queries of the last, and whether all were 200."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    ok = True
    for _ in range(warm):
        ok &= client.get(url, params).status_code == 200
    times = []
    for _ in range(count):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            response = client.get(url, params)
            times.append((time.perf_counter() - started) * 1000)
        ok &= response.status_code == 200
    return times, len(queries.captured_queries), ok


def _pct(times: list[float], q: int) -> float:
    return round(statistics.quantiles(times, n=100, method="inclusive")[q - 1], 1) if len(times) > 1 else round(
        times[0], 1)


def run(n: int, count: int, db: str) -> dict:
    setup_django()
    import gc

    from django.test import Client
    from django.urls import reverse

    from linli.estates.models import Community, Unit

    started = time.perf_counter()
    user, district = build(n)
    setup_s = time.perf_counter() - started
    gc.collect()

    client = Client()
    client.force_login(user)
    pages = {
        "list": (reverse("web:community_list"), {}),
        "search": (reverse("web:community_list"), {"q": "小区09"}),
        "dashboard": (reverse("oversight:dashboard", args=[district.pk]), {}),
    }
    figures = {"db": db, "communities": Community.objects.count(), "units": Unit.objects.count(),
               "setup_s": round(setup_s, 1)}
    ok = True
    for name, (url, params) in pages.items():
        times, queries, page_ok = _time(client, url, params, warm=1, count=count)
        figures[f"{name}_p50_ms"] = _pct(times, 50)
        figures[f"{name}_p90_ms"] = _pct(times, 90)
        figures[f"{name}_queries"] = queries
        ok &= page_ok
    figures["p50_ms"] = max(figures["list_p50_ms"], figures["dashboard_p50_ms"])
    figures["bar_ms"] = BAR_MS
    figures["ok"] = ok and figures["list_p50_ms"] <= BAR_MS and figures["dashboard_p50_ms"] <= BAR_MS
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="communities of 100 units each (default 1000)")
    parser.add_argument("--requests", type=int, default=20, help="timed requests per page (default 20)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    # Timed as in production: DEBUG off (no debug templates or query log outside the measured
    # capture), the test Client's host allowed, session cookies sent over plain HTTP.
    os.environ.update(LINLI_SECRET_KEY=secrets.token_urlsafe(50), LINLI_DEBUG="0", LINLI_SECURE_COOKIES="0",
                      LINLI_ALLOWED_HOSTS="testserver")
    with bench_database(args.db, "regulator_list"):
        figures = run(args.n, args.requests, args.db)
    print_figures(figures)


if __name__ == "__main__":
    main()
