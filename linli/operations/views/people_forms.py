"""Forms of the people pages. They only parse input; the services enforce every rule."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.web.forms import DATE_WIDGET

from ..models import PatrolCheckIn, TaskTemplate, WorkKind

TIME_WIDGET = forms.TimeInput(format="%H:%M", attrs={"type": "time"})
WEEKDAYS = [(1, _("周一")), (2, _("周二")), (3, _("周三")), (4, _("周四")), (5, _("周五")), (6, _("周六")),
            (7, _("周日"))]


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


class RosterEntryForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    shift = forms.ModelChoiceField(label=_("班次"), queryset=None)
    team = forms.ModelChoiceField(label=_("班组"), queryset=None)
    member = forms.ModelChoiceField(label=_("员工"), queryset=None)
    note = forms.CharField(label=_("备注"), max_length=120, required=False)

    def __init__(self, *args, shifts, teams, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shift"].queryset = shifts
        self.fields["team"].queryset = teams
        self.fields["member"].queryset = members


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


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    kind = forms.ChoiceField(label=_("类别"), choices=TaskTemplate.Kind.choices)
    frequency = forms.ChoiceField(label=_("周期"), choices=TaskTemplate.Frequency.choices)
    times = forms.IntegerField(label=_("每周期次数"), min_value=1, max_value=31, initial=1,
                               help_text=_("每月 n 次：把当月平均分成 n 段，取每段的第一天（每月二次即 1 日和 16 日，"
                                           "二月为 1 日和 15 日）。每周任务选了星期时按星期。"))
    weekdays = forms.TypedMultipleChoiceField(label=_("星期"), choices=WEEKDAYS, coerce=int, required=False,
                                              widget=forms.CheckboxSelectMultiple)
    due_time = forms.TimeField(label=_("完成时限"), widget=TIME_WIDGET, initial="18:00")
    zones = forms.ModelMultipleChoiceField(label=_("分区"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    team = forms.ModelChoiceField(label=_("班组"), queryset=None, required=False,
                                  help_text=_("分区内有同类班组时由该班组负责。"))
    checklist = forms.CharField(label=_("检查项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("每行一项。"))
    photo_required = forms.BooleanField(label=_("须拍照"), required=False, initial=True)
    active = forms.BooleanField(label=_("启用"), required=False, initial=True)

    def __init__(self, *args, zones, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].queryset = zones
        self.fields["team"].queryset = teams

    def clean_checklist(self):
        return [line.strip() for line in self.cleaned_data["checklist"].splitlines() if line.strip()]


class CompleteForm(forms.Form):
    photo = forms.FileField(label=_("现场照片"), required=False,
                             widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}))
    note = forms.CharField(label=_("说明"), max_length=200, required=False)


class InspectionForm(forms.Form):
    zone = forms.ModelChoiceField(label=_("分区"), queryset=None, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=TaskTemplate.Kind.choices)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones
