"""Forms of vehicle access and the visitor register."""

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from . import choices


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
        self.fields["building"].choices = choices(buildings)


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
        self.fields["building"].choices = choices(buildings)


class CardForm(forms.Form):
    number = forms.CharField(label=_("卡号"), max_length=32)
    plate = forms.CharField(label=_("车牌号"), max_length=20, required=False, help_text=_("已登记车辆的车牌"))
    space = forms.CharField(label=_("车位编号"), max_length=30, required=False)
    zones = forms.MultipleChoiceField(label=_("可通行分区"), required=False, widget=forms.CheckboxSelectMultiple,
                                      help_text=_("不选为全部道闸"))
    valid_until = forms.DateField(label=_("有效期至"), required=False, widget=DATE_WIDGET)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zones"].choices = [(str(z.pk), getattr(z, "label", str(z))) for z in zones]


class GateForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    zone = forms.ChoiceField(label=_("分区"), required=False)

    def __init__(self, *args, zones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["zone"].choices = choices(zones)
