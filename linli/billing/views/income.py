"""Common income (公共收益): leases, rent, the ledger and spending, and its public disclosure."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.pages import community_page, form_save, run_service
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import selectors, services
from ..forms import LeaseForm, LeasePaymentForm, SpendingForm
from ..models import CommonSpending, LeaseBill


@login_required
def common_income(request, community_id):
    """Leases, rent, the ledger and spending: kept by the company, approved by the committee."""
    actor, community = community_page(request, community_id, selector=selectors.supervised_community_list)
    can_manage = actor.can("common_income.manage", community)
    premises = estates.premises_list(actor=actor).filter(community=community)
    lease_form = LeaseForm(request.POST or None, premises=premises, prefix="lease")
    spending_form = SpendingForm(request.POST or None, prefix="spending")
    action = request.POST.get("action")
    if action == "lease" and form_save(
            request, lease_form, success=_("租赁合同已登记。"),
            work=lambda data: services.lease_create(actor=actor, premises=premises.get(pk=data.pop("premises")),
                                                    **data)):
        return redirect("billing:common", community.pk)
    if action == "spending" and form_save(
            request, spending_form, success=_("支出申请已提交，等待业委会审批。"),
            work=lambda data: services.common_spending_propose(actor=actor, community=community, **data)):
        return redirect("billing:common", community.pk)
    today = timezone.localdate()
    return render(request, "billing/common.html", {
        "community": community, "can_manage": can_manage,
        "can_approve": actor.can("common_income.approve", community),
        "balance": services.common_balance(community.pk),
        "leases": selectors.lease_list(actor=actor).filter(community=community).order_by("premises__code", "-start"),
        "lease_bills": selectors.lease_bill_list(actor=actor).filter(community=community, status=LeaseBill.Status.OPEN)
                               .order_by("period", "lease__premises__code"),
        "ledger": selectors.common_ledger_list(actor=actor).filter(community=community)[:30],
        "spendings": selectors.common_spending_list(actor=actor).filter(community=community)[:30],
        "lease_form": lease_form if can_manage else None, "spending_form": spending_form if can_manage else None,
        "payment_form": LeasePaymentForm(), "today": today,
    }, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def lease_bill_pay(request, lease_bill_id):
    actor = actor_for(request.user)
    lease_bill = get_object_or_404(selectors.lease_bill_list(actor=actor), pk=lease_bill_id)
    form = LeasePaymentForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    else:
        run_service(request, lambda: services.lease_bill_pay(actor=actor, lease_bill=lease_bill, **form.cleaned_data),
                    success=_("已收租金 %(amount)s 元，计入公共收益。") % {"amount": form.cleaned_data["amount"]})
    return redirect("billing:common", lease_bill.community_id)


@login_required
@require_POST
def spending_decide(request, spending_id):
    actor = actor_for(request.user)
    spending = get_object_or_404(selectors.common_spending_list(actor=actor), pk=spending_id)
    run_service(request, lambda: services.common_spending_decide(
        actor=actor, spending=spending, approve=request.POST.get("decision") == "approve",
        note=request.POST.get("note", "")), success=_("已审批“%(title)s”。") % {"title": spending.title})
    return redirect("billing:common", spending.community_id)


@login_required
def disclosure(request, community_id):
    """公共收益公示: what the common income earned and what it paid for, month by month."""
    actor = actor_for(request.user)
    community = get_object_or_404(selectors.public_community_list(actor=actor), pk=community_id)
    entries = selectors.common_ledger_list(actor=actor).filter(community=community)
    months = {}
    for entry in entries.order_by("-date", "-id"):
        month = months.setdefault(entry.date.strftime("%Y-%m"), {"income": Decimal("0.00"),
                                                                 "spending": Decimal("0.00"), "entries": []})
        month["income" if entry.amount > 0 else "spending"] += abs(entry.amount)
        month["entries"].append(entry)
    return render(request, "billing/disclosure.html", {
        "community": community, "months": months, "balance": services.common_balance(community.pk),
        "income": sum((m["income"] for m in months.values()), Decimal("0.00")),
        "spending": sum((m["spending"] for m in months.values()), Decimal("0.00")),
        "pending": selectors.common_spending_list(actor=actor).filter(community=community,
                                                                      status=CommonSpending.Status.PROPOSED),
        "leases": selectors.lease_list(actor=actor).filter(community=community, end__gte=timezone.localdate()),
    })
