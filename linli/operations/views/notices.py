"""Pages of notices: the manager's list, editor and read tracking, and the owners' bulletin."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.errors import LinliError
from linli.core.pages import community_page, error_text, form_page, remember_community, show_error
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from ..forms.notices import NoticeForm
from ..models import Notice
from ..selectors import notices as selectors
from ..selectors.staff import operations_community_list
from ..services import notices as services
from .common import community_buildings, community_zones


def _form(actor, community, data=None, initial=None):
    return NoticeForm(data, initial=initial, zones=community_zones(actor, community),
                      buildings=community_buildings(actor, community))


def _target(actor, community, value: str) -> dict:
    kind, _sep, ref = (value or "").partition(":")
    if kind == "zone":
        return {"audience": Notice.Audience.ZONE, "building": None,
                "zone": estates.zone_list(actor=actor).filter(community=community, pk=ref).first()}
    if kind == "building":
        return {"audience": Notice.Audience.BUILDING, "zone": None,
                "building": estates.building_list(actor=actor).filter(community=community, pk=ref).first()}
    return {"audience": Notice.Audience.COMMUNITY, "zone": None, "building": None}


def _target_value(notice: Notice) -> str:
    if notice.audience == Notice.Audience.ZONE:
        return f"zone:{notice.zone_id}"
    if notice.audience == Notice.Audience.BUILDING:
        return f"building:{notice.building_id}"
    return Notice.Audience.COMMUNITY


@login_required
def notice_list(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    notices = list(selectors.notice_list(actor=actor).filter(community=community).order_by("-created_at", "-id")[:200])
    now = timezone.now()
    for notice in notices:
        notice.state = selectors.notice_state(notice, now)
    return render(request, "operations/notice_list.html", {
        "community": community, "notices": notices, "tab": "notices",
        "may_manage": actor.can(services.CAPABILITY, community)})


@login_required
def notice_edit(request, community_id, pk=None):
    actor, community = community_page(request, community_id, selector=operations_community_list,
                                      capability=services.CAPABILITY)
    notice = None
    initial = None
    if pk is not None:
        notice = get_object_or_404(selectors.notice_list(actor=actor).filter(community=community), pk=pk)
        initial = {"title": notice.title, "body": notice.body, "target": _target_value(notice),
                   "pinned": notice.pinned,
                   "expires_at": timezone.localtime(notice.expires_at) if notice.expires_at else None}
    form = _form(actor, community, request.POST or None, initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"title": data["title"], "body": data["body"], "pinned": data["pinned"],
                  "expires_at": data["expires_at"], **_target(actor, community, data["target"])}
        try:
            if notice is None:
                notice = services.notice_create(actor=actor, community=community, **fields)
            else:
                notice = services.notice_update(actor=actor, notice=notice, changes=fields)
        except LinliError as exc:
            show_error(form, exc)
        else:
            messages.success(request, _("公告已保存为草稿。") if notice.published_at is None else _("公告已保存。"))
            return redirect("operations:notice_detail", notice.pk)
    back = (reverse("operations:notice_detail", args=[notice.pk]) if notice
            else reverse("operations:notice_list", args=[community.pk]))
    return form_page(request, form, title=_("编辑公告") if notice else _("新建公告"), back=back,
                     submit_label=_("保存"), intro=_("保存后为草稿，发布后业主可在“公告栏”看到，并收到站内消息。"))


@login_required
def notice_detail(request, pk):
    actor = actor_for(request.user)
    notice = get_object_or_404(selectors.notice_list(actor=actor).select_related("community"), pk=pk)
    if not (actor.is_admin or notice.community_id in actor.staff_community_ids):
        return redirect("operations:bulletin_detail", notice.pk)
    remember_community(request, actor, notice.community)
    reads = selectors.notice_reads(actor=actor, notice=notice) if notice.published_at else None
    unread = Paginator(reads["unread"], 50).get_page(request.GET.get("page")) if reads else None
    return render(request, "operations/notice_detail.html", {
        "community": notice.community, "notice": notice, "state": selectors.notice_state(notice), "reads": reads,
        "unread": unread, "may_manage": actor.can(services.CAPABILITY, notice.community_id), "tab": "notices"})


ACTIONS = {"publish": services.notice_publish, "withdraw": services.notice_withdraw}


@login_required
@require_POST
def notice_act(request, pk, action):
    actor = actor_for(request.user)
    notice = get_object_or_404(selectors.notice_list(actor=actor), pk=pk)
    if action not in ACTIONS:
        raise Http404
    if not actor.can(services.CAPABILITY, notice.community_id):
        raise PermissionDenied
    try:
        ACTIONS[action](actor=actor, notice=notice)
    except LinliError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("公告已发布，已通知相关业主。") if action == "publish" else _("公告已撤回。"))
    return redirect("operations:notice_detail", notice.pk)


# The owners' bulletin -----------------------------------------------------------------------------

@login_required
def bulletin(request):
    actor = actor_for(request.user)
    return render(request, "operations/notice_bulletin.html", {"notices": selectors.bulletin(actor=actor)})


@login_required
def bulletin_detail(request, pk):
    """An owner opens a notice: it is marked read."""
    actor = actor_for(request.user)
    notice = get_object_or_404(selectors.notice_list(actor=actor).select_related("community"), pk=pk)
    if not selectors.is_live(notice):
        raise Http404
    services.notice_mark_read(actor=actor, notice=notice)
    return render(request, "operations/notice_bulletin_detail.html", {"notice": notice})
