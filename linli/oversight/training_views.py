"""Pages of the counted training round and the qualification application (篇三 §三(三)一).
Thin: a company manager sees its own companies; a regulator those serving its jurisdiction."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import NotFound
from linli.core.pages import form_save
from linli.core.params import parse_int
from linli.core.tenancy import actor_for

from . import exports, selectors, training, training_forms
from .models import QualificationApplication


def _year(request) -> int:
    return parse_int(request.GET.get("year"), minimum=2000, maximum=2100) or timezone.localdate().year


def _scope(request, jurisdiction_id):
    """(actor, jurisdiction or None, companies): a 404 outside the actor's reach."""
    actor = actor_for(request.user)
    jurisdiction = None
    if jurisdiction_id is not None:
        try:
            jurisdiction = selectors.jurisdiction_get(actor=actor, jurisdiction_id=jurisdiction_id)
        except NotFound:
            raise Http404 from None
    elif not training.managed_company_ids(actor):
        raise Http404
    return actor, jurisdiction, training.coverage_companies(actor=actor, jurisdiction=jurisdiction)


@login_required
def coverage(request, jurisdiction_id=None):
    _actor, jurisdiction, companies = _scope(request, jurisdiction_id)
    year = _year(request)
    return render(request, "oversight/duties/coverage.html", {
        "jurisdiction": jurisdiction, "tab": "training", "year": year,
        "rows": training.coverage_rows(companies, year), "deadline": training.round_window(year)[1]})


@login_required
def coverage_xlsx(request, jurisdiction_id=None):
    _actor, jurisdiction, companies = _scope(request, jurisdiction_id)
    year = _year(request)
    content = exports.training_xlsx(training.coverage_rows(companies, year))
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="training-{jurisdiction_id or "own"}-{year}.xlsx"'
    return response


@login_required
def qualification_mine(request):
    """The company's side: what its certificates lack today, the application, and its outcome."""
    actor = actor_for(request.user)
    companies = training.coverage_companies(actor=actor)
    if not companies:
        raise Http404
    company = companies.filter(pk=parse_int(request.POST.get("company") or request.GET.get("company"))).first()
    company = company or companies.first()
    form = training_forms.QualificationApplyForm(request.POST or None, companies=companies,
                                             jurisdictions=training.application_jurisdictions(company),
                                             initial={"company": company})
    if form_save(request, form, lambda d: training.qualification_apply(actor=actor, **d),
                 success=_("已提交资质申请，等待主管部门审核。")):
        return redirect("oversight:qualification_mine")
    return render(request, "oversight/duties/qualification_mine.html", {
        "form": form, "company": company, "check": training.qualification_check(company, timezone.localdate()),
        "applications": training.qualification_list(actor=actor).filter(company__in=companies)})


@login_required
def qualifications(request, jurisdiction_id):
    """The regulator's side: the applications it received, decided one at a time."""
    actor = actor_for(request.user)
    try:
        jurisdiction = selectors.jurisdiction_get(actor=actor, jurisdiction_id=jurisdiction_id)
    except NotFound:
        raise Http404 from None
    received = training.qualification_list(actor=actor).filter(
        jurisdiction_id__in=selectors.organization_descendant_ids({jurisdiction.pk}))
    form = training_forms.DecideForm(request.POST or None)
    if request.method == "POST":
        application = get_object_or_404(received, pk=parse_int(request.POST.get("application")))
        if form_save(request, form, lambda d: training.qualification_decide(actor=actor, application=application,
                                                                            **d), success=_("已记录审核结果。")):
            return redirect("oversight:qualifications", jurisdiction.pk)
    today = timezone.localdate()
    rows = [{"application": a, "check": training.qualification_check(a.company, today)
             if a.status == QualificationApplication.Status.PENDING else None} for a in received]
    return render(request, "oversight/duties/qualifications.html", {
        "jurisdiction": jurisdiction, "tab": "training", "rows": rows, "form": form,
        "can_decide": selectors.covers(actor, jurisdiction.pk, training.DECIDING_TIERS), "today": today,
        "soon": today + dt.timedelta(days=60)})
