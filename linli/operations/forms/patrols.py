"""Forms of patrol routes, checkpoints and plans, and the guard's check-in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import PatrolCheckIn
from . import TIME_WIDGET, WEEKDAYS


class RouteForm(forms.Form):
    name = forms.CharField(label=_("路线"), max_length=60)
    zone = forms.ModelChoiceField(label=_("分区"), queryset=None, required=False)
    description = forms.CharField(label=_("说明"), max_length=200, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones


class CheckpointForm(forms.Form):
    name = forms.CharField(label=_("巡更点"), max_length=60)
    location = forms.CharField(label=_("位置"), max_length=120, required=False)
    order = forms.IntegerField(label=_("顺序"), min_value=0, max_value=999, initial=0)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("计划"), max_length=60)
    weekdays = forms.TypedMultipleChoiceField(label=_("星期"), choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple, help_text=_("不选为每天。"))
    window_start = forms.TimeField(label=_("开始时间"), widget=TIME_WIDGET)
    window_end = forms.TimeField(label=_("结束时间"), widget=TIME_WIDGET,
                                 help_text=_("结束早于开始表示次日结束，如 22:00–02:00。"))
    team = forms.ModelChoiceField(label=_("班组"), queryset=None, required=False)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams


class CodeForm(forms.Form):
    code = forms.CharField(label=_("点位码"), max_length=16,
                           widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters",
                                                         "spellcheck": "false", "placeholder": "A1B2C3D4"}))
    method = forms.ChoiceField(choices=PatrolCheckIn.Method.choices, required=False, widget=forms.HiddenInput)
    note = forms.CharField(label=_("情况说明"), max_length=200, required=False)
