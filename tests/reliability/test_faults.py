"""Killing the process (SIGKILL) in the middle of an import or a daily-review snapshot leaves no
partial result, and running it again finishes it with the same totals as an uninterrupted run
(DESIGN §8). The billing run's own test is tests/billing/test_reliability.py.

Each job runs in a real child process on a copy of the test database (a file on SQLite, a
database on the PostgreSQL server), and is killed right after it wrote its last row, before
it commits: the worst moment. Either way the audit chain must still verify."""

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.tenancy import SystemActor
from linli.estates import registry as imports
from linli.estates.models import ImportJob
from linli.servicedesk.review import daily_reviews_keep_due
from tests.estates.test_import import unit_row, xlsx
from tests.reliability import child
from tests.reliability.processes import kill_when_paused, run
from tests.servicedesk.helpers import backdate, file
from tests.support.scratch import scratch_copy

pytestmark = pytest.mark.django_db(transaction=True)


def registry_rows(count: int) -> list[dict]:
    return [unit_row(building=f"{n % 7 + 1}号楼", number=f"{n:04d}", area=f"{60 + n % 50}.{n % 100:02d}",
                     **{imports.ZONE: "南区/金苗园" if n % 7 < 3 else "北区", imports.OCCUPANTS: n % 5,
                        imports.OWNER: f"业主{n}", imports.PHONE: f"138{n:08d}"})
            for n in range(1, count + 1)]


def test_an_import_killed_while_saving_leaves_nothing_and_importing_again_finishes_it(tenant, tmp_path):
    code = tenant.community.code
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx(registry_rows(300)))
    command = ["command", "import_registry", "--community", code, "--no-progress", str(path)]
    before = child.registry(code)
    with scratch_copy(tmp_path) as url:
        # The import's audit event is its last row before the commit.
        kill_when_paused(url, tmp_path, "core_auditevent", 1, *command)
        after = run(url, tmp_path, "recover", json.dumps(["registry", code]), *command)

    assert after["killed"] == before
    finished = after["finished"]

    imports.registry_import(actor=SystemActor(), community=tenant.community, path_or_file=path, file_name=str(path))
    uninterrupted = child.registry(code)
    assert finished == uninterrupted
    assert len(finished["units"]) == 300 + len(before["units"]) and len(finished["imports"]) == 1
    assert finished["chain"] == {"ok": True, "events": before["chain"]["events"] + 1}


def test_an_import_job_killed_while_saving_is_finished_by_the_next_consumer(tenant, tmp_path):
    code = tenant.community.code
    job = ImportJob.objects.create(community=tenant.community, created_by=tenant.user("manager"),
                                   original_name="房屋.xlsx",
                                   file=SimpleUploadedFile("房屋.xlsx", xlsx(registry_rows(120))))
    before = child.registry(code)
    with scratch_copy(tmp_path) as url:
        kill_when_paused(url, tmp_path, "core_auditevent", 1, "import-job", job.pk)
        after = run(url, tmp_path, "recover", json.dumps(["registry", code]), "consumer-start")

    # Only the job's progress was committed: it says it was saving, and nothing was saved.
    assert after["killed"] == {**before, "jobs": [["saving", {}]]}
    finished = after["finished"]

    imports.import_job_run(job_id=job.pk)
    uninterrupted = child.registry(code)
    assert finished == uninterrupted
    assert finished["jobs"][0][0] == "done" and finished["jobs"][0][1]["units_created"] == 120


def test_a_daily_review_killed_while_keeping_leaves_no_half_kept_day_and_running_again_keeps_them_all(
        tenants, tmp_path):
    for tenant in tenants:
        backdate(file(tenant), days=2)
        file(tenant, title="楼道灯不亮")
    # The end of today: the configured hour has passed, whenever the test runs.
    at = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(23, 59)))
    with scratch_copy(tmp_path) as url:
        # Killed in the second community's transaction, after its review and audit event were written.
        kill_when_paused(url, tmp_path, "core_auditevent", 2, "daily-review", at.isoformat())
        after = run(url, tmp_path, "recover", json.dumps(["reviews"]), "daily-review", at.isoformat())

    killed, finished = after["killed"], after["finished"]
    assert len(killed["reviews"]) == 1, killed
    assert killed["audited"] == killed["review_ids"] and killed["chain"]["ok"]
    assert daily_reviews_keep_due(now=at) == 2
    uninterrupted = child.reviews()
    assert finished["reviews"] == uninterrupted["reviews"], (finished, uninterrupted)
    assert killed["reviews"].items() <= finished["reviews"].items()
    assert finished["audited"] == finished["review_ids"] and len(finished["review_ids"]) == 2
    assert finished["chain"] == {"ok": True, "events": uninterrupted["chain"]["events"]}
    assert {r["open"] for r in finished["reviews"].values()} == {2} and all(
        len(r["overdue"]) == 1 for r in finished["reviews"].values())
