"""Benchmark: cashiers recording payments in K communities at once (DESIGN §7; bar: `scaling` ≥ 1.5).

    .venv/bin/python bench/write_scaling.py [--n 200] [--seconds 10] [--repeat 3] [--db sqlite|postgres]

Builds 4 communities of N units each, every one served by its own property company (a city's
communities are run by different companies; the receipt counter is one row per company and year,
so `--same-company` puts all four under one company to show what that shared row costs), with
one cashier each. Then, for K = 1 and K = 4, K processes — one cashier per community, each with
its own database connection — record cash payments with `linli.billing.services.payment_record`
(the unit's account locked, the receipt numbered, the payment audited in its community's chain)
as fast as they can for `--seconds`, round the units of their community. `scaling` is the
throughput at K=4 divided by the throughput at K=1, each the median of `--repeat` runs taken
in turns (K=1, K=4, K=1, …). The audit chains are verified at the end (`chain_ok`).

On PostgreSQL the parent samples pg_stat_activity and pg_locks every 20 ms during each run and
prints how many backends it saw waiting on a lock (wait_event_type = 'Lock') over how many
samples (`lock_waits_k4=waits/samples`), and on which table and lock type (`waits_on_k4`, the
table from the waiting statement: `core_audithead/transactionid` is a writer queued behind
another transaction's audit head row). SQLite has one writer for the whole file: its K=4 figure is printed
with a note, not held to the bar. The last line is the figures as key=value."""

import argparse
import multiprocessing
import os
import re
import statistics
import sys
import threading
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.harness import bench_database, print_figures, setup_django  # noqa: E402

BAR_SCALING = 1.5
K_MAX = 4
SAMPLE_EVERY_S = 0.02


def build(n: int, same_company: bool) -> list[tuple[int, int]]:
    """K_MAX communities of N units, each with its cashier: [(community id, cashier id)]."""
    from linli.estates.models import Building, Community, Unit
    from linli.orgs.models import Membership, Organization, User

    shared = Organization.objects.create(name="基准物业", kind="company") if same_company else None
    built = []
    for c in range(K_MAX):
        company = shared or Organization.objects.create(name=f"基准物业{c}", kind="company")
        community = Community.objects.create(name=f"基准小区{c}", code=f"bench-write-{c}", company=company)
        building = Building.objects.create(community=community, name="1号楼")
        Unit.objects.bulk_create([Unit(community=community, building=building, number=f"{i:05d}",
                                       area=Decimal("88.00"), exclusive_area=Decimal("80.00")) for i in range(n)],
                                 batch_size=2000)
        cashier = User.objects.create_user(username=f"bench-cashier-{c}", password=None)
        Membership.objects.create(user=cashier, organization=company, role="cashier")
        built.append((community.pk, cashier.pk))
    return built


def cashier(community_id: int, user_id: int, start_at: float, seconds: float, out) -> None:
    """One cashier: pay the units of one community round and round until the time is up."""
    from django.db import DatabaseError, connections

    from linli.billing.services import payment_record
    from linli.core.tenancy import Actor
    from linli.estates.models import Unit
    from linli.orgs.models import User

    connections.close_all()  # never share the parent's connection
    actor = Actor(User.objects.get(pk=user_id))
    units = list(Unit.objects.filter(community_id=community_id).select_related("community").order_by("id"))
    payment_record(actor=actor, unit=units[0], amount=Decimal("1.00"), method="cash")  # warm up, outside the count
    time.sleep(max(0.0, start_at - time.time()))
    done = errors = i = 0
    end = start_at + seconds
    cpu = time.process_time()
    while time.time() < end:
        try:
            payment_record(actor=actor, unit=units[i % len(units)], amount=Decimal("1.00"), method="cash")
            done += 1
        except DatabaseError:  # SQLite: "database is locked" after its busy timeout
            errors += 1
        i += 1
    cpu = time.process_time() - cpu
    connections.close_all()
    out.put((done, errors, cpu))


def _table(query: str) -> str:
    match = re.search(r'(?:FROM|UPDATE|INTO)\s+"(\w+)"', query or "")
    return match.group(1) if match else "?"


def sample_locks(url: str, stop: threading.Event, seen: dict) -> None:
    """Every 20 ms: the backends of this database waiting on a lock, and on which table."""
    import psycopg

    query = """
        SELECT a.pid, a.query, l.locktype
        FROM pg_stat_activity a
        LEFT JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
        WHERE a.datname = current_database() AND a.wait_event_type = 'Lock'
    """
    with psycopg.connect(url, autocommit=True) as conn:
        while not stop.is_set():
            rows = conn.execute(query).fetchall()
            seen["samples"] += 1
            for _pid, text, locktype in rows:
                seen["waits"] += 1
                seen["on"][f"{_table(text)}/{locktype or '?'}"] += 1
            stop.wait(SAMPLE_EVERY_S)


def run_k(k: int, built: list, seconds: float, db: str, url: str) -> dict:
    from django.db import connections

    connections.close_all()
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    start_at = time.time() + 2.0 + 0.5 * k  # time for every cashier to connect and warm up
    workers = [ctx.Process(target=cashier, args=(*built[c], start_at, seconds, out)) for c in range(k)]
    for worker in workers:
        worker.start()
    seen = {"samples": 0, "waits": 0, "on": Counter()}
    stop = threading.Event()
    sampler = None
    if db == "postgres":
        time.sleep(max(0.0, start_at - time.time()))
        sampler = threading.Thread(target=sample_locks, args=(url, stop, seen))
        sampler.start()
    results = [out.get(timeout=seconds + 120) for _ in workers]
    stop.set()
    if sampler:
        sampler.join()
    for worker in workers:
        worker.join()
    done = sum(r[0] for r in results)
    return {"payments": done, "errors": sum(r[1] for r in results), "per_s": done / seconds, "locks": seen,
            "cpu_ms": 1000 * sum(r[2] for r in results) / max(done, 1), "load": round(os.getloadavg()[0], 1)}


def _merge(runs: list[dict]) -> dict:
    """Several runs of one K: the median throughput, the lock samples of all of them."""
    per_s = sorted(r["per_s"] for r in runs)
    locks = {"samples": 0, "waits": 0, "on": Counter()}
    for r in runs:
        locks["samples"] += r["locks"]["samples"]
        locks["waits"] += r["locks"]["waits"]
        locks["on"].update(r["locks"]["on"])
    return {"per_s": statistics.median(per_s), "runs": "/".join(f"{x:.1f}" for x in (r["per_s"] for r in runs)),
            "payments": sum(r["payments"] for r in runs), "errors": sum(r["errors"] for r in runs),
            "cpu_ms": statistics.mean(r["cpu_ms"] for r in runs), "load": max(r["load"] for r in runs),
            "locks": locks}


def _waits(seen: dict, db: str) -> tuple[str, str]:
    if db != "postgres":
        return "n/a", "n/a"
    on = ",".join(f"{name}:{count}" for name, count in seen["on"].most_common(4)) or "none"
    return f"{seen['waits']}/{seen['samples']}", on


def run(n: int, seconds: float, db: str, same_company: bool, repeat: int) -> dict:
    setup_django()
    from linli.core.audit import audit_verify_chain

    started = time.perf_counter()
    built = build(n, same_company)
    setup_s = time.perf_counter() - started
    url = os.environ["DATABASE_URL"]
    # K=1 and K=4 take turns, and each figure is the median of its runs: on a small shared
    # machine the load of other processes drifts, and this keeps the drift out of the ratio.
    ones, fours = [], []
    for _ in range(repeat):
        ones.append(run_k(1, built, seconds, db, url))
        fours.append(run_k(K_MAX, built, seconds, db, url))
    one, four = _merge(ones), _merge(fours)
    scaling = four["per_s"] / one["per_s"] if one["per_s"] else 0.0
    report = audit_verify_chain()
    waits_1, on_1 = _waits(one["locks"], db)
    waits_4, on_4 = _waits(four["locks"], db)
    figures = {
        "db": db, "units_per_community": n, "seconds": seconds, "repeat": repeat,
        "companies": 1 if same_company else K_MAX,
        "k1_per_s": round(one["per_s"], 1), "k1_runs": one["runs"],
        "k4_per_s": round(four["per_s"], 1), "k4_runs": four["runs"],
        "payments": one["payments"] + four["payments"], "errors": one["errors"] + four["errors"],
        "lock_waits_k1": waits_1, "waits_on_k1": on_1, "lock_waits_k4": waits_4, "waits_on_k4": on_4,
        # The cashiers' own CPU per payment (Python and Django, not the database server), and the
        # machine's highest load when a run ended: on a machine with few cores these bound K=4.
        "py_cpu_ms_k1": round(one["cpu_ms"], 2), "py_cpu_ms_k4": round(four["cpu_ms"], 2),
        "cpus": os.cpu_count(), "load_k1": one["load"], "load_k4": four["load"],
        "chains": report.chains, "chain_ok": report.ok, "setup_s": round(setup_s, 1),
        "scaling": round(scaling, 2), "bar": BAR_SCALING,
    }
    if db == "postgres":
        figures["ok"] = report.ok and scaling >= BAR_SCALING
    else:
        figures["note"] = "sqlite_has_one_writer:K_cashiers_take_turns_on_the_file_lock,the_bar_is_for_PostgreSQL"
        figures["ok"] = report.ok
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200, help="units per community (default 200)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long each K runs (default 10)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs of each K, taken in turns; the figures are their medians (default 3)")
    parser.add_argument("--same-company", action="store_true",
                        help="one company for all communities: every payment also takes its receipt counter row")
    args = parser.parse_args()

    with bench_database(args.db, "write_scaling"):
        figures = run(args.n, args.seconds, args.db, args.same_company, args.repeat)
    print_figures(figures)


if __name__ == "__main__":
    main()
