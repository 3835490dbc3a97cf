"""Billing reports: arrears with ageing, collection rate, the cashier's daily settlement."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.exports import xlsx
from linli.core.pages import community_page
from linli.core.params import parse_id
from linli.estates.api import xlsx_response

from .. import reports, selectors
from ..models import Payment
from .periods import period_or, today_period

AGEING_LABELS = {"m1": gettext_lazy("1个月内"), "m3": gettext_lazy("1–3个月"), "m6": gettext_lazy("3–6个月"),
                 "m12": gettext_lazy("6–12个月"), "over12": gettext_lazy("12个月以上")}


def _ageing_labels() -> dict:
    return {key: str(label) for key, label in AGEING_LABELS.items()}


@login_required
def report_arrears(request, community_id):
    _actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
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
    _actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
    last = period_or(request.GET.get("to"), today_period())
    first = period_or(request.GET.get("from"), last.shift(-5))
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
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
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
