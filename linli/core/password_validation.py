"""Password rules with messages of our own where Django's do not reach the user in Chinese."""

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django 5.2 reworded this message ("…at least %d characters") and its zh_Hans catalog has
    not caught up, so the API answered in English under zh-hans. The other validators' messages
    are translated by Django."""

    def get_error_message(self):
        return _("密码太短，至少要有 %(min_length)s 个字符。") % {"min_length": self.min_length}
