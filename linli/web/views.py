"""The shell's pages: sign-in and its second step, the password, home (which sends each person
to where their work is), the list of communities and a community's overview. Each app's own
pages live in that app; the shell only frames them (base templates, menu)."""

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.views import LoginView
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.pages import community_page, form_page, form_save, safe_next
from linli.core.tenancy import actor_for
from linli.estates import selectors
from linli.estates.models import Unit
from linli.orgs.auth import (
    confirmed_device,
    offers_second_factor,
    second_factor_confirm,
    second_factor_remove,
)
from linli.orgs.services import user_password_change

from .auth import otpauth_uri, qr_svg
from .context import app_nav_modules, community_list_title, field_landing, open_items, personal_items
from .forms import LoginForm, OTPCodeForm

# Sign-in, home -------------------------------------------------------------------------------

class SignInView(LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def otp_verify(request):
    """The second step of signing in for a user with a confirmed authenticator."""
    device = confirmed_device(request.user)
    if device is None or request.user.is_verified():
        return redirect(safe_next(request, reverse("web:home")))
    form = OTPCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            otp_login(request, device)
            return redirect(safe_next(request, reverse("web:home")))
        form.add_error("code", _("验证码不正确或已过期，请输入验证器应用中当前显示的数字。"))
    return render(request, "web/otp_verify.html", {"form": form, "next": safe_next(request, "")})


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
    user = form_save(request, form, lambda data: user_password_change(
        actor=actor_for(request.user), user=request.user, password=data["new_password1"]),
        success=_("密码已修改。其他设备上的登录和接口令牌已全部失效。"))
    if user:
        update_session_auth_hash(request, user)
        return redirect("web:home")
    return form_page(request, form, title=_("修改密码"), back=reverse("web:home"), submit_label=_("修改密码"),
                     intro=_("修改后，其他设备上的登录和接口令牌都会失效，需要用新密码重新登录。"))


@login_required
def home(request):
    """Send each person to where their work is; explain when they have no role yet."""
    actor = actor_for(request.user)
    if actor.is_admin:
        return redirect("web:community_list")
    work = field_landing(request, actor)
    if work:
        return redirect(work)
    registry = actor.registry_community_ids()
    if len(registry) == 1:
        return redirect("web:overview", next(iter(registry)))
    if registry:
        return redirect("web:community_list")
    if actor.own_unit_ids or actor.owner_ids:
        return redirect("web:my_home")
    for module in app_nav_modules():
        url = module.home_url(actor) if hasattr(module, "home_url") else None
        if url:
            return redirect(url)
    bindings = selectors.binding_request_list(actor=actor).filter(user=request.user)
    return render(request, "web/no_role.html", {"bindings": bindings})


@login_required
def my_home(request):
    """An owner's home: what is waiting for them first (bills to pay, requests being handled,
    votes to cast), then their pages."""
    actor = actor_for(request.user)
    links = [item for item in personal_items(actor) if "my_home" not in item.names]
    return render(request, "web/me.html", {"open_items": open_items(actor), "links": links})


COMMUNITY_PAGE_SIZE = 50


@login_required
def community_list(request):
    """The communities the actor reads the registry of, 50 a page, searched by name or code: a
    district has a thousand."""
    actor = actor_for(request.user)
    query = " ".join(request.GET.get("q", "").split())[:60]
    communities = selectors.community_table(actor=actor, query=query)
    page = Paginator(communities, COMMUNITY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "web/community_list.html", {
        "communities": page, "page": page, "q": query, "title": community_list_title(actor),
    })


# Community overview --------------------------------------------------------------------------

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
    actor, community = community_page(request, community_id, selector=selectors.registry_community_list)
    data = selectors.community_overview(actor=actor, community=community)
    zones = selectors.labelled_zones(data["zones"])
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
