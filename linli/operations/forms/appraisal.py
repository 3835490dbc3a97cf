"""Forms of staff appraisal: a new appraisal (criteria one per line, “名称 满分”) and one member's scores."""

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET


class AppraisalForm(forms.Form):
    name = forms.CharField(label=_("名称"), max_length=60)
    period_start = forms.DateField(label=_("考核期开始"), widget=DATE_WIDGET)
    period_end = forms.DateField(label=_("考核期结束"), widget=DATE_WIDGET)
    reward_percent = forms.IntegerField(label=_("奖励比例（%）"), min_value=0, max_value=100, initial=20)
    eliminate_percent = forms.IntegerField(label=_("淘汰比例（%）"), min_value=0, max_value=100, initial=10,
                                           help_text=_("其余为鼓励。人数按比例向下取整；名次相同处不奖励也不淘汰。"))
    criteria = forms.CharField(label=_("考核项目"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
                               help_text=_("每行一项：名称 满分。留空即用默认五项，每项 20 分。"))

    def clean_criteria(self):
        rows = []
        for line in self.cleaned_data["criteria"].splitlines():
            if not line.strip():
                continue
            name, _sep, top = line.strip().rpartition(" ")
            if not name.strip() or not top.isdigit():
                raise forms.ValidationError(_t("每行写“名称 满分”，例如：敬业修德 20"))
            rows.append({"name": name.strip(), "max": int(top)})
        return rows


class ScoreForm(forms.Form):
    member = forms.ModelChoiceField(label=_("员工"), queryset=None)
    comment = forms.CharField(label=_("评语"), max_length=200, required=False)

    def __init__(self, *args, members, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = members
        self.criteria = criteria
        for i, criterion in enumerate(criteria):
            self.fields[f"c{i}"] = forms.IntegerField(
                label=f"{criterion['name']}（{_t('满分')} {criterion['max']}）", min_value=0, max_value=criterion["max"])
        self.order_fields(["member", *[f"c{i}" for i in range(len(criteria))], "comment"])

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {"member": data["member"], "comment": data["comment"],
                "scores": [data[f"c{i}"] for i in range(len(self.criteria))]}
