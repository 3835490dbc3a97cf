"""Notices: audience by community, zone or building, draft → publish → withdraw, the inbox, read
tracking and the owners' bulletin."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import InboxMessage
from linli.core.tenancy import Actor
from linli.operations.models import Notice, NoticeRead
from linli.operations.selectors import notices as selectors
from linli.operations.services import notices
from tests import factories as f


@pytest.fixture
def world(tenant):
    """北区 1号楼 (the tenant's units: owner, neighbour, and a resident with a login) and 南区 ›
    金苗园 › 金1号楼 with one more owner."""
    resident = tenant.extra["resident"]
    resident.user = f.UserFactory(username="resident-login", phone="13700000000")
    resident.save()
    south = f.ZoneFactory(community=tenant.community, name="南区")
    group = f.ZoneFactory(community=tenant.community, name="金苗园", parent=south)
    building = f.BuildingFactory(community=tenant.community, zone=group, name="金1号楼")
    far = f.OwnerFactory(community=tenant.community, user=f.UserFactory(username="south-owner"))
    f.OwnershipFactory(owner=far, unit=f.UnitFactory(building=building, number="301"))
    return {"manager": Actor(tenant.user("manager")), "south": south, "group": group, "building": building,
            "resident": resident.user, "far": far.user}


def publish(world, tenant, **kwargs):
    notice = notices.notice_create(actor=world["manager"], community=tenant.community, title=kwargs.pop("title", "通知"),
                                   body="内容", **kwargs)
    return notices.notice_publish(actor=world["manager"], notice=notice)


def test_audience_by_community_zone_and_building(tenant, world):
    everyone = {tenant.user("owner").pk, tenant.user("neighbour").pk, world["resident"].pk, world["far"].pk}
    assert selectors.audience_user_ids(publish(world, tenant)) == everyone
    assert selectors.audience_user_ids(publish(world, tenant, audience="zone", zone=world["south"])) == {
        world["far"].pk}
    assert selectors.audience_user_ids(publish(world, tenant, audience="zone", zone=tenant.zone)) == everyone - {
        world["far"].pk}
    assert selectors.audience_user_ids(publish(world, tenant, audience="building", building=world["building"])) == {
        world["far"].pk}


def test_the_target_must_match_the_audience(tenant, world):
    with pytest.raises(ValidationFailed) as exc:
        notices.notice_create(actor=world["manager"], community=tenant.community, title="x", body="y", audience="zone")
    assert "zone" in exc.value.fields
    notice = notices.notice_create(actor=world["manager"], community=tenant.community, title="x", body="y",
                                   audience="community", zone=world["south"])
    assert notice.zone is None


def test_a_zone_of_another_community_is_refused(tenants, world):
    a, b = tenants
    with pytest.raises(ValidationFailed):
        notices.notice_create(actor=world["manager"], community=a.community, title="x", body="y", audience="zone",
                              zone=b.zone)


def test_only_the_manager_publishes(tenant, world):
    with pytest.raises(PermissionDenied):
        notices.notice_create(actor=Actor(tenant.user("guard")), community=tenant.community, title="x", body="y")


def test_publishing_drops_a_message_in_the_audiences_inbox(tenant, world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notice = publish(world, tenant, audience="building", building=world["building"], title="停水")
    assert list(InboxMessage.objects.values_list("user_id", "title")) == [(world["far"].pk, "公告：停水")]
    assert InboxMessage.objects.get().url == reverse("operations:bulletin_detail", args=[notice.pk])


def test_draft_publish_withdraw(tenant, world):
    notice = notices.notice_create(actor=world["manager"], community=tenant.community, title="x", body="y")
    assert selectors.notice_state(notice) == "draft"
    with pytest.raises(Conflict):
        notices.notice_withdraw(actor=world["manager"], notice=notice)
    notice = notices.notice_publish(actor=world["manager"], notice=notice)
    with pytest.raises(Conflict):
        notices.notice_publish(actor=world["manager"], notice=notice)
    with pytest.raises(Conflict):
        notices.notice_update(actor=world["manager"], notice=notice, changes={"body": "改了"})
    notices.notice_update(actor=world["manager"], notice=notice, changes={"pinned": True})
    notice = notices.notice_withdraw(actor=world["manager"], notice=notice)
    assert selectors.notice_state(notice) == "withdrawn"
    assert selectors.bulletin(actor=Actor(tenant.user("owner"))) == []


def test_owners_see_only_live_notices_for_their_units(tenant, world):
    publish(world, tenant, title="全体")
    publish(world, tenant, audience="zone", zone=world["south"], title="南区")
    expired = publish(world, tenant, title="过期")
    Notice.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    notices.notice_create(actor=world["manager"], community=tenant.community, title="草稿", body="y")
    owner = Actor(tenant.user("owner"))
    assert [n.title for n in selectors.bulletin(actor=owner)] == ["全体"]
    assert {n.title for n in selectors.notice_list(actor=owner)} == {"全体"}
    assert [n.title for n in selectors.bulletin(actor=Actor(world["far"]))] == ["南区", "全体"]


def test_read_tracking(tenant, world):
    notice = publish(world, tenant)
    owner = Actor(tenant.user("owner"))
    assert selectors.bulletin(actor=owner)[0].unread
    notices.notice_mark_read(actor=owner, notice=notice)
    notices.notice_mark_read(actor=owner, notice=notice)
    assert not selectors.bulletin(actor=owner)[0].unread
    assert notices.notice_mark_read(actor=world["manager"], notice=notice) is None
    reads = selectors.notice_reads(actor=world["manager"], notice=notice)
    assert (reads["audience"], reads["read"], reads["unread_count"], str(reads["percent"])) == (4, 1, 3, "25.0")
    unread = {u["id"]: u["phone"] for u in reads["unread"]}
    assert unread[world["resident"].pk] == "13700000000"
    masked = selectors.notice_reads(actor=Actor(tenant.user("cleaner")), notice=notice)
    assert {u["id"]: u["phone"] for u in masked["unread"]}[world["resident"].pk] == "137****0000"
    assert NoticeRead.objects.count() == 1


def test_owner_opens_a_notice_on_the_bulletin(client, tenant, world):
    notice = publish(world, tenant, title="电梯检修")
    client.force_login(tenant.user("owner"))
    portal = client.get(reverse("estates:my_units")).content.decode()
    assert "公告栏" in portal and "电梯检修" in portal and "1 条未读" in portal
    page = client.get(reverse("operations:bulletin_detail", args=[notice.pk]))
    assert page.status_code == 200 and NoticeRead.objects.filter(notice=notice, user=tenant.user("owner")).exists()
    assert "未读" not in client.get(reverse("operations:bulletin")).content.decode()


def test_a_south_notice_is_404_for_a_north_owner(client, tenant, world):
    notice = publish(world, tenant, audience="zone", zone=world["south"])
    client.force_login(tenant.user("owner"))
    assert client.get(reverse("operations:bulletin_detail", args=[notice.pk])).status_code == 404


def test_manager_pages(client, tenant, world):
    client.force_login(tenant.user("manager"))
    cid = tenant.community.pk
    response = client.post(reverse("operations:notice_new", args=[cid]), {
        "title": "楼道清扫", "body": "周六清扫", "target": f"building:{world['building'].pk}"})
    notice = Notice.objects.get()
    assert response.status_code == 302 and (notice.audience, notice.building) == ("building", world["building"])
    client.post(reverse("operations:notice_act", args=[notice.pk, "publish"]))
    html = client.get(reverse("operations:notice_detail", args=[notice.pk])).content.decode()
    assert "已发布" in html and "应读人数" in html and str(world["far"]) in html
    assert "楼道清扫" in client.get(reverse("operations:notice_list", args=[cid])).content.decode()
    bad = client.post(reverse("operations:notice_new", args=[cid]), {"title": "", "body": "", "target": "community"})
    assert bad.status_code == 200 and Notice.objects.count() == 1


def test_notice_api(tenant, world, api):
    client = api(tenant.user("manager"))
    created = client.post("/api/v1/notices/", {"community": tenant.community.pk, "audience": "zone",
                                               "zone": world["south"].pk, "title": "南区停电", "body": "周三"},
                          format="json")
    assert created.status_code == 201 and created.json()["state"] == "draft"
    nid = created.json()["id"]
    assert client.post(f"/api/v1/notices/{nid}/publish/").json()["state"] == "published"
    far = api(world["far"])
    assert [n["id"] for n in far.get("/api/v1/notices/").json()["results"]] == [nid]
    assert far.post(f"/api/v1/notices/{nid}/read/").json()["read_at"] is not None
    reads = client.get(f"/api/v1/notices/{nid}/reads/").json()
    assert (reads["audience"], reads["read"], reads["percent"]) == (1, 1, "100.0")
    assert far.get(f"/api/v1/notices/{nid}/reads/").status_code == 403
    assert api(tenant.user("owner")).get(f"/api/v1/notices/{nid}/").status_code == 404
    bad = client.post("/api/v1/notices/", {"community": tenant.community.pk, "audience": "building", "title": "x",
                                           "body": "y"}, format="json")
    assert bad.status_code == 400 and "building" in bad.json()["fields"]
