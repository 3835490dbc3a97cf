"""Pages of staff appraisal (篇一 5.6), the manager's only: the community's appraisals and a new
one, one appraisal with its scoring form, rankings and bands, closing it, and its .xlsx."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import community_page, form_save, service_post
from linli.core.tenancy import actor_for
from linli.estates.api import xlsx_response

from ..appraisal_export import appraisal_filename, appraisal_xlsx
from ..forms.appraisal import AppraisalForm, ScoreForm
from ..models import Appraisal
from ..selectors import appraisal as appraisal_selectors
from ..selectors import staff as staff_selectors
from ..selectors.staff import operations_community_list
from ..services import appraisal as appraisal_services


@login_required
def appraisal_list(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability="operations.manage")
    form = AppraisalForm(request.POST or None)
    created = form_save(request, form, lambda data: appraisal_services.appraisal_create(
        actor=actor, community=community, **data), success=_("考核已创建。"))
    if created:
        return redirect("operations:appraisal_detail", created.pk)
    return render(request, "operations/appraisal_list.html", {
        "community": community, "form": form,
        "appraisals": appraisal_selectors.appraisal_list(actor=actor).filter(community=community),
    })


def _appraisal(request, pk):
    actor = actor_for(request.user)
    return actor, get_object_or_404(appraisal_selectors.appraisal_list(actor=actor).select_related("community"), pk=pk)


@login_required
def appraisal_detail(request, pk):
    actor, appraisal = _appraisal(request, pk)
    members = (staff_selectors.staff_member_list(actor=actor)
               .filter(community_id=appraisal.community_id, active=True).order_by("position__order", "name"))
    form = ScoreForm(request.POST or None, members=members, criteria=appraisal.criteria,
                     initial={"member": request.GET.get("member")})
    if form_save(request, form, lambda _data: appraisal_services.appraisal_score(
            actor=actor, appraisal=appraisal, **form.service_data()), success=_("评分已保存。")):
        return redirect("operations:appraisal_detail", appraisal.pk)
    return render(request, "operations/appraisal_detail.html", {
        "appraisal": appraisal, "community": appraisal.community, "form": form,
        "open": appraisal.status == Appraisal.Status.OPEN,
        **appraisal_selectors.appraisal_report(actor=actor, appraisal=appraisal),
    })


@login_required
@require_POST
def appraisal_close(request, pk):
    actor, appraisal = _appraisal(request, pk)
    return service_post(request, lambda: appraisal_services.appraisal_close(actor=actor, appraisal=appraisal),
                        success=_("考核已结束，结果已确定。"),
                        back=reverse("operations:appraisal_detail", args=[appraisal.pk]))


@login_required
def appraisal_export(request, pk):
    actor, appraisal = _appraisal(request, pk)
    report = appraisal_selectors.appraisal_report(actor=actor, appraisal=appraisal)
    return xlsx_response(appraisal_xlsx(appraisal=appraisal, report=report), appraisal_filename(appraisal))
