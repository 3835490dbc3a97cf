"""Governance in the shell's menu (the shell collects every app's `nav`)."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.pages import NavItem, OpenItem
from linli.estates.models import Owner

from . import selectors, services
from .models import Motion, Vote

DESK = ("desk", "assembly", "assembly_new", "motion", "election", "election_new", "committee", "usage", "usage_new",
        "recall", "recall_new", "prep_group", "budget", "budget_new", "concern")


def community_items(actor, community) -> list[NavItem]:
    items = []
    # The company's manager and finance staff draft fund plans and budgets, and post the fund's interest.
    company_duties = any(actor.can(c, community) for c in ("governance.fund_draft", "governance.budget_draft",
                                                            "governance.fund_interest"))
    if (actor.is_admin or services.can_run(actor, community.pk) or community.pk in selectors.fund_community_ids(actor)
            or company_duties):
        items.append(NavItem(_("业主自治"), reverse("governance:desk", args=[community.pk]), DESK))
    if actor.is_admin or community.pk in selectors.fund_community_ids(actor):
        items.append(NavItem(_("维修资金"), reverse("governance:fund", args=[community.pk]), ("fund",)))
    return items


def personal_items(actor) -> list[NavItem]:
    items = []
    if actor.owner_ids:
        items += [NavItem(_("表决与选举"), reverse("governance:me"), ("me",)),
                  NavItem(_("我的维修资金"), reverse("governance:my_fund"), ("my_fund",))]
    # Owners on a preparation group run the first assembly without reading the registry.
    for community_id in sorted(services.prep_group_community_ids(actor) - actor.registry_community_ids()):
        items.append(NavItem(_("筹备组工作"), reverse("governance:desk", args=[community_id]), DESK))
    return items


def open_items(actor) -> list[OpenItem]:
    """Motions of an open assembly the owner has not voted on yet (the same window as 表决与选举)."""
    if not actor.owner_ids:
        return []
    community_ids = Owner.objects.filter(pk__in=actor.owner_ids).values("community_id")
    voted = Vote.objects.filter(motion=OuterRef("pk"), owner_id__in=actor.owner_ids)
    count = (Motion.objects.filter(assembly__community_id__in=community_ids, assembly__opened_at__isnull=False,
                                   assembly__closed_at__isnull=True, assembly__published_at__isnull=True)
             .filter(Q(assembly__closes_at__isnull=True) | Q(assembly__closes_at__gt=timezone.now()))
             .exclude(Exists(voted)).count())
    return [OpenItem(_("待表决的议题"), count, reverse("governance:me"))]
