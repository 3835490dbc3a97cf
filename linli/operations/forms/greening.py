"""Forms of greening and facilities: species, plantings, vegetable plots and streetlight faults."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from ..models import GreenArea, Planting


class SpeciesForm(forms.Form):
    name = forms.CharField(label=_("品种"), max_length=60)
    evergreen = forms.BooleanField(label=_("四季常青"), required=False)
    tall_crown = forms.BooleanField(label=_("高冠"), required=False)
    colourful = forms.BooleanField(label=_("色彩鲜艳"), required=False)


class PlantingForm(forms.Form):
    species = forms.ModelChoiceField(label=_("品种"), queryset=None)
    kind = forms.ChoiceField(label=_("类型"), choices=Planting.Kind.choices)
    area = forms.ChoiceField(label=_("区域类别"), choices=GreenArea.choices,
                             help_text=_("中心游园、广场周围、居民活动场所为显眼处，须种四季常青的花木。"))
    location = forms.CharField(label=_("具体位置"), max_length=100)
    zone = forms.ModelChoiceField(label=_("分区"), queryset=None, required=False)
    quantity = forms.IntegerField(label=_("数量（株）"), min_value=1)
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, species, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["species"].queryset = species
        self.fields["zone"].queryset = zones


class ReportForm(forms.Form):
    """A vegetable plot or a streetlight fault found on site."""

    location = forms.CharField(label=_("位置"), max_length=100)
    zone = forms.ModelChoiceField(label=_("分区"), queryset=None, required=False)
    description = forms.CharField(label=_("情况"), max_length=200, required=False)
    reported_on = forms.DateField(label=_("发现日期"), widget=DATE_WIDGET, required=False)

    def __init__(self, *args, zones, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = zones


class PlotReportForm(ReportForm):
    photo = forms.ImageField(label=_("照片"), required=False)


class NotifyForm(forms.Form):
    deadline = forms.DateField(label=_("清除期限"), widget=DATE_WIDGET, required=False,
                               help_text=_("留空为通知后 7 天。"))


class ClearForm(forms.Form):
    cleared_on = forms.DateField(label=_("清除日期"), widget=DATE_WIDGET, required=False)
    photo = forms.ImageField(label=_("清除后照片"), required=False)


class HandOverForm(forms.Form):
    power_reference = forms.CharField(label=_("供电公司受理单号"), max_length=60)
    handed_over_on = forms.DateField(label=_("移交日期"), widget=DATE_WIDGET, required=False)
    promised_by = forms.DateField(label=_("承诺修复日期"), widget=DATE_WIDGET, required=False,
                                  help_text=_("未承诺时按移交后 7 天计。"))


class FixedForm(forms.Form):
    fixed_on = forms.DateField(label=_("修复日期"), widget=DATE_WIDGET, required=False)
