"""Sign-in hardening (DESIGN §8), apart from any page: django-axes' lockout answer and the client
address it counts failures against, the login throttle of the API, and the optional second
factor (TOTP, django-otp) of staff and regulators. The shell's sign-in pages use these, and so
does the API's token view."""

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle

from linli.core.audit import audit_record
from linli.core.errors import LinliError

from .models import STAFF_ROLES, Role


class LockedOut(LinliError):
    status = 429
    code = "locked_out"


def lockout_message() -> str:
    minutes = max(1, int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))
    return _("登录失败次数过多，该账号在此地址已被暂时锁定，请 %(minutes)s 分钟后再试。") % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """What django-axes answers for a sign-in refused during a lockout: our login page already
    carries the message (LoginForm), anything else gets it as text or the API's JSON shape."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": lockout_message(), "code": "locked_out", "fields": {}}, status=429)
    match = getattr(request, "resolver_match", None)
    if original_response is not None and match is not None and match.view_name == "web:login":
        original_response.status_code = 429
        return original_response
    return HttpResponse(lockout_message(), status=429, content_type="text/plain; charset=utf-8")


def client_ip(request) -> str:
    """The address login failures are counted against: behind the proxy, the header it sets."""
    header = settings.LINLI_CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


class LoginRateThrottle(ScopedRateThrottle):
    """DRF's scoped throttle, counted per client address as the trusted proxy reports it
    (client_ip). DRF's own key is X-Forwarded-For as the client sent it, so a client that
    rotates that header is never throttled. The counts live in the default cache, which
    production shares between workers (settings.CACHES). The rate is read from the settings
    when used, as every other setting is (DRF's class copies them once, at import)."""

    def get_ident(self, request) -> str:
        return client_ip(request)

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]


# Second factor -----------------------------------------------------------------------------

def offers_second_factor(actor) -> bool:
    """Staff of a company, regulators and platform admins may protect their account with TOTP;
    owners, guardians and the other roles sign in with a password only."""
    return actor.is_authenticated and (actor.is_admin or bool(actor.roles() & (STAFF_ROLES | {Role.REGULATOR})))


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def second_factor_confirm(*, actor, device: TOTPDevice) -> None:
    """The code from the app matched: the device now guards every sign-in of its user."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        audit_record(actor=actor, action="account.second_factor_on", target=device.user)


def second_factor_remove(*, actor, user) -> None:
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action="account.second_factor_off", target=user)
