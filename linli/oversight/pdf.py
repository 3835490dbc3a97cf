"""The documents of a failed company's path (篇五), in the embedded CJK font of linli.core.pdf:
the notice of criticism, the rectification order, the proposal to the city bureau, and the
written notice to the company's legal representative."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from linli.core.pdf import BODY, SIGN, TITLE, build_pdf

DOCUMENTS = ("criticism", "order", "proposal", "notice")


def _texts(r) -> dict:
    result, company = r.result, r.company
    facts = {"company": company.name, "year": result.year, "total": result.total, "rank": result.rank,
             "deadline": r.deadline, "issuer": r.jurisdiction.name,
             "representative": company.legal_representative or _("企业负责人"),
             "action": r.get_proposal_display() or _("降低资质等级或撤销资质证书")}
    return {
        "criticism": (_("关于%(company)s考评不及格的通报批评") % facts, [
            _("%(company)s：") % facts,
            _("经日常检查考评和年度考核，你单位 %(year)s 年度综合考评得分 %(total)s，排名第 %(rank)s 位，"
              "列全年综合考核后 3 名且低于 60 分，评定为不及格企业。现予以通报批评，并记入企业信誉档案。") % facts]),
        "order": (_("限期整改通知书") % facts, [
            _("%(company)s：") % facts,
            _("你单位 %(year)s 年度综合考评不及格。请于 %(deadline)s 前完成整改，并书面报告整改情况；"
              "逾期或整改不力的，将报请市房管局给予降低资质等级或撤销资质证书的处理。") % facts,
            r.requirements or ""]),
        "proposal": (_("关于对%(company)s给予资质处理的建议") % facts, [
            _("市房管局："),
            _("%(company)s %(year)s 年度综合考评不及格，经限期整改后复查仍不合格。"
              "根据考评办法，建议对该企业给予%(action)s的处理。") % facts]),
        "notice": (_("考评结果书面通报") % facts, [
            _("%(company)s 负责人 %(representative)s：") % facts,
            _("你单位 %(year)s 年度综合考评得分 %(total)s，评定为不及格企业，已通报批评并限期整改（期限 %(deadline)s）。"
              "特此书面通报。") % facts]),
    }


def rectification_document(rectification, document: str) -> bytes:
    title, paragraphs = _texts(rectification)[document]
    story = [Paragraph(escape(title), TITLE)]
    story += [Paragraph(escape(text), BODY) for text in paragraphs if text]
    story += [Spacer(1, 12 * mm),
              Paragraph(escape(f"{rectification.jurisdiction.name}  {timezone.localdate():%Y-%m-%d}"), SIGN)]
    return build_pdf(story, title=title)
