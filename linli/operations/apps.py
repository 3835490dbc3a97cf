from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    name = "linli.operations"
    label = "operations"
    verbose_name = _("社区运营")

    def ready(self):
        from linli.core.tenancy import register_capabilities

        # Held per community, by the staff of the company that serves it now (篇一 §四–§五).
        register_capabilities({
            "operations.manage": {"manager"},  # positions, teams, staff records, rosters, plans, templates, notices
            "operations.view": {"manager", "finance", "cashier", "dispatcher", "technician", "guard", "cleaner",
                                "gardener"},  # rosters, notices and the day's work of one's own community
            "operations.patrol": {"manager", "guard"},  # check in at checkpoints
            "operations.access": {"manager", "guard"},  # vehicles, cards, passes, visitors, gates
            "operations.environment": {"manager", "cleaner", "gardener"},  # complete cleaning/greening tasks
            "operations.facilities": {"manager", "technician"},  # assets, maintenance, projects
            "operations.greening": {"manager", "gardener"},  # plantings, vegetable plots, streetlight faults
        })

        from .selectors.day import register_review_sections

        # Missed checkpoints and overdue cleaning/greening tasks are exceptions of the daily review.
        register_review_sections()
