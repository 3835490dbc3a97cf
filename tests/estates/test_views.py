"""The registry pages through Django's test client: who sees what, and that forms go through services."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.core.masking import mask_phone
from linli.core.models import OutboxMessage
from linli.estates.models import BindingRequest, Owner, Resident
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def overview_url(tenant):
    return reverse("web:overview", args=[tenant.community.pk])


# Scope and the registry pages ------------------------------------------------------------------

def test_another_companys_manager_gets_404_on_every_page_of_the_tenant(login, tenants):
    a, b = tenants
    client = login(b.user("manager"))
    urls = [
        overview_url(a),
        reverse("estates:unit_list", args=[a.community.pk]),
        reverse("estates:owner_list", args=[a.community.pk]),
        reverse("estates:building_list", args=[a.community.pk]),
        reverse("estates:binding_list", args=[a.community.pk]),
        reverse("estates:unit_detail", args=[a.units[0].pk]),
        reverse("estates:unit_edit", args=[a.units[0].pk]),
        reverse("estates:owner_detail", args=[a.owners[0].pk]),
        reverse("estates:owner_edit", args=[a.owners[0].pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url


def test_owner_gets_404_on_the_registry_pages(login, tenant):
    client = login(tenant.user("owner"))
    assert client.get(overview_url(tenant)).status_code == 404
    assert client.get(reverse("estates:unit_list", args=[tenant.community.pk])).status_code == 404


def test_unit_search_finds_a_unit_by_number(login, tenant):
    response = login(tenant.user("manager")).get(reverse("estates:unit_list", args=[tenant.community.pk]), {"q": "102"})
    assert [u.number for u in response.context["page"].object_list] == ["102"]


def test_unit_search_from_htmx_returns_only_the_results(login, tenant):
    response = login(tenant.user("manager")).get(
        reverse("estates:unit_list", args=[tenant.community.pk]), {"q": "103"}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "<html" not in page
    assert "103" in page and ">101<" not in page


def test_unit_list_filters_by_status(login, tenant):
    tenant.units[2].status = "vacant"
    tenant.units[2].save()
    response = login(tenant.user("manager")).get(reverse("estates:unit_list", args=[tenant.community.pk]),
                                                 {"status": "vacant"})
    assert [u.pk for u in response.context["page"].object_list] == [tenant.units[2].pk]


def test_unit_detail_shows_owners_residents_and_parking(login, tenant):
    response = login(tenant.user("manager")).get(reverse("estates:unit_detail", args=[tenant.units[0].pk]))
    page = response.content.decode()
    assert tenant.owners[0].name in page
    assert tenant.extra["resident"].name in page
    assert tenant.extra["parking_space"].code in page
    assert "表决代表" in page


@pytest.mark.parametrize("role, masked", [("manager", False), ("guard", False), ("cleaner", True),
                                          ("regulator", True), ("committee_member", True)])
def test_owner_phone_is_masked_for_roles_that_do_not_need_it(login, tenant, role, masked):
    phone = tenant.owners[0].phone
    page = login(tenant.user(role)).get(reverse("estates:unit_detail", args=[tenant.units[0].pk])).content.decode()
    assert (phone not in page) is masked
    assert (mask_phone(phone) in page) is masked


def test_owner_detail_masks_the_id_number_for_a_guard(login, tenant):
    page = login(tenant.user("guard")).get(reverse("estates:owner_detail", args=[tenant.owners[0].pk])).content.decode()
    assert "11010519491231002X" not in page
    assert "1101**********002X" in page


def test_owner_list_finds_owners_by_phone_only_for_roles_that_see_phones(login, tenant):
    url = reverse("estates:owner_list", args=[tenant.community.pk])
    phone = tenant.owners[1].phone
    found = login(tenant.user("manager")).get(url, {"q": phone}).context["page"].object_list
    assert [o.pk for o in found] == [tenant.owners[1].pk]
    response = login(tenant.user("committee_member")).get(url, {"q": phone})
    assert list(response.context["page"].object_list) == []
    assert "没有符合条件的业主" in response.content.decode()


def test_building_list_counts_units_and_area(login, tenant):
    response = login(tenant.user("manager")).get(reverse("estates:building_list", args=[tenant.community.pk]))
    (building,) = response.context["buildings"]
    assert (building.units_count, building.units_area) == (3, Decimal("270.00"))


# Editing --------------------------------------------------------------------------------------

def unit_form(unit, **changes) -> dict:
    data = {"number": unit.number, "floor": "", "area": str(unit.area), "exclusive_area": str(unit.exclusive_area),
            "usage": unit.usage, "status": unit.status, "occupants": unit.occupants, "billing_start": ""}
    if unit.low_income:
        data["low_income"] = "on"
    data.update(changes)
    return data


def test_manager_edits_a_unit(login, tenant):
    unit = tenant.units[0]
    response = login(tenant.user("manager")).post(reverse("estates:unit_edit", args=[unit.pk]),
                                                  unit_form(unit, occupants=5, status="rented"))
    assert response.status_code == 302
    unit.refresh_from_db()
    assert (unit.occupants, unit.status) == (5, "rented")


def test_unit_edit_with_exclusive_area_above_area_shows_a_chinese_error_and_changes_nothing(login, tenant):
    unit = tenant.units[0]
    response = login(tenant.user("manager")).post(reverse("estates:unit_edit", args=[unit.pk]),
                                                  unit_form(unit, exclusive_area="120.00", occupants=7))
    assert response.status_code == 200
    assert response.context["form"].errors["exclusive_area"] == ["专有部分面积不能大于建筑面积。"]
    assert "专有部分面积不能大于建筑面积" in response.content.decode()
    unit.refresh_from_db()
    assert (unit.exclusive_area, unit.occupants) == (Decimal("90.00"), 2)


def test_unit_edit_with_a_non_number_area_is_refused(login, tenant):
    unit = tenant.units[0]
    response = login(tenant.user("manager")).post(reverse("estates:unit_edit", args=[unit.pk]),
                                                  unit_form(unit, area="九十"))
    assert response.status_code == 200
    assert response.context["form"].errors["area"]
    unit.refresh_from_db()
    assert unit.area == Decimal("90.00")


def test_a_guard_may_not_edit_a_unit(login, tenant):
    assert login(tenant.user("guard")).get(reverse("estates:unit_edit", args=[tenant.units[0].pk])).status_code == 403


def test_owner_edit_with_a_bad_phone_shows_the_services_message(login, tenant):
    owner = tenant.owners[0]
    data = {"name": owner.name, "kind": owner.kind, "phone": "12345", "id_number": owner.id_number}
    response = login(tenant.user("manager")).post(reverse("estates:owner_edit", args=[owner.pk]), data)
    assert response.context["form"].errors["phone"] == ["手机号格式不正确。"]
    owner.refresh_from_db()
    assert owner.phone != "12345"


# Invitations and activation -------------------------------------------------------------------

def invite(client, owner, output):
    return client.post(reverse("estates:owner_invite", args=[owner.pk]), {"output": output})


def test_invitation_notice_shows_a_code_that_opens_the_owners_account(login, client, tenant):
    owner = tenant.owners[2]
    notice = invite(login(tenant.user("manager")), owner, "html")
    assert notice.status_code == 200
    assert "no-store" in notice["Cache-Control"]
    code = notice.context["code"]
    assert code in notice.content.decode()

    client.logout()
    response = client.post(reverse("estates:activate"), {"code": code, "username": "new-owner",
                                                     "password": "Qiang-mima-2026", "password2": "Qiang-mima-2026"})
    assert response.status_code == 302
    assert response.url == reverse("estates:my_units")
    owner.refresh_from_db()
    assert owner.user.username == "new-owner"
    assert tenant.units[2].number in client.get(reverse("estates:my_units")).content.decode()


def test_invitation_as_pdf(login, tenant):
    response = invite(login(tenant.user("manager")), tenant.owners[2], "pdf")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_invitation_by_sms_goes_to_the_outbox(login, tenant, django_capture_on_commit_callbacks):
    owner = tenant.owners[2]
    with django_capture_on_commit_callbacks(execute=True):
        response = invite(login(tenant.user("manager")), owner, "sms")
    assert response.status_code == 302
    message = OutboxMessage.objects.get()
    assert message.recipient == owner.phone
    assert owner.name in message.body


def test_invitation_for_an_owner_with_an_account_shows_the_services_message(login, tenant):
    client = login(tenant.user("manager"))
    response = invite(client, tenant.owners[0], "html")
    assert response.status_code == 302
    assert "该业主已开通账号" in client.get(response.url).content.decode()


def test_a_guard_cannot_invite(login, tenant):
    response = invite(login(tenant.user("guard")), tenant.owners[2], "html")
    assert response.status_code == 302
    assert not tenant.owners[2].invitations.exists()


def test_activation_with_a_wrong_code_shows_an_error(client, db):
    response = client.post(reverse("estates:activate"), {"code": "AAAA-BBBB-CCCC", "username": "x",
                                                     "password": "Qiang-mima-2026", "password2": "Qiang-mima-2026"})
    assert response.status_code == 200
    assert response.context["form"].errors["code"] == ["邀请码无效或已过期。"]


# Owner portal ---------------------------------------------------------------------------------

def test_my_units_shows_the_owners_unit_and_not_the_neighbours(login, tenant):
    response = login(tenant.user("owner")).get(reverse("estates:my_units"))
    assert [u.pk for u in response.context["units"]] == [tenant.units[0].pk]
    page = response.content.decode()
    assert tenant.owners[0].name in page
    assert tenant.owners[1].name not in page


def test_owner_gets_404_on_a_neighbours_unit(login, tenant):
    client = login(tenant.user("owner"))
    assert client.get(reverse("estates:unit_detail", args=[tenant.units[0].pk])).status_code == 200
    assert client.get(reverse("estates:unit_detail", args=[tenant.units[1].pk])).status_code == 404
    assert client.get(reverse("estates:owner_detail", args=[tenant.owners[1].pk])).status_code == 404


def test_owner_adds_a_family_member(login, tenant):
    unit = tenant.units[0]
    response = login(tenant.user("owner")).post(
        reverse("estates:resident_create", args=[unit.pk]),
        {"name": "新家属", "relation": "family", "phone": "13900000009", "next": reverse("estates:my_units")},
    )
    assert response.url == reverse("estates:my_units")
    assert Resident.objects.filter(unit=unit, name="新家属").exists()


def test_owner_cannot_add_a_resident_to_a_neighbours_unit(login, tenant):
    response = login(tenant.user("owner")).post(reverse("estates:resident_create", args=[tenant.units[1].pk]),
                                                {"name": "外人", "relation": "tenant"})
    assert response.status_code == 404
    assert not Resident.objects.filter(name="外人").exists()


def test_a_bad_resident_phone_is_shown_on_the_form(login, tenant):
    response = login(tenant.user("owner")).post(reverse("estates:resident_create", args=[tenant.units[0].pk]),
                                                {"name": "新家属", "relation": "family", "phone": "123"})
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["手机号格式不正确。"]


# Binding requests -----------------------------------------------------------------------------

def bind(client, tenant, unit, **extra):
    data = {"community": tenant.community.pk, "building_name": unit.building.name, "unit_number": unit.number,
            "name": "申请人", "phone": "13700000000", "proof": SimpleUploadedFile("proof.png", PNG, "image/png")}
    data.update(extra)
    return client.post(reverse("estates:bind_request"), data)


def test_binding_request_approved_by_staff_gives_the_applicant_the_unit(login, tenant):
    applicant = f.UserFactory(username="applicant")
    unit = tenant.units[2]
    response = bind(login(applicant), tenant, unit)
    assert response.url == reverse("estates:my_units")
    binding = BindingRequest.objects.get(user=applicant)

    reviewer = login(tenant.user("dispatcher"))
    queue = reviewer.get(reverse("estates:binding_list", args=[tenant.community.pk]))
    assert [b.pk for b in queue.context["page"].object_list] == [binding.pk]
    assert reviewer.get(reverse("estates:binding_proof", args=[binding.pk]))["Content-Type"] == "image/png"
    reviewer.post(reverse("estates:binding_review", args=[binding.pk]), {"decision": "approve", "note": ""})

    binding.refresh_from_db()
    assert binding.status == "approved"
    assert Owner.objects.filter(user=applicant, ownerships__unit=unit).exists()
    page = login(applicant).get(reverse("estates:my_units")).content.decode()
    assert unit.number in page


def test_binding_request_for_an_unknown_unit_is_shown_on_the_form(login, tenant):
    response = bind(login(f.UserFactory(username="applicant")), tenant, tenant.units[0], unit_number="999")
    assert response.status_code == 200
    assert response.context["form"].errors["unit_number"] == ["未找到该房屋。"]


def test_rejecting_without_a_note_is_refused(login, tenant):
    applicant = f.UserFactory(username="applicant")
    bind(login(applicant), tenant, tenant.units[2])
    binding = BindingRequest.objects.get(user=applicant)
    client = login(tenant.user("manager"))
    response = client.post(reverse("estates:binding_review", args=[binding.pk]), {"decision": "reject", "note": ""},
                           follow=True)
    assert "驳回时请填写原因" in response.content.decode()
    binding.refresh_from_db()
    assert binding.status == "pending"


def test_binding_queue_is_forbidden_to_a_guard(login, tenant):
    assert login(tenant.user("guard")).get(reverse("estates:binding_list", args=[tenant.community.pk])).status_code == 403


def test_proof_is_not_served_to_another_company(login, tenants):
    a, b = tenants
    applicant = f.UserFactory(username="applicant")
    bind(login(applicant), a, a.units[2])
    binding = BindingRequest.objects.get(user=applicant)
    assert login(b.user("manager")).get(reverse("estates:binding_proof", args=[binding.pk])).status_code == 404
