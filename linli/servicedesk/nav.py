"""The service desk's entries in the shell's menu (the shell collects every app's nav module)."""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from linli.core.pages import NavGroup, NavItem, OpenItem

from .models import OPEN_STATUSES
from .selectors import hotline_community_list, inbox_unread_count, reader_community_ids, service_request_list


def community_items(actor, community) -> list[NavItem]:
    cid = community.pk
    if not (actor.is_admin or cid in reader_community_ids(actor)):
        return []
    items = [NavItem(_("报事工单"), reverse("servicedesk:service_requests", args=[cid]),
                     ("service_requests", "request_new", "request_detail"))]
    if actor.can("servicedesk.work", cid) and not actor.is_admin:
        items.append(NavItem(_("我的工单"), reverse("servicedesk:work_queue"), ("work_queue",)))
    if actor.can("servicedesk.review", cid):
        items.append(NavItem(_("日清日审"), reverse("servicedesk:daily_review", args=[cid]), ("daily_review",)))
    items.append(NavItem(_("服务看板"), reverse("servicedesk:service_dashboard", args=[cid]), ("service_dashboard",)))
    items.append(NavItem(_("时限标准"), reverse("servicedesk:sla_settings", args=[cid]), ("sla_settings",)))
    if actor.can("servicedesk.teams", cid):
        items.append(NavItem(_("服务班组"), reverse("servicedesk:teams", args=[cid]),
                             ("teams", "team_new", "team_edit")))
    return items


def personal_items(actor) -> list[NavItem]:
    items = []
    if actor.own_unit_ids or actor.owner_ids:
        items.append(NavItem(_("我的报事"), reverse("servicedesk:my_requests"), ("my_requests", "my_request_new")))
    unread = inbox_unread_count(actor=actor)
    label = _("消息（%(n)s）") % {"n": unread} if unread else _("消息")
    items.append(NavItem(label, reverse("servicedesk:inbox"), ("inbox",)))
    return items


def extra_groups(actor) -> list[NavGroup]:
    """The hotline board spans every community of a regulator's jurisdiction."""
    if actor.is_admin or not actor.regulated_community_ids or not hotline_community_list(actor=actor).exists():
        return []
    return [NavGroup(_("热线"), [NavItem(_("热线督办"), reverse("servicedesk:hotline"), ("hotline",))])]


def open_items(actor) -> list[OpenItem]:
    """An owner's requests still being handled: filed by them or about their units."""
    if not (actor.own_unit_ids or actor.owner_ids):
        return []
    mine = Q(requester=actor.user) | Q(unit_id__in=actor.own_unit_ids)
    count = service_request_list(actor=actor).filter(mine, status__in=OPEN_STATUSES).count()
    return [OpenItem(_("处理中的报事"), count, reverse("servicedesk:my_requests"))]
