"""Tenant B's objects of every model the service desk's endpoints serve (see tests/test_tenancy.py)."""

import datetime as dt

from linli.core.models import InboxMessage
from linli.servicedesk.models import BusinessCalendar, Category, ServiceRequest, SlaPolicy, Team, TeamMember


def other_tenant_objects(b) -> dict:
    calendar = BusinessCalendar.objects.create(community=b.community, name="工作时间", opens_at=dt.time(8),
                                               closes_at=dt.time(17))
    team = Team.objects.create(community=b.community, name="维修班")
    TeamMember.objects.create(team=team, user=b.user("technician"))
    return {
        "servicerequest": ServiceRequest.objects.create(
            community=b.community, company=b.company, kind="repair", title="乙的工单", unit=b.units[0],
            location="1号楼101", requester=b.user("owner"), requester_phone="13900000000"),
        "category": Category.objects.filter(community=b.community).first(),
        "businesscalendar": calendar,
        "slapolicy": SlaPolicy.objects.create(community=b.community, kind="repair", priority="normal",
                                              accept_minutes=30, resolve_hours=24, calendar=calendar),
        "team": team,
        "inboxmessage": InboxMessage.objects.create(user=b.user("owner"), title="乙的消息"),
    }
