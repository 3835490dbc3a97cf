"""Validating: every row is checked, and the rows against each other (co-owners, one owner across
units), and merged into a plan. Progress is reported as rows are checked, so that pollers see it."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from linli.core.errors import ValidationFailed

from ..models import ImportJob, Owner
from ..validators import clean_id_number, clean_phone
from .columns import (
    AREA,
    BUILDING,
    EXCLUSIVE,
    ID_NUMBER,
    NUMBER,
    OWNER,
    OWNER_KIND,
    PHONE,
    REQUIRED_COLUMNS,
    UNIT_COLUMNS,
    UNIT_FIELDS,
    ZONE,
)
from .parse import ROW_PARSERS, UNIT_PARSERS, BadCell, cell_text, count_rows

PROGRESS_EVERY = 500
MAX_REPORTED_ERRORS = 1000


@dataclass(eq=False)
class PlannedOwner:
    name: str
    kind: str
    phone: str
    id_number: str
    row: int


@dataclass(eq=False)
class PlannedUnit:
    building: str
    number: str
    row: int
    fields: dict = field(default_factory=dict)
    given_at: dict = field(default_factory=dict)
    owners: list = field(default_factory=list)


@dataclass
class Plan:
    """What the file says, checked and merged: one entry per zone, building, unit and owner."""

    rows: int = 0
    zones: set = field(default_factory=set)
    buildings: dict = field(default_factory=dict)
    units: dict = field(default_factory=dict)
    owners: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    error_count: int = 0


def _same_person(a: PlannedOwner, b: PlannedOwner) -> bool:
    """On one unit, the same name is the same person unless two ID numbers or two phones tell them apart."""
    return a is b or (a.name == b.name and not (a.id_number and b.id_number) and not (a.phone and b.phone))


class _Validator:
    """Checks rows one at a time and merges them into a plan. Rows naming the same unit add
    co-owners; rows naming the same owner (name and ID number, or name and phone) share one."""

    def __init__(self):
        self.plan = Plan()
        self._owners_by_id: dict[tuple, PlannedOwner] = {}
        self._owners_by_phone: dict[tuple, PlannedOwner] = {}

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
            if column in UNIT_PARSERS and cell_text(raw) == "":
                continue
            try:
                values[column] = parse(raw)
            except BadCell as exc:
                self.error(row, column, str(exc))
        for column in (BUILDING, NUMBER):
            if column in values and not values[column]:
                self.error(row, column, _("不能为空。"))
        owner = self._owner(row, cells, values.get(OWNER_KIND, ""), values.get(OWNER, ""))
        if self.plan.error_count > errors_before:
            return
        self._merge(row, values, owner)

    def _owner(self, row: int, cells: dict, kind: str, name: str) -> PlannedOwner | None:
        try:
            phone = clean_phone(cell_text(cells.get(PHONE)))
        except ValidationFailed as exc:
            self.error(row, PHONE, exc.fields["phone"][0])
            phone = ""
        try:
            id_number = clean_id_number(cell_text(cells.get(ID_NUMBER)), kind or Owner.Kind.PERSON)
        except ValidationFailed as exc:
            self.error(row, ID_NUMBER, exc.fields["id_number"][0])
            id_number = ""
        if not name:
            if phone or id_number or kind:
                self.error(row, OWNER, _("填写了业主信息，但缺少业主姓名。"))
            return None
        return PlannedOwner(name=name, kind=kind, phone=phone, id_number=id_number, row=row)

    def _merge(self, row: int, values: dict, owner: PlannedOwner | None) -> None:
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
            unit = plan.units[(building, number)] = PlannedUnit(building=building, number=number, row=row)
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

    def _same_owner(self, owner: PlannedOwner) -> PlannedOwner | None:
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

    def finish(self) -> Plan:
        for unit in self.plan.units.values():
            if "area" not in unit.fields:
                self.error(unit.row, AREA, _("不能为空。"))
                continue
            exclusive = unit.fields.setdefault("exclusive_area", unit.fields["area"])
            if exclusive > unit.fields["area"]:
                self.error(unit.given_at["exclusive_area"], EXCLUSIVE, _("专有部分面积不能大于建筑面积。"))
        return self.plan


def validate(sheet, report) -> Plan:
    """The plan of a units sheet; `report(phase, done, total)` is called as rows are checked."""
    validator = _Validator()
    rows = sheet.iter_rows(values_only=True)
    header = [cell_text(v) for v in next(rows, ())]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    for column in missing:
        validator.error(1, column, _("缺少必需的列“%(column)s”（请使用导入模板）。") % {"column": column})
    if missing:
        return validator.plan
    positions = {column: header.index(column) for column in UNIT_COLUMNS if column in header}
    total = count_rows(sheet)
    report(ImportJob.Status.VALIDATING, 0, total)
    for row_number, values in enumerate(rows, start=2):
        if not values or all(v is None or cell_text(v) == "" for v in values):
            continue
        validator.add(row_number, {c: values[i] if i < len(values) else None for c, i in positions.items()})
        if validator.plan.rows % PROGRESS_EVERY == 0:
            report(ImportJob.Status.VALIDATING, validator.plan.rows, total)
    plan = validator.finish()
    if not plan.rows and not plan.error_count:
        validator.error(None, "", _("文件中没有数据行。"))
    report(ImportJob.Status.VALIDATING, plan.rows, plan.rows)
    return plan
