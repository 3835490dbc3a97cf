"""Pages of cleaning and greening: the manager's day of tasks, templates and inspections, and the
cleaner's and gardener's phone pages (today's tasks, completing one with a photo)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.dates import parse_date
from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, form_page, form_save, show_error
from linli.core.params import parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..forms.environment import CompleteForm, InspectionForm, TemplateForm
from ..models import TaskTemplate
from ..selectors import environment as env_selectors
from ..selectors import staff as staff_selectors
from ..selectors.staff import operations_community_list
from ..services import environment as env_services
from .common import initial_of, weekday_text


@login_required
def env_admin(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    date = parse_date(request.GET.get("date"), timezone.localdate())
    tasks = (env_selectors.env_task_list(actor=actor).filter(community=community, due_date=date)
             .order_by("template__kind", "template__name", "zone__name"))
    templates = list(env_selectors.task_template_list(actor=actor).filter(community=community))
    for template in templates:
        template.weekday_text = weekday_text(template.weekdays)
    return render(request, "operations/people_env_admin.html", {
        "community": community, "date": date, "tasks": tasks, "now": timezone.now(),
        "previous": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
        "templates": templates,
        "overdue": env_selectors.overdue_now(actor=actor, community=community)[:30],
        "inspections": env_selectors.env_inspection_list(actor=actor).filter(community=community)[:10],
        "may_manage": actor.can("operations.manage", community),
    })


@login_required
@require_POST
def env_generate(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    start = parse_date(request.POST.get("start"), timezone.localdate())
    end = parse_date(request.POST.get("end"), start + dt.timedelta(days=6))
    try:
        added = env_services.env_tasks_generate(actor=actor, community=community, start=start, end=end)
        messages.success(request, _("已生成 %(n)s 项任务。") % {"n": added})
    except LinliError as exc:
        messages.error(request, error_text(exc))
    return redirect(reverse("operations:env_admin", args=[community.pk]) + f"?date={start.isoformat()}")


@login_required
def template_form(request, community_id, template_id=None):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    template = (get_object_or_404(env_selectors.task_template_list(actor=actor).filter(community=community),
                                  pk=template_id) if template_id else None)
    names = ["name", "kind", "frequency", "times", "weekdays", "due_time", "team", "photo_required", "active"]
    initial = initial_of(template, names)
    if template is not None:
        initial.update(zones=list(template.zones.all()), checklist="\n".join(template.checklist))
    form = TemplateForm(request.POST or None, initial=initial,
                        zones=estates.zone_list(actor=actor).filter(community=community),
                        teams=staff_selectors.staff_team_list(actor=actor).filter(community=community))

    def save(data):
        if template is None:
            return env_services.task_template_create(actor=actor, community=community, **data)
        return env_services.task_template_update(actor=actor, task_template=template, changes=data)

    if form_save(request, form, save, success=_("作业模板已添加。") if template is None else _("作业模板已保存。")):
        return redirect("operations:env_admin", community.pk)
    return form_page(request, form, title=_("编辑作业模板") if template else _("新增作业模板"),
                     back=reverse("operations:env_admin", args=[community.pk]))


@login_required
def inspection_new(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    task = None
    task_id = parse_id(request.GET.get("task") or request.POST.get("task"))
    if task_id:
        task = get_object_or_404(env_selectors.env_task_list(actor=actor).filter(community=community), pk=task_id)
    items = list(task.template.checklist) if task else []
    items = items or [_("路面无杂物"), _("绿化带无垃圾"), _("垃圾桶已清运")]
    initial = {"zone": task.zone if task else None, "kind": task.template.kind if task else TaskTemplate.Kind.CLEANING}
    form = InspectionForm(request.POST or None, initial=initial,
                          zones=estates.zone_list(actor=actor).filter(community=community))
    if request.method == "POST" and form.is_valid():
        checked = [{"name": name, "passed": request.POST.get(f"item-{i}") == "pass",
                    "note": request.POST.get(f"note-{i}", "")[:200]} for i, name in enumerate(items)]
        try:
            inspection = env_services.env_inspection_create(actor=actor, community=community, task=task,
                                                            items=checked, **form.cleaned_data)
            messages.success(request, _("检查已记录：%(result)s。") % {
                "result": _("合格") if inspection.passed else _("不合格")})
            return redirect("operations:env_admin", community.pk)
        except LinliError as exc:
            show_error(form, exc)
    return render(request, "operations/people_inspection.html", {
        "community": community, "form": form, "task": task, "items": list(enumerate(items)),
    })


# The cleaner's and gardener's phone pages ---------------------------------------------------------

@login_required
def env_mine(request):
    actor = actor_for(request.user)
    if not (actor.is_admin or staff_selectors.community_ids(actor, "operations.environment")):
        raise PermissionDenied
    today = timezone.localdate()
    return render(request, "operations/people_env_mine.html", {**env_selectors.my_tasks(actor=actor, date=today),
                                                                "date": today, "now": timezone.now()})


def _task(request, task_id):
    actor = actor_for(request.user)
    return actor, get_object_or_404(env_selectors.env_task_list(actor=actor), pk=task_id)


@login_required
def env_task_complete(request, task_id):
    actor, task = _task(request, task_id)
    if not actor.can("operations.environment", task.community_id):
        raise PermissionDenied
    form = CompleteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            env_services.env_task_complete(actor=actor, env_task=task, photo=form.cleaned_data["photo"],
                                           note=form.cleaned_data["note"])
            messages.success(request, _("已完成：%(name)s。") % {"name": task.template.name})
            return redirect("operations:env_mine")
        except LinliError as exc:
            show_error(form, exc)
    zone = task.zone.name if task.zone_id else ""
    intro = _("%(zone)s %(name)s，完成时限 %(due)s。") % {
        "zone": zone, "name": task.template.name, "due": timezone.localtime(task.due_by).strftime("%m-%d %H:%M")}
    if task.template.photo_required:
        intro += _("请拍一张完成后的现场照片。")
    return form_page(request, form, title=_("完成任务"), back=reverse("operations:env_mine"), multipart=True,
                     intro=intro)


@login_required
def env_task_photo(request, task_id):
    """A task's photo, for whoever may read the task (never public media)."""
    _actor, task = _task(request, task_id)
    if not task.photo:
        raise Http404
    return FileResponse(task.photo.open("rb"))
