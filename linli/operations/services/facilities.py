"""Facilities and projects (篇一 §五.4–7): assets with their upkeep and repairs, projects that go
door to door (户表改造) with per-unit progress, and renovations with their funding sources."""

import copy
import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, ValidationFailed
from linli.core.money import money
from linli.core.services import full_clean_or_fail, record_create, record_update, same_community
from linli.core.tenancy import Actor
from linli.core.uploads import XLSX, check_upload
from linli.estates.models import Building, Community, Unit, Zone
from linli.estates.registry import ImportRejected, cell_text, open_sheet, read_bytes
from linli.servicedesk import services as servicedesk
from linli.servicedesk.models import Category, Kind, ServiceRequest

from ..models import Asset, MaintenancePlan, MaintenanceRecord, Project, ProjectFunding, ProjectUnit

CAPABILITY = "operations.facilities"


def _positive(value, field: str, *, allow_zero: bool = False) -> Decimal:
    amount = money(value)
    if amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationFailed(fields={field: [_("金额必须大于 0。")]})
    return amount


# Assets --------------------------------------------------------------------------------------

ASSET_FIELDS = {"zone", "kind", "code", "name", "location", "installed_on", "status"}


def asset_create(*, actor: Actor, community: Community, kind: str, code: str, name: str, zone: Zone | None = None,
                 location: str = "", installed_on: dt.date | None = None,
                 status: str = Asset.Status.IN_SERVICE) -> Asset:
    actor.require(CAPABILITY, community)
    same_community(community.pk, zone=zone)
    code = (code or "").strip()
    if Asset.objects.filter(community=community, code=code).exists():
        raise Conflict(_("编号 %(code)s 已存在。") % {"code": code}, code="duplicate", fields={"code": [_("已存在。")]})
    return record_create(actor=actor, action="asset.create", instance=Asset(
        community=community, zone=zone, kind=kind, code=code, name=(name or "").strip(),
        location=(location or "").strip(), installed_on=installed_on, status=status))


def asset_update(*, actor: Actor, asset: Asset, changes: dict) -> Asset:
    actor.require(CAPABILITY, asset.community_id)
    changes = {k: v for k, v in changes.items() if k in ASSET_FIELDS}
    same_community(asset.community_id, zone=changes.get("zone"))
    return record_update(actor=actor, instance=asset, changes=changes, action="asset.update")


def asset_request_link(*, actor: Actor, asset: Asset, service_request: ServiceRequest) -> Asset:
    """Tie an existing repair request to the asset it is about."""
    actor.require(CAPABILITY, asset.community_id)
    if service_request.community_id != asset.community_id:
        raise ValidationFailed(fields={"service_request": [_("报修单不属于该小区。")]})
    with transaction.atomic():
        asset.requests.add(service_request)
        audit_record(actor=actor, action="asset.request_link", target=asset, community_id=asset.community_id,
                     data={"request": service_request.pk})
    return asset


def asset_fault_report(*, actor: Actor, asset: Asset, description: str, priority: str = "normal") -> ServiceRequest:
    """A fault seen on the asset becomes a repair request through the service desk (with its
    deadlines and dispatch), linked to the asset, which is marked faulty."""
    actor.require(CAPABILITY, asset.community_id)
    description = (description or "").strip()
    if not description:
        raise ValidationFailed(fields={"description": [_("请描述故障情况。")]})
    category = Category.objects.filter(community_id=asset.community_id, name="公共设施", active=True).first()
    if category is not None and Kind.REPAIR not in category.kind_values():
        category = None
    with transaction.atomic():
        request = servicedesk.request_create(
            actor=actor, community=asset.community, kind=Kind.REPAIR, category=category, priority=priority,
            title=_("%(asset)s故障") % {"asset": asset.get_kind_display()} + f" · {asset.code}",
            description=description, zone=asset.zone, location=asset.location or f"{asset.code} {asset.name}",
            audit_data={"asset": asset.pk})
        asset.requests.add(request)
        if asset.status == Asset.Status.IN_SERVICE:
            asset.status = Asset.Status.FAULTY
            asset.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="asset.fault_report", target=asset, community_id=asset.community_id,
                     data={"request": request.pk})
    return request


# Maintenance ---------------------------------------------------------------------------------

def maintenance_plan_create(*, actor: Actor, asset: Asset, name: str, every_days: int,
                            next_due: dt.date | None = None, active: bool = True) -> MaintenancePlan:
    actor.require(CAPABILITY, asset.community_id)
    if not isinstance(every_days, int) or not 1 <= every_days <= 3660:
        raise ValidationFailed(fields={"every_days": [_("周期为 1–3660 天。")]})
    next_due = next_due or timezone.localdate() + dt.timedelta(days=every_days)
    return record_create(actor=actor, action="maintenance_plan.create", instance=MaintenancePlan(
        community_id=asset.community_id, asset=asset, name=(name or "").strip(), every_days=every_days,
        next_due=next_due, active=active))


def maintenance_plan_update(*, actor: Actor, maintenance_plan: MaintenancePlan, changes: dict) -> MaintenancePlan:
    actor.require(CAPABILITY, maintenance_plan.community_id)
    changes = {k: v for k, v in changes.items() if k in {"name", "every_days", "next_due", "active"}}
    if "every_days" in changes and not 1 <= int(changes["every_days"] or 0) <= 3660:
        raise ValidationFailed(fields={"every_days": [_("周期为 1–3660 天。")]})
    return record_update(actor=actor, instance=maintenance_plan, changes=changes, action="maintenance_plan.update")


def maintenance_record_create(*, actor: Actor, asset: Asset, description: str, done_on: dt.date | None = None,
                              plan: MaintenancePlan | None = None, request: ServiceRequest | None = None,
                              cost=Decimal("0")) -> MaintenanceRecord:
    """Record upkeep or a repair. Upkeep by plan moves the plan's next due date on from the day
    it was done; a repair of a faulty asset puts it back in service."""
    actor.require(CAPABILITY, asset.community_id)
    if plan is not None and plan.asset_id != asset.pk:
        raise ValidationFailed(fields={"plan": [_("保养计划不属于该设施。")]})
    if request is not None and request.community_id != asset.community_id:
        raise ValidationFailed(fields={"request": [_("报修单不属于该小区。")]})
    done_on = done_on or timezone.localdate()
    if done_on > timezone.localdate():
        raise ValidationFailed(fields={"done_on": [_("日期不能晚于今天。")]})
    record = MaintenanceRecord(community_id=asset.community_id, asset=asset, plan=plan, request=request,
                               done_on=done_on, done_by=actor.user if actor.is_authenticated else None,
                               description=(description or "").strip(), cost=_positive(cost, "cost", allow_zero=True))
    full_clean_or_fail(record, exclude=["community", "done_by"])
    with transaction.atomic():
        record.save()
        if plan is not None:
            plan = MaintenancePlan.objects.select_for_update().get(pk=plan.pk)
            plan.next_due = max(plan.next_due, done_on + dt.timedelta(days=plan.every_days))
            plan.save(update_fields=["next_due", "updated_at"])
        if request is not None:
            asset.requests.add(request)
        if request is not None and asset.status == Asset.Status.FAULTY:
            asset.status = Asset.Status.IN_SERVICE
            asset.save(update_fields=["status", "updated_at"])
        audit_record(actor=actor, action="maintenance_record.create", target=record, community_id=asset.community_id,
                     data={"asset": asset.pk, "plan": getattr(plan, "pk", None), "request": getattr(request, "pk", None),
                           "done_on": done_on, "cost": record.cost, "description": record.description})
    return record


# Projects ------------------------------------------------------------------------------------

PROJECT_FIELDS = {"kind", "name", "description", "status", "start_date", "planned_end", "finished_on", "budget"}


def _check_project(project: Project) -> None:
    if project.budget is not None and project.budget < 0:
        raise ValidationFailed(fields={"budget": [_("预算不能为负。")]})
    if project.start_date and project.planned_end and project.planned_end < project.start_date:
        raise ValidationFailed(fields={"planned_end": [_("计划完工不能早于开工日期。")]})


def project_create(*, actor: Actor, community: Community, kind: str, name: str, description: str = "",
                   budget=Decimal("0"), start_date: dt.date | None = None, planned_end: dt.date | None = None,
                   status: str = Project.Status.PLANNED, assets=()) -> Project:
    actor.require(CAPABILITY, community)
    assets = list(assets or [])
    if any(a.community_id != community.pk for a in assets):
        raise ValidationFailed(fields={"assets": [_("设施不属于该小区。")]})
    project = Project(community=community, kind=kind, name=(name or "").strip(), description=description or "",
                      budget=money(budget or 0), start_date=start_date, planned_end=planned_end, status=status)
    _check_project(project)
    full_clean_or_fail(project, exclude=["community"])
    with transaction.atomic():
        project.save()
        project.assets.set(assets)
        audit_record(actor=actor, action="project.create", target=project, community_id=community.pk, data={
            "kind": kind, "name": project.name, "budget": project.budget, "assets": [a.pk for a in assets]})
    return project


def project_update(*, actor: Actor, project: Project, changes: dict) -> Project:
    actor.require(CAPABILITY, project.community_id)
    assets = changes.pop("assets", None)
    changes = {k: v for k, v in changes.items() if k in PROJECT_FIELDS}
    if "budget" in changes:
        changes["budget"] = money(changes["budget"] or 0)
    if changes.get("status") == Project.Status.DONE and not (changes.get("finished_on") or project.finished_on):
        changes["finished_on"] = timezone.localdate()
    probe = copy.copy(project)
    for name, value in changes.items():
        setattr(probe, name, value)
    _check_project(probe)
    with transaction.atomic():
        project = record_update(actor=actor, instance=project, changes=changes, action="project.update")
        if assets is not None:
            if any(a.community_id != project.community_id for a in assets):
                raise ValidationFailed(fields={"assets": [_("设施不属于该小区。")]})
            project.assets.set(assets)
            audit_record(actor=actor, action="project.assets", target=project, community_id=project.community_id,
                         data={"assets": [a.pk for a in assets]})
    return project


def project_units_add(*, actor: Actor, project: Project, building: Building | None = None,
                      zone: Zone | None = None) -> int:
    """Add a row for every owned unit of a building, a zone (and its groups) or, with neither,
    the whole community; units already in the project are kept as they are. Returns how many
    were added."""
    actor.require(CAPABILITY, project.community_id)
    same_community(project.community_id, building=building, zone=zone)
    units = Unit.objects.filter(community_id=project.community_id, ownerships__isnull=False).distinct()
    if building is not None:
        units = units.filter(building=building)
    elif zone is not None:
        units = units.filter(Q(building__zone=zone) | Q(building__zone__parent=zone))
    existing = set(ProjectUnit.objects.filter(project=project).values_list("unit_id", flat=True))
    new = [ProjectUnit(community_id=project.community_id, project=project, unit_id=unit_id)
           for unit_id in units.values_list("id", flat=True) if unit_id not in existing]
    with transaction.atomic():
        ProjectUnit.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        audit_record(actor=actor, action="project.units_add", target=project, community_id=project.community_id,
                     data={"building": getattr(building, "pk", None), "zone": getattr(zone, "pk", None),
                           "added": len(new)})
    return len(new)


def _progress_values(status: str, done_on: dt.date | None, note: str | None) -> dict:
    if status not in ProjectUnit.Status.values:
        raise ValidationFailed(fields={"status": [_("未知的进度。")]})
    if done_on is not None and done_on > timezone.localdate():
        raise ValidationFailed(fields={"done_on": [_("完成日期不能晚于今天。")]})
    if status == ProjectUnit.Status.DONE:
        done_on = done_on or timezone.localdate()
    else:
        done_on = None
    values = {"status": status, "done_on": done_on}
    if note is not None:
        values["note"] = note.strip()[:120]
    return values


def project_unit_update(*, actor: Actor, project_unit: ProjectUnit, changes: dict) -> ProjectUnit:
    """One unit's progress: done (with its date, today unless given), in progress, refused…"""
    actor.require(CAPABILITY, project_unit.community_id)
    values = _progress_values(changes.get("status", project_unit.status), changes.get("done_on"),
                              changes.get("note"))
    if values["status"] == ProjectUnit.Status.DONE and project_unit.status == ProjectUnit.Status.DONE \
            and "done_on" not in changes:
        values["done_on"] = project_unit.done_on
    return record_update(actor=actor, instance=project_unit, changes=values, action="project_unit.update")


STATUS_BY_LABEL = {**{str(label): value for value, label in ProjectUnit.Status.choices},
                   **{value: value for value in ProjectUnit.Status.values}}
BUILDING, NUMBER, PROGRESS, DONE_ON, NOTE = "楼栋", "房号", "进度", "完成日期", "备注"
PROGRESS_COLUMNS = [BUILDING, NUMBER, PROGRESS, DONE_ON, NOTE]


def _date_cell(value) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(cell_text(value).replace("/", "-"))
    except ValueError:
        raise ValueError(_("日期格式应为 2026-03-01。")) from None


def project_progress_import(*, actor: Actor, project: Project, file) -> int:
    """Progress from an .xlsx sheet (楼栋, 房号, 进度, 完成日期, 备注), checked row by row first: any
    bad row rejects the whole file with a row-by-row report. Returns the rows updated."""
    actor.require(CAPABILITY, project.community_id)
    if file is None:
        raise ValidationFailed(_("请选择要导入的文件。"), fields={"file": [_("请选择文件。")]})
    check_upload(file, field="file", what=_("进度表"), kinds=(XLSX,))
    rows_of = {(b, n): pk for pk, b, n in ProjectUnit.objects.filter(project=project)
               .values_list("id", "unit__building__name", "unit__number")}
    # Read inside the web request: a project's sheet is one row per unit of the project, far below the limit.
    workbook, sheet = open_sheet(read_bytes(file), max_uncompressed_mb=settings.LINLI_INLINE_IMPORT_MB)
    errors, updates = [], {}
    try:
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        missing = [c for c in (BUILDING, NUMBER, PROGRESS) if c not in header]
        if missing:
            raise ImportRejected([{"row": 1, "column": c, "message": _("缺少必需的列“%(column)s”（请使用导出的进度表）。")
                                   % {"column": c}} for c in missing])
        at = {c: header.index(c) for c in PROGRESS_COLUMNS if c in header}
        for row_number, values in enumerate(rows, start=2):
            cells = {c: values[i] if i < len(values) else None for c, i in at.items()}
            if not any(cell_text(v) for v in cells.values()):
                continue
            row_id = rows_of.get((cell_text(cells[BUILDING]), cell_text(cells[NUMBER])))
            if row_id is None:
                errors.append({"row": row_number, "column": NUMBER, "message": _("该房屋不在本项目中。")})
                continue
            status = STATUS_BY_LABEL.get(cell_text(cells[PROGRESS]))
            if status is None:
                errors.append({"row": row_number, "column": PROGRESS, "message": _("进度应为：%(choices)s。") % {
                    "choices": "、".join(str(label) for _v, label in ProjectUnit.Status.choices)}})
                continue
            try:
                done_on = _date_cell(cells.get(DONE_ON))
                values_for_row = _progress_values(status, done_on, cell_text(cells.get(NOTE)) if NOTE in at else None)
            except ValueError as exc:
                errors.append({"row": row_number, "column": DONE_ON, "message": str(exc)})
                continue
            except ValidationFailed as exc:
                errors.append({"row": row_number, "column": DONE_ON,
                               "message": str(next(iter(exc.fields.values()))[0])})
                continue
            if row_id in updates:
                errors.append({"row": row_number, "column": NUMBER, "message": _("同一房屋出现了两次。")})
                continue
            updates[row_id] = values_for_row
    finally:
        workbook.close()
    if errors:
        raise ImportRejected(errors)
    if not updates:
        raise ImportRejected([{"row": None, "column": PROGRESS, "message": _("文件中没有进度。")}])
    now = timezone.now()
    with transaction.atomic():
        rows = list(ProjectUnit.objects.select_for_update().filter(id__in=updates))
        for row in rows:
            for name, value in updates[row.pk].items():
                setattr(row, name, value)
            row.updated_at = now
        ProjectUnit.objects.bulk_update(rows, ["status", "done_on", "note", "updated_at"], batch_size=1000)
        audit_record(actor=actor, action="project.progress_import", target=project, community_id=project.community_id,
                     data={"rows": len(rows), "file": str(getattr(file, "name", ""))})
    return len(rows)


def project_funding_add(*, actor: Actor, project: Project, source: str, amount, reference: str = "",
                        received_on: dt.date | None = None) -> ProjectFunding:
    """Money for a renovation (篇一 §五.7): a government subsidy, common income or the maintenance fund."""
    actor.require(CAPABILITY, project.community_id)
    funding = ProjectFunding(community_id=project.community_id, project=project, source=source,
                             amount=_positive(amount, "amount"), reference=(reference or "").strip(),
                             received_on=received_on)
    full_clean_or_fail(funding, exclude=["community"])
    try:
        with transaction.atomic():
            funding.save()
            audit_record(actor=actor, action="project_funding.add", target=funding, community_id=project.community_id,
                         data={"project": project.pk, "source": source, "amount": funding.amount,
                               "reference": funding.reference, "received_on": received_on})
    except IntegrityError as exc:
        raise Conflict() from exc
    return funding


def project_funding_update(*, actor: Actor, project_funding: ProjectFunding, changes: dict) -> ProjectFunding:
    actor.require(CAPABILITY, project_funding.community_id)
    changes = {k: v for k, v in changes.items() if k in {"source", "amount", "reference", "received_on"}}
    if "amount" in changes:
        changes["amount"] = _positive(changes["amount"], "amount")
    return record_update(actor=actor, instance=project_funding, changes=changes, action="project_funding.update")
