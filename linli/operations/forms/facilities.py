"""Forms of facilities (assets, upkeep, repairs) and projects (units, funding)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET
from linli.servicedesk.models import Priority

from ..models import Asset, Project, ProjectFunding
from . import choices


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Asset.Kind.choices)
    code = forms.CharField(label=_("编号"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=60)
    zone = forms.ChoiceField(label=_("分区"), required=False)
    location = forms.CharField(label=_("位置"), max_length=120, required=False)
    installed_on = forms.DateField(label=_("安装日期"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = choices(zones)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("保养项目"), max_length=60)
    every_days = forms.IntegerField(label=_("周期(天)"), min_value=1, max_value=3660)
    next_due = forms.DateField(label=_("下次到期"), required=False, widget=DATE_WIDGET)


class RecordForm(forms.Form):
    description = forms.CharField(label=_("内容"), max_length=200)
    done_on = forms.DateField(label=_("日期"), required=False, widget=DATE_WIDGET)
    plan = forms.ChoiceField(label=_("保养计划"), required=False)
    cost = forms.DecimalField(label=_("费用(元)"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = choices(plans, _("维修（无计划）"))


class LinkForm(forms.Form):
    service_request = forms.IntegerField(label=_("报修单号"), min_value=1)


class FaultForm(forms.Form):
    description = forms.CharField(label=_("故障情况"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial=Priority.NORMAL)


class ProjectForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Project.Kind.choices)
    name = forms.CharField(label=_("项目名称"), max_length=80)
    description = forms.CharField(label=_("内容"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    budget = forms.DecimalField(label=_("预算(元)"), required=False, min_value=0, max_digits=14, decimal_places=2)
    start_date = forms.DateField(label=_("开工日期"), required=False, widget=DATE_WIDGET)
    planned_end = forms.DateField(label=_("计划完工"), required=False, widget=DATE_WIDGET)


class UnitsAddForm(forms.Form):
    scope = forms.ChoiceField(label=_("范围"))

    def __init__(self, *args, zones=(), buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [("all", _("全小区")),
                                        *[(f"zone:{z.pk}", getattr(z, "label", str(z))) for z in zones],
                                        *[(f"building:{b.pk}", str(b)) for b in buildings]]


class FundingForm(forms.Form):
    source = forms.ChoiceField(label=_("资金来源"), choices=ProjectFunding.Source.choices)
    amount = forms.DecimalField(label=_("金额(元)"), min_value=0, max_digits=14, decimal_places=2)
    reference = forms.CharField(label=_("依据"), max_length=120, required=False)
    received_on = forms.DateField(label=_("到位日期"), required=False, widget=DATE_WIDGET)
