"""The billing dashboard and billing runs: preview, confirm, follow the run's progress."""

import time
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text

from .. import reports, selectors, services, tasks
from ..forms import PeriodForm
from ..models import Bill, BillingRun, FeeRule
from .periods import period_or, today_period

STALLED_SECONDS = 600  # a run publishes each step; this long without one means its worker died


def _run_form(community) -> PeriodForm:
    """The period picker of a run, limited to the periods the run accepts (services.period_bounds)."""
    first, last = services.period_bounds(community)
    form = PeriodForm(initial={"period": str(today_period())})
    form.fields["period"].widget.attrs.update({"max": str(last), **({"min": str(first)} if first else {})})
    return form


@login_required
def dashboard(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
    current = today_period()
    period = period_or(request.GET.get("period"), current)
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
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.run")
    period = request.POST.get("period", "") if request.method == "POST" else request.GET.get("period", "")
    try:
        if request.method == "POST" and request.POST.get("confirm"):
            period = tasks.bill_run_start(actor=actor, community=community, period=period)
            return redirect("billing:run", community.pk, period)
        preview = services.bill_run_preview(actor=actor, community=community, period=period)
    except LinliError as exc:
        messages.error(request, error_text(exc))
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
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
    period = str(period_or(period, today_period()))
    return render(request, "billing/run.html", {**_run_state(community, period),
                                                "can_run": actor.can("billing.run", community)})


@login_required
@require_GET
def run_progress(request, community_id, period):
    """The progress panel alone; HTMX polls it every second until the run is done or failed."""
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list)
    return render(request, "billing/_run_progress.html", {
        **_run_state(community, str(period_or(period, today_period()))),
        "can_run": actor.can("billing.run", community)})
