from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "linli.servicedesk"
    label = "servicedesk"
    verbose_name = _("客户服务")

    def ready(self):
        from django.db.models.signals import post_save

        from linli.core.tenancy import register_capabilities
        from linli.estates.models import Community

        from . import services, signals

        register_capabilities(services.CAPABILITIES)
        # Estates must not depend on the service desk, so the desk listens for new communities.
        post_save.connect(signals.community_created, sender=Community, dispatch_uid="servicedesk.community_created")
