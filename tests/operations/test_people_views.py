"""The people pages: each renders for who may see it, forms go through the services, the
guard's and the cleaner's phone pages work, and another tenant gets 404."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from linli.operations.models import EnvTask, PatrolCheckIn, Position, RosterEntry, TaskTemplate
from tests.operations.world_people import people_world


@pytest.fixture
def world(tenant):
    return people_world(tenant)


def page(client, user, name, *args, **params):
    client.force_login(user)
    response = client.get(reverse(f"operations:{name}", args=args), params)
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_manager_pages_render(client, tenant, world):
    cid = tenant.community.pk
    manager = tenant.user("manager")
    assert "各岗位编制与实有人数" in page(client, manager, "org", cid)
    assert "保安甲" in page(client, manager, "staff_list", cid)
    assert "北区保安班" in page(client, manager, "roster", cid)
    assert "北门岗亭" in page(client, manager, "patrol_admin", cid)
    assert "道路保洁" in page(client, manager, "env_admin", cid)
    assert "路面无杂物" in page(client, manager, "inspection_new", cid, task=world["envtask"].pk)
    for name in ("position_new", "team_new", "shift_new", "staff_new", "route_new", "template_new"):
        page(client, manager, name, cid)
    page(client, manager, "checkpoint_new", world["patrolroute"].pk)
    page(client, manager, "plan_new", world["patrolroute"].pk)


def test_a_guard_reads_but_does_not_manage(client, tenant, world):
    client.force_login(tenant.user("guard"))
    assert client.get(reverse("operations:roster", args=[tenant.community.pk])).status_code == 200
    assert client.get(reverse("operations:position_new", args=[tenant.community.pk])).status_code == 403
    assert "138****5678" in page(client, tenant.user("cleaner"), "staff_list", tenant.community.pk)


def test_another_tenant_gets_404(client, tenants):
    a, b = tenants
    world = people_world(b)
    client.force_login(a.user("manager"))
    for name, arg in (("org", b.community.pk), ("roster", b.community.pk), ("env_admin", b.community.pk),
                      ("patrol_round", world["patrolround"].pk), ("route_qr_pdf", world["patrolroute"].pk),
                      ("env_task_complete", world["envtask"].pk)):
        assert client.get(reverse(f"operations:{name}", args=[arg])).status_code == 404, name


def test_forms_create_through_the_services(client, tenant, world):
    client.force_login(tenant.user("manager"))
    cid = tenant.community.pk
    response = client.post(reverse("operations:position_new", args=[cid]),
                           {"name": "车库管理员", "kind": "garage", "planned_headcount": 2, "order": 9})
    assert response.status_code == 302 and Position.objects.filter(name="车库管理员", planned_headcount=2).exists()
    duplicate = client.post(reverse("operations:position_new", args=[cid]),
                            {"name": "车库管理员", "kind": "garage", "planned_headcount": 2})
    assert duplicate.status_code == 200
    response = client.post(reverse("operations:template_new", args=[cid]), {
        "name": "楼梯与扶手清扫", "kind": "cleaning", "frequency": "monthly", "times": 2, "due_time": "18:00",
        "zones": [tenant.zone.pk], "checklist": "楼梯无垃圾\n扶手无灰尘", "photo_required": "on", "active": "on"})
    assert response.status_code == 302
    stairs = TaskTemplate.objects.get(name="楼梯与扶手清扫")
    assert stairs.checklist == ["楼梯无垃圾", "扶手无灰尘"] and list(stairs.zones.all()) == [tenant.zone]
    monday = timezone.localdate() - dt.timedelta(days=timezone.localdate().isoweekday() - 1)
    response = client.post(reverse("operations:roster_add", args=[cid]), {
        "date": (monday + dt.timedelta(days=1)).isoformat(), "shift": world["shift"].pk,
        "team": world["staffteam"].pk, "member": world["staffmember"].pk})
    assert response.status_code == 302
    assert RosterEntry.objects.filter(date=monday + dt.timedelta(days=1)).count() == 1
    response = client.post(reverse("operations:roster_copy", args=[cid]),
                           {"week": (monday + dt.timedelta(days=7)).isoformat()})
    assert response.status_code == 302
    copied = RosterEntry.objects.filter(date__gte=monday + dt.timedelta(days=7))
    assert copied.count() >= 1
    entry = copied.first()
    assert client.post(reverse("operations:roster_delete", args=[entry.pk])).status_code == 302
    assert not RosterEntry.objects.filter(pk=entry.pk).exists()


def test_the_guard_checks_in_by_typing_and_by_the_scan_url(client, tenant, world):
    client.force_login(tenant.user("guard"))
    round_url = reverse("operations:patrol_round", args=[world["patrolround"].pk])
    mine = page(client, tenant.user("guard"), "patrol_mine")
    assert "北区夜间巡逻" in mine and round_url in mine
    checkin_url = reverse("operations:patrol_checkin", args=[world["patrolround"].pk])
    partial = client.post(checkin_url, {"code": world["checkpoints"][1].code}, HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert PatrolCheckIn.objects.filter(checkpoint=world["checkpoints"][1], method="typed").exists()
    wrong = client.post(checkin_url, {"code": "NOPE1234"})
    assert wrong.status_code == 400 and "没有这个点位码" in wrong.content.decode()
    scanned = client.get(reverse("operations:patrol_scan", args=[world["checkpoints"][2].code]))
    assert scanned.status_code == 302 and scanned.url == round_url
    assert PatrolCheckIn.objects.filter(checkpoint=world["checkpoints"][2], method="scan").exists()
    again = client.get(reverse("operations:patrol_scan", args=[world["checkpoints"][2].code]), follow=True)
    assert "已打卡" in again.content.decode()


def test_the_cleaner_completes_a_task_with_a_photo(client, tenant, world):
    client.force_login(tenant.user("cleaner"))
    mine = page(client, tenant.user("cleaner"), "env_mine")
    url = reverse("operations:env_task_complete", args=[world["envtask"].pk])
    assert "道路保洁" in mine and url in mine
    refused = client.post(url, {"note": "无照片"})
    assert refused.status_code == 200 and "请拍照上传" in refused.content.decode()
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(buffer, "PNG")
    done = client.post(url, {"note": "已清扫", "photo": SimpleUploadedFile("p.png", buffer.getvalue(),
                                                                       content_type="image/png")})
    assert done.status_code == 302
    assert EnvTask.objects.get(pk=world["envtask"].pk).status == "done"
