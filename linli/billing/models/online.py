"""Online payments, phase 2 (issue 18): each company's merchant accounts, refunds started from a
reversal, the incidents finance must look at, and imported daily statements with their items.
They refer to the models of billing/models/__init__.py by name ("billing.Payment")."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import MoneyField


class Provider(models.TextChoices):
    WECHATPAY = "wechatpay", _("微信支付")
    ALIPAY = "alipay", _("支付宝")


class MerchantAccount(TimeStamped):
    """The merchant account (商户号) a company takes online payments with, one per provider.
    Disabled until someone turns it on. Keys are stored as PEM text and never shown back: the
    admin only replaces them. WeChat Pay uses mchid, appid, apiv3_key, private_key, cert_serial,
    public_key, public_key_id; Alipay appid, private_key, public_key and optionally seller_id.
    `api_base`: the API base (WeChat Pay) or gateway (Alipay); empty for the provider's own."""

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), on_delete=models.PROTECT,
                                related_name="merchant_accounts")
    provider = models.CharField(_("支付渠道"), max_length=20, choices=Provider.choices)
    enabled = models.BooleanField(_("启用"), default=False)
    mchid = models.CharField(_("商户号"), max_length=32, blank=True)
    appid = models.CharField(_("应用 AppID"), max_length=64, blank=True)
    apiv3_key = models.CharField(_("APIv3 密钥"), max_length=64, blank=True)
    private_key = models.TextField(_("商户私钥（PEM）"), blank=True)
    cert_serial = models.CharField(_("商户证书序列号"), max_length=64, blank=True)
    public_key = models.TextField(_("平台公钥（PEM）"), blank=True)
    public_key_id = models.CharField(_("平台公钥 ID"), max_length=64, blank=True)
    seller_id = models.CharField(_("收款支付宝账号 PID"), max_length=32, blank=True)
    api_base = models.CharField(_("接口地址"), max_length=200, blank=True,
                                help_text=_("留空即使用支付渠道的正式接口地址。"))

    class Meta:
        ordering = ["company_id", "provider"]
        verbose_name = _("商户号")
        verbose_name_plural = _("商户号")
        constraints = [models.UniqueConstraint(fields=["company", "provider"], name="merchant_account_unique")]

    def __str__(self):
        return f"{self.company} · {self.get_provider_display()}"


class PaymentRefund(TimeStamped):
    """A refund of an online payment, started when the payment is reversed. The reversal entry is
    written only once the provider says the money went back (`reversal`); a failed refund keeps
    the payment and leaves a PaymentIncident."""

    class Status(models.TextChoices):
        PENDING = "pending", _("退款中")
        SUCCEEDED = "succeeded", _("已退款")
        FAILED = "failed", _("退款失败")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+")
    order = models.ForeignKey("billing.PaymentOrder", verbose_name=_("在线支付订单"), on_delete=models.PROTECT,
                              related_name="refunds")
    payment = models.ForeignKey("billing.Payment", verbose_name=_("退款的收款"), on_delete=models.PROTECT,
                                related_name="refunds")
    reversal = models.OneToOneField("billing.Payment", verbose_name=_("冲销记录"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="refund")
    out_refund_no = models.CharField(_("退款单号"), max_length=64, unique=True)
    provider_refund_no = models.CharField(_("渠道退款单号"), max_length=64, blank=True)
    amount = MoneyField(_("退款金额"))
    reason = models.CharField(_("退款原因"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING)
    failure_reason = models.CharField(_("失败原因"), max_length=200, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("退款")
        verbose_name_plural = _("退款")


class PaymentIncident(models.Model):
    """Something about online money that finance must look at: a notification refused (unknown
    order, wrong amount or merchant, bad signature), a refund that failed, money paid on an order
    already closed. Resolved by a person, never deleted."""

    class Kind(models.TextChoices):
        UNKNOWN_ORDER = "unknown_order", _("未知订单")
        WRONG_AMOUNT = "wrong_amount", _("金额不符")
        WRONG_MERCHANT = "wrong_merchant", _("商户号不符")
        BAD_SIGNATURE = "bad_signature", _("签名无效")
        REFUND_FAILED = "refund_failed", _("退款失败")
        LATE_PAYMENT_ON_CLOSED_ORDER = "late_payment_on_closed_order", _("已关闭订单收到付款")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="+")
    provider = models.CharField(_("支付渠道"), max_length=20)
    kind = models.CharField(_("类型"), max_length=30, choices=Kind.choices)
    out_trade_no = models.CharField(_("商户订单号"), max_length=64, blank=True)
    amount = MoneyField(_("金额"), null=True, blank=True)
    detail = models.CharField(_("详情"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("发生时间"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("支付异常")
        verbose_name_plural = _("支付异常")
        indexes = [models.Index(fields=["company", "resolved_at"], name="payment_incident_open")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.out_trade_no}"


class StatementImport(models.Model):
    """A provider's daily statement (对账单) of one company, reconciled against our payments.
    Importing the same day again replaces its items."""

    class Source(models.TextChoices):
        DOWNLOAD = "download", _("自动下载")
        UPLOAD = "upload", _("上传文件")

    company = models.ForeignKey("orgs.Organization", verbose_name=_("物业服务企业"), on_delete=models.PROTECT,
                                related_name="+")
    provider = models.CharField(_("支付渠道"), max_length=20, choices=Provider.choices)
    bill_date = models.DateField(_("账单日期"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)
    matched = models.PositiveIntegerField(_("一致"), default=0)
    missing_ours = models.PositiveIntegerField(_("我方缺记"), default=0)
    missing_theirs = models.PositiveIntegerField(_("渠道无记录"), default=0)
    mismatched = models.PositiveIntegerField(_("金额不符"), default=0)

    class Meta:
        ordering = ["-bill_date", "provider"]
        verbose_name = _("对账单")
        verbose_name_plural = _("对账单")
        constraints = [models.UniqueConstraint(fields=["company", "provider", "bill_date"],
                                               name="statement_import_unique_day")]


class StatementItem(models.Model):
    class Kind(models.TextChoices):
        MATCHED = "matched", _("一致")
        MISSING_OURS = "missing_ours", _("我方缺记")
        MISSING_THEIRS = "missing_theirs", _("渠道无记录")
        AMOUNT_MISMATCH = "amount_mismatch", _("金额不符")

    class LineKind(models.TextChoices):
        PAYMENT = "payment", _("收款")
        REFUND = "refund", _("退款")

    statement = models.ForeignKey(StatementImport, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(_("结果"), max_length=16, choices=Kind.choices)
    line_kind = models.CharField(_("类型"), max_length=8, choices=LineKind.choices, default=LineKind.PAYMENT)
    out_trade_no = models.CharField(_("商户订单号"), max_length=64, blank=True)
    provider_trade_no = models.CharField(_("渠道流水号"), max_length=64, blank=True)
    their_amount = MoneyField(_("渠道金额"), null=True, blank=True)
    our_amount = MoneyField(_("我方金额"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("交易时间"), null=True, blank=True)
    payment = models.ForeignKey("billing.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    order = models.ForeignKey("billing.PaymentOrder", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    resolved_payment = models.ForeignKey("billing.Payment", verbose_name=_("补记的收款"), null=True, blank=True,
                                         on_delete=models.PROTECT, related_name="+")
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("补记人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["statement_id", "kind", "id"]
        verbose_name = _("对账明细")
        verbose_name_plural = _("对账明细")
