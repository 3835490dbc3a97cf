"""The visitor register and temporary passes: the service, the guard's page, the export, masking."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.errors import Conflict, ValidationFailed
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor
from linli.operations.models import TemporaryPass, Visitor
from linli.operations.services import gates


def guard_of(t):
    return Actor(t.user("guard"))


def test_registering_with_a_pass_issues_it_for_the_plate(tenant):
    visitor = gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四",
                                      phone="138 0000 1234", plate="鲁q66666", unit=tenant.units[1], pass_hours=2)
    issued = visitor.passes.get()
    assert (visitor.phone, visitor.plate, issued.plate) == ("13800001234", "鲁Q66666", "鲁Q66666")
    assert issued.valid_until - issued.valid_from == timezone.timedelta(hours=2)


def test_a_pass_needs_a_plate(tenant):
    with pytest.raises(ValidationFailed) as exc:
        gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四", pass_hours=2)
    assert "plate" in exc.value.fields and not Visitor.objects.exists()


def test_leaving_ends_the_visitors_passes(tenant):
    visitor = gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四",
                                      plate="鲁Q66666", pass_hours=4)
    gates.visitor_leave(actor=guard_of(tenant), visitor=visitor)
    assert visitor.left_at is not None
    assert TemporaryPass.objects.get(visitor=visitor).revoked_at is not None
    with pytest.raises(Conflict):
        gates.visitor_leave(actor=guard_of(tenant), visitor=visitor)


def test_a_unit_of_another_community_is_refused(tenants):
    a, b = tenants
    with pytest.raises(ValidationFailed):
        gates.visitor_register(actor=guard_of(a), community=a.community, name="李四", unit=b.units[0])


def test_visitor_phone_is_masked_for_roles_that_do_not_need_it(tenant, api):
    gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四", phone="13800001234")
    assert api(tenant.user("guard")).get("/api/v1/visitors/").json()["results"][0]["phone"] == "13800001234"
    assert api(tenant.user("cleaner")).get("/api/v1/visitors/").json()["results"][0]["phone"] == "138****1234"


@pytest.fixture
def guard_client(client, tenant):
    client.force_login(tenant.user("guard"))
    return client


def test_guard_registers_a_visitor_on_the_page(guard_client, tenant):
    url = reverse("operations:visitor_register", args=[tenant.community.pk])
    page = guard_client.get(url)
    assert page.status_code == 200 and "今天还没有访客登记" in page.content.decode()
    response = guard_client.post(url, {"name": "王五", "phone": "13900002222", "plate": "鲁Q 88888",
                                       "building": tenant.building.pk, "unit_number": tenant.units[1].number,
                                       "purpose": "送货", "pass_hours": "4"})
    issued = TemporaryPass.objects.get()
    assert response.status_code == 302 and response.url == reverse("operations:access_pass_detail", args=[issued.pk])
    shown = guard_client.get(response.url).content.decode()
    assert issued.code in shown and "鲁Q88888" in shown
    listing = guard_client.get(url).content.decode()
    assert "王五" in listing and "送货" in listing


def test_the_page_shows_errors_next_to_the_fields(guard_client, tenant):
    url = reverse("operations:visitor_register", args=[tenant.community.pk])
    response = guard_client.post(url, {"name": "王五", "plate": "鲁12", "building": tenant.building.pk,
                                       "unit_number": "9999"})
    html = response.content.decode()
    assert response.status_code == 200 and "该楼栋没有这个房号" in html and not Visitor.objects.exists()
    response = guard_client.post(url, {"name": "王五", "plate": "鲁12"})
    assert "车牌号格式不正确" in response.content.decode()


def test_marking_a_visitor_left_swaps_the_row(guard_client, tenant):
    visitor = gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四")
    response = guard_client.post(reverse("operations:visitor_leave", args=[visitor.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "离开" in response.content.decode()
    assert 'id="visitor-%d"' % visitor.pk in response.content.decode()
    visitor.refresh_from_db()
    assert visitor.left_at is not None


def test_search_by_plate_or_name(guard_client, tenant):
    gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四", plate="鲁Q66666")
    gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="赵六")
    url = reverse("operations:visitor_register", args=[tenant.community.pk])
    html = guard_client.get(url, {"q": "q666"}).content.decode()
    assert "李四" in html and "赵六" not in html


def test_export_is_a_workbook_with_masked_phones_for_a_cleaner(client, tenant):
    gates.visitor_register(actor=guard_of(tenant), community=tenant.community, name="李四", phone="13800001234")
    client.force_login(tenant.user("cleaner"))
    response = client.get(reverse("operations:visitor_export", args=[tenant.community.pk]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("到访时间", "姓名", "手机号")
    assert rows[1][1:3] == ("李四", "138****1234")


def test_a_cleaner_reads_but_cannot_register(client, tenant):
    client.force_login(tenant.user("cleaner"))
    url = reverse("operations:visitor_register", args=[tenant.community.pk])
    assert "登记到访" not in client.get(url).content.decode()
    assert client.post(url, {"name": "王五"}).status_code == 403


def test_another_companys_guard_gets_404(client, tenants):
    a, b = tenants
    client.force_login(b.user("guard"))
    assert client.get(reverse("operations:visitor_register", args=[a.community.pk])).status_code == 404
    visitor = gates.visitor_register(actor=guard_of(a), community=a.community, name="李四")
    assert client.post(reverse("operations:visitor_leave", args=[visitor.pk])).status_code == 404


def test_pass_page_revokes(guard_client, tenant):
    issued = gates.temporary_pass_issue(actor=guard_of(tenant), community=tenant.community, plate="鲁Q66666")
    url = reverse("operations:access_pass_detail", args=[issued.pk])
    assert "有效" in guard_client.get(url).content.decode()
    guard_client.post(url, {"action": "revoke"})
    issued.refresh_from_db()
    assert issued.revoked_at is not None and "已撤销" in guard_client.get(url).content.decode()


def test_access_pages_render(guard_client, tenant):
    from tests.operations.world_access import closed_groups

    w = closed_groups(tenant)
    gates.gate_event_record(gate=w["gate"], event_id="1", direction="in", at=timezone.now(), card_number="NOPE")
    cid = tenant.community.pk
    for name in ("access_gate_events", "access_vehicles", "access_gates", "access_passes"):
        response = guard_client.get(reverse(f"operations:{name}", args=[cid]))
        assert response.status_code == 200, name
    html = guard_client.get(reverse("operations:access_gate_events", args=[cid])).content.decode()
    assert "未登记的卡" in html and 'class="denied"' in html and "chart-hourly" in html


def test_manager_creates_a_gate_and_sees_the_key_once(client, tenant):
    client.force_login(tenant.user("manager"))
    url = reverse("operations:access_gates", args=[tenant.community.pk])
    response = client.post(url, {"name": "北区挡车器", "zone": tenant.zone.pk})
    html = response.content.decode()
    gate = tenant.community.gates.get()
    key = html.split('class="key-value" type="text" readonly value="')[1].split('"')[0]
    assert gates.gate_for_key(key) == gate and response["Cache-Control"] == "no-store"
    assert key not in client.get(url).content.decode()


def test_manager_issues_a_card_and_reports_it_lost(client, tenant):
    client.force_login(tenant.user("manager"))
    url = reverse("operations:access_vehicles", args=[tenant.community.pk])
    client.post(url, {"form": "vehicle", "v-plate": "鲁Q12345", "v-building": tenant.building.pk,
                      "v-unit_number": tenant.units[0].number})
    client.post(url, {"form": "card", "c-number": "k-9", "c-plate": "鲁Q12345",
                      "c-space": tenant.extra["parking_space"].code, "c-zones": [tenant.zone.pk]})
    card = tenant.community.access_cards.get()
    assert (card.number, card.vehicle.plate, card.vehicle.owner) == ("K-9", "鲁Q12345", tenant.owners[0])
    client.post(reverse("operations:access_card_act", args=[card.pk, "lost"]))
    card.refresh_from_db()
    assert card.status == "lost"


def test_a_guard_stops_a_card_on_the_page_only_with_a_reason(client, tenant, django_capture_on_commit_callbacks):
    vehicle = gates.vehicle_create(actor=guard_of(tenant), community=tenant.community, plate="鲁Q12345",
                                    unit=tenant.units[0], owner=tenant.owners[0])
    card = gates.card_issue(actor=guard_of(tenant), community=tenant.community, number="K-9", vehicle=vehicle)
    client.force_login(tenant.user("guard"))
    page = client.get(reverse("operations:access_vehicles", args=[tenant.community.pk])).content.decode()
    assert "停用原因" in page and "停卡规则" not in page
    act = reverse("operations:access_card_act", args=[card.pk, "disable"])
    shown = client.post(act, {"reason": ""}, follow=True).content.decode()
    card.refresh_from_db()
    assert card.status == "active" and "请填写停用原因" in shown
    with django_capture_on_commit_callbacks(execute=True):
        client.post(act, {"reason": "业主申请暂停使用"})
    card.refresh_from_db()
    assert (card.status, card.disabled_reason) == ("disabled", "业主申请暂停使用")
    assert InboxMessage.objects.filter(user=tenant.user("owner"), body__contains="业主申请暂停使用").exists()
