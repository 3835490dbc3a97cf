"""The signed agreement and safety-responsibility letter as PDF, in the embedded CJK font of linli.core.pdf."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from linli.core.pdf import BODY, SIGN, TITLE, build_pdf

from .models import Agreement


def _para(text: str, style=BODY) -> Paragraph:
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def agreement_pdf(agreement: Agreement) -> bytes:
    application = agreement.application
    text, terms = agreement.text, application.terms
    student = application.student
    signed_at = timezone.localtime(agreement.signed_at)
    boarders = terms.get("boarders_until")
    lines = [
        _para(text.title, TITLE),
        _para(_("甲方（学校）：%(school)s") % {"school": application.school.name}),
        _para(_("乙方（监护人）：%(guardian)s　学生：%(student)s（%(class)s）") % {
            "guardian": application.guardian.name, "student": student.name, "class": student.school_class}),
        _para(_("服务项目：%(program)s（%(term)s）") % {"program": terms.get("program"), "term": terms.get("term")}),
        _para(_("服务时间：%(days)s %(time)s") % {"days": terms.get("weekdays"), "time": terms.get("time")}
              + (_("，住宿生到 %(until)s") % {"until": boarders} if boarders else "")),
        _para(_("服务内容：%(content)s") % {"content": " + ".join(terms.get("content", []))}),
        _para(_("服务方式：%(method)s") % {"method": terms.get("method") or "—"}),
        Spacer(1, 4 * mm),
        _para(text.body),
        Spacer(1, 10 * mm),
        _para(_("乙方签署：%(name)s（电子签名）") % {"name": agreement.signer_name}, SIGN),
        _para(_("签署时间：%(at)s") % {"at": f"{signed_at:%Y-%m-%d %H:%M:%S}"}, SIGN),
        _para(_("文本版本：v%(version)s　校验码：%(digest)s") % {"version": text.version,
                                                              "digest": agreement.digest[:16]}, SIGN),
    ]
    return build_pdf(lines, title=text.title)
