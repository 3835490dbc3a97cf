"""What tests/support/scratch.py runs in another process: `python -m tests.support.scenarios NAME …`.
Each prints its result as one line of JSON."""

import json
import sys
import threading
import time
from decimal import Decimal

import django


class PausingStream:
    """The command's stderr: on the progress line of `step` (inside the run's transaction) it says
    so on stdout and sleeps, so that the test can kill the process there."""

    def __init__(self, step: int):
        self.marker = f"[{step}/"

    def write(self, text: str) -> None:
        sys.stderr.write(text)
        if text.startswith(self.marker):
            print("PAUSED", flush=True)
            time.sleep(600)

    def flush(self) -> None:
        sys.stderr.flush()


def run_paused(code: str, period: str, step: str) -> dict:
    from django.core.management import call_command

    call_command("bill_run", community=code, period=period, stderr=PausingStream(int(step)))
    return {"finished": True}


def totals(code: str, period: str) -> dict:
    from django.db.models import Sum

    from linli.billing.models import Bill, BillingRun, BillLine

    bills = Bill.objects.filter(community__code=code, period=period)
    return {
        "bills": bills.count(),
        "lines": BillLine.objects.filter(bill__in=bills).count(),
        "total": str(bills.aggregate(total=Sum("amount"))["total"] or Decimal("0")),
        "runs": BillingRun.objects.filter(community__code=code, period=period).count(),
    }


def pay_concurrently(*specs: str) -> dict:
    """Each spec `unit_id:amount:key` is paid from its own thread (own connection), all at once."""
    from django.db import connection

    from linli.billing.models import Bill, Payment
    from linli.billing.services import payment_record
    from linli.core.tenancy import SystemActor
    from linli.estates.models import Unit

    barrier = threading.Barrier(len(specs))
    results, errors = [None] * len(specs), []

    def pay(index: int, spec: str) -> None:
        unit_id, amount, key = spec.split(":")
        try:
            unit = Unit.objects.select_related("community").get(pk=unit_id)
            barrier.wait()
            payment, created = payment_record(actor=SystemActor(), unit=unit, amount=Decimal(amount), method="cash",
                                              idempotency_key=key)
            results[index] = {"id": payment.pk, "created": created}
        except Exception as exc:  # reported to the test, which fails on any
            errors.append(repr(exc))
            barrier.abort()  # the other threads stop waiting for this one
        finally:
            connection.close()

    threads = [threading.Thread(target=pay, args=(i, spec)) for i, spec in enumerate(specs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    unit_ids = {int(spec.split(":")[0]) for spec in specs}
    payments = Payment.objects.filter(unit_id__in=unit_ids).prefetch_related("allocations")
    return {
        "results": results, "errors": errors,
        "payments": [{"id": p.pk, "amount": str(p.amount), "credit": str(p.credit), "seq": p.receipt_seq,
                      "allocated": str(sum((a.amount for a in p.allocations.all()), Decimal("0")))}
                     for p in payments],
        "bills": [{"id": b.pk, "amount": str(b.amount), "paid": str(b.paid), "status": b.status}
                  for b in Bill.objects.filter(unit_id__in=unit_ids).order_by("id")],
    }


def pay_during_run(code: str, period: str, unit_id: str, amount: str) -> dict:
    """A billing run stops at its credit step, inside its transaction, while a payment for a unit
    with credit is recorded from another thread; then the run goes on."""
    from django.db import connection
    from django.db.models import Sum

    from linli.billing.models import Account, Allocation, Bill, Payment
    from linli.billing.services import bill_run_create, payment_record
    from linli.core.tenancy import SystemActor
    from linli.estates.models import Community, Unit

    paused, resume, errors = threading.Event(), threading.Event(), []

    def run() -> None:
        def progress(step, steps, label):
            if step == 3:
                paused.set()
                resume.wait(30)

        try:
            bill_run_create(actor=SystemActor(), community=Community.objects.get(code=code), period=period,
                            progress=progress)
        except Exception as exc:  # reported to the test
            errors.append(repr(exc))
        finally:
            connection.close()

    def pay() -> None:
        try:
            payment_record(actor=SystemActor(), unit=Unit.objects.select_related("community").get(pk=unit_id),
                           amount=Decimal(amount), method="cash", idempotency_key="during-run")
        except Exception as exc:
            errors.append(repr(exc))
        finally:
            connection.close()

    runner, payer = threading.Thread(target=run), threading.Thread(target=pay)
    runner.start()
    paused.wait(30)
    payer.start()
    payer.join(3)  # PostgreSQL: done at once; SQLite: queued behind the run's write lock
    resume.set()
    runner.join()
    payer.join()
    bill = Bill.objects.filter(unit_id=unit_id, period=period).first() or Bill(paid=None, status="")
    created = Payment.objects.filter(unit_id=unit_id).aggregate(total=Sum("credit"))["total"]
    spent = Allocation.objects.filter(bill__unit_id=unit_id, source="credit").aggregate(total=Sum("amount"))["total"]
    return {"errors": errors, "paid": str(bill.paid), "status": bill.status,
            "credit": str(Account.objects.get(unit_id=unit_id).credit), "ledger_credit": str(created - (spent or 0))}


SCENARIOS = {"run-paused": run_paused, "totals": totals, "pay-concurrently": pay_concurrently,
             "pay-during-run": pay_during_run}

if __name__ == "__main__":
    django.setup()
    name, *args = sys.argv[1:]
    print(json.dumps(SCENARIOS[name](*args), ensure_ascii=False), flush=True)
