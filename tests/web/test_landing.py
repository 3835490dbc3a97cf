"""Each role lands on its work (issue 17): field workers on their own page with a short menu and
the rest under 更多; an owner on what is waiting for them; the desk roles as before."""

import pytest
from django.urls import reverse

from linli.billing.models import Bill
from linli.core.tenancy import Actor
from linli.governance import services as governance
from linli.servicedesk import services as servicedesk

FIELD_LANDING = {
    "technician": ("servicedesk:work_queue", ["我的工单", "报事工单", "消息"]),
    "guard": ("operations:patrol_mine", ["我的巡逻", "访客与出入", "我的工单", "消息"]),
    "cleaner": ("operations:env_mine", ["今日任务", "我的工单", "消息"]),
    "gardener": ("operations:env_mine", ["今日任务", "我的工单", "消息"]),
}


@pytest.mark.parametrize("role", list(FIELD_LANDING))
def test_a_field_worker_lands_on_their_work_with_a_short_menu(login, tenant, role):
    client = login(tenant.user(role))
    url, primary = FIELD_LANDING[role]
    assert client.get("/").url == reverse(url)
    page = client.get(reverse(url))
    assert [item.label for item in page.context["nav_primary"]] == primary
    more = [item.label for group in page.context["nav_groups"] for item in group.items]
    # Everything else is one tap away under 更多, and nothing is listed twice.
    assert "小区概况" in more and "修改密码" in more
    assert not set(primary) & set(more)
    html = page.content.decode()
    assert '<details class="nav-more">' in html and "<summary" in html
    assert 'class="primary-tabs"' in html


def test_more_is_open_when_the_current_page_is_in_it(login, tenant):
    page = login(tenant.user("technician")).get(reverse("web:overview", args=[tenant.community.pk]))
    assert page.context["nav_more_open"]
    assert '<details class="nav-more" open>' in page.content.decode()


def test_a_technician_who_is_also_the_manager_keeps_the_desk(login, tenant):
    from tests import factories as f

    f.MembershipFactory(user=tenant.user("technician"), organization=tenant.company, role="manager")
    client = login(tenant.user("technician"))
    assert client.get("/").url == reverse("web:overview", args=[tenant.community.pk])
    assert not client.get(reverse("web:overview", args=[tenant.community.pk])).context["nav_primary"]


@pytest.mark.parametrize("role", ["manager", "finance", "cashier", "dispatcher", "committee_member"])
def test_the_desk_roles_land_as_before(login, tenant, role):
    client = login(tenant.user(role))
    assert client.get("/").url == reverse("web:overview", args=[tenant.community.pk])
    assert client.get(reverse("web:overview", args=[tenant.community.pk])).context["nav_primary"] == []


def open_vote(tenant, title="续聘甲物业"):
    committee = Actor(tenant.user("committee_member"))
    assembly = governance.assembly_create(actor=committee, community=tenant.community, title=f"{title}大会")
    return governance.motion_create(actor=committee, assembly=assembly, title=title, matter="hire_company")


def test_an_owner_lands_on_what_is_waiting_for_them(login, tenant):
    owner = tenant.user("owner")
    assert login(owner).get("/").url == reverse("web:my_home")
    empty = {i.label: i.count for i in login(owner).get(reverse("web:my_home")).context["open_items"]}
    assert empty == {"未缴账单": 0, "处理中的报事": 0, "待表决的议题": 0}

    Bill.objects.create(community=tenant.community, unit=tenant.units[0], period="2026-11", amount="120.50")
    Bill.objects.create(community=tenant.community, unit=tenant.units[0], period="2026-10", amount="99.00",
                        paid="99.00", status=Bill.Status.PAID)
    Bill.objects.create(community=tenant.community, unit=tenant.units[1], period="2026-11", amount="300.00")
    servicedesk.request_create(actor=Actor(owner), community=tenant.community, kind="repair", title="水管漏水",
                               unit=tenant.units[0])
    open_vote(tenant)
    page = login(owner).get(reverse("web:my_home"))
    items = {i.label: i for i in page.context["open_items"]}
    # The neighbour's bill and the paid one are not the owner's to pay.
    assert (items["未缴账单"].count, items["未缴账单"].detail) == (1, "共 ¥120.50")
    assert items["处理中的报事"].count == 1
    assert items["待表决的议题"].count == 1
    html = page.content.decode()
    main = html[html.index('<main'):]
    assert main.index("未缴账单") < main.index("我的房屋")  # open items first, then the pages
    assert reverse("billing:my_bills") in html


def test_a_vote_cast_or_a_closed_assembly_is_no_longer_waiting(login, tenant):
    committee = Actor(tenant.user("committee_member"))
    voted, closed = open_vote(tenant), open_vote(tenant, "更换电梯")
    client = login(tenant.user("owner"))
    waiting = {i.label: i.count for i in client.get(reverse("web:my_home")).context["open_items"]}
    assert waiting["待表决的议题"] == 2
    governance.vote_cast(actor=Actor(tenant.user("owner")), motion=voted, owner=tenant.owners[0], choice="yes")
    governance.assembly_close(actor=committee, assembly=closed.assembly)
    waiting = {i.label: i.count for i in client.get(reverse("web:my_home")).context["open_items"]}
    assert waiting["待表决的议题"] == 0
