"""Import and export of the estate registry as .xlsx (property staff live in Excel).

An import runs in two phases. *Validating* reads the file row by row, checks every row and the
rows against each other (co-owners, one owner across units), and commits its progress as it goes
so that pollers see it. *Saving* then writes everything set-based in one transaction together with
one audit event. A file with any bad row, a failure or a killed process therefore leaves nothing
behind, and importing the same file again finishes the job: an import updates what already exists.

The columns and the labels of the choices are a file format: they are the same in every UI
language, so that a file travels between users (and an export can be imported again)."""

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import connection, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.core import exports
from linli.core.audit import audit_record
from linli.core.errors import LinliError, ValidationFailed
from linli.core.masking import mask_id_number, mask_phone
from linli.core.tenancy import Actor
from linli.core.uploads import XLSX, check_upload, open_workbook

from . import selectors
from .models import Building, Community, ImportJob, Owner, Ownership, Unit, Zone
from .validators import clean_id_number, clean_phone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PROGRESS_EVERY = 500
MAX_REPORTED_ERRORS = 1000

UNITS_SHEET = "房屋"
ZONE, BUILDING, NUMBER, FLOOR = "分区", "楼栋", "房号", "楼层"
AREA, EXCLUSIVE, USAGE, OCCUPANTS = "建筑面积", "专有部分面积", "用途", "居住人数"
LOW_INCOME, BILLING_START, STATUS = "低保户", "计费起始日", "状态"
OWNER, OWNER_KIND, PHONE, ID_NUMBER = "业主姓名", "业主类型", "手机号", "证件号码"
UNIT_COLUMNS = [ZONE, BUILDING, NUMBER, FLOOR, AREA, EXCLUSIVE, USAGE, OCCUPANTS, LOW_INCOME, BILLING_START,
                STATUS, OWNER, OWNER_KIND, PHONE, ID_NUMBER]
REQUIRED_COLUMNS = [BUILDING, NUMBER, AREA]
# Unit columns that co-owner rows may leave blank, and the model field each one fills.
UNIT_FIELDS = {FLOOR: "floor", AREA: "area", EXCLUSIVE: "exclusive_area", USAGE: "usage", OCCUPANTS: "occupants",
               LOW_INCOME: "low_income", BILLING_START: "billing_start", STATUS: "status"}
UNIT_DEFAULTS = {"floor": None, "usage": Unit.Usage.RESIDENTIAL, "occupants": 0, "low_income": False,
                 "billing_start": None, "status": Unit.Status.OCCUPIED}
YES, NO = "是", "否"
MAX_AREA = Decimal("9999999999.99")
CENT = Decimal("0.01")


def _source_labels(choices) -> dict[str, str]:
    """value → the model's label in the source language (Chinese), whatever language is active."""
    with translation.override(None):
        return {value: str(label) for value, label in choices}


USAGE_LABELS = _source_labels(Unit.Usage.choices)
STATUS_LABELS = _source_labels(Unit.Status.choices)
KIND_LABELS = _source_labels(Owner.Kind.choices)


class ImportRejected(ValidationFailed):
    """The file has bad rows: nothing was imported. `errors` is the row-by-row report."""

    code = "import_rejected"

    def __init__(self, errors: list[dict], count: int | None = None):
        self.errors = errors
        self.count = count if count is not None else len(errors)
        super().__init__(_("文件中有 %(count)s 处错误，未导入任何数据。") % {"count": self.count})


# Reading cells ----------------------------------------------------------------------------

class _BadCell(Exception):
    pass


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return _float_text(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return str(value).strip()


def _float_text(value: float) -> str:
    """Excel keeps 15 significant digits and shows no more, so that is the number the user typed:
    89.55 stored as 89.549999999999997 reads back as "89.55"."""
    text = format(value, ".15g")
    return text[:-2] if text.endswith(".0") else text


def _decimal(value) -> Decimal:
    if isinstance(value, bool):
        raise _BadCell(_("应为数字，如 89.50。"))
    try:
        number = Decimal(_text(value).replace(",", ""))
    except InvalidOperation:
        raise _BadCell(_("应为数字，如 89.50。")) from None
    if not number.is_finite():
        raise _BadCell(_("应为数字，如 89.50。"))
    if number <= 0:
        raise _BadCell(_("必须大于 0。"))
    if number > MAX_AREA:
        raise _BadCell(_("数值过大。"))
    if number != number.quantize(CENT):
        raise _BadCell(_("最多保留两位小数。"))
    return number.quantize(CENT)


def _integer(value, minimum: int, maximum: int) -> int:
    text = _text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise _BadCell(_("应为整数。")) from None
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral_value():
        raise _BadCell(_("应为整数。"))
    if not minimum <= number <= maximum:
        raise _BadCell(_("应在 %(min)s 到 %(max)s 之间。") % {"min": minimum, "max": maximum})
    return int(number)


def _choice(value, labels: dict[str, str]) -> str:
    text = _text(value)
    for code, label in labels.items():
        if text == label or text.lower() == code:
            return code
    raise _BadCell(_("应为以下之一：%(choices)s。") % {"choices": "、".join(labels.values())})


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = _text(value).lower()
    if text in {YES, "yes", "y", "true", "1"}:
        return True
    if text in {NO, "no", "n", "false", "0"}:
        return False
    raise _BadCell(_("应为“是”或“否”。"))


def _date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip().replace("/", "-"))
        except ValueError:
            pass
    raise _BadCell(_("日期格式应为 YYYY-MM-DD。"))


def _name(value, max_length: int) -> str:
    text = _text(value)
    if len(text) > max_length:
        raise _BadCell(_("不能超过 %(n)s 个字符。") % {"n": max_length})
    return text


def _zone_path(value) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in _text(value).replace("／", "/").split("/"))
    if not all(parts):
        raise _BadCell(_("分区应写成“南区/金苗园”的形式，各级名称不能为空。"))
    for part in parts:
        _name(part, 60)
    return parts


IDENTITY_PARSERS = {
    ZONE: lambda v: _zone_path(v) if _text(v) else None,
    BUILDING: lambda v: _name(v, 60),
    NUMBER: lambda v: _name(v, 30),
    OWNER: lambda v: _name(v, 120),
    OWNER_KIND: lambda v: _choice(v, KIND_LABELS) if _text(v) else "",
}
UNIT_PARSERS = {
    FLOOR: lambda v: _integer(v, -32768, 32767),
    AREA: _decimal,
    EXCLUSIVE: _decimal,
    USAGE: lambda v: _choice(v, USAGE_LABELS),
    OCCUPANTS: lambda v: _integer(v, 0, 32767),
    LOW_INCOME: _yes_no,
    BILLING_START: _date,
    STATUS: lambda v: _choice(v, STATUS_LABELS),
}
ROW_PARSERS = [*IDENTITY_PARSERS.items(), *UNIT_PARSERS.items()]


# Validating -------------------------------------------------------------------------------

@dataclass(eq=False)
class _PlannedOwner:
    name: str
    kind: str
    phone: str
    id_number: str
    row: int


@dataclass(eq=False)
class _PlannedUnit:
    building: str
    number: str
    row: int
    fields: dict = field(default_factory=dict)
    given_at: dict = field(default_factory=dict)
    owners: list = field(default_factory=list)


@dataclass
class _Plan:
    """What the file says, checked and merged: one entry per zone, building, unit and owner."""

    rows: int = 0
    zones: set = field(default_factory=set)
    buildings: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    owners: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    error_count: int = 0


def _same_person(a: _PlannedOwner, b: _PlannedOwner) -> bool:
    """On one unit, the same name is the same person unless two ID numbers or two phones tell them apart."""
    return a is b or (a.name == b.name and not (a.id_number and b.id_number) and not (a.phone and b.phone))


class _Validator:
    """Checks rows one at a time and merges them into a plan. Rows naming the same unit add
    co-owners; rows naming the same owner (name and ID number, or name and phone) share one."""

    def __init__(self):
        self.plan = _Plan()
        self._owners_by_id: dict[tuple, _PlannedOwner] = {}
        self._owners_by_phone: dict[tuple, _PlannedOwner] = {}

    def error(self, row: int | None, column: str, message: str) -> None:
        self.plan.error_count += 1
        if len(self.plan.errors) < MAX_REPORTED_ERRORS:
            self.plan.errors.append({"row": row, "column": column, "message": str(message)})

    def add(self, row: int, cells: dict) -> None:
        self.plan.rows += 1
        errors_before = self.plan.error_count
        values = {}
        for column, parse in ROW_PARSERS:
            raw = cells.get(column)
            if column in UNIT_PARSERS and _text(raw) == "":
                continue
            try:
                values[column] = parse(raw)
            except _BadCell as exc:
                self.error(row, column, str(exc))
        for column in (BUILDING, NUMBER):
            if column in values and not values[column]:
                self.error(row, column, _("不能为空。"))
        owner = self._owner(row, cells, values.get(OWNER_KIND, ""), values.get(OWNER, ""))
        if self.plan.error_count > errors_before:
            return
        self._merge(row, values, owner)

    def _owner(self, row: int, cells: dict, kind: str, name: str) -> _PlannedOwner | None:
        try:
            phone = clean_phone(_text(cells.get(PHONE)))
        except ValidationFailed as exc:
            self.error(row, PHONE, exc.fields["phone"][0])
            phone = ""
        try:
            id_number = clean_id_number(_text(cells.get(ID_NUMBER)), kind or Owner.Kind.PERSON)
        except ValidationFailed as exc:
            self.error(row, ID_NUMBER, exc.fields["id_number"][0])
            id_number = ""
        if not name:
            if phone or id_number or kind:
                self.error(row, OWNER, _("填写了业主信息，但缺少业主姓名。"))
            return None
        return _PlannedOwner(name=name, kind=kind, phone=phone, id_number=id_number, row=row)

    def _merge(self, row: int, values: dict, owner: _PlannedOwner | None) -> None:
        plan = self.plan
        building, number, zone = values[BUILDING], values[NUMBER], values.get(ZONE)
        known_zone, known_row = plan.buildings.setdefault(building, (zone, row))
        if zone and known_zone and zone != known_zone:
            self.error(row, ZONE, _("与第 %(row)s 行同一楼栋的分区不一致。") % {"row": known_row})
        elif zone and not known_zone:
            plan.buildings[building] = (zone, row)
        if zone:
            plan.zones.add(zone)

        unit = plan.units.get((building, number))
        if unit is None:
            unit = plan.units[(building, number)] = _PlannedUnit(building=building, number=number, row=row)
        for column, name in UNIT_FIELDS.items():
            if column not in values:
                continue
            if name in unit.fields and unit.fields[name] != values[column]:
                self.error(row, column, _("与第 %(row)s 行（同一房屋）填写的不一致。") % {"row": unit.given_at[name]})
            elif name not in unit.fields:
                unit.fields[name], unit.given_at[name] = values[column], row

        if owner is not None:
            owner = self._same_owner(owner)
            if owner is None:
                return
            for other in unit.owners:
                if _same_person(other, owner):
                    self.error(row, OWNER, _("与第 %(row)s 行重复（同一房屋、同一业主）。") % {"row": other.row})
                    return
            unit.owners.append(owner)

    def _same_owner(self, owner: _PlannedOwner) -> _PlannedOwner | None:
        """The entry this row's owner already has in the file, or a new one. An owner with neither
        ID number nor phone cannot be recognised on another unit, so each such row is its own."""
        found = self._owners_by_id.get((owner.name, owner.id_number)) if owner.id_number else None
        if found is None and owner.phone:
            found = self._owners_by_phone.get((owner.name, owner.phone))
            if found is not None and found.id_number and owner.id_number:
                self.error(owner.row, ID_NUMBER,
                           _("与第 %(row)s 行业主的姓名、手机号相同，但证件号码不同。") % {"row": found.row})
                return None
        if found is None:
            self.plan.owners.append(owner)
            found = owner
        else:
            for column, attr in ((OWNER_KIND, "kind"), (PHONE, "phone")):
                mine, theirs = getattr(owner, attr), getattr(found, attr)
                if mine and theirs and mine != theirs:
                    self.error(owner.row, column, _("与第 %(row)s 行同一业主填写的不一致。") % {"row": found.row})
                    return None
            found.kind = found.kind or owner.kind
            found.phone = found.phone or owner.phone
            found.id_number = found.id_number or owner.id_number
        if found.id_number:
            self._owners_by_id.setdefault((found.name, found.id_number), found)
        if found.phone:
            self._owners_by_phone.setdefault((found.name, found.phone), found)
        return found

    def finish(self) -> _Plan:
        for unit in self.plan.units.values():
            if "area" not in unit.fields:
                self.error(unit.row, AREA, _("不能为空。"))
                continue
            exclusive = unit.fields.setdefault("exclusive_area", unit.fields["area"])
            if exclusive > unit.fields["area"]:
                self.error(unit.given_at["exclusive_area"], EXCLUSIVE, _("专有部分面积不能大于建筑面积。"))
        return self.plan


# Saving -----------------------------------------------------------------------------------

def _update_rows(model, rows: list, names: list[str]) -> None:
    """Write changed fields back. Django's bulk_update builds a CASE expression per row and field,
    about a millisecond a row; one UPDATE by primary key executed over all rows at once takes
    microseconds a row (50,000 corrected units: seconds instead of more than a minute)."""
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(
        quote(model._meta.db_table), ", ".join(f"{quote(f.column)} = %s" for f in fields), quote(model._meta.pk.column))
    with connection.cursor() as cursor:
        cursor.executemany(sql, [[f.get_db_prep_save(getattr(row, f.attname), connection) for f in fields] + [row.pk]
                                 for row in rows])


def _save_zones(community: Community, paths: set) -> tuple[dict[tuple, int], int]:
    """Zone path → id, creating the missing zones level by level (a group needs its district's id)."""
    existing = {(z.parent_id, z.name): z.pk for z in Zone.objects.filter(community=community)}
    ids: dict[tuple, int] = {}
    prefixes = {path[:depth] for path in paths for depth in range(1, len(path) + 1)}
    created = 0
    for depth in range(1, max((len(p) for p in prefixes), default=0) + 1):
        new = {}
        for prefix in sorted(p for p in prefixes if len(p) == depth):
            parent_id = ids[prefix[:-1]] if depth > 1 else None
            zone_id = existing.get((parent_id, prefix[-1]))
            if zone_id is None:
                kind = Zone.Kind.DISTRICT if depth == 1 else Zone.Kind.GROUP
                new[prefix] = Zone(community=community, parent_id=parent_id, name=prefix[-1], kind=kind)
            else:
                ids[prefix] = zone_id
        Zone.objects.bulk_create(new.values())
        ids.update({prefix: zone.pk for prefix, zone in new.items()})
        created += len(new)
    return ids, created


def _save_buildings(community: Community, plan: _Plan, zone_ids: dict, now) -> tuple[dict, int, int]:
    buildings = {b.name: b for b in Building.objects.filter(community=community)}
    new, changed = [], []
    for name, (path, _row) in plan.buildings.items():
        zone_id = zone_ids[path] if path else None
        building = buildings.get(name)
        if building is None:
            building = buildings[name] = Building(community=community, name=name, zone_id=zone_id)
            new.append(building)
        elif zone_id and building.zone_id != zone_id:
            building.zone_id, building.updated_at = zone_id, now
            changed.append(building)
    Building.objects.bulk_create(new)
    _update_rows(Building, changed, ["zone", "updated_at"])
    return buildings, len(new), len(changed)


def _save_units(community: Community, plan: _Plan, buildings: dict, now) -> tuple[dict, int, int]:
    existing = {(u.building_id, u.number): u for u in Unit.objects.filter(community=community)}
    units, new, changed = {}, [], []
    for key, planned in plan.units.items():
        building = buildings[planned.building]
        unit = existing.get((building.pk, planned.number))
        if unit is None:
            unit = Unit(community=community, building=building, number=planned.number,
                        **{**UNIT_DEFAULTS, **planned.fields})
            new.append(unit)
        elif any(getattr(unit, name) != value for name, value in planned.fields.items()):
            for name, value in planned.fields.items():
                setattr(unit, name, value)
            unit.updated_at = now
            changed.append(unit)
        units[key] = unit
    Unit.objects.bulk_create(new, batch_size=2000)
    _update_rows(Unit, changed, [*UNIT_FIELDS.values(), "updated_at"])
    return units, len(new), len(changed)


def _match_owner(planned: _PlannedOwner, by_id: dict, by_phone: dict, on_units: list) -> Owner | None:
    """The registry's record of a planned owner: same name and ID number; else same name and phone;
    else the same name already holding one of its units. Two different ID numbers are two people."""
    if planned.id_number and (planned.name, planned.id_number) in by_id:
        return by_id[(planned.name, planned.id_number)]
    candidates = [by_phone.get((planned.name, planned.phone)) if planned.phone else None, *on_units]
    for owner in candidates:
        if owner is not None and not (owner.id_number and planned.id_number):
            return owner
    return None


def _save_owners(community: Community, plan: _Plan, units: dict, now) -> tuple[dict, int, int]:
    """Planned owner → Owner: the registry's own when it matches, a new one otherwise."""
    registry = {o.pk: o for o in Owner.objects.filter(community=community)}
    by_id, by_phone, by_unit = {}, {}, {}
    for owner in registry.values():
        if owner.id_number:
            by_id.setdefault((owner.name, owner.id_number), owner)
        if owner.phone:
            by_phone.setdefault((owner.name, owner.phone), owner)
    for unit_id, owner_id in Ownership.objects.filter(unit__community=community).values_list("unit_id", "owner_id"):
        owner = registry[owner_id]
        by_unit.setdefault((unit_id, owner.name), owner)
    units_of: dict[_PlannedOwner, list[Unit]] = {}
    for key, planned_unit in plan.units.items():
        for planned in planned_unit.owners:
            units_of.setdefault(planned, []).append(units[key])

    resolved, new, changed = {}, [], {}
    for planned in plan.owners:
        on_units = [by_unit.get((unit.pk, planned.name)) for unit in units_of.get(planned, [])]
        owner = _match_owner(planned, by_id, by_phone, on_units)
        if owner is None:
            owner = Owner(community=community, name=planned.name, kind=planned.kind or Owner.Kind.PERSON,
                          phone=planned.phone, id_number=planned.id_number)
            new.append(owner)
        else:
            updates = {"kind": planned.kind, "phone": planned.phone, "id_number": planned.id_number}
            updates = {k: v for k, v in updates.items() if v and getattr(owner, k) != v}
            if updates:
                for name, value in updates.items():
                    setattr(owner, name, value)
                owner.updated_at = now
                changed[owner.pk] = owner
        resolved[planned] = owner
    Owner.objects.bulk_create(new, batch_size=2000)
    _update_rows(Owner, list(changed.values()), ["kind", "phone", "id_number", "updated_at"])
    return resolved, len(new), len(changed)


def _save_ownerships(community: Community, plan: _Plan, units: dict, owners: dict) -> int:
    """Titles the registry lacks. The first owner of a unit without a voter becomes its voter.
    A title missing from the file is not ended: that is a transfer, recorded on its own."""
    held, voted = set(), set()
    for unit_id, owner_id, is_voter in Ownership.objects.filter(unit__community=community).values_list(
            "unit_id", "owner_id", "is_voter"):
        held.add((unit_id, owner_id))
        if is_voter:
            voted.add(unit_id)
    new = []
    for key, planned in plan.units.items():
        unit = units[key]
        for planned_owner in planned.owners:
            owner = owners[planned_owner]
            if (unit.pk, owner.pk) in held:
                continue
            held.add((unit.pk, owner.pk))
            new.append(Ownership(owner=owner, unit=unit, is_voter=unit.pk not in voted))
            voted.add(unit.pk)
    Ownership.objects.bulk_create(new, batch_size=2000)
    return len(new)


def _save(*, actor: Actor, community: Community, plan: _Plan, file_info: dict, job: ImportJob | None) -> dict:
    now = timezone.now()
    with transaction.atomic():
        # Imports of one community queue up here (on PostgreSQL; SQLite has one writer anyway), so a
        # second import sees the first one's rows and updates them instead of colliding with them.
        Community.objects.select_for_update().filter(pk=community.pk).first()
        zone_ids, zones_created = _save_zones(community, plan.zones)
        buildings, buildings_created, buildings_updated = _save_buildings(community, plan, zone_ids, now)
        units, units_created, units_updated = _save_units(community, plan, buildings, now)
        owners, owners_created, owners_updated = _save_owners(community, plan, units, now)
        ownerships_created = _save_ownerships(community, plan, units, owners)
        summary = {
            "rows": plan.rows, "zones_created": zones_created,
            "buildings_created": buildings_created, "buildings_updated": buildings_updated,
            "units_created": units_created, "units_updated": units_updated,
            "owners_created": owners_created, "owners_updated": owners_updated,
            "ownerships_created": ownerships_created,
        }
        audit_record(actor=actor, action="registry.import", target=community, community_id=community.pk,
                     data={**summary, **file_info})
        # Done commits with the data: a job is never "done" without its rows, nor the reverse.
        _set_job(job, status=ImportJob.Status.DONE, processed_rows=plan.rows, total_rows=plan.rows, errors=[],
                 summary=summary)
    return summary


# The import -------------------------------------------------------------------------------

def _read_bytes(path_or_file) -> bytes:
    if isinstance(path_or_file, (str, os.PathLike)):
        return Path(path_or_file).read_bytes()
    if isinstance(path_or_file, FieldFile):
        with path_or_file.open("rb") as fh:
            return fh.read()
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    return path_or_file.read()


def _open_sheet(data: bytes, *, max_uncompressed_mb: int | None = None, advice: str | None = None):
    """The units sheet (or the first) of a workbook that passes linli.core.uploads' limits."""
    try:
        workbook = open_workbook(data, max_uncompressed_mb=max_uncompressed_mb, advice=advice)
    except ValidationFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportRejected([{"row": None, "column": "",
                               "message": _("无法读取文件，请使用 .xlsx 格式（可下载模板填写）。")}]) from exc
    sheet = workbook[UNITS_SHEET] if UNITS_SHEET in workbook.sheetnames else workbook.worksheets[0]
    return workbook, sheet


def _count_rows(sheet) -> int | None:
    """Rows in the sheet, for the progress bar, by counting <row> elements in its XML (a fraction
    of a second for 50,000 rows); a workbook's own dimension record is often missing."""
    try:
        source = sheet._get_source()
    except (AttributeError, KeyError):
        return None
    count, tail = 0, b""
    with source:
        while chunk := source.read(1 << 20):
            count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
            tail = chunk[-4:]
    return count - 1 if count else None


def _set_job(job: ImportJob | None, **fields) -> None:
    if job is not None:
        for name, value in fields.items():
            setattr(job, name, value)
        ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)


def registry_import(*, actor: Actor, community: Community, path_or_file, job: ImportJob | None = None,
                    progress=None, file_name: str = "") -> dict:
    """Import buildings, units and owners of one community from an .xlsx file.

    `progress(phase, done, total)` is called as rows are checked (`total` may be None). Returns the
    counts; raises `ImportRejected` with the row report if any row is bad (nothing is imported).
    With a `job`, its status, progress and outcome are recorded on it as well."""
    def report(phase, done, total):
        _set_job(job, status=phase, processed_rows=done, total_rows=total or done)
        if progress is not None:
            progress(phase, done, total)

    try:
        actor.require("estates.import", community)
        data = _read_bytes(path_or_file)
        file_info = {"sha256": hashlib.sha256(data).hexdigest(), "file": file_name or getattr(job, "original_name", "")}
        workbook, sheet = _open_sheet(data)
        try:
            plan = _validate(sheet, report)
        finally:
            workbook.close()
        if plan.error_count:
            raise ImportRejected(plan.errors, plan.error_count)
        report(ImportJob.Status.SAVING, plan.rows, plan.rows)
        return _save(actor=actor, community=community, plan=plan, file_info=file_info, job=job)
    except LinliError as exc:
        errors = exc.errors if isinstance(exc, ImportRejected) else [{"row": None, "column": "", "message": str(exc.message)}]
        _set_job(job, status=ImportJob.Status.FAILED, errors=errors,
                 summary={"error_count": getattr(exc, "count", 1), "message": str(exc.message)})
        raise
    except Exception:
        _set_job(job, status=ImportJob.Status.FAILED,
                 errors=[{"row": None, "column": "", "message": _("导入时发生内部错误，未导入任何数据，请稍后重试。")}])
        raise


def _validate(sheet, report) -> _Plan:
    validator = _Validator()
    rows = sheet.iter_rows(values_only=True)
    header = [_text(v) for v in next(rows, ())]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    for column in missing:
        validator.error(1, column, _("缺少必需的列“%(column)s”（请使用导入模板）。") % {"column": column})
    if missing:
        return validator.plan
    positions = {column: header.index(column) for column in UNIT_COLUMNS if column in header}
    total = _count_rows(sheet)
    report(ImportJob.Status.VALIDATING, 0, total)
    for row_number, values in enumerate(rows, start=2):
        if not values or all(v is None or _text(v) == "" for v in values):
            continue
        validator.add(row_number, {c: values[i] if i < len(values) else None for c, i in positions.items()})
        if validator.plan.rows % PROGRESS_EVERY == 0:
            report(ImportJob.Status.VALIDATING, validator.plan.rows, total)
    plan = validator.finish()
    if not plan.rows and not plan.error_count:
        validator.error(None, "", _("文件中没有数据行。"))
    report(ImportJob.Status.VALIDATING, plan.rows, plan.rows)
    return plan


# Jobs -------------------------------------------------------------------------------------



def import_job_create(*, actor: Actor, community: Community, file) -> ImportJob:
    """Accept an uploaded .xlsx and queue its import. The file is kept with the job."""
    actor.require("estates.import", community)
    if file is None:
        raise ValidationFailed(_("请选择要导入的文件。"), fields={"file": [_("请选择文件。")]})
    name = os.path.basename(getattr(file, "name", "") or "")
    check_upload(file, field="file", what=_("导入文件"), kinds=(XLSX,))
    from .tasks import run_import_job  # tasks imports this module

    with transaction.atomic():
        job = ImportJob.objects.create(community=community, file=file, original_name=name[:200],
                                       created_by=actor.user if actor.is_authenticated else None)
        audit_record(actor=actor, action="registry.import_upload", target=job, community_id=community.pk,
                     data={"file": job.original_name, "size": file.size})
        transaction.on_commit(lambda: run_import_job(job.pk))
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a queued job once: of several deliveries of the same job, one claims it, the rest return."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.VALIDATING, updated_at=timezone.now()):
        return
    job = ImportJob.objects.select_related("community", "created_by").get(pk=job_id)
    try:
        registry_import(actor=Actor(job.created_by), community=job.community, path_or_file=job.file, job=job)
    except LinliError:
        pass  # a rejected file or a lost permission: the outcome is recorded on the job


def import_jobs_requeue_interrupted() -> list[int]:
    """Jobs a killed process left half-way, put back in the queue state; their ids are returned
    for running again. Nothing of theirs was written, so running them again finishes them."""
    running = [ImportJob.Status.VALIDATING, ImportJob.Status.SAVING]
    requeued = []
    for job_id in ImportJob.objects.filter(status__in=running).values_list("pk", flat=True):
        if ImportJob.objects.filter(pk=job_id, status__in=running).update(status=ImportJob.Status.QUEUED):
            requeued.append(job_id)
    return requeued


# Template and export ----------------------------------------------------------------------

COLUMN_NOTES = [
    (ZONE, gettext_lazy("否"), gettext_lazy("分区路径，多级用“/”分隔，如“北区”或“南区/金苗园”；不存在的分区会自动创建。")),
    (BUILDING, gettext_lazy("是"), gettext_lazy("楼栋名称，如“1号楼”；同一小区内唯一，不存在时自动创建。")),
    (NUMBER, gettext_lazy("是"), gettext_lazy("房号，如“101”或“2-301”；楼栋+房号相同即为同一套房屋。")),
    (FLOOR, gettext_lazy("否"), gettext_lazy("所在楼层，整数。")),
    (AREA, gettext_lazy("是"), gettext_lazy("建筑面积（平方米），大于 0，最多两位小数。")),
    (EXCLUSIVE, gettext_lazy("否"), gettext_lazy("专有部分面积（平方米），不大于建筑面积；留空则等于建筑面积。")),
    (USAGE, gettext_lazy("否"), gettext_lazy("住宅 或 商业；新房屋留空为住宅。")),
    (OCCUPANTS, gettext_lazy("否"), gettext_lazy("居住人数，整数，用于按人计费（如垃圾费）。")),
    (LOW_INCOME, gettext_lazy("否"), gettext_lazy("是 或 否；低保户按优惠标准计费。")),
    (BILLING_START, gettext_lazy("否"), gettext_lazy("计费起始日，格式 YYYY-MM-DD；留空表示已在计费。")),
    (STATUS, gettext_lazy("否"), gettext_lazy("未售、已交付、自住、空置 或 出租；新房屋留空为自住。")),
    (OWNER, gettext_lazy("否"), gettext_lazy("业主姓名或单位名称。同一房屋有多位共有人时，每人一行，楼栋和房号相同，第一行为表决代表。")),
    (OWNER_KIND, gettext_lazy("否"), gettext_lazy("个人 或 单位；留空为个人。")),
    (PHONE, gettext_lazy("否"), gettext_lazy("手机号或固定电话。")),
    (ID_NUMBER, gettext_lazy("否"), gettext_lazy("个人填身份证号码，单位填统一社会信用代码。同一业主有多套房屋时，请填写证件号码或手机号，以便识别为同一人。")),
]
TEMPLATE_EXAMPLES = [
    ["北区", "1号楼", "101", 1, Decimal("89.50"), Decimal("85.00"), "住宅", 3, NO, dt.date(2024, 1, 1), "自住",
     "张三", "个人", "13800000000", "11010519491231002X"],
    ["北区", "1号楼", "101", None, None, None, None, None, None, None, None, "李四", "个人", "13900000000", None],
    ["北区", "1号楼", "102", 1, Decimal("76.25"), None, "住宅", 1, YES, None, "出租", "王五", "个人", "13700000000",
     None],
    ["南区/金苗园", "5号楼", "2-301", 3, Decimal("120.00"), Decimal("112.40"), "住宅", 0, NO, None, "空置",
     "张三", "个人", "13800000000", "11010519491231002X"],
    ["南区/金苗园", "商铺楼", "S-01", 1, Decimal("60.00"), None, "商业", 0, NO, None, "出租", "金苗商贸有限公司",
     "单位", "010-88886666", "91110000600037341L"],
    ["南区/银苗园", "8号楼", "101", 1, Decimal("95.00"), None, "住宅", 0, NO, None, "未售", None, None, None, None],
]
AREA_FORMAT, DATE_FORMAT, TEXT_FORMAT = "0.00", "yyyy-mm-dd", "@"


def registry_template() -> bytes:
    """The import template: the 房屋 sheet with example rows, and a 说明 sheet on every column."""
    workbook = exports.workbook()
    sheet = workbook.active
    sheet.title = UNITS_SHEET
    sheet.append(UNIT_COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in TEMPLATE_EXAMPLES:
        sheet.append(row)
    for column, number_format in ((AREA, AREA_FORMAT), (EXCLUSIVE, AREA_FORMAT), (BILLING_START, DATE_FORMAT),
                                  (PHONE, TEXT_FORMAT), (ID_NUMBER, TEXT_FORMAT), (NUMBER, TEXT_FORMAT)):
        letter = get_column_letter(UNIT_COLUMNS.index(column) + 1)
        # Phones and ID numbers as text: a number cell keeps 15 digits and loses the rest of an ID.
        sheet.column_dimensions[letter].number_format = number_format
        for cell in sheet[letter][1:]:
            cell.number_format = number_format
    for column, choices in ((USAGE, USAGE_LABELS), (LOW_INCOME, {1: YES, 0: NO}), (STATUS, STATUS_LABELS),
                            (OWNER_KIND, KIND_LABELS)):
        letter = get_column_letter(UNIT_COLUMNS.index(column) + 1)
        validation = DataValidation(type="list", formula1='"%s"' % ",".join(choices.values()), allow_blank=True)
        validation.add(f"{letter}2:{letter}100000")
        sheet.add_data_validation(validation)
    for index, column in enumerate(UNIT_COLUMNS):
        sheet.column_dimensions[get_column_letter(index + 1)].width = max(10, len(column) * 2 + 4)
    sheet.freeze_panes = "A2"

    notes = workbook.create_sheet(_("说明"))
    notes.append([_("列名"), _("必填"), _("说明")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for name, required, text in COLUMN_NOTES:
        notes.append([name, str(required), str(text)])
    notes.append([])
    for text in (
        _("每行一套房屋的一位业主；没有业主的房屋（如未售）业主列留空。"),
        _("已有的房屋（楼栋+房号相同）会按文件更新；新房屋留空的列取默认值，已有房屋留空的列保持不变。"),
        _("任何一行有错误时整个文件都不会导入，系统会列出每个错误所在的行和列。"),
        _("示例行仅供参考，填写前请删除。"),
    ):
        notes.append([str(text)])
    notes.column_dimensions["A"].width = 16
    notes.column_dimensions["C"].width = 90
    return exports.save(workbook)


def _zone_paths(zones) -> dict[int, str]:
    by_id = {z.pk: z for z in zones}
    paths = {}
    for zone in zones:
        names, current = [], zone
        while current is not None:
            names.append(current.name)
            current = by_id.get(current.parent_id)
        paths[zone.pk] = "/".join(reversed(names))
    return paths


def registry_export(*, actor: Actor, community: Community) -> bytes:
    """The community's registry as .xlsx: 楼栋, 房屋 (the import columns, so it can be imported
    again), 业主, 车位, 经营用房. Phones and ID numbers are masked for roles that may not see them."""
    actor.require("estates.export", community)
    show_phone = actor.can("personal.phone", community)
    show_id = actor.can("personal.id_number", community)

    def phone(value):
        return value if show_phone else mask_phone(value)

    def id_number(value):
        return value if show_id else mask_id_number(value)

    def yes_no(value):
        return YES if value else NO

    zones = _zone_paths(list(selectors.zone_list(actor=actor).filter(community=community)))
    buildings = list(selectors.building_list(actor=actor).filter(community=community).order_by("name"))
    units = list(selectors.unit_list(actor=actor).filter(community=community)
                 .order_by("building__name", "number", "id"))
    ownerships = (selectors.ownership_list(actor=actor).filter(unit__community=community)
                  .order_by("unit_id", "-is_voter", "id"))
    owners_of: dict[int, list] = {}
    units_of: dict[int, list] = {}
    unit_label = {u.pk: f"{u.building.name}-{u.number}" for u in units}
    for ownership in ownerships:
        owners_of.setdefault(ownership.unit_id, []).append(ownership.owner)
        units_of.setdefault(ownership.owner_id, []).append(unit_label.get(ownership.unit_id, ""))
    units_in = {}
    for unit in units:
        units_in[unit.building_id] = units_in.get(unit.building_id, 0) + 1

    workbook = exports.StreamedWorkbook()
    sheet = workbook.sheet(_("楼栋"), [ZONE, BUILDING, _("层数"), _("建成年份"), _("房屋套数")])
    for b in buildings:
        sheet.append([zones.get(b.zone_id, ""), b.name, b.floors, b.year_built, units_in.get(b.pk, 0)])

    sheet = workbook.sheet(UNITS_SHEET, UNIT_COLUMNS)
    for unit in units:
        head = [zones.get(unit.building.zone_id, ""), unit.building.name, unit.number, unit.floor, unit.area,
                unit.exclusive_area, USAGE_LABELS[unit.usage], unit.occupants, yes_no(unit.low_income),
                unit.billing_start, STATUS_LABELS[unit.status]]
        for owner in owners_of.get(unit.pk) or [None]:
            tail = ([owner.name, KIND_LABELS[owner.kind], phone(owner.phone), id_number(owner.id_number)]
                    if owner else [None] * 4)
            sheet.append(head + tail)

    sheet = workbook.sheet(_("业主"), [_("姓名/名称"), OWNER_KIND, PHONE, ID_NUMBER, _("开发建设单位"),
                                      _("房屋"), _("已开通账号")])
    for owner in selectors.owner_list(actor=actor).filter(community=community).order_by("name", "id"):
        sheet.append([owner.name, KIND_LABELS[owner.kind], phone(owner.phone), id_number(owner.id_number),
                      yes_no(owner.is_developer), "、".join(units_of.get(owner.pk, [])), yes_no(owner.user_id)])

    sheet = workbook.sheet(_("车位"), [_("车位编号"), ZONE, _("位置"), _("地下车库"), _("使用房屋"),
                                      _("计费方式"), _("计费起始")])
    for space in selectors.parking_space_list(actor=actor).filter(community=community).order_by("code"):
        sheet.append([space.code, zones.get(space.zone_id, ""), space.location, yes_no(space.underground),
                      unit_label.get(space.unit_id, ""), space.get_plan_display(), space.plan_start])

    sheet = workbook.sheet(_("经营用房"), [_("编号"), _("名称"), ZONE, _("面积"), STATUS, _("当前用途")])
    for premises in selectors.premises_list(actor=actor).filter(community=community).order_by("code"):
        sheet.append([premises.code, premises.name, zones.get(premises.zone_id, ""), premises.area,
                      premises.get_status_display(), premises.current_use])

    data = workbook.save()
    with transaction.atomic():
        audit_record(actor=actor, action="registry.export", target=community, community_id=community.pk,
                     data={"units": len(units), "phones_masked": not show_phone, "id_numbers_masked": not show_id})
    return data
