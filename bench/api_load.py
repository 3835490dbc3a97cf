"""Benchmark: an owner's bill list over HTTP under N concurrent clients, then at a fixed arrival
rate, on the production server (DESIGN §7; bars: `ratio` ≥ 0.5 with 50 clients, `p99_ms` ≤ 100
at 150 requests/s).

    .venv/bin/python bench/api_load.py [--n 50] [--db sqlite|postgres] [--workers 5] [--seconds 10] [--rate 150]

Builds a community of `--units` units with three fee standards and a late-fee rule, bills it for
the last 24 months, and gives one unit an owner with a login who has paid all but the last three
bills. Then it starts gunicorn (`linli.wsgi`, `--workers` sync workers, DEBUG off, persistent
database connections) on a free port of 127.0.0.1, takes the owner's token from
`POST /api/v1/auth/token/`, and drives N concurrent clients (asyncio, at most N requests in
flight, no pause between requests, a new connection each) against, in alternating rounds:

- bills: `GET /api/v1/bills/` as the owner — 24 bills with their lines and late fees;
- const: `GET /api/v1/ping/` — a constant JSON answer of the same server, no database.

`ratio` is bills ÷ const throughput; `closed_p50_ms` / `closed_p99_ms` are the bill list's
latencies as those N clients see them (queueing included).

Then the latency phase, open loop: the bill list is requested at a fixed arrival rate (`--rate`,
150/s) for `--open-seconds`, each request sent at its scheduled time whatever the earlier ones
are doing, and its latency counted from that scheduled time, so a server (or a client) that falls
behind shows as queueing, never as a slower arrival rate. `p50_ms` / `p99_ms` are that phase's, the
bar's `p99_ms` among them; `open_rps` is the rate achieved and `open_lag_ms` the worst delay of a
send behind its schedule (the load generator's own lag, included in the latencies). The constant
endpoint is driven the same way for comparison (`const_open_p99_ms`). The load generator shares the machine with the server:
`client_cpu` is the share of one core it used. `bills_cpu_ms` / `const_cpu_ms` are the workers'
CPU time per request (from /proc, the database server's not included) and `cpu_ratio` is
const_cpu_ms ÷ bills_cpu_ms: the throughput ratio the server itself allows, whatever else runs
on the machine. `--db sqlite` uses a temporary SQLite file; `--db postgres` creates a temporary
database on the server of DATABASE_URL and drops it at the end. The last line is the figures as
key=value."""

import argparse
import asyncio
import datetime as dt
import logging
import os
import secrets
import socket
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
from billing_run import build_world  # noqa: E402

from bench.harness import bench_database, print_figures, setup_django  # noqa: E402

BAR_RATIO = 0.5
BAR_P99_MS = 100
MONTHS = 24
OPEN_MONTHS = 3
USERNAME = "bench-owner"


def prepare(units: int) -> str:
    """The community, its 24 months of bills and the owner; returns the owner's password."""
    setup_django()

    from django.contrib.auth import get_user_model
    from django.db import connections
    from django.utils import timezone

    from linli.billing.models import Bill
    from linli.billing.services import (
        bill_run_create,
        late_fee_policy_set,
        payment_record,
    )
    from linli.core.tenancy import SystemActor
    from linli.estates.models import Owner, Ownership, Unit

    system = SystemActor()
    community = build_world(units)
    this_month = timezone.localdate().replace(day=1)
    periods = []
    month = this_month
    for _ in range(MONTHS):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        periods.append(f"{month:%Y-%m}")
    for period in reversed(periods):
        bill_run_create(actor=system, community=community, period=period)

    password = secrets.token_urlsafe(16)
    user = get_user_model().objects.create_user(username=USERNAME, password=password)
    unit = Unit.objects.filter(community=community).order_by("id").first()
    owner = Owner.objects.create(community=community, name="基准业主", user=user)
    Ownership.objects.create(owner=owner, unit=unit, is_voter=True)
    settled = Bill.objects.filter(unit=unit).order_by("period")[:MONTHS - OPEN_MONTHS]
    payment_record(actor=system, unit=unit, amount=sum((b.amount for b in settled), Decimal("0")),
                   method="bank_transfer", idempotency_key="bench-api-load")
    # The rule comes after the payment, so the payment settles whole bills; the open ones accrue.
    late_fee_policy_set(actor=system, community=community, daily_rate=Decimal("0.0003"), grace_days=30,
                        contract_clause="物业服务合同第十二条")
    connections.close_all()
    return password


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, workers: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ, LINLI_SECRET_KEY=secrets.token_urlsafe(50), LINLI_DEBUG="0", LINLI_CONN_MAX_AGE="600",
               LINLI_ALLOWED_HOSTS="127.0.0.1", LINLI_LOG_LEVEL="WARNING")
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "linli.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
             "--backlog", "2048", "--log-level", "warning", "--no-control-socket"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


def wait_ready(base: str, server: subprocess.Popen, log: Path) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn exited:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/api/v1/ping/", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


async def drive(port: int, path: str, headers: dict, clients: int, seconds: float, expect: int) -> dict:
    """N clients request `path` back to back for `seconds`; what completed inside the window counts.
    Plain HTTP/1.1 on asyncio streams, one connection a request (gunicorn's sync workers close it):
    httpx spends milliseconds of CPU on each new connection, on the server's two cores, and would
    measure itself."""
    request = "".join([f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n",
                       *(f"{name}: {value}\r\n" for name, value in headers.items()), "\r\n"]).encode()
    latencies: list[float] = []
    errors = 0
    start = time.perf_counter()
    end = start + seconds

    async def one_client():
        nonlocal errors
        while True:
            sent = time.perf_counter()
            if sent >= end:
                return
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            response = await reader.read()
            writer.close()
            done = time.perf_counter()
            if done > end:
                return
            head, _, body = response.partition(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200 ") or len(body) != expect:
                errors += 1
            latencies.append(done - sent)

    await asyncio.gather(*(one_client() for _ in range(clients)))
    return {"count": len(latencies), "latencies": latencies, "errors": errors, "seconds": seconds}


async def drive_open(port: int, path: str, headers: dict, rate: float, seconds: float, expect: int) -> dict:
    """Requests `path` at `rate` per second for `seconds` (open loop): request i is due at
    start + i / rate and is sent then, however many are still in flight; its latency runs from
    that due time to the last byte of the answer."""
    request = "".join([f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n",
                       *(f"{name}: {value}\r\n" for name, value in headers.items()), "\r\n"]).encode()
    latencies: list[float] = []
    errors = 0
    lag = 0.0

    async def one(due: float):
        nonlocal errors, lag
        lag = max(lag, time.perf_counter() - due)
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.write(request)
            response = await reader.read()
            writer.close()
        except OSError:
            errors += 1
            return
        done = time.perf_counter()
        head, _, body = response.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200 ") or len(body) != expect:
            errors += 1
        latencies.append(done - due)

    total = int(rate * seconds)
    start = time.perf_counter() + 0.05
    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(due)))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    return {"count": len(latencies), "latencies": latencies, "errors": errors, "rps": len(latencies) / elapsed,
            "lag": lag}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))]


def server_cpu_seconds(master: int) -> float:
    """CPU time (user + system) of gunicorn's workers so far, from /proc."""
    ticks = 0
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    for pid in children:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def measure(port: int, master: int, password: str, clients: int, seconds: float, rounds: int,
            warmup: float, rate: float, open_seconds: float) -> dict:
    import httpx

    base = f"http://127.0.0.1:{port}"
    token = httpx.post(f"{base}/api/v1/auth/token/", json={"username": USERNAME, "password": password},
                       timeout=10).raise_for_status().json()["token"]
    auth = {"Authorization": f"Token {token}", "Accept": "application/json"}
    plain = {"Accept": "application/json"}
    bills_path, const_path = "/api/v1/bills/", "/api/v1/ping/"
    bills = httpx.get(base + bills_path, headers=auth, timeout=10).raise_for_status()
    body = bills.json()
    if body["count"] != MONTHS or sum(b["status"] == "open" for b in body["results"]) != OPEN_MONTHS:
        sys.exit(f"unexpected bill list: count={body['count']}")
    const = httpx.get(base + const_path, headers=plain, timeout=10).raise_for_status()

    asyncio.run(drive(port, bills_path, auth, clients, warmup, len(bills.content)))
    asyncio.run(drive(port, const_path, plain, clients, warmup, len(const.content)))
    totals = {name: {"count": 0, "latencies": [], "errors": 0, "seconds": 0.0, "server_cpu": 0.0}
              for name in ("bills", "const")}
    cpu = time.process_time()
    wall = time.perf_counter()
    for _ in range(rounds):
        for name, path, headers, expect in (("const", const_path, plain, len(const.content)),
                                            ("bills", bills_path, auth, len(bills.content))):
            before = server_cpu_seconds(master)
            result = asyncio.run(drive(port, path, headers, clients, seconds / rounds, expect))
            totals[name]["server_cpu"] += server_cpu_seconds(master) - before
            for key in ("count", "errors", "seconds"):
                totals[name][key] += result[key]
            totals[name]["latencies"] += result["latencies"]
    client_cpu = (time.process_time() - cpu) / (time.perf_counter() - wall)
    opened = asyncio.run(drive_open(port, bills_path, auth, rate, open_seconds, len(bills.content)))
    const_opened = asyncio.run(drive_open(port, const_path, plain, rate, open_seconds, len(const.content)))
    bills_rps = totals["bills"]["count"] / totals["bills"]["seconds"]
    const_rps = totals["const"]["count"] / totals["const"]["seconds"]
    bills_cpu, const_cpu = (totals[name]["server_cpu"] / totals[name]["count"] for name in ("bills", "const"))
    return {
        "bills": body["count"], "bill_bytes": len(bills.content),
        "bills_rps": round(bills_rps, 1), "const_rps": round(const_rps, 1), "ratio": round(bills_rps / const_rps, 2),
        "closed_p50_ms": round(percentile(totals["bills"]["latencies"], 0.50) * 1000, 1),
        "closed_p99_ms": round(percentile(totals["bills"]["latencies"], 0.99) * 1000, 1),
        "const_closed_p99_ms": round(percentile(totals["const"]["latencies"], 0.99) * 1000, 1),
        "bills_cpu_ms": round(bills_cpu * 1000, 2), "const_cpu_ms": round(const_cpu * 1000, 2),
        "cpu_ratio": round(const_cpu / bills_cpu, 2), "client_cpu": round(client_cpu, 2),
        "rate": rate, "open_rps": round(opened["rps"], 1), "open_lag_ms": round(opened["lag"] * 1000, 1),
        "p50_ms": round(percentile(opened["latencies"], 0.50) * 1000, 1),
        "p99_ms": round(percentile(opened["latencies"], 0.99) * 1000, 1),
        "const_open_p99_ms": round(percentile(const_opened["latencies"], 0.99) * 1000, 1),
        "errors": totals["bills"]["errors"] + totals["const"]["errors"] + opened["errors"] + const_opened["errors"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="gunicorn sync workers (default 2 × cores + 1)")
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per endpoint (default 10)")
    parser.add_argument("--rounds", type=int, default=2, help="alternations of the two endpoints (default 2)")
    parser.add_argument("--warmup", type=float, default=2, help="unmeasured seconds per endpoint first (default 2)")
    parser.add_argument("--rate", type=float, default=150,
                        help="arrivals per second of the open-loop latency phase (default 150)")
    parser.add_argument("--open-seconds", type=float, default=10,
                        help="seconds of the open-loop latency phase (default 10)")
    parser.add_argument("--units", type=int, default=2000, help="units of the community (default 2000)")
    args = parser.parse_args()
    # The settings' INFO logging would print each of httpx's set-up requests.
    logging.disable(logging.INFO)

    server = None
    with bench_database(args.db, "api") as workdir:
        try:
            started = time.perf_counter()
            password = prepare(args.units)
            setup_s = time.perf_counter() - started
            port, log = free_port(), workdir / "gunicorn.log"
            server = start_server(port, args.workers, log)
            wait_ready(f"http://127.0.0.1:{port}", server, log)
            figures = measure(port, server.pid, password, args.n, args.seconds, args.rounds, args.warmup,
                              args.rate, args.open_seconds)
        finally:
            if server is not None:
                server.terminate()
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    server.kill()
                    server.wait()
    figures = {"db": args.db, "clients": args.n, "workers": args.workers, "units": args.units,
               "setup_s": round(setup_s, 1), **figures, "bar_ratio": BAR_RATIO, "bar_p99_ms": BAR_P99_MS}
    figures["ok"] = figures["ratio"] >= BAR_RATIO and figures["p99_ms"] <= BAR_P99_MS and figures["errors"] == 0
    print_figures(figures)


if __name__ == "__main__":
    main()
