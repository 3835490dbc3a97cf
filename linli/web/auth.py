"""The shell's second sign-in step (DESIGN §8): the authenticator key as a QR code for the
set-up page, and the middleware that holds a half signed-in user at the code page. The
lockout and the second factor's rules live in linli.orgs.auth."""

import base64
from urllib.parse import quote, urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from linli.core.qr import qr_svg  # noqa: F401 (the shell's pages draw the key with it)


def otpauth_uri(device: TOTPDevice) -> str:
    """The key in the form authenticator apps scan (Key Uri Format)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode({"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": device.digits,
                       "period": device.step}, quote_via=quote)
    return f"otpauth://totp/{label}?{query}"


# Pages a signed-in user whose second factor is still due may open.
_OPEN_TO_UNVERIFIED = ("web:otp_verify", "web:logout", "set_language")


class SecondFactorMiddleware:
    """A user with a confirmed device has signed in fully only after the code: until then every
    page leads to the code page and the API (with the session) answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not user.is_verified() and self._due(request, user):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先输入动态验证码完成登录。"), "code": "otp_required",
                                     "fields": {}}, status=403)
            return redirect(f"{reverse('web:otp_verify')}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _due(request, user) -> bool:
        if request.path.startswith(settings.STATIC_URL):
            return False
        try:
            if resolve(request.path_info).view_name in _OPEN_TO_UNVERIFIED:
                return False
        except Resolver404:
            return False
        return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
