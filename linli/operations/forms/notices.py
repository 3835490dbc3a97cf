"""The notice editor's form."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Notice

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


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
