"""Forms of the after-school pages. They only parse input; the services enforce every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from .models import EMERGENCY_CHECKLIST, DutyAssignment, Incident

DATETIME_WIDGET = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


class ApplyForm(forms.Form):
    statement = forms.CharField(label=_("书面申请"), required=False, max_length=500, widget=forms.Textarea(attrs={
        "rows": 3, "placeholder": _("可补充说明孩子的情况；不填写则使用默认的申请书。")}))
    consent = forms.BooleanField(label=_("我已阅读上述服务时间、内容和方式，自愿为孩子申请参加课后服务。"))


class SignForm(forms.Form):
    signer_name = forms.CharField(label=_("签署人姓名"), max_length=60)
    consent = forms.BooleanField(label=_("我已阅读《课后服务协议书》和《课后服务安全责任书》全文，同意并签署。"))


class LeaveForm(forms.Form):
    start_date = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET)
    reason = forms.CharField(label=_("事由"), max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("start_date") and data.get("end_date") and data["end_date"] < data["start_date"]:
            self.add_error("end_date", _("结束日期不能早于开始日期。"))
        return data


class DutyForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    user = forms.ModelChoiceField(label=_("值班人员"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=DutyAssignment.Kind.choices)
    note = forms.CharField(label=_("职责"), max_length=200, required=False)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = staff


class GateVisitForm(forms.Form):
    visitor_name = forms.CharField(label=_("来访人"), max_length=60)
    phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    id_number = forms.CharField(label=_("证件号码"), max_length=30, required=False)
    purpose = forms.CharField(label=_("事由"), max_length=200)
    host = forms.CharField(label=_("被访人"), max_length=60, required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Incident.Kind.choices)
    occurred_at = forms.DateTimeField(label=_("发生时间"), required=False, widget=DATETIME_WIDGET,
                                      help_text=_("不填写即为现在。"))
    location = forms.CharField(label=_("地点"), max_length=100)
    description = forms.CharField(label=_("经过"), widget=forms.Textarea(attrs={"rows": 4}))


class ReviewForm(forms.Form):
    """A reviewer's decision on an application or a leave request, with an optional note."""

    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)


class CheckForm(forms.Form):
    step = forms.ChoiceField(choices=[(key, label) for key, label, _required in EMERGENCY_CHECKLIST])
    note = forms.CharField(max_length=200, required=False)


class CloseForm(forms.Form):
    summary = forms.CharField(label=_("处置总结"), widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    start = forms.DateField(label=_("开始日期"), widget=DATE_WIDGET)
    end = forms.DateField(label=_("结束日期"), widget=DATE_WIDGET)
