"""PDFs of the governance app in the embedded CJK font of linli.core.pdf:
an assembly's minutes (会议记录) and an owner's maintenance-fund statement."""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from linli.core.errors import PermissionDenied
from linli.core.money import percent
from linli.core.pdf import BODY, FONT, HEADING, SIGN, TITLE, build_pdf, grid_style

from .models import SPECIAL_MATTERS, Assembly, Matter
from .services.assemblies import motion_count, motion_roll
from .services.common import can_run

CELL = ParagraphStyle("cell", parent=BODY, fontSize=9.5, leading=14)
GRID = grid_style(9.5, valign="MIDDLE")


def _p(text, style=BODY) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def rule_text(matter: str) -> str:
    if matter in SPECIAL_MATTERS:
        return _("参与表决的专有部分面积和人数均达 2/3 以上，且经参与表决者中面积和人数各 3/4 以上同意")
    return _("参与表决的专有部分面积和人数均达 2/3 以上，且经参与表决者中面积和人数各过半数同意")


def result_rows(result: dict) -> list[dict]:
    """The exact counts of a result as rows: what, owners, area (m²), and for participation its
    share of the roll and for approval its share of the participants — the shares the rules test."""
    def row(label, key, of=None):
        owners, area = result[f"{key}_owners"], result[f"{key}_area"]
        # The stored areas are decimal strings; a zero whole must read as zero, so it is a Decimal here.
        shares = (percent(owners, result[f"{of}_owners"]), percent(area, Decimal(result[f"{of}_area"]))) if of \
            else (None, None)
        return {"label": label, "owners": owners, "area": area, "owners_share": shares[0], "area_share": shares[1]}

    return [row(_("表决名册"), "total"), row(_("参与表决"), "participating", "total"),
            row(_("同意"), "yes", "participating"), row(_("反对"), "no"), row(_("弃权"), "abstain")]


def _with_share(value, share) -> str:
    return f"{value}（{share}%）" if share is not None else str(value)


def assembly_minutes_pdf(*, actor, assembly: Assembly) -> bytes:
    """The minutes: notice, attendance, and every motion with its exact result. Owners may have
    them once the results are published; those who run the vote, at any time (as a draft)."""
    if assembly.published_at is None and not can_run(actor, assembly.community_id):
        raise PermissionDenied(_("表决结果公布前只有业主委员会可以查看。"), code="not_published")
    community = assembly.community
    convenor = (_("%(community)s业主大会筹备组") % {"community": community.name} if assembly.prep_group_id
                else _("%(community)s业主委员会") % {"community": community.name})
    title = _("%(community)s%(title)s会议记录") % {"community": community.name, "title": assembly.title}
    story = [_p(title, TITLE)]
    if assembly.published_at is None:
        story.append(_p(_("（草稿：表决结果尚未公布）"), SIGN))
    facts = [
        [_("召集人"), convenor],
        [_("会议形式"), assembly.get_form_display()],
        [_("地点"), assembly.place or "—"],
        [_("表决时间"), f"{_when(assembly.opened_at)} — {_when(assembly.closed_at or assembly.closes_at)}"],
        [_("签到人数"), _("%(n)s 人，其中凭书面委托 %(p)s 人") % {
            "n": assembly.sign_ins.count(), "p": assembly.sign_ins.filter(proxy__isnull=False).count()}],
        [_("结果公布"), _when(assembly.published_at)],
    ]
    story.append(Table([[_p(k, CELL), _p(v, CELL)] for k, v in facts], colWidths=[30 * mm, 140 * mm],
                       style=TableStyle([("FONT", (0, 0), (-1, -1), FONT, 9.5),
                                         ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey)])))
    if assembly.notice:
        story += [_p(_("会议通知"), HEADING), _p(assembly.notice)]
    story.append(_p(_("表决事项及结果"), HEADING))
    for motion in assembly.motions.all():
        result = motion.result or motion_count(motion, detailed=True)
        roll = motion_roll(motion)
        proxies = motion.votes.filter(proxy__isnull=False).count()
        verdict = _("通过") if result["passed"] else _("未通过")
        story += [
            _p(f"{motion.position}. {motion.title}", ParagraphStyle("motion", parent=BODY, fontSize=11.5)),
            _p(_("事项类别：%(matter)s。表决规则：%(rule)s。") % {"matter": Matter(motion.matter).label,
                                                         "rule": rule_text(motion.matter)}, CELL),
            Table([[_("项目"), _("人数"), _("专有部分面积（m²）")],
                   *[[r["label"], _with_share(r["owners"], r["owners_share"]), _with_share(r["area"], r["area_share"])]
                     for r in result_rows(result)]],
                  colWidths=[40 * mm, 60 * mm, 70 * mm], style=GRID),
            _p(_("参与表决达到法定比例：%(quorum)s；表决结果：%(verdict)s。书面委托投票 %(proxies)s 票。"
                 "表决名册生成于 %(taken)s。") % {
                "quorum": _("是") if result["quorum_met"] else _("否"), "verdict": verdict, "proxies": proxies,
                "taken": _when(roll.taken_at) if roll else "—"}, CELL),
            Spacer(1, 3 * mm),
        ]
    story += [Spacer(1, 12 * mm), *_officer_lines(assembly), _p(f"{convenor}　{timezone.localdate():%Y-%m-%d}", SIGN)]
    return build_pdf(story, title=title, margin=20 * mm)


def _officer_lines(assembly: Assembly) -> list:
    """The count signed by the scrutineers and tellers (篇四 §一.7(2)): each named, with the moment
    they signed on the platform and the digest of the votes they signed for; a blank line for a
    signature still to come, and for the officers when none are recorded (signed on paper)."""
    officers = list(assembly.count_officers.order_by("role", "id"))
    if not officers:
        return [_p(_("监票人（签字）：__________　　计票人（签字）：__________"), SIGN)]
    lines = []
    for officer in officers:
        if officer.signed_at:
            signed = _("已签字 %(at)s（计票摘要 %(digest)s）") % {"at": _when(officer.signed_at),
                                                           "digest": officer.signed_digest[:16]}
        else:
            signed = _("签字：__________")
        lines.append(_p(f"{officer.get_role_display()}：{officer.name}　{signed}", SIGN))
    return lines


def fund_statement_pdf(*, owner, accounts: list, entries_by_unit: dict) -> bytes:
    """An owner's statement of the maintenance fund: for each unit its account and its ledger."""
    title = _("专项维修资金对账单")
    story = [_p(title, TITLE),
             _p(_("业主：%(name)s　　小区：%(community)s　　日期：%(date)s") % {
                 "name": owner.name, "community": owner.community.name, "date": timezone.localdate()})]
    for account in accounts:
        story += [_p(_("房屋 %(unit)s：建筑面积 %(area)s m²，首期交存 %(first)s 元，余额 %(balance)s 元") % {
            "unit": account.unit, "area": account.unit.area, "first": account.first_deposit,
            "balance": account.balance}, HEADING)]
        rows = [[_("日期"), _("摘要"), _("金额（元）"), _("余额（元）")]]
        rows += [[_when(e.at)[:10], _p(e.shown_memo, CELL), str(e.amount), str(e.balance)]
                 for e in entries_by_unit.get(account.unit_id, [])]
        story.append(Table(rows, colWidths=[28 * mm, 82 * mm, 30 * mm, 30 * mm], style=GRID, repeatRows=1))
    return build_pdf(story, title=title, margin=20 * mm)

