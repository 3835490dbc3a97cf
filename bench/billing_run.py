"""Benchmark: the monthly billing run of N units × 3 rules (DESIGN §7; bar: `ratio` ≤ 2.0).

    .venv/bin/python bench/billing_run.py [--n 100000] [--db sqlite|postgres]

Builds a community of N units in zones with sub-zones, with three fee standards (area with a rate
per district, per person with the 低保 rate, a fixed fee), so every unit gets a bill of three lines.
Then, in the same database and the same run:

- billing: `bill_run_create`, the service behind the API, the page and the command (set-based,
  one transaction, audited) — N bills and 3N lines;
- raw: the very rows it produced, deleted and inserted again with plain multi-row INSERTs in one
  transaction — the cost of writing those rows at all.

Each is timed on emptied tables after a warm-up run. `--db sqlite` uses a temporary SQLite file;
`--db postgres` creates a temporary database on the server of DATABASE_URL and drops it at the end.
The last line is the figures as key=value; `ratio` is billing ÷ raw."""

import argparse
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from bench.harness import bench_database, print_figures, setup_django  # noqa: E402

BAR_RATIO = 2.0
UNITS_PER_BUILDING = 100
PERIOD = "2026-03"
BATCH = 500


def build_world(n: int):
    from linli.billing.models import FeeRule
    from linli.estates.models import Building, Community, Unit, Zone
    from linli.orgs.models import Organization

    company = Organization.objects.create(name="基准物业", kind=Organization.Kind.COMPANY)
    community = Community.objects.create(name="基准小区", code="bench-billing", company=company)
    north = Zone.objects.create(community=community, name="北区")
    south = Zone.objects.create(community=community, name="南区")
    groups = [Zone.objects.create(community=community, name=name, parent=south, kind=Zone.Kind.GROUP)
              for name in ("金苗园", "银苗园", "兰苗园")]
    zones = [north, *groups]
    buildings = Building.objects.bulk_create(
        [Building(community=community, zone=zones[i % len(zones)], name=f"{i + 1}号楼")
         for i in range((n + UNITS_PER_BUILDING - 1) // UNITS_PER_BUILDING)])
    Unit.objects.bulk_create(
        [Unit(community=community, building=buildings[i // UNITS_PER_BUILDING], number=f"{i % UNITS_PER_BUILDING + 1}",
              area=Decimal(5000 + (i * 37) % 9000) / 100, exclusive_area=Decimal(4500 + (i * 37) % 8000) / 100,
              occupants=1 + i % 5, low_income=i % 40 == 0) for i in range(n)],
        batch_size=5000)
    for name, kind, zone, rate, low in (("物业费", "area", north, "0.25", None), ("物业费", "area", south, "0.40", None),
                                        ("垃圾转运处理费", "per_person", None, "3.00", "2.00"),
                                        ("公共能耗", "fixed", None, "5.00", None)):
        FeeRule.objects.create(community=community, name=name, kind=kind, zone=zone, rate=Decimal(rate),
                               low_income_rate=Decimal(low) if low else None)
    return community


def _rows(table: str) -> tuple[list[str], list[tuple]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} ORDER BY id")
        return [c[0] for c in cursor.description], cursor.fetchall()


def _clear(*tables: str) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"DELETE FROM {table}")


def _raw_insert(tables: list[tuple[str, list[str], list[tuple]]]) -> None:
    from django.db import connection, transaction

    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in tables:
            placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
            for start in range(0, len(rows), BATCH):
                batch = rows[start:start + BATCH]
                cursor.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
                               + ", ".join([placeholders] * len(batch)), [v for row in batch for v in row])


def run(n: int, db: str) -> dict:
    setup_django()

    from linli.billing.models import BillingRun
    from linli.billing.services import bill_run_create
    from linli.core.tenancy import SystemActor

    started = time.perf_counter()
    community = build_world(n)
    setup_s = time.perf_counter() - started

    warmup = bill_run_create(actor=SystemActor(), community=community, period=PERIOD)
    bills, lines = _rows("billing_bill"), _rows("billing_billline")
    _clear("billing_billline", "billing_bill")

    started = time.perf_counter()
    _raw_insert([("billing_bill", *bills), ("billing_billline", *lines)])
    raw_s = time.perf_counter() - started

    _clear("billing_billline", "billing_bill")
    BillingRun.objects.all().delete()
    started = time.perf_counter()
    billed = bill_run_create(actor=SystemActor(), community=community, period=PERIOD)
    billing_s = time.perf_counter() - started

    ratio = billing_s / raw_s
    return {
        "db": db, "units": n, "bills": billed.bills_created, "lines": len(lines[1]), "total": billed.total,
        "setup_s": round(setup_s, 1), "raw_s": round(raw_s, 2), "billing_s": round(billing_s, 2),
        "ratio": round(ratio, 2), "bar_ratio": BAR_RATIO,
        "ok": billed.bills_created == n == len(bills[1]) and billed.total == warmup.total and ratio <= BAR_RATIO,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="units (default 100000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    with bench_database(args.db, "billing"):
        figures = run(args.n, args.db)
    print_figures(figures)


if __name__ == "__main__":
    main()
