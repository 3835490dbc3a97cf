"""What anyone may read without signing in never shows a phone number, an ID number or the name of
one of the community's people taken from free text (DESIGN §5 v1.1): Open311 requests, in JSON and
XML, and the public credit page. linli.core.masking.mask_text masks them before they leave."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from linli.core.masking import mask_text
from linli.oversight.models import CreditRecord
from tests.servicedesk.helpers import file

NEIGHBOUR_PHONE = "13912345678"
ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize("text, masked", [
    ("电话13912345678", "电话139****5678"),
    ("打 139-1234-5678", "打 139******5678"),
    ("+86 139 1234 5678", "+86**********5678"),
    ("１３９１２３４５６７８", "１３９****５６７８"),
    ("座机010-88886666", "座机010*****6666"),
    ("(0571)87654321", "(05*******4321"),
    ("分机88886666", "分机****6666"),
    ("身份证11010519491231002X", "身份证1101**********002X"),
    ("李四和李四光", "李*和李**"),
])
def test_free_text_is_masked(text, masked):
    assert mask_text(text, names={"李四", "李四光"}) == masked


@pytest.mark.parametrize("text", [
    "3号楼2单元楼道灯不亮，已两天",
    "工单 12345 号，2026-03-01 报修",
    "订单202603011234567890",  # 18 digits that are no ID number (no valid birth date)
    "1390123456",  # ten digits: no mobile number
])
def test_text_without_personal_data_is_unchanged(text):
    assert mask_text(text, names={"张三"}) == text


def test_a_name_of_one_character_is_not_masked_everywhere():
    assert mask_text("王师傅来了", names={"王"}) == "王师傅来了"


@pytest.fixture
def complaint(tenant):
    """An owner's complaint that names the neighbour, with the neighbour's phone and ID number."""
    neighbour = tenant.owners[1].name
    return file(tenant, "owner", kind="complaint", title=f"{neighbour}家噪音",
                description=f"楼上{neighbour}每晚装修到十二点，他的电话 {NEIGHBOUR_PHONE}，"
                            f"身份证 {ID_NUMBER}。我是{tenant.owners[0].name}。")


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_masks_the_complaint_text_for_anonymous_readers(client, tenant, complaint, fmt):
    response = client.get(f"/open311/v2/requests/{complaint.pk}.{fmt}")
    assert response.status_code == 200
    body = response.content.decode()
    for private in (NEIGHBOUR_PHONE, ID_NUMBER, tenant.owners[1].name, tenant.owners[0].name):
        assert private not in body
    description = (response.json()[0]["description"] if fmt == "json"
                   else ET.fromstring(response.content).find("request").findtext("description"))
    assert "139****5678" in description and "1101**********002X" in description
    assert tenant.owners[1].name[0] + "*" in description


def test_open311_list_and_status_notes_are_masked(client, tenant, complaint):
    from linli.servicedesk import services
    from tests.servicedesk.helpers import actor

    services.request_note(actor=actor(tenant, "dispatcher"), service_request=complaint,
                          text=f"已联系{tenant.owners[1].name}（{NEIGHBOUR_PHONE}）", public=True)
    response = client.get("/open311/v2/requests.json", {"jurisdiction_id": tenant.community.code})
    row = next(r for r in response.json() if r["service_request_id"] == complaint.pk)
    assert NEIGHBOUR_PHONE not in row["status_notes"] and tenant.owners[1].name not in row["status_notes"]
    assert "139****5678" in row["status_notes"]


def test_staff_still_read_the_text_in_full(tenant, api, complaint):
    body = api(tenant.user("dispatcher")).get(f"/api/v1/service-requests/{complaint.pk}/").json()
    assert NEIGHBOUR_PHONE in body["description"] and tenant.owners[1].name in body["description"]


def test_the_public_credit_page_masks_phone_and_id_numbers(client, tenant):
    CreditRecord.objects.create(company=tenant.company, jurisdiction=tenant.district, kind="rectification",
                                title=f"业主投诉（{NEIGHBOUR_PHONE}）", detail=f"身份证 {ID_NUMBER} 的业主反映",
                                occurred_on=dt.date(2026, 3, 1))
    for url in ("/credit/", f"/credit/companies/{tenant.company.pk}/"):
        body = client.get(url).content.decode()
        assert "139****5678" in body and "1101**********002X" in body, url
        assert NEIGHBOUR_PHONE not in body and ID_NUMBER not in body, url
