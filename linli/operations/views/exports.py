"""Downloads of the people pages: staff records as .xlsx (phones masked for roles without
"personal.phone"), the week's roster and a route's checkpoint QR codes as PDF, in reportlab's
built-in CJK font like every PDF of the platform."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from linli.core import exports
from linli.core.masking import mask_phone
from linli.core.pdf import BODY, FONT, TITLE, build_pdf, grid_style

WEEKDAY_NAMES = ("一", "二", "三", "四", "五", "六", "日")


def staff_xlsx(*, community, members, show_phones: bool) -> bytes:
    workbook = exports.workbook()
    sheet = workbook.active
    sheet.title = _("员工档案")
    sheet.append([_("姓名"), _("岗位"), _("条线"), _("班组"), _("分区"), _("手机号"), _("入职日期"), _("离职日期"),
                  _("在职")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for m in members:
        sheet.append([m.name, m.position.name, str(m.position.get_kind_display()), m.team.name if m.team_id else "",
                      m.team.zone.name if m.team_id and m.team.zone_id else "",
                      m.phone if show_phones else mask_phone(m.phone), m.hired_on, m.left_on,
                      _("是") if m.active else _("否")])
    for column, width in zip("ABCDEFGHI", (10, 14, 10, 16, 10, 14, 12, 12, 6)):
        sheet.column_dimensions[column].width = width
    return exports.save(workbook)


def roster_pdf(*, community, week: dict) -> bytes:
    """The week grid on one landscape A4 page per ~20 teams: a row per team, a column per day."""
    cell = BODY.clone("cell", fontSize=8, leading=11)
    header = [_("班组")] + [f"{d:%m-%d} {_('周')}{WEEKDAY_NAMES[d.weekday()]}" for d in week["days"]]
    data = [header]
    for row in week["rows"]:
        cells = [Paragraph(escape(row["team"].name), cell)]
        for entries in row["cells"]:
            text = "<br/>".join(escape(f"{e.shift.name} {e.member.name}") for e in entries)
            cells.append(Paragraph(text or "—", cell))
        data.append(cells)
    first, last = week["days"][0], week["days"][-1]
    story = [Paragraph(escape(_("%(community)s 排班表 %(first)s 至 %(last)s") % {
        "community": community.name, "first": first.isoformat(), "last": last.isoformat()}), TITLE)]
    if week["rows"]:
        story.append(Table(data, style=grid_style(), repeatRows=1, colWidths=[35 * mm] + [34 * mm] * 7))
    else:
        story.append(Paragraph(escape(_("本周还没有排班。")), BODY))
    story += [Spacer(1, 6 * mm), Paragraph(escape(_("打印时间：%(now)s") % {
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M")}), BODY)]
    return build_pdf(story, title=_("排班表"), pagesize=landscape(A4), margin=10 * mm)


QR_SIZE = 45 * mm
COLUMNS = 3


def _qr(url: str) -> Drawing:
    widget = QrCodeWidget(url, barLevel="M")
    x1, y1, x2, y2 = widget.getBounds()
    drawing = Drawing(QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0],
                      initialFontName=FONT)  # a drawing otherwise opens in Helvetica, never embedded
    drawing.add(widget)
    return drawing


def checkpoints_qr_pdf(*, route, points, scan_url) -> bytes:
    """A sheet of QR codes to stick up on site: each encodes the checkpoint's check-in URL,
    with the checkpoint's name and its code to type when the camera fails."""
    name_style = BODY.clone("qrname", fontSize=11, leading=14, alignment=1)
    code_style = BODY.clone("qrcode", fontSize=14, leading=18, alignment=1)
    cells = []
    for point in points:
        cells.append([_qr(scan_url(point.code)), Paragraph(escape(point.name), name_style),
                      Paragraph(escape(_("点位码 %(code)s") % {"code": point.code}), code_style)])
    rows = [cells[i:i + COLUMNS] for i in range(0, len(cells), COLUMNS)]
    if rows:
        rows[-1] += [""] * (COLUMNS - len(rows[-1]))
    story = [Paragraph(escape(_("%(route)s 巡更点二维码") % {"route": route.name}), TITLE)]
    if rows:
        story.append(Table(rows, colWidths=[60 * mm] * COLUMNS, style=TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.lightgrey), ("ALIGN", (0, 0), (-1, -1), "CENTER"),
            ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 4 * mm),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4 * mm)])))
    else:
        story.append(Paragraph(escape(_("这条路线还没有巡更点。")), BODY))
    return build_pdf(story, title=_("巡更点二维码"), margin=12 * mm)
