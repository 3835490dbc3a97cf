"""Bills, a unit's account, the cashier, payments, receipts and reversals."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.money import MoneyField
from linli.core.pages import community_page, error_text, remember_community, run_service, show_error
from linli.core.params import parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.models import Ownership

from .. import selectors, services
from ..api import pdf_response
from ..forms import BillFilterForm, PaymentForm, SearchForm
from ..models import Bill, Payment, PaymentRefund
from ..providers import provider_label
from ..receipts import receipt_pdf

PAGE_SIZE = 50
UNIT_PICKS = 20


@login_required
def bill_list(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
    form = BillFilterForm(request.GET)
    bills = selectors.bill_list(actor=actor).filter(community=community).order_by("-period", "unit__building__name",
                                                                                   "unit__number")
    if form.is_valid():
        data = form.cleaned_data
        if data["period"]:
            bills = bills.filter(period=data["period"])
        if data["status"]:
            bills = bills.filter(status=data["status"])
        for term in data["q"].split():
            bills = bills.filter(Q(unit__number__icontains=term) | Q(unit__building__name__icontains=term))
    page = Paginator(bills, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "billing/bills.html", {"community": community, "form": form, "page": page,
                                                  "filtered": any(request.GET.get(n) for n in form.fields)})


@login_required
def unit_account(request, unit_id):
    """A unit's account: open bills with their late fees, credit, history and payments."""
    actor = actor_for(request.user)
    unit = get_object_or_404(estates.unit_list(actor=actor).select_related("community"), pk=unit_id)
    staff = actor.is_admin or unit.community_id in selectors.billing_community_ids(actor)
    if not staff and unit.pk not in actor.own_unit_ids:
        raise Http404
    if staff:
        remember_community(request, actor, unit.community)
    statement = selectors.unit_statement(actor=actor, unit=unit)
    return render(request, "billing/account.html", {
        "unit": unit, "statement": statement, "staff": staff,
        "history": selectors.bill_list(actor=actor).filter(unit=unit, status=Bill.Status.PAID)
                            .order_by("-period")[:24],
        "payments": selectors.payment_list(actor=actor).filter(unit=unit)[:24],
        "can_waive": actor.can("billing.waive", unit.community_id),
        "can_collect": actor.can("billing.collect", unit.community_id),
    })


@login_required
@require_POST
def bill_waive(request, bill_id):
    actor = actor_for(request.user)
    bill = get_object_or_404(selectors.bill_list(actor=actor), pk=bill_id)
    run_service(request, lambda: services.bill_late_fee_waive(actor=actor, bill=bill,
                                                              reason=request.POST.get("reason", "")),
                success=_("已减免 %(period)s 账单的违约金。") % {"period": bill.period})
    return redirect("billing:account", bill.unit_id)


# Cashier -----------------------------------------------------------------------------------

@login_required
def cashier(request, community_id):
    """Find a unit, see what it owes, record the money; the receipt follows."""
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.collect")
    search = SearchForm(request.GET)
    units, more = [], False
    if search.is_valid() and search.cleaned_data["q"].strip():
        units = estates.unit_list(actor=actor).filter(community=community)
        for term in search.cleaned_data["q"].split():
            units = units.filter(Q(number__icontains=term) | Q(building__name__icontains=term))
        units = list(units.annotate(owed=Sum(F("bills__amount") - F("bills__paid"), output_field=MoneyField(),
                                             filter=Q(bills__status=Bill.Status.OPEN)))
                     .prefetch_related(Prefetch("ownerships", queryset=Ownership.objects.select_related("owner")))
                     [:UNIT_PICKS + 1])
        more = len(units) > UNIT_PICKS
        units = units[:UNIT_PICKS]
    unit = None
    unit_id = parse_id(request.POST.get("unit") or request.GET.get("unit"))
    if unit_id is not None or request.method == "POST":
        unit = get_object_or_404(estates.unit_list(actor=actor).filter(community=community).prefetch_related(
            Prefetch("ownerships", queryset=Ownership.objects.select_related("owner"))), pk=unit_id)
    statement = selectors.unit_statement(actor=actor, unit=unit) if unit else None
    form = PaymentForm(request.POST or None, initial={"amount": statement.due if statement and statement.due else None})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment, created = services.payment_record(actor=actor, unit=unit, amount=data["amount"],
                                                       method=data["method"], idempotency_key=data["key"])
        except LinliError as exc:
            show_error(form, exc)
        else:
            if created:
                messages.success(request, _("已收款 %(amount)s 元，收据号 %(no)s。") % {
                    "amount": payment.amount, "no": payment.receipt_no})
            return redirect("billing:payment", payment.pk)
    today = timezone.localdate()
    mine = selectors.payment_list(actor=actor).filter(community=community, received_at__date=today,
                                                      received_by=request.user)
    return render(request, "billing/cashier.html", {
        "community": community, "search": search, "units": units, "more": more, "unit": unit, "statement": statement,
        "form": form, "today_payments": mine[:20], "today_total": mine.aggregate(total=Sum("amount"))["total"],
        "searched": bool(request.GET.get("q")),
    }, status=400 if form.errors else 200)


@login_required
def payment_detail(request, payment_id):
    actor = actor_for(request.user)
    payment = get_object_or_404(selectors.payment_list(actor=actor).select_related("community", "company"),
                                pk=payment_id)
    return render(request, "billing/payment.html", {
        "payment": payment,
        "allocations": payment.allocations.select_related("bill").order_by("id"),
        "can_reverse": payment.kind == Payment.Kind.PAYMENT and not payment.is_void
                       and actor.can("billing.reverse", payment.community_id),
        "staff": actor.is_admin or payment.community_id in selectors.billing_community_ids(actor),
    })


@login_required
@require_GET
def payment_receipt(request, payment_id):
    payment = get_object_or_404(selectors.payment_list(actor=actor_for(request.user)).filter(
        kind=Payment.Kind.PAYMENT), pk=payment_id)
    return pdf_response(receipt_pdf(payment), f"收据-{payment.receipt_no}.pdf")


@login_required
def payment_reverse(request, payment_id):
    """A reversal voids a receipt for good (DESIGN §8): GET says what it will do — the bills that
    reopen, the prepayment taken back — and only a POST with `confirm` from that page does it."""
    actor = actor_for(request.user)
    payment = get_object_or_404(selectors.payment_list(actor=actor), pk=payment_id)
    if not actor.can("billing.reverse", payment.community_id):
        raise PermissionDenied
    if payment.kind != Payment.Kind.PAYMENT or payment.is_void:
        messages.error(request, _("该收款已冲销，或本身是冲销记录。"))
        return redirect("billing:payment", payment.pk)
    reason = (request.POST.get("reason") or request.GET.get("reason") or "").strip()
    order = services.online_order_of(payment)
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            outcome = services.payment_reverse(actor=actor, payment=payment, reason=reason)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            _flash_reversal(request, payment, outcome)
            return redirect("billing:payment", payment.pk)
    return render(request, "billing/reverse_confirm.html", {
        "preview": selectors.payment_reversal_preview(actor=actor, payment=payment), "reason": reason[:200],
        "refund_to": provider_label(order.provider) if order is not None else ""})


def _flash_reversal(request, payment, outcome) -> None:
    """An online payment goes back the way it came (原路退款), so its reversal may still wait for
    the gateway, or fail and leave the payment standing: say which."""
    no = payment.receipt_no
    if not isinstance(outcome, PaymentRefund):
        messages.success(request, _("收据 %(no)s 已冲销作废。") % {"no": no})
    elif outcome.status == PaymentRefund.Status.SUCCEEDED:
        messages.success(request, _("已原路退款，收据 %(no)s 已冲销作废。") % {"no": no})
    elif outcome.status == PaymentRefund.Status.FAILED:
        messages.error(request, _("原路退款失败（%(why)s），收款仍然有效，已通知财务。") % {
            "why": outcome.failure_reason or _("支付渠道未说明原因")})
    else:
        messages.info(request, _("已向支付渠道发起原路退款；退款成功后收据 %(no)s 自动冲销作废。") % {"no": no})
