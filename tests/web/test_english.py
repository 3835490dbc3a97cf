"""English is complete (issue 17 §10): the logout button, an inbox message, a credit-file sentence,
a fund ledger line and the seeded fee and shift names read in English after the switch, and stay
Chinese without it; names people typed stay as typed."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation

from linli.billing.models import FeeRule
from linli.core.models import InboxMessage
from linli.core.notify import notify_users
from linli.core.sentences import word
from linli.core.tenancy import Actor
from linli.governance import services as governance
from linli.operations.models import Shift
from linli.oversight.models import CreditRecord
from linli.servicedesk.models import Kind

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(client):
    """`reader(user, language)`: the test client signed in as the user, with the language switch set."""
    def as_user(user, language):
        client.force_login(user)
        response = client.post(reverse("set_language"), {"language": language, "next": "/"})
        assert response.status_code == 302
        return client
    return as_user


def text_of(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_logout_reads_log_out_in_english_and_tui_chu_in_chinese(reader, tenant):
    page = text_of(reader(tenant.user("owner"), "en"), reverse("servicedesk:inbox"))
    assert ">Log out</button>" in page and "Withdraw" not in page
    page = text_of(reader(tenant.user("owner"), "zh-hans"), reverse("servicedesk:inbox"))
    assert ">退出</button>" in page and "Log out" not in page


def test_an_inbox_message_reads_in_the_readers_language(reader, tenant):
    owner = tenant.user("owner")
    with translation.override("en"):  # written while whoever caused it works in English
        notify_users([owner], key="servicedesk.filed", url="/service/", params={
            "kind": word(Kind.REPAIR.label), "title": "厨房漏水", "id": 42, "respond": "2026-12-08 10:00",
            "resolve": "2026-12-09 10:00"})
    message = InboxMessage.objects.get(user=owner)
    # The table keeps the Chinese text (e-mail, SMS) beside the key and the parameters.
    assert message.title == "工单已登记" and message.message_key == "servicedesk.filed"
    InboxMessage.objects.create(user=owner, title="旧消息标题", body="旧消息内容")  # before keys: as stored

    page = text_of(reader(owner, "en"), reverse("servicedesk:inbox"))
    assert "Request filed" in page and "Your Repair “厨房漏水” (no. 42) is filed" in page
    assert "工单已登记" not in page and "旧消息标题" in page
    page = text_of(reader(owner, "zh-hans"), reverse("servicedesk:inbox"))
    assert "工单已登记" in page and "您的报修“厨房漏水”（工单号 42）已登记" in page and "Request filed" not in page


def test_a_credit_sentence_reads_in_english_and_a_typed_one_as_typed(reader, tenant):
    for title, detail in (("2026 年度综合考评：推荐（第 1 名）", "日常考评 95.50，年度考核 96.00，综合得分 95.80"),
                          ("市级物业服务示范项目", "由区住建局推荐")):
        CreditRecord.objects.create(company=tenant.company, jurisdiction=tenant.district, kind="evaluation",
                                    title=title, detail=detail, occurred_on=dt.date(2026, 3, 1))
    url = reverse("credit:company", args=[tenant.company.pk])
    page = text_of(reader(tenant.user("owner"), "en"), url)
    assert "2026 evaluation: Recommended (rank 1)" in page
    assert "Inspections 95.50, annual assessment 96.00" in page
    assert "市级物业服务示范项目" in page and "由区住建局推荐" in page
    page = text_of(reader(tenant.user("owner"), "zh-hans"), url)
    assert "2026 年度综合考评：推荐（第 1 名）" in page and "evaluation" not in page


def test_a_fund_ledger_line_reads_in_the_readers_language(reader, tenant):
    governance.fund_first_deposit(actor=Actor(tenant.user("committee_member")), community=tenant.community,
                                  units=[tenant.units[0]], rate=Decimal("50"))
    page = text_of(reader(tenant.user("owner"), "en"), reverse("governance:my_fund"))
    assert "First deposit: 50 yuan/m² × built area" in page
    page = text_of(reader(tenant.user("owner"), "zh-hans"), reverse("governance:my_fund"))
    assert "首期交存：50 元/m² × 建筑面积" in page


def test_seeded_fee_and_shift_names_read_in_english_typed_names_as_typed(reader, tenant):
    for name, kind in (("物业费", "area"), ("电梯运行费", "fixed")):
        FeeRule.objects.create(community=tenant.community, name=name, kind=kind, rate=Decimal("0.50"))
    for name, start, end in (("早班", dt.time(6), dt.time(14)), ("巡逻A班", dt.time(14), dt.time(22))):
        Shift.objects.create(community=tenant.community, name=name, start=start, end=end)
    manager = tenant.user("manager")
    rules = reverse("billing:rules", args=[tenant.community.pk])
    org = reverse("operations:org", args=[tenant.community.pk])
    client = reader(manager, "en")
    page = text_of(client, rules)
    assert "Property service fee" in page and "电梯运行费" in page and "物业费" not in page
    page = text_of(client, org)
    assert "Early shift" in page and "巡逻A班" in page and "早班" not in page
    client = reader(manager, "zh-hans")
    assert "物业费" in text_of(client, rules) and "Property service fee" not in text_of(client, rules)
    assert "早班" in text_of(client, org)
