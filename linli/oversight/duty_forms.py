"""Forms of the tiers' duties pages: they parse; duty_services decides."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET
from linli.orgs.models import Organization

from .duty_models import DutyItem


class DutyItemForm(forms.Form):
    office = forms.ModelChoiceField(label=_("责任单位"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("类别"), choices=DutyItem.Kind.choices)
    topic = forms.ChoiceField(label=_("事项"), choices=DutyItem.Topic.choices)
    title = forms.CharField(label=_("目标任务"), max_length=200)
    target_count = forms.IntegerField(label=_("目标数量"), min_value=0, required=False)
    deadline = forms.DateField(label=_("完成期限"), widget=DATE_WIDGET, required=False,
                               help_text=_("专项整治留空即为当年8月31日。"))

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class DutyReportForm(forms.Form):
    done_count = forms.IntegerField(label=_("已完成数量"), min_value=0, required=False)
    result = forms.CharField(label=_("完成情况"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    completed_on = forms.DateField(label=_("完成日期"), widget=DATE_WIDGET, required=False,
                                   help_text=_("目标全部完成后填写。"))


class DutyReviewForm(forms.Form):
    status = forms.ChoiceField(label=_("考核结果"), choices=[(DutyItem.Status.PASSED, _("考核合格")),
                                                            (DutyItem.Status.FAILED, _("考核不合格"))])
    score = forms.DecimalField(label=_("考核得分"), min_value=Decimal(0), max_value=Decimal(100), max_digits=5,
                               decimal_places=2, required=False)


class StaffingForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("单位"), queryset=Organization.objects.none())
    office_name = forms.CharField(label=_("物业管理办公室"), max_length=120, required=False,
                                  help_text=_("区物业主管部门的专门办公室名称。"))
    lead = forms.ModelChoiceField(label=_("分管领导"), queryset=None, required=False,
                                  help_text=_("街道办事处的物业管理分管领导，须为该单位的监管人员。"))
    notes = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, organizations, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["lead"].queryset = users
