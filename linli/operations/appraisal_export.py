"""An appraisal as .xlsx: the overall ranking with each criterion and the band, then the ranking
per position and per team (篇一 5.6)."""

from django.utils.translation import gettext as _

from linli.core import exports

from .models import Band


def appraisal_xlsx(*, appraisal, report: dict) -> bytes:
    criteria = [c["name"] for c in appraisal.criteria]
    band_names = dict(Band.choices)

    def line(row, *first):
        return [*first, row["member"].name, row["position"], row["team"], *row["scores"], row["total"],
                str(band_names.get(row["band"], "")), row["comment"]]

    tail = [*criteria, _("总分"), _("结果"), _("评语")]
    return exports.xlsx([
        (_("总排名"), [_("名次"), _("姓名"), _("岗位"), _("班组"), *tail],
         (line(r, r["rank"]) for r in report["rows"])),
        (_("按岗位排名"), [_("岗位"), _("岗位内名次"), _("姓名"), _("岗位"), _("班组"), *tail],
         (line(r, r["position"], r["position_rank"]) for r in report["by_position"])),
        (_("按班组排名"), [_("班组"), _("班组内名次"), _("姓名"), _("岗位"), _("班组"), *tail],
         (line(r, r["team"], r["team_rank"]) for r in report["by_team"])),
    ])


def appraisal_filename(appraisal) -> str:
    return f"{appraisal.name}-{_('员工考核')}.xlsx"
