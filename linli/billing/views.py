"""Billing pages (server-rendered, HTMX). Thin: parse, call a service or selector, render.

Staff pages hang off a community the actor handles (a 404 otherwise, DESIGN §4); the owner's
pages show only the actor's own units."""

import datetime as dt
import time
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.exports import xlsx
from linli.core.money import MoneyField
from linli.core.params import parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response
from linli.estates.models import Ownership
from linli.web.context import remember_community
from linli.web.forms import show_error
from linli.web.views import _error_text

from . import imports, reports, runs, selectors, services, tasks
from .api import pdf_response
from .forms import (
    BillFilterForm,
    FeeRuleForm,
    LateFeePolicyForm,
    LeaseForm,
    LeasePaymentForm,
    MeterImportForm,
    PaymentForm,
    PeriodForm,
    SearchForm,
    SpendingForm,
)
from .models import Bill, BillingRun, CommonSpending, FeeRule, LeaseBill, Payment, PaymentOrder
from linli.core.dates import Period, parse_period
from .providers import payment_provider, provider_names
from .receipts import receipt_pdf

PAGE_SIZE = 50
UNIT_PICKS = 20
METER_ERRORS = "billing_meter_errors"  # the rejected file's row report, shown once on the rules page
STALLED_SECONDS = 600  # a run publishes each step; this long without one means its worker died


def _community(request, community_id, selector=selectors.billing_community_list, capability=None):
    """The community a staff page is about: a 404 outside the actor's scope, a 403 without the
    capability the page needs."""
    actor = actor_for(request.user)
    community = get_object_or_404(selector(actor=actor), pk=community_id)
    if capability and not actor.can(capability, community):
        raise PermissionDenied
    if actor.is_admin or community.pk in actor.registry_community_ids():
        remember_community(request, community)
    return actor, community


def _period(value, default: Period) -> Period:
    try:
        return parse_period(value) if value else default
    except LinliError:
        return default


def _today_period() -> Period:
    return Period.of(timezone.localdate())


# Dashboard and billing runs -----------------------------------------------------------------

def _run_form(community) -> PeriodForm:
    """The period picker of a run, limited to the periods the run accepts (runs.period_bounds)."""
    first, last = runs.period_bounds(community)
    form = PeriodForm(initial={"period": str(_today_period())})
    form.fields["period"].widget.attrs.update({"max": str(last), **({"min": str(first)} if first else {})})
    return form


@login_required
def dashboard(request, community_id):
    actor, community = _community(request, community_id)
    current = _today_period()
    period = _period(request.GET.get("period"), current)
    overdue = Bill.objects.filter(community=community, status=Bill.Status.OPEN, period__lt=str(current))
    owed = overdue.aggregate(billed=Sum("amount"), paid=Sum("paid"))
    chart = [{"period": row["period"], "billed": str(row["billed"]), "collected": str(row["collected"])}
             for row in reports.monthly_totals(community=community, last=period)]
    return render(request, "billing/dashboard.html", {
        "community": community, "period": period, "current": current,
        "totals": reports.collection(community=community, period=str(period)),
        "arrears": (owed["billed"] or Decimal("0")) - (owed["paid"] or Decimal("0")),
        "arrears_units": overdue.values("unit_id").distinct().count(),
        "chart": chart,
        "runs": BillingRun.objects.filter(community=community).order_by("-period")[:6],
        "has_rules": FeeRule.objects.filter(community=community).exists(),
        "can_run": actor.can("billing.run", community),
        "can_configure": actor.can("billing.configure", community),
        "run_form": _run_form(community) if actor.can("billing.run", community) else None,
    })


@login_required
def run_start(request, community_id):
    """A billing run cannot be taken back (DESIGN §8): GET shows what it would bill — the period,
    the number of bills, their total, the prepayment they would use — computed without writing,
    and only the POST of that page, with `confirm`, starts it."""
    actor, community = _community(request, community_id, capability="billing.run")
    period = request.POST.get("period", "") if request.method == "POST" else request.GET.get("period", "")
    try:
        if request.method == "POST" and request.POST.get("confirm"):
            period = tasks.bill_run_start(actor=actor, community=community, period=period)
            return redirect("billing:run", community.pk, period)
        preview = runs.bill_run_preview(actor=actor, community=community, period=period)
    except LinliError as exc:
        messages.error(request, _error_text(exc))
        return redirect("billing:dashboard", community.pk)
    if request.method == "POST":
        return redirect(reverse("billing:run_start", args=[community.pk]) + f"?period={preview.period}")
    return render(request, "billing/run_confirm.html", {"community": community, "preview": preview})


def _run_state(community, period: str) -> dict:
    state = tasks.run_progress(community.pk, period) or {}
    run = BillingRun.objects.filter(community=community, period=period).first()
    if not state:
        state = {"state": "done" if run else "none"}
    if state.get("state") in {"queued", "running"} and time.time() - state.get("at", 0) > STALLED_SECONDS:
        state = {**state, "state": "stalled"}
    percent = 100 if state["state"] == "done" else (state.get("step", 0) * 100 // (state.get("steps") or 1))
    return {"community": community, "period": period, "state": state, "run": run, "percent": percent}


@login_required
@require_GET
def run_page(request, community_id, period):
    actor, community = _community(request, community_id)
    period = str(_period(period, _today_period()))
    return render(request, "billing/run.html", {**_run_state(community, period),
                                                "can_run": actor.can("billing.run", community)})


@login_required
@require_GET
def run_progress(request, community_id, period):
    """The progress panel alone; HTMX polls it every second until the run is done or failed."""
    actor, community = _community(request, community_id)
    return render(request, "billing/_run_progress.html", {
        **_run_state(community, str(_period(period, _today_period()))), "can_run": actor.can("billing.run", community)})


# Fee rules ---------------------------------------------------------------------------------

def _zones(actor, community) -> list:
    labels = reports.zone_labels(community)
    zones = list(estates.zone_list(actor=actor).filter(community=community))
    for zone in zones:
        zone.label = labels[zone.pk]
    return sorted(zones, key=lambda z: z.label)


@login_required
def fee_rules(request, community_id):
    actor, community = _community(request, community_id, capability="billing.configure")
    zones = _zones(actor, community)
    form = FeeRuleForm(request.POST or None, zones=zones,
                       initial={"effective_from": str(_today_period()), "kind": FeeRule.Kind.AREA})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        zone_id = data.pop("zone")
        try:
            rule = services.fee_rule_create(actor=actor, community=community,
                                            zone=next((z for z in zones if z.pk == zone_id), None), **data)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("已添加收费标准“%(name)s”。") % {"name": rule.name})
            return redirect("billing:rules", community.pk)
    labels = reports.zone_labels(community)
    rules = list(FeeRule.objects.filter(community=community).order_by("kind", "name", "zone_id", "-effective_from"))
    current = str(_today_period())
    for rule in rules:
        rule.zone_label = labels.get(rule.zone_id, "") if rule.zone_id else _("全小区")
        rule.in_force = ((rule.effective_from or "") <= current
                         and (not rule.effective_to or rule.effective_to >= current))
    policy = selectors.late_fee_policy_of(community.pk)
    return render(request, "billing/rules.html", {
        "community": community, "rules": rules, "form": form, "policy": policy,
        "late_fee_form": LateFeePolicyForm(initial={
            "daily_rate": policy.daily_rate if policy else Decimal("0.0005"),
            "grace_days": policy.grace_days if policy else 30, "enabled": policy.enabled if policy else True,
            "contract_clause": policy.contract_clause if policy else ""}),
        "meter_form": MeterImportForm(initial={"period": current}),
        "has_metered": any(r.kind == FeeRule.Kind.METERED for r in rules),
        "meter_errors": request.session.pop(METER_ERRORS, None),
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def fee_rule_end(request, rule_id):
    """Stop a rule after a period (the last month it bills)."""
    actor = actor_for(request.user)
    rule = get_object_or_404(selectors.fee_rule_list(actor=actor), pk=rule_id)
    try:
        services.fee_rule_update(actor=actor, fee_rule=rule, changes={"effective_to": request.POST.get("period", "")})
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("“%(name)s”将在 %(period)s 之后停止计费。") % {
            "name": rule.name, "period": rule.effective_to})
    return redirect("billing:rules", rule.community_id)


@login_required
@require_POST
def late_fee_policy(request, community_id):
    actor, community = _community(request, community_id, capability="billing.configure")
    form = LateFeePolicyForm(request.POST)
    if form.is_valid():
        try:
            services.late_fee_policy_set(actor=actor, community=community, **form.cleaned_data)
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("违约金规则已保存。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("billing:rules", community.pk)


@login_required
@require_POST
def meter_import(request, community_id):
    actor, community = _community(request, community_id, capability="billing.configure")
    try:
        count = imports.meter_reading_import(actor=actor, community=community, period=request.POST.get("period", ""),
                                             file=request.FILES.get("file"))
    except imports.ImportRejected as exc:
        messages.error(request, str(exc.message))
        request.session[METER_ERRORS] = exc.errors[:200]
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已导入 %(n)s 户的读数。") % {"n": count})
    return redirect(reverse("billing:rules", args=[community.pk]) + "#meters")


@login_required
@require_GET
def meter_template(request, community_id):
    _actor, community = _community(request, community_id, capability="billing.configure")
    period = _period(request.GET.get("period"), _today_period())
    return xlsx_response(imports.meter_reading_template(community=community, period=str(period)),
                         f"{community.name}-抄表-{period}.xlsx")


# Bills and accounts ------------------------------------------------------------------------

@login_required
def bill_list(request, community_id):
    actor, community = _community(request, community_id)
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
        remember_community(request, unit.community)
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
    try:
        services.bill_late_fee_waive(actor=actor, bill=bill, reason=request.POST.get("reason", ""))
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已减免 %(period)s 账单的违约金。") % {"period": bill.period})
    return redirect("billing:account", bill.unit_id)


# Cashier -----------------------------------------------------------------------------------

@login_required
def cashier(request, community_id):
    """Find a unit, see what it owes, record the money; the receipt follows."""
    actor, community = _community(request, community_id, capability="billing.collect")
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
    if request.method == "POST" and request.POST.get("confirm"):
        try:
            services.payment_reverse(actor=actor, payment=payment, reason=reason)
        except LinliError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("收据 %(no)s 已冲销作废。") % {"no": payment.receipt_no})
            return redirect("billing:payment", payment.pk)
    return render(request, "billing/reverse_confirm.html", {
        "preview": selectors.payment_reversal_preview(actor=actor, payment=payment), "reason": reason[:200]})


# Reports -----------------------------------------------------------------------------------

AGEING_LABELS = {"m1": gettext_lazy("1个月内"), "m3": gettext_lazy("1–3个月"), "m6": gettext_lazy("3–6个月"),
                 "m12": gettext_lazy("6–12个月"), "over12": gettext_lazy("12个月以上")}


def _ageing_labels() -> dict:
    return {key: str(label) for key, label in AGEING_LABELS.items()}


@login_required
def report_arrears(request, community_id):
    _actor, community = _community(request, community_id)
    group = request.GET.get("group") if request.GET.get("group") in reports.GROUPS else "building"
    today = timezone.localdate()
    rows = reports.arrears(community=community, on=today, group=group)
    labels = _ageing_labels()
    for row in rows:
        row["buckets"] = [(label, row[key]) for key, label in labels.items()]
    if request.GET.get("export") == "xlsx":
        lead = {"zone": [_("分区")], "building": [_("分区"), _("楼栋")],
                "unit": [_("分区"), _("楼栋"), _("房号")]}[group]
        header = [*lead, _("欠费户数"), _("欠费账单"), _("最早账期"), *labels.values(), _("合计")]
        data = [[*([r["zone"]] if group == "zone" else [r["zone"], r["building"]] if group == "building"
                   else [r["zone"], r["building"], r["unit"]]), r["units"], r["bills"], r["oldest"],
                 *[r[k] for k in labels], r["total"]] for r in rows]
        return xlsx_response(xlsx([(_("欠费账龄"), header, data)]),
                             f"{community.name}-欠费账龄-{today:%Y%m%d}.xlsx")
    totals = {key: sum((r[key] for r in rows), Decimal("0.00")) for key in [*labels, "total"]}
    return render(request, "billing/report_arrears.html", {
        "community": community, "rows": rows, "group": group, "labels": labels, "totals": totals, "today": today,
        "total_buckets": [(label, totals[key]) for key, label in labels.items()],
        "unit_count": sum(r["units"] for r in rows),
    })


@login_required
def report_collection(request, community_id):
    _actor, community = _community(request, community_id)
    last = _period(request.GET.get("to"), _today_period())
    first = _period(request.GET.get("from"), last.shift(-5))
    if first.months_since(last) > 0:
        first, last = last, first
    rows = reports.collection_by_zone(community=community, first=first, last=last)
    periods = []
    for i in range(last.months_since(first) + 1):
        totals = reports.collection(community=community, period=str(first.shift(i)))
        periods.append({"period": str(first.shift(i)), "billed": totals.billed, "collected": totals.collected,
                        "rate": totals.percent})
    if request.GET.get("export") == "xlsx":
        header = [_("账期"), _("分区"), _("账单数"), _("应收"), _("实收"), _("收缴率(%)")]
        data = [[r["period"], r["zone"], r["bills"], r["billed"], r["collected"], r["rate"]] for r in rows]
        summary = [[p["period"], p["billed"], p["collected"], p["rate"]] for p in periods]
        return xlsx_response(xlsx([
            (_("按账期"), [_("账期"), _("应收"), _("实收"), _("收缴率(%)")], summary),
            (_("按账期和分区"), header, data),
        ]), f"{community.name}-收缴率-{first}至{last}.xlsx")
    return render(request, "billing/report_collection.html", {
        "community": community, "rows": rows, "periods": list(reversed(periods)), "first": first, "last": last,
    })


@login_required
def report_daily(request, community_id):
    actor, community = _community(request, community_id)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    cashier_id = parse_id(request.GET.get("cashier"))
    report = reports.daily_settlement(community=community, day=day, cashier_id=cashier_id)
    if request.GET.get("export") == "xlsx":
        header = [_("支付方式"), _("笔数"), _("实收"), _("其中违约金"), _("其中转入预存"), _("冲销笔数"), _("冲销金额"),
                  _("净额")]
        rows = [[m["label"], m["count"], m["received"], m["late_fee"], m["credit"], m["reversals"], m["reversed"],
                 m["net"]] for m in report["methods"]]
        t = report["total"]
        rows.append([_("合计"), t["count"], t["received"], t["late_fee"], t["credit"], t["reversals"], t["reversed"],
                     t["net"]])
        detail = [[timezone.localtime(p.received_at).strftime("%H:%M"), p.receipt_no or _("冲销"),
                   f"{p.unit.building.name} {p.unit.number}", p.get_method_display(), p.amount,
                   str(p.received_by or "")] for p in report["payments"]]
        return xlsx_response(xlsx([
            (_("日结汇总"), header, rows),
            (_("收款明细"), [_("时间"), _("收据号"), _("房屋"), _("支付方式"), _("金额"), _("经办人")], detail),
        ]), f"{community.name}-日结-{day:%Y%m%d}.xlsx")
    cashiers = (Payment.objects.filter(community=community, received_at__date=day, received_by__isnull=False)
                .values_list("received_by_id", "received_by__display_name", "received_by__username").distinct())
    return render(request, "billing/report_daily.html", {
        "community": community, "report": report, "day": day, "cashier_id": cashier_id,
        "cashiers": sorted({(pk, name or username) for pk, name, username in cashiers}, key=lambda c: c[1]),
    })


# Common income -----------------------------------------------------------------------------

@login_required
def common_income(request, community_id):
    """Leases, rent, the ledger and spending: kept by the company, approved by the committee."""
    actor, community = _community(request, community_id, selector=selectors.supervised_community_list)
    can_manage = actor.can("common_income.manage", community)
    premises = estates.premises_list(actor=actor).filter(community=community)
    lease_form = LeaseForm(request.POST or None, premises=premises, prefix="lease")
    spending_form = SpendingForm(request.POST or None, prefix="spending")
    action = request.POST.get("action")
    if request.method == "POST" and action == "lease" and lease_form.is_valid():
        data = dict(lease_form.cleaned_data)
        try:
            services.lease_create(actor=actor, premises=premises.get(pk=data.pop("premises")), **data)
        except LinliError as exc:
            show_error(lease_form, exc)
        else:
            messages.success(request, _("租赁合同已登记。"))
            return redirect("billing:common", community.pk)
    if request.method == "POST" and action == "spending" and spending_form.is_valid():
        try:
            services.common_spending_propose(actor=actor, community=community, **spending_form.cleaned_data)
        except LinliError as exc:
            show_error(spending_form, exc)
        else:
            messages.success(request, _("支出申请已提交，等待业委会审批。"))
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
    try:
        if not form.is_valid():
            raise LinliError(" ".join(str(e) for errors in form.errors.values() for e in errors))
        services.lease_bill_pay(actor=actor, lease_bill=lease_bill, **form.cleaned_data)
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已收租金 %(amount)s 元，计入公共收益。") % {"amount": form.cleaned_data["amount"]})
    return redirect("billing:common", lease_bill.community_id)


@login_required
@require_POST
def spending_decide(request, spending_id):
    actor = actor_for(request.user)
    spending = get_object_or_404(selectors.common_spending_list(actor=actor), pk=spending_id)
    try:
        services.common_spending_decide(actor=actor, spending=spending,
                                        approve=request.POST.get("decision") == "approve",
                                        note=request.POST.get("note", ""))
    except LinliError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("已审批“%(title)s”。") % {"title": spending.title})
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


# Owner portal --------------------------------------------------------------------------------

@login_required
def my_bills(request):
    """我的账单: each of my units with what it owes (and its late fee), a pay button, the bills
    paid and the receipts."""
    actor = actor_for(request.user)
    units = list(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids).select_related("community"))
    accounts = []
    for unit in units:
        statement = selectors.unit_statement(actor=actor, unit=unit)
        statement.overdue = [b for b in statement.bills if b.period < str(_today_period())]
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
        messages.error(request, _error_text(exc))
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
                messages.error(request, _error_text(exc))
            else:
                messages.success(request, _("支付成功，收据号 %(no)s。") % {"no": order.payment.receipt_no})
        return redirect("billing:my_bills")
    return render(request, "billing/sandbox_checkout.html", {"order": order})
