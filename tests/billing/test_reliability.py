"""Reliability (DESIGN §8) with real processes and connections, on the database the suite runs on
(SQLite or PostgreSQL): a billing run killed with SIGKILL halfway, concurrent payments."""

import os
import signal
import subprocess
import sys
from decimal import Decimal

import pytest

from linli.billing.models import BillLine
from linli.billing.services import bill_run_create, payment_record
from tests.support.scratch import (
    ROOT,
    scenario,
    scenario_env,
    scenario_process,
    scratch_copy,
)

pytestmark = pytest.mark.django_db(transaction=True)
D = Decimal


def test_a_run_killed_halfway_leaves_nothing_and_running_again_finishes_it(world, tmp_path):
    code, period = world.community.code, "2026-03"
    with scratch_copy(tmp_path) as url:
        # Step 3 is reported inside the transaction, after the bills and their lines are written.
        process = scenario_process(url, tmp_path, "run-paused", code, period, 3)
        assert process.stdout.readline().strip() == "PAUSED", process.stderr.read()
        os.kill(process.pid, signal.SIGKILL)
        assert process.wait(timeout=30) == -signal.SIGKILL
        assert scenario(url, tmp_path, "totals", code, period) == {"bills": 0, "lines": 0, "total": "0", "runs": 0}

        rerun = subprocess.run([sys.executable, "manage.py", "bill_run", "--community", code, "--period", period],
                               cwd=ROOT, env=scenario_env(url, tmp_path), capture_output=True, text=True, timeout=300)
        assert rerun.returncode == 0, rerun.stderr
        finished = scenario(url, tmp_path, "totals", code, period)

    uninterrupted = bill_run_create(actor=world.actor(), community=world.community, period=period)
    assert finished == {"bills": uninterrupted.bills_created, "total": str(uninterrupted.total), "runs": 1,
                        "lines": BillLine.objects.filter(bill__run=uninterrupted).count()}
    assert finished["total"] == "867.72"


def paid_in_parallel(world, tmp_path, specs):
    with scratch_copy(tmp_path) as url:
        result = scenario(url, tmp_path, "pay-concurrently", *specs)
    assert not result["errors"], result["errors"]
    return result


def test_concurrent_payments_are_all_recorded_and_no_bill_is_overpaid(world, tmp_path):
    for period in ("2026-03", "2026-04"):
        bill_run_create(actor=world.actor(), community=world.community, period=period)
    u7 = world.units["u7"]  # two bills of 33.51
    result = paid_in_parallel(world, tmp_path, [f"{u7.pk}:30.00:key-{i}" for i in range(4)])
    assert len(result["payments"]) == 4
    assert sorted(p["seq"] for p in result["payments"]) == [1, 2, 3, 4]
    assert [(b["paid"], b["status"]) for b in result["bills"]] == [("33.51", "paid"), ("33.51", "paid")]
    for payment in result["payments"]:
        assert D(payment["allocated"]) + D(payment["credit"]) == D(payment["amount"])
    assert sum(D(p["credit"]) for p in result["payments"]) == D("120.00") - D("67.02")


def test_receipt_numbers_stay_consecutive_across_units_paying_at_once(world, tmp_path):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    units = [world.units[key] for key in ("u1", "u2", "u3")]
    result = paid_in_parallel(world, tmp_path, [f"{u.pk}:10.00:k-{u.pk}-{i}" for u in units for i in range(2)])
    assert sorted(p["seq"] for p in result["payments"]) == [1, 2, 3, 4, 5, 6]


def test_the_same_key_sent_twice_at_once_records_one_payment(world, tmp_path):
    bill_run_create(actor=world.actor(), community=world.community, period="2026-03")
    u1 = world.units["u1"]
    result = paid_in_parallel(world, tmp_path, [f"{u1.pk}:50.00:same-key", f"{u1.pk}:50.00:same-key"])
    assert len(result["payments"]) == 1
    assert {r["id"] for r in result["results"]} == {result["payments"][0]["id"]}
    assert sorted(r["created"] for r in result["results"]) == [False, True]
    assert result["bills"][0]["paid"] == "50.00"


def test_a_payment_during_a_run_neither_deadlocks_nor_loses_credit(world, tmp_path):
    """The run holds the community; a payment must still commit, and its credit must be settled
    or kept whichever finishes first."""
    u7 = world.units["u7"]
    payment_record(actor=world.actor("cashier"), unit=u7, amount=D("40.00"), method="cash")  # credit 40
    with scratch_copy(tmp_path) as url:
        result = scenario(url, tmp_path, "pay-during-run", world.community.code, "2026-03", u7.pk, "10.00")
    assert not result["errors"], result["errors"]
    assert (result["paid"], result["status"]) == ("33.51", "paid")
    assert result["credit"] == result["ledger_credit"] == "16.49"
