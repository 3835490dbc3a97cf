"""The daily review (日清日审) lists missed checkpoints and overdue tasks, in its data, its
kept snapshot, its page and its exports; the manager's day shows the same exceptions."""

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.tenancy import Actor
from linli.operations.models import EnvTask
from linli.operations.services import patrols
from linli.servicedesk import review as desk
from linli.servicedesk.models import DailyReview
from linli.servicedesk.review import daily_review_compute
from tests.operations.world_people import people_world


@pytest.fixture
def exceptions(tenant):
    """A round of this morning finished with one checkpoint checked in (two missed), and a
    cleaning task due an hour ago still pending."""
    now = timezone.now()
    today = timezone.localdate()
    start = max(timezone.make_aware(dt.datetime.combine(today, dt.time.min)), now - dt.timedelta(hours=3))
    world = people_world(tenant, window_start=start, hours=1)
    round_ = world["patrolround"]
    round_.window_end = min(now - dt.timedelta(seconds=1), round_.window_end)
    round_.save()
    patrols.patrol_rounds_close_due()
    task = world["envtask"]
    EnvTask.objects.filter(pk=task.pk).update(due_by=now - dt.timedelta(hours=1))
    return world


def test_the_review_data_lists_missed_checkpoints_and_overdue_tasks(tenant, exceptions):
    data = daily_review_compute(community_id=tenant.community.pk, date=timezone.localdate())
    missed = data["sections"]["patrol_missed"]
    assert [row["cells"][2] for row in missed] == ["5号楼东侧", "18号楼南侧路灯"]
    assert missed[0]["cells"][1] == "北区夜间巡逻" and missed[0]["cells"][4] == "有漏巡"
    assert missed[0]["url"] == reverse("operations:patrol_round", args=[exceptions["patrolround"].pk])
    overdue = data["sections"]["env_overdue"]
    assert [row["cells"][:2] for row in overdue] == [["道路保洁", "北区"]]
    yesterday = daily_review_compute(community_id=tenant.community.pk,
                                     date=timezone.localdate() - dt.timedelta(days=1))
    assert yesterday["sections"] == {"patrol_missed": [], "env_overdue": []}


def test_a_task_done_in_time_is_not_overdue_and_one_done_late_still_is(tenant, exceptions):
    task = exceptions["envtask"]
    EnvTask.objects.filter(pk=task.pk).update(status="done", done_at=task.due_by - dt.timedelta(minutes=5))
    assert daily_review_compute(community_id=tenant.community.pk,
                                date=timezone.localdate())["sections"]["env_overdue"] == []
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    EnvTask.objects.filter(pk=task.pk).update(done_at=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9))))
    assert len(daily_review_compute(community_id=tenant.community.pk,
                                    date=timezone.localdate())["sections"]["env_overdue"]) == 1


def test_the_kept_review_keeps_the_sections(tenant, exceptions):
    review = desk.daily_review_keep(community=tenant.community, date=timezone.localdate())
    kept = DailyReview.objects.get(pk=review.pk)
    assert len(kept.data["sections"]["patrol_missed"]) == 2
    assert len(kept.data["sections"]["env_overdue"]) == 1


def test_page_api_and_exports_show_the_sections(client, api, tenant, exceptions):
    client.force_login(tenant.user("manager"))
    url = reverse("servicedesk:daily_review", args=[tenant.community.pk])
    page = client.get(url).content.decode()
    assert "漏巡点位（2）" in page and "5号楼东侧" in page and "逾期保洁绿化任务（1）" in page
    data = api(tenant.user("manager")).get("/api/v1/daily-review/", {"community": tenant.community.pk}).json()
    assert len(data["sections"]["patrol_missed"]) == 2
    xlsx = client.get(reverse("servicedesk:review_export", args=[tenant.community.pk, "xlsx"]))
    book = load_workbook(io.BytesIO(xlsx.content))
    assert [row[2] for row in book["漏巡点位"].iter_rows(min_row=2, values_only=True)] == ["5号楼东侧",
                                                                                          "18号楼南侧路灯"]
    assert ("漏巡点位", 2) in [tuple(r) for r in book["汇总"].iter_rows(min_row=2, values_only=True)]
    pdf = client.get(reverse("servicedesk:review_export", args=[tenant.community.pk, "pdf"]))
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True, check=True).stdout.decode()
    assert "漏巡点位（2）" in text and "18号楼南侧路灯" in text and "道路保洁" in text


def test_the_managers_day(client, tenant, exceptions):
    client.force_login(tenant.user("manager"))
    response = client.get(reverse("operations:people_day", args=[tenant.community.pk]))
    assert response.status_code == 200
    context = response.context
    assert [r.pk for r in context["patrol_exceptions"]] == [exceptions["patrolround"].pk]
    assert context["patrol_exceptions"][0].missing == 2
    assert [t.pk for t in context["overdue_tasks"]] == [exceptions["envtask"].pk]
    assert [e.member.name for g in context["roster"] for e in g["entries"]] == ["保安甲"]
    assert context["completion"] == [{"name": "—", "done": 0, "pending": 1}]
    page = response.content.decode()
    assert reverse("servicedesk:daily_review", args=[tenant.community.pk]) in page


def test_the_day_page_is_not_found_for_another_tenant(client, tenants):
    a, b = tenants
    client.force_login(b.user("manager"))
    assert client.get(reverse("operations:people_day", args=[a.community.pk])).status_code == 404
    client.force_login(a.user("owner"))
    assert client.get(reverse("operations:people_day", args=[a.community.pk])).status_code == 404


def test_review_sections_are_a_couple_of_queries(tenant, exceptions, django_assert_max_num_queries):
    from linli.servicedesk.review import sections_compute

    with django_assert_max_num_queries(5):
        sections_compute(tenant.community.pk, timezone.localdate())
    assert Actor(tenant.user("manager")).can("servicedesk.review", tenant.community)
