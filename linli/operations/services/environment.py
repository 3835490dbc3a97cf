"""Writes of cleaning and greening (篇一 §五.2–3): task templates with the seed's frequencies,
the tasks generated from them per zone and team, their completion with a photo and a note,
and inspections item by item.

How often a template falls due (`template_due_dates`):
- daily: every day (道路、绿化带全日制保洁, 垃圾日产日清);
- weekly: on the template's weekdays (1=Monday … 7=Sunday); with none given, `times` days
  evenly spaced from Monday: the week split into `times` equal parts, each part's first day;
- monthly: the month split into `times` equal parts, each part's first day, i.e. day
  1 + ⌊i × days_in_month / times⌋ for i = 0 … times−1. "Twice a month" (楼梯与扶手每月二次清扫)
  is therefore the 1st and the 16th of a 30- or 31-day month, and the 1st and the 15th of
  February (the 1st and the 15th of a 29-day February too)."""

import calendar
import datetime as dt
import secrets

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import ValidationFailed
from linli.core.services import model_snapshot, record_create, same_community
from linli.core.tenancy import Actor, SystemActor
from linli.core.uploads import EXTENSIONS, IMAGES, check_upload

from ..models import EnvInspection, EnvInspectionItem, EnvTask, StaffTeam, TaskTemplate
from .patrols import _check_weekdays
from .staff import require, update

GENERATE_MAX_DAYS = 92


def template_due_dates(template: TaskTemplate, start: dt.date, end: dt.date) -> list[dt.date]:
    """The days from `start` to `end` (inclusive) on which the template falls due (see above)."""
    times = max(1, template.times)
    days = []
    day = start
    while day <= end:
        if template.frequency == TaskTemplate.Frequency.DAILY:
            due = True
        elif template.frequency == TaskTemplate.Frequency.WEEKLY:
            weekdays = template.weekdays or [1 + (i * 7) // times for i in range(min(times, 7))]
            due = day.isoweekday() in weekdays
        else:
            length = calendar.monthrange(day.year, day.month)[1]
            due = day.day in {1 + (i * length) // times for i in range(min(times, length))}
        if due:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def _check_checklist(checklist) -> list[str]:
    items = [str(item).strip() for item in (checklist or []) if str(item).strip()]
    if any(len(item) > 60 for item in items):
        raise ValidationFailed(fields={"checklist": [_("每个检查项不超过 60 个字。")]})
    return items


def task_template_create(*, actor: Actor, community, kind: str, name: str, frequency: str = "daily", times: int = 1,
                         weekdays=(), due_time: dt.time = dt.time(18), zones=(), team=None, checklist=(),
                         photo_required: bool = True, active: bool = True) -> TaskTemplate:
    require(actor, "operations.manage", community.pk)
    same_community(community.pk, team=team)
    for zone in zones:
        same_community(community.pk, zones=zone)
    template = TaskTemplate(community=community, kind=kind, name=name.strip(), frequency=frequency, times=times,
                            weekdays=_check_weekdays(weekdays), due_time=due_time, team=team,
                            checklist=_check_checklist(checklist), photo_required=photo_required, active=active)
    with transaction.atomic():
        record_create(actor=actor, instance=template, action="operations.template.create",
                      data={**model_snapshot(template), "zones": [z.pk for z in zones]})
        template.zones.set(zones)
    return template


def task_template_update(*, actor: Actor, task_template: TaskTemplate, changes: dict) -> TaskTemplate:
    zones = changes.pop("zones", None)
    if "weekdays" in changes:
        changes["weekdays"] = _check_weekdays(changes["weekdays"])
    if "checklist" in changes:
        changes["checklist"] = _check_checklist(changes["checklist"])
    with transaction.atomic():
        template = update(actor=actor, instance=task_template, changes=changes, action="operations.template.update")
        if zones is not None:
            for zone in zones:
                same_community(template.community_id, zones=zone)
            template.zones.set(zones)
            audit_record(actor=actor, action="operations.template.zones", target=template,
                         community_id=template.community_id, data={"zones": [z.pk for z in zones]})
    return template


def env_tasks_generate(*, community, start: dt.date, end: dt.date, actor: Actor | None = None) -> int:
    """The tasks of every active template from `start` to `end`, one per zone of the template (one
    without a zone when it names none) and due day. The team is the template's kind of team in
    that zone (北区保洁一组 …), else the template's team. Idempotent: a task that exists for the
    template, zone and day is left as it is. Returns how many were added."""
    actor = actor or SystemActor()
    require(actor, "operations.manage", community.pk)
    if end < start or (end - start).days >= GENERATE_MAX_DAYS:
        raise ValidationFailed(fields={"end": [_("一次最多生成 %(n)s 天的任务。") % {"n": GENERATE_MAX_DAYS}]})
    tz = timezone.get_current_timezone()
    teams = {(t.zone_id, t.kind): t.pk for t in StaffTeam.objects.filter(community=community, zone__isnull=False)
             .order_by("-id")}
    existing = set(EnvTask.objects.filter(community=community, due_date__gte=start, due_date__lte=end)
                   .values_list("template_id", "zone_id", "due_date"))
    new = []
    for template in TaskTemplate.objects.filter(community=community, active=True).prefetch_related("zones"):
        zone_ids = [z.pk for z in template.zones.all()] or [None]
        for day in template_due_dates(template, start, end):
            due_by = timezone.make_aware(dt.datetime.combine(day, template.due_time), tz)
            for zone_id in zone_ids:
                if (template.pk, zone_id, day) in existing:
                    continue
                new.append(EnvTask(community=community, template=template, zone_id=zone_id, due_date=day,
                                   due_by=due_by, team_id=teams.get((zone_id, template.kind), template.team_id)))
    if not new:
        return 0
    with transaction.atomic():
        EnvTask.objects.bulk_create(new, ignore_conflicts=True)
        audit_record(actor=actor, action="operations.tasks.generate", target=community, community_id=community.pk,
                     data={"start": start, "end": end, "added": len(new)})
    return len(new)


def check_photo(photo) -> str:
    """A JPEG, PNG or WebP photo within the upload limit (judged by its content); returns the
    file extension to store it under."""
    return EXTENSIONS[check_upload(photo, field="photo", what=_("照片"), kinds=IMAGES)]


def env_task_complete(*, actor: Actor, env_task: EnvTask, photo=None, note: str = "",
                      now: dt.datetime | None = None) -> EnvTask:
    """Done, with a photo of the result (when the template asks for one) and a note."""
    now = now or timezone.now()
    require(actor, "operations.environment", env_task.community_id)
    extension = check_photo(photo) if photo else None
    with transaction.atomic():
        task = EnvTask.objects.select_for_update().select_related("template").get(pk=env_task.pk)
        if task.status == EnvTask.Status.DONE:
            raise ValidationFailed(_("该任务已完成。"), code="already_done")
        if task.template.photo_required and photo is None:
            message = _("请拍照上传完成后的现场照片。")
            raise ValidationFailed(message, fields={"photo": [message]})
        if photo is not None:
            photo.name = f"{secrets.token_hex(8)}.{extension}"
            task.photo = photo
        task.status, task.done_at, task.done_by, task.note = EnvTask.Status.DONE, now, actor.user, note.strip()[:200]
        task.save()
        audit_record(actor=actor, action="operations.task.complete", target=task, community_id=task.community_id,
                     data={"late": now > task.due_by, "photo": bool(photo), "note": task.note})
    return task


def env_inspection_create(*, actor: Actor, community, kind: str, items, zone=None, task=None, note: str = "",
                          at: dt.datetime | None = None) -> EnvInspection:
    """A check item by item ({"name", "passed", "note"}); it passes when every item passes.
    Checking a task takes the items from its template's checklist when none are given."""
    require(actor, "operations.manage", community.pk)
    same_community(community.pk, zone=zone, task=task)
    items = list(items or [])
    if not items and task is not None:
        items = [{"name": name, "passed": True} for name in task.template.checklist]
    if not items:
        raise ValidationFailed(fields={"items": [_("至少需要一个检查项。")]})
    inspection = EnvInspection(community=community, zone=zone or (task.zone if task else None), task=task, kind=kind,
                               inspector=actor.user, at=at or timezone.now(), note=note.strip(),
                               passed=all(bool(i.get("passed")) for i in items))
    with transaction.atomic():
        record_create(actor=actor, instance=inspection, action="operations.inspection.create",
                      data={**model_snapshot(inspection), "items": items})
        EnvInspectionItem.objects.bulk_create([
            EnvInspectionItem(inspection=inspection, name=str(i.get("name", "")).strip()[:60],
                              passed=bool(i.get("passed")), note=str(i.get("note", "")).strip()[:200])
            for i in items])
    return inspection
