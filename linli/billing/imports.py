"""Meter readings from .xlsx, the way the registry import works (linli/estates/registry/): every
row is checked first and any bad row rejects the whole file with a row-by-row report; then all
readings are written set-based in one transaction, with one audit event. Importing the same file
again updates the readings of that period, so a corrected file simply replaces them."""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.dates import parse_period
from linli.core.errors import ValidationFailed
from linli.core.exports import xlsx
from linli.core.tenancy import Actor
from linli.core.uploads import XLSX, check_upload
from linli.estates.models import Community, Unit
from linli.estates.registry import ImportRejected, cell_text, open_sheet, read_bytes

from .models import MeterReading

BUILDING, NUMBER, PREVIOUS, READING = "楼栋", "房号", "上次读数", "本次读数"
COLUMNS = [BUILDING, NUMBER, PREVIOUS, READING]
MAX_READING = 10 ** 9


def _reading(value) -> Decimal:
    try:
        number = Decimal(cell_text(value).replace(",", ""))
    except InvalidOperation:
        raise ValueError(_("应为数字，如 123.45。")) from None
    if not number.is_finite() or number < 0 or number >= MAX_READING:
        raise ValueError(_("应为 0 到 999999999 之间的数字。"))
    if number != number.quantize(Decimal("0.01")):
        raise ValueError(_("最多保留两位小数。"))
    return number.quantize(Decimal("0.01"))


def meter_reading_import(*, actor: Actor, community: Community, period: str, file, in_background: bool = False) -> int:
    """Import one period's readings; returns how many rows were written.

    The file is read in the caller's process. Inside a web request (the default) that is a worker
    the site needs, so a file that expands beyond LINLI_INLINE_IMPORT_MB is refused with a pointer
    to `manage.py import_meter_readings`, which reads up to the general spreadsheet limit."""
    actor.require("billing.configure", community)
    period = str(parse_period(period))
    if file is None:
        raise ValidationFailed(_("请选择要导入的文件。"), fields={"file": [_("请选择文件。")]})
    check_upload(file, field="file", what=_("抄表文件"), kinds=(XLSX,))
    units = {(b, n): pk for b, n, pk in Unit.objects.filter(community=community)
             .values_list("building__name", "number", "id")}
    previous = {}
    for unit_id, reading in (MeterReading.objects.filter(community=community, period__lt=period)
                             .order_by("unit_id", "period").values_list("unit_id", "reading")):
        previous[unit_id] = reading
    if in_background:
        workbook, sheet = open_sheet(read_bytes(file))
    else:
        workbook, sheet = open_sheet(read_bytes(file), max_uncompressed_mb=settings.LINLI_INLINE_IMPORT_MB,
                                      advice=_("请按楼栋拆成几个文件分别导入，或请管理员在服务器上用 "
                                               "manage.py import_meter_readings 导入。"))
    errors, readings = [], {}
    try:
        rows = sheet.iter_rows(values_only=True)
        header = [cell_text(v) for v in next(rows, ())]
        missing = [c for c in (BUILDING, NUMBER, READING) if c not in header]
        if missing:
            raise ImportRejected([{"row": 1, "column": c, "message": _("缺少必需的列“%(column)s”（请使用抄表模板）。")
                                   % {"column": c}} for c in missing])
        at = {c: header.index(c) for c in (BUILDING, NUMBER, READING)}
        for row_number, values in enumerate(rows, start=2):
            cells = {c: cell_text(values[i]) if i < len(values) else "" for c, i in at.items()}
            if not any(cells.values()):
                continue
            if not cells[READING]:
                continue  # a unit without a meter, or not read this time
            unit_id = units.get((cells[BUILDING], cells[NUMBER]))
            if unit_id is None:
                errors.append({"row": row_number, "column": NUMBER, "message": _("本小区没有该房屋。")})
                continue
            try:
                value = _reading(values[at[READING]])
            except ValueError as exc:
                errors.append({"row": row_number, "column": READING, "message": str(exc)})
                continue
            if unit_id in readings:
                errors.append({"row": row_number, "column": NUMBER, "message": _("同一房屋出现了两次。")})
            elif unit_id in previous and value < previous[unit_id]:
                errors.append({"row": row_number, "column": READING, "message": _(
                    "小于上次读数 %(previous)s。") % {"previous": previous[unit_id]}})
            readings[unit_id] = value
    finally:
        workbook.close()
    if errors:
        raise ImportRejected(errors)
    if not readings:
        raise ImportRejected([{"row": None, "column": READING, "message": _("文件中没有读数。")}])
    user = actor.user if actor.is_authenticated else None
    now = timezone.now()
    with transaction.atomic():
        MeterReading.objects.filter(community=community, period=period, unit_id__in=readings).delete()
        MeterReading.objects.bulk_create(
            [MeterReading(community=community, unit_id=unit_id, period=period, reading=value, recorded_by=user,
                          created_at=now, updated_at=now) for unit_id, value in readings.items()],
            batch_size=2000)
        audit_record(actor=actor, action="meter_reading.import", target=community, community_id=community.pk,
                     data={"period": period, "readings": len(readings), "file": str(getattr(file, "name", ""))})
    return len(readings)


def meter_reading_template(*, community: Community, period: str) -> bytes:
    """A sheet of the community's units with their last reading, for the meter reader to fill in."""
    period = str(parse_period(period))
    last = {}
    for unit_id, reading in (MeterReading.objects.filter(community=community, period__lt=period)
                             .order_by("unit_id", "period").values_list("unit_id", "reading")):
        last[unit_id] = reading
    rows = ([building, number, last.get(unit_id), None]
            for unit_id, building, number in (Unit.objects.filter(community=community)
                                              .order_by("building__name", "number")
                                              .values_list("id", "building__name", "number")))
    return xlsx([(_("抄表 %(period)s") % {"period": period}, COLUMNS, rows)])
