"""Writes of the tiers' own duties (篇三 一(一), 三、(二)). The assessing tier (the district, or the
city over its districts) sets each office's targets and deadlines and gives the result; the office
itself (sub-district or residents' committee) reports its progress. Every write is audited."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.services import record_create, record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Organization, Role
from linli.orgs.selectors import organization_ancestor_ids, organization_descendant_ids

from . import selectors
from .duty_models import DutyItem, StaffingRecord, campaign_due
from .selectors import ASSESSING_TIERS

Kind = Organization.Kind
# The offices whose property work is assessed (篇三 一(一): 纳入各区对街办、居委会的工作考核内容);
# a district is assessed by the city on the campaign (三、(二)).
OFFICE_KINDS = {Kind.DISTRICT, Kind.SUBDISTRICT, Kind.RESIDENTS_COMMITTEE}
REPORTING_TIERS = {Kind.CITY, Kind.DISTRICT, Kind.SUBDISTRICT, Kind.RESIDENTS_COMMITTEE}
PLAN_FIELDS = {"title", "topic", "kind", "target_count", "deadline"}


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def _office_error(message: str) -> ValidationFailed:
    return ValidationFailed(message, fields={"office": [message]})


def default_assessor(actor: Actor, office: Organization) -> Organization | None:
    """The nearest assessing tier above the office where the actor is a regulator (the district
    before the city); for the platform admin, the nearest district or city above the office."""
    above = organization_ancestor_ids({office.pk}) - {office.pk}
    own = [o for o in selectors.regulator_organizations(actor) if o.kind in ASSESSING_TIERS and o.pk in above]
    if own:
        return own[-1]
    if actor.is_admin:
        return (selectors.ancestor_of_kind(office.parent_id, Kind.DISTRICT)
                or selectors.ancestor_of_kind(office.parent_id, Kind.CITY))
    return None


def _assessor_guard(actor: Actor, assessor: Organization, office: Organization) -> None:
    _require(assessor.kind in ASSESSING_TIERS and selectors.covers(actor, assessor.pk, ASSESSING_TIERS))
    if office.kind not in OFFICE_KINDS or office.pk == assessor.pk or \
            office.pk not in organization_descendant_ids({assessor.pk}):
        raise _office_error(_("责任单位须为考核单位辖区内的区、街道办事处或居委会。"))


def duty_item_create(*, actor: Actor, office: Organization, year: int, title: str, deadline: dt.date | None = None,
                     kind: str = DutyItem.Kind.ASSESSMENT, topic: str = DutyItem.Topic.OTHER,
                     target_count: int | None = None, assessor: Organization | None = None) -> DutyItem:
    """A target of an office for a year. A campaign target is due at the end of August unless
    another deadline is given (篇三 三、(二): 8月底……进行考核)."""
    assessor = assessor or default_assessor(actor, office)
    if assessor is None:
        raise PermissionDenied()
    _assessor_guard(actor, assessor, office)
    if deadline is None:
        if kind != DutyItem.Kind.CAMPAIGN:
            raise ValidationFailed(fields={"deadline": [_("请填写完成期限。")]})
        deadline = campaign_due(year)
    item = DutyItem(assessor=assessor, office=office, year=year, kind=kind, topic=topic, title=title,
                    target_count=target_count, deadline=deadline)
    return record_create(actor=actor, instance=item, action="oversight.duty_item")


def duty_item_plan(*, actor: Actor, duty_item: DutyItem, changes: dict) -> DutyItem:
    """The assessor changes the target or its deadline; not once the result is given."""
    _assessor_guard(actor, duty_item.assessor, duty_item.office)
    if duty_item.status != DutyItem.Status.OPEN:
        raise Conflict(_("该事项已考核，不能再修改。"), code="reviewed")
    unknown = set(changes) - PLAN_FIELDS
    if unknown:
        raise ValidationFailed(fields={name: [_("此处不能修改该项。")] for name in unknown})
    return record_update(actor=actor, instance=duty_item, changes=changes, action="oversight.duty_item_plan")


def duty_item_report(*, actor: Actor, duty_item: DutyItem, result: str = "", done_count: int | None = None,
                     completed_on: dt.date | None = None, today: dt.date | None = None) -> DutyItem:
    """The office reports its progress, or that the target is met (with the day it was met)."""
    _require(selectors.covers(actor, duty_item.office_id, REPORTING_TIERS))
    if duty_item.status != DutyItem.Status.OPEN:
        raise Conflict(_("该事项已考核，不能再报告。"), code="reviewed")
    today = today or timezone.localdate()
    if completed_on is not None and completed_on > today:
        raise ValidationFailed(fields={"completed_on": [_("完成日期不能晚于今天。")]})
    if completed_on is not None and duty_item.target_count is not None and (done_count or 0) < duty_item.target_count:
        raise ValidationFailed(fields={"done_count": [_("已完成数量未达到目标 %(n)s，不能报告完成。") % {
            "n": duty_item.target_count}]})
    return record_update(actor=actor, instance=duty_item, action="oversight.duty_item_report", changes={
        "result": result, "done_count": done_count, "completed_on": completed_on, "reported_on": today})


def duty_item_review(*, actor: Actor, duty_item: DutyItem, status: str, score: Decimal | None = None,
                     reviewed_on: dt.date | None = None) -> DutyItem:
    """The assessor's result: the end-of-August review of the campaign (篇三 三、(二)) or the
    year's work assessment. Given once."""
    _assessor_guard(actor, duty_item.assessor, duty_item.office)
    if duty_item.status != DutyItem.Status.OPEN:
        raise Conflict(_("该事项已考核。"), code="reviewed")
    if status not in (DutyItem.Status.PASSED, DutyItem.Status.FAILED):
        raise ValidationFailed(fields={"status": [_("请选择考核结果。")]})
    return record_update(actor=actor, instance=duty_item, action="oversight.duty_item_review", changes={
        "status": status, "score": score, "reviewed_on": reviewed_on or timezone.localdate()})


def staffing_record_set(*, actor: Actor, organization: Organization, office_name: str = "", lead=None,
                        notes: str = "") -> StaffingRecord:
    """The district records its dedicated office and each sub-district's named lead (篇三 一(一));
    the lead must be one of that tier's own people."""
    _require(organization.kind in OFFICE_KINDS and selectors.covers(actor, organization.pk, ASSESSING_TIERS))
    if lead is not None and not Membership.objects.filter(user=lead, organization=organization, active=True,
                                                          role=Role.REGULATOR).exists():
        raise ValidationFailed(fields={"lead": [_("分管领导须为本单位的在职监管人员。")]})
    record = StaffingRecord.objects.filter(organization=organization).first()
    changes = {"office_name": office_name, "lead": lead, "notes": notes}
    if record is not None:
        return record_update(actor=actor, instance=record, changes=changes, action="oversight.staffing")
    return record_create(actor=actor, instance=StaffingRecord(organization=organization, **changes),
                         action="oversight.staffing")
