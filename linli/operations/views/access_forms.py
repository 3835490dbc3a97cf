"""Forms of the access, facilities, projects and notices pages: they only parse; the services
check and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.servicedesk.models import Priority

from ..models import Asset, Notice, Project, ProjectFunding, ProjectUnit

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _choices(rows, blank=_("—")):
    return [("", blank), *[(str(r.pk), getattr(r, "label", None) or str(r)) for r in rows]]


class VisitorForm(forms.Form):
    name = forms.CharField(label=_("访客姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}))
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False,
                            widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off",
                                                          "placeholder": "鲁Q12345"}))
    building = forms.ChoiceField(label=_("拜访楼栋"), required=False)
    unit_number = forms.CharField(label=_("房号"), max_length=30, required=False)
    purpose = forms.CharField(label=_("事由"), max_length=120, required=False)
    pass_hours = forms.TypedChoiceField(label=_("临时通行证"), required=False, coerce=int, empty_value=None, choices=[
        ("", _("不发放")), ("2", _("2 小时")), ("4", _("4 小时")), ("8", _("8 小时")), ("24", _("24 小时"))])

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = _choices(buildings)


class PassForm(forms.Form):
    plate = forms.CharField(label=_("车牌号"), max_length=20,
                            widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "鲁Q12345"}))
    hours = forms.TypedChoiceField(label=_("有效时长"), coerce=int, initial="4", choices=[
        ("2", _("2 小时")), ("4", _("4 小时")), ("8", _("8 小时")), ("24", _("24 小时")), ("72", _("3 天"))])


class VehicleForm(forms.Form):
    plate = forms.CharField(label=_("车牌号"), max_length=20,
                            widget=forms.TextInput(attrs={"autocapitalize": "characters", "placeholder": "鲁Q12345"}))
    building = forms.ChoiceField(label=_("楼栋"), required=False)
    unit_number = forms.CharField(label=_("房号"), max_length=30, required=False)
    description = forms.CharField(label=_("品牌颜色"), max_length=60, required=False)

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = _choices(buildings)


class CardForm(forms.Form):
    number = forms.CharField(label=_("卡号"), max_length=32)
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False, help_text=_("已登记车辆的车牌"))
    space = forms.CharField(label=_("车位编号"), max_length=30, required=False)
    zones = forms.MultipleChoiceField(label=_("可通行分区"), required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("不选为全部道闸"))
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DATE)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = [(str(z.pk), getattr(z, "label", str(z))) for z in zones]


class GateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    zone = forms.ChoiceField(label=_("分区"), required=False)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = _choices(zones)


class AssetForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=Asset.Kind.choices)
    code = forms.CharField(label=_("编号"), max_length=30)
    name = forms.CharField(label=_("名称"), max_length=60)
    zone = forms.ChoiceField(label=_("分区"), required=False)
    location = forms.CharField(label=_("位置"), max_length=120, required=False)
    installed_on = forms.DateField(label=_("安装日期"), required=False, widget=DATE)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = _choices(zones)


class PlanForm(forms.Form):
    name = forms.CharField(label=_("保养项目"), max_length=60)
    every_days = forms.IntegerField(label=_("周期(天)"), min_value=1, max_value=3660)
    next_due = forms.DateField(label=_("下次到期"), required=False, widget=DATE)


class RecordForm(forms.Form):
    description = forms.CharField(label=_("内容"), max_length=200)
    done_on = forms.DateField(label=_("日期"), required=False, widget=DATE)
    plan = forms.ChoiceField(label=_("保养计划"), required=False)
    cost = forms.DecimalField(label=_("费用(元)"), required=False, min_value=0, max_digits=12, decimal_places=2)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _choices(plans, _("维修（无计划）"))


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
    start_date = forms.DateField(label=_("开工日期"), required=False, widget=DATE)
    planned_end = forms.DateField(label=_("计划完工"), required=False, widget=DATE)


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
    received_on = forms.DateField(label=_("到位日期"), required=False, widget=DATE)


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_("进度"), choices=ProjectUnit.Status.choices)
    note = forms.CharField(label=_("备注"), max_length=120, required=False)


class NoticeForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    body = forms.CharField(label=_("正文"), widget=forms.Textarea(attrs={"rows": 8}))
    target = forms.ChoiceField(label=_("发布范围"))
    pinned = forms.BooleanField(label=_("置顶"), required=False)
    expires_at = forms.DateTimeField(label=_("下架时间"), required=False, widget=DATETIME,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])

    def __init__(self, *args, zones=(), buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = [
            (Notice.Audience.COMMUNITY, _("全小区")),
            *[(f"zone:{z.pk}", _("分区：%(name)s") % {"name": getattr(z, "label", str(z))}) for z in zones],
            *[(f"building:{b.pk}", _("楼栋：%(name)s") % {"name": b.name}) for b in buildings]]

