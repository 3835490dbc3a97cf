"""Lookups and labels shared by the operations pages."""

from django.utils.translation import gettext as _

from linli.core.dates import weekdays_text
from linli.estates import selectors as estates
from linli.estates.selectors import labelled_zones


def community_zones(actor, community) -> list:
    """The community's zones, labelled with their path (南区 › 金苗园), for a select."""
    return labelled_zones(estates.zone_list(actor=actor).filter(community=community))


def community_buildings(actor, community):
    return estates.building_list(actor=actor).filter(community=community).order_by("name")


def community_unit(actor, community, building_id, number):
    """The unit named by building and number, or None when neither is given; a ValueError when
    they name no unit of the community."""
    number = (number or "").strip()
    if not building_id and not number:
        return None
    unit = estates.unit_list(actor=actor).filter(community=community, building_id=building_id or None,
                                                 number=number).first()
    if unit is None:
        raise ValueError(_("该楼栋没有这个房号。"))
    return unit


def initial_of(instance, names) -> dict:
    """A form's initial data from the row being edited (none for a new one)."""
    return {name: getattr(instance, name) for name in names} if instance is not None else {}


def weekday_text(weekdays) -> str:
    return weekdays_text(weekdays) if weekdays else _("每天")  # no day chosen: every day
