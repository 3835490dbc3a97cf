"""The committee and how it comes and goes: the preparation group before it, its officers,
its filing with the sub-district office, self-management, and the owners' recall petitions."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError, ValidationFailed
from linli.core.pages import community_page, error_text, form_page, form_save, service_post
from linli.core.tenancy import actor_for

from .. import forms, selectors, services
from ..models import CommitteeFiling, Election
from .common import buildings_of, by_office, my_owner, require, unit_owner


@login_required
def committee_detail(request, pk):
    actor = actor_for(request.user)
    committee = get_object_or_404(selectors.committee_list(actor=actor), pk=pk)
    members = by_office(committee.members.select_related("owner").filter(left_on__isnull=True))
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
        return service_post(request, work, success=_("已记录委员的推选票。"), back=back,
                            form=forms.OfficerBallotForm(request.POST, members=members))
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
        return service_post(request, lambda data: services.committee_file(actor=actor, committee=committee, **data),
                            success=_("备案已报送街道办事处，待其确认。"), back=back, form=forms.FilingForm(request.POST))
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
        return service_post(request, lambda: services.self_management_start(actor=actor, community=committee.community),
                            success=_("已转为业主自主管理。"), back=back)
    if what == "hire":
        def work(data):
            user = get_user_model().objects.filter(username=data["username"].strip()).first()
            if user is None:
                raise ValidationFailed(_("没有这个用户名。"), fields={"username": [_("没有这个用户名。")]})
            services.self_management_hire(actor=actor, community=committee.community, user=user,
                                          position=data["position"])
        return service_post(request, work, success=_("已聘任。"), back=back, form=forms.HireForm(request.POST))
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
    return service_post(request, lambda data: services.committee_filing_answer(actor=actor, filing=filing,
                                                                               confirm=confirm, **data),
                        success=_("已确认备案。") if confirm else _("已退回备案。"),
                        back=reverse("governance:committee", args=[filing.committee_id]),
                        form=forms.FilingAnswerForm(request.POST))


# Preparation group ------------------------------------------------------------------------

@login_required
def prep_group(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    group = selectors.prep_group_list(actor=actor).filter(community=community).order_by("-id").first()
    tasks = list(group.tasks.all()) if group else []
    for task in tasks:
        task.title = services.PREP_TASK_TITLES[task.key]
    return render(request, "governance/prep_group.html", {
        "community": community, "group": group, "tasks": tasks,
        "members": group.members.select_related("owner") if group else [],
        "can_supervise": actor.can("governance.supervise", community),
        "runner": services.can_run(actor, community.pk),
        "member_form": forms.PrepMemberForm(), "owner_form": forms.UnitPicker(buildings=buildings_of(community.pk)),
    })


@login_required
@require_POST
def prep_group_action(request, community_id, what):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    back = reverse("governance:prep_group", args=[community.pk])
    group = selectors.prep_group_list(actor=actor).filter(community=community, dissolved_on__isnull=True).first()
    if what == "create":
        return service_post(request, lambda: services.prep_group_create(actor=actor, community=community),
                            success=_("筹备组已成立。"), back=back)
    if group is None:
        raise PermissionDenied
    if what == "member":
        # An owner member is named by their unit; a delegate of the sub-district by name alone.
        picker = forms.UnitPicker(request.POST, buildings=buildings_of(community.pk))
        named_by_unit = bool(request.POST.get("number")) and picker.is_valid()

        def work(data):
            owner = unit_owner(community.pk, picker.cleaned_data) if named_by_unit else None
            services.prep_group_member_add(actor=actor, group=group, owner=owner, **data)

        return service_post(request, work, success=_("已增加筹备组成员。"), back=back,
                            form=forms.PrepMemberForm(request.POST))
    if what == "task":
        key = request.POST.get("key", "")
        return service_post(request, lambda: services.prep_task_update(
            actor=actor, group=group, key=key, done=request.POST.get("done") == "1",
            note=request.POST.get("note", "")), success=_("筹备工作已更新。"), back=back)
    if what == "dissolve":
        return service_post(request, lambda: services.prep_group_dissolve(actor=actor, group=group),
                            success=_("筹备组已解散。"), back=back)
    raise PermissionDenied


# Recall -----------------------------------------------------------------------------------

@login_required
def recall_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    committee = services.current_committee(community.pk)
    require(committee is not None)
    members = committee.members.select_related("owner").filter(left_on__isnull=True)
    form = forms.RecallForm(request.POST or None, members=members)
    petition = form_save(request, form, lambda data: services.recall_petition_create(
        actor=actor, community=community, reason=data["reason"], members=members.filter(pk__in=data["members"])))
    if petition:
        return redirect("governance:recall", pk=petition.pk)
    return form_page(request, form, title=_("提议罢免业主委员会委员"), back=reverse("governance:me"),
                     intro=_("签名业主所持专有部分面积达到全部面积的 20%（含 20%）时，罢免议题自动列入下一次业主大会。"))


@login_required
def recall_detail(request, pk):
    actor = actor_for(request.user)
    petition = get_object_or_404(selectors.recall_petition_list(actor=actor), pk=pk)
    me = my_owner(actor, petition.community_id)
    return render(request, "governance/recall_detail.html", {
        "petition": petition, "community": petition.community, "progress": services.recall_progress(petition),
        "members": petition.members.select_related("owner"), "me": me,
        "signed": bool(me and petition.signatures.filter(owner=me).exists()),
        "can_enter": actor.can("governance.supervise", petition.community_id),
        "sign_form": forms.UnitPicker(buildings=buildings_of(petition.community_id)),
    })


@login_required
@require_POST
def recall_sign(request, pk):
    actor = actor_for(request.user)
    petition = get_object_or_404(selectors.recall_petition_list(actor=actor), pk=pk)
    back = reverse("governance:recall", args=[pk])
    if "number" in request.POST:
        return service_post(request, lambda data: services.recall_sign(
            actor=actor, petition=petition, owner=unit_owner(petition.community_id, data)),
            success=_("书面签名已录入。"), back=back,
            form=forms.UnitPicker(request.POST, buildings=buildings_of(petition.community_id)))
    me = my_owner(actor, petition.community_id)
    require(me is not None)
    return service_post(request, lambda: services.recall_sign(actor=actor, petition=petition, owner=me),
                        success=_("您已签名。"), back=back)
