"""Forms of the registry pages. They only parse input: every rule is the services' to enforce,
and a service's LinliError is shown on the form by `linli.core.pages.show_error`."""

from django import forms
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from .models import Owner, Resident, Unit


def _model_fields(model, names, widgets=None) -> dict:
    # Plain forms with the model's labels and choices, not ModelForms: a ModelForm writes the
    # input onto the instance while validating, and the service must see the instance unchanged.
    return fields_for_model(model, fields=names, widgets=widgets)


UNIT_FIELDS = ["number", "floor", "area", "exclusive_area", "usage", "status", "occupants", "low_income",
               "billing_start"]
UnitForm = type("UnitForm", (forms.Form,), _model_fields(Unit, UNIT_FIELDS, {"billing_start": DATE_WIDGET}))

OWNER_FIELDS = ["name", "kind", "phone", "id_number", "is_developer"]
OwnerForm = type("OwnerForm", (forms.Form,), _model_fields(Owner, OWNER_FIELDS))


class ResidentForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60)
    relation = forms.ChoiceField(
        label=_("关系"),
        choices=[(value, label) for value, label in Resident.Relation.choices if value != Resident.Relation.OWNER],
    )
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    move_in = forms.DateField(label=_("入住日期"), required=False, widget=DATE_WIDGET)


class UnitFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("房号或楼栋"), "type": "search"}))
    zone = forms.TypedChoiceField(label=_("分区"), required=False, coerce=int, empty_value=None)
    building = forms.TypedChoiceField(label=_("楼栋"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("状态"), required=False)
    usage = forms.ChoiceField(label=_("用途"), required=False)

    def __init__(self, *args, zones, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        every = [("", _("全部"))]
        self.fields["zone"].choices = every + [(z.pk, z.label) for z in zones]
        self.fields["building"].choices = every + [(b.pk, b.name) for b in buildings]
        self.fields["status"].choices = every + list(Unit.Status.choices)
        self.fields["usage"].choices = every + list(Unit.Usage.choices)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False,
                        widget=forms.TextInput(attrs={"placeholder": _("姓名"), "type": "search"}))


class InviteForm(forms.Form):
    OUTPUTS = [("html", _("打印通知")), ("pdf", _("下载 PDF")), ("sms", _("短信发送"))]
    output = forms.ChoiceField(choices=OUTPUTS)


class ActivateForm(forms.Form):
    code = forms.CharField(label=_("邀请码"), max_length=20, widget=forms.TextInput(
        attrs={"autocomplete": "one-time-code", "placeholder": "XXXX-XXXX-XXXX"}))
    username = forms.CharField(label=_("用户名"), max_length=150,
                               widget=forms.TextInput(attrs={"autocomplete": "username"}))
    password = forms.CharField(label=_("密码"), widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password2 = forms.CharField(label=_("确认密码"),
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", _("两次输入的密码不一致。"))
        return data


class BindRequestForm(forms.Form):
    community = forms.ModelChoiceField(label=_("小区"), queryset=None, empty_label=_("请选择小区"))
    building_name = forms.CharField(label=_("楼栋"), max_length=60,
                                    widget=forms.TextInput(attrs={"placeholder": _("如：1号楼")}))
    unit_number = forms.CharField(label=_("房号"), max_length=30,
                                  widget=forms.TextInput(attrs={"placeholder": _("如：101")}))
    name = forms.CharField(label=_("姓名"), max_length=60)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False)
    proof = forms.FileField(label=_("证明材料"), help_text=_("房产证、购房合同等，PDF、JPG 或 PNG，不超过 5 MB。"),
                            widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("通过")), ("reject", _("驳回"))])
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False)
