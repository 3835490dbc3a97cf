"""Writes of greening and facilities (篇一 五): species and planting records (3.1, 3.3),
vegetable plots in the green belts taken through report → notice with a deadline → cleared (3.2),
and streetlight faults handed to the power company (供电公司) until it fixes them (1.6).

The manager and the gardener ("operations.greening") record species and plantings and report
plots and faults; giving notice, handing a fault over and recording the fix are the manager's
("operations.manage"): they commit the company to residents and to the power company."""

import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import ValidationFailed
from linli.core.services import record_create, same_community
from linli.core.tenancy import Actor

from ..models import Planting, PlantSpecies, PlotClearance, StreetlightFault
from .environment import check_photo
from .staff import require, update

# Residents are given a week to clear their vegetables unless the notice says otherwise.
PLOT_NOTICE_DAYS = 7


def _photo(photo):
    if photo is None:
        return None
    photo.name = f"{secrets.token_hex(8)}.{check_photo(photo)}"
    return photo


def _not_future(day: dt.date, field: str) -> None:
    if day > timezone.localdate():
        raise ValidationFailed(fields={field: [_("日期不能晚于今天。")]})


def plant_species_create(*, actor: Actor, community, name: str, evergreen: bool = False, tall_crown: bool = False,
                         colourful: bool = False) -> PlantSpecies:
    require(actor, "operations.greening", community.pk)
    return record_create(actor=actor, instance=PlantSpecies(community=community, name=name.strip(),
                                                            evergreen=evergreen, tall_crown=tall_crown,
                                                            colourful=colourful),
                         action="operations.species.create")


def plant_species_update(*, actor: Actor, plant_species: PlantSpecies, changes: dict) -> PlantSpecies:
    return update(actor=actor, instance=plant_species, changes=changes, action="operations.species.update",
                  capability="operations.greening")


def planting_create(*, actor: Actor, community, species: PlantSpecies, area: str, location: str, quantity: int,
                    date: dt.date, kind: str = Planting.Kind.PLANTING, zone=None, note: str = "") -> Planting:
    require(actor, "operations.greening", community.pk)
    same_community(community.pk, species=species, zone=zone)
    _not_future(date, "date")
    return record_create(actor=actor, instance=Planting(
        community=community, species=species, area=area, location=location.strip(), quantity=quantity, date=date,
        kind=kind, zone=zone, note=note.strip(), recorded_by=actor.user), action="operations.planting.create")


def plot_report(*, actor: Actor, community, location: str, description: str = "", zone=None,
                reported_on: dt.date | None = None, photo=None) -> PlotClearance:
    require(actor, "operations.greening", community.pk)
    same_community(community.pk, zone=zone)
    reported_on = reported_on or timezone.localdate()
    _not_future(reported_on, "reported_on")
    plot = PlotClearance(community=community, zone=zone, location=location.strip(), description=description.strip(),
                         reported_on=reported_on, reported_by=actor.user)
    if photo is not None:
        plot.photo_before = _photo(photo)
    return record_create(actor=actor, instance=plot, action="operations.plot.report",
                         data={"location": plot.location, "reported_on": reported_on, "photo": photo is not None})


def _locked(model, instance, status, message):
    row = model.objects.select_for_update().get(pk=instance.pk)
    if row.status != status:
        raise ValidationFailed(message, code="wrong_status")
    return row


def plot_notify(*, actor: Actor, plot: PlotClearance, notified_on: dt.date | None = None,
                deadline: dt.date | None = None) -> PlotClearance:
    """Notice to the residents, with the date by which the plot must be cleared."""
    require(actor, "operations.manage", plot.community_id)
    notified_on = notified_on or timezone.localdate()
    deadline = deadline or notified_on + dt.timedelta(days=PLOT_NOTICE_DAYS)
    _not_future(notified_on, "notified_on")
    if deadline < notified_on:
        raise ValidationFailed(fields={"deadline": [_("清除期限不能早于通知日期。")]})
    if notified_on < plot.reported_on:
        raise ValidationFailed(fields={"notified_on": [_("通知日期不能早于发现日期。")]})
    with transaction.atomic():
        row = _locked(PlotClearance, plot, PlotClearance.Status.REPORTED, _("只有新发现的菜地可以发出通知。"))
        row.status, row.notified_on, row.deadline = PlotClearance.Status.NOTIFIED, notified_on, deadline
        row.save()
        audit_record(actor=actor, action="operations.plot.notify", target=row, community_id=row.community_id,
                     data={"notified_on": notified_on, "deadline": deadline})
    return row


def plot_clear(*, actor: Actor, plot: PlotClearance, cleared_on: dt.date | None = None, photo=None) -> PlotClearance:
    require(actor, "operations.greening", plot.community_id)
    cleared_on = cleared_on or timezone.localdate()
    _not_future(cleared_on, "cleared_on")
    with transaction.atomic():
        row = _locked(PlotClearance, plot, PlotClearance.Status.NOTIFIED, _("须先通知居民，才能记录清除。"))
        if cleared_on < row.notified_on:
            raise ValidationFailed(fields={"cleared_on": [_("清除日期不能早于通知日期。")]})
        row.status, row.cleared_on = PlotClearance.Status.CLEARED, cleared_on
        if photo is not None:
            row.photo_after = _photo(photo)
        row.save()
        audit_record(actor=actor, action="operations.plot.clear", target=row, community_id=row.community_id,
                     data={"cleared_on": cleared_on, "late": cleared_on > row.deadline, "photo": photo is not None})
    return row


def streetlight_report(*, actor: Actor, community, location: str, description: str = "", zone=None,
                       reported_on: dt.date | None = None) -> StreetlightFault:
    require(actor, "operations.greening", community.pk)
    same_community(community.pk, zone=zone)
    reported_on = reported_on or timezone.localdate()
    _not_future(reported_on, "reported_on")
    return record_create(actor=actor, instance=StreetlightFault(
        community=community, zone=zone, location=location.strip(), description=description.strip(),
        reported_on=reported_on, reported_by=actor.user), action="operations.streetlight.report")


def streetlight_hand_over(*, actor: Actor, fault: StreetlightFault, power_reference: str,
                          handed_over_on: dt.date | None = None,
                          promised_by: dt.date | None = None) -> StreetlightFault:
    """Handed to the power company under its reference number (受理单号)."""
    require(actor, "operations.manage", fault.community_id)
    handed_over_on = handed_over_on or timezone.localdate()
    reference = power_reference.strip()
    if not reference:
        raise ValidationFailed(fields={"power_reference": [_("请填写供电公司的受理单号。")]})
    _not_future(handed_over_on, "handed_over_on")
    if handed_over_on < fault.reported_on:
        raise ValidationFailed(fields={"handed_over_on": [_("移交日期不能早于报修日期。")]})
    if promised_by is not None and promised_by < handed_over_on:
        raise ValidationFailed(fields={"promised_by": [_("承诺修复日期不能早于移交日期。")]})
    with transaction.atomic():
        row = _locked(StreetlightFault, fault, StreetlightFault.Status.REPORTED, _("该故障已移交或已修复。"))
        row.status, row.handed_over_on = StreetlightFault.Status.HANDED_OVER, handed_over_on
        row.power_reference, row.promised_by = reference[:60], promised_by
        row.save()
        audit_record(actor=actor, action="operations.streetlight.hand_over", target=row,
                     community_id=row.community_id,
                     data={"handed_over_on": handed_over_on, "reference": row.power_reference,
                           "promised_by": promised_by})
    return row


def streetlight_fixed(*, actor: Actor, fault: StreetlightFault, fixed_on: dt.date | None = None) -> StreetlightFault:
    """The power company has fixed it: only a fault handed over to it can be."""
    require(actor, "operations.manage", fault.community_id)
    fixed_on = fixed_on or timezone.localdate()
    _not_future(fixed_on, "fixed_on")
    with transaction.atomic():
        row = _locked(StreetlightFault, fault, StreetlightFault.Status.HANDED_OVER, _("须先移交供电公司，才能记录修复。"))
        if fixed_on < row.handed_over_on:
            raise ValidationFailed(fields={"fixed_on": [_("修复日期不能早于移交日期。")]})
        row.status, row.fixed_on = StreetlightFault.Status.FIXED, fixed_on
        row.save()
        audit_record(actor=actor, action="operations.streetlight.fixed", target=row, community_id=row.community_id,
                     data={"fixed_on": fixed_on, "days_open": row.days_open(fixed_on),
                           "late": fixed_on > row.due_on()})
    return row
