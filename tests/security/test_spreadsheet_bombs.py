"""Spreadsheet bombs: an .xlsx is a zip, and a few hundred KB can expand to hundreds of MB inside
openpyxl. Every upload path refuses one from the archive's directory, before anything is expanded
(linli.core.uploads.check_workbook; DESIGN §5 v1.1), and the meter readings, which are read inside
the web request, take only what a web worker should parse: larger files go to the command."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from openpyxl import Workbook

from linli.billing.models import MeterReading
from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor, SystemActor
from linli.core.uploads import check_workbook
from linli.estates.models import ImportJob
from linli.estates.registry import registry_import
from linli.operations.models import ProjectUnit
from linli.operations.services import facilities

MB = 1024 * 1024


def workbook(header, rows) -> bytes:
    book = Workbook()
    book.active.title = "房屋"
    for row in [header, *rows]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def expanded_size(content: bytes) -> int:
    return sum(entry.file_size for entry in zipfile.ZipFile(io.BytesIO(content)).infolist())


def inflated(content: bytes, *, to: int | None = None, entries: int = 0) -> bytes:
    """The workbook with a part that expands until the whole archive holds `to` bytes, and
    `entries` extra empty parts; it stays a few KB on disk."""
    out = io.BytesIO(content)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        if to is not None:
            archive.writestr("xl/media/padding.bin", b"\0" * (to - expanded_size(content)))
        for n in range(entries):
            archive.writestr(f"xl/media/empty{n}.bin", b"")
    return out.getvalue()


UNITS = workbook(["楼栋", "房号", "建筑面积"], [["1号楼", "901", 88.5]])
READINGS = workbook(["楼栋", "房号", "本次读数"], [["1号楼", "101", 12.5]])
PROGRESS = workbook(["楼栋", "房号", "进度"], [["1号楼", "101", "已完成"]])


@pytest.fixture
def limits(settings):
    settings.LINLI_MAX_XLSX_UNCOMPRESSED_MB = 2
    settings.LINLI_MAX_XLSX_ENTRIES = 30
    settings.LINLI_INLINE_IMPORT_MB = 1
    return settings


def test_an_archive_that_expands_to_the_limit_is_read_and_one_byte_more_is_refused(limits):
    check_workbook(io.BytesIO(inflated(UNITS, to=2 * MB)))
    with pytest.raises(ValidationFailed) as refused:
        check_workbook(io.BytesIO(inflated(UNITS, to=2 * MB + 1)))
    assert refused.value.code == "xlsx_too_large"
    assert "解压后约 3 MB，超过 2 MB 的上限" in str(refused.value.message)


def test_an_archive_with_the_most_entries_is_read_and_one_more_is_refused(limits):
    count = len(zipfile.ZipFile(io.BytesIO(UNITS)).infolist())
    check_workbook(io.BytesIO(inflated(UNITS, entries=30 - count)))
    with pytest.raises(ValidationFailed) as refused:
        check_workbook(io.BytesIO(inflated(UNITS, entries=31 - count)))
    assert refused.value.code == "xlsx_too_complex" and "31 个部件" in str(refused.value.message)


def post_import(tenant, api, content):
    return api(tenant.user("manager")).post("/api/v1/imports/", {
        "community": tenant.community.pk, "file": SimpleUploadedFile("units.xlsx", content)}, format="multipart")


def post_meter_readings(tenant, api, content):
    return api(tenant.user("finance")).post("/api/v1/meter-readings/import/", {
        "community": tenant.community.pk, "period": "2026-04", "file": SimpleUploadedFile("抄表.xlsx", content)},
        format="multipart")


def post_progress(tenant, api, content):
    project = facilities.project_create(actor=Actor(tenant.user("technician")), community=tenant.community,
                                        kind="retrofit", name="户表改造")
    facilities.project_units_add(actor=Actor(tenant.user("technician")), project=project)
    return api(tenant.user("technician")).post(f"/api/v1/projects/{project.pk}/import-progress/", {
        "file": SimpleUploadedFile("progress.xlsx", content)}, format="multipart")


UPLOADS = {
    "registry import": (post_import, UNITS, lambda: ImportJob.objects.count()),
    "meter readings": (post_meter_readings, READINGS, lambda: MeterReading.objects.count()),
    "project progress": (post_progress, PROGRESS, lambda: ProjectUnit.objects.filter(status="done").count()),
}


@pytest.mark.parametrize("upload", UPLOADS)
def test_every_upload_refuses_a_spreadsheet_bomb_in_chinese(tenant, api, limits, upload):
    post, content, stored = UPLOADS[upload]
    response = post(tenant, api, inflated(content, to=3 * MB))
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "xlsx_too_large" and "file" in body["fields"]
    assert "超过" in body["detail"] and "MB 的上限" in body["detail"]
    assert stored() == 0


@pytest.mark.parametrize("upload", UPLOADS)
def test_every_upload_takes_an_ordinary_spreadsheet(tenant, api, limits, upload):
    post, content, stored = UPLOADS[upload]
    response = post(tenant, api, content)
    assert response.status_code in (200, 201, 202), response.content
    assert stored() == 1


def test_a_queued_registry_import_checks_the_file_again_before_opening_it(tenant, limits):
    """A job reads a file stored earlier (or named on the command line), not only fresh uploads."""
    with pytest.raises(ValidationFailed) as refused:
        registry_import(actor=SystemActor(), community=tenant.community,
                        path_or_file=io.BytesIO(inflated(UNITS, to=3 * MB)))
    assert refused.value.code == "xlsx_too_large"


def test_meter_readings_beyond_the_web_limit_point_to_the_command_which_imports_them(tenant, api, limits, tmp_path):
    content = inflated(READINGS, to=MB + 1)
    response = post_meter_readings(tenant, api, content)
    assert response.status_code == 400
    assert "manage.py import_meter_readings" in response.json()["detail"]
    assert not MeterReading.objects.exists()

    path = tmp_path / "抄表.xlsx"
    path.write_bytes(content)
    call_command("import_meter_readings", "--community", tenant.community.code, "--period", "2026-04", str(path),
                 stdout=io.StringIO())
    assert MeterReading.objects.get().reading == 12.5


def test_meter_readings_up_to_the_web_limit_are_imported_in_the_request(tenant, api, limits):
    response = post_meter_readings(tenant, api, inflated(READINGS, to=MB))
    assert response.status_code == 201, response.content
    assert MeterReading.objects.count() == 1
