"""The owner's portal: my bills, paying online, and the sandbox provider's checkout page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import error_text
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import selectors, services
from ..models import Bill, Payment, PaymentOrder
from ..providers import payment_provider, provider_names
from .periods import today_period


@login_required
def my_bills(request):
    """我的账单: each of my units with what it owes (and its late fee), a pay button, the bills
    paid and the receipts."""
    actor = actor_for(request.user)
    units = list(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids).select_related("community"))
    accounts = []
    for unit in units:
        statement = selectors.unit_statement(actor=actor, unit=unit)
        statement.overdue = [b for b in statement.bills if b.period < str(today_period())]
        accounts.append({
            "unit": unit, "statement": statement,
            "paid": selectors.bill_list(actor=actor).filter(unit=unit, status=Bill.Status.PAID)
                             .order_by("-period")[:6],
        })
    return render(request, "billing/my_bills.html", {
        "accounts": accounts,
        "receipts": selectors.payment_list(actor=actor).filter(unit_id__in=actor.own_unit_ids,
                                                               kind=Payment.Kind.PAYMENT)[:20],
        "policy": {u.community_id: selectors.late_fee_policy_of(u.community_id) for u in units},
    })


@login_required
@require_POST
def my_pay(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids), pk=unit_id)
    statement = selectors.unit_statement(actor=actor, unit=unit)
    try:
        order = services.payment_order_create(actor=actor, unit=unit, amount=statement.due)
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return redirect("billing:my_bills")
    return redirect(payment_provider(order.provider).checkout_url(order))


@login_required
def sandbox_checkout(request, out_trade_no):
    """The sandbox provider's checkout page: confirm, and its server notifies Linli. Only where
    the sandbox is a provider of this deployment (LINLI_PAYMENT_SANDBOX)."""
    if "sandbox" not in provider_names():
        raise Http404
    actor = actor_for(request.user)
    order = get_object_or_404(selectors.payment_order_list(actor=actor).select_related("unit__building",
                                                                                       "unit__community__company"),
                              out_trade_no=out_trade_no, provider="sandbox")
    if request.method == "POST" and order.status == PaymentOrder.Status.PENDING:
        if request.POST.get("action") == "pay":
            try:
                order = services.sandbox_order_pay(actor=actor, order=order)
            except LinliError as exc:
                messages.error(request, error_text(exc))
            else:
                messages.success(request, _("支付成功，收据号 %(no)s。") % {"no": order.payment.receipt_no})
        return redirect("billing:my_bills")
    return render(request, "billing/sandbox_checkout.html", {"order": order})
