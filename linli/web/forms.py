"""Forms of the shell's sign-in pages. They only parse input: the lockout and the second factor
are linli.orgs.auth's."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.orgs.auth import lockout_message


class LoginForm(AuthenticationForm):
    """Django's login form, with a plain message, and django-axes' lockout (DESIGN §8: login
    throttling, per username and address) said as such rather than as a wrong password."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("用户名或密码错误。"),
    }

    def clean(self):
        try:
            return super().clean()
        except ValidationError:
            if getattr(self.request, "axes_locked_out", False):
                raise ValidationError(lockout_message(), code="locked_out") from None
            raise


class OTPCodeForm(forms.Form):
    code = forms.RegexField(label=_("动态验证码"), regex=r"^\s*\d{6}\s*$", max_length=12,
                            error_messages={"invalid": _("请输入验证器应用中显示的 6 位数字。")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "autofocus": True}))

    def clean_code(self):
        return self.cleaned_data["code"].strip()
