"""Benchmark: import of N units from .xlsx (DESIGN §7; bar: `seconds` ≤ 60 for 50,000 units).

    .venv/bin/python bench/import_units.py [--n 50000] [--db sqlite|postgres]

Writes an .xlsx of N units (one owner each; every tenth unit also has a co-owner row, every
twenty-fifth owner holds a second unit) in a temporary directory, imports it into a fresh community
as its manager, with the command line's progress bar, and checks the count. `cpu_s` is the
import's own CPU time (the database server's not included): on a busy machine, about what
`seconds` would be with a core to itself. `--db sqlite` uses a temporary SQLite file;
`--db postgres` creates a temporary database on the server of DATABASE_URL and drops it at the
end. The last line is the figures as key=value."""

import argparse
import datetime as dt
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import bench_database, print_figures, setup_django  # noqa: E402

BAR_SECONDS = 60
ZONES = ["北区", "南区/金苗园", "南区/银苗园", "南区/兰苗园"]
UNITS_PER_BUILDING = 120


def write_xlsx(path: Path, n: int) -> int:
    """The file a property company would bring: returns its number of data rows."""
    from openpyxl import Workbook
    from stdnum.cn import ric

    from linli.estates.registry import UNIT_COLUMNS, UNITS_SHEET

    def id_number(k: int) -> str:
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=k % 18000)
        base = f"110105{birth:%Y%m%d}{k % 1000:03d}"
        return base + ric.calc_check_digit(base + "0")

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(UNITS_SHEET)
    sheet.append(UNIT_COLUMNS)
    rows = 0
    for i in range(n):
        building, position = divmod(i, UNITS_PER_BUILDING)
        floor, door = divmod(position, 20)
        area = Decimal(6000 + (i * 37) % 9000) / 100
        owner = i - 1 if i % 25 == 1 else i  # every 25th owner also holds the next unit
        unit = [ZONES[building % len(ZONES)], f"{building + 1}号楼", f"{floor + 1}{door + 1:02d}", floor + 1, area,
                (area * Decimal("0.92")).quantize(Decimal("0.01")), "商业" if i % 50 == 0 else "住宅", i % 5,
                "是" if i % 40 == 0 else "否", dt.date(2024, 1 + i % 12, 1) if i % 7 == 0 else None,
                ["自住", "出租", "空置"][i % 3]]
        sheet.append(unit + [f"业主{owner}", "个人", f"13{owner:09d}", id_number(owner) if owner % 2 else None])
        rows += 1
        if i % 10 == 0:
            sheet.append(unit + [f"共有人{i}", "个人", f"15{i:09d}", None])
            rows += 1
    workbook.save(path)
    return rows


def run(n: int, db: str, workdir: Path) -> dict:
    setup_django()

    from linli.core.tenancy import Actor
    from linli.estates.management.commands.import_registry import ProgressBar
    from linli.estates.models import Community, ImportJob, Unit
    from linli.estates.registry import registry_import
    from linli.orgs.models import Membership, Organization, User

    company = Organization.objects.create(name="基准物业", kind=Organization.Kind.COMPANY)
    community = Community.objects.create(name="基准小区", code="bench-import", company=company)
    manager = User.objects.create(username="bench-manager")
    Membership.objects.create(user=manager, organization=company, role="manager")

    path = workdir / "units.xlsx"
    started = time.perf_counter()
    rows = write_xlsx(path, n)
    generate_s = time.perf_counter() - started

    bar = ProgressBar(sys.stderr)
    saving_at = []

    def progress(phase, done, total):
        if phase == ImportJob.Status.SAVING:
            saving_at.append(time.perf_counter())
        bar(phase, done, total)

    started, started_cpu = time.perf_counter(), time.process_time()
    summary = registry_import(actor=Actor(manager), community=community, path_or_file=path, progress=progress)
    seconds, cpu_s = time.perf_counter() - started, time.process_time() - started_cpu
    bar.close()
    units = Unit.objects.filter(community=community).count()
    return {
        "db": db, "units": units, "rows": rows, "owners_created": summary["owners_created"],
        "file_mb": round(path.stat().st_size / 1e6, 1), "generate_s": round(generate_s, 1),
        "validate_s": round(saving_at[0] - started, 1), "save_s": round(started + seconds - saving_at[0], 1),
        "seconds": round(seconds, 1), "cpu_s": round(cpu_s, 1), "rows_per_s": round(rows / seconds),
        "bar_s": BAR_SECONDS,
        "ok": units == n and summary["units_created"] == n and seconds <= BAR_SECONDS,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="units in the file (default 50000)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()

    with bench_database(args.db, "import") as workdir:
        figures = run(args.n, args.db, workdir)
    print_figures(figures)


if __name__ == "__main__":
    main()
