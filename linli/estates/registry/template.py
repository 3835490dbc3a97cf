"""The blank import template: the 房屋 sheet with example rows, and a 说明 sheet on every column."""

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from linli.core import exports

from .columns import (
    AREA,
    BILLING_START,
    BUILDING,
    EXCLUSIVE,
    FLOOR,
    ID_NUMBER,
    KIND_LABELS,
    LOW_INCOME,
    NO,
    NUMBER,
    OCCUPANTS,
    OWNER,
    OWNER_KIND,
    PHONE,
    STATUS,
    STATUS_LABELS,
    UNIT_COLUMNS,
    UNITS_SHEET,
    USAGE,
    USAGE_LABELS,
    YES,
    ZONE,
)

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
