"""The service desk pages through Django's test client: who reaches which page, and that the
forms go through the services."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.models import InboxMessage
from linli.servicedesk import services
from linli.servicedesk.models import ServiceRequest, SlaPolicy, Team, TeamMember

from .helpers import actor, file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_an_owner_files_with_a_photo_from_the_page(login, tenant):
    client = login(tenant.user("owner"))
    response = client.post(reverse("servicedesk:my_request_new"), {
        "kind": "repair", "category": "水电", "title": "水龙头漏水", "description": "一直滴水",
        "unit": tenant.units[0].pk, "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]})
    request = ServiceRequest.objects.get()
    assert response.status_code == 302 and response.url == reverse("servicedesk:request_detail", args=[request.pk])
    assert request.channel == "owner" and request.unit == tenant.units[0] and request.photos.count() == 1
    page = client.get(response.url)
    assert "确认办结并评价" not in page.content.decode()
    assert "水龙头漏水" in page.content.decode()


def test_a_bad_photo_is_shown_on_the_form_and_nothing_is_filed(login, tenant):
    response = login(tenant.user("owner")).post(reverse("servicedesk:my_request_new"), {
        "kind": "repair", "title": "漏水", "unit": tenant.units[0].pk,
        "photos": [SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 20)]})
    assert response.status_code == 200
    assert "照片须为 JPG、PNG 或 WebP 格式的文件" in response.content.decode()
    assert not ServiceRequest.objects.exists()


def test_staff_file_for_a_unit_by_building_and_number(login, tenant):
    response = login(tenant.user("dispatcher")).post(
        reverse("servicedesk:request_new", args=[tenant.community.pk]),
        {"kind": "repair", "title": "停电", "building": tenant.building.pk, "unit_number": "102",
         "priority": "high", "channel": "phone", "requester_name": "王先生", "requester_phone": "13900000000"})
    assert response.status_code == 302
    request = ServiceRequest.objects.get()
    assert request.unit == tenant.units[1] and request.priority == "high"


def test_each_action_on_the_page_goes_through_the_service(login, tenant):
    request = file(tenant, "owner")
    client = login(tenant.user("dispatcher"))
    act = lambda name, **data: client.post(reverse("servicedesk:request_act", args=[request.pk, name]), data)  # noqa: E731
    act("assign", assignee=tenant.user("technician").pk)
    client = login(tenant.user("technician"))
    act("resolve", text="已修好")
    client = login(tenant.user("owner"))
    act("confirm", rating=3, text="慢了点")
    request.refresh_from_db()
    assert (request.status, request.rating, request.rating_comment) == ("closed", 3, "慢了点")


def test_a_refused_action_is_explained_not_done(login, tenant):
    request = file(tenant)
    response = login(tenant.user("technician")).post(
        reverse("servicedesk:request_act", args=[request.pk, "accept"]), follow=True)
    assert "您没有执行此操作的权限" in response.content.decode()
    request.refresh_from_db()
    assert request.status == "new"


def test_pages_of_another_tenant_are_not_found(login, tenants):
    a, b = tenants
    request = file(b)
    client = login(a.user("manager"))
    assert client.get(reverse("servicedesk:request_detail", args=[request.pk])).status_code == 404
    for name in ("service_requests", "daily_review", "service_dashboard", "sla_settings"):
        assert client.get(reverse(f"servicedesk:{name}", args=[b.community.pk])).status_code == 404


@pytest.mark.parametrize("name,role,status", [
    ("service_requests", "manager", 200), ("service_requests", "owner", 404), ("daily_review", "dispatcher", 200),
    ("daily_review", "technician", 403), ("service_dashboard", "regulator", 200), ("sla_settings", "manager", 200),
    ("request_new", "regulator", 200), ("request_new", "committee_member", 403),
])
def test_community_pages_by_role(login, tenant, name, role, status):
    file(tenant)
    response = login(tenant.user(role)).get(reverse(f"servicedesk:{name}", args=[tenant.community.pk]))
    assert response.status_code == status


def test_the_technician_sees_their_jobs_and_the_pool(login, tenant):
    team = Team.objects.create(community=tenant.community, name="维修班")
    TeamMember.objects.create(team=team, user=tenant.user("technician"))
    mine = file(tenant, title="我的活")
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=mine,
                            assignee=tenant.user("technician"))
    pooled = file(tenant, title="池里的活")
    ServiceRequest.objects.filter(pk=pooled.pk).update(team=team)
    page = login(tenant.user("technician")).get(reverse("servicedesk:work_queue")).content.decode()
    assert "我的活" in page and "池里的活" in page and "抢单" in page
    assert login(tenant.user("owner")).get(reverse("servicedesk:work_queue")).status_code == 403


def test_the_regulators_board_lists_hotline_requests(login, tenant):
    services.request_create(actor=actor(tenant, "regulator"), community=tenant.community, kind="complaint",
                            title="噪音扰民", location="2号楼", requester_name="李女士")
    file(tenant, title="普通报修")
    page = login(tenant.user("regulator")).get(reverse("servicedesk:hotline")).content.decode()
    assert "噪音扰民" in page and "普通报修" not in page and tenant.company.name in page
    assert login(tenant.user("manager")).get(reverse("servicedesk:hotline")).status_code == 403


def test_a_manager_sets_a_policy_on_the_settings_page(login, tenant):
    login(tenant.user("manager")).post(reverse("servicedesk:sla_settings", args=[tenant.community.pk]), {
        "kind": "repair", "priority": "urgent", "accept_minutes": 10, "resolve_hours": 2})
    policy = SlaPolicy.objects.get(community=tenant.community)
    assert (policy.accept_minutes, policy.resolve_hours, policy.calendar) == (10, 2, None)
    response = login(tenant.user("dispatcher")).post(
        reverse("servicedesk:sla_settings", args=[tenant.community.pk]),
        {"kind": "repair", "priority": "urgent", "accept_minutes": 99, "resolve_hours": 2})
    assert response.status_code == 403


def test_opening_a_message_marks_it_read(login, tenant):
    message = InboxMessage.objects.create(user=tenant.user("owner"), title="工单已登记", url="/service/me/")
    client = login(tenant.user("owner"))
    assert "工单已登记" in client.get(reverse("servicedesk:inbox")).content.decode()
    response = client.get(reverse("servicedesk:inbox_open", args=[message.pk]))
    assert response.url == "/service/me/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert login(tenant.user("neighbour")).get(reverse("servicedesk:inbox_open", args=[message.pk])).status_code == 404
