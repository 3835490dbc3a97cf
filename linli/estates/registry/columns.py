"""The registry file format: the sheet, its columns and the labels of the choices.

They are the same in every UI language, so that a file travels between users (and an export can
be imported again)."""

from decimal import Decimal

from django.utils import translation

from ..models import Owner, Unit

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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


def _source_labels(choices) -> dict[str, str]:
    """value → the model's label in the source language (Chinese), whatever language is active."""
    with translation.override(None):
        return {value: str(label) for value, label in choices}


USAGE_LABELS = _source_labels(Unit.Usage.choices)
STATUS_LABELS = _source_labels(Unit.Status.choices)
KIND_LABELS = _source_labels(Owner.Kind.choices)
