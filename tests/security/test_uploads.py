"""Every upload checks its size against the settings and its type by the file's own bytes, with
a Chinese message in the API's error shape: proofs of title, registry imports, meter readings,
written proxies, request photos, inspection photos (linli.core.uploads)."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from linli.billing.models import MeterReading
from linli.core.errors import ValidationFailed
from linli.core.tenancy import SystemActor
from linli.core.uploads import sniff
from linli.estates.models import BindingRequest, ImportJob
from linli.governance.models import Proxy
from linli.oversight import services as oversight_services
from linli.oversight.models import Inspection
from linli.servicedesk.models import RequestPhoto
from tests import factories as f

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4 title deed\n"
EXE = b"MZ\x90\x00\x03" + b"\x00" * 64
HTML = b"<html><script>alert(1)</script></html>"
SMALL_MB = 0.01  # 10 KiB: an oversized file stays small enough to build in a test
OVERSIZED = 20 * 1024


def workbook(header, rows) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "房屋"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_that_is_not_a_workbook() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def padded(content: bytes, size: int) -> bytes:
    return content + b"\x00" * (size - len(content))


@pytest.fixture
def small_limits(settings):
    settings.LINLI_MAX_UPLOAD_MB = SMALL_MB
    settings.LINLI_MAX_IMPORT_MB = SMALL_MB


# One entry per API upload: (name, field, good file, wrong-type file, oversized file, post, stored).

def post_binding(tenant, api, name, content):
    applicant = f.UserFactory(username="applicant")
    return api(applicant).post("/api/v1/binding-requests/", {
        "community": tenant.community.pk, "building_name": tenant.building.name, "unit_number": tenant.units[2].number,
        "name": "申请人", "proof": SimpleUploadedFile(name, content)}, format="multipart")


def post_import(tenant, api, name, content):
    return api(tenant.user("manager")).post("/api/v1/imports/", {
        "community": tenant.community.pk, "file": SimpleUploadedFile(name, content)}, format="multipart")


def post_meter_readings(tenant, api, name, content):
    return api(tenant.user("finance")).post("/api/v1/meter-readings/import/", {
        "community": tenant.community.pk, "period": "2026-04", "file": SimpleUploadedFile(name, content)},
        format="multipart")


def post_proxy(tenant, api, name, content):
    committee = api(tenant.user("committee_member"))
    assembly = committee.post("/api/v1/assemblies/", {"community": tenant.community.pk, "title": "业主大会"},
                              format="json").json()
    return committee.post("/api/v1/proxies/", {
        "principal": tenant.owners[0].pk, "holder_owner": tenant.owners[1].pk, "scope": "assembly",
        "assembly": assembly["id"], "document": SimpleUploadedFile(name, content)}, format="multipart")


def post_request_photo(tenant, api, name, content):
    dispatcher = api(tenant.user("dispatcher"))
    request = dispatcher.post("/api/v1/service-requests/", {
        "community": tenant.community.pk, "kind": "repair", "title": "水管漏水", "unit": tenant.units[0].pk,
        "channel": "phone"}, format="json").json()
    return dispatcher.post(f"/api/v1/service-requests/{request['id']}/photos/",
                           {"image": [SimpleUploadedFile(name, content)]}, format="multipart")


UNITS_SHEET = workbook(["楼栋", "房号", "建筑面积"], [["1号楼", "901", 88.5]])
READINGS = workbook(["楼栋", "房号", "本次读数"], [["1号楼", "101", 12.5]])

ENTRY_POINTS = {
    "binding proof": ("proof", post_binding, ("deed.pdf", PDF), ("deed.pdf", EXE), ("deed.pdf", PDF),
                      lambda: BindingRequest.objects.count()),
    "registry import": ("file", post_import, ("units.xlsx", UNITS_SHEET), ("units.xlsx", zip_that_is_not_a_workbook()),
                        ("units.xlsx", UNITS_SHEET), lambda: ImportJob.objects.count()),
    "meter readings": ("file", post_meter_readings, ("抄表.xlsx", READINGS), ("抄表.xlsx", HTML), ("抄表.xlsx", READINGS),
                       lambda: MeterReading.objects.count()),
    "written proxy": ("document", post_proxy, ("委托书.png", PNG), ("委托书.png", EXE), ("委托书.png", PNG),
                      lambda: Proxy.objects.count()),
    "request photo": ("photos", post_request_photo, ("a.png", PNG), ("a.png", HTML), ("a.png", PNG),
                      lambda: RequestPhoto.objects.count()),
}


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_good_file_is_accepted(tenant, api, entry):
    field, post, good, _wrong, _big, stored = ENTRY_POINTS[entry]
    response = post(tenant, api, *good)
    assert response.status_code in (200, 201, 202), response.json()
    assert stored() == 1


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_file_of_the_wrong_type_is_refused_whatever_its_name(tenant, api, entry):
    field, post, _good, wrong, _big, stored = ENTRY_POINTS[entry]
    response = post(tenant, api, *wrong)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["code"] == "file_type"
    assert "格式的文件" in body["detail"] and field in body["fields"]
    assert stored() == 0


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_an_oversized_file_is_refused(tenant, api, entry, small_limits):
    field, post, _good, _wrong, (name, content), stored = ENTRY_POINTS[entry]
    response = post(tenant, api, name, padded(content, OVERSIZED) if not name.endswith(".xlsx")
                    else workbook(["楼栋", "房号", "本次读数"], [["1号楼", str(n), n] for n in range(2000)]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "file_too_large"
    assert f"不能超过 {SMALL_MB} MB" in body["detail"] and field in body["fields"]
    assert stored() == 0


def test_an_inspection_photo_is_checked_the_same_way(tenant, small_limits):
    regulator = SystemActor()
    for photo, code in ((SimpleUploadedFile("p.jpg", HTML), "file_type"),
                        (SimpleUploadedFile("p.png", padded(PNG, OVERSIZED)), "file_too_large")):
        with pytest.raises(ValidationFailed) as refused:
            oversight_services.inspection_create(actor=regulator, company=tenant.company, community=tenant.community,
                                                 quarter="2026Q1", score=Decimal("80"), photos=[photo])
        assert refused.value.code == code and "photos" in refused.value.fields
    assert not Inspection.objects.exists()


@pytest.mark.parametrize("content, kind", [
    (PDF, "pdf"), (b"\xff\xd8\xff\xe0" + b"\x00" * 8, "jpeg"), (PNG, "png"),
    (b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 8, "webp"), (UNITS_SHEET, "xlsx"),
    (zip_that_is_not_a_workbook(), None), (EXE, None), (HTML, None), (b"", None),
])
def test_the_type_comes_from_the_content(content, kind):
    assert sniff(io.BytesIO(content)) == kind


def test_the_request_size_limits_are_sane(settings):
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= 10 * 1024 * 1024
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.LINLI_MAX_UPLOAD_MB * 1024 * 1024
