"""Projects: per-unit progress of the water-meter retrofit (bulk rows, updates, .xlsx import) and
the funding of a renovation to the fen."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from linli.core.errors import ValidationFailed
from linli.core.tenancy import Actor
from linli.estates.registry import ImportRejected
from linli.operations.models import ProjectUnit
from linli.operations.selectors import facilities as selectors
from linli.operations.services import facilities
from tests import factories as f


@pytest.fixture
def tech(tenant):
    return Actor(tenant.user("technician"))


@pytest.fixture
def retrofit(tenant, tech):
    """Two buildings: 1号楼 (the tenant's three owned units) and 2号楼 in 南区 with two owned units
    and one unsold."""
    south = f.ZoneFactory(community=tenant.community, name="南区")
    group = f.ZoneFactory(community=tenant.community, name="金苗园", parent=south)
    second = f.BuildingFactory(community=tenant.community, zone=group, name="2号楼")
    for number in ("201", "202"):
        f.OwnershipFactory(owner=f.OwnerFactory(community=tenant.community), unit=f.UnitFactory(building=second,
                                                                                                number=number))
    f.UnitFactory(building=second, number="203")
    project = facilities.project_create(actor=tech, community=tenant.community, kind="retrofit", name="户表改造")
    return project, second, south


def test_units_are_added_by_building_zone_or_community_once(tenant, tech, retrofit):
    project, second, south = retrofit
    assert facilities.project_units_add(actor=tech, project=project, building=second) == 2
    assert facilities.project_units_add(actor=tech, project=project, zone=south) == 0
    assert facilities.project_units_add(actor=tech, project=project) == 3
    assert ProjectUnit.objects.filter(project=project).count() == 5


def test_progress_by_unit_and_by_building(tenant, tech, retrofit):
    project, _second, _south = retrofit
    facilities.project_units_add(actor=tech, project=project)
    rows = list(ProjectUnit.objects.filter(project=project).order_by("unit__building__name", "unit__number"))
    facilities.project_unit_update(actor=tech, project_unit=rows[0], changes={"status": "done"})
    facilities.project_unit_update(actor=tech, project_unit=rows[3], changes={"status": "done",
                                                                              "done_on": dt.date(2026, 10, 1)})
    facilities.project_unit_update(actor=tech, project_unit=rows[4], changes={"status": "refused", "note": "外出"})
    rows[0].refresh_from_db()
    assert rows[0].done_on == timezone.localdate()
    progress = selectors.project_progress(project=project)
    assert (progress["total"], progress["done"], progress["percent"]) == (5, 2, Decimal("40.0"))
    assert progress["buildings"] == [
        {"name": "1号楼", "total": 3, "done": 1, "percent": Decimal("33.3")},
        {"name": "2号楼", "total": 2, "done": 1, "percent": Decimal("50.0")},
    ]
    undone = facilities.project_unit_update(actor=tech, project_unit=rows[0], changes={"status": "in_progress"})
    assert undone.done_on is None


def test_future_completion_dates_are_refused(tenant, tech, retrofit):
    project, *_ = retrofit
    facilities.project_units_add(actor=tech, project=project)
    row = ProjectUnit.objects.filter(project=project).first()
    with pytest.raises(ValidationFailed):
        facilities.project_unit_update(actor=tech, project_unit=row, changes={
            "status": "done", "done_on": timezone.localdate() + dt.timedelta(days=1)})


def workbook(rows) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(["楼栋", "房号", "进度", "完成日期", "备注"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile("progress.xlsx", out.getvalue())


def test_progress_import_updates_rows(tenant, tech, retrofit):
    project, *_ = retrofit
    facilities.project_units_add(actor=tech, project=project)
    updated = facilities.project_progress_import(actor=tech, project=project, file=workbook([
        ["2号楼", "201", "已完成", dt.date(2026, 11, 2), "换表 DN15"], ["2号楼", "202", "施工中", None, None]]))
    assert updated == 2
    row = ProjectUnit.objects.get(project=project, unit__number="201")
    assert (row.status, row.done_on, row.note) == ("done", dt.date(2026, 11, 2), "换表 DN15")


def test_a_bad_row_rejects_the_whole_file_with_row_errors(tenant, tech, retrofit):
    project, *_ = retrofit
    facilities.project_units_add(actor=tech, project=project)
    with pytest.raises(ImportRejected) as exc:
        facilities.project_progress_import(actor=tech, project=project, file=workbook([
            ["2号楼", "201", "已完成", "2026-11-02", ""], ["2号楼", "999", "已完成", "", ""],
            ["2号楼", "202", "快好了", "", ""], ["1号楼", "101", "已完成", "明天", ""]]))
    assert [(e["row"], e["column"]) for e in exc.value.errors] == [(3, "房号"), (4, "进度"), (5, "完成日期")]
    assert not ProjectUnit.objects.filter(project=project, status="done").exists()


def test_funding_totals_to_the_fen(tenant, tech):
    project = facilities.project_create(actor=tech, community=tenant.community, kind="renovation", name="护栏修补",
                                        budget=Decimal("86000.00"))
    facilities.project_funding_add(actor=tech, project=project, source="government", amount=Decimal("50000.01"))
    facilities.project_funding_add(actor=tech, project=project, source="common_income", amount="19999.98")
    facilities.project_funding_add(actor=tech, project=project, source="government", amount=Decimal("0.02"))
    summary = selectors.project_funding_summary(project=project)
    assert summary["total"] == Decimal("70000.01")
    assert summary["gap"] == Decimal("15999.99")
    assert [(r["source"], r["amount"]) for r in summary["by_source"]] == [
        ("government", Decimal("50000.03")), ("common_income", Decimal("19999.98"))]
    with pytest.raises(ValidationFailed):
        facilities.project_funding_add(actor=tech, project=project, source="government", amount="0")


def test_project_pages_and_export(client, tenant, tech, retrofit):
    project, second, _south = retrofit
    client.force_login(tenant.user("technician"))
    assert client.get(reverse("operations:project_list", args=[tenant.community.pk])).status_code == 200
    client.post(reverse("operations:project_act", args=[project.pk, "units"]), {"units-scope": f"building:{second.pk}"})
    row = ProjectUnit.objects.get(project=project, unit__number="201")
    swapped = client.post(reverse("operations:project_unit_update", args=[row.pk]), {"status": "done"},
                          HTTP_HX_REQUEST="true")
    assert swapped.status_code == 200 and f'id="pu-{row.pk}"' in swapped.content.decode()
    html = client.get(reverse("operations:project_detail", args=[project.pk])).content.decode()
    assert "50.0" in html and "chart-buildings" in html
    client.post(reverse("operations:project_act", args=[project.pk, "funding"]),
                {"funding-source": "government", "funding-amount": "1234.56"})
    assert selectors.project_funding_summary(project=project)["total"] == Decimal("1234.56")
    bad = client.post(reverse("operations:project_act", args=[project.pk, "import"]),
                      {"file": workbook([["2号楼", "999", "已完成", "", ""]])})
    assert bad.status_code == 302
    assert "第 2 行" in client.get(reverse("operations:project_detail", args=[project.pk])).content.decode()
    export = client.get(reverse("operations:project_export", args=[project.pk]))
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    assert list(sheet.iter_rows(values_only=True))[1][:3] == ("2号楼", "201", "已完成")


def test_the_committee_reads_projects_but_cannot_change_them(client, tenant, tech, retrofit):
    project, *_ = retrofit
    client.force_login(tenant.user("committee_member"))
    assert client.get(reverse("operations:project_detail", args=[project.pk])).status_code == 200
    assert client.post(reverse("operations:project_act", args=[project.pk, "status"]),
                       {"status": "done"}).status_code == 403
