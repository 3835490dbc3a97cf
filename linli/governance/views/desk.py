"""The community's governance desk: its committee, votes, fund and duties at a glance."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q, Sum
from django.shortcuts import render

from linli.core.pages import community_page

from .. import forms, selectors, services
from ..models import FundAccount, OwnerConcern
from .common import by_office


@login_required
def home(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    committee = services.current_committee(community.pk)
    fund = None
    if actor.is_admin or community.pk in selectors.fund_community_ids(actor):
        fund = FundAccount.objects.filter(community=community).aggregate(
            units=Count("id"), balance=Sum("balance"),
            notices=Count("notices", filter=Q(notices__settled_at__isnull=True)))
    return render(request, "governance/home.html", {
        "community": community,
        "committee": committee,
        "members": by_office(committee.members.select_related("owner").filter(left_on__isnull=True))
        if committee else [],
        "prep_group": selectors.prep_group_list(actor=actor).filter(community=community).order_by("-id").first(),
        "assemblies": selectors.assembly_list(actor=actor).filter(community=community)[:10],
        "elections": selectors.election_list(actor=actor).filter(community=community)[:5],
        "usages": selectors.fund_usage_list(actor=actor).filter(community=community)[:10],
        "petitions": selectors.recall_petition_list(actor=actor).filter(community=community)[:5],
        "budgets": selectors.service_budget_list(actor=actor).filter(community=community)[:6],
        "concerns": selectors.owner_concern_list(actor=actor).filter(
            community=community, status=OwnerConcern.Status.OPEN)[:10],
        "fund": fund,
        "can_run": services.can_run(actor, community.pk),
        "can_fund": actor.can("governance.fund", community),
        "can_draft_fund": services.may_decide_fund(actor, community) or actor.can("governance.fund_draft", community),
        "can_draft_budget": actor.can("governance.budget_draft", community),
        "can_post_interest": not actor.is_admin and actor.can("governance.fund_interest", community),
        "interest_form": forms.AmountForm(),
        "can_supervise": actor.can("governance.supervise", community),
        "can_self_manage": actor.can("governance.self_manage", community),
        "self_managed": selectors.self_management_of(community),
    })

