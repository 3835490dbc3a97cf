"""The service teams page (issue 17: the settings page said "可通过接口 /api/v1/service-teams/ 设置").
The manager and the dispatcher list a community's teams and add or change one: its name, its
members (the company's working staff) and the categories it handles, which route new requests
to it. Every write is the audited team service; the community is the actor's or a 404."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from linli.core.pages import community_page, form_page, form_save
from linli.orgs.models import Membership

from . import selectors, services

CAPABILITY = "servicedesk.teams"


class TeamForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("班组名称"), max_length=60)
    members = forms.TypedMultipleChoiceField(label=gettext_lazy("成员"), coerce=int, required=False,
                                             widget=forms.CheckboxSelectMultiple)
    categories = forms.TypedMultipleChoiceField(
        label=gettext_lazy("负责分类"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("这些分类的新工单自动进入本班组的待抢单池。"))

    def __init__(self, *args, workers, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].choices = [(w.pk, f"{w}（{w.role_text}）") for w in workers]
        self.fields["categories"].choices = [(c.pk, c.name) for c in categories]


def _role_texts(community, user_ids) -> dict[int, list[str]]:
    roles: dict[int, list[str]] = {}
    for m in Membership.objects.filter(user_id__in=user_ids, organization_id=community.company_id, active=True):
        roles.setdefault(m.user_id, []).append(m.get_role_display())
    return roles


def _choices(actor, community):
    """The company's working staff by trade (technicians together, then guards …), and the
    community's active categories."""
    workers = list(selectors.worker_choices(actor=actor, community=community))
    roles = _role_texts(community, [w.pk for w in workers])
    for worker in workers:
        worker.role_text = "、".join(roles.get(worker.pk, []))
    workers.sort(key=lambda w: (w.role_text, str(w)))
    return workers, list(selectors.category_list(actor=actor).filter(community=community, active=True))


def _save(actor, community, workers, categories, team=None):
    def work(data):
        values = {"name": data["name"], "members": [w for w in workers if w.pk in data["members"]],
                  "categories": [c for c in categories if c.pk in data["categories"]]}
        if team is None:
            return services.team_create(actor=actor, community=community, **values)
        return services.team_update(actor=actor, team=team, changes=values)
    return work


@login_required
def team_list(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list,
                                       capability=CAPABILITY)
    teams = list(selectors.team_list(actor=actor).filter(community=community))
    roles = _role_texts(community, {m.user_id for t in teams for m in t.memberships.all()})
    for team in teams:
        team.people = [(m.user, "、".join(roles.get(m.user_id, []))) for m in team.memberships.all()]
    return render(request, "servicedesk/teams.html", {"community": community, "teams": teams})


@login_required
def team_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list,
                                       capability=CAPABILITY)
    workers, categories = _choices(actor, community)
    form = TeamForm(request.POST or None, workers=workers, categories=categories)
    if form_save(request, form, _save(actor, community, workers, categories), success=_("班组已建立。")):
        return redirect("servicedesk:teams", community.pk)
    return form_page(request, form, title=_("新建班组"), back=reverse("servicedesk:teams", args=[community.pk]),
                     submit_label=_("保存"))


@login_required
def team_edit(request, community_id, pk):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list,
                                       capability=CAPABILITY)
    team = get_object_or_404(selectors.team_list(actor=actor).filter(community=community), pk=pk)
    workers, categories = _choices(actor, community)
    initial = {"name": team.name, "members": [m.user_id for m in team.memberships.all()],
               "categories": [c.pk for c in team.categories.all()]}
    form = TeamForm(request.POST or None, initial=initial, workers=workers, categories=categories)
    if form_save(request, form, _save(actor, community, workers, categories, team), success=_("班组已保存。")):
        return redirect("servicedesk:teams", community.pk)
    return form_page(request, form, title=_("编辑班组：%(name)s") % {"name": team.name},
                     back=reverse("servicedesk:teams", args=[community.pk]), submit_label=_("保存"))
