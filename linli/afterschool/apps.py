from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfterschoolConfig(AppConfig):
    name = "linli.afterschool"
    label = "afterschool"
    verbose_name = _("课后服务")

    def ready(self):
        from linli.core.tenancy import register_capabilities

        # Held per school: a role counts only in the school whose membership it is.
        register_capabilities({
            "afterschool.manage": {"school_admin"},  # structure, programs, texts, rosters, approval, reports
            "afterschool.staff": {"school_admin", "teacher"},  # class teacher, duty, working group
        })
