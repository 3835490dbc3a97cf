"""Forms of positions, teams, staff records and shifts."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from ..models import WorkKind
from . import TIME_WIDGET


class PositionForm(forms.Form):
    name = forms.CharField(label=_("岗位"), max_length=60)
    kind = forms.ChoiceField(label=_("条线"), choices=WorkKind.choices)
    planned_headcount = forms.IntegerField(label=_("编制人数"), min_value=0, max_value=999, initial=1)
    order = forms.IntegerField(label=_("排序"), min_value=0, max_value=999, initial=0, required=False)

    def clean_order(self):
        return self.cleaned_data.get("order") or 0


class TeamForm(forms.Form):
    name = forms.CharField(label=_("班组"), max_length=60)
    kind = forms.ChoiceField(label=_("条线"), choices=WorkKind.choices)
    zone = forms.ModelChoiceField(label=_("分区"), queryset=None, required=False)
    planned_headcount = forms.IntegerField(label=_("编制人数"), min_value=0, max_value=999, initial=0)
    leader = forms.ModelChoiceField(label=_("负责人"), queryset=None, required=False)

    def __init__(self, *args, zones, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
        self.fields["leader"].queryset = members


class StaffForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    position = forms.ModelChoiceField(label=_("岗位"), queryset=None)
    team = forms.ModelChoiceField(label=_("班组"), queryset=None, required=False)
    user = forms.ModelChoiceField(label=_("登录账号"), queryset=None, required=False,
                                  help_text=_("有登录账号的员工可在手机上巡逻打卡、完成保洁绿化任务。"))
    hired_on = forms.DateField(label=_("入职日期"), required=False, widget=DATE_WIDGET)
    left_on = forms.DateField(label=_("离职日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, positions, teams, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions
        self.fields["team"].queryset = teams
        self.fields["user"].queryset = users


class ShiftForm(forms.Form):
    name = forms.CharField(label=_("班次"), max_length=30)
    start = forms.TimeField(label=_("开始"), widget=TIME_WIDGET)
    end = forms.TimeField(label=_("结束"), widget=TIME_WIDGET, help_text=_("结束早于开始表示次日结束（夜班）。"))
