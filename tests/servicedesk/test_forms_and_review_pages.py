"""Issue 17 items 4, 5 and 13 on the service desk pages: the owner's form defaults to their unit
and keeps a chosen photo through a refusal, required ratings and results are refused inline in
Chinese, the daily review says when a date is invalid and labels a future day a projection, and
the dashboard of a community without a request in the period opens."""

import datetime as dt
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from linli.core import kept_uploads
from linli.servicedesk import services
from linli.servicedesk.models import ServiceRequest

from .helpers import actor, backdate, file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
NEW = "servicedesk:my_request_new"


def _selected_unit(html: str) -> str:
    select = re.search(r'<select name="unit".*?</select>', html, re.S).group(0)
    return re.search(r'<option value="([^"]*)"[^>]*selected', select).group(1)


# The owner's repair form ------------------------------------------------------------------------

def test_the_owners_form_opens_on_their_own_unit_not_the_public_area(login, tenant):
    html = login(tenant.user("owner")).get(reverse(NEW)).content.decode()
    assert _selected_unit(html) == str(tenant.units[0].pk)
    assert "公共区域" in html  # still offered, just not the default


def test_a_refused_form_keeps_the_photo_and_a_second_try_files_it(login, tenant):
    client = login(tenant.user("owner"))
    refused = client.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk,
                                         "photos": [SimpleUploadedFile("水管.png", PNG, content_type="image/png")]})
    html = refused.content.decode()
    assert refused.status_code == 200 and not ServiceRequest.objects.exists()
    assert "请填写标题或描述" in html
    assert "已选择照片：水管.png" in html
    token = re.search(r'name="kept_photos" value="([^"]+)"[^>]*checked', html).group(1)
    # The second try sends no file: the kept one, left ticked, goes with the request.
    filed = client.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk, "title": "水管漏水",
                                       "kept_photos": [token]})
    request = ServiceRequest.objects.get()
    assert filed.status_code == 302 and request.photos.count() == 1
    assert request.photos.get().image.read() == PNG
    # Used once: the kept file is gone, and the form opens empty again.
    assert "已选择照片" not in client.get(reverse(NEW)).content.decode()


def test_an_unticked_kept_photo_is_not_filed(login, tenant):
    client = login(tenant.user("owner"))
    client.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk,
                               "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]})
    client.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk, "title": "漏水"})
    assert ServiceRequest.objects.get().photos.count() == 0


def test_a_kept_photo_is_only_for_the_session_that_chose_it(login, tenant, client):
    owner = login(tenant.user("owner"))
    html = owner.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk,
                                     "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]}
                      ).content.decode()
    token = re.search(r'name="kept_photos" value="([^"]+)"', html).group(1)
    client.logout()
    neighbour = login(tenant.user("neighbour"))
    response = neighbour.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[1].pk, "title": "漏水",
                                             "kept_photos": [token]})
    # Another user's token is nothing to this session: the request is filed without that photo.
    assert response.status_code == 302 and ServiceRequest.objects.get().photos.count() == 0


def test_a_file_that_is_not_a_photo_is_not_kept(login, tenant):
    html = login(tenant.user("owner")).post(reverse(NEW), {
        "kind": "repair", "unit": tenant.units[0].pk,
        "photos": [SimpleUploadedFile("a.gif", b"GIF89a" + b"\x00" * 20)]}).content.decode()
    assert "已选择照片" not in html


def test_kept_files_expire(login, tenant, monkeypatch):
    client = login(tenant.user("owner"))
    client.post(reverse(NEW), {"kind": "repair", "unit": tenant.units[0].pk,
                               "photos": [SimpleUploadedFile("a.png", PNG, content_type="image/png")]})
    assert "已选择照片" in client.get(reverse(NEW)).content.decode()
    monkeypatch.setattr(kept_uploads, "KEEP_SECONDS", 0)
    assert "已选择照片" not in client.get(reverse(NEW)).content.decode()


# Required ratings and results ----------------------------------------------------------------

def _resolved(tenant):
    request = file(tenant, "owner")
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    services.request_resolve(actor=actor(tenant, "technician"), service_request=request, text="已修好")
    return request


def test_confirming_without_a_rating_says_so_next_to_the_stars(login, tenant):
    request = _resolved(tenant)
    response = login(tenant.user("owner")).post(reverse("servicedesk:request_act", args=[request.pk, "confirm"]),
                                                {"text": "还行"})
    html = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'<p class="field-error" id="confirm-error" role="alert">请选择 1 到 5 星的评分。</p>', html)
    assert 'value="还行"' in html  # what was typed stays
    request.refresh_from_db()
    assert request.status == "resolved" and request.rating is None
    # The form leaves the check to the server, and still says the rating is required.
    assert re.search(r'class="confirm-form" novalidate', html) and 'name="rating" value="5" required' in html


def test_a_rating_in_range_is_accepted(login, tenant):
    request = _resolved(tenant)
    response = login(tenant.user("owner")).post(reverse("servicedesk:request_act", args=[request.pk, "confirm"]),
                                                {"rating": "1"})
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.rating == 1


def test_resolving_without_a_result_says_so_next_to_the_field(login, tenant):
    request = file(tenant, "owner")
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    response = login(tenant.user("technician")).post(
        reverse("servicedesk:request_act", args=[request.pk, "resolve"]), {"text": "  "})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="resolve-error" role="alert">请填写处理结果。</p>' in html
    assert re.search(r'id="resolve-text"[^>]*aria-invalid="true"', html)
    request.refresh_from_db()
    assert request.status == "assigned"


# The daily review -------------------------------------------------------------------------------

def _review(client, tenant, query=""):
    return client.get(reverse("servicedesk:daily_review", args=[tenant.community.pk]) + query)


def test_an_invalid_date_says_so_and_shows_today(login, tenant):
    client = login(tenant.user("manager"))
    for value in ("abc", "2026-02-30", "2026-13-01"):
        response = _review(client, tenant, f"?date={value}")
        html = response.content.decode()
        assert response.status_code == 200
        assert f"“{value}”不是有效的日期" in html
        assert response.context["date"] == timezone.localdate()
    assert "不是有效的日期" not in _review(client, tenant).content.decode()


def test_a_date_out_of_range_says_so(login, tenant):
    client = login(tenant.user("manager"))
    today = timezone.localdate()
    for value in ("9999-12-31", "0001-01-01", "1999-12-31", (today + dt.timedelta(days=367)).isoformat()):
        html = _review(client, tenant, f"?date={value}").content.decode()
        assert "超出可查看的范围" in html, value
    last = (today + dt.timedelta(days=366)).isoformat()
    assert "超出可查看的范围" not in _review(client, tenant, f"?date={last}").content.decode()


def test_the_export_of_an_invalid_date_goes_back_to_the_page(login, tenant):
    client = login(tenant.user("manager"))
    response = client.get(reverse("servicedesk:review_export", args=[tenant.community.pk, "xlsx"]) + "?date=abc")
    assert response.status_code == 302 and "date=abc" in response.url


def test_a_future_day_is_labelled_a_projection(login, tenant):
    backdate(file(tenant), days=3)  # overdue now, and still overdue on any later day
    client = login(tenant.user("manager"))
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    html = _review(client, tenant, f"?date={tomorrow}").content.decode()
    assert '<span class="badge warn">预测</span>' in html
    assert "预计超时未办结" in html and "并非日审结果" in html
    today = _review(client, tenant).content.decode()
    assert "预测" not in today and "预计超时未办结" not in today and "超时未办结" in today


def test_the_review_has_a_jump_menu_to_each_section(login, tenant):
    html = _review(login(tenant.user("manager")), tenant).content.decode()
    nav = re.search(r'<nav class="review-jump".*?</nav>', html, re.S).group(0)
    targets = re.findall(r'href="#([a-z_]+)"', nav)
    assert {"overdue", "late_accept", "no_note_today", "reopened", "repeats"} <= set(targets)
    for target in targets:
        assert f'id="{target}"' in html


# The dashboard of a quiet community -------------------------------------------------------------

def test_the_dashboard_of_a_community_with_no_recent_request_opens(login, tenant):
    request = file(tenant)
    ServiceRequest.objects.filter(pk=request.pk).update(created_at=timezone.now() - dt.timedelta(days=90))
    response = login(tenant.user("manager")).get(reverse("servicedesk:service_dashboard",
                                                         args=[tenant.community.pk]))
    assert response.status_code == 200
    assert response.context["d"]["stats"] == [] and response.context["d"]["summary"]["on_time_rate"] is None
    assert "按时办结率" in response.content.decode()


def test_the_dashboard_shows_the_rate_once_there_are_requests(login, tenant):
    request = file(tenant)
    services.request_assign(actor=actor(tenant, "dispatcher"), service_request=request,
                            assignee=tenant.user("technician"))
    services.request_resolve(actor=actor(tenant, "technician"), service_request=request, text="好了")
    html = login(tenant.user("manager")).get(reverse("servicedesk:service_dashboard",
                                                     args=[tenant.community.pk])).content.decode()
    assert "100.0%" in html
