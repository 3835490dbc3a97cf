"""Demo cleaning and greening of 苗庄小区: the seed's routines as task templates with a week of
tasks, most done and one overdue, and two inspections."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext

from ..models import EnvInspection, EnvInspectionItem, EnvTask, StaffMember, TaskTemplate
from ..services import environment

HOMES = ["北区", "金苗园", "银苗园", "兰苗园", "中心游园"]
RESIDENTIAL = ["北区", "金苗园", "银苗园", "兰苗园"]
# (name, kind, frequency, times, weekdays, due, zones, checklist) — 篇一 §五.2–3
TEMPLATES = [
    ("道路保洁", "cleaning", "daily", 1, [], dt.time(10), HOMES, ["路面目观无异物", "无积水", "果皮箱已清理"]),
    ("绿化带保洁", "cleaning", "daily", 1, [], dt.time(16), HOMES, ["绿化带内无垃圾", "无杂物堆放"]),
    ("垃圾清运", "cleaning", "daily", 1, [], dt.time(18), HOMES, ["垃圾桶已清空", "投放点地面清洁", "日产日清"]),
    ("楼梯与扶手清扫", "cleaning", "monthly", 2, [], dt.time(18), RESIDENTIAL, ["楼梯无垃圾", "扶手无灰尘"]),
    ("绿化浇水", "greening", "weekly", 1, [2, 5], dt.time(11), ["中心游园", "北区"], ["浇透", "无漏浇"]),
    ("绿化修剪", "greening", "monthly", 1, [], dt.time(17), ["中心游园"], ["绿篱平整", "枯枝已清理"]),
]


def load(ctx: DemoContext, community, zones, teams) -> None:
    rng = ctx.rng("operations.environment")
    for name, kind, frequency, times, weekdays, due, zone_names, checklist in TEMPLATES:
        template = TaskTemplate.objects.filter(community=community, name=name).first()
        if template is None:
            template = TaskTemplate.objects.create(
                community=community, name=name, kind=kind, frequency=frequency, times=times, weekdays=weekdays,
                due_time=due, checklist=checklist, team=teams["绿化班"] if kind == "greening" else None)
            template.zones.set([zones[z] for z in zone_names if z in zones])
            ctx.count("task templates")
    today = timezone.localdate()
    ctx.count("cleaning tasks", environment.env_tasks_generate(
        community=community, start=today - dt.timedelta(days=5), end=today + dt.timedelta(days=1)))
    now = timezone.now()
    past = list(EnvTask.objects.filter(community=community, status=EnvTask.Status.PENDING, due_by__lt=now,
                                       done_at__isnull=True).select_related("template", "zone")
                .order_by("due_by", "id"))
    if not past or EnvTask.objects.filter(community=community, status=EnvTask.Status.DONE).exists():
        return
    # One overdue: yesterday's garbage of 兰苗园 was not cleared.
    yesterday = today - dt.timedelta(days=1)
    overdue = next((t for t in past if t.due_date == yesterday and t.template.name == "垃圾清运"
                    and t.zone_id and t.zone.name == "兰苗园"), past[-1])
    users = dict(StaffMember.objects.filter(community=community, user__isnull=False)
                 .values_list("team_id", "user_id"))
    done = []
    for task in past:
        if task.pk == overdue.pk:
            continue
        task.status = EnvTask.Status.DONE
        task.done_at = task.due_by - dt.timedelta(minutes=rng.randrange(20, 180))
        task.done_by_id = users.get(task.team_id)
        task.note = rng.choice(["", "", "已完成", "已清理干净", "垃圾已清运至转运站"])
        done.append(task)
    EnvTask.objects.bulk_update(done, ["status", "done_at", "done_by", "note"])
    inspector = ctx.users.get("manager")
    for task, passed in ((done[-1], True), (done[len(done) // 2], False)) if len(done) > 1 else ():
        inspection = EnvInspection.objects.create(community=community, task=task, zone=task.zone,
                                                  kind=task.template.kind, inspector=inspector,
                                                  at=task.done_at + dt.timedelta(hours=1), passed=passed,
                                                  note="" if passed else "个别点位需返工")
        EnvInspectionItem.objects.bulk_create([
            EnvInspectionItem(inspection=inspection, name=item, passed=passed or i > 0,
                              note="" if passed or i > 0 else "仍有杂物")
            for i, item in enumerate(task.template.checklist)])
    ctx.count("env inspections", 2)
