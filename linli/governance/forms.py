"""Forms of the governance pages. They only parse input; the services enforce every rule."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.errors import ValidationFailed
from linli.core.money import money
from linli.core.pages import DATE_WIDGET

from .eligibility import DEFAULT_CONDITIONS
from .models import Assembly, Candidate, CountOfficer, FundUsage, Matter, PrepGroupMember, ServiceBudget, Vote
from .services.duties import HAND_OFF_KINDS

CHOICES = forms.CheckboxSelectMultiple(attrs={"class": "choice-list"})
DATETIME_WIDGET = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={"type": "datetime-local"})


class DateTimeField(forms.DateTimeField):
    def __init__(self, **kwargs):
        super().__init__(widget=DATETIME_WIDGET, input_formats=["%Y-%m-%dT%H:%M"], **kwargs)


class UnitPicker(forms.Form):
    """Names a unit by building and number, as tellers read them off a paper ballot or proxy."""

    building = forms.TypedChoiceField(label=_("楼栋"), coerce=int)
    number = forms.CharField(label=_("房号"), max_length=30, widget=forms.TextInput(attrs={"placeholder": "2-301"}))

    def __init__(self, *args, buildings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [(b.pk, b.name) for b in buildings]


class AssemblyForm(forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=120)
    form = forms.ChoiceField(label=_("形式"), choices=Assembly.Form.choices, initial=Assembly.Form.WRITTEN)
    place = forms.CharField(label=_("地点"), max_length=120, required=False)
    opens_at = DateTimeField(label=_("表决开始"), required=False, help_text=_("留空：立即开始表决。"))
    closes_at = DateTimeField(label=_("表决截止"), required=False, help_text=_("留空：由业主委员会结束表决。"))
    notice = forms.CharField(label=_("会议通知"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class MotionForm(forms.Form):
    title = forms.CharField(label=_("议题"), max_length=200)
    matter = forms.ChoiceField(label=_("事项类别（民法典第二百七十八条）"), choices=Matter.choices)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class VoteForm(forms.Form):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Vote.Choice.choices, widget=forms.RadioSelect)


class TellerVoteForm(UnitPicker):
    choice = forms.ChoiceField(label=_("表决意见"), choices=Vote.Choice.choices)
    proxy = forms.TypedChoiceField(label=_("书面委托"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, proxies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proxy"].choices = [("", _("本人投票"))] + [(p.pk, str(p)) for p in proxies]


class ProxyForm(UnitPicker):
    holder_name = forms.CharField(label=_("受托人"), max_length=60)
    document = forms.FileField(label=_("委托书"), help_text=_("签字的委托书，PDF、JPG 或 PNG，不超过 5 MB。"),
                               widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}))


class ElectionForm(forms.Form):
    title = forms.CharField(label=_("名称"), max_length=120, required=False)
    seats = forms.IntegerField(label=_("应选人数"), initial=9, min_value=1, max_value=11,
                               help_text=_("5 至 11 人的单数。"))
    publicity_ends = DateTimeField(label=_("候选人公示截止"), required=False, help_text=_("留空：不设公示期。"))
    conditions = forms.MultipleChoiceField(label=_("候选人资格条件"), required=False, widget=CHOICES,
                                           help_text=_("本小区产权人或产权共有人始终适用；提名时逐项审查，并在选票上载明。"))

    def __init__(self, *args, conditions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["conditions"].choices = [(c.name, c.label) for c in conditions]
        self.fields["conditions"].initial = list(DEFAULT_CONDITIONS)


class NominationForm(UnitPicker):
    # 自荐 is entered by the owner themself on the portal, never for them.
    nominated_by = forms.ChoiceField(label=_("提名方式"), choices=[
        c for c in Candidate.Channel.choices if c[0] != Candidate.Channel.SELF])
    statement = forms.CharField(label=_("个人简介"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


def ballot_label(candidate) -> str:
    """A candidate on the ballot with the qualifications checked at nomination (篇四 §一.1)."""
    passed = "、".join(check["label"] for check in candidate.eligibility if check["ok"])
    return f"{candidate.owner.name}（{passed}）" if passed else candidate.owner.name


class BallotForm(UnitPicker):
    selections = forms.TypedMultipleChoiceField(label=_("所选候选人"), coerce=int, required=False,
                                                widget=CHOICES)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selections"].choices = [(c.pk, ballot_label(c)) for c in candidates]


class OwnBallotForm(forms.Form):
    selections = forms.TypedMultipleChoiceField(label=_("所选候选人"), coerce=int, required=False,
                                                widget=CHOICES)

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["selections"].choices = [(c.pk, ballot_label(c)) for c in candidates]


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("取消理由"), max_length=200)


class CountOfficerForm(forms.Form):
    role = forms.ChoiceField(label=_("职责"), choices=CountOfficer.Role.choices)
    name = forms.CharField(label=_("姓名"), max_length=60)


class TallyForm(forms.Form):
    ballots_collected = forms.IntegerField(label=_("票箱清点票数"), min_value=0, required=False,
                                           help_text=_("纸质选票的清点数；多于参加人数则本轮选举无效。"))


class TieBreakForm(forms.Form):
    member = forms.TypedChoiceField(label=_("当选委员"), coerce=int)
    choices = forms.TypedMultipleChoiceField(label=_("选择"), coerce=int, widget=CHOICES)

    def __init__(self, *args, members=(), tied=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(c.pk, c.owner.name) for c in members]
        self.fields["choices"].choices = [(c.pk, c.owner.name) for c in tied]


class OfficerBallotForm(forms.Form):
    voter = forms.TypedChoiceField(label=_("投票委员"), coerce=int)
    chair = forms.TypedChoiceField(label=_("主任"), coerce=int)
    vice_chairs = forms.TypedMultipleChoiceField(label=_("副主任（两位）"), coerce=int,
                                                 widget=CHOICES)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.owner.name) for m in members]
        for name in ("voter", "chair", "vice_chairs"):
            self.fields[name].choices = choices


class FilingForm(forms.Form):
    reference = forms.CharField(label=_("备案编号"), max_length=60)
    filed_on = forms.DateField(label=_("报送日期"), required=False, widget=DATE_WIDGET)


class FilingAnswerForm(forms.Form):
    note = forms.CharField(label=_("意见"), max_length=200, required=False, help_text=_("退回时必填。"))


class ByElectionForm(forms.Form):
    seats = forms.IntegerField(label=_("补选人数"), min_value=1, max_value=11)


class HireForm(forms.Form):
    username = forms.CharField(label=_("受聘人的用户名"), max_length=150)
    position = forms.CharField(label=_("岗位"), max_length=60, required=False, initial=_("物业管理负责人"))


class FirstDepositForm(forms.Form):
    rate = forms.DecimalField(label=_("首期交存标准（元/m²）"), max_digits=10, decimal_places=2, min_value=0)


class PublishForm(forms.Form):
    publicity_ends = DateTimeField(label=_("公示截止"), required=False,
                                   help_text=_("否定表决：不早于发布后 7 日；留空沿用草稿中的时间。"))


class AmountForm(forms.Form):
    amount = forms.DecimalField(label=_("金额（元）"), max_digits=14, decimal_places=2)
    memo = forms.CharField(label=_("摘要"), max_length=120, required=False)


class TopUpForm(UnitPicker, AmountForm):
    pass


class FundUsageForm(forms.Form):
    title = forms.CharField(label=_("项目名称"), max_length=120)
    amount = forms.DecimalField(label=_("预算金额（元）"), max_digits=14, decimal_places=2, min_value=0)
    contractor = forms.CharField(label=_("施工单位"), max_length=120, required=False)
    mode = forms.ChoiceField(label=_("使用方式"), choices=FundUsage.Mode.choices, initial=FundUsage.Mode.NEGATIVE_VOTE)
    category = forms.ChoiceField(label=_("应急情形"), required=False,
                                 choices=[("", "—")] + list(FundUsage.Category.choices))
    publicity_ends = DateTimeField(label=_("公示截止"), required=False, help_text=_("否定表决：公示期内业主可提出异议。"))
    buildings = forms.TypedMultipleChoiceField(label=_("分摊范围（楼栋）"), coerce=int,
                                               widget=CHOICES)
    description = forms.CharField(label=_("维修方案"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, buildings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buildings"].choices = [(b.pk, b.name) for b in buildings]


class PrepMemberForm(forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=60, required=False, help_text=_("业主成员可只填房屋。"))
    role = forms.ChoiceField(label=_("职务"), choices=PrepGroupMember.Role.choices)
    affiliation = forms.CharField(label=_("身份"), max_length=60, required=False,
                                  help_text=_("如：业主代表、街道办事处代表"))


class RecallForm(forms.Form):
    members = forms.TypedMultipleChoiceField(label=_("提请罢免的委员"), coerce=int, widget=CHOICES)
    reason = forms.CharField(label=_("罢免理由"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(m.pk, m.owner.name) for m in members]


class BudgetForm(forms.Form):
    """The lines are typed one a line — item, amount, and an optional note, separated by a comma,
    a Chinese comma, a tab or a bar — as they are copied out of a spreadsheet."""

    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label=_("类别"), choices=ServiceBudget.Kind.choices)
    title = forms.CharField(label=_("名称"), max_length=120, required=False, help_text=_("留空：按年度和类别命名。"))
    lines = forms.CharField(label=_("项目明细"), widget=forms.Textarea(attrs={"rows": 8}),
                            help_text=_("每行一项：项目，金额（元），说明（可省略）。"))
    note = forms.CharField(label=_("编制说明"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_lines(self):
        rows = []
        for number, text in enumerate(self.cleaned_data["lines"].splitlines(), start=1):
            if not text.strip():
                continue
            parts = [p.strip() for p in re.split(r"[,，\t|]", text, maxsplit=2)]
            try:
                amount = money(parts[1].replace("元", "")) if len(parts) > 1 else None
            except ValidationFailed:
                amount = None
            if amount is None or not parts[0]:
                raise forms.ValidationError(_("第 %(n)s 行：请写“项目，金额”。") % {"n": number})
            rows.append({"item": parts[0], "amount": amount, "note": parts[2] if len(parts) > 2 else ""})
        return rows


class BudgetRevisionForm(BudgetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["year"], self.fields["kind"]


class ReviewForm(forms.Form):
    note = forms.CharField(label=_("审核意见"), max_length=200, required=False, help_text=_("退回时必填。"))


class ConcernForm(forms.Form):
    subject = forms.CharField(label=_("事项"), max_length=100)
    text = forms.CharField(label=_("意见"), max_length=1500, widget=forms.Textarea(attrs={"rows": 5}))


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                             required=False)
    kind = forms.ChoiceField(label=_("转为工单的类型"), required=False, choices=[
        (k.value, k.label) for k in HAND_OFF_KINDS])
