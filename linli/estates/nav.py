"""The registry's entries in the shell's menu (collected by linli.web.context). Estates is the
first app with a menu, so its items follow the shell's 小区概况 directly."""

from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.pages import NavItem


def community_items(actor, community) -> list[NavItem]:
    cid = community.pk
    items = [NavItem(_("房屋"), reverse("estates:unit_list", args=[cid]), ("unit_list", "unit_detail", "unit_edit"))]
    if actor.is_admin or cid in actor.staff_community_ids or cid in actor.committee_community_ids:
        items.append(NavItem(_("业主"), reverse("estates:owner_list", args=[cid]),
                             ("owner_list", "owner_detail", "owner_edit", "owner_invite")))
    items.append(NavItem(_("楼栋"), reverse("estates:building_list", args=[cid]), ("building_list",)))
    if actor.can("estates.review_binding", cid):
        items.append(NavItem(_("绑定审核"), reverse("estates:binding_list", args=[cid]), ("binding_list",)))
    if actor.can("estates.import", cid):
        items.append(NavItem(_("导入导出"), reverse("estates:import", args=[cid]), ("import", "import-job")))
    return items


def personal_items(actor) -> list[NavItem]:
    # Owners, residents and people with no role yet (who may ask to be bound to a unit).
    if actor.own_unit_ids or actor.owner_ids or not (actor.registry_community_ids() or actor.is_admin
                                                     or actor.memberships):
        return [NavItem(_("我的房屋"), reverse("estates:my_units"), ("my_units",)),
                NavItem(_("申请绑定房屋"), reverse("estates:bind_request"), ("bind_request",))]
    return []
