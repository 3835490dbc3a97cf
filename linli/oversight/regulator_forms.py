"""Forms of the regulators' create pages (issue 19 item 3): they parse; the services decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.estates.models import Community
from linli.orgs.models import Organization

from . import regulator_selectors, selectors


class RenovationTargetForm(forms.Form):
    district = forms.ModelChoiceField(label=_("区"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    target = forms.IntegerField(label=_("目标（个）"), min_value=0, max_value=32767)

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts


class RenovationProjectForm(forms.Form):
    district = forms.ModelChoiceField(label=_("区"), queryset=Organization.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("老旧小区"), max_length=120)
    scope = forms.CharField(label=_("改造内容"), max_length=200, required=False)
    community = forms.ModelChoiceField(label=_("平台小区"), queryset=Community.objects.none(), required=False)
    company = forms.ModelChoiceField(label=_("接管单位"), queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, districts, communities, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["community"].queryset = communities
        self.fields["company"].queryset = companies


def renovation_forms(actor, jurisdiction, data=None, step=None) -> dict:
    """The two create forms of the renovation page, for the districts at or below the jurisdiction."""
    districts = regulator_selectors.district_list(actor=actor).filter(
        id__in=selectors.organization_descendant_ids({jurisdiction.pk}))
    year = timezone.localdate().year
    return {
        "target_form": RenovationTargetForm(data if step == "target" else None, districts=districts,
                                                            initial={"year": year}),
        "project_form": RenovationProjectForm(
            data if step == "project" else None, districts=districts, initial={"year": year},
            communities=selectors.communities_under(jurisdiction.pk),
            companies=selectors.company_list(actor=actor)),
    }
