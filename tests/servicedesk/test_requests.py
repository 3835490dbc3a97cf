"""Requests through the API and the services: filing, deadlines, the lifecycle, holds, photos,
who may do what, and what each role sees."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import InboxMessage, OutboxMessage
from linli.servicedesk import services, sla
from linli.servicedesk.models import BusinessCalendar, Category, ServiceRequest, SlaPolicy, Status
from tests import factories as f

from .helpers import actor, backdate, file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def test_resolve_by_is_creation_time_plus_the_policys_resolve_hours(tenant, api):
    SlaPolicy.objects.create(community=tenant.community, kind="repair", priority="normal", accept_minutes=30,
                             resolve_hours=24)
    response = api(tenant.user("dispatcher")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "repair", "title": "水管漏水", "description": "厨房水管漏水",
        "unit": tenant.units[0].pk, "location": "1号楼101", "channel": "phone"}, format="json")
    assert response.status_code == 201, response.json()
    request = ServiceRequest.objects.get(pk=response.json()["id"])
    assert response.json()["status"] == "new"
    assert response.json()["priority"] == "normal"
    assert request.resolve_by - request.created_at == dt.timedelta(hours=24)
    assert request.respond_by - request.created_at == dt.timedelta(minutes=30)


def test_without_a_policy_the_default_times_apply(tenant):
    request = file(tenant, priority="urgent")
    assert request.resolve_by - request.created_at == dt.timedelta(hours=sla.DEFAULT_SLA["urgent"][1])


def test_category_is_given_by_name_and_blank_means_uncategorised(tenant, api):
    client = api(tenant.user("dispatcher"))
    base = {"community": tenant.community.pk, "kind": "repair", "title": "灯坏了", "location": "3号楼楼道"}
    named = client.post("/api/v1/service-requests/", {**base, "category": "公共设施"}, format="json").json()
    blank = client.post("/api/v1/service-requests/", base, format="json").json()
    assert named["category"] == "公共设施"
    assert blank["category"] == ""
    unknown = client.post("/api/v1/service-requests/", {**base, "category": "外星人"}, format="json")
    assert unknown.status_code == 400 and "category" in unknown.json()["fields"]


def test_a_request_needs_a_unit_or_a_place(tenant, api):
    response = api(tenant.user("dispatcher")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "repair", "title": "坏了"}, format="json")
    assert response.status_code == 400
    assert not ServiceRequest.objects.exists()


def test_the_whole_lifecycle_through_the_api(tenant, api):
    dispatcher, technician, owner = (api(tenant.user(r)) for r in ("dispatcher", "technician", "owner"))
    created = api(tenant.user("owner")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "repair", "title": "水龙头漏水", "unit": tenant.units[0].pk},
        format="json").json()
    url = f"/api/v1/service-requests/{created['id']}"
    assert created["channel"] == "owner"
    assert dispatcher.post(f"{url}/accept/").json()["status"] == "accepted"
    assigned = dispatcher.post(f"{url}/assign/", {"assignee": tenant.user("technician").pk}, format="json").json()
    assert assigned["status"] == "assigned" and assigned["assignee"] == tenant.user("technician").pk
    assert technician.post(f"{url}/start/").json()["status"] == "in_progress"
    assert technician.post(f"{url}/notes/", {"text": "配件已订", "public": True}, format="json").status_code == 201
    assert technician.post(f"{url}/resolve/", {"text": "已更换阀芯"}, format="json").json()["status"] == "resolved"
    closed = owner.post(f"{url}/confirm/", {"rating": 5}, format="json").json()
    assert closed["status"] == "closed" and closed["rating"] == 5
    reopened = owner.post(f"{url}/reopen/", {"reason": "又漏了"}, format="json").json()
    assert reopened["status"] == "assigned" and reopened["rating"] is None and reopened["reopen_count"] == 1
    kinds = [e["kind"] for e in owner.get(f"{url}/notes/").json()]
    assert kinds == ["create", "accept", "assign", "start", "note", "resolve", "close", "reopen"]


def test_a_rating_outside_one_to_five_is_refused(tenant, api):
    request = file(tenant)
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=request, text="好了")
    response = api(tenant.user("owner")).post(f"/api/v1/service-requests/{request.pk}/confirm/", {"rating": 6},
                                              format="json")
    assert response.status_code == 400
    request.refresh_from_db()
    assert request.status == Status.RESOLVED


def test_hold_pauses_the_clock(tenant):
    request = file(tenant)
    deadline = request.resolve_by
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    services.request_hold(actor=actor(tenant, "technician"), service_request=request, reason="等配件")
    ServiceRequest.objects.filter(pk=request.pk).update(hold_started_at=timezone.now() - dt.timedelta(hours=5))
    request = services.request_resume(actor=actor(tenant, "technician"), service_request=request)
    assert request.status == Status.IN_PROGRESS
    assert abs(request.resolve_by - deadline - dt.timedelta(hours=5)) < dt.timedelta(seconds=5)
    assert 5 * 3600 - 5 <= request.hold_seconds <= 5 * 3600 + 5


def test_business_hours_skip_nights_weekends_and_holidays(tenant):
    tz = timezone.get_current_timezone()
    calendar = BusinessCalendar(community=tenant.community, name="工作日", weekdays="12345", opens_at=dt.time(9),
                                closes_at=dt.time(17), holidays=["2026-12-01"])
    friday_four = timezone.make_aware(dt.datetime(2026, 11, 27, 16, 0), tz)
    assert sla.add_working_time(friday_four, 2 * 3600, calendar) == timezone.make_aware(
        dt.datetime(2026, 11, 30, 10, 0), tz)
    monday_four = timezone.make_aware(dt.datetime(2026, 11, 30, 16, 0), tz)  # Tuesday is a holiday
    assert sla.add_working_time(monday_four, 2 * 3600, calendar) == timezone.make_aware(
        dt.datetime(2026, 12, 2, 10, 0), tz)
    assert sla.working_seconds_between(friday_four, monday_four, calendar) == (1 + 7) * 3600
    assert sla.add_working_time(friday_four, 2 * 3600, None) == friday_four + dt.timedelta(hours=2)


def test_a_policy_with_a_calendar_counts_working_hours(tenant):
    calendar = BusinessCalendar.objects.create(community=tenant.community, name="客服", weekdays="1234567",
                                               opens_at=dt.time(0, 0), closes_at=dt.time(0, 1))
    SlaPolicy.objects.create(community=tenant.community, kind="inquiry", priority="normal", accept_minutes=1,
                             resolve_hours=1, calendar=calendar)
    request = file(tenant, kind="inquiry", title="物业费怎么交", unit=None, location="客服中心")
    # One working minute a day: an hour of work takes sixty days.
    assert request.resolve_by - request.created_at > dt.timedelta(days=58)


def test_an_owner_may_file_only_for_their_own_unit(tenant, api):
    response = api(tenant.user("owner")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "repair", "title": "漏水", "unit": tenant.units[1].pk},
        format="json")
    assert response.status_code == 400
    assert "unit" in response.json()["fields"]


def test_an_owner_cannot_dispatch_and_a_technician_cannot_accept(tenant, api):
    request = file(tenant)
    owner = api(tenant.user("owner"))
    assert owner.post(f"/api/v1/service-requests/{request.pk}/assign/",
                      {"assignee": tenant.user("technician").pk}, format="json").status_code in (400, 403)
    assert api(tenant.user("technician")).post(f"/api/v1/service-requests/{request.pk}/accept/").status_code == 403
    request.refresh_from_db()
    assert request.status == Status.NEW and request.assignee is None


def test_only_company_staff_can_be_assigned(tenants, api):
    a, b = tenants
    request = file(a)
    response = api(a.user("dispatcher")).post(f"/api/v1/service-requests/{request.pk}/assign/",
                                              {"assignee": b.user("technician").pk}, format="json")
    assert response.status_code == 400
    assert "assignee" in response.json()["fields"]


def test_an_action_in_the_wrong_state_is_a_conflict(tenant, api):
    request = file(tenant)
    response = api(tenant.user("owner")).post(f"/api/v1/service-requests/{request.pk}/confirm/", {"rating": 4},
                                              format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_status"


def test_transfer_and_return_keep_a_reason(tenant):
    request = file(tenant)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    with pytest.raises(ValidationFailed):
        services.request_return(actor=actor(tenant, "technician"), service_request=request, reason=" ")
    request = services.request_return(actor=actor(tenant, "technician"), service_request=request, reason="不是水电问题")
    assert request.status == Status.ACCEPTED and request.assignee is None
    request = services.request_transfer(actor=actor(tenant, "dispatcher"), service_request=request,
                                        assignee=tenant.user("cleaner"), reason="属于保洁")
    assert request.assignee == tenant.user("cleaner")
    assert list(request.events.filter(kind__in=["return", "transfer"]).values_list("kind", flat=True)) == [
        "return", "transfer"]


def test_photos_are_checked_by_their_content_and_size(tenant):
    request = file(tenant, photos=[SimpleUploadedFile("a.png", PNG), SimpleUploadedFile("b.jpg", JPEG),
                                   SimpleUploadedFile("c.webp", WEBP)])
    assert sorted(request.photos.values_list("content_type", flat=True)) == ["image/jpeg", "image/png", "image/webp"]
    with pytest.raises(ValidationFailed):
        file(tenant, photos=[SimpleUploadedFile("x.png", b"GIF89a" + b"\x00" * 64)])
    with pytest.raises(ValidationFailed):
        file(tenant, photos=[SimpleUploadedFile("big.png", PNG + b"\x00" * (5 * 1024 * 1024))])
    assert ServiceRequest.objects.count() == 1


def test_photos_are_served_to_readers_of_the_request_only(tenants, api):
    a, b = tenants
    request = file(a, photos=[SimpleUploadedFile("a.png", PNG)])
    photo = request.photos.get()
    assert api(a.user("owner")).get(f"/api/v1/service-photos/{photo.pk}/").status_code == 200
    assert api(a.user("neighbour")).get(f"/api/v1/service-photos/{photo.pk}/").status_code == 404
    assert api(b.user("manager")).get(f"/api/v1/service-photos/{photo.pk}/").status_code == 404


def test_an_owner_sees_their_own_requests_not_the_neighbours(tenant, api):
    mine = file(tenant, "owner", unit=tenant.units[0])
    neighbours = file(tenant, unit=tenant.units[1])
    ids = {r["id"] for r in api(tenant.user("owner")).get("/api/v1/service-requests/").json()["results"]}
    assert mine.pk in ids and neighbours.pk not in ids


def test_a_regulator_sees_requests_with_the_phone_masked(tenant, api):
    request = file(tenant, requester_phone="13912345678")
    row = api(tenant.user("regulator")).get(f"/api/v1/service-requests/{request.pk}/").json()
    assert row["requester_phone"] == "139****5678"
    staff = api(tenant.user("dispatcher")).get(f"/api/v1/service-requests/{request.pk}/").json()
    assert staff["requester_phone"] == "13912345678"


def test_internal_notes_are_hidden_from_the_owner(tenant, api):
    request = file(tenant, "owner")
    services.request_note(actor=actor(tenant, "dispatcher"), service_request=request, text="业主难缠", public=False)
    services.request_note(actor=actor(tenant, "dispatcher"), service_request=request, text="明天上门", public=True)
    texts = [e["text"] for e in api(tenant.user("owner")).get(f"/api/v1/service-requests/{request.pk}/notes/").json()]
    assert "明天上门" in texts and "业主难缠" not in texts


def test_a_new_community_starts_with_the_default_categories(admin_user, api):
    response = api(admin_user).post("/api/v1/communities/", {"name": "新小区", "code": "new-one"}, format="json")
    names = list(Category.objects.filter(community_id=response.json()["id"]).values_list("name", flat=True))
    assert names == ["水电", "门窗", "电梯", "公共设施", "环境卫生", "绿化", "安全", "噪音", "停车", "收费"]


def test_creation_replies_with_the_expected_times(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = file(tenant, "owner")
    reply = InboxMessage.objects.get(user=tenant.user("owner"), title="工单已登记")
    assert timezone.localtime(request.resolve_by).strftime("%Y-%m-%d %H:%M") in reply.body
    assert InboxMessage.objects.filter(user=tenant.user("dispatcher"), title=f"新工单 #{request.pk}").exists()


def test_a_caller_gets_the_reply_by_sms(tenant, mailoutbox, django_capture_on_commit_callbacks):
    tenant.user("dispatcher").email = "d@example.com"
    tenant.user("dispatcher").save()
    with django_capture_on_commit_callbacks(execute=True):
        request = file(tenant, requester_phone="13700001111")
    sms = OutboxMessage.objects.get(recipient="13700001111")
    assert f"{request.pk}" in sms.body and "办结" in sms.body
    assert any(f"#{request.pk}" in m.subject for m in mailoutbox)


def test_urging_counts_and_tells_the_company(tenant, api, django_capture_on_commit_callbacks):
    request = file(tenant)
    client = api(tenant.user("regulator"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/api/v1/service-requests/{request.pk}/urge/", {"text": "居民多次来电"}, format="json")
        response = client.post(f"/api/v1/service-requests/{request.pk}/urge/", {}, format="json")
    assert response.json()["urge_count"] == 2
    assert InboxMessage.objects.filter(user=tenant.user("manager"), title=f"督办 #{request.pk}").count() == 2
    assert api(tenant.user("dispatcher")).post(f"/api/v1/service-requests/{request.pk}/urge/").status_code == 403


def test_a_hotline_request_goes_to_the_current_company_and_records_the_office(
        tenant, api, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api(tenant.user("regulator")).post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "complaint", "title": "垃圾无人清运", "location": "2号楼",
            "requester_name": "王先生", "requester_phone": "13500000000"}, format="json")
    assert response.status_code == 201, response.json()
    request = ServiceRequest.objects.get(pk=response.json()["id"])
    assert request.channel == "hotline" and request.company == tenant.company
    assert request.hotline_office == tenant.subdistrict
    assert InboxMessage.objects.filter(user=tenant.user("dispatcher")).exists()


def test_a_return_visit_records_satisfaction_after_resolution(tenant, api, django_capture_on_commit_callbacks):
    request = file(tenant)
    client = api(tenant.user("regulator"))
    assert client.post(f"/api/v1/service-requests/{request.pk}/visit/", {"satisfaction": "satisfied"},
                       format="json").status_code == 409
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=request, text="已处理")
    with django_capture_on_commit_callbacks(execute=True):
        row = client.post(f"/api/v1/service-requests/{request.pk}/visit/", {"satisfaction": "unsatisfied",
                                                                            "text": "没人上门"}, format="json").json()
    assert row["satisfaction"] == "unsatisfied"
    assert InboxMessage.objects.filter(user=tenant.user("manager"), title=f"回访不满意 #{request.pk}").exists()


def test_resolved_requests_close_by_themselves_after_n_days(tenant, settings):
    settings.LINLI_SERVICE_AUTO_CLOSE_DAYS = 3
    old, recent = file(tenant), file(tenant)
    for request in (old, recent):
        services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=request, text="好了")
    ServiceRequest.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=4))
    assert services.requests_auto_close() == 1
    old.refresh_from_db(), recent.refresh_from_db()
    assert old.status == Status.CLOSED and recent.status == Status.RESOLVED


def test_reopening_long_after_resolution_asks_for_a_new_request(tenant):
    request = file(tenant)
    services.request_resolve(actor=actor(tenant, "dispatcher"), service_request=request, text="好了")
    ServiceRequest.objects.filter(pk=request.pk).update(resolved_at=timezone.now() - dt.timedelta(days=31))
    with pytest.raises(Conflict):
        services.request_reopen(actor=actor(tenant, "owner"), service_request=request, reason="又坏了")


def test_only_managers_configure_sla_policies(tenant, api):
    body = {"community": tenant.community.pk, "kind": "repair", "priority": "urgent", "accept_minutes": 10,
            "resolve_hours": 2}
    assert api(tenant.user("dispatcher")).post("/api/v1/sla-policies/", body, format="json").status_code == 403
    assert api(tenant.user("manager")).post("/api/v1/sla-policies/", body, format="json").status_code == 201
    assert api(tenant.user("manager")).post("/api/v1/sla-policies/", body, format="json").status_code == 409


def test_another_tenants_community_cannot_be_filed_into(tenants, api):
    a, b = tenants
    response = api(a.user("dispatcher")).post("/api/v1/service-requests/", {
        "community": b.community.pk, "kind": "repair", "title": "x", "location": "y"}, format="json")
    assert response.status_code == 400 and "community" in response.json()["fields"]
    with pytest.raises(PermissionDenied):
        services.request_create(actor=actor(a, "dispatcher"), community=b.community, kind="repair", title="x",
                                location="y")
    assert not ServiceRequest.objects.exists()


def test_a_manager_learns_of_an_sla_warning_and_breach_once(tenant, django_capture_on_commit_callbacks):
    request = file(tenant)
    backdate(request, hours=23, minutes=50)
    assert services.sla_scan()["warnings"] >= 1
    backdate(request, hours=1)
    with django_capture_on_commit_callbacks(execute=True):
        counts = services.sla_scan()
    assert counts["breaches"] >= 1
    assert services.sla_scan() == {"warnings": 0, "breaches": 0}
    assert request.sla_alerts.filter(level="breach", target="resolve").count() == 1
    assert InboxMessage.objects.filter(user=tenant.user("manager"), title=f"已超时 #{request.pk}").exists()


def test_a_held_request_is_not_scanned_for_breaches(tenant):
    request = file(tenant)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    services.request_hold(actor=actor(tenant, "technician"), service_request=request, reason="等业主回家")
    backdate(request, days=3)
    services.sla_scan()
    assert not request.sla_alerts.filter(target="resolve").exists()


@pytest.mark.parametrize("role", ["owner", "neighbour"])
def test_owners_cannot_add_staff_notes(tenant, role):
    request = file(tenant, "owner")
    if role == "neighbour":
        with pytest.raises(PermissionDenied):
            services.request_note(actor=actor(tenant, role), service_request=request, text="我也要说")
    else:
        event = services.request_note(actor=actor(tenant, role), service_request=request, text="请下午来",
                                      public=False)
        assert event.kind == "message" and event.public


def test_a_community_created_any_way_gets_the_default_categories(db):
    community = f.CommunityFactory()
    assert Category.objects.filter(community=community).count() == len(services.DEFAULT_CATEGORIES)

