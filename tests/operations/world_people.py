"""Operations objects of staff, rosters, patrols and environment for one tenant, built directly
(not through services) so a test sets up exactly the world it needs."""

import datetime as dt

from django.utils import timezone

from linli.operations.models import (
    Checkpoint,
    EnvInspection,
    EnvTask,
    PatrolCheckIn,
    PatrolPlan,
    PatrolRound,
    PatrolRoute,
    Position,
    RosterEntry,
    Shift,
    StaffMember,
    StaffTeam,
    TaskTemplate,
)


def people_world(t, *, window_start: dt.datetime | None = None, hours: int = 4) -> dict:
    """A tenant's guard on a route of three checkpoints with a round open now, a cleaning
    template with one task due today, and the staff records behind them."""
    c = t.community
    now = timezone.now()
    start = window_start or now - dt.timedelta(hours=1)
    position = Position.objects.create(community=c, name="保安员", kind="security", planned_headcount=4)
    team = StaffTeam.objects.create(community=c, zone=t.zone, name="北区保安班", kind="security", planned_headcount=4)
    member = StaffMember.objects.create(community=c, user=t.user("guard"), name="保安甲", phone="13812345678",
                                        position=position, team=team)
    shift = Shift.objects.create(community=c, name="夜班", start=dt.time(22), end=dt.time(6))
    entry = RosterEntry.objects.create(community=c, team=team, member=member, date=timezone.localdate(), shift=shift)
    route = PatrolRoute.objects.create(community=c, zone=t.zone, name="北区夜间巡逻")
    points = [Checkpoint.objects.create(community=c, route=route, name=name, order=i)
              for i, name in enumerate(["北门岗亭", "5号楼东侧", "18号楼南侧路灯"], start=1)]
    local = timezone.localtime(start)
    plan = PatrolPlan.objects.create(community=c, route=route, team=team, name="夜间一巡",
                                     window_start=local.time().replace(second=0, microsecond=0),
                                     window_end=(local + dt.timedelta(hours=hours)).time().replace(second=0,
                                                                                                    microsecond=0))
    patrol_round = PatrolRound.objects.create(community=c, route=route, plan=plan, date=local.date(),
                                              window_start=start, window_end=start + dt.timedelta(hours=hours))
    checkin = PatrolCheckIn.objects.create(community=c, patrol_round=patrol_round, checkpoint=points[0], at=now,
                                           by=t.user("guard"))
    template = TaskTemplate.objects.create(community=c, kind="cleaning", name="道路保洁", frequency="daily",
                                           checklist=["路面无杂物", "无积水"])
    template.zones.set([t.zone])
    task = EnvTask.objects.create(community=c, template=template, zone=t.zone, due_date=timezone.localdate(),
                                  due_by=now + dt.timedelta(hours=2))
    inspection = EnvInspection.objects.create(community=c, zone=t.zone, kind="cleaning", task=task, at=now,
                                              passed=True, inspector=t.user("manager"))
    return {"position": position, "staffteam": team, "staffmember": member, "shift": shift, "rosterentry": entry,
            "patrolroute": route, "checkpoint": points[0], "checkpoints": points, "patrolplan": plan,
            "patrolround": patrol_round, "patrolcheckin": checkin, "tasktemplate": template, "envtask": task,
            "envinspection": inspection}


MODELS = ("position", "staffteam", "staffmember", "shift", "rosterentry", "patrolroute", "checkpoint", "patrolplan",
          "patrolround", "patrolcheckin", "tasktemplate", "envtask", "envinspection")


def people_objects(b) -> dict:
    world = people_world(b)
    return {name: world[name] for name in MODELS}
