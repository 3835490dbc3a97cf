"""Forms of the regulator workspace: they parse; the services decide."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import evaluation
from .models import QUARTER_PATTERN, Certificate, Honour, Rectification, ServiceContract, TrainingSession

DATE = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})


def score_field(label, maximum=Decimal("100"), **kwargs):
    return forms.DecimalField(label=label, min_value=Decimal("0"), max_value=maximum, max_digits=5,
                              decimal_places=2, **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


class InspectionForm(forms.Form):
    """One field per rubric item (`item_<id>`), so the score is always the sum of the items."""

    quarter = forms.RegexField(QUARTER_PATTERN, label=_("季度"), help_text=_("如 2026Q3"))
    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE)
    notes = forms.CharField(label=_("检查记录"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photos = MultipleFileField(label=_("现场照片（JPG/PNG）"), required=False,
                               widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png"}))

    def __init__(self, *args, rubric=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["quarter"].initial = evaluation.quarter_of(today)
        self.fields["inspected_on"].initial = today
        self.categories = []
        for category in rubric.categories.all() if rubric else []:
            names = []
            for item in category.items.all():
                name = f"item_{item.pk}"
                self.fields[name] = score_field(item.text, maximum=item.max_points,
                                                help_text=_("满分 %(max)s") % {"max": item.max_points})
                self.fields[name].item = item
                names.append(name)
            self.categories.append((category, names))
        if rubric is None:
            self.fields["score"] = score_field(_("得分"))

    def items(self) -> list[dict]:
        return [{"item": self.fields[name].item, "points": self.cleaned_data[name]}
                for _category, names in self.categories for name in names]

    def category_fields(self):
        return [(category, [self[name] for name in names]) for category, names in self.categories]


class AnnualAssessmentForm(forms.Form):
    company = forms.ModelChoiceField(label=_("物业服务企业"), queryset=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    score = score_field(_("年度考核得分"))
    notes = forms.CharField(label=_("说明"), required=False)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = companies


class QuarterForm(forms.Form):
    quarter = forms.RegexField(QUARTER_PATTERN, label=_("季度"))


class RectifyForm(forms.Form):
    deadline = forms.DateField(label=_("整改期限"), widget=DATE)
    requirements = forms.CharField(label=_("整改要求"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ReinspectForm(forms.Form):
    community = forms.ModelChoiceField(label=_("复查小区"), queryset=None)
    score = score_field(_("复查得分"))
    notes = forms.CharField(label=_("复查记录"), required=False)

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class ProposalForm(forms.Form):
    proposal = forms.ChoiceField(label=_("处理建议"), choices=Rectification.Proposal.choices)


class ContractForm(forms.ModelForm):
    class Meta:
        model = ServiceContract
        fields = ["community", "company", "phase", "signed_on", "start", "end", "notes"]
        widgets = {"signed_on": DATE, "start": DATE, "end": DATE}

    def __init__(self, *args, communities, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities
        self.fields["company"].queryset = companies


class TrainingForm(forms.ModelForm):
    class Meta:
        model = TrainingSession
        fields = ["title", "tier", "trade", "held_on", "hours"]
        widgets = {"held_on": DATE}


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, staff):
        return f"{staff.name}（{staff.community.name} · {staff.position.name}）"


class AttendanceForm(forms.Form):
    session = forms.ModelChoiceField(label=_("培训"), queryset=None)
    staff = StaffChoiceField(label=_("员工"), queryset=None)
    attended = forms.BooleanField(label=_("出勤"), required=False, initial=True)

    def __init__(self, *args, sessions, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["session"].queryset = sessions
        self.fields["staff"].queryset = staff


class CertificateForm(forms.Form):
    staff = StaffChoiceField(label=_("持证人（员工）"), queryset=None)
    kind = forms.ChoiceField(label=_("证书"), choices=Certificate.Kind.choices)
    number = forms.CharField(label=_("证书编号"), max_length=40)
    issued_on = forms.DateField(label=_("发证日期"), widget=DATE)
    expires_on = forms.DateField(label=_("有效期至"), widget=DATE)

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff


class HonourForm(forms.ModelForm):
    class Meta:
        model = Honour
        fields = ["community", "level", "year", "title"]

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


class HonourReviewForm(forms.Form):
    score = score_field(_("复核得分"))
    passed = forms.BooleanField(label=_("达到标准"), required=False)
    notes = forms.CharField(label=_("说明"), required=False)


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label=_("进度(%)"), min_value=0, max_value=100)


class SubsidyForm(forms.Form):
    amount = forms.DecimalField(label=_("补贴金额（元）"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
