"""The regulator workspace and the public credit page. Thin: parse, call a selector or a service,
render. A jurisdiction outside the actor's is a 404 (DESIGN §4)."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError, NotFound
from linli.core.pages import form_save, run_service, show_error
from linli.core.params import parse_id, parse_int
from linli.core.tenancy import actor_for
from linli.estates.models import Community
from linli.orgs.models import Organization

from . import evaluation, exports, forms, pdf, regulator_forms, selectors, services
from . import training as counted
from .models import EvaluationResult, Honour, RenovationProject, TrainingSession
from .selectors import ASSESSING_TIERS, INSPECTING_TIERS, RANKING_TIERS


def _jurisdiction(request, jurisdiction_id):
    actor = actor_for(request.user)
    try:
        return actor, selectors.jurisdiction_get(actor=actor, jurisdiction_id=jurisdiction_id)
    except NotFound:
        raise Http404 from None


# The years a page can be about: none before the platform's records, and a few ahead for plans.
# Beyond them a year is a typo; past 9999 or before 1 not even a date can be built from it.
YEAR_FIRST, YEARS_AHEAD = 2000, 5


def _year(request, default: int | None = None) -> int:
    """The year asked for, or `default` (this year) when none is. A year that is not a number in
    YEAR_FIRST … this year + YEARS_AHEAD is refused with a message that names it, and the default
    is shown (issue 17: year=-5 and year=99999 were a 500)."""
    raw = request.GET.get("year") or request.POST.get("year")
    this_year = timezone.localdate().year
    default = default or this_year
    if not raw:
        return default
    year = parse_int(raw, minimum=YEAR_FIRST, maximum=this_year + YEARS_AHEAD)
    if year is None:
        messages.error(request, _("年度“%(value)s”无效，可查看 %(first)s 至 %(last)s 年；下面是 %(year)s 年。") % {
            "value": str(raw)[:20], "first": YEAR_FIRST, "last": this_year + YEARS_AHEAD, "year": default})
        return default
    return year


def _context(actor, jurisdiction, tab, **extra):
    return {"jurisdiction": jurisdiction, "tab": tab,
            "can_inspect": selectors.covers(actor, jurisdiction.pk, INSPECTING_TIERS),
            "can_assess": jurisdiction.kind in ASSESSING_TIERS and selectors.covers(actor, jurisdiction.pk,
                                                                                    ASSESSING_TIERS),
            "can_rank": jurisdiction.kind == Organization.Kind.SUBDISTRICT and selectors.covers(
                actor, jurisdiction.pk, RANKING_TIERS), **extra}


@login_required
def home(request):
    actor = actor_for(request.user)
    orgs = selectors.regulator_organizations(actor)
    if orgs:
        return redirect("oversight:dashboard", orgs[0].pk)
    if actor.company_roles:
        return redirect("oversight:my_results")
    raise Http404


# Dashboard -----------------------------------------------------------------------------------

@login_required
def dashboard(request, jurisdiction_id):
    from linli.governance.models import FundUsage
    from linli.servicedesk.selectors import company_service_stats

    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    # Every figure is an aggregate over the jurisdiction's communities as a subquery: the page
    # costs the same few queries for five communities or a thousand (bench/regulator_list.py).
    communities = selectors.communities_under(jurisdiction.pk).order_by()
    companies = Organization.objects.filter(served_communities__in=communities).distinct()
    figures = selectors.formation_figures(communities=communities)
    summary = {key: figures[key] for key in ("eligible", "formed", "rate", "overdue")}
    hotline = company_service_stats(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                                    community_ids=communities.values("id"))
    funds = (FundUsage.objects.filter(community__in=communities).order_by().values("status")
             .annotate(n=Count("id"), amount=Sum("amount")))
    fund_labels = dict(FundUsage.Status.choices)
    published, rows = selectors.year_rows(jurisdiction=jurisdiction, year=year)
    calendar = selectors.ranking_calendar(jurisdiction=jurisdiction, year=year)
    status_labels = dict(EvaluationResult.Status.choices)
    contracts = {"post": figures["post"], "overdue": summary["overdue"],
                 "expiring": communities.filter(contract_end__lte=timezone.localdate() + dt.timedelta(days=90)).count()}
    charts = {
        "companies": [{"name": c.name, "value": c.n} for c in companies.annotate(
            n=Count("served_communities", filter=Q(served_communities__in=communities)))],
        "formation": [{"name": _("已成立"), "value": summary["formed"], "key": "occupied"},
                      {"name": _("未成立"), "value": summary["eligible"] - summary["formed"], "key": "vacant"}],
        "hotline": [{"name": r["company__name"], "value": r["on_time_rate"] * 100}
                    for r in hotline if r["on_time_rate"] is not None],
        "funds": [{"name": str(fund_labels.get(r["status"], r["status"])), "value": r["n"]} for r in funds],
        "evaluation": [{"name": str(status_labels.get(s, _("待评"))) if s else _("待评"),
                        "value": sum(1 for r in rows if r["status"] == s)}
                       for s in ("recommended", "normal", "failed", None) if any(r["status"] == s for r in rows)],
    }
    return render(request, "oversight/dashboard.html", _context(
        actor, jurisdiction, "dashboard", year=year, communities=communities.count(), companies=companies.count(),
        summary=summary, contracts=contracts, hotline=hotline, charts=charts, published=published,
        funds_total=sum((r["amount"] or 0) for r in funds),
        rankings_flagged=[r for r in calendar if r["overdue"] or r["late"]],
        rankings_overdue=sum(1 for r in calendar if r["overdue"])))


# Evaluation -------------------------------------------------------------------------------

@login_required
def evaluation_page(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    published, rows = selectors.year_rows(jurisdiction=jurisdiction, year=year)
    rectifications = {r.result_id: r for r in selectors.rectification_list(actor=actor).filter(
        jurisdiction=jurisdiction, result__year=year)}
    results = {r.company_id: r for r in EvaluationResult.objects.filter(jurisdiction=jurisdiction, year=year)}
    for row in rows:
        row["result"] = results.get(row["company"].pk)
        row["rectification"] = rectifications.get(getattr(row["result"], "pk", None))
    inspections = selectors.inspection_list(actor=actor).filter(
        community_id__in=selectors.community_ids_under(jurisdiction.pk), year=year)
    rankings = selectors.quarterly_ranking_list(actor=actor).filter(
        subdistrict_id__in=selectors.organization_descendant_ids({jurisdiction.pk}), quarter__startswith=str(year))
    return render(request, "oversight/evaluation.html", _context(
        actor, jurisdiction, "evaluation", year=year, rows=rows, published=published, inspections=inspections[:100],
        rankings=rankings, rectify_form=forms.RectifyForm(initial={
            "deadline": timezone.localdate() + dt.timedelta(days=services.RECTIFICATION_DAYS)}),
        annual_form=forms.AnnualAssessmentForm(companies=selectors.company_list(actor=actor), initial={"year": year}),
        quarter_form=forms.QuarterForm(initial={"quarter": evaluation.last_ranked_quarter(timezone.localdate())}),
        due_dates=[(f"{year}Q{q}", evaluation.ranking_due(f"{year}Q{q}")) for q in evaluation.RANKED_QUARTERS]))


@login_required
@require_POST
def publish(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    if str(year) != request.POST.get("year", "").strip():
        # The year posted was refused (_year said so): nothing is published for another year.
        return redirect(reverse("oversight:evaluation", args=[jurisdiction.pk]) + f"?year={year}")
    run_service(request, lambda: services.evaluation_publish(actor=actor, jurisdiction=jurisdiction, year=year),
                success=_("%(year)s 年度考评结果已公布。") % {"year": year})
    return redirect(reverse("oversight:evaluation", args=[jurisdiction.pk]) + f"?year={year}")


@login_required
@require_POST
def annual_assessment(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = forms.AnnualAssessmentForm(request.POST, companies=selectors.company_list(actor=actor))
    year = _year(request)
    if form.is_valid():
        data = form.cleaned_data
        district = jurisdiction if jurisdiction.kind == Organization.Kind.DISTRICT else None
        run_service(request, lambda: services.annual_assessment_create(actor=actor, district=district, **data),
                    success=_("已录入 %(company)s 的年度考核。") % {"company": data["company"]})
    else:
        messages.error(request, _("请检查年度考核的输入。"))
    return redirect(reverse("oversight:evaluation", args=[jurisdiction.pk]) + f"?year={year}")


@login_required
@require_POST
def quarterly_ranking(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    form = forms.QuarterForm(request.POST)
    if form.is_valid():
        quarter = form.cleaned_data["quarter"]
        run_service(request, lambda: services.quarterly_ranking_submit(actor=actor, subdistrict=jurisdiction,
                                                                       quarter=quarter),
                    success=_("%(quarter)s 季度排名已报送并公开。") % {"quarter": quarter})
    return redirect("oversight:evaluation", jurisdiction.pk)


@login_required
def export_rankings(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    _published, rows = selectors.year_rows(jurisdiction=jurisdiction, year=year)
    rankings = selectors.quarterly_ranking_list(actor=actor).filter(
        subdistrict_id__in=selectors.organization_descendant_ids({jurisdiction.pk}), quarter__startswith=str(year))
    return _xlsx(exports.rankings_xlsx(rows, rankings), f"rankings-{jurisdiction.pk}-{year}.xlsx")


@login_required
def export_statistics(request, jurisdiction_id):
    from linli.servicedesk.selectors import company_service_stats

    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    community_ids = selectors.community_ids_under(jurisdiction.pk)
    hotline = company_service_stats(actor=actor, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31),
                                    community_ids=community_ids)
    inspections = selectors.inspection_list(actor=actor).filter(community_id__in=community_ids, year=year)
    formation = selectors.formation_rows(actor=actor, jurisdiction=jurisdiction)
    return _xlsx(exports.statistics_xlsx(hotline, inspections, formation), f"statistics-{jurisdiction.pk}-{year}.xlsx")


def _xlsx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Inspections ----------------------------------------------------------------------------------

@login_required
def inspection_new(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    communities = selectors.inspectable_community_list(actor=actor).filter(
        id__in=selectors.community_ids_under(jurisdiction.pk), company__isnull=False)
    community = communities.filter(pk=parse_id(request.GET.get("community"))).first()
    if community is None:
        return render(request, "oversight/inspection_pick.html", _context(
            actor, jurisdiction, "evaluation", communities=communities))
    rubric = selectors.current_rubric(actor=actor, jurisdiction_id=community.residents_committee_id)
    form = forms.InspectionForm(request.POST or None, request.FILES or None, rubric=rubric)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            inspection = services.inspection_create(
                actor=actor, company=community.company, community=community, quarter=data["quarter"],
                inspected_on=data["inspected_on"], notes=data["notes"], photos=data["photos"], rubric=rubric,
                items=form.items() if rubric else None, score=data.get("score"))
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已记录 %(community)s 的检查，得分 %(score)s。") % {
                "community": community.name, "score": inspection.score})
            return redirect("oversight:inspection", inspection.pk)
    quarter = form["quarter"].value() or evaluation.quarter_of(timezone.localdate())
    return render(request, "oversight/inspection_form.html", _context(
        actor, jurisdiction, "evaluation", community=community, rubric=rubric, form=form,
        hotline=_hotline_for(actor, community, quarter)))


def _hotline_for(actor, community, quarter: str) -> dict | None:
    """The company's hotline figures of the quarter, shown beside 服务结果评价."""
    from linli.servicedesk.selectors import company_service_stats

    try:
        year, q = evaluation.parse_quarter(quarter)
    except LinliError:
        return None
    start = dt.date(year, 3 * q - 2, 1)
    end = (dt.date(year + (q == 4), 1 if q == 4 else 3 * q + 1, 1)) - dt.timedelta(days=1)
    stats = company_service_stats(actor=actor, start=start, end=end, company_ids=[community.company_id],
                                  community_ids=[community.pk])
    return stats[0] if stats else {"total": 0}


@login_required
def inspection_detail(request, inspection_id):
    actor = actor_for(request.user)
    inspection = get_object_or_404(selectors.inspection_list(actor=actor).prefetch_related(
        "item_scores__item__category", "photos"), pk=inspection_id)
    return render(request, "oversight/inspection_detail.html", {"inspection": inspection})


@login_required
def inspection_photo(request, photo_id):
    actor = actor_for(request.user)
    inspection = get_object_or_404(selectors.inspection_list(actor=actor), photos__pk=photo_id)
    photo = inspection.photos.get(pk=photo_id)
    return HttpResponse(photo.image.open("rb").read(), content_type=photo.content_type)


# The failed company -------------------------------------------------------------------------

@login_required
@require_POST
def rectify(request, result_id):
    actor = actor_for(request.user)
    result = get_object_or_404(selectors.result_list(actor=actor), pk=result_id)
    form = forms.RectifyForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.rectification_issue(actor=actor, result=result, **form.cleaned_data),
                    success=_("已通报批评并下达限期整改通知。"))
    return redirect(reverse("oversight:evaluation", args=[result.jurisdiction_id]) + f"?year={result.year}")


@login_required
def rectification_detail(request, rectification_id):
    actor = actor_for(request.user)
    rectification = get_object_or_404(selectors.rectification_list(actor=actor), pk=rectification_id)
    communities = Community.objects.filter(company=rectification.company,
                                           id__in=selectors.community_ids_under(rectification.jurisdiction_id))
    reinspect = forms.ReinspectForm(request.POST or None, communities=communities)
    proposal = forms.ProposalForm(request.POST or None)
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "reinspect" and reinspect.is_valid():
            run_service(request, lambda: services.rectification_reinspect(
                actor=actor, rectification=rectification, **reinspect.cleaned_data), success=_("已记录复查结果。"))
        elif step == "propose" and proposal.is_valid():
            run_service(request, lambda: services.rectification_propose(
                actor=actor, rectification=rectification, proposal=proposal.cleaned_data["proposal"]),
                success=_("已报请市房管局处理。"))
        elif step == "notify":
            run_service(request, lambda: services.rectification_notify(actor=actor, rectification=rectification),
                        success=_("已记录书面通报企业负责人。"))
        return redirect("oversight:rectification", rectification.pk)
    return render(request, "oversight/rectification.html", {
        "rectification": rectification, "reinspect_form": reinspect, "proposal_form": proposal,
        "can_act": selectors.covers(actor, rectification.jurisdiction_id, ASSESSING_TIERS),
        "reinspections": rectification.reinspections.select_related("community")})


@login_required
def rectification_pdf(request, rectification_id, document):
    actor = actor_for(request.user)
    rectification = get_object_or_404(selectors.rectification_list(actor=actor).select_related("result"),
                                      pk=rectification_id)
    if document not in pdf.DOCUMENTS:
        raise Http404
    response = HttpResponse(pdf.rectification_document(rectification, document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document}-{rectification.pk}.pdf"'
    return response


# Credit files ---------------------------------------------------------------------------------

@login_required
def company_file(request, company_id):
    actor = actor_for(request.user)
    company = get_object_or_404(selectors.company_list(actor=actor), pk=company_id)
    return render(request, "oversight/company.html", {
        "company": company,
        "records": selectors.credit_record_list(actor=actor).filter(company=company),
        "results": selectors.result_list(actor=actor).filter(company=company),
        "inspections": selectors.inspection_list(actor=actor).filter(company=company)[:50],
        "certificates": selectors.certificate_list(actor=actor).filter(company=company),
    })


@login_required
def my_results(request):
    """A company's own results, published or not, and its credit file."""
    actor = actor_for(request.user)
    own = selectors.own_company_ids(actor)
    if not own:
        raise Http404
    year = _year(request)
    rows = []
    jurisdiction = selectors.default_jurisdiction(actor)
    if jurisdiction is not None:
        _j, published, rows = selectors.evaluation_results(actor=actor, year=year, jurisdiction_id=jurisdiction.pk)
    return render(request, "oversight/my_results.html", {
        "year": year, "rows": rows, "jurisdiction": jurisdiction,
        "companies": Organization.objects.filter(id__in=own),
        "records": selectors.credit_record_list(actor=actor).filter(company_id__in=own),
        "inspections": selectors.inspection_list(actor=actor).filter(company_id__in=own, year=year),
        "rectifications": selectors.rectification_list(actor=actor).filter(company_id__in=own),
    })


# Committees, training, honours, renovation ------------------------------------------------------

@login_required
def committees(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    communities = Community.objects.filter(id__in=selectors.community_ids_under(jurisdiction.pk))
    form = forms.ContractForm(request.POST or None, communities=communities,
                              companies=Organization.objects.filter(kind=Organization.Kind.COMPANY))
    if form_save(request, form, lambda data: services.service_contract_record(actor=actor, **data),
                 success=_("已登记物业服务合同。")):
        return redirect("oversight:committees", jurisdiction.pk)
    rows = selectors.formation_rows(actor=actor, jurisdiction=jurisdiction)
    return render(request, "oversight/committees.html", _context(
        actor, jurisdiction, "committees", rows=rows, summary=selectors.formation_summary(rows), form=form))


@login_required
def training(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    sessions = selectors.training_list(actor=actor).filter(
        organizer_id__in=selectors.organization_descendant_ids({jurisdiction.pk}))
    companies = selectors.company_list(actor=actor)
    session_form = forms.TrainingForm(request.POST if request.POST.get("step") == "session" else None)
    staff = counted.staff_choices(actor=actor).filter(
        community_id__in=selectors.communities_under(jurisdiction.pk).values("id"))
    attendance_form = forms.AttendanceForm(request.POST if request.POST.get("step") == "attendance" else None,
                                           sessions=sessions, staff=staff)
    certificate_form = forms.CertificateForm(request.POST if request.POST.get("step") == "certificate" else None,
                                             staff=staff)
    steps = {
        "session": (session_form, lambda d: services.training_session_create(actor=actor, organizer=jurisdiction,
                                                                              **d)),
        "attendance": (attendance_form, lambda d: counted.attendance_record(actor=actor, **d)),
        "certificate": (certificate_form, lambda d: counted.certificate_register(actor=actor, **d)),
    }
    if request.method == "POST" and request.POST.get("step") in steps:
        form, action = steps[request.POST["step"]]
        if form_save(request, form, action):
            return redirect("oversight:training", jurisdiction.pk)
    today = timezone.localdate()
    certificates = selectors.certificate_list(actor=actor).filter(company__in=companies)
    return render(request, "oversight/training.html", _context(
        actor, jurisdiction, "training", sessions=sessions, certificates=certificates, today=today,
        soon=today + dt.timedelta(days=60), tiers=TrainingSession.Tier.choices, session_form=session_form,
        attendance_form=attendance_form, certificate_form=certificate_form))


@login_required
def honours(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    communities = Community.objects.filter(id__in=selectors.community_ids_under(jurisdiction.pk))
    form = forms.HonourForm(request.POST if request.POST.get("step") == "honour" else None, communities=communities)
    if request.method == "POST":
        if request.POST.get("step") == "honour" and form.is_valid():
            run_service(request, lambda: services.honour_create(actor=actor, **form.cleaned_data),
                        success=_("已登记优秀项目。"))
        elif request.POST.get("step") == "review":
            honour = get_object_or_404(selectors.honour_list(actor=actor), pk=request.POST.get("honour"))
            review = forms.HonourReviewForm(request.POST)
            if review.is_valid():
                run_service(request, lambda: services.honour_review(actor=actor, honour=honour,
                                                                    **review.cleaned_data),
                            success=_("已记录复核结果。"))
        return redirect("oversight:honours", jurisdiction.pk)
    items = selectors.honour_list(actor=actor).filter(community__in=communities)
    return render(request, "oversight/honours.html", _context(
        actor, jurisdiction, "honours", honours=items, form=form, review_form=forms.HonourReviewForm(),
        revoked=Honour.Status.REVOKED))


@login_required
def renovation(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    if request.method == "POST":
        project = get_object_or_404(RenovationProject.objects.filter(
            district_id__in=selectors.organization_descendant_ids({jurisdiction.pk})
            | selectors.organization_ancestor_ids({jurisdiction.pk})), pk=request.POST.get("project"))
        if request.POST.get("step") == "progress":
            form = forms.ProgressForm(request.POST)
            if form.is_valid():
                run_service(request, lambda: services.renovation_project_progress(
                    actor=actor, project=project, progress=form.cleaned_data["progress"]), success=_("已更新进度。"))
        elif request.POST.get("step") == "subsidy":
            form = forms.SubsidyForm(request.POST)
            if form.is_valid():
                run_service(request, lambda: services.renovation_subsidy_grant(
                    actor=actor, project=project, amount=form.cleaned_data["amount"]), success=_("已登记补贴。"))
        return redirect("oversight:renovation", jurisdiction.pk)
    data = selectors.renovation(actor=actor, jurisdiction=jurisdiction)
    return render(request, "oversight/renovation.html", _context(
        actor, jurisdiction, "renovation", **data, **regulator_forms.renovation_forms(actor, jurisdiction)))


# Public page: no login ---------------------------------------------------------------------------

def public_index(request):
    results = selectors.public_results()
    rankings = selectors.public_rankings()
    # Every year with something published, results or quarterly rankings (quarters are "2026Q1"):
    # the page opens on the latest of them, not on a year with nothing to show (issue 17).
    years = sorted(set(results.order_by().values_list("year", flat=True).distinct())
                   | {int(q[:4]) for q in rankings.order_by().values_list("quarter", flat=True).distinct()},
                   reverse=True)
    year = _year(request, default=years[0] if years else None)
    return render(request, "oversight/public.html", {
        "year": year, "years": years, "results": results.filter(year=year),
        "rankings": rankings.filter(quarter__startswith=str(year)),
        "records": selectors.public_credit_records()[:50],
    })


def public_company(request, company_id):
    try:
        company = selectors.public_company(company_id)
    except NotFound:
        raise Http404 from None
    return render(request, "oversight/public_company.html", {
        "company": company, "results": selectors.public_results().filter(company=company),
        "records": selectors.public_credit_records().filter(company=company),
    })

