from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    name = "linli.oversight"
    label = "oversight"
    verbose_name = _("行业监管")
