"""Committee elections: calling one, nominations, sign-in and ballots (online and on paper),
the tally and a tie at the last seat."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import community_page, form_page, form_save, service_post
from linli.core.tenancy import actor_for

from .. import eligibility, forms, selectors, services
from ..models import Election
from .common import buildings_of, my_owner, officers_context, require, unit_owner


@login_required
def election_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    require(services.can_run(actor, community.pk))
    form = forms.ElectionForm(request.POST or None, conditions=eligibility.available_conditions())
    election = form_save(request, form, lambda data: services.election_create(actor=actor, community=community,
                                                                              **data))
    if election:
        return redirect("governance:election", pk=election.pk)
    return form_page(request, form, title=_("业主委员会选举"), back=reverse("governance:desk", args=[community.pk]),
                     intro=_("差额选举：候选人须多于应选人数。候选人须为本小区业主，并符合所选的附加条件。"))


@login_required
def election_detail(request, pk):
    actor = actor_for(request.user)
    election = get_object_or_404(selectors.election_list(actor=actor), pk=pk)
    community_id = election.community_id
    runner = services.can_run(actor, community_id)
    candidates = list(election.candidates.select_related("owner"))
    result = election.result
    by_id = {c.pk: c for c in candidates}
    for candidate in candidates:
        candidate.votes = result["votes"].get(str(candidate.pk)) if result else None
        candidate.vote_area = result["vote_area"].get(str(candidate.pk)) if result else None
    me = my_owner(actor, community_id)
    my_participation = my_ballot = None
    if me is not None:
        my_participation = selectors.participant_list(actor=actor).filter(election=election, owner=me).first()
        my_ballot = selectors.ballot_list(actor=actor).filter(participant=my_participation).first()
    buildings = buildings_of(community_id)
    elected = [by_id[c] for c in result["elected"]] if result else []
    tied = [by_id[c] for c in result["tied"]] if result else []
    return render(request, "governance/election_detail.html", {
        "election": election, "community": election.community, "runner": runner, "candidates": candidates,
        "result": result, "elected": elected, "tied": tied, "me": me, "my_participation": my_participation,
        "my_ballot": my_ballot, "committee": getattr(election, "committee", None),
        "participants": election.participants.count(), "ballots": election.ballots.count(),
        "nomination_form": forms.NominationForm(buildings=buildings),
        "sign_in_form": forms.UnitPicker(buildings=buildings),
        "ballot_form": forms.BallotForm(buildings=buildings, candidates=candidates),
        "own_ballot_form": forms.OwnBallotForm(candidates=candidates),
        "tally_form": forms.TallyForm(),
        "tie_form": forms.TieBreakForm(members=elected, tied=tied) if tied else None,
        "cancel_form": forms.CancelForm(),
        "qualifications": [str(eligibility.CONDITIONS[name].label)
                           for name in [eligibility.OWNER_OF_COMMUNITY, *election.conditions]],
        **officers_context(actor, election.count_officers.select_related("owner"),
                           counted=election.status == Election.Status.TALLIED),
    })


@login_required
@require_POST
def election_action(request, pk, what):
    actor = actor_for(request.user)
    election = get_object_or_404(selectors.election_list(actor=actor), pk=pk)
    back = reverse("governance:election", args=[pk])
    community_id = election.community_id
    buildings = buildings_of(community_id)
    candidates = election.candidates.select_related("owner")
    me = my_owner(actor, community_id)
    if what == "publish":
        return service_post(request, lambda: services.election_publish(actor=actor, election=election),
                            success=_("候选人名单已公示。"), back=back)
    if what == "open":
        return service_post(request, lambda: services.election_open(actor=actor, election=election),
                            success=_("选举已开始。"), back=back)
    if what == "committee":
        return service_post(request, lambda: services.committee_form(actor=actor, election=election),
                            success=_("业主委员会已组成。"), back=back)
    if what == "cancel":
        return service_post(request, lambda data: services.election_cancel(actor=actor, election=election, **data),
                            success=_("选举已取消。"), back=back, form=forms.CancelForm(request.POST))
    if what == "officer":
        return service_post(request, lambda data: services.count_officer_add(actor=actor, election=election, **data),
                            success=_("已记录监票、计票人。"), back=back, form=forms.CountOfficerForm(request.POST))
    if what == "nominate":
        return service_post(request, lambda data: services.candidate_nominate(
            actor=actor, election=election, owner=unit_owner(community_id, data), nominated_by=data["nominated_by"],
            statement=data["statement"]),
            success=_("候选人已提名。"), back=back, form=forms.NominationForm(request.POST, buildings=buildings))
    if what == "self_nominate":
        require(me is not None)
        return service_post(request, lambda: services.candidate_nominate(actor=actor, election=election, owner=me,
                                                                         nominated_by="self"),
                            success=_("您已自荐为候选人。"), back=back)
    if what == "sign_in":
        if "number" not in request.POST:
            require(me is not None)
            return service_post(request, lambda: services.participant_register(actor=actor, election=election,
                                                                               owner=me),
                                success=_("您已签到，可以投票。"), back=back)
        return service_post(request, lambda data: services.participant_register(
            actor=actor, election=election, owner=unit_owner(community_id, data)),
            success=_("已签到领票。"), back=back, form=forms.UnitPicker(request.POST, buildings=buildings))
    if what == "ballot":
        if "number" not in request.POST:
            require(me is not None)
            return service_post(request, lambda data: services.ballot_cast(
                actor=actor, election=election, voter=me, selections=data["selections"]),
                success=_("您的选票已记录，不能更改。"), back=back,
                form=forms.OwnBallotForm(request.POST, candidates=candidates))
        return service_post(request, lambda data: services.ballot_cast(
            actor=actor, election=election, voter=unit_owner(community_id, data), selections=data["selections"]),
            success=_("选票已录入。"), back=back,
            form=forms.BallotForm(request.POST, buildings=buildings, candidates=candidates))
    if what == "tally":
        return service_post(request, lambda data: services.election_tally(actor=actor, election=election, **data),
                            success=_("已计票，结果已公布。"), back=back, form=forms.TallyForm(request.POST))
    if what == "tie_break":
        result = election.result or {}
        form = forms.TieBreakForm(request.POST, members=candidates.filter(pk__in=result.get("elected", [])),
                                  tied=candidates.filter(pk__in=result.get("tied", [])))
        return service_post(request, lambda data: services.tie_break_vote(
            actor=actor, election=election, member=candidates.get(pk=data["member"]), choices=data["choices"]),
            success=_("已记录当选委员的投票。"), back=back, form=form)
    raise PermissionDenied
