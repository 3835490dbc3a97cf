"""The maintenance fund's desk: the units' ledgers, deposits, top-ups and interest, and the
uses of the fund from the draft to the payment."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError, ValidationFailed
from linli.core.money import split_pro_rata
from linli.core.pages import (
    community_page,
    error_text,
    form_errors_text,
    form_page,
    form_save,
    safe_next,
    service_post,
)
from linli.core.tenancy import actor_for
from linli.estates.api import xlsx_response
from linli.estates.models import Unit

from .. import exports, forms, selectors, services
from ..models import FundInterest, FundUsage
from .common import PAGE_SIZE, buildings_of, my_owner, require


def _search(request) -> dict:
    return {"unit": request.GET.get("unit", "")[:40], "owner": request.GET.get("owner", "")[:60]}


@login_required
def fund(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    require(actor.is_admin or community.pk in selectors.fund_community_ids(actor))
    search = _search(request)
    accounts = selectors.fund_ledger(actor=actor, community=community, **search).annotate(
        open_notices=Count("notices", filter=Q(notices__settled_at__isnull=True), distinct=True))
    all_accounts = selectors.fund_account_list(actor=actor).filter(community=community)
    return render(request, "governance/fund.html", {
        "community": community, "search": search, "searching": any(v.strip() for v in search.values()),
        "page": Paginator(accounts, PAGE_SIZE).get_page(request.GET.get("page")),
        "totals": all_accounts.aggregate(units=Count("id"), first=Sum("first_deposit"), balance=Sum("balance")),
        "undeposited": Unit.objects.filter(community=community).exclude(fund_account__first_deposit__gt=0).count(),
        "notices": selectors.top_up_notice_list(actor=actor).filter(account__community=community,
                                                                     settled_at__isnull=True).count(),
        "can_fund": actor.can("governance.fund", community),
        "deposit_form": forms.FirstDepositForm(), "top_up_form": forms.TopUpForm(buildings=buildings_of(community.pk)),
        "interest_form": forms.AmountForm(),
        "pending_interest": selectors.fund_interest_list(actor=actor).filter(
            community=community, status=FundInterest.Status.PENDING).select_related("proposed_by"),
    })


@login_required
def fund_export(request, community_id):
    """The ledger as the page shows it (search included), every row, with a total row."""
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    require(actor.is_admin or community.pk in selectors.fund_community_ids(actor))
    accounts = selectors.fund_ledger(actor=actor, community=community, **_search(request))
    return xlsx_response(exports.fund_ledger_xlsx(accounts),
                         f"{community.name}-{_('维修资金分户账')}-{timezone.localdate():%Y%m%d}.xlsx")


@login_required
@require_POST
def fund_action(request, community_id, what):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    back = reverse("governance:fund", args=[community.pk])
    if what == "first_deposit":
        units = Unit.objects.filter(community=community).exclude(fund_account__first_deposit__gt=0)
        return service_post(request, lambda data: services.fund_first_deposit(
            actor=actor, community=community, units=units, rate=data["rate"]),
            success=_("已为尚未交存的房屋记入首期交存。"), back=back, form=forms.FirstDepositForm(request.POST))
    if what == "top_up":
        def work(data):
            unit = Unit.objects.filter(community=community, building_id=data["building"],
                                       number=data["number"].strip()).first()
            if unit is None:
                raise ValidationFailed(_("未找到该房屋，请核对楼栋和房号。"))
            services.fund_top_up(actor=actor, unit=unit, amount=data["amount"], memo=data["memo"])
        return service_post(request, work, success=_("续筹已记入。"), back=back,
                            form=forms.TopUpForm(request.POST, buildings=buildings_of(community.pk)))
    if what == "interest":
        if not (actor.is_admin or community.pk in selectors.fund_community_ids(actor)):
            back = reverse("governance:desk", args=[community.pk])  # finance staff post from the desk
        form = forms.AmountForm(request.POST)
        if not form.is_valid():
            messages.error(request, form_errors_text(form))
            return redirect(back)
        # The outcome's message depends on whether the interest was posted or awaits a second member.
        try:
            interest = services.fund_interest_record(actor=actor, community=community, **form.cleaned_data)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("利息已按余额比例分配。") if interest.status == FundInterest.Status.POSTED
                             else _("利息已登记，须由另一位委员确认后入账。"))
        return redirect(back)
    raise PermissionDenied


@login_required
@require_POST
def interest_confirm(request, pk):
    actor = actor_for(request.user)
    interest = get_object_or_404(selectors.fund_interest_list(actor=actor), pk=pk)
    return service_post(request, lambda: services.fund_interest_confirm(actor=actor, interest=interest),
                        success=_("利息已确认并按余额比例分配。"),
                        back=reverse("governance:fund", args=[interest.community_id]))


@login_required
def usage_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    publisher = services.may_decide_fund(actor, community)
    require(publisher or actor.can("governance.fund_draft", community))
    form = forms.FundUsageForm(request.POST or None, buildings=buildings_of(community.pk))

    def work(data):
        units = Unit.objects.filter(community=community, building_id__in=data.pop("buildings"))
        return services.fund_usage_create(actor=actor, community=community, units=units, **data)

    usage = form_save(request, form, work)
    if usage:
        return redirect("governance:usage", pk=usage.pk)
    return form_page(request, form, title=_("维修资金使用"), back=reverse("governance:desk", args=[community.pk]),
                     intro=" ".join(str(t) for t in (_(
                         "否定表决：公示期不少于 %(days)s 日，公示期内反对的业主人数或面积超过分摊范围的三分之一即不能使用；"
                         "业主大会表决：由分摊范围内的业主按民法典第二百七十八条表决；应急使用：限所列紧急情形，由业主委员会"
                         "（没有业主委员会的由社区居委会）批准后公告。") % {"days": services.publicity_min_days()},
                         "" if publisher else _("物业服务企业编制的方案保存为草稿，由业主委员会（没有业主委员会的由社区居委会）"
                                                "审核发布后，公示或表决才开始。"))))


@login_required
def usage_detail(request, pk):
    actor = actor_for(request.user)
    usage = get_object_or_404(selectors.fund_usage_list(actor=actor), pk=pk)
    me = my_owner(actor, usage.community_id)
    areas = dict(usage.units.values_list("id", "area"))
    scope = {"units": len(areas), "area": sum(areas.values(), Decimal(0))}
    my_units = set(areas) & actor.owned_unit_ids
    # The owner's share of the budget, split by built area as the payment will be.
    my_share = sum((share for unit, share in split_pro_rata(usage.amount, areas).items() if unit in my_units),
                   Decimal(0)) if my_units else None
    mine = usage.objections.filter(owner=me).first() if me else None
    in_scope = bool(me and usage.roll_id and usage.roll.entries.filter(owner=me).exists())
    counting = services.negative_vote_count(usage) if usage.roll_id and usage.mode == FundUsage.Mode.NEGATIVE_VOTE \
        else None
    can_fund = actor.can("governance.fund", usage.community_id)
    authority = services.may_decide_fund(actor, usage.community)
    draft = usage.status == FundUsage.Status.DRAFT
    return render(request, "governance/usage_detail.html", {
        "usage": usage, "community": usage.community, "scope": scope, "me": me, "my_objection": mine,
        "my_share": my_share,
        "in_scope": in_scope, "counting": counting,
        "objections": selectors.fund_objection_list(actor=actor).filter(usage=usage),
        "can_fund": can_fund, "can_decide": authority and not draft and usage.decision is None,
        "can_publish": authority and draft, "min_days": services.publicity_min_days(),
        "desk": can_fund or authority or actor.can("governance.fund_draft", usage.community_id),
        "publish_form": forms.PublishForm(initial={"publicity_ends": usage.publicity_ends}),
        "publicity_running": usage.status == FundUsage.Status.PUBLICITY and (
            usage.publicity_ends is None or usage.publicity_ends > timezone.now()),
        "entries": selectors.fund_entry_list(actor=actor).filter(usage=usage)[:PAGE_SIZE],
    })


@login_required
@require_POST
def usage_action(request, pk, what):
    actor = actor_for(request.user)
    usage = get_object_or_404(selectors.fund_usage_list(actor=actor), pk=pk)
    back = safe_next(request, reverse("governance:usage", args=[pk]), field="back")
    if what == "object":
        me = my_owner(actor, usage.community_id)
        require(me is not None)
        return service_post(request, lambda: services.fund_objection_record(actor=actor, usage=usage, owner=me),
                            success=_("您的异议已记录。"), back=back)
    if what == "decide":
        # A decision that refuses the use is news to warn about, not a success.
        try:
            decision = services.fund_usage_decide(actor=actor, usage=usage)
        except LinliError as exc:
            messages.error(request, error_text(exc))
        else:
            if decision["approved"]:
                messages.success(request, _("已批准使用。"))
            else:
                messages.warning(request, _("反对的业主人数或面积超过三分之一，该项目不能使用维修资金。"))
        return redirect(back)
    if what == "pay":
        return service_post(request, lambda: services.fund_usage_pay(actor=actor, usage=usage),
                            success=_("已从分摊范围内各户分户账列支。"), back=back)
    if what == "publish":
        return service_post(request, lambda data: services.fund_usage_publish(actor=actor, usage=usage, **data),
                            success=_("已发布，分摊范围内的业主已收到通知。"), back=back,
                            form=forms.PublishForm(request.POST))
    raise PermissionDenied
