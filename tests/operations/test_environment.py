"""Cleaning and greening: the seed's frequencies, generation per zone and team, completion
with a checked photo, inspections, and overdue tasks."""

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from linli.core.errors import PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.operations.models import EnvTask, StaffTeam, TaskTemplate
from linli.operations.services import environment as services
from tests import factories as f


def template(t, **fields) -> TaskTemplate:
    data = {"kind": "cleaning", "name": "楼梯与扶手清扫", "frequency": "monthly", "times": 2}
    data.update(fields)
    zones = data.pop("zones", [t.zone])
    return services.task_template_create(actor=Actor(t.user("manager")), community=t.community, zones=zones, **data)


def dates(tpl, start, end):
    return services.template_due_dates(tpl, start, end)


def test_twice_a_month_falls_on_the_1st_and_the_16th(tenant):
    stairs = template(tenant)
    assert dates(stairs, dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == [dt.date(2026, 3, 1), dt.date(2026, 3, 16)]
    assert dates(stairs, dt.date(2026, 4, 1), dt.date(2026, 4, 30)) == [dt.date(2026, 4, 1), dt.date(2026, 4, 16)]
    # February is split in two equal halves too: the 1st and the 15th.
    assert dates(stairs, dt.date(2026, 2, 1), dt.date(2026, 2, 28)) == [dt.date(2026, 2, 1), dt.date(2026, 2, 15)]
    assert dates(stairs, dt.date(2028, 2, 1), dt.date(2028, 2, 29)) == [dt.date(2028, 2, 1), dt.date(2028, 2, 15)]


def test_twice_a_month_tasks_are_generated_on_exactly_those_dates(tenant):
    stairs = template(tenant)
    second = f.ZoneFactory(community=tenant.community, name="金苗园")
    stairs.zones.add(second)
    added = services.env_tasks_generate(community=tenant.community, start=dt.date(2026, 4, 1),
                                        end=dt.date(2026, 4, 30))
    assert added == 4
    tasks = EnvTask.objects.filter(template=stairs).order_by("due_date", "zone__name")
    assert [(t.due_date, t.zone.name) for t in tasks] == [
        (dt.date(2026, 4, 1), "北区"), (dt.date(2026, 4, 1), "金苗园"),
        (dt.date(2026, 4, 16), "北区"), (dt.date(2026, 4, 16), "金苗园")]
    assert timezone.localtime(tasks[0].due_by).time() == dt.time(18)


def test_other_frequencies(tenant):
    roads = template(tenant, name="道路保洁", frequency="daily", times=1)
    watering = template(tenant, name="绿化浇水", kind="greening", frequency="weekly", times=1, weekdays=[2, 5])
    thrice = template(tenant, name="消杀", frequency="weekly", times=3)
    pruning = template(tenant, name="绿化修剪", kind="greening", frequency="monthly", times=1)
    week = (dt.date(2026, 4, 6), dt.date(2026, 4, 12))  # Monday to Sunday
    assert len(dates(roads, *week)) == 7
    assert dates(watering, *week) == [dt.date(2026, 4, 7), dt.date(2026, 4, 10)]
    assert [d.isoweekday() for d in dates(thrice, *week)] == [1, 3, 5]
    assert dates(pruning, dt.date(2026, 4, 1), dt.date(2026, 5, 31)) == [dt.date(2026, 4, 1), dt.date(2026, 5, 1)]


def test_generation_is_idempotent_and_assigns_the_zones_team(tenant):
    roads = template(tenant, name="道路保洁", frequency="daily", times=1)
    group = StaffTeam.objects.create(community=tenant.community, zone=tenant.zone, name="北区保洁一组",
                                     kind="cleaning")
    start, end = dt.date(2026, 4, 1), dt.date(2026, 4, 7)
    assert services.env_tasks_generate(community=tenant.community, start=start, end=end) == 7
    assert services.env_tasks_generate(community=tenant.community, start=start, end=end) == 0
    assert EnvTask.objects.filter(template=roads).count() == 7
    assert set(EnvTask.objects.values_list("team_id", flat=True)) == {group.pk}


def test_only_a_manager_generates_and_only_within_92_days(tenant):
    template(tenant)
    with pytest.raises(PermissionDenied):
        services.env_tasks_generate(actor=Actor(tenant.user("cleaner")), community=tenant.community,
                                    start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 2))
    with pytest.raises(ValidationFailed):
        services.env_tasks_generate(community=tenant.community, start=dt.date(2026, 1, 1), end=dt.date(2026, 6, 1))


def png(name="done.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "#16a34a").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def a_task(t) -> EnvTask:
    template(t, name="垃圾清运", frequency="daily", times=1)
    today = timezone.localdate()
    services.env_tasks_generate(community=t.community, start=today, end=today)
    return EnvTask.objects.get(community=t.community, due_date=today)


def test_completion_needs_a_real_photo(tenant):
    task = a_task(tenant)
    cleaner = Actor(tenant.user("cleaner"))
    with pytest.raises(ValidationFailed) as missing:
        services.env_task_complete(actor=cleaner, env_task=task)
    assert "照片" in str(missing.value.message)
    fake = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(ValidationFailed) as bad:
        services.env_task_complete(actor=cleaner, env_task=task, photo=fake)
    assert bad.value.code == "file_type" and "照片" in str(bad.value.message)
    done = services.env_task_complete(actor=cleaner, env_task=task, photo=png(), note="已清运")
    assert done.status == "done" and done.done_by == tenant.user("cleaner") and done.note == "已清运"
    assert done.photo.name.endswith(".png") and "done" not in done.photo.name
    with pytest.raises(ValidationFailed):
        services.env_task_complete(actor=cleaner, env_task=task, photo=png())


def test_a_guard_cannot_complete_a_cleaning_task(tenant):
    with pytest.raises(PermissionDenied):
        services.env_task_complete(actor=Actor(tenant.user("guard")), env_task=a_task(tenant), photo=png())


def test_an_inspection_passes_only_when_every_item_passes(tenant):
    task = a_task(tenant)
    manager = Actor(tenant.user("manager"))
    tpl = task.template
    tpl.checklist = ["垃圾桶已清空", "投放点地面清洁"]
    tpl.save()
    failed = services.env_inspection_create(actor=manager, community=tenant.community, kind="cleaning", task=task,
                                            items=[{"name": "垃圾桶已清空", "passed": True},
                                                   {"name": "投放点地面清洁", "passed": False, "note": "有污渍"}])
    assert failed.passed is False and failed.zone == tenant.zone
    assert [(i.name, i.passed) for i in failed.items.all()] == [("垃圾桶已清空", True), ("投放点地面清洁", False)]
    from_checklist = services.env_inspection_create(actor=manager, community=tenant.community, kind="cleaning",
                                                    task=task, items=[])
    assert from_checklist.passed and from_checklist.items.count() == 2
    with pytest.raises(ValidationFailed):
        services.env_inspection_create(actor=manager, community=tenant.community, kind="cleaning", items=[])


def test_a_template_may_not_name_another_communitys_zone(tenants):
    a, b = tenants
    with pytest.raises(ValidationFailed):
        template(a, zones=[b.zone])
