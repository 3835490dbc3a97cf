"""Assemblies and their motions: calling the meeting, motions, votes online and on paper,
written proxies, sign-ins, the count's officers and the minutes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, form_page, form_save, safe_next, service_post
from linli.core.tenancy import actor_for

from .. import forms, selectors, services
from ..models import Vote
from ..pdf import assembly_minutes_pdf
from .common import PAGE_SIZE, buildings_of, motion_result, my_owner, officers_context, require, unit_owner


@login_required
def assembly_new(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.governance_community_list)
    require(services.can_run(actor, community.pk))
    group = selectors.prep_group_list(actor=actor).filter(community=community, dissolved_on__isnull=True).first()
    form = forms.AssemblyForm(request.POST or None)
    assembly = form_save(request, form, lambda data: services.assembly_create(
        actor=actor, community=community, prep_group=group, **data))
    if assembly:
        return redirect("governance:assembly", pk=assembly.pk)
    return form_page(request, form, title=_("召开业主大会会议"), back=reverse("governance:desk", args=[community.pk]),
                     intro=_("通知载明会议的时间、地点和形式；表决开始时生成表决名册，此后房产登记的变化不影响本次表决。"))


@login_required
def assembly_detail(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    community_id = assembly.community_id
    runner = services.can_run(actor, community_id)
    me = my_owner(actor, community_id)
    motions = list(assembly.motions.select_related("roll", "assembly__roll"))
    my_votes = dict(Vote.objects.filter(motion__in=motions, owner=me).values_list("motion_id", "choice")) if me else {}
    for motion in motions:
        motion.shown = motion_result(actor, motion)
        motion.my_vote = my_votes.get(motion.pk)
        motion.my_vote_label = Vote.Choice(motion.my_vote).label if motion.my_vote else ""
        motion.chart_id = f"chart-motion-{motion.pk}"
    open_now = assembly.opened_at is not None and not services.voting_ended(assembly)
    buildings = buildings_of(community_id)
    proxies = selectors.proxy_list(actor=actor).filter(assembly=assembly) if runner else []
    return render(request, "governance/assembly_detail.html", {
        "assembly": assembly, "community": assembly.community, "motions": motions, "runner": runner, "me": me,
        "open_now": open_now, "ended": services.voting_ended(assembly),
        **officers_context(actor, assembly.count_officers.select_related("owner"),
                           counted=bool(services.count_digest(assembly=assembly))),
        "sign_ins": selectors.sign_in_list(actor=actor).filter(assembly=assembly) if runner else [],
        "proxies": proxies,
        "motion_form": forms.MotionForm(),
        "teller_form": forms.TellerVoteForm(buildings=buildings, proxies=proxies),
        "proxy_form": forms.ProxyForm(buildings=buildings), "sign_in_form": forms.UnitPicker(buildings=buildings),
    })


@login_required
@require_POST
def assembly_action(request, pk, what):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    service, success = {
        "open": (services.assembly_open, _("已开始表决，表决名册已生成。")),
        "close": (services.assembly_close, _("表决已结束。")),
        "publish": (services.assembly_publish, _("表决结果已向业主公布。")),
    }[what]
    return service_post(request, lambda: service(actor=actor, assembly=assembly), success=success,
                        back=reverse("governance:assembly", args=[pk]))


@login_required
@require_POST
def assembly_officer_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    return service_post(request, lambda data: services.count_officer_add(actor=actor, assembly=assembly, **data),
                        success=_("已记录监票、计票人。"), back=reverse("governance:assembly", args=[pk]),
                        form=forms.CountOfficerForm(request.POST))


@login_required
@require_POST
def count_sign(request, pk):
    actor = actor_for(request.user)
    officer = get_object_or_404(selectors.count_officer_list(actor=actor), pk=pk)
    back = (reverse("governance:election", args=[officer.election_id]) if officer.election_id
            else reverse("governance:assembly", args=[officer.assembly_id]))
    return service_post(request, lambda: services.count_sign(actor=actor, officer=officer),
                        success=_("已签字确认计票结果。"), back=back)


@login_required
@require_POST
def motion_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    return service_post(request, lambda data: services.motion_create(actor=actor, assembly=assembly, **data),
                        success=_("议题已列入。"), back=reverse("governance:assembly", args=[pk]),
                        form=forms.MotionForm(request.POST))


@login_required
@require_POST
def motion_vote(request, pk):
    """An owner's own vote (the choice alone), or a teller's entry of a paper ballot (unit and choice)."""
    actor = actor_for(request.user)
    motion = get_object_or_404(selectors.motion_list(actor=actor), pk=pk)
    community_id = motion.assembly.community_id
    back = safe_next(request, reverse("governance:assembly", args=[motion.assembly_id]), field="back")
    if "number" not in request.POST:
        me = my_owner(actor, community_id)
        require(me is not None)
        if not request.POST.get("confirm"):
            return _vote_confirm(request, motion, back)
        return service_post(request, lambda data: services.vote_cast(actor=actor, motion=motion, owner=me, **data),
                            success=_("您的表决已记录。表决票记名且不能更改。"), back=back,
                            form=forms.VoteForm(request.POST))
    proxies = selectors.proxy_list(actor=actor).filter(assembly_id=motion.assembly_id)
    form = forms.TellerVoteForm(request.POST, buildings=buildings_of(community_id), proxies=proxies)

    def work(data):
        proxy = proxies.get(pk=data["proxy"]) if data["proxy"] else None
        services.vote_cast(actor=actor, motion=motion, owner=unit_owner(community_id, data), choice=data["choice"],
                           proxy=proxy)

    return service_post(request, work, success=_("纸质表决票已录入。"), back=back, form=form)


def _vote_confirm(request, motion, back):
    """A vote binds and cannot be changed (DESIGN §8), so the tap on 同意/反对/弃权 only shows the
    motion and the choice; the vote is cast by the POST of that page, which carries `confirm`.
    Without JavaScript this is a page of its own; a replayed first tap binds nothing."""
    form = forms.VoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择同意、反对或弃权。"))
        return redirect(back)
    choice = form.cleaned_data["choice"]
    return render(request, "governance/vote_confirm.html", {
        "motion": motion, "assembly": motion.assembly, "choice": choice, "choice_label": Vote.Choice(choice).label,
        "back": back})


@login_required
def motion_detail(request, pk):
    actor = actor_for(request.user)
    motion = get_object_or_404(selectors.motion_list(actor=actor).select_related("roll", "assembly__roll"), pk=pk)
    votes = selectors.vote_list(actor=actor).filter(motion=motion).select_related("entered_by").order_by("id")
    return render(request, "governance/motion_detail.html", {
        "motion": motion, "assembly": motion.assembly, "result": motion_result(actor, motion),
        "page": Paginator(votes, PAGE_SIZE).get_page(request.GET.get("page")),
        "runner": services.can_run(actor, motion.assembly.community_id),
    })


@login_required
@require_POST
def proxy_add(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    form = forms.ProxyForm(request.POST, request.FILES, buildings=buildings_of(assembly.community_id))

    def work(data):
        services.proxy_record(actor=actor, principal=unit_owner(assembly.community_id, data),
                              holder_name=data["holder_name"], scope="assembly", assembly=assembly,
                              document=data["document"])

    return service_post(request, work, success=_("书面委托已登记。"), back=reverse("governance:assembly", args=[pk]),
                        form=form)


@login_required
def proxy_document(request, pk):
    proxy = get_object_or_404(selectors.proxy_list(actor=actor_for(request.user)), pk=pk)
    return FileResponse(proxy.document.open("rb"), as_attachment=True, filename=proxy.document.name.rsplit("/", 1)[-1])


@login_required
@require_POST
def sign_in(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    return service_post(request, lambda data: services.sign_in_record(
        actor=actor, assembly=assembly, owner=unit_owner(assembly.community_id, data)),
        success=_("已签到。"), back=reverse("governance:assembly", args=[pk]),
        form=forms.UnitPicker(request.POST, buildings=buildings_of(assembly.community_id)))


@login_required
def minutes(request, pk):
    actor = actor_for(request.user)
    assembly = get_object_or_404(selectors.assembly_list(actor=actor), pk=pk)
    try:
        pdf = assembly_minutes_pdf(actor=actor, assembly=assembly)
    except LinliError as exc:
        messages.error(request, error_text(exc))
        return redirect("governance:assembly", pk=pk)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{assembly.pk}.pdf"'
    return response
