"""Reads of the governance app, scoped to the actor (DESIGN §4).

Assemblies, motions, elections, candidates, committees, fund usages and recall petitions are
the community's public business: everyone who belongs to the community sees them (the company's
staff, its regulators, its committee, its owners and residents, its preparation group). Named
records — who voted how, who signed in, the proxies — are for those who run the vote, and for
each owner their own. The fund's ledgers are for the committee and the regulators, and for each
owner their own units'. A budget or final accounts is the company's and the committee's until it
is disclosed, then everyone's in the community. An owner's concern is for the owner who raised
it, the committee and the regulators over it."""

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from linli.core.tenancy import Actor
from linli.estates.models import Community, Owner
from linli.estates.selectors import owner_list

from .models import (
    Assembly,
    Ballot,
    Candidate,
    Committee,
    CommitteeFiling,
    CommitteeMember,
    CountOfficer,
    Election,
    FundAccount,
    FundEntry,
    FundInterest,
    FundObjection,
    FundUsage,
    Motion,
    OwnerConcern,
    Participant,
    PrepGroup,
    Proxy,
    RecallPetition,
    SelfManagement,
    ServiceBudget,
    SignIn,
    TopUpNotice,
    Vote,
)
from .services.common import prep_group_community_ids


def community_ids(actor: Actor) -> set[int]:
    return actor.community_ids() | prep_group_community_ids(actor)


def run_community_ids(actor: Actor) -> set[int]:
    """Communities whose votes the actor runs (committee, regulators, preparation group)."""
    ids = {cid for cid in actor.community_ids() if actor.can("governance.run", cid)}
    return ids | prep_group_community_ids(actor)


def fund_community_ids(actor: Actor) -> set[int]:
    """Communities whose whole fund the actor supervises: the committee and the regulators."""
    return actor.committee_community_ids | actor.regulated_community_ids


def governance_community_list(*, actor: Actor) -> QuerySet[Community]:
    qs = Community.objects.select_related("company", "residents_committee")
    return qs if actor.is_admin else qs.filter(pk__in=community_ids(actor))


def self_management_of(community: Community) -> SelfManagement | None:
    return SelfManagement.objects.filter(community=community).select_related("organization").first()


def _public(qs: QuerySet, actor: Actor, field: str = "community_id") -> QuerySet:
    return qs if actor.is_admin else qs.filter(**{f"{field}__in": community_ids(actor)})


def _named(qs: QuerySet, actor: Actor, field: str, owner_field: str = "owner_id") -> QuerySet:
    if actor.is_admin:
        return qs
    return qs.filter(Q(**{f"{field}__in": run_community_ids(actor)}) | Q(**{f"{owner_field}__in": actor.owner_ids}))


def prep_group_list(*, actor: Actor) -> QuerySet[PrepGroup]:
    return _public(PrepGroup.objects.select_related("community", "led_by"), actor)


def assembly_list(*, actor: Actor) -> QuerySet[Assembly]:
    return _public(Assembly.objects.select_related("community"), actor)


def motion_list(*, actor: Actor) -> QuerySet[Motion]:
    return _public(Motion.objects.select_related("assembly", "assembly__community"), actor, "assembly__community_id")


def vote_list(*, actor: Actor) -> QuerySet[Vote]:
    return _named(Vote.objects.select_related("owner", "proxy", "motion"), actor, "motion__assembly__community_id")


def sign_in_list(*, actor: Actor) -> QuerySet[SignIn]:
    return _named(SignIn.objects.select_related("owner", "proxy"), actor, "assembly__community_id")


def proxy_list(*, actor: Actor) -> QuerySet[Proxy]:
    return _named(Proxy.objects.select_related("principal", "holder_owner"), actor, "community_id", "principal_id")


def election_list(*, actor: Actor) -> QuerySet[Election]:
    return _public(Election.objects.select_related("community"), actor)


def candidate_list(*, actor: Actor) -> QuerySet[Candidate]:
    return _public(Candidate.objects.select_related("owner", "election"), actor, "election__community_id")


def participant_list(*, actor: Actor) -> QuerySet[Participant]:
    return _named(Participant.objects.select_related("owner", "proxy"), actor, "election__community_id")


def ballot_list(*, actor: Actor) -> QuerySet[Ballot]:
    return _named(Ballot.objects.select_related("participant__owner"), actor, "election__community_id",
                  "participant__owner_id")


def committee_list(*, actor: Actor) -> QuerySet[Committee]:
    return _public(Committee.objects.select_related("community", "election", "filed_with"), actor)


def committee_member_list(*, actor: Actor) -> QuerySet[CommitteeMember]:
    return _public(CommitteeMember.objects.select_related("owner"), actor, "committee__community_id")


def recall_petition_list(*, actor: Actor) -> QuerySet[RecallPetition]:
    return _public(RecallPetition.objects.select_related("committee"), actor)


def fund_usage_list(*, actor: Actor) -> QuerySet[FundUsage]:
    """A draft is the company's and the committee's until it is published (DESIGN §6): owners see
    a plan from its publication on."""
    qs = FundUsage.objects.select_related("community", "motion")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=actor.registry_community_ids())
                     | Q(community_id__in=community_ids(actor)) & ~Q(status=FundUsage.Status.DRAFT))


def fund_objection_list(*, actor: Actor) -> QuerySet[FundObjection]:
    return _named(FundObjection.objects.select_related("owner"), actor, "usage__community_id")


def fund_entry_list(*, actor: Actor) -> QuerySet[FundEntry]:
    qs = FundEntry.objects.select_related("unit", "unit__building", "usage")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=fund_community_ids(actor)) | Q(unit_id__in=actor.owned_unit_ids))


def fund_account_list(*, actor: Actor) -> QuerySet[FundAccount]:
    qs = FundAccount.objects.select_related("unit", "unit__building")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=fund_community_ids(actor)) | Q(unit_id__in=actor.owned_unit_ids))


def fund_ledger(*, actor: Actor, community: Community, unit: str = "", owner: str = "") -> QuerySet[FundAccount]:
    """The community's ledgers the actor may see, narrowed by a unit ("1号楼-101", "101") and an owner's
    name (part of either), with the owners' names at hand, in building and unit order."""
    qs = fund_account_list(actor=actor).filter(community=community)
    unit, owner = unit.strip(), owner.strip()
    if unit:
        # As the page writes a unit (Unit.__str__): "金苗园1号楼-2-301"; any part of it matches.
        qs = qs.annotate(unit_label=Concat("unit__building__name", Value("-"), "unit__number")).filter(
            unit_label__icontains=unit)
    if owner:
        qs = qs.filter(unit__owners__name__icontains=owner).distinct()
    return qs.prefetch_related("unit__owners").order_by("unit__building__name", "unit__number")


def top_up_notice_list(*, actor: Actor) -> QuerySet[TopUpNotice]:
    qs = TopUpNotice.objects.select_related("account__unit__building")
    if actor.is_admin:
        return qs
    return qs.filter(Q(account__community_id__in=fund_community_ids(actor))
                     | Q(account__unit_id__in=actor.owned_unit_ids))


def owner_choices(*, actor: Actor) -> QuerySet[Owner]:
    """Owners the actor may name in a governance form: those of the registry they read, plus
    every owner of a community whose votes they run (a preparation group's tellers)."""
    if actor.is_admin:
        return Owner.objects.all()
    return Owner.objects.filter(Q(pk__in=owner_list(actor=actor).values("pk"))
                                | Q(community_id__in=run_community_ids(actor)))


def fund_interest_list(*, actor: Actor) -> QuerySet[FundInterest]:
    qs = FundInterest.objects.select_related("community")
    if actor.is_admin:
        return qs
    return qs.filter(community_id__in=fund_community_ids(actor) | staff_finance_community_ids(actor))


def staff_finance_community_ids(actor: Actor) -> set[int]:
    """Communities where the actor posts the fund's interest as the company's finance staff."""
    return {cid for cid in actor.staff_community_ids if actor.can("governance.fund_interest", cid)}


def committee_filing_list(*, actor: Actor) -> QuerySet[CommitteeFiling]:
    return _public(CommitteeFiling.objects.select_related("committee", "filed_with"), actor,
                   "committee__community_id")


def count_officer_list(*, actor: Actor) -> QuerySet[CountOfficer]:
    qs = CountOfficer.objects.select_related("election", "assembly", "owner")
    if actor.is_admin:
        return qs
    ids = community_ids(actor)
    return qs.filter(Q(election__community_id__in=ids) | Q(assembly__community_id__in=ids))


def service_budget_list(*, actor: Actor) -> QuerySet[ServiceBudget]:
    qs = ServiceBudget.objects.select_related("community").prefetch_related("lines")
    if actor.is_admin:
        return qs
    working = actor.registry_community_ids()
    return qs.filter(Q(community_id__in=working)
                     | Q(community_id__in=community_ids(actor), status=ServiceBudget.Status.DISCLOSED))


def owner_concern_list(*, actor: Actor) -> QuerySet[OwnerConcern]:
    qs = OwnerConcern.objects.select_related("community", "owner", "unit", "service_request")
    if actor.is_admin:
        return qs
    return qs.filter(Q(community_id__in=actor.committee_community_ids | actor.regulated_community_ids)
                     | Q(owner_id__in=actor.owner_ids))
