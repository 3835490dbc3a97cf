"""Forms of the counted training, the qualification application and the departments' scoring:
they parse; linli/oversight/training.py and department_evaluation.py decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class QualificationApplyForm(forms.Form):
    company = forms.ModelChoiceField(label=_("物业服务企业"), queryset=None)
    jurisdiction = forms.ModelChoiceField(label=_("受理单位"), queryset=None)

    def __init__(self, *args, companies, jurisdictions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies
        self.fields["jurisdiction"].queryset = jurisdictions


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("审核结果"), coerce=lambda v: v == "1",
                                     choices=[("1", _("核准")), ("0", _("不予核准"))])
    notes = forms.CharField(label=_("审核意见"), max_length=200, required=False)


class CategoryScoreForm(forms.Form):
    """One field per item of a category, up to the item's points."""

    notes = forms.CharField(label=_("考评意见"), max_length=200, required=False)

    def __init__(self, *args, category, **kwargs):
        super().__init__(*args, **kwargs)
        self.category = category
        for item in category.items.all():
            self.fields[f"item_{item.pk}"] = forms.DecimalField(
                label=item.text, min_value=Decimal(0), max_value=item.max_points, max_digits=5, decimal_places=2,
                help_text=_("满分 %(max)s") % {"max": item.max_points})
        self.order_fields([f"item_{item.pk}" for item in category.items.all()] + ["notes"])

    def items(self) -> list[dict]:
        return [{"item": item.pk, "points": self.cleaned_data[f"item_{item.pk}"]} for item in self.category.items.all()]
