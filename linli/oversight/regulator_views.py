"""The regulators' create pages of issue 19 item 3 (before, only the demo created these rows):
renovation targets and projects (篇三 三、(五)) and qualification applications (三、(三) 一).
Thin: parse, call the same service as the API."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import service_post
from linli.core.tenancy import actor_for
from linli.orgs.models import Organization

from . import regulator_forms, regulator_selectors, services
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


@login_required
def qualification(request):
    """A company's applications for its qualification, and the form to apply; a regulator sees
    those its jurisdiction received."""
    actor = actor_for(request.user)
    companies = Organization.objects.filter(id__in=[
        pk for pk, roles in actor.company_roles.items() if "manager" in roles])
    applications = regulator_selectors.qualification_application_list(actor=actor)
    if not companies and not actor.jurisdiction_ids and not actor.is_admin:
        raise Http404
    form = regulator_forms.QualificationForm(request.POST or None, companies=companies)
    if request.method == "POST":
        return service_post(request, lambda d: services.qualification_apply(actor=actor, **d),
                            success=_("资质申请已提交。"), back=request.path, form=form)
    return render(request, "oversight/qualification.html", {
        "form": form if companies else None, "applications": applications})
