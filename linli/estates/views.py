"""Registry pages (server-rendered, HTMX): units, owners, buildings, binding requests, the
owner's own units, account opening, and the import of a registry. Thin: parse, call a service
or selector, render.

Every object is fetched through a selector scoped to the actor, so anything outside the
actor's scope is a 404 (DESIGN §4). Writes go through the estates services, whose LinliError
is shown on the page in the user's language."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.errors import LinliError
from linli.core.pages import (
    community_page,
    error_text,
    form_page,
    form_save,
    is_htmx_fragment,
    remember_community,
    run_service,
    safe_next,
)
from linli.core.tenancy import actor_for
from linli.core.uploads import CONTENT_TYPES, sniff

from . import registry, selectors, services
from .forms import (
    ActivateForm,
    BindRequestForm,
    InviteForm,
    OwnerForm,
    ResidentForm,
    ReviewForm,
    SearchForm,
    UnitFilterForm,
    UnitForm,
)
from .models import BindingRequest, Ownership, Resident, Unit
from .pdf import invitation_notice_pdf

PAGE_SIZE = 50
RECENT_JOBS = 10


def _registry_page(request, community_id, capability: str | None = None):
    """The community whose registry page is asked for: a 404 if the actor does not read it."""
    return community_page(request, community_id, selector=selectors.registry_community_list, capability=capability)


def _reads_registry(actor, community_id) -> bool:
    return actor.is_admin or community_id in actor.registry_community_ids()


# Units, buildings, owners ------------------------------------------------------------------

@login_required
def unit_list(request, community_id):
    actor, community = _registry_page(request, community_id)
    zones = selectors.labelled_zones(selectors.zone_list(actor=actor).filter(community=community))
    buildings = selectors.building_list(actor=actor).filter(community=community)
    form = UnitFilterForm(request.GET, zones=zones, buildings=buildings)
    units = (
        selectors.unit_list(actor=actor).filter(community=community)
        .prefetch_related(Prefetch("ownerships", queryset=Ownership.objects.select_related("owner")))
    )
    if form.is_valid():
        data = form.cleaned_data
        for term in data["q"].split():
            units = units.filter(Q(number__icontains=term) | Q(building__name__icontains=term))
        if data["zone"]:
            units = units.filter(Q(building__zone_id=data["zone"]) | Q(building__zone__parent_id=data["zone"]))
        if data["building"]:
            units = units.filter(building_id=data["building"])
        if data["status"]:
            units = units.filter(status=data["status"])
        if data["usage"]:
            units = units.filter(usage=data["usage"])
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    filtered = any(request.GET.get(name) for name in form.fields)
    context = {"community": community, "form": form, "page": page, "filtered": filtered}
    template = "estates/_unit_results.html" if is_htmx_fragment(request) else "estates/unit_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def unit_detail(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor).select_related("community"), pk=unit_id)
    remember_community(request, actor, unit.community)
    return render(request, "estates/unit_detail.html", {
        "unit": unit,
        "registry": _reads_registry(actor, unit.community_id),
        "ownerships": selectors.ownership_list(actor=actor).filter(unit=unit).select_related("owner"),
        "residents": selectors.resident_list(actor=actor).filter(unit=unit, move_out__isnull=True),
        "parking_spaces": selectors.parking_space_list(actor=actor).filter(unit=unit),
        "can_phone": actor.can("personal.phone", unit.community_id),
        "can_edit": actor.can("estates.manage", unit.community_id),
        "can_add_resident": services.resident_manage_allowed(actor, unit),
        "resident_form": ResidentForm(),
    })


def _edit(request, *, instance, form_class, service, kwarg, title, back):
    """The shared edit page: a form of the model's fields, saved through the service with only
    what the user changed, so the services' rules about untouched fields still apply."""
    actor = actor_for(request.user)
    form = form_class(request.POST or None, initial={name: getattr(instance, name) for name in form_class.base_fields})

    def save(data):
        changes = {name: value for name, value in data.items() if getattr(instance, name) != value}
        try:
            return service(actor=actor, changes=changes, **{kwarg: instance})
        except LinliError:
            # The service may have set the new values on the instance before refusing them.
            instance.refresh_from_db()
            raise

    if form_save(request, form, save):
        return redirect(back)
    return form_page(request, form, title=title, back=back, object=instance)


@login_required
def unit_edit(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor), pk=unit_id)
    if not actor.can("estates.manage", unit.community_id):
        raise PermissionDenied
    return _edit(request, instance=unit, form_class=UnitForm, service=services.unit_update, kwarg="unit",
                 title=_("编辑房屋 %(unit)s") % {"unit": unit}, back=reverse("estates:unit_detail", args=[unit.pk]))


@login_required
def resident_create(request, unit_id):
    """Family members and tenants, added by the unit's owner or by staff."""
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor), pk=unit_id)
    back = safe_next(request, reverse("estates:unit_detail", args=[unit.pk]))
    form = ResidentForm(request.POST or None)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    if form_save(request, form, lambda data: services.resident_create(actor=actor, unit=unit, **data),
                 success=_("已添加住户 %(name)s。") % {"name": name}):
        return redirect(back)
    return form_page(request, form, title=_("为 %(unit)s 添加家庭成员或租户") % {"unit": unit}, back=back,
                     object=unit, next=back, submit_label=_("添加"))


@login_required
def building_list(request, community_id):
    actor, community = _registry_page(request, community_id)
    buildings = list(
        selectors.building_list(actor=actor).filter(community=community)
        .annotate(units_count=Count("units"), units_area=Sum("units__area"))
    )
    paths = selectors.zone_paths(list(selectors.zone_list(actor=actor).filter(community=community)))
    for building in buildings:
        building.zone_label = paths.get(building.zone_id, "")
    return render(request, "estates/building_list.html", {"community": community, "buildings": buildings})


@login_required
def owner_list(request, community_id):
    actor, community = _registry_page(request, community_id)
    can_phone = actor.can("personal.phone", community)
    form = SearchForm(request.GET)
    owners = (
        selectors.owner_list(actor=actor).filter(community=community)
        .prefetch_related(Prefetch("ownerships", queryset=Ownership.objects.select_related("unit__building")))
    )
    if form.is_valid():
        for term in form.cleaned_data["q"].split():
            match = Q(name__icontains=term)
            if can_phone:
                # Searching by phone would confirm numbers to those who may not see them.
                match |= Q(phone__contains=term)
            owners = owners.filter(match)
    page = Paginator(owners, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "estates/owner_list.html", {
        "community": community, "form": form, "page": page, "can_phone": can_phone,
    })


@login_required
def owner_detail(request, owner_id):
    actor = actor_for(request.user)
    owner = get_object_or_404(selectors.owner_list(actor=actor).select_related("community", "user"), pk=owner_id)
    remember_community(request, actor, owner.community)
    can_manage = actor.can("estates.manage", owner.community_id)
    return render(request, "estates/owner_detail.html", {
        "owner": owner,
        "registry": _reads_registry(actor, owner.community_id),
        "ownerships": selectors.ownership_list(actor=actor).filter(owner=owner).select_related("unit__building"),
        "invitations": selectors.owner_invitation_list(actor=actor).filter(owner=owner) if can_manage else [],
        "can_phone": actor.can("personal.phone", owner.community_id) or owner.pk in actor.owner_ids,
        "can_id_number": actor.can("personal.id_number", owner.community_id) or owner.pk in actor.owner_ids,
        "can_manage": can_manage,
        "now": timezone.now(),
    })


@login_required
def owner_edit(request, owner_id):
    actor = actor_for(request.user)
    owner = get_object_or_404(selectors.owner_list(actor=actor), pk=owner_id)
    if not actor.can("estates.manage", owner.community_id):
        raise PermissionDenied
    return _edit(request, instance=owner, form_class=OwnerForm, service=services.owner_update, kwarg="owner",
                 title=_("编辑业主 %(owner)s") % {"owner": owner},
                 back=reverse("estates:owner_detail", args=[owner.pk]))


@never_cache
@login_required
@require_POST
def owner_invite(request, owner_id):
    """Issue an invitation code. The code exists only in this response (only its hash is kept),
    so the notice is rendered here, never cached, and a new code replaces any earlier one."""
    actor = actor_for(request.user)
    owner = get_object_or_404(selectors.owner_list(actor=actor).select_related("community"), pk=owner_id)
    back = reverse("estates:owner_detail", args=[owner.pk])
    form = InviteForm(request.POST)
    if not form.is_valid():
        return redirect(back)
    output = form.cleaned_data["output"]
    try:
        invitation, code = services.owner_invite(actor=actor, owner=owner, send_sms=output == "sms")
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return redirect(back)
    if output == "sms":
        messages.success(request, _("邀请码已通过短信发送给业主。"))
        return redirect(back)
    notice = {
        "owner": owner,
        "units": Unit.objects.filter(ownerships__owner=owner).select_related("building"),
        "code": code,
        "invitation": invitation,
        "activate_url": request.build_absolute_uri(reverse("estates:activate")),
    }
    if output == "pdf":
        response = HttpResponse(invitation_notice_pdf(**notice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="invitation-{owner.pk}.pdf"'
        return response
    return render(request, "estates/invite_notice.html", {**notice, "back": back})


# Binding requests --------------------------------------------------------------------------

@login_required
def binding_list(request, community_id):
    actor, community = _registry_page(request, community_id, capability="estates.review_binding")
    status = request.GET.get("status") or BindingRequest.Status.PENDING
    bindings = (
        selectors.binding_request_list(actor=actor).filter(unit__community=community)
        .prefetch_related(Prefetch("unit__ownerships", queryset=Ownership.objects.select_related("owner")))
    )
    if status in BindingRequest.Status.values:
        bindings = bindings.filter(status=status)
    page = Paginator(bindings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "estates/binding_list.html", {
        "community": community, "page": page, "status": status, "statuses": BindingRequest.Status.choices,
        "can_phone": actor.can("personal.phone", community),
    })


@login_required
@require_POST
def binding_review(request, binding_id):
    actor = actor_for(request.user)
    binding = get_object_or_404(selectors.binding_request_list(actor=actor).select_related("unit"), pk=binding_id)
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        run_service(
            request,
            lambda: services.binding_request_review(actor=actor, binding=binding, approve=approve,
                                                    note=form.cleaned_data["note"]),
            success=_("已通过 %(name)s 的绑定申请。") % {"name": binding.name} if approve
            else _("已驳回 %(name)s 的绑定申请。") % {"name": binding.name},
        )
    return redirect("estates:binding_list", binding.unit.community_id)


@login_required
def binding_proof(request, binding_id):
    """Proofs are personal documents: served to the applicant and the reviewers, never as public media."""
    actor = actor_for(request.user)
    binding = get_object_or_404(selectors.binding_request_list(actor=actor).select_related("unit"), pk=binding_id)
    if binding.user_id != request.user.pk and not actor.can("estates.review_binding", binding.unit.community_id):
        raise Http404
    handle = binding.proof.open("rb")
    return FileResponse(handle, content_type=CONTENT_TYPES.get(sniff(handle), "application/octet-stream"))


# Owner portal ------------------------------------------------------------------------------

@login_required
def my_units(request):
    actor = actor_for(request.user)
    units = list(
        selectors.unit_list(actor=actor).filter(id__in=actor.own_unit_ids).select_related("community")
        .prefetch_related(
            Prefetch("ownerships", queryset=Ownership.objects.select_related("owner")),
            Prefetch("residents", queryset=Resident.objects.filter(move_out__isnull=True), to_attr="current_residents"),
            "parking_spaces",
        )
    )
    for unit in units:
        # One form per unit on the page, so each needs its own field ids.
        unit.resident_form = ResidentForm(auto_id=f"id_unit{unit.pk}_%s")
    return render(request, "estates/my_units.html", {
        "units": units,
        "bindings": selectors.binding_request_list(actor=actor).filter(user=request.user),
    })


@login_required
def bind_request(request):
    actor = actor_for(request.user)
    form = BindRequestForm(request.POST or None, request.FILES or None,
                           communities=selectors.binding_community_list(actor=actor))
    if form_save(request, form, lambda data: services.binding_request_create(actor=actor, **data),
                 success=_("绑定申请已提交，物业审核通过后即可看到该房屋。")):
        return redirect("estates:my_units")
    return form_page(
        request, form, title=_("申请绑定房屋"), back=reverse("estates:my_units"), multipart=True,
        submit_label=_("提交申请"),
        intro=_("填写房屋所在小区、楼栋和房号，并上传房产证明。物业工作人员核实后，您的账号即与该房屋绑定。"),
    )


def activate(request):
    """An owner opens their account with the code from the printed notice or the SMS."""
    form = ActivateForm(request.POST or None)
    user = form_save(request, form, lambda data: services.owner_invitation_redeem(
        code=data["code"], username=data["username"], password=data["password"]),
        success=_("账号已开通，欢迎使用邻里。"))
    if user:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("estates:my_units")
    return render(request, "estates/activate.html", {"form": form})


# Import and export -------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, pk: int):
    """Download the template, upload a file; the job page then shows its progress."""
    actor = actor_for(request.user)
    community = get_object_or_404(selectors.community_list(actor=actor), pk=pk)
    if not actor.can("estates.import", community):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            job = registry.import_job_create(actor=actor, community=community, file=request.FILES.get("file"))
        except LinliError as exc:
            error = exc.message
        else:
            return redirect("estates:import-job", pk=job.pk)
    jobs = selectors.import_job_list(actor=actor).filter(community=community)[:RECENT_JOBS]
    return render(request, "estates/import.html", {
        "community": community, "jobs": jobs, "error": error,
        "can_export": actor.can("estates.export", community),
    }, status=400 if error else 200)


@login_required
@require_GET
def import_job(request, pk: int):
    job = get_object_or_404(selectors.import_job_list(actor=actor_for(request.user)), pk=pk)
    return render(request, "estates/import_job.html", {"job": job, "community": job.community})


@login_required
@require_GET
def import_job_progress(request, pk: int):
    """The progress panel alone: HTMX polls it every second until the job is done or failed."""
    job = get_object_or_404(selectors.import_job_list(actor=actor_for(request.user)), pk=pk)
    return render(request, "estates/_import_progress.html", {"job": job})
