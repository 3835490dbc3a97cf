"""Reading a registry workbook: the file, its units sheet, and each cell's text or value.

`open_sheet`, `read_bytes` and `cell_text` also serve the other .xlsx imports (meter readings,
facility progress), so that every import reads files and reports unreadable ones the same way."""

import datetime as dt
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from linli.core.errors import ValidationFailed
from linli.core.money import CENT
from linli.core.uploads import open_workbook

from .columns import (
    AREA,
    BILLING_START,
    BUILDING,
    EXCLUSIVE,
    FLOOR,
    KIND_LABELS,
    LOW_INCOME,
    MAX_AREA,
    NO,
    NUMBER,
    OCCUPANTS,
    OWNER,
    OWNER_KIND,
    STATUS,
    STATUS_LABELS,
    UNITS_SHEET,
    USAGE,
    USAGE_LABELS,
    YES,
    ZONE,
)


class ImportRejected(ValidationFailed):
    """The file has bad rows: nothing was imported. `errors` is the row-by-row report."""

    code = "import_rejected"

    def __init__(self, errors: list[dict], count: int | None = None):
        self.errors = errors
        self.count = count if count is not None else len(errors)
        super().__init__(_("文件中有 %(count)s 处错误，未导入任何数据。") % {"count": self.count})


# The file ---------------------------------------------------------------------------------

def read_bytes(path_or_file) -> bytes:
    """The content of a path, a stored file (a job's) or an uploaded file."""
    if isinstance(path_or_file, (str, os.PathLike)):
        return Path(path_or_file).read_bytes()
    if isinstance(path_or_file, FieldFile):
        with path_or_file.open("rb") as fh:
            return fh.read()
    if hasattr(path_or_file, "seek"):
        path_or_file.seek(0)
    return path_or_file.read()


def open_sheet(data: bytes, *, max_uncompressed_mb: int | None = None, advice: str | None = None):
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


def count_rows(sheet) -> int | None:
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


# Cells ------------------------------------------------------------------------------------

class BadCell(Exception):
    """A cell's value does not fit its column; the message says how."""


def cell_text(value) -> str:
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
        raise BadCell(_("应为数字，如 89.50。"))
    try:
        number = Decimal(cell_text(value).replace(",", ""))
    except InvalidOperation:
        raise BadCell(_("应为数字，如 89.50。")) from None
    if not number.is_finite():
        raise BadCell(_("应为数字，如 89.50。"))
    if number <= 0:
        raise BadCell(_("必须大于 0。"))
    if number > MAX_AREA:
        raise BadCell(_("数值过大。"))
    if number != number.quantize(CENT):
        raise BadCell(_("最多保留两位小数。"))
    return number.quantize(CENT)


def _integer(value, minimum: int, maximum: int) -> int:
    text = cell_text(value)
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadCell(_("应为整数。")) from None
    if isinstance(value, bool) or not number.is_finite() or number != number.to_integral_value():
        raise BadCell(_("应为整数。"))
    if not minimum <= number <= maximum:
        raise BadCell(_("应在 %(min)s 到 %(max)s 之间。") % {"min": minimum, "max": maximum})
    return int(number)


def _choice(value, labels: dict[str, str]) -> str:
    text = cell_text(value)
    for code, label in labels.items():
        if text == label or text.lower() == code:
            return code
    raise BadCell(_("应为以下之一：%(choices)s。") % {"choices": "、".join(labels.values())})


def _yes_no(value) -> bool:
    if isinstance(value, bool):
        return value
    text = cell_text(value).lower()
    if text in {YES, "yes", "y", "true", "1"}:
        return True
    if text in {NO, "no", "n", "false", "0"}:
        return False
    raise BadCell(_("应为“是”或“否”。"))


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
    raise BadCell(_("日期格式应为 YYYY-MM-DD。"))


def _name(value, max_length: int) -> str:
    text = cell_text(value)
    if len(text) > max_length:
        raise BadCell(_("不能超过 %(n)s 个字符。") % {"n": max_length})
    return text


def _zone_path(value) -> tuple[str, ...]:
    parts = tuple(part.strip() for part in cell_text(value).replace("／", "/").split("/"))
    if not all(parts):
        raise BadCell(_("分区应写成“南区/金苗园”的形式，各级名称不能为空。"))
    for part in parts:
        _name(part, 60)
    return parts


IDENTITY_PARSERS = {
    ZONE: lambda v: _zone_path(v) if cell_text(v) else None,
    BUILDING: lambda v: _name(v, 60),
    NUMBER: lambda v: _name(v, 30),
    OWNER: lambda v: _name(v, 120),
    OWNER_KIND: lambda v: _choice(v, KIND_LABELS) if cell_text(v) else "",
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
