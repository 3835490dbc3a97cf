"""Pages of greening and facilities (篇一 五): one page per community with the species, the
plantings and the 3.3 evergreen check, the vegetable plots in the green belts and the
streetlight faults with the power company; each write is a small POST back to it."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from linli.core.pages import community_page, service_post
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..forms.greening import (
    ClearForm,
    FixedForm,
    HandOverForm,
    NotifyForm,
    PlantingForm,
    PlotReportForm,
    ReportForm,
    SpeciesForm,
)
from ..selectors import greening as greening_selectors
from ..selectors.staff import operations_community_list
from ..services import greening as greening_services


def _forms(actor, community, data=None, files=None) -> dict:
    zones = estates.zone_list(actor=actor).filter(community=community)
    species = greening_selectors.plant_species_list(actor=actor).filter(community=community)
    return {
        "species_form": SpeciesForm(data),
        "planting_form": PlantingForm(data, species=species, zones=zones, initial={"date": timezone.localdate()}),
        "plot_form": PlotReportForm(data, files, zones=zones),
        "light_form": ReportForm(data, zones=zones),
    }


def _given(data: dict) -> dict:
    """The fields filled in: a blank optional date or photo leaves the service's default."""
    return {k: v for k, v in data.items() if v is not None}


@login_required
def greening(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    today = timezone.localdate()
    plots = greening_selectors.plot_list(actor=actor).filter(community=community)
    lights = greening_selectors.streetlight_list(actor=actor).filter(community=community)
    open_plots = greening_selectors.with_flags(plots.exclude(status="cleared"), today)
    open_lights = greening_selectors.with_flags(lights.exclude(status="fixed"), today)
    # One action form per row, each with its own element ids.
    for plot in open_plots:
        form_class = NotifyForm if plot.status == "reported" else ClearForm
        plot.action_form = form_class(auto_id=f"plot{plot.pk}_%s")
    for light in open_lights:
        form_class = HandOverForm if light.status == "reported" else FixedForm
        light.action_form = form_class(auto_id=f"light{light.pk}_%s")
    return render(request, "operations/greening.html", {
        "community": community, "today": today, **_forms(actor, community),
        "species": greening_selectors.plant_species_list(actor=actor).filter(community=community),
        "plantings": greening_selectors.planting_list(actor=actor).filter(community=community)[:50],
        "gaps": greening_selectors.evergreen_gaps(actor=actor, community=community),
        "plots": open_plots,
        "plots_done": plots.filter(status="cleared").order_by("-cleared_on")[:20],
        "lights": open_lights,
        "lights_done": lights.filter(status="fixed").order_by("-fixed_on")[:20],
        "may_record": actor.can("operations.greening", community),
        "may_manage": actor.can("operations.manage", community),
    })


def _back(community_id, anchor: str) -> str:
    return reverse("operations:greening", args=[community_id]) + anchor


CREATES = {
    # name: (form key, service, success message, anchor)
    "species": ("species_form", greening_services.plant_species_create, _("品种已添加。"), "#species"),
    "planting": ("planting_form", greening_services.planting_create, _("种植记录已保存。"), "#plantings"),
    "plot": ("plot_form", greening_services.plot_report, _("已登记绿化带种菜。"), "#plots"),
    "streetlight": ("light_form", greening_services.streetlight_report, _("已登记路灯故障。"), "#lights"),
}


@login_required
@require_POST
def greening_create(request, community_id, what):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    if what not in CREATES:
        raise Http404
    key, service, success, anchor = CREATES[what]
    form = _forms(actor, community, request.POST, request.FILES)[key]
    return service_post(request, lambda data: service(actor=actor, community=community, **_given(data)),
                        success=success, back=_back(community.pk, anchor), form=form)


PLOT_ACTIONS = {"notify": (NotifyForm, greening_services.plot_notify, _("已通知居民限期清除。")),
                "clear": (ClearForm, greening_services.plot_clear, _("已记录清除。"))}
LIGHT_ACTIONS = {"hand-over": (HandOverForm, greening_services.streetlight_hand_over, _("已移交供电公司。")),
                 "fixed": (FixedForm, greening_services.streetlight_fixed, _("已记录修复。"))}


@login_required
@require_POST
def plot_act(request, pk, action):
    actor = actor_for(request.user)
    plot = get_object_or_404(greening_selectors.plot_list(actor=actor), pk=pk)
    if action not in PLOT_ACTIONS:
        raise Http404
    form_class, service, success = PLOT_ACTIONS[action]
    return service_post(request, lambda data: service(actor=actor, plot=plot, **_given(data)), success=success,
                        back=_back(plot.community_id, "#plots"), form=form_class(request.POST, request.FILES))


@login_required
@require_POST
def streetlight_act(request, pk, action):
    actor = actor_for(request.user)
    fault = get_object_or_404(greening_selectors.streetlight_list(actor=actor), pk=pk)
    if action not in LIGHT_ACTIONS:
        raise Http404
    form_class, service, success = LIGHT_ACTIONS[action]
    return service_post(request, lambda data: service(actor=actor, fault=fault, **_given(data)), success=success,
                        back=_back(fault.community_id, "#lights"), form=form_class(request.POST))


@login_required
def plot_photo(request, pk):
    """A plot's photo before (or with ?which=after, after) clearing, for whoever may read the plot
    (never public media)."""
    actor = actor_for(request.user)
    plot = get_object_or_404(greening_selectors.plot_list(actor=actor), pk=pk)
    photo = {"before": plot.photo_before, "after": plot.photo_after}.get(request.GET.get("which", "before"))
    if not photo:
        raise Http404
    return FileResponse(photo.open("rb"))
