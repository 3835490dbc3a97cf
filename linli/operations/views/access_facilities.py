"""Pages of facilities (assets, upkeep, repairs) and projects (per-unit progress, funding)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.params import filter_by_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response
from linli.estates.imports import ImportRejected
from linli.servicedesk.selectors import service_request_list
from linli.web.context import remember_community
from linli.web.forms import show_error
from linli.web.views import _error_text, _is_htmx_fragment, _label_zones

from ..models import Asset, Project, ProjectUnit
from ..selectors import facilities as selectors
from ..services import facilities as services
from .access import community_for
from .access_forms import AssetForm, FaultForm, FundingForm, LinkForm, PlanForm, ProjectForm, RecordForm, UnitsAddForm

PAGE_SIZE = 50
IMPORT_ERRORS = "operations_project_import_errors"


def _zones(actor, community):
    return _label_zones(list(estates.zone_list(actor=actor).filter(community=community)))


def _zone(actor, community, zone_id):
    return estates.zone_list(actor=actor).filter(community=community, pk=zone_id or None).first()


# Assets ------------------------------------------------------------------------------------------

def _filtered_assets(actor, community, params):
    assets = selectors.asset_list(actor=actor).filter(community=community).annotate(
        open_requests=Count("requests", filter=Q(requests__resolved_at__isnull=True), distinct=True))
    if params.get("kind") in Asset.Kind.values:
        assets = assets.filter(kind=params["kind"])
    if params.get("status") in Asset.Status.values:
        assets = assets.filter(status=params["status"])
    assets = filter_by_id(assets, "zone_id", params.get("zone"))
    for term in (params.get("q") or "").split():
        assets = assets.filter(Q(code__icontains=term) | Q(name__icontains=term) | Q(location__icontains=term))
    return assets.order_by("kind", "code")


@login_required
def asset_list(request, community_id):
    actor, community = community_for(request, community_id)
    may_edit = actor.can(services.CAPABILITY, community)
    zones = _zones(actor, community)
    form = AssetForm(request.POST or None, zones=zones)
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        if form.is_valid():
            data = dict(form.cleaned_data)
            data["zone"] = _zone(actor, community, data["zone"])
            try:
                asset = services.asset_create(actor=actor, community=community, **data)
            except LinliError as exc:
                show_error(form, exc)
            else:
                messages.success(request, _("已添加 %(asset)s。") % {"asset": asset})
                return redirect("operations:asset_detail", asset.pk)
    assets = _filtered_assets(actor, community, request.GET)
    page = Paginator(assets, PAGE_SIZE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    due = list(selectors.maintenance_due(actor=actor, community=community, on=today)[:50])
    by_kind = dict(selectors.asset_list(actor=actor).filter(community=community).order_by().values_list("kind")
                   .annotate(n=Count("id")))
    return render(request, "operations/asset_list.html", {
        "community": community, "page": page, "params": request.GET, "kinds": Asset.Kind.choices,
        "statuses": Asset.Status.choices, "zones": zones, "form": form, "may_edit": may_edit, "due": due,
        "today": today, "by_kind": [(label, by_kind.get(value, 0)) for value, label in Asset.Kind.choices],
        "faulty": selectors.asset_list(actor=actor).filter(community=community, status=Asset.Status.FAULTY).count(),
        "tab": "assets",
    })


@login_required
def asset_export(request, community_id):
    actor, community = community_for(request, community_id)
    header = [_("编号"), _("类别"), _("名称"), _("分区"), _("位置"), _("安装日期"), _("状态"), _("下次保养"), _("未办结报修")]
    next_due = {}
    for asset_id, due in (selectors.maintenance_plan_list(actor=actor).filter(community=community, active=True)
                          .order_by("asset_id", "next_due").values_list("asset_id", "next_due")):
        next_due.setdefault(asset_id, due)
    rows = [[a.code, a.get_kind_display(), a.name, a.zone.name if a.zone_id else "", a.location, a.installed_on,
             a.get_status_display(), next_due.get(a.pk), a.open_requests]
            for a in _filtered_assets(actor, community, request.GET)]
    return xlsx_response(xlsx([(_("设施设备"), header, rows)]), f"assets-{community.code}.xlsx")


@login_required
def asset_detail(request, pk):
    actor = actor_for(request.user)
    asset = get_object_or_404(selectors.asset_list(actor=actor).select_related("community"), pk=pk)
    remember_community(request, asset.community)
    plans = list(selectors.maintenance_plan_list(actor=actor).filter(asset=asset).order_by("next_due"))
    forms = {
        "plan": PlanForm(prefix="plan"), "record": RecordForm(prefix="record", plans=plans),
        "link": LinkForm(prefix="link"), "fault": FaultForm(prefix="fault"),
    }
    return render(request, "operations/asset_detail.html", _asset_context(actor, asset, plans, forms))


def _asset_context(actor, asset, plans, forms):
    return {
        "community": asset.community, "asset": asset, "plans": plans, "today": timezone.localdate(),
        "records": selectors.maintenance_record_list(actor=actor).filter(asset=asset)[:50],
        "requests": service_request_list(actor=actor).filter(assets=asset).order_by("-created_at")[:50],
        "projects": selectors.project_list(actor=actor).filter(assets=asset),
        "may_edit": actor.can(services.CAPABILITY, asset.community_id), "forms": forms, "tab": "assets",
        "statuses": Asset.Status.choices,
    }


@login_required
@require_POST
def asset_act(request, pk, action):
    """Add a plan or a record, link a request, report a fault, change the status."""
    actor = actor_for(request.user)
    asset = get_object_or_404(selectors.asset_list(actor=actor).select_related("community"), pk=pk)
    if not actor.can(services.CAPABILITY, asset.community_id):
        raise PermissionDenied
    plans = list(selectors.maintenance_plan_list(actor=actor).filter(asset=asset).order_by("next_due"))
    forms = {"plan": PlanForm(prefix="plan"), "record": RecordForm(prefix="record", plans=plans),
             "link": LinkForm(prefix="link"), "fault": FaultForm(prefix="fault")}
    builders = {"plan": lambda: PlanForm(request.POST, prefix="plan"),
                "record": lambda: RecordForm(request.POST, prefix="record", plans=plans),
                "link": lambda: LinkForm(request.POST, prefix="link"),
                "fault": lambda: FaultForm(request.POST, prefix="fault")}
    if action == "status":
        try:
            services.asset_update(actor=actor, asset=asset, changes={"status": request.POST.get("status")})
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        return redirect("operations:asset_detail", asset.pk)
    if action not in builders:
        raise Http404
    form = forms[action] = builders[action]()
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "plan":
                services.maintenance_plan_create(actor=actor, asset=asset, **data)
                messages.success(request, _("已添加保养计划。"))
            elif action == "record":
                plan = next((p for p in plans if str(p.pk) == data["plan"]), None)
                services.maintenance_record_create(actor=actor, asset=asset, description=data["description"],
                                                   done_on=data["done_on"], plan=plan, cost=data["cost"] or 0)
                messages.success(request, _("已记录维护。"))
            elif action == "link":
                found = service_request_list(actor=actor).filter(pk=data["service_request"]).first()
                if found is None:
                    form.add_error("service_request", _("没有这个报修单。"))
                    raise _Invalid
                services.asset_request_link(actor=actor, asset=asset, service_request=found)
                messages.success(request, _("已关联报修单 #%(id)s。") % {"id": found.pk})
            else:
                created = services.asset_fault_report(actor=actor, asset=asset, **data)
                messages.success(request, _("已报修，工单号 %(id)s。") % {"id": created.pk})
            return redirect("operations:asset_detail", asset.pk)
        except LinliError as exc:
            show_error(form, exc)
        except _Invalid:
            pass
    context = _asset_context(actor, asset, plans, forms)
    context["open_form"] = action
    return render(request, "operations/asset_detail.html", context, status=400)


class _Invalid(Exception):
    """A form error found in the view; the page is shown again with it."""


# Projects ----------------------------------------------------------------------------------------

@login_required
def project_list(request, community_id):
    actor = actor_for(request.user)
    community = get_object_or_404(estates.community_list(actor=actor), pk=community_id)
    if not (actor.is_admin or community.pk in actor.registry_community_ids()):
        raise Http404
    remember_community(request, community)
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
    remember_community(request, project.community)
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
        "buildings": estates.building_list(actor=actor).filter(community=community).order_by("name"),
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
        "units": UnitsAddForm(data, prefix="units", zones=_zones(actor, community),
                              buildings=estates.building_list(actor=actor).filter(community=community).order_by("name")),
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
            messages.error(request, _error_text(exc))
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
        error = _error_text(exc)
    if _is_htmx_fragment(request):
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
