"""Text limits of a request (DESIGN §5 v1.1): `title` up to 100 characters, `description` and every
note, reason or result up to 2,000; over the API a longer one is a 400 naming the field. A photo
sent under another field name than `image` is a 400 naming `image`, not a 200 that did nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from linli.servicedesk.models import RequestEvent, RequestPhoto, ServiceRequest
from tests.servicedesk.helpers import file

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def new_request(tenant, api, **fields):
    data = {"community": tenant.community.pk, "kind": "repair", "title": "水管漏水", "unit": tenant.units[0].pk,
            "channel": "phone", **fields}
    return api(tenant.user("dispatcher")).post("/api/v1/service-requests/", data, format="json")


@pytest.mark.parametrize("field, limit", [("title", 100), ("description", 2000)])
def test_a_request_takes_text_up_to_the_limit(tenant, api, field, limit):
    response = new_request(tenant, api, **{field: "漏" * limit})
    assert response.status_code == 201, response.json()
    assert len(getattr(ServiceRequest.objects.get(pk=response.json()["id"]), field)) == limit


@pytest.mark.parametrize("field, limit", [("title", 100), ("description", 2000)])
def test_a_request_refuses_one_character_more_naming_the_field(tenant, api, field, limit):
    response = new_request(tenant, api, **{field: "漏" * (limit + 1)})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and list(body["fields"]) == [field]
    assert str(limit) in body["fields"][field][0]
    assert not ServiceRequest.objects.exists()


def test_a_correction_is_held_to_the_same_limits(tenant, api):
    request = file(tenant)
    url = f"/api/v1/service-requests/{request.pk}/"
    dispatcher = api(tenant.user("dispatcher"))
    assert dispatcher.patch(url, {"title": "漏" * 100}, format="json").status_code == 200
    response = dispatcher.patch(url, {"description": "漏" * 2001}, format="json")
    assert response.status_code == 400 and "description" in response.json()["fields"]


@pytest.mark.parametrize("action, field", [("notes", "text"), ("hold", "reason")])
def test_a_note_or_reason_takes_2000_characters_and_not_2001(tenant, api, action, field):
    request = file(tenant)
    client = api(tenant.user("dispatcher"))
    if action == "hold":
        client.post(f"/api/v1/service-requests/{request.pk}/assign/", {"assignee": tenant.user("technician").pk},
                    format="json")
        client = api(tenant.user("technician"))
    url = f"/api/v1/service-requests/{request.pk}/{action}/"
    refused = client.post(url, {field: "修" * 2001}, format="json")
    assert refused.status_code == 400 and list(refused.json()["fields"]) == [field]
    accepted = client.post(url, {field: "修" * 2000}, format="json")
    assert accepted.status_code in (200, 201), accepted.json()
    assert RequestEvent.objects.filter(request=request, text__contains="修" * 2000).exists()


def test_the_service_limits_text_from_every_caller(tenant):
    """The web pages and Open311 call the services directly, without the API's serializers."""
    from linli.core.errors import ValidationFailed
    from linli.servicedesk import services
    from tests.servicedesk.helpers import actor

    request = file(tenant)
    with pytest.raises(ValidationFailed) as refused:
        services.request_note(actor=actor(tenant, "dispatcher"), service_request=request, text="修" * 2001)
    assert list(refused.value.fields) == ["text"]
    with pytest.raises(ValidationFailed) as refused:
        file(tenant, title="漏" * 101)
    assert list(refused.value.fields) == ["title"]


def test_a_photo_under_another_field_name_is_refused_naming_image(tenant, api):
    request = file(tenant)
    owner_url = f"/api/v1/service-requests/{request.pk}/photos/"
    dispatcher = api(tenant.user("dispatcher"))
    response = dispatcher.post(owner_url, {"photo": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    assert response.status_code == 400
    body = response.json()
    assert list(body["fields"]) == ["image"] and "image" in body["detail"]
    assert not RequestPhoto.objects.exists()
    response = dispatcher.post(owner_url, {"image": SimpleUploadedFile("a.png", PNG)}, format="multipart")
    assert response.status_code == 200 and RequestPhoto.objects.count() == 1
