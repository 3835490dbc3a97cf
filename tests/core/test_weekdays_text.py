"""Weekday sets for people (issue 17: a calendar read "星期 123456")."""

import datetime as dt

import pytest
from django.utils import translation

from linli.core.dates import weekdays_text


@pytest.mark.parametrize(("days", "text"), [
    ("123456", "周一至周六"),
    ([1, 2, 3, 4, 5], "周一至周五"),
    ([1, 3, 5], "周一、周三、周五"),
    ("12", "周一、周二"),  # two days are listed, not a range
    ([1, 2, 3, 5, 6, 7], "周一至周三、周五至周日"),
    ("6", "周六"),
    ("1234567", "每天"),
    ([5, 1, 3, 3], "周一、周三、周五"),  # unordered and repeated
    ("", ""),
    (["0", "8", "x", 2], "周二"),  # outside 1–7 ignored
])
def test_weekdays_in_chinese(days, text):
    with translation.override("zh-hans"):
        assert weekdays_text(days) == text


@pytest.mark.parametrize(("days", "text"), [
    ("123456", "Mon–Sat"),
    ([1, 3, 5], "Mon, Wed, Fri"),
    ([1, 2, 3, 6], "Mon–Wed, Sat"),
])
def test_weekdays_in_english(days, text):
    with translation.override("en"):
        assert weekdays_text(days) == text


def test_the_settings_page_shows_the_calendar_in_words(login, tenant):
    from django.urls import reverse

    from linli.core.tenancy import Actor
    from linli.servicedesk import services

    services.calendar_create(actor=Actor(tenant.user("manager")), community=tenant.community, name="客服中心",
                             opens_at=dt.time(8, 30), closes_at=dt.time(17, 30), weekdays="123456")
    page = login(tenant.user("manager")).get(reverse("servicedesk:sla_settings", args=[tenant.community.pk]))
    html = page.content.decode()
    assert "客服中心：周一至周六，08:30–17:30" in html
    assert "123456" not in html
