"""Billing's entries in the shell's menu (the shell collects them from every app's nav)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from django.db.models import Count, Sum

from linli.core.money import money
from linli.core.pages import NavItem, OpenItem

from . import selectors
from .models import Bill


def community_items(actor, community) -> list[NavItem]:
    cid = community.pk
    items = []
    if actor.is_admin or cid in selectors.billing_community_ids(actor):
        items.append(NavItem(_("收费概况"), reverse("billing:dashboard", args=[cid]), ("dashboard", "run")))
        if actor.can("billing.collect", cid):
            items.append(NavItem(_("收银台"), reverse("billing:cashier", args=[cid]), ("cashier", "payment")))
        items.append(NavItem(_("账单"), reverse("billing:bills", args=[cid]), ("bills", "account")))
        if actor.can("billing.configure", cid):
            items.append(NavItem(_("收费标准"), reverse("billing:rules", args=[cid]), ("rules",)))
        items.append(NavItem(_("收费报表"), reverse("billing:report_arrears", args=[cid]),
                             ("report_arrears", "report_collection", "report_daily")))
        if actor.can("billing.reverse", cid):  # manager and finance: services/reconciliation.py
            items.append(NavItem(_("对账"), reverse("billing:reconciliation", args=[cid]), ("reconciliation",)))
    if actor.is_admin or cid in selectors.supervised_community_ids(actor):
        items.append(NavItem(_("公共收益"), reverse("billing:common", args=[cid]), ("common",)))
    return items


def personal_items(actor) -> list[NavItem]:
    if not actor.own_unit_ids:
        return []
    items = [NavItem(_("我的账单"), reverse("billing:my_bills"), ("my_bills", "my_order", "sandbox_checkout"))]
    for community_id in sorted(actor.resident_community_ids):
        items.append(NavItem(_("公共收益公示"), reverse("billing:disclosure", args=[community_id]), ("disclosure",)))
    return items


def open_items(actor) -> list[OpenItem]:
    """The owner's unpaid bills, with what they still owe (before any late fee)."""
    if not actor.own_unit_ids:
        return []
    unpaid = selectors.bill_list(actor=actor).filter(unit_id__in=actor.own_unit_ids, status=Bill.Status.OPEN)
    totals = unpaid.aggregate(n=Count("id"), billed=Sum("amount"), paid=Sum("paid"))
    detail = _("共 ¥%(owed)s") % {"owed": money(totals["billed"] - totals["paid"])} if totals["n"] else ""
    return [OpenItem(_("未缴账单"), totals["n"], reverse("billing:my_bills"), detail)]
