"""The receipt (收款收据) of a payment as a PDF, in the embedded CJK font of linli.core.pdf:
company, community, unit, owner, the period lines it settled, and the amount in figures and in
capital numerals. A reversed payment's receipt is printed with 作废 across it."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from linli.core.money import chinese_amount
from linli.core.pdf import BODY, FONT, SIGN, TITLE, build_pdf

from .models import Payment

CELL = ParagraphStyle("receipt-cell", parent=BODY, fontSize=9.5, leading=13)
FIGURE = ParagraphStyle("receipt-figure", parent=CELL, alignment=2)


def _p(text, style=CELL) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _void_mark(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 72)
    canvas.setFillColor(colors.Color(0.85, 0.1, 0.1, alpha=0.25))
    canvas.translate(doc.pagesize[0] / 2, doc.pagesize[1] / 2)
    canvas.rotate(20)
    canvas.drawCentredString(0, 0, _("作废"))
    canvas.restoreState()


def receipt_pdf(payment: Payment) -> bytes:
    unit = payment.unit
    owners = "、".join(o.owner.name for o in unit.ownerships.select_related("owner").order_by("-is_voter", "id"))
    cashier = (payment.received_by.display_name or payment.received_by.username) if payment.received_by else _("系统")
    facts = Table([
        [_p(_("收款单位：%(v)s") % {"v": payment.company.name}), _p(_("收据号：%(v)s") % {"v": payment.receipt_no})],
        [_p(_("小区：%(v)s") % {"v": payment.community.name}),
         _p(_("房屋：%(v)s") % {"v": f"{unit.building.name} {unit.number}"})],
        [_p(_("业主：%(v)s") % {"v": owners or "—"}),
         _p(_("收款时间：%(v)s") % {"v": timezone.localtime(payment.received_at).strftime("%Y-%m-%d %H:%M")})],
        [_p(_("支付方式：%(v)s") % {"v": payment.get_method_display()}), _p(_("经办人：%(v)s") % {"v": cashier})],
    ], colWidths=[96 * mm, 76 * mm])
    facts.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))

    rows = [[_p(_("账期")), _p(_("收费项目")), _p(_("金额（元）"), FIGURE)]]
    for allocation in payment.allocations.select_related("bill").prefetch_related("bill__lines").order_by("id"):
        bill = allocation.bill
        for index, line in enumerate(bill.lines.all()):
            rows.append([_p(bill.period if index == 0 else ""), _p(line.description), _p(line.amount, FIGURE)])
        settled = _("本次收取（本期应收 %(amount)s）") % {"amount": bill.amount}
        rows.append(["", _p(settled), _p(allocation.amount, FIGURE)])
        if allocation.late_fee:
            rows.append(["", _p(_("违约金")), _p(allocation.late_fee, FIGURE)])
    if payment.credit:
        rows.append(["", _p(_("转入预存")), _p(payment.credit, FIGURE)])
    rows.append([_p(_("合计")), _p(_("人民币（大写）%(words)s") % {"words": chinese_amount(payment.amount)}),
                 _p(f"¥{payment.amount}", FIGURE)])
    table = Table(rows, colWidths=[24 * mm, 112 * mm, 36 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, 9.5),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.93, 0.95, 0.98)),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    story = [_p(_("%(company)s 收款收据") % {"company": payment.company.name}, TITLE), facts, Spacer(1, 3 * mm),
             table, Spacer(1, 4 * mm), _p(_("本收据加盖收款单位财务专用章后有效。"), SIGN)]
    return build_pdf(story, title=_("收款收据 %(no)s") % {"no": payment.receipt_no}, pagesize=landscape(A5),
                     margin=10 * mm, on_page=_void_mark if payment.is_void else None)
