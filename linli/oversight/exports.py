"""Rankings and statistics as .xlsx (openpyxl): what the regulator's office keeps in Excel."""

from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl.styles import Font

from linli.core import exports


def _sheet(book, title: str, header: list[str], rows: list[list], first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(row)
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = 16
    sheet.freeze_panes = "A2"


def _decimal(value):
    # Scores kept in a published ranking are JSON strings; Excel needs numbers to sort and sum,
    # and openpyxl writes a Decimal as a number cell.
    return None if value is None else Decimal(str(value))


def rankings_xlsx(rows: list[dict], rankings) -> bytes:
    book = exports.workbook()
    labels = {"recommended": _("推荐"), "normal": _("合格"), "failed": _("不及格"), None: _("待评")}
    _sheet(book, _("年度综合考评"), [_("名次"), _("物业服务企业"), _("日常考评(60%)"), _("年度考核(40%)"),
                                   _("综合得分"), _("结果")],
           [[r["rank"], r["company"].name, r["quarterly_avg"], r["annual"], r["total"],
             labels[r["status"]]] for r in rows], first=True)
    _sheet(book, _("季度排名"), [_("季度"), _("街道办事处"), _("名次"), _("物业服务企业"), _("得分"), _("报送日期"),
                               _("逾期")],
           [[k.quarter, k.subdistrict.name, row["rank"], row["name"], _decimal(row["score"]), k.submitted_on,
             _("是") if k.late else _("否")] for k in rankings for row in k.rows])
    return exports.save(book)


def statistics_xlsx(hotline: list[dict], inspections, formation: list[dict]) -> bytes:
    book = exports.workbook()
    _sheet(book, _("热线统计"), [_("物业服务企业"), _("受理"), _("办结"), _("按时办结率"), _("回访满意率"),
                               _("重复投诉率"), _("督办次数")],
           [[r["company__name"], r["total"], r["resolved"], r["on_time_rate"],
             r["satisfaction_rate"], r["repeat_rate"], r["urges"]] for r in hotline], first=True)
    _sheet(book, _("检查记录"), [_("季度"), _("物业服务企业"), _("小区"), _("得分"), _("检查日期"), _("类型")],
           [[i.quarter, i.company.name, i.community.name, i.score, i.inspected_on, i.get_kind_display()]
            for i in inspections])
    _sheet(book, _("业委会组建"), [_("小区"), _("具备组建条件"), _("业委会"), _("合同签订期限"), _("逾期")],
           [[r["community"].name, _("是") if r["eligible"] else _("否"), r["status"], r["deadline"],
             _("是") if r["overdue"] else _("否")] for r in formation])
    return exports.save(book)


def training_xlsx(rows: list[dict]) -> bytes:
    """The training round per company (篇三: 8月底前全部轮训一遍) and the staff still untrained."""
    book = exports.workbook()
    _sheet(book, _("培训覆盖率"), [_("物业服务企业"), _("年度"), _("截止日期"), _("在职员工"), _("已培训"),
                                 _("覆盖率(%)"), _("未培训")],
           [[r["company"].name, r["year"], r["deadline"], r["total"], r["trained"], r["rate"], len(r["untrained"])]
            for r in rows], first=True)
    _sheet(book, _("未培训人员"), [_("物业服务企业"), _("小区"), _("姓名"), _("岗位"), _("班组")],
           [[r["company"].name, s.community.name, s.name, s.position.name, s.team.name if s.team else ""]
            for r in rows for s in r["untrained"]])
    return exports.save(book)
