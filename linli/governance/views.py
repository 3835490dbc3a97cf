"""Governance pages: the committee's desk for assemblies, elections, the fund and the committee
itself, and the owners' portal (phone first) for votes, results, the ledger and objections.
Thin: parse, call a service or selector, render; a service's LinliError becomes a message."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError, ValidationFailed
from linli.core.tenancy import actor_for
from linli.estates.models import Building, Owner, Unit
from linli.web.context import remember_community
from linli.web.forms import show_error

from . import eligibility, forms, selectors, services, tally
from .models import (
    Assembly,
    CommitteeFiling,
    CommitteeMember,
    CountOfficer,
    Election,
    FundAccount,
    FundEntry,
    FundInterest,
    FundUsage,
    Motion,
    OwnerConcern,
    ServiceBudget,
    Vote,
)
from .pdf import assembly_minutes_pdf, fund_statement_pdf, result_rows, rule_text
from .roll import roll_compute

PAGE_SIZE = 50


def error_text(exc: LinliError) -> str:
    details = [str(m) for field_messages in exc.fields.values() for m in field_messages]
    return " ".join(details) if details and exc.message == exc.default_message else str(exc.message)


def _act(request, back: str, work, success: str):
    """Run a service from a POST and come back with its outcome as a message."""
    try:
        work()
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, success)
    return redirect(back)


def _post_form(request, form, back: str, work, success: str):
    """A POSTed form: on valid input run the service with its data; come back with a message."""
    if not form.is_valid():
        messages.error(request, " ".join(f"{form.fields[name].label}：{error}" if name in form.fields else str(error)
                                         for name, errors in form.errors.items() for error in errors))
        return redirect(back)
    return _act(request, back, lambda: work(form.cleaned_data), success)


def _form_page(request, *, form, title: str, back: str, work, intro: str = ""):
    """A create page in the shell's form layout; on success go where `work` says."""
    if request.method == "POST" and form.is_valid():
        try:
            target = work(form.cleaned_data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect(target)
    return render(request, "web/form_page.html", {"form": form, "title": title, "back": back, "intro": intro})


def _community(request, community_id):
    actor = actor_for(request.user)
    community = get_object_or_404(selectors.governance_community_list(actor=actor), pk=community_id)
    if actor.is_admin or community.pk in actor.registry_community_ids():
        remember_community(request, community)
    return actor, community


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _my_owner(actor, community_id) -> Owner | None:
    return Owner.objects.filter(pk__in=actor.owner_ids, community_id=community_id).first()


def _by_office(members) -> list:
    """The chair, the vice chairs, then the members, each in the order they were seated."""
    rank = {office: i for i, office in enumerate(CommitteeMember.Office.values)}
    return sorted(members, key=lambda m: (rank[m.office], m.pk))


def _buildings(community_id):
    return Building.objects.filter(community_id=community_id).order_by("name")


def _unit_owner(community_id: int, data: dict) -> Owner:
    """The owner who votes for the unit named on a paper ballot, proxy or petition."""
    unit = Unit.objects.filter(community_id=community_id, building_id=data["building"],
                               number=data["number"].strip()).first()
    if unit is None:
        raise ValidationFailed(_("未找到该房屋，请核对楼栋和房号。"), fields={"number": [_("未找到该房屋。")]})
    voters = roll_compute(community_id=community_id, unit_ids=[unit.pk])
    if not voters:
        raise ValidationFailed(_("该房屋没有登记业主。"), fields={"number": [_("没有登记业主。")]})
    return Owner.objects.get(pk=voters[0].owner_id)


def result_view(result: dict | None, matter: str, *, final: bool = True) -> dict | None:
    """A motion's result as the pages show it: the exact counts, the rule, and the chart's data.
    A running count (`final` false) says what the votes so far would decide."""
    if result is None:
        return None
    # Areas go to the chart as decimal strings: it only draws them.
    chart = [{"name": str(label), "value": result[f"{key}_area"]} for key, label in Vote.Choice.choices]
    return {**result, "rows": result_rows(result), "rule": rule_text(matter), "chart": chart, "final": final}


def _motion_result(actor, motion: Motion) -> dict | None:
    """The published result, or for those who run the vote the running count; else nothing."""
    if motion.result is not None:
        return result_view(motion.result, motion.matter)
    if services.can_run(actor, motion.assembly.community_id) and motion.assembly.opened_at:
        return result_view(services.motion_count(motion, detailed=True), motion.matter,
                           final=services.voting_ended(motion.assembly))
    return None


# The community's governance desk ------------------------------------------------------------

@login_required
def home(request, community_id):
    actor, community = _community(request, community_id)
    committee = services.current_committee(community.pk)
    fund = None
    if actor.is_admin or community.pk in selectors.fund_community_ids(actor):
        fund = FundAccount.objects.filter(community=community).aggregate(
            units=Count("id"), balance=Sum("balance"),
            notices=Count("notices", filter=Q(notices__settled_at__isnull=True)))
    return render(request, "governance/home.html", {
        "community": community,
        "committee": committee,
        "members": _by_office(committee.members.select_related("owner").filter(left_on__isnull=True))
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


# Assemblies and motions ---------------------------------------------------------------------

@login_required
def assembly_new(request, community_id):
    actor, community = _community(request, community_id)
    _require(services.can_run(actor, community.pk))
    group = selectors.prep_group_list(actor=actor).filter(community=community, dissolved_on__isnull=True).first()

    def work(data):
        return reverse("governance:assembly", args=[services.assembly_create(
            actor=actor, community=community, prep_group=group, **data).pk])

    return _form_page(request, form=forms.AssemblyForm(request.POST or None), title=_("召开业主大会会议"),
                      back=reverse("governance:desk", args=[community.pk]), work=work,
                      intro=_("通知载明会议的时间、地点和形式；表决开始时生成表决名册，此后房产登记的变化不影响本次表决。"))


@login_required
def assembly_detail(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    community_id = assembly.community_id
    runner = services.can_run(actor, community_id)
    me = _my_owner(actor, community_id)
    motions = list(assembly.motions.select_related("roll", "assembly__roll"))
    my_votes = dict(Vote.objects.filter(motion__in=motions, owner=me).values_list("motion_id", "choice")) if me else {}
    for motion in motions:
        motion.shown = _motion_result(actor, motion)
        motion.my_vote = my_votes.get(motion.pk)
        motion.my_vote_label = Vote.Choice(motion.my_vote).label if motion.my_vote else ""
        motion.chart_id = f"chart-motion-{motion.pk}"
    open_now = assembly.opened_at is not None and not services.voting_ended(assembly)
    buildings = _buildings(community_id)
    proxies = selectors.proxy_list(actor=actor).filter(assembly=assembly) if runner else []
    return render(request, "governance/assembly_detail.html", {
        "assembly": assembly, "community": assembly.community, "motions": motions, "runner": runner, "me": me,
        "open_now": open_now, "ended": services.voting_ended(assembly),
        **_officers(actor, assembly.count_officers.select_related("owner"),
                    counted=bool(services.count_digest(assembly=assembly))),
        "sign_ins": selectors.sign_in_list(actor=actor).filter(assembly=assembly) if runner else [],
        "proxies": proxies,
        "motion_form": forms.MotionForm(),
        "teller_form": forms.TellerVoteForm(buildings=buildings, proxies=proxies),
        "proxy_form": forms.ProxyForm(buildings=buildings), "sign_in_form": forms.UnitPicker(buildings=buildings),
    })


@login_required
@require_POST
def assembly_action(request, pk, what):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    back = reverse("governance:assembly", args=[pk])
    service, success = {
        "open": (services.assembly_open, _("已开始表决，表决名册已生成。")),
        "close": (services.assembly_close, _("表决已结束。")),
        "publish": (services.assembly_publish, _("表决结果已向业主公布。")),
    }[what]
    return _act(request, back, lambda: service(actor=actor, assembly=assembly), success)


def _officers(actor, officers, *, counted: bool) -> dict:
    """The scrutineers and tellers of a vote for its page, each marked when the actor may sign for them."""
    officers = list(officers)
    for officer in officers:
        officer.can_sign = counted and officer.signed_at is None and (
            officer.owner_id in actor.owner_ids or services.can_run(actor, _vote_community(officer)))
    return {"officers": officers, "officer_form": forms.CountOfficerForm(), "counted": counted}


def _vote_community(officer: CountOfficer) -> int:
    return (officer.election or officer.assembly).community_id


@login_required
@require_POST
def assembly_officer_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    return _post_form(request, forms.CountOfficerForm(request.POST), reverse("governance:assembly", args=[pk]),
                      lambda data: services.count_officer_add(actor=actor, assembly=assembly, **data),
                      _("已记录监票、计票人。"))


@login_required
@require_POST
def count_sign(request, pk):
    actor = actor_for(request.user)
    officer = get_object_or_404(selectors.count_officer_list(actor=actor), pk=pk)
    back = (reverse("governance:election", args=[officer.election_id]) if officer.election_id
            else reverse("governance:assembly", args=[officer.assembly_id]))
    return _act(request, back, lambda: services.count_sign(actor=actor, officer=officer), _("已签字确认计票结果。"))


@login_required
@require_POST
def motion_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    return _post_form(request, forms.MotionForm(request.POST), reverse("governance:assembly", args=[pk]),
                      lambda data: services.motion_create(actor=actor, assembly=assembly, **data), _("议题已列入。"))


@login_required
@require_POST
def motion_vote(request, pk):
    """An owner's own vote (the choice alone), or a teller's entry of a paper ballot (unit and choice)."""
    actor = actor_for(request.user)
    motion = get_object_or_404(selectors.motion_list(actor=actor), pk=pk)
    community_id = motion.assembly.community_id
    back = request.POST.get("back") or reverse("governance:assembly", args=[motion.assembly_id])
    if "number" not in request.POST:
        me = _my_owner(actor, community_id)
        _require(me is not None)
        return _post_form(request, forms.VoteForm(request.POST), back,
                          lambda data: services.vote_cast(actor=actor, motion=motion, owner=me, **data),
                          _("您的表决已记录。表决票记名且不能更改。"))
    proxies = selectors.proxy_list(actor=actor).filter(assembly_id=motion.assembly_id)
    form = forms.TellerVoteForm(request.POST, buildings=_buildings(community_id), proxies=proxies)

    def work(data):
        proxy = proxies.get(pk=data["proxy"]) if data["proxy"] else None
        services.vote_cast(actor=actor, motion=motion, owner=_unit_owner(community_id, data), choice=data["choice"],
                           proxy=proxy)

    return _post_form(request, form, back, work, _("纸质表决票已录入。"))


@login_required
def motion_detail(request, pk):
    actor = actor_for(request.user)
    motion = get_object_or_404(selectors.motion_list(actor=actor).select_related("roll", "assembly__roll"), pk=pk)
    votes = selectors.vote_list(actor=actor).filter(motion=motion).select_related("entered_by").order_by("id")
    return render(request, "governance/motion_detail.html", {
        "motion": motion, "assembly": motion.assembly, "result": _motion_result(actor, motion),
        "page": Paginator(votes, PAGE_SIZE).get_page(request.GET.get("page")),
        "runner": services.can_run(actor, motion.assembly.community_id),
    })


@login_required
@require_POST
def proxy_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    form = forms.ProxyForm(request.POST, request.FILES, buildings=_buildings(assembly.community_id))

    def work(data):
        services.proxy_record(actor=actor, principal=_unit_owner(assembly.community_id, data),
                              holder_name=data["holder_name"], scope="assembly", assembly=assembly,
                              document=data["document"])

    return _post_form(request, form, reverse("governance:assembly", args=[pk]), work, _("书面委托已登记。"))


@login_required
def proxy_document(request, pk):
    proxy = get_object_or_404(selectors.proxy_list(actor=actor_for(request.user)), pk=pk)
    return FileResponse(proxy.document.open("rb"), as_attachment=True, filename=proxy.document.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def sign_in(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    form = forms.UnitPicker(request.POST, buildings=_buildings(assembly.community_id))
    return _post_form(request, form, reverse("governance:assembly", args=[pk]),
                      lambda data: services.sign_in_record(actor=actor, assembly=assembly,
                                                           owner=_unit_owner(assembly.community_id, data)),
                      _("已签到。"))


@login_required
def minutes(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    try:
        pdf = assembly_minutes_pdf(actor=actor, assembly=assembly)
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return redirect("governance:assembly", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{assembly.pk}.pdf"'
    return response


# Elections ----------------------------------------------------------------------------------

@login_required
def election_new(request, community_id):
    actor, community = _community(request, community_id)
    _require(services.can_run(actor, community.pk))

    def work(data):
        return reverse("governance:election", args=[services.election_create(
            actor=actor, community=community, **data).pk])

    form = forms.ElectionForm(request.POST or None, conditions=eligibility.available_conditions())
    return _form_page(request, form=form, title=_("业主委员会选举"), back=reverse("governance:desk", args=[community.pk]),
                      work=work, intro=_("差额选举：候选人须多于应选人数。候选人须为本小区业主，并符合所选的附加条件。"))


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
    me = _my_owner(actor, community_id)
    my_participation = my_ballot = None
    if me is not None:
        my_participation = selectors.participant_list(actor=actor).filter(election=election, owner=me).first()
        my_ballot = selectors.ballot_list(actor=actor).filter(participant=my_participation).first()
    buildings = _buildings(community_id)
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
        **_officers(actor, election.count_officers.select_related("owner"),
                    counted=election.status == Election.Status.TALLIED),
    })


@login_required
@require_POST
def election_action(request, pk, what):
    actor = actor_for(request.user)
    election = get_object_or_404(selectors.election_list(actor=actor), pk=pk)
    back = reverse("governance:election", args=[pk])
    community_id = election.community_id
    buildings = _buildings(community_id)
    candidates = election.candidates.select_related("owner")
    me = _my_owner(actor, community_id)
    if what == "publish":
        return _act(request, back, lambda: services.election_publish(actor=actor, election=election),
                    _("候选人名单已公示。"))
    if what == "open":
        return _act(request, back, lambda: services.election_open(actor=actor, election=election), _("选举已开始。"))
    if what == "committee":
        return _act(request, back, lambda: services.committee_form(actor=actor, election=election),
                    _("业主委员会已组成。"))
    if what == "cancel":
        return _post_form(request, forms.CancelForm(request.POST), back,
                          lambda data: services.election_cancel(actor=actor, election=election, **data),
                          _("选举已取消。"))
    if what == "officer":
        return _post_form(request, forms.CountOfficerForm(request.POST), back,
                          lambda data: services.count_officer_add(actor=actor, election=election, **data),
                          _("已记录监票、计票人。"))
    if what == "nominate":
        return _post_form(request, forms.NominationForm(request.POST, buildings=buildings), back,
                          lambda data: services.candidate_nominate(
                              actor=actor, election=election, owner=_unit_owner(community_id, data),
                              nominated_by=data["nominated_by"], statement=data["statement"]), _("候选人已提名。"))
    if what == "self_nominate":
        _require(me is not None)
        return _act(request, back, lambda: services.candidate_nominate(actor=actor, election=election, owner=me,
                                                                       nominated_by="self"), _("您已自荐为候选人。"))
    if what == "sign_in":
        if "number" not in request.POST:
            _require(me is not None)
            return _act(request, back, lambda: services.participant_register(actor=actor, election=election,
                                                                             owner=me), _("您已签到，可以投票。"))
        return _post_form(request, forms.UnitPicker(request.POST, buildings=buildings), back,
                          lambda data: services.participant_register(actor=actor, election=election,
                                                                     owner=_unit_owner(community_id, data)),
                          _("已签到领票。"))
    if what == "ballot":
        if "number" not in request.POST:
            _require(me is not None)
            return _post_form(request, forms.OwnBallotForm(request.POST, candidates=candidates), back,
                              lambda data: services.ballot_cast(actor=actor, election=election, voter=me,
                                                                selections=data["selections"]),
                              _("您的选票已记录，不能更改。"))
        return _post_form(request, forms.BallotForm(request.POST, buildings=buildings, candidates=candidates), back,
                          lambda data: services.ballot_cast(actor=actor, election=election,
                                                            voter=_unit_owner(community_id, data),
                                                            selections=data["selections"]),
                          _("选票已录入。"))
    if what == "tally":
        return _post_form(request, forms.TallyForm(request.POST), back,
                          lambda data: services.election_tally(actor=actor, election=election, **data),
                          _("已计票，结果已公布。"))
    if what == "tie_break":
        result = election.result or {}
        form = forms.TieBreakForm(request.POST, members=candidates.filter(pk__in=result.get("elected", [])),
                                  tied=candidates.filter(pk__in=result.get("tied", [])))
        return _post_form(request, form, back,
                          lambda data: services.tie_break_vote(actor=actor, election=election,
                                                               member=candidates.get(pk=data["member"]),
                                                               choices=data["choices"]), _("已记录当选委员的投票。"))
    raise PermissionDenied


# The committee ----------------------------------------------------------------------------

@login_required
def committee_detail(request, pk):
    actor = actor_for(request.user)
    committee = get_object_or_404(selectors.committee_list(actor=actor), pk=pk)
    members = _by_office(committee.members.select_related("owner").filter(left_on__isnull=True))
    filings = list(committee.filings.select_related("filed_with"))
    offices = {m.organization_id for m in actor.memberships if m.role == "regulator"}
    for filing in filings:
        filing.answerable = filing.status == CommitteeFiling.Status.SUBMITTED and (
            actor.is_admin or filing.filed_with_id in offices)
    vacancies = services.vacancies(committee) if committee.ended_on is None else 0
    return render(request, "governance/committee_detail.html", {
        "committee": committee, "community": committee.community, "members": members,
        "left": committee.members.select_related("owner").filter(left_on__isnull=False),
        "filings": filings, "filing_current": services.filing_current(committee),
        "filing_pending": any(f.status == CommitteeFiling.Status.SUBMITTED for f in filings),
        "answer_form": forms.FilingAnswerForm(), "vacancies": vacancies,
        "by_election_form": forms.ByElectionForm(initial={"seats": vacancies}),
        "election_running": Election.objects.filter(community_id=committee.community_id,
                                                    status__in=Election.RUNNING).first(),
        "runner": services.can_run(actor, committee.community_id),
        "can_file": actor.can("governance.run", committee.community_id),
        "can_self_manage": actor.can("governance.self_manage", committee.community_id),
        "self_managed": selectors.self_management_of(committee.community),
        "ballots": committee.officer_ballots.filter(round=committee.officer_round).count(),
        "officer_form": forms.OfficerBallotForm(members=members), "filing_form": forms.FilingForm(),
        "hire_form": forms.HireForm(),
    })


@login_required
@require_POST
def committee_action(request, pk, what):
    actor = actor_for(request.user)
    committee = get_object_or_404(selectors.committee_list(actor=actor), pk=pk)
    back = reverse("governance:committee", args=[pk])
    members = committee.members.select_related("owner").filter(left_on__isnull=True)
    if what == "officer_ballot":
        def work(data):
            services.officer_ballot_cast(actor=actor, committee=committee, voter=members.get(pk=data["voter"]),
                                         chair=members.get(pk=data["chair"]),
                                         vice_chairs=list(members.filter(pk__in=data["vice_chairs"])))
        return _post_form(request, forms.OfficerBallotForm(request.POST, members=members), back, work,
                          _("已记录委员的推选票。"))
    if what == "officers":
        try:
            decided = services.committee_officers_decide(actor=actor, committee=committee)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            if decided["decided"]:
                messages.success(request, _("主任、副主任已确定。"))
            else:
                messages.warning(request, _("没有人选获得过半数委员支持，请委员们重新推选。"))
        return redirect(back)
    if what == "filing":
        return _post_form(request, forms.FilingForm(request.POST), back,
                          lambda data: services.committee_file(actor=actor, committee=committee, **data),
                          _("备案已报送街道办事处，待其确认。"))
    if what == "by_election":
        form = forms.ByElectionForm(request.POST)
        try:
            if not form.is_valid():
                raise ValidationFailed(fields={"seats": form.errors.get("seats", [])})
            election = services.election_create(actor=actor, community=committee.community,
                                                seats=form.cleaned_data["seats"], by_election_for=committee)
        except LinliError as exc:
            messages.error(request, error_text(exc))
            return redirect(back)
        messages.success(request, _("补选已发起，请录入候选人提名。"))
        return redirect("governance:election", pk=election.pk)
    if what == "self_manage":
        return _act(request, back, lambda: services.self_management_start(actor=actor, community=committee.community),
                    _("已转为业主自主管理。"))
    if what == "hire":
        def work(data):
            user = get_user_model().objects.filter(username=data["username"].strip()).first()
            if user is None:
                raise ValidationFailed(_("没有这个用户名。"), fields={"username": [_("没有这个用户名。")]})
            services.self_management_hire(actor=actor, community=committee.community, user=user,
                                          position=data["position"])
        return _post_form(request, forms.HireForm(request.POST), back, work, _("已聘任。"))
    raise PermissionDenied


@login_required
@require_POST
def filing_action(request, pk, what):
    """The sub-district office answers a filing it received: confirm or return."""
    actor = actor_for(request.user)
    filing = get_object_or_404(selectors.committee_filing_list(actor=actor), pk=pk)
    if what not in ("confirm", "return"):
        raise PermissionDenied
    confirm = what == "confirm"
    return _post_form(request, forms.FilingAnswerForm(request.POST),
                      reverse("governance:committee", args=[filing.committee_id]),
                      lambda data: services.committee_filing_answer(actor=actor, filing=filing, confirm=confirm,
                                                                    **data),
                      _("已确认备案。") if confirm else _("已退回备案。"))


# The maintenance fund ---------------------------------------------------------------------

@login_required
def fund(request, community_id):
    actor, community = _community(request, community_id)
    _require(actor.is_admin or community.pk in selectors.fund_community_ids(actor))
    accounts = (selectors.fund_account_list(actor=actor).filter(community=community)
                .annotate(open_notices=Count("notices", filter=Q(notices__settled_at__isnull=True)))
                .order_by("unit__building__name", "unit__number"))
    return render(request, "governance/fund.html", {
        "community": community,
        "page": Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": accounts.aggregate(units=Count("id"), first=Sum("first_deposit"), balance=Sum("balance")),
        "undeposited": Unit.objects.filter(community=community).exclude(fund_account__first_deposit__gt=0).count(),
        "notices": selectors.top_up_notice_list(actor=actor).filter(account__community=community,
                                                                     settled_at__isnull=True).count(),
        "can_fund": actor.can("governance.fund", community),
        "deposit_form": forms.FirstDepositForm(), "top_up_form": forms.TopUpForm(buildings=_buildings(community.pk)),
        "interest_form": forms.AmountForm(),
        "pending_interest": selectors.fund_interest_list(actor=actor).filter(
            community=community, status=FundInterest.Status.PENDING).select_related("proposed_by"),
    })


@login_required
@require_POST
def fund_action(request, community_id, what):
    actor, community = _community(request, community_id)
    back = reverse("governance:fund", args=[community.pk])
    if what == "first_deposit":
        units = Unit.objects.filter(community=community).exclude(fund_account__first_deposit__gt=0)
        return _post_form(request, forms.FirstDepositForm(request.POST), back,
                          lambda data: services.fund_first_deposit(actor=actor, community=community, units=units,
                                                                   rate=data["rate"]),
                          _("已为尚未交存的房屋记入首期交存。"))
    if what == "top_up":
        def work(data):
            unit = Unit.objects.filter(community=community, building_id=data["building"],
                                       number=data["number"].strip()).first()
            if unit is None:
                raise ValidationFailed(_("未找到该房屋，请核对楼栋和房号。"))
            services.fund_top_up(actor=actor, unit=unit, amount=data["amount"], memo=data["memo"])
        return _post_form(request, forms.TopUpForm(request.POST, buildings=_buildings(community.pk)), back, work,
                          _("续筹已记入。"))
    if what == "interest":
        if not (actor.is_admin or community.pk in selectors.fund_community_ids(actor)):
            back = reverse("governance:desk", args=[community.pk])  # finance staff post from the desk
        form = forms.AmountForm(request.POST)
        if not form.is_valid():
            return _post_form(request, form, back, None, "")
        try:
            interest = services.fund_interest_record(actor=actor, community=community, **form.cleaned_data)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("利息已按余额比例分配。") if interest.status == FundInterest.Status.POSTED
                             else _("利息已登记，须由另一位委员确认后入账。"))
        return redirect(back)
    raise PermissionDenied


@login_required
@require_POST
def interest_confirm(request, pk):
    actor = actor_for(request.user)
    interest = get_object_or_404(selectors.fund_interest_list(actor=actor), pk=pk)
    return _act(request, reverse("governance:fund", args=[interest.community_id]),
                lambda: services.fund_interest_confirm(actor=actor, interest=interest), _("利息已确认并按余额比例分配。"))


@login_required
def usage_new(request, community_id):
    actor, community = _community(request, community_id)
    publisher = services.may_decide_fund(actor, community)
    _require(publisher or actor.can("governance.fund_draft", community))
    form = forms.FundUsageForm(request.POST or None, buildings=_buildings(community.pk))

    def work(data):
        units = Unit.objects.filter(community=community, building_id__in=data.pop("buildings"))
        usage = services.fund_usage_create(actor=actor, community=community, units=units, **data)
        return reverse("governance:usage", args=[usage.pk])

    return _form_page(request, form=form, title=_("维修资金使用"), back=reverse("governance:desk", args=[community.pk]),
                      work=work, intro=" ".join(str(t) for t in (_(
                          "否定表决：公示期不少于 %(days)s 日，公示期内反对的业主人数或面积超过分摊范围的三分之一即不能使用；"
                          "业主大会表决：由分摊范围内的业主按民法典第二百七十八条表决；应急使用：限所列紧急情形，由业主委员会"
                          "（没有业主委员会的由社区居委会）批准后公告。") % {"days": services.publicity_min_days()},
                          "" if publisher else _("物业服务企业编制的方案保存为草稿，由业主委员会（没有业主委员会的由社区居委会）"
                                                 "审核发布后，公示或表决才开始。"))))


@login_required
def usage_detail(request, pk):
    actor = actor_for(request.user)
    usage = get_object_or_404(selectors.fund_usage_list(actor=actor), pk=pk)
    me = _my_owner(actor, usage.community_id)
    areas = dict(usage.units.values_list("id", "area"))
    scope = {"units": len(areas), "area": sum(areas.values(), Decimal(0))}
    my_units = set(areas) & actor.owned_unit_ids
    my_share = sum((share for unit, share in services.allocate(usage.amount, areas).items() if unit in my_units),
                   Decimal(0)) if my_units else None
    mine = usage.objections.filter(owner=me).first() if me else None
    in_scope = bool(me and usage.roll_id and usage.roll.entries.filter(owner=me).exists())
    counting = services.negative_vote_count(usage) if usage.roll_id and usage.mode == FundUsage.Mode.NEGATIVE_VOTE \
        else None
    can_fund = actor.can("governance.fund", usage.community_id)
    authority = services.may_decide_fund(actor, usage.community)
    draft = usage.status == FundUsage.Status.DRAFT
    return render(request, "governance/usage_detail.html", {
        "usage": usage, "community": usage.community, "scope": scope, "me": me, "my_objection": mine,
        "my_share": my_share,
        "in_scope": in_scope, "counting": counting,
        "objections": selectors.fund_objection_list(actor=actor).filter(usage=usage),
        "can_fund": can_fund, "can_decide": authority and not draft and usage.decision is None,
        "can_publish": authority and draft, "min_days": services.publicity_min_days(),
        "desk": can_fund or authority or actor.can("governance.fund_draft", usage.community_id),
        "publish_form": forms.PublishForm(initial={"publicity_ends": usage.publicity_ends}),
        "publicity_running": usage.status == FundUsage.Status.PUBLICITY and (
            usage.publicity_ends is None or usage.publicity_ends > timezone.now()),
        "entries": selectors.fund_entry_list(actor=actor).filter(usage=usage)[:PAGE_SIZE],
    })


@login_required
@require_POST
def usage_action(request, pk, what):
    actor = actor_for(request.user)
    usage = get_object_or_404(selectors.fund_usage_list(actor=actor), pk=pk)
    back = request.POST.get("back") or reverse("governance:usage", args=[pk])
    if what == "object":
        me = _my_owner(actor, usage.community_id)
        _require(me is not None)
        return _act(request, back, lambda: services.fund_objection_record(actor=actor, usage=usage, owner=me),
                    _("您的异议已记录。"))
    if what == "decide":
        try:
            decision = services.fund_usage_decide(actor=actor, usage=usage)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            if decision["approved"]:
                messages.success(request, _("已批准使用。"))
            else:
                messages.warning(request, _("反对的业主人数或面积超过三分之一，该项目不能使用维修资金。"))
        return redirect(back)
    if what == "pay":
        return _act(request, back, lambda: services.fund_usage_pay(actor=actor, usage=usage),
                    _("已从分摊范围内各户分户账列支。"))
    if what == "publish":
        return _post_form(request, forms.PublishForm(request.POST), back,
                          lambda data: services.fund_usage_publish(actor=actor, usage=usage, **data),
                          _("已发布，分摊范围内的业主已收到通知。"))
    raise PermissionDenied


# Preparation group and recall -------------------------------------------------------------

@login_required
def prep_group(request, community_id):
    actor, community = _community(request, community_id)
    group = selectors.prep_group_list(actor=actor).filter(community=community).order_by("-id").first()
    tasks = list(group.tasks.all()) if group else []
    for task in tasks:
        task.title = services.PREP_TASK_TITLES[task.key]
    return render(request, "governance/prep_group.html", {
        "community": community, "group": group, "tasks": tasks,
        "members": group.members.select_related("owner") if group else [],
        "can_supervise": actor.can("governance.supervise", community),
        "runner": services.can_run(actor, community.pk),
        "member_form": forms.PrepMemberForm(), "owner_form": forms.UnitPicker(buildings=_buildings(community.pk)),
    })


@login_required
@require_POST
def prep_group_action(request, community_id, what):
    actor, community = _community(request, community_id)
    back = reverse("governance:prep_group", args=[community.pk])
    group = selectors.prep_group_list(actor=actor).filter(community=community, dissolved_on__isnull=True).first()
    if what == "create":
        return _act(request, back, lambda: services.prep_group_create(actor=actor, community=community),
                    _("筹备组已成立。"))
    if group is None:
        raise PermissionDenied
    if what == "member":
        # An owner member is named by their unit; a delegate of the sub-district by name alone.
        picker = forms.UnitPicker(request.POST, buildings=_buildings(community.pk))
        named_by_unit = bool(request.POST.get("number")) and picker.is_valid()

        def work(data):
            owner = _unit_owner(community.pk, picker.cleaned_data) if named_by_unit else None
            services.prep_group_member_add(actor=actor, group=group, owner=owner, **data)

        return _post_form(request, forms.PrepMemberForm(request.POST), back, work, _("已增加筹备组成员。"))
    if what == "task":
        key = request.POST.get("key", "")
        return _act(request, back, lambda: services.prep_task_update(
            actor=actor, group=group, key=key, done=request.POST.get("done") == "1",
            note=request.POST.get("note", "")), _("筹备工作已更新。"))
    if what == "dissolve":
        return _act(request, back, lambda: services.prep_group_dissolve(actor=actor, group=group), _("筹备组已解散。"))
    raise PermissionDenied


@login_required
def recall_new(request, community_id):
    actor, community = _community(request, community_id)
    committee = services.current_committee(community.pk)
    _require(committee is not None)
    members = committee.members.select_related("owner").filter(left_on__isnull=True)

    def work(data):
        petition = services.recall_petition_create(actor=actor, community=community, reason=data["reason"],
                                                   members=members.filter(pk__in=data["members"]))
        return reverse("governance:recall", args=[petition.pk])

    return _form_page(request, form=forms.RecallForm(request.POST or None, members=members),
                      title=_("提议罢免业主委员会委员"), back=reverse("governance:me"), work=work,
                      intro=_("签名业主所持专有部分面积达到全部面积的 20%（含 20%）时，罢免议题自动列入下一次业主大会。"))


@login_required
def recall_detail(request, pk):
    actor = actor_for(request.user)
    petition = get_object_or_404(selectors.recall_petition_list(actor=actor), pk=pk)
    me = _my_owner(actor, petition.community_id)
    return render(request, "governance/recall_detail.html", {
        "petition": petition, "community": petition.community, "progress": services.recall_progress(petition),
        "members": petition.members.select_related("owner"), "me": me,
        "signed": bool(me and petition.signatures.filter(owner=me).exists()),
        "can_enter": actor.can("governance.supervise", petition.community_id),
        "sign_form": forms.UnitPicker(buildings=_buildings(petition.community_id)),
    })


@login_required
@require_POST
def recall_sign(request, pk):
    actor = actor_for(request.user)
    petition = get_object_or_404(selectors.recall_petition_list(actor=actor), pk=pk)
    back = reverse("governance:recall", args=[pk])
    if "number" in request.POST:
        return _post_form(request, forms.UnitPicker(request.POST, buildings=_buildings(petition.community_id)), back,
                          lambda data: services.recall_sign(actor=actor, petition=petition,
                                                            owner=_unit_owner(petition.community_id, data)),
                          _("书面签名已录入。"))
    me = _my_owner(actor, petition.community_id)
    _require(me is not None)
    return _act(request, back, lambda: services.recall_sign(actor=actor, petition=petition, owner=me),
                _("您已签名。"))


# Budget and final accounts (篇四 §二.4) -----------------------------------------------------

@login_required
def budget_new(request, community_id):
    actor, community = _community(request, community_id)
    _require(actor.can("governance.budget_draft", community))
    form = forms.BudgetForm(request.POST or None, initial={"year": timezone.localdate().year + 1})

    def work(data):
        budget = services.service_budget_create(actor=actor, community=community, **data)
        return reverse("governance:budget", args=[budget.pk])

    return _form_page(request, form=form, title=_("编制物业服务预算、决算"),
                      back=reverse("governance:desk", args=[community.pk]), work=work,
                      intro=_("物业服务企业编制并提交，业主委员会审核批准后向全体业主公开（篇四 二.4）。"))


def _lines_text(budget: ServiceBudget) -> str:
    return "\n".join(f"{line.item}，{line.amount}" + (f"，{line.note}" if line.note else "")
                     for line in budget.lines.all())


@login_required
def budget_detail(request, pk):
    actor = actor_for(request.user)
    budget = get_object_or_404(selectors.service_budget_list(actor=actor), pk=pk)
    drafter = actor.can("governance.budget_draft", budget.community_id)
    return render(request, "governance/budget_detail.html", {
        "budget": budget, "community": budget.community, "lines": budget.lines.all(), "drafter": drafter,
        "reviewer": actor.can("governance.committee_duties", budget.community_id),
        "review_form": forms.ReviewForm(),
        "revision_form": forms.BudgetRevisionForm(initial={"title": budget.title, "note": budget.note,
                                                           "lines": _lines_text(budget)}),
    })


@login_required
@require_POST
def budget_action(request, pk, what):
    actor = actor_for(request.user)
    budget = get_object_or_404(selectors.service_budget_list(actor=actor), pk=pk)
    back = reverse("governance:budget", args=[pk])
    if what == "submit":
        return _act(request, back, lambda: services.service_budget_submit(actor=actor, budget=budget),
                    _("已提交业主委员会审核。"))
    if what in ("approve", "return"):
        return _post_form(request, forms.ReviewForm(request.POST), back,
                          lambda data: services.service_budget_review(actor=actor, budget=budget,
                                                                      approve=what == "approve", **data),
                          _("已批准。") if what == "approve" else _("已退回物业服务企业修改。"))
    if what == "disclose":
        return _act(request, back, lambda: services.service_budget_disclose(actor=actor, budget=budget),
                    _("已向全体业主公开。"))
    if what == "revise":
        return _post_form(request, forms.BudgetRevisionForm(request.POST), back,
                          lambda data: services.service_budget_revise(actor=actor, budget=budget, **data),
                          _("已保存修改。"))
    raise PermissionDenied


# Owners' concerns (篇四 §二) ----------------------------------------------------------------

@login_required
def concern_new(request, community_id):
    actor, community = _community(request, community_id)
    me = _my_owner(actor, community.pk)
    _require(me is not None)

    def work(data):
        return reverse("governance:concern", args=[services.owner_concern_raise(actor=actor, owner=me, **data).pk])

    return _form_page(request, form=forms.ConcernForm(request.POST or None), title=_("向业主委员会反映"),
                      back=reverse("governance:me"), work=work,
                      intro=_("对物业管理有意见时，请先向业主委员会反映，由业主委员会出面协调；需要物业服务企业办理的，"
                              "业主委员会转为工单，您可以在“我的报事”中跟进。"))


@login_required
def concern_detail(request, pk):
    actor = actor_for(request.user)
    concern = get_object_or_404(selectors.owner_concern_list(actor=actor), pk=pk)
    return render(request, "governance/concern_detail.html", {
        "concern": concern, "community": concern.community,
        "can_answer": concern.status == OwnerConcern.Status.OPEN
        and actor.can("governance.committee_duties", concern.community_id),
        "mine": concern.owner_id in actor.owner_ids, "answer_form": forms.AnswerForm(),
    })


@login_required
@require_POST
def concern_action(request, pk, what):
    actor = actor_for(request.user)
    concern = get_object_or_404(selectors.owner_concern_list(actor=actor), pk=pk)
    back = reverse("governance:concern", args=[pk])
    if what == "answer":
        return _post_form(request, forms.AnswerForm(request.POST), back,
                          lambda data: services.owner_concern_answer(actor=actor, concern=concern,
                                                                     answer=data["answer"]),
                          _("已答复业主。"))
    if what == "hand_off":
        return _post_form(request, forms.AnswerForm(request.POST), back,
                          lambda data: services.owner_concern_hand_off(actor=actor, concern=concern,
                                                                       kind=data["kind"] or "complaint",
                                                                       answer=data["answer"]),
                          _("已转物业服务企业办理。"))
    raise PermissionDenied


# The owners' portal -----------------------------------------------------------------------

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
        account.percent = tally.percent(account.balance, account.first_deposit)
    return render(request, "governance/my_fund.html", {
        "accounts": accounts, "page": Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page")),
    })


@login_required
def my_fund_statement(request):
    actor = actor_for(request.user)
    owner = Owner.objects.filter(pk__in=actor.owner_ids).select_related("community").first()
    _require(owner is not None)
    accounts = _my_accounts(actor)
    entries: dict[int, list[FundEntry]] = {}
    for entry in selectors.fund_entry_list(actor=actor).filter(unit_id__in=actor.owned_unit_ids).order_by("id"):
        entries.setdefault(entry.unit_id, []).append(entry)
    response = HttpResponse(fund_statement_pdf(owner=owner, accounts=accounts, entries_by_unit=entries),
                            content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="fund-statement.pdf"'
    return response
