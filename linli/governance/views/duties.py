"""The committee's duties to the owners (篇四 §二): the property service's budget and final
accounts, and the owners' concerns raised with the committee first."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import community_page, form_page, form_save, service_post
from linli.core.tenancy import actor_for

from .. import forms, selectors, services
from ..models import OwnerConcern, ServiceBudget
from .common import my_owner, require

# Budget and final accounts (篇四 §二.4) -----------------------------------------------------

@login_required
def budget_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    require(actor.can("governance.budget_draft", community))
    form = forms.BudgetForm(request.POST or None, initial={"year": timezone.localdate().year + 1})
    budget = form_save(request, form, lambda data: services.service_budget_create(actor=actor, community=community,
                                                                                  **data))
    if budget:
        return redirect("governance:budget", pk=budget.pk)
    return form_page(request, form, title=_("编制物业服务预算、决算"),
                     back=reverse("governance:desk", args=[community.pk]),
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
        return service_post(request, lambda: services.service_budget_submit(actor=actor, budget=budget),
                            success=_("已提交业主委员会审核。"), back=back)
    if what in ("approve", "return"):
        return service_post(request, lambda data: services.service_budget_review(
            actor=actor, budget=budget, approve=what == "approve", **data),
            success=_("已批准。") if what == "approve" else _("已退回物业服务企业修改。"), back=back,
            form=forms.ReviewForm(request.POST))
    if what == "disclose":
        return service_post(request, lambda: services.service_budget_disclose(actor=actor, budget=budget),
                            success=_("已向全体业主公开。"), back=back)
    if what == "revise":
        return service_post(request, lambda data: services.service_budget_revise(actor=actor, budget=budget, **data),
                            success=_("已保存修改。"), back=back, form=forms.BudgetRevisionForm(request.POST))
    raise PermissionDenied


# Owners' concerns (篇四 §二) ----------------------------------------------------------------

@login_required
def concern_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    me = my_owner(actor, community.pk)
    require(me is not None)
    form = forms.ConcernForm(request.POST or None)
    concern = form_save(request, form, lambda data: services.owner_concern_raise(actor=actor, owner=me, **data))
    if concern:
        return redirect("governance:concern", pk=concern.pk)
    return form_page(request, form, title=_("向业主委员会反映"), back=reverse("governance:me"),
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
        return service_post(request, lambda data: services.owner_concern_answer(
            actor=actor, concern=concern, answer=data["answer"]),
            success=_("已答复业主。"), back=back, form=forms.AnswerForm(request.POST))
    if what == "hand_off":
        return service_post(request, lambda data: services.owner_concern_hand_off(
            actor=actor, concern=concern, kind=data["kind"] or "complaint", answer=data["answer"]),
            success=_("已转物业服务企业办理。"), back=back, form=forms.AnswerForm(request.POST))
    raise PermissionDenied
