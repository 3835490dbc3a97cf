"""Pages of projects: per-unit progress (户表改造), its import and export, and the funding."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.pages import community_page, error_text, is_htmx_fragment, remember_community, show_error
from linli.core.params import filter_by_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response
from linli.estates.registry import ImportRejected

from ..forms.facilities import FundingForm, ProjectForm, UnitsAddForm
from ..models import Project, ProjectUnit
from ..selectors import facilities as selectors
from ..services import facilities as services
from .common import community_buildings, community_zones

PAGE_SIZE = 50


IMPORT_ERRORS = "operations_project_import_errors"


@login_required
def project_list(request, community_id):
    # Also the committee's and the regulators' page: they supervise how projects are funded.
    actor, community = community_page(request, community_id, selector=estates.registry_community_list)
    may_edit = actor.can(services.CAPABILITY, community)
    form = ProjectForm(request.POST or None)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["budget"] = data["budget"] or 0
            try:
                project = services.project_create(actor=actor, community=community, **data)
            except LinliError as exc:
                show_error(form, exc)
            else:
                return redirect("operations:project_detail", project.pk)
    projects = list(selectors.project_list(actor=actor).filter(community=community).order_by("-created_at"))
    for project in projects:
        project.progress = selectors.project_progress(project=project)
        project.funding_summary = selectors.project_funding_summary(project=project)
    return render(request, "operations/project_list.html", {
        "community": community, "projects": projects, "form": form, "may_edit": may_edit, "tab": "projects"})


def _project(request, pk):
    actor = actor_for(request.user)
    project = get_object_or_404(selectors.project_list(actor=actor).select_related("community"), pk=pk)
    remember_community(request, actor, project.community)
    return actor, project


def _project_context(actor, project, params, forms):
    community = project.community
    rows = selectors.project_unit_list(actor=actor).filter(project=project)
    if params.get("status") in ProjectUnit.Status.values:
        rows = rows.filter(status=params["status"])
    rows = filter_by_id(rows, "unit__building_id", params.get("building"))
    page = Paginator(rows.order_by("unit__building__name", "unit__number"), PAGE_SIZE).get_page(params.get("page"))
    progress = selectors.project_progress(project=project)
    funding = selectors.project_funding_summary(project=project)
    return {
        "community": community, "project": project, "page": page, "params": params, "progress": progress,
        "funding": funding, "fundings": selectors.project_funding_list(actor=actor).filter(project=project),
        "assets": project.assets.all(), "statuses": ProjectUnit.Status.choices,
        "buildings": community_buildings(actor, community),
        "may_edit": actor.can(services.CAPABILITY, community), "forms": forms, "tab": "projects",
        "chart": {"names": [b["name"] for b in progress["buildings"]],
                  "done": [b["done"] for b in progress["buildings"]],
                  "rest": [b["total"] - b["done"] for b in progress["buildings"]],
                  "labels": [str(ProjectUnit.Status.DONE.label), _("未完成")]},
        "import_errors": None, "project_statuses": Project.Status.choices,
    }


def _project_forms(actor, project, data=None):
    community = project.community
    return {
        "units": UnitsAddForm(data, prefix="units", zones=community_zones(actor, community),
                              buildings=community_buildings(actor, community)),
        "funding": FundingForm(data, prefix="funding"),
    }


@login_required
def project_detail(request, pk):
    actor, project = _project(request, pk)
    context = _project_context(actor, project, request.GET, _project_forms(actor, project))
    context["import_errors"] = request.session.pop(IMPORT_ERRORS, None)
    return render(request, "operations/project_detail.html", context)


@login_required
@require_POST
def project_act(request, pk, action):
    """Add unit rows, import progress, add funding, change the status."""
    actor, project = _project(request, pk)
    if not actor.can(services.CAPABILITY, project.community_id):
        raise PermissionDenied
    here = reverse("operations:project_detail", args=[project.pk])
    forms = _project_forms(actor, project)
    try:
        if action == "units":
            form = forms["units"] = _project_forms(actor, project, request.POST)["units"]
            if form.is_valid():
                kind, _sep, ref = form.cleaned_data["scope"].partition(":")
                building = estates.building_list(actor=actor).filter(pk=ref).first() if kind == "building" else None
                zone = estates.zone_list(actor=actor).filter(pk=ref).first() if kind == "zone" else None
                added = services.project_units_add(actor=actor, project=project, building=building, zone=zone)
                messages.success(request, _("已加入 %(n)s 户。") % {"n": added})
                return redirect(here)
        elif action == "funding":
            form = forms["funding"] = _project_forms(actor, project, request.POST)["funding"]
            if form.is_valid():
                services.project_funding_add(actor=actor, project=project, **form.cleaned_data)
                messages.success(request, _("已登记资金。"))
                return redirect(here + "#funding")
        elif action == "import":
            try:
                updated = services.project_progress_import(actor=actor, project=project,
                                                           file=request.FILES.get("file"))
            except ImportRejected as exc:
                messages.error(request, str(exc.message))
                request.session[IMPORT_ERRORS] = exc.errors[:200]
            else:
                messages.success(request, _("已更新 %(n)s 户的进度。") % {"n": updated})
            return redirect(here)
        elif action == "status":
            services.project_update(actor=actor, project=project, changes={"status": request.POST.get("status")})
            return redirect(here)
        else:
            raise Http404
    except LinliError as exc:
        if action in forms:
            show_error(forms[action], exc)
        else:
            messages.error(request, error_text(exc))
            return redirect(here)
    context = _project_context(actor, project, request.GET, forms)
    context["open_form"] = action
    return render(request, "operations/project_detail.html", context, status=400)


@login_required
@require_POST
def project_unit_update(request, pk):
    """One row's progress, from the select on the project page (HTMX swaps the row)."""
    actor = actor_for(request.user)
    row = get_object_or_404(selectors.project_unit_list(actor=actor), pk=pk)
    error = None
    try:
        row = services.project_unit_update(actor=actor, project_unit=row, changes={
            "status": request.POST.get("status", row.status), "note": request.POST.get("note", row.note)})
    except LinliError as exc:
        error = error_text(exc)
    if is_htmx_fragment(request):
        row = selectors.project_unit_list(actor=actor).get(pk=row.pk)
        return render(request, "operations/project_unit_row.html", {
            "row": row, "statuses": ProjectUnit.Status.choices, "may_edit": True, "error": error})
    if error:
        messages.error(request, error)
    return redirect("operations:project_detail", row.project_id)


@login_required
def project_export(request, pk):
    actor, project = _project(request, pk)
    rows = [[r.unit.building.name, r.unit.number, r.get_status_display(), r.done_on, r.note]
            for r in selectors.project_unit_list(actor=actor).filter(project=project)
            .order_by("unit__building__name", "unit__number")]
    progress = selectors.project_progress(project=project)
    summary = [[b["name"], b["total"], b["done"], b["percent"]] for b in progress["buildings"]]
    return xlsx_response(xlsx([
        (_("分户进度"), services.PROGRESS_COLUMNS, rows),
        (_("按楼栋"), [_("楼栋"), _("户数"), _("已完成"), _("完成率(%)")], summary),
    ]), f"project-{project.pk}-progress.xlsx")
