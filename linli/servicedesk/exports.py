"""The daily review as .xlsx (property staff live in Excel) and as PDF (for the file and the
notice board), with reportlab's built-in CJK font like every PDF of the platform."""

import datetime as dt
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from linli.core import exports
from linli.core.pdf import BODY, TITLE, build_pdf, grid_style

from .review import is_projection, review_sections

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def review_lists() -> list[tuple[str, str]]:
    return [("overdue", _("超时未办结")), ("late_accept", _("未按时受理")), ("no_note_today", _("今日未跟进")),
            ("reopened", _("重新打开")), ("repeats", _("重复投诉"))]


def review_counts(review: dict) -> list[tuple[str, int]]:
    return [(_("当日新增"), review["new"]), (_("当日办结"), review["resolved"]), (_("日终未办结"), review["open"])] + [
        (label, len(review[key])) for key, label in review_lists()] + [
        (title, len(rows)) for _key, title, _columns, rows in review_sections(review)]


def _title(community, review: dict) -> str:
    title = _("%(community)s 日清日审 %(date)s") % {"community": community.name, "date": review["date"]}
    # A day still to come is a projection: the file must not pass for the day's review.
    return title + _("（预测）") if is_projection(dt.date.fromisoformat(review["date"])) else title


def _columns() -> list[str]:
    return [_("工单号"), _("类型"), _("分类"), _("标题"), _("位置"), _("状态"), _("处理人"), _("登记时间"), _("办结时限")]


def _row(request) -> list[str]:
    def when(moment):
        return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""

    return [str(request.pk), str(request.get_kind_display()), request.category.name if request.category_id else "",
            request.title, request.location, str(request.get_status_display()), str(request.assignee or ""),
            when(request.created_at), when(request.resolve_by)]


def review_xlsx(*, community, review: dict, rows: dict) -> bytes:
    workbook = exports.workbook()
    summary = workbook.active
    summary.title = _("汇总")
    summary.append([_title(community, review)])
    summary["A1"].font = Font(bold=True, size=14)
    for label, value in review_counts(review):
        summary.append([label, value])
    summary.column_dimensions["A"].width = 16
    for key, label in review_lists():
        sheet = workbook.create_sheet(label)
        sheet.append(_columns())
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for request in rows[key]:
            sheet.append(_row(request))
        for column, width in zip("ABCDEFGHI", (8, 8, 10, 30, 24, 10, 10, 17, 17)):
            sheet.column_dimensions[column].width = width
    for _key, title, columns, section_rows in review_sections(review):
        sheet = workbook.create_sheet(title[:31])
        sheet.append(list(columns))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in section_rows:
            sheet.append(row["cells"])
        for column in sheet.iter_cols(min_row=1, max_row=1):
            sheet.column_dimensions[column[0].column_letter].width = 20
    return exports.save(workbook)


def review_pdf(*, community, review: dict, rows: dict) -> bytes:
    style = grid_style()
    story = [Paragraph(escape(_title(community, review)), TITLE),
             Table([[label for label, _v in review_counts(review)], [str(v) for _l, v in review_counts(review)]],
                   style=style),
             Spacer(1, 6 * mm)]
    cell = BODY.clone("cell", fontSize=9, leading=12)
    for key, label in review_lists():
        story.append(Paragraph(escape(f"{label}（{len(review[key])}）"), BODY))
        if rows[key]:
            data = [_columns()] + [[Paragraph(escape(v), cell) for v in _row(r)] for r in rows[key]]
            story.append(Table(data, style=style, repeatRows=1,
                               colWidths=[14 * mm, 14 * mm, 18 * mm, 60 * mm, 48 * mm, 18 * mm, 20 * mm, 28 * mm,
                                          28 * mm]))
        story.append(Spacer(1, 4 * mm))
    for _key, title, columns, section_rows in review_sections(review):
        story.append(Paragraph(escape(f"{title}（{len(section_rows)}）"), BODY))
        if section_rows:
            data = [list(columns)] + [[Paragraph(escape(v), cell) for v in r["cells"]] for r in section_rows]
            story.append(Table(data, style=style, repeatRows=1))
        story.append(Spacer(1, 4 * mm))
    return build_pdf(story, title=_("日清日审"), pagesize=landscape(A4), margin=12 * mm)
