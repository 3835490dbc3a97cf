"""The late offices (篇三 三、(二)) as .xlsx: the district's chase list."""

from django.utils.translation import gettext as _

from linli.core import exports

from .exports import _sheet


def late_offices_xlsx(rows: list[dict]) -> bytes:
    book = exports.workbook()
    _sheet(book, _("逾期单位"), [_("责任单位"), _("类别"), _("目标任务"), _("目标数量"), _("已完成数量"), _("完成期限"),
                                _("完成日期"), _("逾期天数")],
           [[r["office"].name, i.get_kind_display(), i.title, i.target_count, i.done_count, i.deadline, i.completed_on,
             i.days_late] for r in rows for i in r["items"]], first=True)
    return exports.save(book)
