"""The reports as .xlsx (openpyxl): what the school office keeps in Excel."""

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from linli.core import exports


def _workbook(title: str, header: list[str], rows: list[list]) -> bytes:
    book = exports.workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 14
    sheet.freeze_panes = "A2"
    return exports.save(book)


def participation_xlsx(rows: list[dict]) -> bytes:
    return _workbook(_("参与率"), [_("年级"), _("班级"), _("学生人数"), _("参加人数"), _("参与率(%)")], [
        [r["school_class"].grade.name, r["school_class"].name, r["students"], r["enrolled"], r["rate"]]
        for r in rows])


def attendance_xlsx(rows: list[dict]) -> bytes:
    return _workbook(_("出勤率"), [_("年级"), _("班级"), _("考勤人次"), _("出勤"), _("迟到"), _("缺勤"), _("请假"),
                                  _("应到人次"), _("出勤率(%)")], [
        [r["school_class"].grade.name, r["school_class"].name, r["total"], r["present"], r["late"], r["absent"],
         r["leave"], r["expected"], r["rate"]] for r in rows])
