"""对账: finance reconciles a day's statement of WeChat Pay or Alipay against the online payments
Linli recorded for the company, records a payment the provider took that we missed (补记), and
exports the result. The page hangs off a community of the company (the billing menu); the
statements are the company's."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, form_errors_text
from linli.core.params import parse_id
from linli.estates import selectors as estates
from linli.estates.api import xlsx_response

from ..forms import StatementForm
from ..models import StatementImport, StatementItem
from ..services import reconciliation as recon

CAPABILITY = recon.RECONCILE_CAPABILITY
SECTIONS = [  # (kind, title, what it means), in the order of the counts at the top
    (StatementItem.Kind.MATCHED, gettext_lazy("已匹配"), ""),
    (StatementItem.Kind.MISSING_OURS, gettext_lazy("我方缺失"),
     gettext_lazy("渠道已收款，邻里没有记录。核实后可“补记”，为该订单入账并开具收据。")),
    (StatementItem.Kind.MISSING_THEIRS, gettext_lazy("对方缺失"),
     gettext_lazy("邻里已入账，渠道对账单中没有。请与支付渠道核实，必要时冲销。")),
    (StatementItem.Kind.AMOUNT_MISMATCH, gettext_lazy("金额不符"), gettext_lazy("双方都有记录，金额不同。请与支付渠道核实。")),
]


def _page(request, community_id):
    # Every community the actor sees, then the capability: an owner of the community gets a 403.
    actor, community = community_page(request, community_id, selector=estates.community_list, capability=CAPABILITY)
    return actor, community


def _statements(community):
    return StatementImport.objects.filter(company_id=community.company_id).select_related("imported_by")


def _sections(statement):
    items = list(statement.items.select_related("payment", "resolved_payment", "order__unit__building")
                 .order_by("id")) if statement else []
    return [{"kind": kind, "title": title, "help": help_text, "items": [i for i in items if i.kind == kind]}
            for kind, title, help_text in SECTIONS]


@login_required
def reconciliation(request, community_id):
    actor, community = _page(request, community_id)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    statements = _statements(community)
    form = StatementForm(request.POST or None, request.FILES or None,
                         initial={"bill_date": yesterday, "provider": request.GET.get("provider") or "wechatpay"})
    if request.method == "POST":
        statement = _import(request, actor, community, form)
        if statement is not None:
            return redirect(f"{reverse('billing:reconciliation', args=[community.pk])}?statement={statement.pk}")
    statement = None
    chosen = request.GET.get("statement", "")
    if chosen:
        statement = statements.filter(pk=parse_id(chosen)).first() if parse_id(chosen) else None
    elif request.method != "POST":
        statement = statements.order_by("-created_at", "-id").first()
    return render(request, "billing/reconciliation.html", {
        "community": community, "form": form, "statement": statement, "sections": _sections(statement),
        "history": statements.order_by("-bill_date", "provider")[:30],
        "providers": dict(recon.PROVIDERS),
    })


def _import(request, actor, community, form):
    """Download or upload, then reconcile; the outcome as a message. The statement, or None."""
    if not community.company_id:
        messages.error(request, _("该小区没有物业服务企业，无法对账。"))
        return None
    if not form.is_valid():
        messages.error(request, form_errors_text(form))
        return None
    data = form.cleaned_data
    upload = data["file"] if request.POST.get("action") == "upload" else None
    if request.POST.get("action") == "upload" and upload is None:
        messages.error(request, _("请选择要上传的对账单文件。"))
        return None
    try:
        if upload is not None:
            recon.check_statement_size(upload.size)  # before reading it into memory
        statement = recon.statement_import(
            actor=actor, company=community.company, provider=data["provider"], bill_date=data["bill_date"],
            data=upload.read() if upload is not None else None)
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return None
    messages.success(request, _("对账完成：已匹配 %(m)s 笔，我方缺失 %(o)s 笔，对方缺失 %(t)s 笔，金额不符 %(x)s 笔。")
                     % {"m": statement.matched, "o": statement.missing_ours, "t": statement.missing_theirs,
                        "x": statement.mismatched})
    return statement


@login_required
@require_POST
def statement_item_record(request, community_id, item_id):
    actor, community = _page(request, community_id)
    item = get_object_or_404(StatementItem.objects.select_related("statement"),
                             pk=item_id, statement__company_id=community.company_id)
    back = f"{reverse('billing:reconciliation', args=[community.pk])}?statement={item.statement_id}"
    try:
        already = item.resolved_payment_id is not None
        payment = recon.statement_item_record(actor=actor, item=item)
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        if already:
            messages.info(request, _("该笔已补记过（收据号 %(no)s），没有重复入账。") % {"no": payment.receipt_no})
        else:
            messages.success(request, _("已补记：订单 %(order)s 入账 %(amount)s 元，收据号 %(no)s。")
                             % {"order": item.out_trade_no, "amount": payment.amount, "no": payment.receipt_no})
    return redirect(back)


@login_required
@require_GET
def statement_export(request, community_id, statement_id):
    actor, community = _page(request, community_id)
    statement = get_object_or_404(_statements(community), pk=statement_id)
    data = recon.statement_export(actor=actor, statement=statement)
    name = f"对账-{statement.get_provider_display()}-{statement.bill_date:%Y%m%d}.xlsx"
    return xlsx_response(data, name)
