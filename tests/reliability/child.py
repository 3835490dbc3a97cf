"""What the fault and concurrency tests run in another process, against a copy of the test
database (tests/support/scratch.py): `python -m tests.reliability.child NAME ARG…`.

`pause TABLE N JOB …` runs a job and stops it, inside its transaction, right after its N-th
INSERT into TABLE: it prints PAUSED and sleeps until the test kills it. The stop is a query
hook (Django's execute_wrapper), so the job's own code runs unchanged. `recover` then reads
what the database holds, runs the job again and reads it again. The races are in races.py.
Each prints its result as one line of JSON."""

import datetime as dt
import json
import sys
import time
from decimal import Decimal

import django


class PauseAfterInsert:
    def __init__(self, table: str, nth: int):
        self.table, self.nth, self.seen = f'"{table}"', nth, 0

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if sql.lstrip()[:6].upper() == "INSERT" and self.table in sql.split("(", 1)[0]:
            self.seen += 1
            if self.seen == self.nth:
                print("PAUSED", flush=True)
                time.sleep(600)
        return result


# Jobs ----------------------------------------------------------------------------------------

def job_command(*args: str) -> None:
    from django.core.management import call_command

    call_command(*args)


def job_import(job_id: str) -> None:
    """What a huey consumer does with a queued import job."""
    from linli.estates.tasks import run_import_job

    run_import_job.call_local(int(job_id))


def job_consumer_start() -> None:
    """What a starting huey consumer does: resume the imports a killed one left half-way."""
    from linli.estates.tasks import import_jobs_resume

    import_jobs_resume()


def job_daily_review(at: str) -> None:
    """The periodic task, at the given moment (ISO-8601 with offset)."""
    from linli.servicedesk.review import daily_reviews_keep_due

    daily_reviews_keep_due(now=dt.datetime.fromisoformat(at))


JOBS = {"command": job_command, "import-job": job_import, "consumer-start": job_consumer_start,
        "daily-review": job_daily_review}


def pause(table: str, nth: str, job: str, *args: str) -> dict:
    from django.db import connection

    with connection.execute_wrapper(PauseAfterInsert(table, int(nth))):
        JOBS[job](*args)
    return {"finished": True}


# What is in the database ---------------------------------------------------------------------

def chain() -> dict:
    from linli.core.audit import audit_verify_chain

    report = audit_verify_chain()
    return {"ok": report.ok, "events": report.checked}


def registry(code: str) -> dict:
    """The registry of a community as comparable rows, and the import's traces."""
    from linli.core.models import AuditEvent
    from linli.estates.models import Building, Community, ImportJob, Ownership, Unit, Zone

    units = Unit.objects.filter(community__code=code)
    return {
        "zones": sorted(Zone.objects.filter(community__code=code).values_list("name", flat=True)),
        "buildings": Building.objects.filter(community__code=code).count(),
        "units": [[u.building.name, u.number, str(u.area), str(u.exclusive_area), u.occupants]
                  for u in units.select_related("building").order_by("building__name", "number")],
        "area": str(sum((u.area for u in units), Decimal("0"))),
        "ownerships": sorted([o.unit.building.name, o.unit.number, o.owner.name, o.owner.phone, o.is_voter]
                             for o in Ownership.objects.filter(unit__community__code=code)
                             .select_related("unit__building", "owner")),
        "imports": [e.data for e in AuditEvent.objects.filter(
            action="registry.import", community_id=Community.objects.get(code=code).pk).order_by("id")],
        "jobs": [[j.status, j.summary] for j in ImportJob.objects.filter(community__code=code).order_by("id")],
        "chain": chain(),
    }


def reviews() -> dict:
    from linli.core.models import AuditEvent
    from linli.servicedesk.models import DailyReview

    return {
        "reviews": {str(r.community_id): r.data for r in DailyReview.objects.all()},
        "audited": sorted(int(e.target_id) for e in AuditEvent.objects.filter(action="daily_review.keep")),
        "review_ids": sorted(DailyReview.objects.values_list("id", flat=True)),
        "chain": chain(),
    }


READS = {"registry": registry, "reviews": reviews}


def recover(what: str, job: str, *args: str) -> dict:
    """After a kill: what the database holds, then the job run again, then what it holds.
    `what` is a read as JSON, ["registry", "c-1"]."""
    name, *read_args = json.loads(what)
    killed = READS[name](*read_args)
    JOBS[job](*args)
    return {"killed": killed, "finished": READS[name](*read_args)}


SCENARIOS = {"pause": pause, "recover": recover}


def main() -> None:
    django.setup()
    from tests.reliability import races

    name, *args = sys.argv[1:]
    scenario = SCENARIOS.get(name) or races.RACES[name]
    print(json.dumps(scenario(*args), ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
