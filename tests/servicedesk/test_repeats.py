"""Repeat complaints (篇一 7.2: 客户对同一件事的投诉最多只能一次)."""

import datetime as dt

from linli.core.models import InboxMessage
from linli.servicedesk import matching
from linli.servicedesk.models import ServiceRequest

from .helpers import file

LAMP = dict(kind="complaint", category="公共设施", unit=None, location="1号楼2单元楼道")


def test_a_second_complaint_about_the_same_lamp_is_a_repeat_and_urgent(tenant, django_capture_on_commit_callbacks):
    first = file(tenant, "owner", title="楼道灯不亮", description="2单元楼道的灯坏了", **LAMP)
    with django_capture_on_commit_callbacks(execute=True):
        second = file(tenant, "owner", title="楼道灯还是不亮", description="上次说修，还是不亮", **LAMP)
    assert second.repeat_of == first
    assert second.priority == "urgent" and second.escalated
    assert second.events.filter(kind="escalate").exists()
    assert InboxMessage.objects.filter(user=tenant.user("manager"), title=f"重复投诉 #{second.pk}").exists()
    assert first.repeat_of is None


def test_a_noise_complaint_from_the_same_unit_is_not_a_repeat(tenant):
    file(tenant, "owner", title="楼道灯不亮", **LAMP)
    noise = file(tenant, "owner", kind="complaint", category="噪音", title="楼上装修噪音太大",
                 unit=tenant.units[0])
    assert noise.repeat_of is None
    assert noise.priority == "normal"


def test_the_same_matter_by_text_is_a_repeat_without_categories(tenant):
    first = file(tenant, kind="complaint", title="3单元楼道的灯还是不亮", unit=tenant.units[0])
    second = file(tenant, kind="complaint", title="楼道灯不亮", unit=tenant.units[0])
    assert second.repeat_of == first


def test_the_same_matter_from_another_unit_is_not_a_repeat(tenant):
    file(tenant, kind="complaint", title="楼道灯不亮", unit=tenant.units[0])
    other = file(tenant, kind="complaint", title="楼道灯不亮", unit=tenant.units[1])
    assert other.repeat_of is None


def test_a_complaint_after_thirty_days_is_not_a_repeat(tenant):
    first = file(tenant, "owner", title="楼道灯不亮", **LAMP)
    ServiceRequest.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(days=31))
    second = file(tenant, "owner", title="楼道灯不亮", **LAMP)
    assert second.repeat_of is None


def test_a_repair_is_never_a_repeat_complaint(tenant):
    file(tenant, title="厨房水管漏水")
    again = file(tenant, title="厨房水管漏水")
    assert again.repeat_of is None


def test_tokens_keep_what_the_complaint_is_about():
    assert matching.same_text("3单元楼道的灯还是不亮", "楼道灯不亮")
    assert matching.same_text("门口路灯坏了", "门口路灯又坏了")
    assert not matching.same_text("楼道灯不亮", "楼上装修噪音太大")
