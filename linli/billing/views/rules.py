"""Fee standards, the late-fee rule and meter readings (the rules page)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, run_service, show_error
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response

from .. import imports, reports, selectors, services
from ..forms import FeeRuleForm, LateFeePolicyForm, MeterImportForm
from ..models import FeeRule
from .periods import period_or, today_period

METER_ERRORS = "billing_meter_errors"  # the rejected file's row report, shown once on the rules page


@login_required
def fee_rules(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.configure")
    zones = estates.labelled_zones(estates.zone_list(actor=actor).filter(community=community))
    form = FeeRuleForm(request.POST or None, zones=zones,
                       initial={"effective_from": str(today_period()), "kind": FeeRule.Kind.AREA})
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
    current = str(today_period())
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
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("“%(name)s”将在 %(period)s 之后停止计费。") % {
            "name": rule.name, "period": rule.effective_to})
    return redirect("billing:rules", rule.community_id)


@login_required
@require_POST
def late_fee_policy(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.configure")
    form = LateFeePolicyForm(request.POST)
    if form.is_valid():
        run_service(request, lambda: services.late_fee_policy_set(actor=actor, community=community,
                                                                  **form.cleaned_data),
                    success=_("违约金规则已保存。"))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("billing:rules", community.pk)


@login_required
@require_POST
def meter_import(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.configure")
    try:
        count = imports.meter_reading_import(actor=actor, community=community, period=request.POST.get("period", ""),
                                             file=request.FILES.get("file"))
    except imports.ImportRejected as exc:
        messages.error(request, str(exc.message))
        request.session[METER_ERRORS] = exc.errors[:200]
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("已导入 %(n)s 户的读数。") % {"n": count})
    return redirect(reverse("billing:rules", args=[community.pk]) + "#meters")


@login_required
@require_GET
def meter_template(request, community_id):
    _actor, community = community_page(request, community_id, selector=selectors.billing_community_list,
                                     capability="billing.configure")
    period = period_or(request.GET.get("period"), today_period())
    return xlsx_response(imports.meter_reading_template(community=community, period=str(period)),
                         f"{community.name}-抄表-{period}.xlsx")
