"""The regulators' create pages of issue 19 item 3 (before, only the demo created these rows):
renovation targets and projects (篇三 三、(五)). (Qualification applications: training_views.py.)
Thin: parse, call the same service as the API."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import service_post

from . import regulator_forms, services
from .views import _jurisdiction


@login_required
@require_POST
def renovation_create(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    step = request.POST.get("step")
    forms = regulator_forms.renovation_forms(actor, jurisdiction, request.POST, step)
    back = redirect("oversight:renovation", jurisdiction.pk).url
    if step == "target":
        return service_post(request, lambda d: services.renovation_target_set(actor=actor, **d),
                            success=_("已设定改造目标。"), back=back, form=forms["target_form"])
    if step == "project":
        return service_post(request, lambda d: services.renovation_project_create(actor=actor, **d),
                            success=_("已登记改造项目。"), back=back, form=forms["project_form"])
    raise Http404
