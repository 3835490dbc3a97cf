"""The web pages. Thin: parse the request, call a selector or a service, render.

Every object is fetched through a selector scoped to the actor, so anything outside the
actor's scope is a 404 (DESIGN §4). Writes go through the estates services, whose
LinliError is shown on the page in the user's language."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.errors import LinliError
from linli.core.tenancy import actor_for
from linli.core.uploads import CONTENT_TYPES, sniff
from linli.estates import selectors, services
from linli.estates.models import BindingRequest, Ownership, Resident, Unit
from linli.orgs.services import user_password_change

from .auth import (
    confirmed_device,
    offers_second_factor,
    otpauth_uri,
    qr_svg,
    second_factor_confirm,
    second_factor_remove,
)
from .context import app_nav_modules, community_list_title, remember_community
from .forms import (
    ActivateForm,
    BindRequestForm,
    InviteForm,
    LoginForm,
    OTPCodeForm,
    OwnerForm,
    ResidentForm,
    ReviewForm,
    SearchForm,
    UnitFilterForm,
    UnitForm,
    show_error,
)
from .pdf import invitation_notice_pdf

PAGE_SIZE = 50


def _registry_community(request, community_id):
    """The community whose registry page is asked for, or a 404 if the actor does not read it."""
    actor = actor_for(request.user)
    community = get_object_or_404(selectors.registry_community_list(actor=actor), pk=community_id)
    remember_community(request, community)
    return actor, community


def _reads_registry(actor, community_id) -> bool:
    return actor.is_admin or community_id in actor.registry_community_ids()


def _error_text(exc: LinliError) -> str:
    """One line for a message banner: the field messages when the error itself is generic."""
    details = [str(m) for field_messages in exc.fields.values() for m in field_messages]
    return " ".join(details) if details and exc.message == exc.default_message else str(exc.message)


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    # A path of this site only: redirect() takes a bare word ("99999") for the name of a view.
    if target and target.startswith("/") and url_has_allowed_host_and_scheme(
            target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _is_htmx_fragment(request) -> bool:
    # A history restore asks for the whole page even though it comes from htmx.
    return request.headers.get("HX-Request") == "true" and "HX-History-Restore-Request" not in request.headers


def _label_zones(zones) -> list:
    """Give each zone its path label (南区 › 金苗园), parents before children."""
    by_id = {z.pk: z for z in zones}
    for zone in zones:
        names, parent = [zone.name], by_id.get(zone.parent_id)
        while parent is not None:
            names.insert(0, parent.name)
            parent = by_id.get(parent.parent_id)
        zone.label = " › ".join(names)
    return sorted(zones, key=lambda z: z.label)


# Sign-in, home --------------------------------------------------------------------------------

class SignInView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def otp_verify(request):
    """The second step of signing in for a user with a confirmed authenticator."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(_safe_next(request, reverse("web:home")))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(_safe_next(request, reverse("web:home")))
        form.add_error("code", _("验证码不正确或已过期，请输入验证器应用中当前显示的数字。"))
    return render(request, "web/otp_verify.html", {"form": form, "next": _safe_next(request, "")})


@login_required
def otp_setup(request):
    """Staff and regulators add an authenticator app (TOTP) as a second factor, or remove it.
    The key is shown as a QR code and as text; a code from the app confirms it."""
    if not offers_second_factor(actor_for(request.user)):
        raise Http404
    device = confirmed_device(request.user)
    if device is not None:
        if request.method == "POST" and request.POST.get("action") == "remove":
            second_factor_remove(actor=actor_for(request.user), user=request.user)
            messages.success(request, _("已停用动态验证码，今后登录只需密码。"))
            return redirect("web:otp_setup")
        return render(request, "web/otp_setup.html", {"device": device})
    pending = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if pending is None:
        pending = TOTPDevice.objects.create(user=request.user, name=_("验证器应用"), confirmed=False)
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if pending.verify_token(form.cleaned_data["code"]):
            second_factor_confirm(actor=actor_for(request.user), device=pending)
            otp_login(request, pending)
            messages.success(request, _("动态验证码已启用：今后登录时，输入密码后还需输入验证器应用中的 6 位数字。"))
            return redirect("web:otp_setup")
        form.add_error("code", _("验证码不正确，请确认手机时间准确后输入当前显示的数字。"))
    uri = otpauth_uri(pending)
    return render(request, "web/otp_setup.html", {
        "form": form, "uri": uri, "qr": mark_safe(qr_svg(uri)),  # noqa: S308 (SVG drawn by reportlab from our URI)
        "secret": uri.split("secret=")[1].split("&")[0],
    })


@login_required
@never_cache
def password_change(request):
    """Everyone changes their own password here, with the current one. The other sessions and
    every API token of the user end (DESIGN §5 v1.1); this session stays signed in."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_password_change(actor=actor_for(request.user), user=request.user,
                                        password=form.cleaned_data["new_password1"])
        except LinliError as exc:
            show_error(form, exc)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改。其他设备上的登录和接口令牌已全部失效。"))
            return redirect("web:home")
    return render(request, "web/form_page.html", {
        "form": form, "title": _("修改密码"), "back": reverse("web:home"), "submit_label": _("修改密码"),
        "intro": _("修改后，其他设备上的登录和接口令牌都会失效，需要用新密码重新登录。"),
    })


@login_required
def home(request):
    """Send each person to where their work is; explain when they have no role yet."""
    actor = actor_for(request.user)
    if actor.is_admin:
        return redirect("web:community_list")
    registry = actor.registry_community_ids()
    if len(registry) == 1:
        return redirect("web:overview", next(iter(registry)))
    if registry:
        return redirect("web:community_list")
    if actor.own_unit_ids or actor.owner_ids:
        return redirect("web:my_units")
    for module in app_nav_modules():
        url = module.home_url(actor) if hasattr(module, "home_url") else None
        if url:
            return redirect(url)
    bindings = selectors.binding_request_list(actor=actor).filter(user=request.user)
    return render(request, "web/no_role.html", {"bindings": bindings})


@login_required
def community_list(request):
    actor = actor_for(request.user)
    communities = selectors.registry_community_list(actor=actor).annotate(
        units_count=Count("units", distinct=True), buildings_count=Count("buildings", distinct=True)
    )
    return render(request, "web/community_list.html", {
        "communities": communities, "title": community_list_title(actor),
    })


# Community overview ---------------------------------------------------------------------------

def _zone_rows(zones) -> list:
    """Zones as an indented table, each row totalling its own buildings and its sub-zones'."""
    children = defaultdict(list)
    ids = {z.pk for z in zones}
    for zone in zones:
        children[zone.parent_id if zone.parent_id in ids else None].append(zone)
    rows = []

    def visit(zone, depth):
        row = {"zone": zone, "depth": depth, "buildings": zone.buildings_count, "units": zone.units_count,
               "area": zone.units_area}
        rows.append(row)
        for child in children[zone.pk]:
            sub = visit(child, depth + 1)
            for key in ("buildings", "units", "area"):
                row[key] += sub[key]
        return row

    for root in children[None]:
        visit(root, 0)
    return rows


@login_required
def overview(request, community_id):
    actor, community = _registry_community(request, community_id)
    data = selectors.community_overview(actor=actor, community=community)
    zones = _label_zones(data["zones"])
    status_labels = dict(Unit.Status.choices)
    charts = {
        "status": [{"key": s, "name": str(status_labels.get(s, s)), "value": n}
                   for s, n in sorted(data["by_status"].items())],
        "area": [{"name": z.label, "value": round(z.units_area, 2)} for z in zones if z.units_area],
    }
    unzoned = data["area"] - sum(z.units_area for z in zones)
    if unzoned:
        charts["area"].append({"name": _("未分区"), "value": round(unzoned, 2)})
    return render(request, "web/overview.html", {
        "community": community,
        "o": data,
        "zone_rows": _zone_rows(data["zones"]),
        "charts": charts,
        "can_import": actor.can("estates.import", community),
    })


# Registry: units, buildings, owners --------------------------------------------------------

@login_required
def unit_list(request, community_id):
    actor, community = _registry_community(request, community_id)
    zones = _label_zones(list(selectors.zone_list(actor=actor).filter(community=community)))
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
    template = "web/_unit_results.html" if _is_htmx_fragment(request) else "web/unit_list.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def unit_detail(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor).select_related("community"), pk=unit_id)
    registry = _reads_registry(actor, unit.community_id)
    if registry:
        remember_community(request, unit.community)
    return render(request, "web/unit_detail.html", {
        "unit": unit,
        "registry": registry,
        "ownerships": selectors.ownership_list(actor=actor).filter(unit=unit).select_related("owner"),
        "residents": selectors.resident_list(actor=actor).filter(unit=unit, move_out__isnull=True),
        "parking_spaces": selectors.parking_space_list(actor=actor).filter(unit=unit),
        "can_phone": actor.can("personal.phone", unit.community_id),
        "can_edit": actor.can("estates.manage", unit.community_id),
        "can_add_resident": services.resident_manage_allowed(actor, unit),
        "resident_form": ResidentForm(),
    })


def _changes(form, instance) -> dict:
    """Only what the user changed, so the services' rules about untouched fields still apply."""
    return {name: value for name, value in form.cleaned_data.items() if getattr(instance, name) != value}


def _edit(request, *, instance, form_class, fields, service, kwarg, title, back):
    """The shared edit page: a form of the model's fields, saved through the service."""
    initial = {name: getattr(instance, name) for name in fields}
    form = form_class(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            service(actor=actor_for(request.user), changes=_changes(form, instance), **{kwarg: instance})
        except LinliError as exc:
            show_error(form, exc)
            # The service may have set the new values on the instance before refusing them.
            instance.refresh_from_db()
        else:
            messages.success(request, _("已保存。"))
            return redirect(back)
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back, "object": instance})


@login_required
def unit_edit(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor), pk=unit_id)
    if not actor.can("estates.manage", unit.community_id):
        raise PermissionDenied
    return _edit(request, instance=unit, form_class=UnitForm, fields=UnitForm.base_fields,
                 service=services.unit_update, kwarg="unit",
                 title=_("编辑房屋 %(unit)s") % {"unit": unit}, back=reverse("web:unit_detail", args=[unit.pk]))


@login_required
def resident_create(request, unit_id):
    """Family members and tenants, added by the unit's owner or by staff."""
    actor = actor_for(request.user)
    unit = get_object_or_404(selectors.unit_list(actor=actor), pk=unit_id)
    back = _safe_next(request, reverse("web:unit_detail", args=[unit.pk]))
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resident_create(actor=actor, unit=unit, **form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已添加住户 %(name)s。") % {"name": form.cleaned_data["name"]})
            return redirect(back)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("为 %(unit)s 添加家庭成员或租户") % {"unit": unit}, "back": back, "object": unit,
        "next": back, "submit_label": _("添加"),
    })


@login_required
def building_list(request, community_id):
    actor, community = _registry_community(request, community_id)
    buildings = list(
        selectors.building_list(actor=actor).filter(community=community)
        .annotate(units_count=Count("units"), units_area=Sum("units__area"))
    )
    zones = {z.pk: z for z in _label_zones(list(selectors.zone_list(actor=actor).filter(community=community)))}
    for building in buildings:
        building.zone_label = zones[building.zone_id].label if building.zone_id in zones else ""
    return render(request, "web/building_list.html", {"community": community, "buildings": buildings})


@login_required
def owner_list(request, community_id):
    actor, community = _registry_community(request, community_id)
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
    return render(request, "web/owner_list.html", {
        "community": community, "form": form, "page": page, "can_phone": can_phone,
    })


@login_required
def owner_detail(request, owner_id):
    actor = actor_for(request.user)
    owner = get_object_or_404(selectors.owner_list(actor=actor).select_related("community", "user"), pk=owner_id)
    registry = _reads_registry(actor, owner.community_id)
    if registry:
        remember_community(request, owner.community)
    can_manage = actor.can("estates.manage", owner.community_id)
    return render(request, "web/owner_detail.html", {
        "owner": owner,
        "registry": registry,
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
    return _edit(request, instance=owner, form_class=OwnerForm, fields=OwnerForm.base_fields,
                 service=services.owner_update, kwarg="owner",
                 title=_("编辑业主 %(owner)s") % {"owner": owner}, back=reverse("web:owner_detail", args=[owner.pk]))


@never_cache
@login_required
@require_POST
def owner_invite(request, owner_id):
    """Issue an invitation code. The code exists only in this response (only its hash is kept),
    so the notice is rendered here, never cached, and a new code replaces any earlier one."""
    actor = actor_for(request.user)
    owner = get_object_or_404(selectors.owner_list(actor=actor).select_related("community"), pk=owner_id)
    back = reverse("web:owner_detail", args=[owner.pk])
    form = InviteForm(request.POST)
    if not form.is_valid():
        return redirect(back)
    output = form.cleaned_data["output"]
    try:
        invitation, code = services.owner_invite(actor=actor, owner=owner, send_sms=output == "sms")
    except LinliError as exc:
        messages.error(request, _error_text(exc))
        return redirect(back)
    if output == "sms":
        messages.success(request, _("邀请码已通过短信发送给业主。"))
        return redirect(back)
    notice = {
        "owner": owner,
        "units": Unit.objects.filter(ownerships__owner=owner).select_related("building"),
        "code": code,
        "invitation": invitation,
        "activate_url": request.build_absolute_uri(reverse("web:activate")),
    }
    if output == "pdf":
        response = HttpResponse(invitation_notice_pdf(**notice), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="invitation-{owner.pk}.pdf"'
        return response
    return render(request, "web/invite_notice.html", {**notice, "back": back})


# Binding requests -------------------------------------------------------------------------

@login_required
def binding_list(request, community_id):
    actor, community = _registry_community(request, community_id)
    if not actor.can("estates.review_binding", community):
        raise PermissionDenied
    status = request.GET.get("status") or BindingRequest.Status.PENDING
    bindings = (
        selectors.binding_request_list(actor=actor).filter(unit__community=community)
        .prefetch_related(Prefetch("unit__ownerships", queryset=Ownership.objects.select_related("owner")))
    )
    if status in BindingRequest.Status.values:
        bindings = bindings.filter(status=status)
    page = Paginator(bindings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/binding_list.html", {
        "community": community, "page": page, "status": status, "statuses": BindingRequest.Status.choices,
        "can_phone": actor.can("personal.phone", community),
    })


@login_required
@require_POST
def binding_review(request, binding_id):
    actor = actor_for(request.user)
    binding = get_object_or_404(selectors.binding_request_list(actor=actor).select_related("unit"), pk=binding_id)
    back = reverse("web:binding_list", args=[binding.unit.community_id])
    form = ReviewForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        try:
            services.binding_request_review(actor=actor, binding=binding, approve=approve,
                                            note=form.cleaned_data["note"])
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("已通过 %(name)s 的绑定申请。") % {"name": binding.name} if approve
                             else _("已驳回 %(name)s 的绑定申请。") % {"name": binding.name})
    return redirect(back)


@login_required
def binding_proof(request, binding_id):
    """Proofs are personal documents: served to the applicant and the reviewers, never as public media."""
    actor = actor_for(request.user)
    binding = get_object_or_404(selectors.binding_request_list(actor=actor).select_related("unit"), pk=binding_id)
    if binding.user_id != request.user.pk and not actor.can("estates.review_binding", binding.unit.community_id):
        raise Http404
    handle = binding.proof.open("rb")
    return FileResponse(handle, content_type=CONTENT_TYPES.get(sniff(handle), "application/octet-stream"))


# Owner portal -------------------------------------------------------------------------------

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
    return render(request, "web/my_units.html", {
        "units": units,
        "bindings": selectors.binding_request_list(actor=actor).filter(user=request.user),
    })


@login_required
def bind_request(request):
    actor = actor_for(request.user)
    form = BindRequestForm(request.POST or None, request.FILES or None,
                           communities=selectors.binding_community_list(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.binding_request_create(actor=actor, **data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("绑定申请已提交，物业审核通过后即可看到该房屋。"))
            return redirect("web:my_units")
    return render(request, "web/form_page.html", {
        "form": form, "title": _("申请绑定房屋"), "back": reverse("web:my_units"), "multipart": True,
        "submit_label": _("提交申请"),
        "intro": _("填写房屋所在小区、楼栋和房号，并上传房产证明。物业工作人员核实后，您的账号即与该房屋绑定。"),
    })


def activate(request):
    """An owner opens their account with the code from the printed notice or the SMS."""
    form = ActivateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.owner_invitation_redeem(code=data["code"], username=data["username"],
                                                    password=data["password"])
        except LinliError as exc:
            show_error(form, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("账号已开通，欢迎使用邻里。"))
            return redirect("web:my_units")
    return render(request, "web/activate.html", {"form": form})
