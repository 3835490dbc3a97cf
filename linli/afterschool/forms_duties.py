"""Forms of the school's duties: a consultation (one question a line), a guardian's answers,
a safety-education session and a meeting's minutes. They only parse; the services check."""

from django import forms
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _

from linli.core.pages import DATE_WIDGET

from .forms import DATETIME_WIDGET
from .models import StaffMeeting


class ConsultationForm(forms.Form):
    program = forms.ModelChoiceField(label=_("项目"), queryset=None)
    title = forms.CharField(label=_("标题"), max_length=80)
    intro = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    questions = forms.CharField(label=_("问题"), widget=forms.Textarea(attrs={"rows": 4}),
                                help_text=_("每行一题：题目｜选项1｜选项2…，例如：希望的服务内容｜辅导作业｜兴趣社团｜阅读"))
    closes_at = forms.DateTimeField(label=_("截止时间"), required=False, widget=DATETIME_WIDGET,
                                    help_text=_("留空即到项目开始时截止。"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["program"].queryset = programs

    def clean_questions(self):
        rows = []
        for line in self.cleaned_data["questions"].splitlines():
            parts = [p.strip() for p in line.replace("|", "｜").split("｜")]
            if not any(parts):
                continue
            if len(parts) < 3:
                raise forms.ValidationError(_t("每题至少两个选项，用“｜”隔开。"))
            rows.append({"text": parts[0], "options": parts[1:]})
        return rows


class AnswerForm(forms.Form):
    """One radio group per question; the field q<id> holds the option's index."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for q in questions:
            self.fields[f"q{q.pk}"] = forms.TypedChoiceField(
                label=q.text, coerce=int, widget=forms.RadioSelect,
                choices=[(i, label) for i, label in enumerate(q.options)],
                error_messages={"required": _t("请选择一项。")})

    def answers(self) -> dict:
        return {int(name[1:]): value for name, value in self.cleaned_data.items()}


class SafetyEducationForm(forms.Form):
    school_class = forms.ModelChoiceField(label=_("班级"), queryset=None)
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    topic = forms.CharField(label=_("主题"), max_length=100)
    teacher = forms.ModelChoiceField(label=_("授课教师"), queryset=None)
    attendance = forms.IntegerField(label=_("参加人数"), min_value=0)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    def __init__(self, *args, classes, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["school_class"].queryset = classes
        self.fields["teacher"].queryset = staff


class MeetingForm(forms.Form):
    kind = forms.ChoiceField(label=_("会议类型"), choices=StaffMeeting.Kind.choices)
    date = forms.DateField(label=_("日期"), widget=DATE_WIDGET)
    title = forms.CharField(label=_("议题"), max_length=100)
    attendees = forms.ModelMultipleChoiceField(label=_("参会人员"), queryset=None,
                                               widget=forms.CheckboxSelectMultiple)
    minutes = forms.CharField(label=_("会议纪要"), widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(label=_("决定事项"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("每行一项。"))

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = staff

    def clean_decisions(self):
        return [line.strip() for line in self.cleaned_data["decisions"].splitlines() if line.strip()]
