"""Online payment (DESIGN §5 `online`, issue 18): orders at WeChat Pay or Alipay (or the sandbox),
the gateways' signed notifications, the periodic sync that finds a payment whose notification
never came and closes expired orders, and refunds: reversing an online payment first gives the
money back through the gateway, and the reversal entry is written once the refund went through.

Whatever a notification gets wrong (a bad signature, an unknown order, another merchant, a wrong
amount) is refused and left as a PaymentIncident for finance; nothing is recorded from it."""

import datetime as dt
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import parse_qsl

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import (
    Conflict,
    LinliError,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from linli.core.money import money
from linli.core.notify import notify_users
from linli.core.services import record_create
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Unit

from ..models import (
    MerchantAccount,
    Payment,
    PaymentIncident,
    PaymentOrder,
    PaymentRefund,
)
from ..providers import (
    NotificationAnswer,
    PaymentProvider,
    ProviderError,
    RefundNotification,
    SignatureInvalid,
    payment_provider,
    provider_names,
)
from ..selectors import unit_statement
from .payments import (
    payment_record,
    payment_reverse_now,
    positive_amount,
    reversal_check,
)

log = logging.getLogger(__name__)
DEFAULT_CHANNEL = {"wechatpay": "native", "alipay": "h5"}
SYNC_AFTER = dt.timedelta(seconds=60)  # an order is queried once its payer had a minute to pay
FINANCE_ROLES = ("manager", "finance")
Kind = PaymentIncident.Kind


@dataclass
class NotificationResult:
    """What became of a notification, and the answer its gateway expects (`answer`)."""

    answer: NotificationAnswer
    ok: bool
    message: str = ""
    order: PaymentOrder | None = None
    refund: PaymentRefund | None = None
    incident: PaymentIncident | None = None


# Orders -------------------------------------------------------------------------------------

def _may_pay_for(actor: Actor, unit: Unit) -> bool:
    return unit.pk in actor.own_unit_ids or actor.can("billing.collect", unit.community_id)


def online_payment_limit(unit: Unit):
    """The most one online order may pay for a unit: what it owes today (open bills with their
    late fees), plus what may still be paid ahead, LINLI_PREPAYMENT_CAP less the credit the unit
    already holds. So no order, paid or forged, leaves a unit more credit than the cap."""
    statement = unit_statement(actor=SystemActor(), unit=unit)
    headroom = max(money(settings.LINLI_PREPAYMENT_CAP) - statement.credit, money(0))
    return statement.due + headroom


def _check_order_amount(unit: Unit, amount) -> None:
    limit = online_payment_limit(unit)
    if amount > limit:
        raise ValidationFailed(
            _("在线支付金额不能超过应缴金额与可预缴额度之和（%(limit)s 元）。") % {"limit": limit},
            code="amount_over_limit", fields={"amount": [_("最多可付 %(limit)s 元。") % {"limit": limit}]})


def notification_url(provider: str, notify_url: str = "") -> str:
    """Where the gateway calls back: LINLI_PUBLIC_BASE_URL's, else the one built from the request."""
    base = getattr(settings, "LINLI_PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + reverse("payment-notification", args=[provider])
    return notify_url


def _is_gateway(gateway: PaymentProvider) -> bool:
    return bool(gateway.channels)  # the sandbox has none: it pays on a page of Linli


def payment_order_create(*, actor: Actor, unit: Unit, amount, provider: str = "sandbox", channel: str | None = None,
                         openid: str = "", notify_url: str = "", return_url: str = "") -> PaymentOrder:
    """Start an online payment. With a gateway, the order is placed there at once and
    `order.checkout` holds what the payer's screen needs (code_url, redirect_url, jsapi_params);
    it expires after LINLI_PAYMENT_ORDER_TIMEOUT_MINUTES. The sandbox's payer goes to its page."""
    if not _may_pay_for(actor, unit):
        raise PermissionDenied()
    company = unit.community.company
    if provider not in provider_names(company):
        raise ValidationFailed(_("该支付渠道未开通。"), code="provider_unavailable",
                               fields={"provider": [_("该支付渠道未开通。")]})
    amount = positive_amount(amount)
    _check_order_amount(unit, amount)
    gateway = payment_provider(provider, company)
    url = ""
    if _is_gateway(gateway):
        channel = channel or DEFAULT_CHANNEL.get(provider, gateway.channels[0])
        if channel not in gateway.channels:
            raise ValidationFailed(_("该支付渠道不支持这种支付方式。"), code="channel_unavailable",
                                   fields={"channel": [_("可选：%(c)s。") % {"c": "、".join(gateway.channels)}]})
        if channel == "jsapi" and not openid:
            raise ValidationFailed(_("微信内支付需要付款人的 openid。"), code="openid_required",
                                   fields={"openid": [_("请在微信中打开后再支付。")]})
        url = notification_url(provider, notify_url)
        if not url:
            raise ValidationFailed(_("未配置支付通知地址（LINLI_PUBLIC_BASE_URL）。"), code="no_notify_url")
    else:
        channel = PaymentOrder.Channel.SANDBOX
    now = timezone.now()
    order = PaymentOrder(community_id=unit.community_id, unit=unit, amount=amount, provider=provider,
                         channel=channel, out_trade_no=f"LL{timezone.localdate():%Y%m%d}{secrets.token_hex(8).upper()}",
                         expires_at=now + dt.timedelta(minutes=settings.LINLI_PAYMENT_ORDER_TIMEOUT_MINUTES),
                         checkout={"notify_url": url} if url else {},
                         created_by=actor.user if actor.is_authenticated else None)
    # Saved before the gateway is asked, so an order placed there is never unknown here.
    record_create(actor=actor, instance=order, action="payment_order.create",
                  data={"unit": unit.pk, "amount": order.amount, "provider": provider, "channel": channel,
                        "out_trade_no": order.out_trade_no})
    if not _is_gateway(gateway):
        return order
    try:
        checkout = gateway.create_order(
            order, channel=channel, notify_url=url, description=f"{unit.community.name} {unit} 物业缴费",
            payer_openid=openid, return_url=return_url, expires_at=order.expires_at)
    except ProviderError:
        _close(order, SystemActor(), why="create_failed")
        raise
    with transaction.atomic():
        order.checkout = {**order.checkout, "code_url": checkout.code_url, "redirect_url": checkout.redirect_url,
                          "jsapi_params": checkout.jsapi_params}
        order.save(update_fields=["checkout", "updated_at"])
        audit_record(actor=actor, action="payment_order.checkout", target=order, community_id=order.community_id,
                     data={"channel": channel, "prepay_id": checkout.prepay_id})
    return order


def _close(order: PaymentOrder, actor: Actor, *, why: str) -> PaymentOrder:
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().get(pk=order.pk)
        if order.status == PaymentOrder.Status.PENDING:
            order.status, order.closed_at = PaymentOrder.Status.CLOSED, timezone.now()
            order.save(update_fields=["status", "closed_at", "updated_at"])
            audit_record(actor=actor, action="payment_order.close", target=order, community_id=order.community_id,
                         data={"out_trade_no": order.out_trade_no, "why": why})
    return order


def _record_paid(order: PaymentOrder, *, provider_trade_no: str, paid_at=None, actor: Actor | None = None,
                 via: str) -> PaymentOrder:
    """Record the payment of a locked order (pending, or closed and paid all the same)."""
    actor = actor or SystemActor()
    payment, _created = payment_record(actor=SystemActor(), unit=order.unit, amount=order.amount,
                                       method=Payment.Method.ONLINE, idempotency_key=f"online:{order.out_trade_no}",
                                       received_at=min(paid_at, timezone.now()) if paid_at else None)
    order.status, order.payment = PaymentOrder.Status.PAID, payment
    order.provider_trade_no = provider_trade_no or order.provider_trade_no
    order.save(update_fields=["status", "payment", "provider_trade_no", "updated_at"])
    audit_record(actor=actor, action="payment_order.paid", target=order, community_id=order.community_id,
                 data={"payment": payment.pk, "provider": order.provider, "trade_no": order.provider_trade_no,
                       "via": via})
    return order


def payment_order_settle(*, order: PaymentOrder, amount, provider_trade_no: str = "", paid_at=None,
                         actor: Actor | None = None, via: str = "statement") -> PaymentOrder:
    """Record an order's payment that the gateway reports some other way than a notification (the
    daily statement's 补记): the same path, idempotent; the amount must be the order's."""
    if actor is not None:
        actor.require("billing.collect", order.community_id)
    with transaction.atomic():
        order = PaymentOrder.objects.select_for_update().select_related("unit__community").get(pk=order.pk)
        if order.status == PaymentOrder.Status.PAID:
            return order
        if money(amount) != order.amount:
            raise ValidationFailed(_("支付金额与订单金额不符。"), code="amount_mismatch")
        return _record_paid(order, provider_trade_no=provider_trade_no, paid_at=paid_at, actor=actor, via=via)


def sandbox_order_pay(*, actor: Actor, order: PaymentOrder) -> PaymentOrder:
    """The payer confirms on the sandbox's page; its server then notifies us, signed, exactly as
    a real provider's would (delivered in-process: there is no network between them)."""
    if order.provider != "sandbox" or not _may_pay_for(actor, order.unit):
        raise NotFound()
    provider = payment_provider("sandbox")
    # No money moves in the sandbox: checked again when paying, so that several orders each
    # within the limit when made cannot together credit more than it.
    _check_order_amount(order.unit, order.amount)
    body, headers = provider.notification_for(order)
    result = payment_notification_receive(provider="sandbox", body=body, headers=headers)
    if not result.ok:
        raise Conflict(result.message, code="payment_refused")
    return result.order


# Incidents ----------------------------------------------------------------------------------

def _finance_users(company_id):
    if not company_id:
        return []
    return list(get_user_model().objects.filter(
        memberships__organization_id=company_id, memberships__role__in=FINANCE_ROLES, memberships__active=True,
        is_active=True).distinct())


def incident_log(*, provider: str, kind: str, company_id=None, community_id=None, out_trade_no: str = "",
                 amount=None, detail: str = "") -> PaymentIncident:
    """Leave something for finance to look at (audited; the company's finance staff are told). The
    same open incident of an order is not logged twice: a gateway repeats its notifications."""
    with transaction.atomic():
        if out_trade_no:
            same = PaymentIncident.objects.filter(provider=provider, kind=kind, out_trade_no=out_trade_no,
                                                  resolved_at__isnull=True).first()
            if same is not None:
                return same
        incident = PaymentIncident.objects.create(
            provider=provider, kind=kind, company_id=company_id, community_id=community_id,
            out_trade_no=out_trade_no[:64], amount=amount, detail=str(detail)[:500])
        audit_record(actor=SystemActor(), action="payment_incident.log", target=incident, community_id=community_id,
                     data={"provider": provider, "kind": kind, "out_trade_no": out_trade_no, "amount": amount,
                           "detail": incident.detail})
        if kind != Kind.BAD_SIGNATURE:  # anyone can post a forgery: no message for each one
            users = _finance_users(company_id)
            title = _("在线支付异常：%(kind)s") % {"kind": incident.get_kind_display()}
            body = _("订单 %(no)s：%(detail)s") % {"no": out_trade_no or "-", "detail": incident.detail}
            transaction.on_commit(lambda: notify_users(users, title=title, body=body))
    log.warning("payment incident %s %s %s: %s", provider, kind, out_trade_no, detail)
    return incident


# Notifications ------------------------------------------------------------------------------

def _account_of(provider: str, body: bytes, headers) -> MerchantAccount | None:
    """The company account a notification names (before it is verified, with that account's key):
    WeChat Pay by the platform key's serial, Alipay by the app id. None: the environment's."""
    accounts = MerchantAccount.objects.filter(provider=provider, enabled=True)
    if provider == "wechatpay":
        serial = {str(k).lower(): v for k, v in headers.items()}.get("wechatpay-serial", "")
        return accounts.filter(public_key_id=serial).first() if serial else None
    if provider == "alipay":
        try:
            app_id = dict(parse_qsl(body.decode("utf-8"))).get("app_id", "")
        except UnicodeDecodeError:
            return None
        return accounts.filter(appid=app_id).first() if app_id else None
    return None


def _merchant_problem(gateway: PaymentProvider, notice) -> str:
    """Why a verified notice is not for this merchant account ("" when it is)."""
    config = getattr(gateway, "config", None)
    if config is None:
        return ""
    if getattr(config, "mchid", "") and notice.mchid != config.mchid:
        return f"mchid {notice.mchid}"
    if notice.appid and notice.appid != config.appid:
        return f"appid {notice.appid}"
    if getattr(notice, "seller_id", "") and getattr(config, "seller_id", "") and notice.seller_id != config.seller_id:
        return f"seller_id {notice.seller_id}"
    return ""


def _wrong_company(provider: str, order_company_id, account: MerchantAccount | None) -> bool:
    """Money for a company's order must arrive on that company's account (or the environment's
    when the company has none of its own)."""
    if provider not in ("wechatpay", "alipay"):
        return False
    if account is not None:
        return account.company_id != order_company_id
    return MerchantAccount.objects.filter(company_id=order_company_id, provider=provider, enabled=True).exists()


def payment_notification_receive(*, provider: str, body: bytes, headers) -> NotificationResult:
    """A gateway's server reports a paid order or a finished refund. Verified by its signature
    with the named account's key, checked (merchant, app, order, company, amount) and recorded
    once; repeats answer success and record nothing. NotFound when the provider is not offered."""
    account = _account_of(provider, body, headers)
    company_id = account.company_id if account else None
    gateway = payment_provider(provider, account.company if account else None)

    def refuse(message, code, *, status=400, **incident):
        found = incident_log(provider=provider, company_id=company_id, **incident) if incident else None
        return NotificationResult(gateway.notification_answer(False, message, code=code, status=status), False,
                                  message, incident=found)

    try:
        notice = gateway.read_notification(body, headers)
    except SignatureInvalid as exc:
        return refuse(_("支付通知签名无效。"), "bad_signature", kind=Kind.BAD_SIGNATURE, detail=exc.code)
    except ValidationFailed as exc:
        return refuse(_("支付通知格式错误。"), exc.code)
    problem = _merchant_problem(gateway, notice)
    if problem:
        return refuse(_("支付通知的商户不符。"), "wrong_merchant", kind=Kind.WRONG_MERCHANT,
                      out_trade_no=notice.out_trade_no, detail=problem)
    if isinstance(notice, RefundNotification):
        return _refund_notified(gateway, provider, notice, account, refuse)
    with transaction.atomic():
        order = (PaymentOrder.objects.select_for_update().select_related("community", "unit__community")
                 .filter(out_trade_no=notice.out_trade_no, provider=provider).first())
        if order is None:
            return refuse(_("订单不存在。"), "unknown_order", status=404, kind=Kind.UNKNOWN_ORDER,
                          out_trade_no=notice.out_trade_no, amount=notice.amount,
                          detail=f"trade_no {notice.provider_trade_no}")
        facts = {"community_id": order.community_id, "out_trade_no": order.out_trade_no, "amount": notice.amount}
        company_id = order.community.company_id
        if _wrong_company(provider, company_id, account):
            return refuse(_("支付通知的商户不符。"), "wrong_merchant", kind=Kind.WRONG_MERCHANT, **facts,
                          detail=_("收款商户号不是该物业公司的。"))
        if notice.paid and money(notice.amount) != order.amount:
            return refuse(_("支付金额与订单金额不符。"), "amount_mismatch", kind=Kind.WRONG_AMOUNT, **facts,
                          detail=_("订单 %(ours)s 元，通知 %(theirs)s 元") % {"ours": order.amount,
                                                                         "theirs": notice.amount})
        if notice.paid and order.status != PaymentOrder.Status.PAID:
            closed = order.status == PaymentOrder.Status.CLOSED
            order = _record_paid(order, provider_trade_no=notice.provider_trade_no, paid_at=notice.paid_at,
                                 via="notification")
            if closed:
                incident_log(provider=provider, kind=Kind.LATE_PAYMENT_ON_CLOSED_ORDER, company_id=company_id,
                             detail=_("订单已关闭后收到付款，已入账，请核实是否退款。"), **facts)
    data = {"out_trade_no": order.out_trade_no, "status": order.status}
    return NotificationResult(gateway.notification_answer(True, data=data), True, order=order)


# Sync: late notifications and expired orders ------------------------------------------------

def _expired(order: PaymentOrder, now) -> bool:
    deadline = order.expires_at or order.created_at + dt.timedelta(minutes=settings.LINLI_PAYMENT_ORDER_TIMEOUT_MINUTES)
    return now >= deadline


def payment_order_sync(*, order: PaymentOrder) -> PaymentOrder:
    """Ask the gateway about a pending order: record it if paid (a notification that never came),
    close it here and there once expired and unpaid. ProviderError when the gateway cannot say."""
    if order.status != PaymentOrder.Status.PENDING:
        return order
    company = order.community.company
    now = timezone.now()
    try:
        gateway = payment_provider(order.provider, company)
    except NotFound:
        gateway = None
    if gateway is None or not _is_gateway(gateway):  # the sandbox, or a gateway no longer offered
        return _close(order, SystemActor(), why="expired") if _expired(order, now) else order
    notice = gateway.query_order(order.out_trade_no)
    if notice.paid:
        facts = {"company_id": company.pk if company else None, "community_id": order.community_id,
                 "out_trade_no": order.out_trade_no, "amount": notice.amount}
        problem = _merchant_problem(gateway, notice)
        if problem:
            incident_log(provider=order.provider, kind=Kind.WRONG_MERCHANT, detail=problem, **facts)
            return order
        if money(notice.amount) != order.amount:
            incident_log(provider=order.provider, kind=Kind.WRONG_AMOUNT, **facts,
                         detail=_("查询结果 %(theirs)s 元，订单 %(ours)s 元") % {"theirs": notice.amount,
                                                                           "ours": order.amount})
            return order
        with transaction.atomic():
            order = PaymentOrder.objects.select_for_update().select_related("unit__community").get(pk=order.pk)
            if order.status == PaymentOrder.Status.PENDING:
                order = _record_paid(order, provider_trade_no=notice.provider_trade_no, paid_at=notice.paid_at,
                                     via="query")
        return order
    if _expired(order, now):
        gateway.close_order(order.out_trade_no)  # refused if paid meanwhile: the next sync records it
        return _close(order, SystemActor(), why="expired")
    return order


def payment_orders_sync_due() -> dict:
    """The periodic job (billing/tasks.py, every 2 minutes): every pending order older than a
    minute is synced, and refunds still waiting are asked again. Returns counts for the log."""
    counts = {"paid": 0, "closed": 0, "pending": 0, "errors": 0, "refunds": 0}
    cutoff = timezone.now() - SYNC_AFTER
    due = (PaymentOrder.objects.filter(status=PaymentOrder.Status.PENDING, created_at__lte=cutoff)
           .select_related("community__company").order_by("id"))
    for order in due:
        try:
            order = payment_order_sync(order=order)
        except LinliError as exc:
            counts["errors"] += 1
            log.warning("sync of order %s failed: %s", order.out_trade_no, exc.message)
            continue
        counts[order.status] += 1
    waiting = PaymentRefund.objects.filter(status=PaymentRefund.Status.PENDING, created_at__lte=cutoff)
    for refund in waiting.select_related("order__community__company"):
        counts["refunds"] += 1
        _refund_request(refund)
    return counts


# Refunds ------------------------------------------------------------------------------------

def online_order_of(payment: Payment) -> PaymentOrder | None:
    """The gateway order a payment came from, or None (cash, the sandbox, a reversal...)."""
    if payment.method != Payment.Method.ONLINE or payment.kind != Payment.Kind.PAYMENT:
        return None
    return PaymentOrder.objects.filter(payment=payment, provider__in=("wechatpay", "alipay")).first()


def payment_reverse(*, actor: Actor, payment: Payment, reason: str) -> Payment | PaymentRefund:
    """Reverse (冲销) a payment. One paid through WeChat Pay or Alipay goes back the way it came:
    a refund starts (a PaymentRefund is returned) and the reversal entry is written when the refund
    succeeds (at once when the gateway says so, else on its notification). Any other payment is
    reversed at once and the negative entry returned."""
    if online_order_of(payment) is None:
        return payment_reverse_now(actor=actor, payment=payment, reason=reason)
    return payment_refund_start(actor=actor, payment=payment, reason=reason)


def payment_refund_start(*, actor: Actor, payment: Payment, reason: str) -> PaymentRefund:
    """Refund an online payment in full through its gateway (原路退款)."""
    reason = reversal_check(actor=actor, payment=payment, reason=reason)
    order = online_order_of(payment)
    if order is None:
        raise ValidationFailed(_("该收款不是在线支付，无法原路退款。"), code="not_refundable")
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        if payment.voided_at is not None:
            raise Conflict(_("该收款已冲销。"), code="already_reversed")
        if payment.refunds.exclude(status=PaymentRefund.Status.FAILED).exists():
            raise Conflict(_("该收款已在退款中。"), code="refund_in_progress")
        refund = PaymentRefund.objects.create(
            community_id=payment.community_id, order=order, payment=payment, amount=payment.amount,
            out_refund_no=f"RF{timezone.localdate():%Y%m%d}{secrets.token_hex(8).upper()}", reason=reason[:200],
            requested_by=actor.user if actor.is_authenticated else None)
        audit_record(actor=actor, action="payment_refund.start", target=refund, community_id=refund.community_id,
                     data={"payment": payment.pk, "out_trade_no": order.out_trade_no,
                           "out_refund_no": refund.out_refund_no, "amount": refund.amount, "reason": reason})
    return _refund_request(refund)


def _refund_request(refund: PaymentRefund) -> PaymentRefund:
    """Ask the gateway to refund (again: the same out_refund_no is the same refund there)."""
    order = refund.order
    try:
        gateway = payment_provider(order.provider, order.community.company)
        result = gateway.refund(out_trade_no=order.out_trade_no, out_refund_no=refund.out_refund_no,
                                amount=refund.amount, total=order.amount, reason=refund.reason,
                                notify_url=order.checkout.get("notify_url", ""))
    except NotFound:
        return _refund_failed(refund, _("该支付渠道已停用。"))
    except ProviderError as exc:
        return _refund_failed(refund, f"{exc.gateway_code} {exc.message}".strip())
    if result.state == "success":
        return _refund_succeeded(refund, result.provider_refund_no)
    if result.state == "failed":
        return _refund_failed(refund, _("支付渠道拒绝退款。"))
    if result.provider_refund_no and not refund.provider_refund_no:
        with transaction.atomic():
            PaymentRefund.objects.filter(pk=refund.pk).update(provider_refund_no=result.provider_refund_no)
            audit_record(actor=SystemActor(), action="payment_refund.processing", target=refund,
                         community_id=refund.community_id, data={"provider_refund_no": result.provider_refund_no})
    return refund


def _refund_succeeded(refund: PaymentRefund, provider_refund_no: str = "") -> PaymentRefund:
    """The money went back: now the reversal entry (the bills reopen, the receipt is void)."""
    with transaction.atomic():
        refund = PaymentRefund.objects.select_for_update().select_related("payment").get(pk=refund.pk)
        if refund.status == PaymentRefund.Status.SUCCEEDED:
            return refund
        reversal = payment_reverse_now(actor=SystemActor(), payment=refund.payment,
                                       reason=_("原路退款：%(r)s") % {"r": refund.reason}, received_by=refund.requested_by)
        refund.status, refund.reversal, refund.completed_at = PaymentRefund.Status.SUCCEEDED, reversal, timezone.now()
        refund.provider_refund_no = provider_refund_no or refund.provider_refund_no
        refund.save(update_fields=["status", "reversal", "completed_at", "provider_refund_no", "updated_at"])
        audit_record(actor=SystemActor(), action="payment_refund.succeed", target=refund,
                     community_id=refund.community_id,
                     data={"reversal": reversal.pk, "provider_refund_no": refund.provider_refund_no})
    return refund


def _refund_failed(refund: PaymentRefund, why: str) -> PaymentRefund:
    """The money stays with us: the payment stands, and finance is told."""
    with transaction.atomic():
        refund = PaymentRefund.objects.select_for_update().select_related("order__community").get(pk=refund.pk)
        if refund.status != PaymentRefund.Status.PENDING:
            return refund
        refund.status, refund.failure_reason, refund.completed_at = PaymentRefund.Status.FAILED, why[:200], timezone.now()
        refund.save(update_fields=["status", "failure_reason", "completed_at", "updated_at"])
        audit_record(actor=SystemActor(), action="payment_refund.fail", target=refund, community_id=refund.community_id,
                     data={"why": refund.failure_reason})
        incident_log(provider=refund.order.provider, kind=Kind.REFUND_FAILED,
                     company_id=refund.order.community.company_id, community_id=refund.community_id,
                     out_trade_no=refund.order.out_trade_no, amount=refund.amount,
                     detail=_("退款 %(no)s 失败：%(why)s；收款仍有效。") % {"no": refund.out_refund_no, "why": why})
    return refund


def _refund_notified(gateway, provider: str, notice: RefundNotification, account, refuse) -> NotificationResult:
    refund = (PaymentRefund.objects.select_related("order__community")
              .filter(out_refund_no=notice.out_refund_no, order__provider=provider).first())
    if refund is None or refund.order.out_trade_no != notice.out_trade_no:
        return refuse(_("退款单不存在。"), "unknown_order", status=404, kind=Kind.UNKNOWN_ORDER,
                      out_trade_no=notice.out_trade_no, amount=notice.amount,
                      detail=_("退款单 %(no)s") % {"no": notice.out_refund_no})
    facts = {"community_id": refund.community_id, "out_trade_no": notice.out_trade_no, "amount": notice.amount}
    if _wrong_company(provider, refund.order.community.company_id, account):
        return refuse(_("支付通知的商户不符。"), "wrong_merchant", kind=Kind.WRONG_MERCHANT, **facts,
                      detail=_("退款单 %(no)s") % {"no": notice.out_refund_no})
    # WeChat Pay sends this refund's amount; Alipay the trade's refunds so far (at least this one).
    if notice.succeeded and money(notice.amount) < refund.amount:
        return refuse(_("退款金额与退款单不符。"), "amount_mismatch", kind=Kind.WRONG_AMOUNT, **facts,
                      detail=_("退款单 %(no)s") % {"no": notice.out_refund_no})
    if notice.succeeded:
        refund = _refund_succeeded(refund, notice.provider_refund_no)
    else:
        refund = _refund_failed(refund, notice.state or _("退款异常"))
    data = {"out_refund_no": refund.out_refund_no, "status": refund.status}
    return NotificationResult(gateway.notification_answer(True, data=data), True, refund=refund, order=refund.order)
