"""The working group and the duty roster."""

import datetime as dt

from django.utils.translation import gettext as _

from linli.core.errors import Conflict
from linli.core.services import record_create
from linli.core.tenancy import Actor
from linli.orgs.models import Organization, Role

from ..models import DutyAssignment, WorkingGroupMember
from .common import require_admin, require_school, require_staff_member, school_row_update


def working_group_member_create(*, actor: Actor, school: Organization, user, position: str,
                                duties: str = "") -> WorkingGroupMember:
    require_school(school)
    require_admin(actor, school.pk)
    require_staff_member(school.pk, "user", user)
    if position == WorkingGroupMember.Position.LEADER and \
            WorkingGroupMember.objects.filter(school=school, position=position).exists():
        raise Conflict(_("工作小组只有一位组长。"), code="one_leader")
    return record_create(actor=actor, instance=WorkingGroupMember(school=school, user=user, position=position,
                                                                  duties=duties),
                         action="afterschool.working_group.add")


def working_group_member_update(*, actor: Actor, working_group_member: WorkingGroupMember,
                                changes: dict) -> WorkingGroupMember:
    changes.pop("user", None)
    if changes.get("position") == WorkingGroupMember.Position.LEADER and WorkingGroupMember.objects.filter(
            school_id=working_group_member.school_id, position=WorkingGroupMember.Position.LEADER,
    ).exclude(pk=working_group_member.pk).exists():
        raise Conflict(_("工作小组只有一位组长。"), code="one_leader")
    return school_row_update(actor=actor, instance=working_group_member, changes=changes,
                   action="afterschool.working_group.update")


def duty_assignment_create(*, actor: Actor, school: Organization, date: dt.date, user,
                           kind: str = DutyAssignment.Kind.TEACHER, note: str = "") -> DutyAssignment:
    """Administrators' duty (行政值班) is kept by the school's admins, teachers' by either."""
    require_school(school)
    require_admin(actor, school.pk)
    roles = (Role.SCHOOL_ADMIN,) if kind == DutyAssignment.Kind.ADMINISTRATOR else (Role.SCHOOL_ADMIN, Role.TEACHER)
    require_staff_member(school.pk, "user", user, roles)
    return record_create(actor=actor, instance=DutyAssignment(school=school, date=date, user=user, kind=kind,
                                                              note=note), action="afterschool.duty.assign")


def duty_assignment_update(*, actor: Actor, duty_assignment: DutyAssignment, changes: dict) -> DutyAssignment:
    kind = changes.get("kind", duty_assignment.kind)
    roles = (Role.SCHOOL_ADMIN,) if kind == DutyAssignment.Kind.ADMINISTRATOR else (Role.SCHOOL_ADMIN, Role.TEACHER)
    require_staff_member(duty_assignment.school_id, "user", changes.get("user", duty_assignment.user), roles)
    return school_row_update(actor=actor, instance=duty_assignment, changes=changes, action="afterschool.duty.update")
