"""Pages of facilities: assets with their upkeep plans, maintenance records, repairs and faults."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.pages import community_page, error_text, remember_community, show_error
from linli.core.params import filter_by_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response
from linli.servicedesk.selectors import service_request_list

from ..forms.facilities import AssetForm, FaultForm, LinkForm, PlanForm, RecordForm
from ..models import Asset
from ..selectors import facilities as selectors
from ..selectors.staff import operations_community_list
from ..services import facilities as services
from .common import community_zones

PAGE_SIZE = 50


def _zone(actor, community, zone_id):
    return estates.zone_list(actor=actor).filter(community=community, pk=zone_id or None).first()


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
    actor, community = community_page(request, community_id, selector=operations_community_list)
    may_edit = actor.can(services.CAPABILITY, community)
    zones = community_zones(actor, community)
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
    actor, community = community_page(request, community_id, selector=operations_community_list)
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
    remember_community(request, actor, asset.community)
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
            messages.error(request, error_text(exc))
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
