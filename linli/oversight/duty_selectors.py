"""Reads of the tiers' own duties (篇三 一(一), 三、(二)), scoped like the rest of oversight: a
regulator reads the offices at or below its jurisdiction, nobody else reads any."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Organization, Role
from linli.orgs.selectors import organization_descendant_ids

from . import selectors
from .duty_models import DutyItem, StaffingRecord

Kind = Organization.Kind
# 篇三 一(一): 每个居委会应配备2名以上人员专门负责物业管理工作.
COMMITTEE_MIN_STAFF = 2


def duty_item_list(*, actor: Actor) -> QuerySet[DutyItem]:
    qs = DutyItem.objects.select_related("office", "assessor")
    return qs if actor.is_admin else qs.filter(office_id__in=actor.jurisdiction_ids)


def staffing_record_list(*, actor: Actor) -> QuerySet[StaffingRecord]:
    qs = StaffingRecord.objects.select_related("organization", "lead")
    return qs if actor.is_admin else qs.filter(organization_id__in=actor.jurisdiction_ids)


def office_list(jurisdiction: Organization) -> QuerySet[Organization]:
    """The offices a jurisdiction assesses: those below it (not itself)."""
    below = organization_descendant_ids({jurisdiction.pk}) - {jurisdiction.pk}
    return Organization.objects.filter(id__in=below, kind__in=[Kind.DISTRICT, Kind.SUBDISTRICT,
                                                                Kind.RESIDENTS_COMMITTEE]).order_by("kind", "name")


def backsign_open(office: Organization, today: dt.date | None = None) -> list:
    """Communities under the office still owing a contract (篇三 一(二): 尚未按规定签订物业服务合同的，
    于8月底前补签到位): none at all, or a sitting committee without a post-committee contract —
    read from the committee register (selectors.formation_rows)."""
    rows = selectors.formation_rows(actor=None, jurisdiction=office, today=today)
    return [r["community"] for r in rows
            if not r["contracts"] or (r["committee"] is not None and (r["post_contract"] is None or r["overdue"]))]


def duty_rows(*, jurisdiction: Organization, year: int, today: dt.date | None = None) -> list[DutyItem]:
    """The year's items of the offices at or below the jurisdiction, each with `late` and, for the
    back-signing target, `outstanding`: the communities still without their contract."""
    today = today or timezone.localdate()
    items = list(DutyItem.objects.filter(office_id__in=organization_descendant_ids({jurisdiction.pk}), year=year)
                 .select_related("office", "assessor").order_by("deadline", "office__name", "id"))
    for item in items:
        item.late = item.late_on(today)
        item.outstanding = backsign_open(item.office, today) if item.topic == DutyItem.Topic.BACKSIGN else None
    return items


def late_offices(*, jurisdiction: Organization, year: int, today: dt.date | None = None) -> list[dict]:
    """The offices with a late item, most late items first: what the district chases."""
    by_office: dict[int, dict] = {}
    today = today or timezone.localdate()
    for item in duty_rows(jurisdiction=jurisdiction, year=year, today=today):
        if not item.late:
            continue
        row = by_office.setdefault(item.office_id, {"office": item.office, "items": []})
        item.days_late = ((item.completed_on or today) - item.deadline).days
        row["items"].append(item)
    rows = list(by_office.values())
    for row in rows:
        row["open"] = sum(1 for i in row["items"] if i.completed_on is None)
        row["days_late"] = max(i.days_late for i in row["items"])
    return sorted(rows, key=lambda r: (-len(r["items"]), -r["days_late"], r["office"].name))


def staffing_rows(*, jurisdiction: Organization) -> list[dict]:
    """Per tier at or below the jurisdiction, its people for property management (its active
    regulator memberships) against 篇三 一(一), with the gaps named."""
    ids = organization_descendant_ids({jurisdiction.pk})
    orgs = list(Organization.objects.filter(id__in=ids, kind__in=[Kind.DISTRICT, Kind.SUBDISTRICT,
                                                                   Kind.RESIDENTS_COMMITTEE]).order_by("kind", "name"))
    people: dict[int, list] = {}
    for m in (Membership.objects.filter(organization_id__in=ids, role=Role.REGULATOR, active=True)
              .select_related("user").order_by("user__display_name", "user__username")):
        people.setdefault(m.organization_id, []).append(m.user)
    records = {r.organization_id: r for r in StaffingRecord.objects.filter(organization_id__in=ids)
               .select_related("lead")}
    order = {Kind.DISTRICT: 0, Kind.SUBDISTRICT: 1, Kind.RESIDENTS_COMMITTEE: 2}
    rows = []
    for org in sorted(orgs, key=lambda o: (order[o.kind], o.name)):
        record = records.get(org.pk)
        lead = record.lead if record else None
        staff = [u for u in people.get(org.pk, []) if u != lead]
        gaps = []
        if org.kind == Kind.DISTRICT:
            if not (record and record.office_name):
                gaps.append(_("未设立专门的物业管理办公室"))
            if not staff:
                gaps.append(_("未配置专职工作人员"))
        elif org.kind == Kind.SUBDISTRICT:
            if lead is None:
                gaps.append(_("未明确物业管理分管领导"))
            if not staff:
                gaps.append(_("未落实专职工作人员"))
        elif len(staff) < COMMITTEE_MIN_STAFF:
            gaps.append(_("物业管理专职人员不足 %(min)s 名（现有 %(n)s 名）") % {
                "min": COMMITTEE_MIN_STAFF, "n": len(staff)})
        rows.append({"organization": org, "record": record, "lead": lead, "staff": staff, "gaps": gaps})
    return rows
