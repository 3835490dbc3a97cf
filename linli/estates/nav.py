"""The registry's entries in the shell's menu (collected by linli.web.context)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.web.context import NavItem


def community_items(actor, community) -> list[NavItem]:
    if not actor.can("estates.import", community.pk):
        return []
    return [NavItem(_("导入导出"), reverse("estates:import", args=[community.pk]), ("import", "import-job"))]
