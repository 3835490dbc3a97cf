"""Fee billing and collection (DESIGN §5–§6, 篇一 §三).

Amounts are MoneyField (integer fen), rates FixedPointField (1/10000 yuan), so the set-based
billing run computes in integers and SQLite and PostgreSQL give the same fen. Nothing financial
is deleted: a payment is undone by a reversal entry, and its receipt is marked void."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from linli.core.dates import validate_period
from linli.core.models import TimeStamped
from linli.core.money import FixedPointField, MoneyField

MAX_RATE = Decimal("100000")
MAX_AMOUNT = Decimal("10000000")
POSITIVE_MONEY = [MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)]
RATE = dict(places=4, validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_RATE)])


def period_field(verbose_name=_("账期"), **kwargs):
    return models.CharField(verbose_name, max_length=7, validators=[validate_period], **kwargs)


class FeeRule(TimeStamped):
    """A fee standard. A rule on a zone applies to the units of the zone and its sub-zones; for a
    unit, the deepest zone's rule of a kind wins over its parents' and the community-wide one. A
    rule applies from `effective_from` (a period; empty: always) until a later rule of the same
    zone and kind takes over, or until `effective_to`: a new rate never rewrites past bills."""

    class Kind(models.TextChoices):
        AREA = "area", _("按面积")
        PER_PERSON = "per_person", _("按人数")
        PARKING = "parking", _("车位")
        FIXED = "fixed", _("固定金额")
        METERED = "metered", _("按表计量")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="fee_rules")
    name = models.CharField(_("收费项目"), max_length=60)
    kind = models.CharField(_("计费方式"), max_length=12, choices=Kind.choices)
    zone = models.ForeignKey("estates.Zone", verbose_name=_("分区"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="fee_rules")
    rate = FixedPointField(_("单价"), **RATE)
    low_income_rate = FixedPointField(_("低保户单价"), null=True, blank=True, **RATE)
    annual_rate = MoneyField(_("年费"), null=True, blank=True,
                             validators=[MinValueValidator(Decimal("0")), MaxValueValidator(MAX_RATE)])
    effective_from = period_field(_("起始账期"), null=True, blank=True)
    effective_to = period_field(_("截止账期"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["community_id", "kind", "zone_id", "effective_from", "id"]
        verbose_name = _("收费标准")
        verbose_name_plural = _("收费标准")
        constraints = [
            models.UniqueConstraint(
                F("community"), F("kind"), Coalesce(F("zone"), Value(0)), Coalesce(F("effective_from"), Value("")),
                name="fee_rule_one_per_zone_kind_start",
            ),
        ]

    def __str__(self):
        return self.name


class MeterReading(TimeStamped):
    """A unit's meter at the end of a period. A unit has at most one metered rule (one rule of a
    kind applies), so the reading needs no meter name; the first reading is the baseline."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT,
                             related_name="meter_readings")
    period = period_field()
    reading = FixedPointField(_("读数"), places=2, validators=[MinValueValidator(Decimal("0"))])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["unit_id", "period"]
        verbose_name = _("抄表读数")
        verbose_name_plural = _("抄表读数")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="meter_reading_unique")]


class BillingRun(TimeStamped):
    """The billing of one community for one period. Running it again bills only the units that
    have no bill yet (new units, or after a failure), so the counts here are cumulative."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="billing_runs")
    period = period_field()
    bills_created = models.PositiveIntegerField(_("账单数"), default=0)
    total = MoneyField(_("应收合计"), default=Decimal("0"))
    lease_bills_created = models.PositiveIntegerField(_("租金账单数"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["community_id", "-period"]
        verbose_name = _("计费批次")
        verbose_name_plural = _("计费批次")
        constraints = [models.UniqueConstraint(fields=["community", "period"], name="billing_run_unique_period")]


class Bill(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("未结清")
        PAID = "paid", _("已结清")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+", db_index=False)
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="bills",
                             db_index=False)
    period = period_field()
    amount = MoneyField(_("应收"))
    paid = MoneyField(_("已收"), default=Decimal("0"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)
    run = models.ForeignKey(BillingRun, null=True, blank=True, on_delete=models.PROTECT, related_name="bills",
                            db_index=False)
    late_fee_waived_at = models.DateTimeField(_("违约金减免时间"), null=True, blank=True)
    late_fee_waived_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                           on_delete=models.SET_NULL, related_name="+")
    late_fee_waive_reason = models.CharField(_("减免原因"), max_length=200, blank=True)

    class Meta:
        ordering = ["unit_id", "period", "id"]
        verbose_name = _("账单")
        verbose_name_plural = _("账单")
        constraints = [models.UniqueConstraint(fields=["unit", "period"], name="bill_one_per_unit_period")]
        indexes = [models.Index(fields=["community", "period", "status"], name="bill_community_period")]

    def __str__(self):
        return f"{self.period} #{self.pk}"

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


class BillLine(models.Model):
    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("计费方式"), max_length=12, choices=FeeRule.Kind.choices)
    rule = models.ForeignKey(FeeRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                             db_index=False)
    parking_space = models.ForeignKey("estates.ParkingSpace", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", db_index=False)
    description = models.CharField(_("项目"), max_length=120)
    quantity = FixedPointField(_("数量"), places=2)
    rate = FixedPointField(_("单价"), places=4)
    amount = MoneyField(_("金额"))

    class Meta:
        ordering = ["bill_id", "id"]
        verbose_name = _("账单明细")
        verbose_name_plural = _("账单明细")


class Account(models.Model):
    """A unit's prepaid credit (预存款): what a payment left over, settled by the next run.
    Its row is also the lock that orders payments, reversals and runs touching one unit."""

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.OneToOneField("estates.Unit", on_delete=models.PROTECT, related_name="billing_account")
    credit = MoneyField(_("预存余额"), default=Decimal("0"))

    class Meta:
        verbose_name = _("预存账户")
        verbose_name_plural = _("预存账户")
        indexes = [models.Index(fields=["community", "credit"], name="account_community_credit")]


class ReceiptCounter(models.Model):
    """The last receipt number a company issued in a year; locked while a payment takes the next."""

    company = models.ForeignKey("orgs.Organization", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["company", "year"], name="receipt_counter_unique")]


class Payment(TimeStamped):
    """Money received for a unit, or (kind=reversal) the negative entry that undoes one."""

    class Method(models.TextChoices):
        CASH = "cash", _("现金")
        BANK_TRANSFER = "bank_transfer", _("银行转账")
        POS = "pos", _("POS刷卡")
        ONLINE = "online", _("在线支付")

    class Kind(models.TextChoices):
        PAYMENT = "payment", _("收款")
        REVERSAL = "reversal", _("冲销")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT,
                             related_name="payments")
    company = models.ForeignKey("orgs.Organization", verbose_name=_("收款单位"), on_delete=models.PROTECT,
                                related_name="+")
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.PAYMENT)
    amount = MoneyField(_("金额"))
    method = models.CharField(_("支付方式"), max_length=16, choices=Method.choices)
    credit = MoneyField(_("转入预存"), default=Decimal("0"))
    late_fee = MoneyField(_("违约金"), default=Decimal("0"))
    received_at = models.DateTimeField(_("收款时间"))
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("经办人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    idempotency_key = models.CharField(max_length=100, blank=True)
    receipt_year = models.PositiveSmallIntegerField(null=True, blank=True)
    receipt_seq = models.PositiveIntegerField(null=True, blank=True)
    receipt_no = models.CharField(_("收据号"), max_length=20, blank=True)
    reverses = models.OneToOneField("self", verbose_name=_("冲销的收款"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="reversal")
    reason = models.CharField(_("冲销原因"), max_length=200, blank=True)
    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("收款")
        verbose_name_plural = _("收款")
        constraints = [
            models.UniqueConstraint(fields=["company", "idempotency_key"], condition=~Q(idempotency_key=""),
                                    name="payment_idempotency_key"),
            models.UniqueConstraint(fields=["company", "receipt_year", "receipt_seq"],
                                    condition=Q(receipt_seq__isnull=False), name="payment_receipt_unique"),
        ]
        indexes = [
            models.Index(fields=["community", "received_at"], name="payment_community_day"),
            models.Index(fields=["unit", "received_at"], name="payment_unit_day"),
        ]

    def __str__(self):
        return self.receipt_no or f"#{self.pk}"

    @property
    def is_void(self) -> bool:
        return self.voided_at is not None


class Allocation(models.Model):
    """Part of a bill settled by a payment (or by the unit's credit during a run), with the late
    fee charged on it. Reversals add negative allocations; none is ever changed or deleted."""

    class Source(models.TextChoices):
        PAYMENT = "payment", _("收款")
        CREDIT = "credit", _("预存抵扣")

    bill = models.ForeignKey(Bill, on_delete=models.PROTECT, related_name="allocations")
    payment = models.ForeignKey(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="allocations")
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PAYMENT)
    amount = MoneyField(_("金额"))
    late_fee = MoneyField(_("违约金"), default=Decimal("0"))
    created_at = models.DateTimeField(_("时间"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("核销")
        verbose_name_plural = _("核销")


class LateFeePolicy(TimeStamped):
    """违约金: after `grace_days` past the end of a bill's period, each overdue day adds
    `daily_rate` × the amount paid late. Charged with the payment; a manager may waive it.

    Only where the service contract provides one (Civil Code Art. 944: the company may not
    collect by means of its own beyond the contract): `contract_clause` cites that clause, and a
    policy without it charges nothing. A community has none unless someone sets it."""

    community = models.OneToOneField("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                     related_name="late_fee_policy")
    daily_rate = FixedPointField(_("日费率"), places=6,
                                 validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("0.01"))])
    grace_days = models.PositiveSmallIntegerField(_("宽限天数"), default=30, validators=[MaxValueValidator(366)])
    enabled = models.BooleanField(_("启用"), default=True)
    contract_clause = models.CharField(_("合同依据"), max_length=200,
                                       help_text=_("物业服务合同中约定违约金的条款，如“第十二条第二款”"))

    class Meta:
        ordering = ["community_id"]
        verbose_name = _("违约金规则")
        verbose_name_plural = _("违约金规则")


class PaymentOrder(TimeStamped):
    """An online payment (在线支付) started by an owner; the provider's signed callback records
    the payment. Provider-neutral: `provider` names the class that handles it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待支付")
        PAID = "paid", _("已支付")
        CLOSED = "closed", _("已关闭")

    class Channel(models.TextChoices):
        NATIVE = "native", _("微信扫码")
        JSAPI = "jsapi", _("微信内支付")
        H5 = "h5", _("手机网页")
        QR = "qr", _("支付宝扫码")
        SANDBOX = "sandbox", _("沙箱")

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    unit = models.ForeignKey("estates.Unit", verbose_name=_("房屋"), on_delete=models.PROTECT,
                             related_name="payment_orders")
    amount = MoneyField(_("金额"), validators=POSITIVE_MONEY)
    provider = models.CharField(_("支付渠道"), max_length=20)
    out_trade_no = models.CharField(_("商户订单号"), max_length=40, unique=True)
    provider_trade_no = models.CharField(_("渠道流水号"), max_length=64, blank=True)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.PENDING)
    payment = models.OneToOneField(Payment, null=True, blank=True, on_delete=models.PROTECT, related_name="order")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    channel = models.CharField(_("支付方式"), max_length=10, choices=Channel.choices, default=Channel.SANDBOX)
    # What the payer's screen needs: code_url (a QR code), redirect_url (H5 cashier), jsapi_params.
    checkout = models.JSONField(default=dict, blank=True)
    expires_at = models.DateTimeField(_("支付截止"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="payment_order_status_day")]
        verbose_name = _("在线支付订单")
        verbose_name_plural = _("在线支付订单")


# Common income (公共收益, 篇一 §三.5, §五.6.2) --------------------------------------------------

class Lease(TimeStamped):
    """A lease of commercial premises. Its rent is the owners' common income, supervised by the
    residents' committee and the owners' committee, not the company's revenue."""

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="leases")
    premises = models.ForeignKey("estates.Premises", verbose_name=_("经营用房"), on_delete=models.PROTECT,
                                 related_name="leases")
    tenant = models.CharField(_("承租方"), max_length=120)
    tenant_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    monthly_rent = MoneyField(_("月租金"), validators=POSITIVE_MONEY)
    start = models.DateField(_("起租日"))
    end = models.DateField(_("到期日"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["community_id", "premises_id", "-start"]
        verbose_name = _("租赁合同")
        verbose_name_plural = _("租赁合同")

    def __str__(self):
        return f"{self.premises} · {self.tenant}"


class LeaseBill(TimeStamped):
    class Status(models.TextChoices):
        OPEN = "open", _("未结清")
        PAID = "paid", _("已结清")

    community = models.ForeignKey("estates.Community", on_delete=models.PROTECT, related_name="+")
    lease = models.ForeignKey(Lease, verbose_name=_("租赁合同"), on_delete=models.PROTECT, related_name="bills")
    period = period_field()
    amount = MoneyField(_("应收"))
    paid = MoneyField(_("已收"), default=Decimal("0"))
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["-period", "lease_id"]
        verbose_name = _("租金账单")
        verbose_name_plural = _("租金账单")
        constraints = [models.UniqueConstraint(fields=["lease", "period"], name="lease_bill_unique_period")]

    @property
    def outstanding(self) -> Decimal:
        return self.amount - self.paid


class CommonSpending(TimeStamped):
    """Spending from the common income (e.g. the water-supply power subsidy of 篇一 §五.6.2):
    proposed by the company, paid out only when the owners' committee approves it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("待业委会审批")
        APPROVED = "approved", _("已批准")
        REJECTED = "rejected", _("已否决")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="common_spendings")
    title = models.CharField(_("事项"), max_length=120)
    description = models.TextField(_("说明"), blank=True)
    amount = MoneyField(_("金额"), validators=POSITIVE_MONEY)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("公共收益支出")
        verbose_name_plural = _("公共收益支出")


class CommonLedgerEntry(models.Model):
    """One movement of a community's common-income ledger: rent received (+) or approved
    spending (−). Append-only; the balance is their sum."""

    class Kind(models.TextChoices):
        LEASE_INCOME = "lease_income", _("租金收入")
        SPENDING = "spending", _("支出")

    community = models.ForeignKey("estates.Community", verbose_name=_("小区"), on_delete=models.PROTECT,
                                  related_name="common_ledger")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    amount = MoneyField(_("金额"))
    date = models.DateField(_("日期"))
    description = models.CharField(_("摘要"), max_length=200)
    lease_bill = models.ForeignKey(LeaseBill, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="ledger_entries")
    spending = models.OneToOneField(CommonSpending, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="ledger_entry")
    method = models.CharField(_("支付方式"), max_length=16, choices=Payment.Method.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    created_at = models.DateTimeField(_("记账时间"), auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("公共收益台账")
        verbose_name_plural = _("公共收益台账")
        indexes = [models.Index(fields=["community", "date"], name="common_ledger_day")]


# Online payments, phase 2: merchant accounts, refunds, incidents, statements (models/online.py).
from .online import (
    MerchantAccount,
    PaymentIncident,
    PaymentRefund,
    StatementImport,
    StatementItem,
)

__all__ = [
    "MAX_AMOUNT", "POSITIVE_MONEY", "Account", "Allocation", "Bill", "BillLine", "BillingRun", "CommonLedgerEntry",
    "CommonSpending", "FeeRule", "LateFeePolicy", "Lease", "LeaseBill", "MerchantAccount", "MeterReading",
    "Payment", "PaymentIncident", "PaymentOrder", "PaymentRefund", "ReceiptCounter", "StatementImport",
    "StatementItem", "period_field",
]
