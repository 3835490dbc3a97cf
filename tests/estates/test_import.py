"""Excel import and export of the estate registry (issue part 7)."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.core.errors import PermissionDenied
from linli.core.models import AuditEvent
from linli.core.tenancy import CAPABILITIES, Actor
from linli.estates import registry
from linli.estates.models import Building, ImportJob, Owner, Ownership, Unit, Zone
from linli.estates.registry import (
    ImportRejected,
    parse,
    registry_export,
    registry_import,
    registry_template,
    save,
)

COLUMNS = registry.UNIT_COLUMNS


def unit_row(building="3号楼", number="101", area="89.50", **values) -> dict:
    return {registry.BUILDING: building, registry.NUMBER: number, registry.AREA: area, **values}


def xlsx(rows: list[dict], header=COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "房屋"
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(column) for column in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run(tenant, rows, actor=None, **kwargs):
    actor = actor or Actor(tenant.user("manager"))
    return registry_import(actor=actor, community=tenant.community, path_or_file=io.BytesIO(xlsx(rows)), **kwargs)


def sheet_rows(data: bytes, title: str) -> list[dict]:
    sheet = load_workbook(io.BytesIO(data), read_only=True)[title]
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


# Template ---------------------------------------------------------------------------------

def test_template_has_the_import_columns_and_imports_as_it_is(tenant):
    data = registry_template()
    assert list(next(load_workbook(io.BytesIO(data))["房屋"].iter_rows(max_row=1, values_only=True))) == COLUMNS

    summary = registry_import(actor=Actor(tenant.user("manager")), community=tenant.community,
                              path_or_file=io.BytesIO(data))

    assert (summary["units_created"], summary["units_updated"]) == (3, 2)  # 1号楼 101 and 102 exist
    shop = Unit.objects.get(community=tenant.community, building__name="商铺楼", number="S-01")
    assert shop.usage == Unit.Usage.COMMERCIAL
    assert shop.owners.get().kind == Owner.Kind.COMPANY
    assert Zone.objects.get(community=tenant.community, name="金苗园").parent.name == "南区"


# Good files -------------------------------------------------------------------------------

def test_good_file_creates_buildings_units_and_owners_with_exact_areas(tenant):
    summary = run(tenant, [
        {"分区": "南区/金苗园", "楼栋": "5号楼", "房号": "101", "楼层": 1, "建筑面积": 89.55, "专有部分面积": "85.10",
         "居住人数": 3, "低保户": "是", "计费起始日": "2024-03-15", "状态": "出租", "业主姓名": "赵六",
         "手机号": "13812345678", "证件号码": "11010519491231002X"},
        {"分区": "南区/金苗园", "楼栋": "5号楼", "房号": "102", "建筑面积": "100.1", "业主姓名": "钱七"},
    ])

    assert summary["units_created"] == 2 and summary["buildings_created"] == 1 and summary["zones_created"] == 2
    first = Unit.objects.get(community=tenant.community, building__name="5号楼", number="101")
    assert (first.area, first.exclusive_area) == (Decimal("89.55"), Decimal("85.10"))
    assert (first.floor, first.occupants, first.low_income, first.status) == (1, 3, True, Unit.Status.RENTED)
    assert str(first.billing_start) == "2024-03-15"
    assert first.building.zone.name == "金苗园" and first.building.zone.parent.name == "南区"
    second = Unit.objects.get(community=tenant.community, building__name="5号楼", number="102")
    assert (second.area, second.exclusive_area) == (Decimal("100.10"), Decimal("100.10"))
    assert second.status == Unit.Status.OCCUPIED
    owner = first.owners.get()
    assert (owner.name, owner.phone, owner.id_number) == ("赵六", "13812345678", "11010519491231002X")
    assert Ownership.objects.get(unit=first).is_voter


def test_a_float_cell_reads_as_the_number_excel_shows():
    # Excel shows 15 significant digits: a computed 0.30000000000000004 is the 0.30 on the screen.
    assert parse._decimal(0.1 + 0.2) == Decimal("0.30")
    assert parse._decimal(89.55) == Decimal("89.55")
    assert parse._decimal(90) == Decimal("90.00")


def test_a_repeated_unit_row_adds_a_co_owner_and_the_first_owner_votes(tenant):
    run(tenant, [
        unit_row(number="201", **{registry.OWNER: "甲方", registry.PHONE: "13800000011"}),
        unit_row(number="201", area=None, **{registry.OWNER: "乙方", registry.PHONE: "13800000012"}),
    ])

    unit = Unit.objects.get(community=tenant.community, building__name="3号楼", number="201")
    titles = {o.owner.name: o.is_voter for o in unit.ownerships.select_related("owner")}
    assert titles == {"甲方": True, "乙方": False}


def test_the_same_owner_on_two_units_is_one_owner(tenant):
    same = {registry.OWNER: "孙八", registry.ID_NUMBER: "11010519491231002X"}
    run(tenant, [unit_row(number="301", **same), unit_row(number="302", **same, **{registry.PHONE: "13900000001"})])

    owner = Owner.objects.get(community=tenant.community, name="孙八")
    assert sorted(owner.units.values_list("number", flat=True)) == ["301", "302"]
    assert owner.phone == "13900000001"


def test_enum_columns_accept_chinese_labels_and_english_codes(tenant):
    run(tenant, [unit_row(number="1", **{registry.USAGE: "commercial", registry.STATUS: "VACANT"}),
                 unit_row(number="2", **{registry.USAGE: "商业", registry.STATUS: "空置"})])

    assert set(Unit.objects.filter(building__name="3号楼").values_list("usage", "status")) == {
        (Unit.Usage.COMMERCIAL, Unit.Status.VACANT)}


# Bad files --------------------------------------------------------------------------------

def test_one_bad_row_imports_nothing_and_the_report_names_row_and_column(tenant):
    rows = [unit_row(number=f"40{i}", **{registry.OWNER: f"业主{i}"}) for i in range(8)]
    rows[5][registry.AREA] = "abc"  # the header is row 1, so rows[5] is Excel row 7
    units, owners, events = Unit.objects.count(), Owner.objects.count(), AuditEvent.objects.count()

    with pytest.raises(ImportRejected) as caught:
        run(tenant, rows)

    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(7, "建筑面积")]
    assert "数字" in caught.value.errors[0]["message"]
    assert (Unit.objects.count(), Owner.objects.count(), AuditEvent.objects.count()) == (units, owners, events)
    assert not Building.objects.filter(name="3号楼").exists()


@pytest.mark.parametrize("values, column", [
    ({registry.AREA: "89.555"}, "建筑面积"),
    ({registry.AREA: "-3"}, "建筑面积"),
    ({registry.EXCLUSIVE: "90.00"}, "专有部分面积"),
    ({registry.USAGE: "仓库"}, "用途"),
    ({registry.LOW_INCOME: "也许"}, "低保户"),
    ({registry.BILLING_START: "2024-13-01"}, "计费起始日"),
    ({registry.OWNER: "周九", registry.PHONE: "12345"}, "手机号"),
    ({registry.OWNER: "周九", registry.ID_NUMBER: "110105194912310021"}, "证件号码"),
    ({registry.PHONE: "13800000000"}, "业主姓名"),
    ({registry.BUILDING: ""}, "楼栋"),
])
def test_a_bad_cell_is_reported_at_its_row_and_column(tenant, values, column):
    with pytest.raises(ImportRejected) as caught:
        run(tenant, [unit_row(number="500"), unit_row(number="501", **values)])

    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(3, column)]


def test_a_duplicate_unit_and_owner_row_is_reported(tenant):
    owner = {registry.OWNER: "吴十", registry.PHONE: "13800000021"}
    with pytest.raises(ImportRejected) as caught:
        run(tenant, [unit_row(number="601", **owner), unit_row(number="601", **owner)])

    assert caught.value.errors[0]["row"] == 3 and "第 2 行" in caught.value.errors[0]["message"]


def test_the_same_name_twice_on_a_unit_is_a_duplicate_unless_ids_tell_them_apart(tenant):
    with pytest.raises(ImportRejected) as caught:
        run(tenant, [unit_row(number="602", **{registry.OWNER: "王二"}),
                     unit_row(number="602", area=None, **{registry.OWNER: "王二", registry.PHONE: "13800000022"})])
    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(3, "业主姓名")]

    run(tenant, [unit_row(number="603", **{registry.OWNER: "王二", registry.ID_NUMBER: "11010519491231002X"}),
                 unit_row(number="603", area=None, **{registry.OWNER: "王二", registry.ID_NUMBER: "110105194912310038"})])
    assert Unit.objects.get(community=tenant.community, number="603").owners.count() == 2


def test_a_missing_required_column_is_reported_on_the_header_row(tenant):
    header = [c for c in COLUMNS if c != registry.AREA]
    with pytest.raises(ImportRejected) as caught:
        registry_import(actor=Actor(tenant.user("manager")), community=tenant.community,
                        path_or_file=io.BytesIO(xlsx([unit_row()], header=header)))

    assert [(e["row"], e["column"]) for e in caught.value.errors] == [(1, "建筑面积")]


def test_a_file_that_is_not_a_workbook_is_rejected(tenant):
    with pytest.raises(ImportRejected):
        registry_import(actor=Actor(tenant.user("manager")), community=tenant.community,
                        path_or_file=io.BytesIO(b"PK\x03\x04 not really a workbook"))


# Re-import and failures -------------------------------------------------------------------

def test_reimport_updates_instead_of_duplicating(tenant):
    owner = {registry.OWNER: "郑一", registry.PHONE: "13800000031"}
    run(tenant, [unit_row(number="701", area="80.00", **owner)])

    summary = run(tenant, [unit_row(number="701", area="82.50", **owner, **{
        registry.STATUS: "空置", registry.ZONE: "西区", registry.ID_NUMBER: "11010519491231002X"})])

    unit = Unit.objects.get(community=tenant.community, building__name="3号楼", number="701")
    assert (unit.area, unit.exclusive_area, unit.status) == (Decimal("82.50"), Decimal("82.50"), Unit.Status.VACANT)
    assert unit.building.zone.name == "西区"
    assert (summary["units_created"], summary["units_updated"]) == (0, 1)
    assert (summary["buildings_created"], summary["buildings_updated"]) == (0, 1)
    assert (summary["owners_created"], summary["owners_updated"]) == (0, 1)
    assert Owner.objects.get(community=tenant.community, name="郑一").id_number == "11010519491231002X"
    assert unit.ownerships.count() == 1


def test_an_export_imports_again_without_changes(tenant):
    manager = Actor(tenant.user("manager"))
    before = Unit.objects.filter(community=tenant.community).count()
    data = registry_export(actor=manager, community=tenant.community)

    summary = registry_import(actor=manager, community=tenant.community, path_or_file=io.BytesIO(data))

    assert summary["rows"] == before
    assert {k: v for k, v in summary.items() if k != "rows"} == dict.fromkeys(
        ["zones_created", "buildings_created", "buildings_updated", "units_created", "units_updated",
         "owners_created", "owners_updated", "ownerships_created"], 0)


def test_a_failure_while_saving_leaves_nothing_and_running_again_finishes(tenant, monkeypatch):
    job = ImportJob.objects.create(community=tenant.community, created_by=tenant.user("manager"),
                                   file=SimpleUploadedFile("a.xlsx", xlsx([unit_row(number="801")])))

    def crash(*args, **kwargs):
        raise RuntimeError("killed")

    monkeypatch.setattr(save, "_save_ownerships", crash)
    with pytest.raises(RuntimeError):
        registry.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert not Unit.objects.filter(community=tenant.community, number="801").exists()

    monkeypatch.undo()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.SAVING)  # as a killed process leaves it
    assert registry.import_jobs_requeue_interrupted() == [job.pk]
    registry.import_job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.summary["units_created"] == 1
    assert Unit.objects.filter(community=tenant.community, number="801").count() == 1


def test_a_successful_import_is_audited_once_with_the_file_hash(tenant):
    run(tenant, [unit_row(number="901"), unit_row(number="902")])

    event = AuditEvent.objects.get(action="registry.import")
    assert event.community_id == tenant.community.pk
    assert event.data["units_created"] == 2 and len(event.data["sha256"]) == 64


def test_progress_is_reported_while_validating(tenant):
    calls = []
    run(tenant, [unit_row(number=str(n)) for n in range(1200)], progress=lambda *a: calls.append(a))

    assert calls[0] == (ImportJob.Status.VALIDATING, 0, 1200)
    assert (ImportJob.Status.VALIDATING, 500, 1200) in calls
    assert calls[-1] == (ImportJob.Status.SAVING, 1200, 1200)


# Scope and permissions --------------------------------------------------------------------

def test_only_a_manager_of_the_serving_company_may_import(tenants):
    a, b = tenants
    for actor in (Actor(b.user("manager")), Actor(a.user("finance")), Actor(a.user("owner"))):
        with pytest.raises(PermissionDenied):
            run(a, [unit_row(number="1001")], actor=actor)
    assert not Unit.objects.filter(number="1001").exists()


def test_another_companys_manager_cannot_see_or_create_imports(tenants, api, django_capture_on_commit_callbacks):
    a, b = tenants
    job = ImportJob.objects.create(community=a.community, created_by=a.user("manager"),
                                   file=SimpleUploadedFile("a.xlsx", xlsx([unit_row()])))
    client = api(b.user("manager"))

    assert client.get(f"/api/v1/imports/{job.pk}/").status_code == 404
    assert client.get(f"/api/v1/communities/{a.community.pk}/export.xlsx").status_code == 404
    upload = SimpleUploadedFile("b.xlsx", xlsx([unit_row(number="1101")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"community": a.community.pk, "file": upload}, format="multipart")
    assert response.status_code == 400 and "community" in response.json()["fields"]
    assert ImportJob.objects.filter(community=a.community).count() == 1

    client.force_login(b.user("manager"))
    web = client.get(reverse("estates:import", args=[a.community.pk]))
    assert web.status_code == 404
    assert client.get(reverse("estates:import-job-progress", args=[job.pk])).status_code == 404


# API --------------------------------------------------------------------------------------

def test_api_upload_runs_the_job_and_reports_the_counts(tenant, api, django_capture_on_commit_callbacks):
    client = api(tenant.user("manager"))
    upload = SimpleUploadedFile("房屋.xlsx", xlsx([unit_row(number="1201"), unit_row(number="1202")]))

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/imports/", {"community": tenant.community.pk, "file": upload},
                               format="multipart")

    assert response.status_code == 201
    job = client.get(f"/api/v1/imports/{response.json()['id']}/").json()
    assert (job["status"], job["percent"], job["original_name"]) == ("done", 100, "房屋.xlsx")
    assert job["summary"]["units_created"] == 2


def test_api_job_of_a_bad_file_lists_the_row_errors(tenant, api, django_capture_on_commit_callbacks):
    client = api(tenant.user("manager"))
    upload = SimpleUploadedFile("bad.xlsx", xlsx([unit_row(number="1301"), unit_row(number="1302", area="abc")]))

    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post("/api/v1/imports/", {"community": tenant.community.pk, "file": upload},
                             format="multipart").json()["id"]

    job = client.get(f"/api/v1/imports/{job_id}/").json()
    assert job["status"] == "failed"
    assert [(e["row"], e["column"]) for e in job["errors"]] == [(3, "建筑面积")]
    assert not Unit.objects.filter(number__in=["1301", "1302"]).exists()


@pytest.mark.parametrize("name, content", [
    ("registry.csv", b"PK\x03\x04rest"),
    ("registry.xlsx", b"building,number\n1,101\n"),
])
def test_api_refuses_a_file_that_is_not_xlsx(tenant, api, name, content):
    response = api(tenant.user("manager")).post(
        "/api/v1/imports/", {"community": tenant.community.pk, "file": SimpleUploadedFile(name, content)},
        format="multipart")

    assert response.status_code == 400
    assert set(response.json()) == {"detail", "code", "fields"} and "file" in response.json()["fields"]
    assert not ImportJob.objects.exists()


def test_api_refuses_a_file_over_the_import_limit(tenant, api, settings):
    settings.LINLI_MAX_IMPORT_MB = 0.001
    upload = SimpleUploadedFile("big.xlsx", xlsx([unit_row(number=str(n)) for n in range(200)]))

    response = api(tenant.user("manager")).post("/api/v1/imports/", {"community": tenant.community.pk,
                                                                      "file": upload}, format="multipart")

    assert response.status_code == 400 and "file" in response.json()["fields"]


def test_api_template_download_is_an_xlsx(tenant, api):
    response = api(tenant.user("manager")).get("/api/v1/imports/template.xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == registry.XLSX_CONTENT_TYPE
    assert "房屋" in load_workbook(io.BytesIO(response.content)).sheetnames


# Export -----------------------------------------------------------------------------------

def test_export_has_every_sheet_and_the_units(tenant, api):
    response = api(tenant.user("manager")).get(f"/api/v1/communities/{tenant.community.pk}/export.xlsx")

    assert response.status_code == 200
    data = response.content
    assert load_workbook(io.BytesIO(data), read_only=True).sheetnames == ["楼栋", "房屋", "业主", "车位", "经营用房"]
    units = sheet_rows(data, "房屋")
    assert sorted(r["房号"] for r in units) == ["101", "102", "103"]
    assert {r["业主姓名"] for r in units} == {o.name for o in tenant.owners}
    assert units[0]["证件号码"] == "11010519491231002X"
    assert [r["车位编号"] for r in sheet_rows(data, "车位")] == [tenant.extra["parking_space"].code]


def test_export_masks_id_numbers_for_finance(tenant):
    units = sheet_rows(registry_export(actor=Actor(tenant.user("finance")), community=tenant.community), "房屋")

    assert units[0]["证件号码"] == "1101**********002X"
    assert units[0]["手机号"] == tenant.owners[0].phone


def test_export_masks_phones_for_a_role_without_personal_phone(tenant, monkeypatch):
    monkeypatch.setitem(CAPABILITIES, "personal.phone", {"manager"})

    owners = sheet_rows(registry_export(actor=Actor(tenant.user("finance")), community=tenant.community), "业主")

    phone = tenant.owners[0].phone
    assert {o["手机号"] for o in owners} >= {phone[:3] + "****" + phone[-4:]}
    assert not any(o["手机号"] == phone for o in owners)


def test_export_is_refused_to_roles_without_the_capability(tenant):
    with pytest.raises(PermissionDenied):
        registry_export(actor=Actor(tenant.user("technician")), community=tenant.community)


# Command line -----------------------------------------------------------------------------

def test_import_command_imports_a_file(tenant, tmp_path):
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx([unit_row(number="1401"), unit_row(number="1402")]))
    out = io.StringIO()

    call_command("import_registry", "--community", tenant.community.code, "--user", tenant.user("manager").username,
                 str(path), stdout=out)

    assert "units_created=2" in out.getvalue()
    assert Unit.objects.filter(community=tenant.community, number__in=["1401", "1402"]).count() == 2


def test_import_command_prints_the_row_report_and_fails_on_a_bad_file(tenant, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([unit_row(number="1501"), unit_row(number="1502", **{registry.STATUS: "拆除"})]))
    err = io.StringIO()

    with pytest.raises(CommandError):
        call_command("import_registry", "--community", tenant.community.code, "--no-progress", str(path), stderr=err)

    assert "第 3 行 · 状态" in err.getvalue()
    assert not Unit.objects.filter(number="1501").exists()


def test_export_command_writes_the_registry(tenant, tmp_path):
    path = tmp_path / "out.xlsx"

    call_command("export_registry", "--community", tenant.community.code, str(path), stdout=io.StringIO())

    assert len(sheet_rows(path.read_bytes(), "房屋")) == 3


# Web --------------------------------------------------------------------------------------

def test_web_upload_shows_a_progress_panel_with_the_result(tenant, client, django_capture_on_commit_callbacks):
    client.force_login(tenant.user("manager"))
    page = client.get(reverse("estates:import", args=[tenant.community.pk]))
    assert page.status_code == 200 and reverse("import-template").encode() in page.content

    upload = SimpleUploadedFile("房屋.xlsx", xlsx([unit_row(number="1601")]))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("estates:import", args=[tenant.community.pk]), {"file": upload})
    job = ImportJob.objects.get(community=tenant.community)
    assert response.status_code == 302 and response["Location"] == reverse("estates:import-job", args=[job.pk])

    panel = client.get(reverse("estates:import-job-progress", args=[job.pk])).content.decode()
    assert "已完成" in panel and "hx-trigger" not in panel
    assert Unit.objects.filter(community=tenant.community, number="1601").exists()


def test_web_progress_panel_polls_while_the_job_runs(tenant, client):
    job = ImportJob.objects.create(community=tenant.community, status=ImportJob.Status.VALIDATING, total_rows=2000,
                                   processed_rows=500, file=SimpleUploadedFile("a.xlsx", b"PK\x03\x04"))
    client.force_login(tenant.user("manager"))

    panel = client.get(reverse("estates:import-job-progress", args=[job.pk])).content.decode()

    assert 'hx-trigger="every 1s"' in panel
    assert reverse("estates:import-job-progress", args=[job.pk]) in panel
    assert 'value="25"' in panel


def test_web_progress_panel_of_a_failed_job_lists_row_and_column(tenant, client, django_capture_on_commit_callbacks):
    client.force_login(tenant.user("manager"))
    rows = [unit_row(number=f"17{i}") for i in range(6)]
    rows[5][registry.AREA] = "abc"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("estates:import", args=[tenant.community.pk]),
                    {"file": SimpleUploadedFile("bad.xlsx", xlsx(rows))})
    job = ImportJob.objects.get(community=tenant.community)

    panel = client.get(reverse("estates:import-job-progress", args=[job.pk])).content.decode()

    assert '<td class="num">7</td><td>建筑面积</td>' in panel
    assert "hx-trigger" not in panel


def test_web_upload_of_a_non_xlsx_file_shows_the_error(tenant, client):
    client.force_login(tenant.user("manager"))

    response = client.post(reverse("estates:import", args=[tenant.community.pk]),
                           {"file": SimpleUploadedFile("list.txt", b"hello")})

    assert response.status_code == 400 and ".xlsx" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_web_import_page_is_forbidden_to_staff_who_may_not_import(tenant, client):
    client.force_login(tenant.user("dispatcher"))

    assert client.get(reverse("estates:import", args=[tenant.community.pk])).status_code == 403
