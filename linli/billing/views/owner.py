"""The owner's portal: my bills, paying online (WeChat Pay, Alipay; the sandbox where it is on),
the order page that waits for the provider's word, and the sandbox provider's checkout page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.pages import error_text
from linli.core.qr import qr_svg
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from .. import selectors, services
from ..models import Bill, Payment, PaymentOrder
from ..providers import payment_provider, provider_names
from .periods import today_period

# The payer's choices, in the order shown; the sandbox only where the deployment has it on.
PROVIDER_LABELS = {"wechatpay": gettext_lazy("微信支付"), "alipay": gettext_lazy("支付宝"),
                   "sandbox": gettext_lazy("沙箱支付")}
WECHAT_BROWSER = "MicroMessenger"
# Where a WeChat OAuth sign-in (when there is one) leaves the payer's openid for JSAPI.
OPENID_SESSION_KEY = "wechat_openid"


def payment_choices(community) -> list[tuple[str, str]]:
    """The providers an owner of the community can pay with: the company's merchant accounts
    (or the deployment's) that are complete and enabled."""
    names = provider_names(community.company)
    return [(name, str(PROVIDER_LABELS.get(name, name))) for name in PROVIDER_LABELS if name in names]


@login_required
def my_bills(request):
    """我的账单: each of my units with what it owes (and its late fee), the ways to pay online,
    the bills paid and the receipts."""
    actor = actor_for(request.user)
    units = list(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids)
                 .select_related("community__company"))
    accounts = []
    for unit in units:
        statement = selectors.unit_statement(actor=actor, unit=unit)
        statement.overdue = [b for b in statement.bills if b.period < str(today_period())]
        accounts.append({
            "unit": unit, "statement": statement, "providers": payment_choices(unit.community),
            "paid": selectors.bill_list(actor=actor).filter(unit=unit, status=Bill.Status.PAID)
                             .order_by("-period")[:6],
        })
    return render(request, "billing/my_bills.html", {
        "accounts": accounts,
        "receipts": selectors.payment_list(actor=actor).filter(unit_id__in=actor.own_unit_ids,
                                                               kind=Payment.Kind.PAYMENT)[:20],
        "policy": {u.community_id: selectors.late_fee_policy_of(u.community_id) for u in units},
    })


def _channel(request, provider: str) -> tuple[str | None, str]:
    """The channel for the payer's browser and the openid it needs: JSAPI inside WeChat once the
    payer's openid is known, else Native (a QR code); Alipay's mobile web (H5)."""
    if provider == "wechatpay":
        openid = request.session.get(OPENID_SESSION_KEY, "")
        if WECHAT_BROWSER in request.headers.get("User-Agent", "") and openid:
            return "jsapi", openid
        return "native", ""
    if provider == "alipay":
        return "h5", ""
    return None, ""


@login_required
@require_POST
def my_pay(request, unit_id):
    actor = actor_for(request.user)
    unit = get_object_or_404(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids)
                             .select_related("community__company"), pk=unit_id)
    choices = [name for name, _label in payment_choices(unit.community)]
    provider = request.POST.get("provider") or (choices[0] if choices else "")
    if provider not in choices:
        messages.error(request, _("暂未开通在线缴费，请到物业服务中心缴费。"))
        return redirect("billing:my_bills")
    statement = selectors.unit_statement(actor=actor, unit=unit)
    channel, openid = _channel(request, provider)
    extra = {}
    if channel:
        # Alipay sends the payer back to return_url with the order's out_trade_no in the query.
        extra = {"channel": channel, "openid": openid,
                 "notify_url": request.build_absolute_uri(reverse("payment-notification", args=[provider])),
                 "return_url": request.build_absolute_uri(reverse("billing:my_order_return"))}
    try:
        order = services.payment_order_create(actor=actor, unit=unit, amount=statement.due, provider=provider, **extra)
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return redirect("billing:my_bills")
    checkout = payment_provider(order.provider, unit.community.company).checkout_url(order)
    return redirect(checkout or reverse("billing:my_order", args=[order.pk]))


def _my_order(request, order_id) -> PaymentOrder:
    """One of the actor's own orders (an owner's, never a neighbour's: a 404)."""
    actor = actor_for(request.user)
    orders = selectors.payment_order_list(actor=actor).filter(unit_id__in=actor.own_unit_ids)
    return get_object_or_404(orders.select_related("unit__building", "unit__community__company", "payment"),
                             pk=order_id)


def _order_context(request, order: PaymentOrder) -> dict:
    checkout = order.checkout or {}
    code_url = checkout.get("code_url", "")
    pending = order.status == PaymentOrder.Status.PENDING
    return {
        "order": order, "pending": pending, "code_url": code_url,
        "redirect_url": checkout.get("redirect_url", ""),
        "jsapi_params": checkout.get("jsapi_params") or None,
        "in_wechat": WECHAT_BROWSER in request.headers.get("User-Agent", ""),
        # Drawn by us from the provider's own weixin:// (or simulator) address: no user text in it.
        "qr": mark_safe(qr_svg(code_url, size=200)) if pending and code_url else "",  # noqa: S308
        "provider_label": PROVIDER_LABELS.get(order.provider, order.provider),
    }


@login_required
@require_GET
def my_order(request, order_id):
    """The order page: the amount, the bills it pays, until when, how to pay (a QR code, a
    button to the provider's page, or WeChat's own sheet), and its status, polled every 3 s."""
    order = _my_order(request, order_id)
    statement = selectors.unit_statement(actor=actor_for(request.user), unit=order.unit)
    allocations = order.payment.allocations.select_related("bill") if order.payment_id else []
    return render(request, "billing/my_order.html", {
        **_order_context(request, order), "bills": statement.bills, "allocations": allocations})


@login_required
@require_GET
def my_order_return(request):
    """Where the provider's page sends the payer back: the order it names, else my bills."""
    actor = actor_for(request.user)
    order = (selectors.payment_order_list(actor=actor).filter(unit_id__in=actor.own_unit_ids)
             .filter(out_trade_no=request.GET.get("out_trade_no", "")[:40]).first())
    return redirect(reverse("billing:my_order", args=[order.pk]) if order else reverse("billing:my_bills"))


@login_required
@require_GET
def my_order_status(request, order_id):
    """The order's status card, for the page's poll: a pending order is asked of the provider
    (a paid one is recorded then, as its notification would), an expired one is closed."""
    order = _my_order(request, order_id)
    if order.status == PaymentOrder.Status.PENDING and order.provider != "sandbox":
        try:
            order = services.payment_order_sync(order=order)
        except LinliError:
            pass  # the provider is unreachable for now: the next poll asks again
    return render(request, "billing/_order_status.html", _order_context(request, order))


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
