"""Forms of the billing pages. They only parse input; the services enforce every rule."""

import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from .models import FeeRule, Payment

MONTH_WIDGET = forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM", "pattern": r"\d{4}-\d{2}"})
MONEY = dict(max_digits=14, decimal_places=2, min_value=Decimal("0.01"), max_value=Decimal("10000000"))


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("账期"), max_length=7, widget=MONTH_WIDGET)


class FeeRuleForm(forms.Form):
    name = forms.CharField(label=_("收费项目"), max_length=60, help_text=_("如 物业费、垃圾转运处理费、车位费"))
    kind = forms.ChoiceField(label=_("计费方式"), choices=FeeRule.Kind.choices)
    zone = forms.TypedChoiceField(label=_("适用分区"), coerce=int, required=False, empty_value=None,
                                  help_text=_("留空为全小区；分区的标准也适用于其下级分区"))
    rate = forms.DecimalField(label=_("单价（元）"), max_digits=12, decimal_places=4, min_value=0,
                              help_text=_("按面积：元/m²·月；按人数：元/人·月；车位：元/个·月；固定：元/户·月；计量：元/单位"))
    low_income_rate = forms.DecimalField(label=_("低保户单价（元）"), max_digits=12, decimal_places=4, min_value=0,
                                         required=False, help_text=_("仅按人数计费"))
    annual_rate = forms.DecimalField(label=_("年费（元/年）"), max_digits=12, decimal_places=2, min_value=0,
                                     required=False, help_text=_("仅车位：年租车位在起租月及每年同月收取"))
    effective_from = forms.CharField(label=_("起始账期"), max_length=7, widget=MONTH_WIDGET,
                                     help_text=_("调整标准时填写新标准的起始月份，以前的账单不受影响"))

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = [("", _("全小区"))] + [(z.pk, z.label) for z in zones]


class LateFeePolicyForm(forms.Form):
    daily_rate = forms.DecimalField(label=_("日费率"), max_digits=8, decimal_places=6, min_value=0,
                                    max_value=Decimal("0.01"), help_text=_("如 0.0005 即每日万分之五"))
    grace_days = forms.IntegerField(label=_("宽限天数"), min_value=0, max_value=366,
                                    help_text=_("账期结束后多少天内缴费不收违约金"))
    enabled = forms.BooleanField(label=_("启用违约金"), required=False)
    contract_clause = forms.CharField(label=_("合同依据"), max_length=200,
                                      help_text=_("物业服务合同中约定违约金的条款；合同没有约定的，不得收取违约金"))


class MeterImportForm(forms.Form):
    period = forms.CharField(label=_("抄表账期"), max_length=7, widget=MONTH_WIDGET)
    file = forms.FileField(label=_("抄表文件（.xlsx）"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}))


class SearchForm(forms.Form):
    q = forms.CharField(label=_("查找房屋"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("房号或楼栋，如 3号楼 2-301")}))


class PaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("实收金额（元）"), **MONEY)
    method = forms.ChoiceField(label=_("支付方式"), choices=Payment.Method.choices, initial=Payment.Method.CASH)
    key = forms.CharField(widget=forms.HiddenInput, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One key per rendered form: a double click or a resubmitted page records one payment.
        self.fields["key"].initial = uuid.uuid4().hex



class BillFilterForm(forms.Form):
    period = forms.CharField(label=_("账期"), required=False, max_length=7, widget=MONTH_WIDGET)
    status = forms.ChoiceField(label=_("状态"), required=False,
                               choices=[("", _("全部"))] + [("open", _("未结清")), ("paid", _("已结清"))])
    q = forms.CharField(label=_("房号或楼栋"), required=False, max_length=60,
                        widget=forms.TextInput(attrs={"type": "search"}))


class LeaseForm(forms.Form):
    premises = forms.TypedChoiceField(label=_("经营用房"), coerce=int)
    tenant = forms.CharField(label=_("承租方"), max_length=120)
    tenant_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    monthly_rent = forms.DecimalField(label=_("月租金（元）"), **MONEY)
    start = forms.DateField(label=_("起租日"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("到期日"), widget=DATE_WIDGET)

    def __init__(self, *args, premises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["premises"].choices = [(p.pk, f"{p.code} {p.name}") for p in premises]


class LeasePaymentForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    method = forms.ChoiceField(label=_("支付方式"), choices=Payment.Method.choices, initial=Payment.Method.BANK_TRANSFER)


class SpendingForm(forms.Form):
    title = forms.CharField(label=_("支出事项"), max_length=120)
    amount = forms.DecimalField(label=_("金额（元）"), **MONEY)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))



class StatementForm(forms.Form):
    """对账: a provider's statement of a day, downloaded from the provider or uploaded."""

    provider = forms.ChoiceField(label=_("支付渠道"), choices=[("wechatpay", _("微信支付")), ("alipay", _("支付宝"))])
    bill_date = forms.DateField(label=_("账单日期"), widget=DATE_WIDGET)
    file = forms.FileField(label=_("对账单文件"), required=False,
                           help_text=_("微信支付：交易账单 CSV；支付宝：业务明细 zip 或 CSV。下载对账单时不用选择文件。"))
