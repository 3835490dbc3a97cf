"""The owners' portal (phone first): open votes, published results, elections, the fund's uses
and the owner's own fund ledger and statement."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from linli.core.money import percent
from linli.core.tenancy import actor_for
from linli.estates.models import Owner

from .. import selectors, services
from ..models import Assembly, Election, FundEntry, FundUsage, Motion, OwnerConcern, ServiceBudget, Vote
from ..pdf import fund_statement_pdf
from .common import PAGE_SIZE, require, result_view


@login_required
def me(request):
    """What an owner has to do and to read: open votes, published results, elections, the fund's
    uses in publicity and petitions — in each community where they own."""
    actor = actor_for(request.user)
    communities = []
    for owner in Owner.objects.filter(pk__in=actor.owner_ids).select_related("community"):
        community = owner.community
        assemblies = Assembly.objects.filter(community=community)
        open_motions = list(
            Motion.objects.filter(assembly__in=assemblies, assembly__opened_at__isnull=False,
                                  assembly__closed_at__isnull=True, assembly__published_at__isnull=True)
            .select_related("assembly").order_by("assembly_id", "position"))
        open_motions = [m for m in open_motions if not services.voting_ended(m.assembly)]
        voted = dict(Vote.objects.filter(motion__in=open_motions, owner=owner).values_list("motion_id", "choice"))
        for motion in open_motions:
            motion.my_vote = voted.get(motion.pk)
            motion.my_vote_label = Vote.Choice(motion.my_vote).label if motion.my_vote else ""
        published = list(Motion.objects.filter(assembly__in=assemblies, assembly__published_at__isnull=False)
                         .select_related("assembly").order_by("-assembly__published_at", "position")[:10])
        for motion in published:
            motion.shown = result_view(motion.result, motion.matter)
            motion.chart_id = f"chart-motion-{motion.pk}"
        communities.append({
            "community": community, "owner": owner, "open_motions": open_motions, "published": published,
            "elections": Election.objects.filter(community=community).order_by("-id")[:3],
            "usages": FundUsage.objects.filter(community=community).exclude(status=FundUsage.Status.DRAFT)
            .order_by("-id")[:5],
            "budgets": ServiceBudget.objects.filter(community=community, status=ServiceBudget.Status.DISCLOSED)
            .order_by("-year", "kind")[:4],
            "concerns": OwnerConcern.objects.filter(owner=owner).order_by("-id")[:5],
            "petitions": selectors.recall_petition_list(actor=actor).filter(
                community=community, status="collecting"),
            "committee": services.current_committee(community.pk),
        })
    return render(request, "governance/me.html", {"communities": communities})


def _my_accounts(actor):
    return list(selectors.fund_account_list(actor=actor).filter(unit_id__in=actor.owned_unit_ids)
                .select_related("unit__building", "community").prefetch_related("notices"))


@login_required
def my_fund(request):
    actor = actor_for(request.user)
    accounts = _my_accounts(actor)
    entries = selectors.fund_entry_list(actor=actor).filter(unit_id__in=actor.owned_unit_ids).order_by("-id")
    for account in accounts:
        account.open_notice = next((n for n in account.notices.all() if n.settled_at is None), None)
        account.percent = percent(account.balance, account.first_deposit)
    return render(request, "governance/my_fund.html", {
        "accounts": accounts, "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
    })


@login_required
def my_fund_statement(request):
    actor = actor_for(request.user)
    owner = Owner.objects.filter(pk__in=actor.owner_ids).select_related("community").first()
    require(owner is not None)
    accounts = _my_accounts(actor)
    entries: dict[int, list[FundEntry]] = {}
    for entry in selectors.fund_entry_list(actor=actor).filter(unit_id__in=actor.owned_unit_ids).order_by("id"):
        entries.setdefault(entry.unit_id, []).append(entry)
    response = HttpResponse(fund_statement_pdf(owner=owner, accounts=accounts, entries_by_unit=entries),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="fund-statement.pdf"'
    return response
