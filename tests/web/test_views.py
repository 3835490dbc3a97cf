"""The shell's pages through Django's test client: sign-in, home, the menu by role and the overview."""

from decimal import Decimal

import pytest
from django.urls import reverse

from tests import factories as f


def overview_url(tenant):
    return reverse("web:overview", args=[tenant.community.pk])


# Home and sign-in ----------------------------------------------------------------------------

def test_home_sends_a_manager_of_one_community_to_its_overview(login, tenant):
    response = login(tenant.user("manager")).get("/")
    assert response.status_code == 302
    assert response.url == overview_url(tenant)


def test_home_sends_an_owner_to_what_is_waiting_for_them(login, tenant):
    response = login(tenant.user("owner")).get("/")
    assert response.url == reverse("web:my_home")


def test_home_sends_a_platform_admin_to_the_community_list(login, admin_user, tenants):
    response = login(admin_user).get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("web:community_list")
    assert {c.name for c in response.context["communities"]} == {"甲小区", "乙小区"}


def test_home_explains_an_account_without_a_role(login, db):
    response = login(f.UserFactory(username="nobody")).get("/")
    assert response.status_code == 200
    assert "还没有关联任何小区或房屋" in response.content.decode()


def test_anonymous_visitor_is_sent_to_login(client, tenant):
    response = client.get(overview_url(tenant))
    assert response.status_code == 302
    assert response.url.startswith(reverse("web:login"))


def test_login_with_a_wrong_password_says_so_in_chinese(client, tenant):
    response = client.post(reverse("web:login"), {"username": tenant.user("manager").username, "password": "wrong"})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_login_with_the_right_password_lands_on_the_overview(client, tenant):
    response = client.post(reverse("web:login"), {"username": tenant.user("manager").username,
                                                  "password": f.DEFAULT_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == overview_url(tenant)


def test_logout_is_a_post_that_ends_the_session(login, tenant):
    client = login(tenant.user("manager"))
    client.post(reverse("web:logout"))
    assert client.get(overview_url(tenant)).status_code == 302


def test_language_switch_to_english_changes_the_page_language(login, tenant):
    client = login(tenant.user("manager"))
    response = client.post("/i18n/setlang/", {"language": "en", "next": overview_url(tenant)}, follow=True)
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


# Navigation by role --------------------------------------------------------------------------

def nav_labels(response) -> set[str]:
    return {item.label for group in response.context["nav_groups"] for item in group.items}


def test_manager_navigation_has_the_registry_and_binding_review(login, tenant):
    labels = nav_labels(login(tenant.user("manager")).get(overview_url(tenant)))
    assert {"小区概况", "房屋", "业主", "楼栋", "绑定审核", "导入导出"} <= labels
    assert "我的房屋" not in labels


def test_guard_navigation_has_no_binding_review(login, tenant):
    labels = nav_labels(login(tenant.user("guard")).get(overview_url(tenant)))
    assert "房屋" in labels
    assert not {"绑定审核", "导入导出"} & labels


def test_regulator_navigation_offers_the_communities_of_the_jurisdiction(login, tenant):
    labels = nav_labels(login(tenant.user("regulator")).get(overview_url(tenant)))
    assert "辖区小区" in labels


def test_owner_navigation_is_their_own_units(login, tenant):
    labels = nav_labels(login(tenant.user("owner")).get(reverse("estates:my_units")))
    assert {"我的房屋", "申请绑定房屋"} <= labels
    assert not labels & {"小区概况", "房屋", "业主", "楼栋", "绑定审核", "导入导出", "系统管理"}


def test_the_community_menu_opens_with_the_overview_and_the_registry_in_order(login, tenant):
    groups = login(tenant.user("manager")).get(overview_url(tenant)).context["nav_groups"]
    (community,) = [g for g in groups if g.title == tenant.community.name]
    assert [item.label for item in community.items][:6] == ["小区概况", "房屋", "业主", "楼栋", "绑定审核", "导入导出"]
    mine = login(tenant.user("owner")).get(reverse("estates:my_units")).context["nav_groups"]
    (personal,) = [g for g in mine if g.title == "我的"]
    assert [item.label for item in personal.items][:3] == ["我的待办", "我的房屋", "申请绑定房屋"]


# Overview -----------------------------------------------------------------------------------

def test_overview_shows_the_community_totals_and_chart_data(login, tenant):
    response = login(tenant.user("manager")).get(overview_url(tenant))
    assert response.status_code == 200
    totals = response.context["o"]
    assert (totals["units"], totals["buildings"], totals["owners"], totals["parking_spaces"]) == (3, 1, 3, 1)
    assert totals["area"] == Decimal("270.00")
    page = response.content.decode()
    assert "270.00" in page
    assert 'id="chart-status"' in page and 'id="chart-area"' in page


@pytest.mark.parametrize("role", ["regulator", "committee_member"])
def test_regulators_and_committee_members_see_the_overview(login, tenant, role):
    assert login(tenant.user(role)).get(overview_url(tenant)).status_code == 200
