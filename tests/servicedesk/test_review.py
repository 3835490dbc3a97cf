"""The daily review (日清日审, DESIGN §6) and its snapshot, exports and statistics."""

import datetime as dt
import io

from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import InboxMessage
from linli.estates.models import Community
from linli.servicedesk import selectors, services
from linli.servicedesk.models import DailyReview, ServiceRequest
from linli.servicedesk.review import daily_reviews_keep_due

from .helpers import actor, backdate, file

KEYS = {"date", "community", "new", "resolved", "open", "overdue", "late_accept", "no_note_today", "reopened",
        "repeats", "sections"}


def review(api, tenant, date=None, **params):
    date = date or timezone.localdate()
    response = api(tenant.user("manager")).get("/api/v1/daily-review/", {
        "community": tenant.community.pk, "date": date.isoformat(), **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_the_review_has_exactly_the_contract_keys(tenant, api):
    data = review(api, tenant)
    assert set(data) == KEYS
    assert data["community"] == tenant.community.pk
    assert all(isinstance(data[k], int) for k in ("new", "resolved", "open"))


def test_a_request_past_its_deadline_is_overdue(tenant, api):
    late = backdate(file(tenant), days=2)
    on_time = file(tenant)
    data = review(api, tenant)
    assert late.pk in data["overdue"]
    assert on_time.pk not in data["overdue"]
    assert data["open"] == 2


def test_a_request_due_before_the_end_of_the_day_is_overdue_that_day(tenant, api):
    request = file(tenant)
    ServiceRequest.objects.filter(pk=request.pk).update(resolve_by=timezone.now() + dt.timedelta(minutes=1))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    ServiceRequest.objects.filter(pk=request.pk).update(
        resolve_by=timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(9))))
    assert request.pk not in review(api, tenant)["overdue"]
    assert request.pk in review(api, tenant, tomorrow)["overdue"]


def test_a_future_day_shows_what_it_will_be_if_nothing_changes(tenant, api):
    request = file(tenant)
    in_three_days = review(api, tenant, timezone.localdate() + dt.timedelta(days=3))
    assert in_three_days["new"] == 0 and in_three_days["resolved"] == 0
    assert in_three_days["open"] == 1
    assert request.pk in in_three_days["overdue"]
    assert request.pk in in_three_days["no_note_today"]


def test_an_open_request_without_todays_public_note_is_listed(tenant, api):
    silent, noted, internal = (backdate(file(tenant), days=2) for _ in range(3))
    services.request_note(actor=actor(tenant, "dispatcher"), service_request=noted, text="明天上门")
    services.request_note(actor=actor(tenant, "dispatcher"), service_request=internal, text="内部", public=False)
    fresh = file(tenant)
    data = review(api, tenant)
    assert silent.pk in data["no_note_today"]
    assert internal.pk in data["no_note_today"]
    assert noted.pk not in data["no_note_today"]
    assert fresh.pk not in data["no_note_today"]


def test_a_reopened_request_is_listed_on_the_day_it_was_reopened(tenant, api):
    request = file(tenant)
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=request, text="好了")
    resolved_day = review(api, tenant)
    assert resolved_day["resolved"] == 1 and resolved_day["open"] == 0
    services.request_reopen(actor=actor(tenant, "owner"), service_request=request, reason="又坏了")
    data = review(api, tenant)
    assert data["reopened"] == [request.pk]
    assert data["open"] == 1
    assert review(api, tenant, timezone.localdate() - dt.timedelta(days=1))["reopened"] == []


def test_a_request_not_accepted_in_time_is_listed(tenant, api):
    late = backdate(file(tenant), hours=3)
    accepted = backdate(file(tenant), hours=3)
    services.request_accept(actor=actor(tenant, "dispatcher"), service_request=accepted)
    quick = file(tenant)
    services.request_accept(actor=actor(tenant, "dispatcher"), service_request=quick)
    data = review(api, tenant)
    assert late.pk in data["late_accept"]
    assert accepted.pk in data["late_accept"]
    assert quick.pk not in data["late_accept"]


def test_the_review_is_kept_at_the_configured_hour_and_sent_to_the_manager(
        tenant, api, settings, django_capture_on_commit_callbacks):
    settings.LINLI_DAILY_REVIEW_AT = "17:30"
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    before = timezone.make_aware(dt.datetime.combine(today, dt.time(17, 29)), tz)
    after = timezone.make_aware(dt.datetime.combine(today, dt.time(17, 31)), tz)
    request = backdate(file(tenant), days=2)
    assert daily_reviews_keep_due(now=before) == 0
    with django_capture_on_commit_callbacks(execute=True):
        assert daily_reviews_keep_due(now=after) == Community.objects.count()
    assert daily_reviews_keep_due(now=after) == 0
    kept = DailyReview.objects.get(community=tenant.community, date=today)
    assert request.pk in kept.data["overdue"]
    message = InboxMessage.objects.get(user=tenant.user("manager"), title__contains="日清日审")
    assert "超时 1" in message.body
    later = file(tenant)
    backdate(later, days=3)
    assert later.pk not in review(api, tenant)["overdue"]
    assert later.pk in review(api, tenant, live="true")["overdue"]


def test_only_reviewers_read_the_review(tenants, api):
    tenant = tenants[0]
    params = {"community": tenant.community.pk, "date": timezone.localdate().isoformat()}
    assert api(tenant.user("technician")).get("/api/v1/daily-review/", params).status_code == 403
    assert api(tenant.user("owner")).get("/api/v1/daily-review/", params).status_code == 403
    assert api(tenants[1].user("manager")).get("/api/v1/daily-review/", params).status_code == 404
    assert api(tenant.user("regulator")).get("/api/v1/daily-review/", params).status_code == 200
    assert api(tenant.user("manager")).get("/api/v1/daily-review/", {"date": "2026-01-01"}).status_code == 400


def test_the_review_exports_to_excel_and_pdf(tenant, client):
    request = backdate(file(tenant, title="楼道灯不亮"), days=2)
    client.force_login(tenant.user("manager"))
    base = f"/service/c/{tenant.community.pk}/review/export"
    xlsx = client.get(f"{base}.xlsx")
    assert xlsx.status_code == 200
    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames[:2] == ["汇总", "超时未办结"]
    assert [c.value for c in book["超时未办结"][2]][:4] == [str(request.pk), "报修", None, "楼道灯不亮"]
    pdf = client.get(f"{base}.pdf")
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    client.force_login(tenant.user("technician"))
    assert client.get(f"{base}.xlsx").status_code == 403


def test_company_statistics_count_on_time_repeats_and_urges(tenant, api):
    quick, slow = file(tenant), file(tenant)
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=quick, text="好了")
    ServiceRequest.objects.filter(pk=slow.pk).update(resolve_by=timezone.now() - dt.timedelta(hours=1))
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=slow, text="晚了")
    first = file(tenant, kind="complaint", title="楼道灯不亮", unit=None, location="1号楼2单元楼道",
                 requester_phone="13600000000", category="公共设施")
    file(tenant, kind="complaint", title="楼道灯还是不亮", unit=None, location="1号楼2单元楼道",
         requester_phone="13600000000", category="公共设施")
    services.request_urge(actor=actor(tenant, "regulator"), service_request=first, text="请尽快")
    today = timezone.localdate().isoformat()
    rows = api(tenant.user("regulator")).get("/api/v1/service-stats/", {"start": today, "end": today}).json()
    assert len(rows) == 1
    row = rows[0]
    assert row["company_id"] == tenant.company.pk
    assert row["total"] == 4 and row["resolved"] == 2 and row["on_time"] == 1
    assert row["on_time_rate"] == "0.5000"
    assert row["complaints"] == 2 and row["repeats"] == 1 and row["repeat_rate"] == "0.5000"
    assert row["urges"] == 1


def test_the_dashboard_counts_open_and_overdue_by_category(tenant):
    backdate(file(tenant, category="水电"), days=2)
    file(tenant, category="水电")
    file(tenant, kind="complaint", category="噪音", title="楼上吵")
    data = selectors.dashboard(actor=actor(tenant, "manager"), community_ids=[tenant.community.pk])
    assert data["by_category"][0] == {"name": "水电", "open": 2, "overdue": 1}
    assert data["open"] == 3 and data["overdue"] == 1
    assert len(data["trend"]) == 30


def test_the_scans_and_the_review_run_every_few_minutes():
    from linli.servicedesk import tasks

    at = dt.datetime(2026, 11, 30, 17, 35)
    for task in (tasks.sla_scan, tasks.daily_reviews_keep):
        assert task.task_class().validate_datetime(at)
        assert not task.task_class().validate_datetime(at.replace(minute=37))
