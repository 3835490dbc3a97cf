"""Forms of cleaning and greening: task templates, completing a task, inspections."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import TaskTemplate
from . import TIME_WIDGET, WEEKDAYS


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
