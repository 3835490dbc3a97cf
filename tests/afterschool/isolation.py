"""Tenant B's after-school objects for tests/test_tenancy.py: no role of tenant A (company staff,
regulators, committee, owners) may see them."""

import datetime as dt

from django.utils import timezone

from linli.afterschool import services
from linli.afterschool.models import Attendance, Dismissal, DutyAssignment, WorkingGroupMember
from tests.afterschool.world import build_school, clock, enroll, session_time
from tests.afterschool.world_duties import duty_objects


def other_tenant_objects(b) -> dict:
    school = build_school(b.community.name)
    application = enroll(school, 1)
    admin = school.actor("admin")
    services.attendance_take(actor=admin, session=school.session, marks={school.students[1]: "present"})
    with clock(session_time(school.session, dt.time(18, 15))):
        dismissal = services.dismissal_check_out(actor=admin, session=school.session, school_class=school.classes[0],
                                                 group=Dismissal.Group.DAY)
    leave = services.leave_request_create(actor=school.actor("guardian1"), student=school.students[1],
                                          start_date=timezone.localdate(), end_date=timezone.localdate(), reason="病假")
    member = services.working_group_member_create(actor=admin, school=school.org, user=school.users["admin"],
                                                  position=WorkingGroupMember.Position.LEADER)
    visit = services.gate_visit_record(actor=admin, school=school.org, visitor_name="来访人", purpose="送东西")
    incident = services.incident_report(actor=admin, school=school.org, kind="injury", location="操场",
                                        description="擦伤", students=[school.students[1]])
    return {
        "term": school.term,
        "grade": school.grade,
        "schoolclass": school.classes[0],
        "guardian": school.guardians[1],
        "student": school.students[1],
        "program": school.program,
        "session": school.session,
        "application": application,
        "agreementtext": school.texts["agreement"],
        "agreement": application.agreements.first(),
        "attendance": Attendance.objects.get(session=school.session, student=school.students[1]),
        "leaverequest": leave,
        "workinggroupmember": member,
        "dutyassignment": DutyAssignment.objects.get(school=school.org, user=school.users["duty"]),
        "dismissal": dismissal,
        "gatevisit": visit,
        "incident": incident,
        **duty_objects(school),
    }
