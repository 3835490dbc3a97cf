"""Staff and organisation: headcount, staff records, rosters and their copies and prints."""

import datetime as dt
import io
import subprocess

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.models import Position, RosterEntry, Shift, StaffMember, StaffTeam
from linli.operations.selectors import staff as selectors
from linli.operations.services import staff as services


@pytest.fixture
def org(tenant):
    manager = Actor(tenant.user("manager"))
    c = tenant.community
    guard = services.position_create(actor=manager, community=c, name="保安员", kind="security", planned_headcount=4)
    cleaner = services.position_create(actor=manager, community=c, name="保洁员", kind="cleaning",
                                       planned_headcount=2, order=1)
    team = services.staff_team_create(actor=manager, community=c, name="北区保安班", kind="security",
                                      zone=tenant.zone, planned_headcount=4)
    members = [services.staff_member_create(actor=manager, community=c, name=name, position=guard, team=team,
                                            phone=phone)
               for name, phone in (("王强", "13812345678"), ("李军", "13912345678"), ("张伟", "13712345678"))]
    services.staff_member_create(actor=manager, community=c, name="赵芳", position=cleaner, phone="13612345678")
    day = services.shift_create(actor=manager, community=c, name="早班", start=dt.time(6), end=dt.time(14))
    night = services.shift_create(actor=manager, community=c, name="夜班", start=dt.time(22), end=dt.time(6))
    return {"manager": manager, "team": team, "members": members, "day": day, "night": night, "guard": guard}


def test_headcount_planned_against_actual(tenant, org):
    services.staff_member_update(actor=org["manager"], staff_member=org["members"][2],
                                 changes={"left_on": dt.date(2026, 4, 1)})
    counts = selectors.headcount(actor=Actor(tenant.user("manager")), community=tenant.community)
    assert [(r["name"], r["planned"], r["actual"], r["gap"]) for r in counts["positions"]] == [
        ("保安员", 4, 2, -2), ("保洁员", 2, 1, -1)]
    assert [(r["name"], r["zone"], r["actual"]) for r in counts["teams"]] == [("北区保安班", "北区", 2)]
    assert (counts["planned"], counts["actual"]) == (6, 3)
    services.staff_member_update(actor=org["manager"], staff_member=org["members"][2], changes={"left_on": None})
    assert selectors.headcount(actor=Actor(tenant.user("manager")), community=tenant.community)["actual"] == 4


def test_only_managers_write_and_references_stay_in_the_community(tenants):
    a, b = tenants
    with pytest.raises(PermissionDenied):
        services.position_create(actor=Actor(a.user("guard")), community=a.community, name="经理", kind="management")
    with pytest.raises(PermissionDenied):
        services.position_create(actor=Actor(a.user("manager")), community=b.community, name="经理",
                                 kind="management")
    with pytest.raises(ValidationFailed):
        services.staff_team_create(actor=Actor(a.user("manager")), community=a.community, name="乙区保安班",
                                   kind="security", zone=b.zone)
    position = Position.objects.create(community=a.community, name="经理", kind="management")
    with pytest.raises(ValidationFailed) as refused:
        services.staff_member_create(actor=Actor(a.user("manager")), community=a.community, name="外人",
                                     position=position, user=b.user("guard"))
    assert "user" in refused.value.fields


def test_roster_entries_and_copying_last_week(tenant, org):
    manager = org["manager"]
    monday = dt.date(2026, 4, 6)
    for offset, member in enumerate(org["members"]):
        services.roster_entry_create(actor=manager, team=org["team"], member=member,
                                     date=monday - dt.timedelta(days=7 - offset), shift=org["night"])
    already = services.roster_entry_create(actor=manager, team=org["team"], member=org["members"][0], date=monday,
                                           shift=org["night"])
    services.staff_member_update(actor=manager, staff_member=org["members"][2], changes={"left_on": monday})
    assert services.roster_copy_week(actor=manager, community=tenant.community, week_start=monday) == 1
    copied = RosterEntry.objects.filter(date__gte=monday).order_by("date")
    assert [(e.member.name, e.date) for e in copied] == [("王强", monday), ("李军", monday + dt.timedelta(days=1))]
    assert already in copied
    assert services.roster_copy_week(actor=manager, community=tenant.community, week_start=monday) == 0
    with pytest.raises(ValidationFailed):
        services.roster_copy_week(actor=manager, community=tenant.community, week_start=monday + dt.timedelta(days=1))
    with pytest.raises(ValidationFailed):
        services.roster_entry_create(actor=manager, team=org["team"], member=org["members"][2], date=monday,
                                     shift=org["day"])
    week = selectors.roster_week(actor=Actor(tenant.user("guard")), community=tenant.community, start=monday)
    assert week["days"][0] == monday and week["rows"][0]["team"] == org["team"]
    assert [e.member.name for e in week["rows"][0]["cells"][1]] == ["李军"]


def test_the_roster_prints_as_pdf(client, tenant, org):
    monday = dt.date(2026, 4, 6)
    services.roster_entry_create(actor=org["manager"], team=org["team"], member=org["members"][0], date=monday,
                                 shift=org["night"])
    client.force_login(tenant.user("cleaner"))
    response = client.get(reverse("operations:roster_pdf", args=[tenant.community.pk]), {"week": "2026-04-08"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-", "-"], input=response.content, capture_output=True, check=True).stdout
    assert "排班表" in text.decode() and "王强" in text.decode() and "夜班" in text.decode()


def test_staff_export_masks_phones_for_roles_without_personal_data(client, tenant, org):
    def phones(user):
        client.force_login(user)
        response = client.get(reverse("operations:staff_export", args=[tenant.community.pk]))
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        return {row[0]: row[5] for row in sheet.iter_rows(min_row=2, values_only=True)}

    assert phones(tenant.user("manager"))["王强"] == "13812345678"
    assert phones(tenant.user("cleaner"))["王强"] == "138****5678"


def test_out_of_scope_roles_see_nothing(tenants, org):
    a, b = tenants
    for role in ("owner", "regulator", "committee_member"):
        assert not selectors.staff_member_list(actor=Actor(a.user(role))).exists()
    assert not selectors.staff_member_list(actor=Actor(b.user("manager"))).exists()
    assert selectors.staff_member_list(actor=Actor(a.user("gardener"))).count() == 4
    assert StaffMember.objects.count() == 4 and StaffTeam.objects.count() == 1 and Shift.objects.count() == 2
