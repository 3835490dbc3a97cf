"""The owner's account-opening notice as a PDF, in the embedded CJK font of linli.core.pdf."""

from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer

from linli.core.pdf import BODY, SIGN, TITLE, build_pdf

CODE = ParagraphStyle("code", parent=BODY, fontSize=24, leading=34, alignment=1, spaceBefore=4 * mm,
                      spaceAfter=4 * mm)


def invitation_notice_pdf(*, owner, units, code, invitation, activate_url) -> bytes:
    expires = timezone.localtime(invitation.expires_at).strftime("%Y-%m-%d")
    unit_names = "、".join(str(u) for u in units) or "—"
    issuer = owner.community.company.name if owner.community.company_id else _("物业服务中心")
    lines = [
        Paragraph(escape(_("%(community)s 业主账号开通通知") % {"community": owner.community.name}), TITLE),
        Paragraph(escape(_("尊敬的 %(name)s：") % {"name": owner.name}), BODY),
        Paragraph(escape(_("您登记的房屋：%(units)s。") % {"units": unit_names}), BODY),
        Paragraph(escape(_("请使用下面的一次性邀请码开通“邻里”账号，开通后可查看房屋信息、缴费、报修和参与业主表决。")), BODY),
        Paragraph(escape(code), CODE),
        Paragraph(escape(_("开通步骤：1. 打开 %(url)s ；2. 输入邀请码，设置用户名和密码；3. 登录后即可使用。")
                         % {"url": activate_url}), BODY),
        Paragraph(escape(_("邀请码有效期至 %(date)s，仅可使用一次，请勿转告他人。") % {"date": expires}), BODY),
        Spacer(1, 10 * mm),
        Paragraph(escape(f"{issuer}  {timezone.localdate():%Y-%m-%d}"), SIGN),
    ]
    return build_pdf(lines, title=_("业主账号开通通知"))
