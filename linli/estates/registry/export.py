"""The community's registry as .xlsx, with the 房屋 sheet in the import columns."""

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import exports
from linli.core.audit import audit_record
from linli.core.masking import mask_id_number, mask_phone
from linli.core.tenancy import Actor

from .. import selectors
from ..models import Community
from .columns import (
    BUILDING,
    ID_NUMBER,
    KIND_LABELS,
    NO,
    OWNER_KIND,
    PHONE,
    STATUS,
    STATUS_LABELS,
    UNIT_COLUMNS,
    UNITS_SHEET,
    USAGE_LABELS,
    YES,
    ZONE,
)


def registry_export(*, actor: Actor, community: Community) -> bytes:
    """The community's registry as .xlsx: 楼栋, 房屋 (the import columns, so it can be imported
    again), 业主, 车位, 经营用房. Phones and ID numbers are masked for roles that may not see them."""
    actor.require("estates.export", community)
    show_phone = actor.can("personal.phone", community)
    show_id = actor.can("personal.id_number", community)

    def phone(value):
        return value if show_phone else mask_phone(value)

    def id_number(value):
        return value if show_id else mask_id_number(value)

    def yes_no(value):
        return YES if value else NO

    # Paths as the import's 分区 column writes them, so that the export imports again.
    zones = selectors.zone_paths(list(selectors.zone_list(actor=actor).filter(community=community)), separator="/")
    buildings = list(selectors.building_list(actor=actor).filter(community=community).order_by("name"))
    units = list(selectors.unit_list(actor=actor).filter(community=community)
                 .order_by("building__name", "number", "id"))
    ownerships = (selectors.ownership_list(actor=actor).filter(unit__community=community)
                  .order_by("unit_id", "-is_voter", "id"))
    owners_of: dict[int, list] = {}
    units_of: dict[int, list] = {}
    unit_label = {u.pk: f"{u.building.name}-{u.number}" for u in units}
    for ownership in ownerships:
        owners_of.setdefault(ownership.unit_id, []).append(ownership.owner)
        units_of.setdefault(ownership.owner_id, []).append(unit_label.get(ownership.unit_id, ""))
    units_in = {}
    for unit in units:
        units_in[unit.building_id] = units_in.get(unit.building_id, 0) + 1

    workbook = exports.StreamedWorkbook()
    sheet = workbook.sheet(_("楼栋"), [ZONE, BUILDING, _("层数"), _("建成年份"), _("房屋套数")])
    for b in buildings:
        sheet.append([zones.get(b.zone_id, ""), b.name, b.floors, b.year_built, units_in.get(b.pk, 0)])

    sheet = workbook.sheet(UNITS_SHEET, UNIT_COLUMNS)
    for unit in units:
        head = [zones.get(unit.building.zone_id, ""), unit.building.name, unit.number, unit.floor, unit.area,
                unit.exclusive_area, USAGE_LABELS[unit.usage], unit.occupants, yes_no(unit.low_income),
                unit.billing_start, STATUS_LABELS[unit.status]]
        for owner in owners_of.get(unit.pk) or [None]:
            tail = ([owner.name, KIND_LABELS[owner.kind], phone(owner.phone), id_number(owner.id_number)]
                    if owner else [None] * 4)
            sheet.append(head + tail)

    sheet = workbook.sheet(_("业主"), [_("姓名/名称"), OWNER_KIND, PHONE, ID_NUMBER, _("开发建设单位"),
                                      _("房屋"), _("已开通账号")])
    for owner in selectors.owner_list(actor=actor).filter(community=community).order_by("name", "id"):
        sheet.append([owner.name, KIND_LABELS[owner.kind], phone(owner.phone), id_number(owner.id_number),
                      yes_no(owner.is_developer), "、".join(units_of.get(owner.pk, [])), yes_no(owner.user_id)])

    sheet = workbook.sheet(_("车位"), [_("车位编号"), ZONE, _("位置"), _("地下车库"), _("使用房屋"),
                                      _("计费方式"), _("计费起始")])
    for space in selectors.parking_space_list(actor=actor).filter(community=community).order_by("code"):
        sheet.append([space.code, zones.get(space.zone_id, ""), space.location, yes_no(space.underground),
                      unit_label.get(space.unit_id, ""), space.get_plan_display(), space.plan_start])

    sheet = workbook.sheet(_("经营用房"), [_("编号"), _("名称"), ZONE, _("面积"), STATUS, _("当前用途")])
    for premises in selectors.premises_list(actor=actor).filter(community=community).order_by("code"):
        sheet.append([premises.code, premises.name, zones.get(premises.zone_id, ""), premises.area,
                      premises.get_status_display(), premises.current_use])

    data = workbook.save()
    with transaction.atomic():
        audit_record(actor=actor, action="registry.export", target=community, community_id=community.pk,
                     data={"units": len(units), "phones_masked": not show_phone, "id_numbers_masked": not show_id})
    return data
