"""Forms of the service desk pages. They only parse: the services enforce every rule."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import TEXT_MAX_LENGTH, TITLE_MAX_LENGTH, Channel, Kind, Priority, ServiceRequest

PUBLIC_PLACE = ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    widget = MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotosField, self).clean(f, initial) for f in files]


class RequestForm(forms.Form):
    """Filing a request. Owners pick one of their units (or a public place); staff and the
    hotline name the building and unit, or a place, and who called."""

    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    category = forms.ChoiceField(label=_("分类"), required=False)
    title = forms.CharField(label=_("标题"), max_length=TITLE_MAX_LENGTH, required=False,
                            help_text=_("一句话说明，如“厨房水管漏水”；留空取描述的开头。"))
    description = forms.CharField(label=_("详细描述"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=TEXT_MAX_LENGTH)
    unit = forms.ChoiceField(label=_("房屋"), required=False)
    building = forms.ChoiceField(label=_("楼栋"), required=False)
    unit_number = forms.CharField(label=_("房号"), max_length=30, required=False)
    zone = forms.ChoiceField(label=_("分区"), required=False)
    location = forms.CharField(label=_("位置"), max_length=200, required=False,
                               help_text=_("公共区域请写清楼栋、单元或地点，如“3号楼2单元楼道”。"))
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices, initial=Priority.NORMAL)
    channel = forms.ChoiceField(label=_("来源"), required=False,
                                choices=[c for c in Channel.choices if c[0] not in (Channel.OWNER, Channel.HOTLINE)])
    requester_name = forms.CharField(label=_("报事人"), max_length=60, required=False)
    requester_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    photos = PhotosField(label=_("照片"), required=False,
                         help_text=_("JPEG、PNG 或 WebP，每张不超过 5 MB，最多 9 张。"))
    # Photos of an earlier try that was refused (linli.core.kept_uploads): ticked ones go with the request.
    kept_photos = forms.MultipleChoiceField(
        label=_("已选择的照片"), required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("上次提交未成功，这些照片已为您保留：勾选的随工单一起提交；取消勾选即不用，也可在上方另选照片替换。"))

    def __init__(self, *args, mode: str, categories, units=(), buildings=(), zones=(), kept=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        self.offer_kept(kept)
        self.fields["category"].choices = [("", _("（请选择）"))] + [(c.name, c.name) for c in categories]
        self.fields["zone"].choices = [("", "—")] + [(z.pk, z.label) for z in zones]
        if mode == "owner":
            self.fields["unit"].choices = [(u.pk, f"{u.community.name} {u}") for u in units] + [
                (PUBLIC_PLACE, _("公共区域"))]
            # Most repairs are at home: the owner's own (first) unit, not the public area (issue 17).
            self.fields["unit"].initial = units[0].pk if units else PUBLIC_PLACE
            for name in ("building", "unit_number", "priority", "channel", "requester_name", "requester_phone"):
                del self.fields[name]
        else:
            del self.fields["unit"]
            self.fields["building"].choices = [("", "—")] + [(b.pk, b.name) for b in buildings]
            if mode == "hotline":
                del self.fields["channel"]
                self.fields["kind"].initial = Kind.COMPLAINT
            self.fields["requester_name"].required = mode == "hotline"

    def offer_kept(self, kept, *, ticked=None) -> None:
        """Offer the kept photos `kept` ([{"token", "name"}]) to tick, `ticked` (tokens) ticked
        when given; without any kept photo the field is not shown."""
        if not kept:
            self.fields.pop("kept_photos", None)
            return
        field = self.fields.setdefault("kept_photos", copy.deepcopy(self.base_fields["kept_photos"]))
        field.choices = [(k["token"], _("已选择照片：%(name)s") % {"name": k["name"]}) for k in kept]
        field.initial = [k["token"] for k in kept]  # kept unless unticked
        if ticked is not None:
            self.data = self.data.copy()
            self.data.setlist(self.add_prefix("kept_photos"), list(ticked))


class ActionForm(forms.Form):
    """Every action on the detail page posts here; which fields matter depends on the action."""

    text = forms.CharField(required=False)
    reason = forms.CharField(required=False)
    public = forms.BooleanField(required=False)
    assignee = forms.IntegerField(required=False)
    team = forms.IntegerField(required=False)
    rating = forms.IntegerField(required=False, min_value=1, max_value=5)
    satisfaction = forms.ChoiceField(required=False, choices=[("", "")] + ServiceRequest.Satisfaction.choices)
    photos = PhotosField(required=False)


class PolicyForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=Kind.choices)
    priority = forms.ChoiceField(label=_("优先级"), choices=Priority.choices)
    accept_minutes = forms.IntegerField(label=_("受理时限(分钟)"), min_value=1)
    resolve_hours = forms.IntegerField(label=_("办结时限(小时)"), min_value=1)
    calendar = forms.ChoiceField(label=_("计时"), required=False)

    def __init__(self, *args, calendars=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["calendar"].choices = [("", _("7×24 小时"))] + [(c.pk, c.name) for c in calendars]
