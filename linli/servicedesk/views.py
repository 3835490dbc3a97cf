"""Service desk pages: staff lists and the request page, the technician's queue and the owner's
pages (both at phone width), the daily review with its exports, dashboards, the regulators'
hotline board, SLA settings and the inbox. Thin: parse, call a selector or a service, render."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from linli.core.charts import axis_percent
from linli.core import kept_uploads
from linli.core.db_router import reads_from_replica
from linli.core.errors import LinliError, ValidationFailed
from linli.core.pages import (
    community_page,
    error_text,
    form_save,
    remember_community,
    run_service,
    safe_next,
    show_error,
)
from linli.core.params import filter_by_id, parse_id
from linli.core.tenancy import actor_for
from linli.estates import selectors as estates

from . import exports, selectors, services
from .dispatch import dispatch_groups
from .forms import PUBLIC_PLACE, ActionForm, PolicyForm, RequestForm
from .models import OPEN_STATUSES, Channel, Kind, ServiceRequest, SlaPolicy, Status
from .review import (
    daily_review,
    daily_review_kept,
    is_projection,
    review_rows,
    review_sections,
    review_time,
)
from .sla import DEFAULT_SLA

PAGE_SIZE = 30
KEPT_SHOWN = 14


def _filter_requests(qs, params, actor):
    status = params.get("status", "open")
    if status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif status in Status.values:
        qs = qs.filter(status=status)
    if params.get("kind") in Kind.values:
        qs = qs.filter(kind=params["kind"])
    if params.get("category"):
        qs = qs.filter(category__name=params["category"])
    if params.get("overdue"):
        qs = qs.filter(resolved_at__isnull=True, resolve_by__lt=timezone.now())
    if params.get("hotline"):
        qs = qs.filter(channel=Channel.HOTLINE)
    if params.get("mine") and actor.is_authenticated:
        qs = qs.filter(assignee=actor.user)
    for term in (params.get("q") or "").split():
        qs = qs.filter(Q(title__icontains=term) | Q(location__icontains=term) | Q(description__icontains=term)
                       | (Q(pk=parse_id(term)) if parse_id(term) else Q()))
    return qs.order_by("-created_at", "-id"), status


@login_required
def request_list(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list)
    qs, status = _filter_requests(selectors.service_request_list(actor=actor).filter(community=community),
                                  request.GET, actor)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/request_list.html", {
        "community": community, "page": page, "status": status, "statuses": Status.choices, "kinds": Kind.choices,
        "categories": selectors.category_list(actor=actor).filter(community=community),
        "params": request.GET, "can_file": actor.can("servicedesk.file", community)
        or actor.can("servicedesk.hotline", community),
    })


def _form_choices(actor, community):
    return {
        "categories": selectors.category_list(actor=actor).filter(community=community, active=True),
        "buildings": estates.building_list(actor=actor).filter(community=community).order_by("name"),
        "zones": estates.labelled_zones(estates.zone_list(actor=actor).filter(community=community)),
    }


# The photos of a refused request form are kept for the next try (linli.core.kept_uploads).
KEPT_SCOPE = "servicedesk.request"


def _request_form(request, **kwargs) -> RequestForm:
    return RequestForm(request.POST or None, request.FILES or None, kept=kept_uploads.kept(request, KEPT_SCOPE),
                       **kwargs)


def _chosen_photos(request, data) -> list:
    """The photos chosen now and the kept ones left ticked."""
    return data["photos"] + kept_uploads.take(request, KEPT_SCOPE, data.get("kept_photos") or [])


def _keep_photos(request, form: RequestForm) -> None:
    """The form was refused: keep the photos just chosen, ticked, beside those still ticked."""
    if request.method != "POST":
        return
    before = {k["token"] for k in kept_uploads.kept(request, KEPT_SCOPE)}
    kept = kept_uploads.keep(request, KEPT_SCOPE, request.FILES.getlist("photos"))
    ticked = [t for t in form.data.getlist("kept_photos") if t in before]
    form.offer_kept(kept, ticked=ticked + [k["token"] for k in kept if k["token"] not in before])


@login_required
def request_new(request, community_id):
    """Staff take a call or a visit; a regulator files a hotline request routed to the company."""
    actor, community = community_page(request, community_id, selector=selectors.request_community_list)
    if actor.can("servicedesk.file", community):
        mode = "staff"
    elif actor.can("servicedesk.hotline", community):
        mode = "hotline"
    else:
        raise PermissionDenied
    form = _request_form(request, mode=mode, **_form_choices(actor, community))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = None
        if data["building"] and data["unit_number"].strip():
            unit = estates.unit_list(actor=actor).filter(community=community, building_id=data["building"],
                                                         number=data["unit_number"].strip()).first()
            if unit is None:
                form.add_error("unit_number", _("该楼栋没有这个房号。"))
        if form.is_valid():
            try:
                created = services.request_create(
                    actor=actor, community=community, kind=data["kind"], category=data["category"],
                    title=data["title"], description=data["description"], unit=unit,
                    zone=estates.zone_list(actor=actor).filter(pk=data["zone"] or None).first(),
                    location=data["location"], channel=data.get("channel") or None, priority=data["priority"],
                    requester_name=data["requester_name"], requester_phone=data["requester_phone"],
                    photos=_chosen_photos(request, data))
            except LinliError as exc:
                show_error(form, exc)
            else:
                kept_uploads.discard(request, KEPT_SCOPE)
                messages.success(request, _("已登记工单 #%(id)s，办结时限 %(t)s。") % {
                    "id": created.pk, "t": timezone.localtime(created.resolve_by).strftime("%m-%d %H:%M")})
                return redirect("servicedesk:request_detail", created.pk)
    _keep_photos(request, form)
    title = _("登记热线工单") if mode == "hotline" else _("登记工单")
    back = reverse("servicedesk:hotline") if mode == "hotline" else reverse("servicedesk:service_requests",
                                                                          args=[community.pk])
    return render(request, "web/form_page.html", {
        "form": form, "title": f"{title} · {community.name}", "back": back, "multipart": True,
        "submit_label": _("登记"),
        "intro": _("热线工单转由 %(company)s 办理，办理过程您可以随时查看和督办。") % {"company": community.company}
        if mode == "hotline" else "",
    })


@login_required
def my_requests(request):
    actor = actor_for(request.user)
    mine = Q(requester=request.user) | Q(unit_id__in=actor.own_unit_ids)
    qs = selectors.service_request_list(actor=actor).filter(mine).order_by("-created_at", "-id")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/my_requests.html", {"page": page, "can_file": bool(actor.own_unit_ids)})


@login_required
def my_request_new(request):
    """An owner files from their phone: one of their units, or a public place nearby."""
    actor = actor_for(request.user)
    units = list(estates.unit_list(actor=actor).filter(id__in=actor.own_unit_ids).select_related("community"))
    if not units:
        messages.info(request, _("绑定房屋后才能在线报事。"))
        return redirect("estates:my_units")
    community = units[0].community
    form = _request_form(request, mode="owner", units=units,
                         categories=selectors.category_list(actor=actor).filter(community=community, active=True),
                         zones=estates.labelled_zones(estates.zone_list(actor=actor).filter(community=community)))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next((u for u in units if str(u.pk) == data["unit"]), None) if data["unit"] != PUBLIC_PLACE else None
        try:
            created = services.request_create(
                actor=actor, community=unit.community if unit else community, kind=data["kind"],
                category=data["category"], title=data["title"], description=data["description"], unit=unit,
                zone=estates.zone_list(actor=actor).filter(pk=data["zone"] or None).first(),
                location=data["location"], photos=_chosen_photos(request, data))
        except LinliError as exc:
            show_error(form, exc)
        else:
            kept_uploads.discard(request, KEPT_SCOPE)
            messages.success(request, _("已提交，工单号 %(id)s。我们会在 %(t)s 前处理完毕。") % {
                "id": created.pk, "t": timezone.localtime(created.resolve_by).strftime("%m-%d %H:%M")})
            return redirect("servicedesk:request_detail", created.pk)
    _keep_photos(request, form)
    return render(request, "web/form_page.html", {
        "form": form, "title": _("我要报事"), "back": reverse("servicedesk:my_requests"), "multipart": True,
        "submit_label": _("提交"),
        "intro": _("报修、投诉、求助、咨询都可以在这里提交，提交后可随时查看处理进度。"),
    })


@login_required
def request_detail(request, pk):
    actor = actor_for(request.user)
    obj = get_object_or_404(selectors.service_request_list(actor=actor).prefetch_related("photos"), pk=pk)
    remember_community(request, actor, obj.community)
    return render(request, "servicedesk/request_detail.html", _detail_context(request, actor, obj))


def _detail_context(request, actor, obj) -> dict:
    cid = obj.community_id
    can_dispatch = actor.can("servicedesk.dispatch", cid)
    is_assignee = actor.is_authenticated and obj.assignee_id == actor.user.pk
    in_pool = (obj.assignee_id is None and obj.team_id is not None and obj.status in (Status.NEW, Status.ACCEPTED)
               and obj.team.memberships.filter(user=request.user).exists())
    return {
        "obj": obj,
        "events": selectors.request_events(actor=actor, request=obj),
        "staff": selectors.sees_internal(actor, obj),
        "can_dispatch": can_dispatch,
        "can_work": can_dispatch or is_assignee,
        "is_assignee": is_assignee,
        "can_grab": in_pool and actor.can("servicedesk.work", cid),
        "is_requester": services.is_requester(actor, obj),
        "can_urge": actor.can("servicedesk.hotline", cid) and obj.status in OPEN_STATUSES,
        "can_visit": (actor.can("servicedesk.hotline", cid) or can_dispatch) and not obj.is_open,
        "can_phone": selectors.shows_requester_phone(actor, obj),
        "worker_groups": dispatch_groups(actor=actor, service_request=obj) if can_dispatch else [],
        "teams": selectors.team_list(actor=actor).filter(community_id=cid) if can_dispatch else [],
        "satisfactions": ServiceRequest.Satisfaction.choices,
        "now": timezone.now(),
    }


def _worker(actor, obj, user_id, required=False):
    if not user_id:
        if required:
            raise ValidationFailed(_("请选择处理人。"))
        return None
    worker = selectors.worker_choices(actor=actor, community=obj.community).filter(pk=user_id).first()
    if worker is None:
        raise Http404
    return worker


def _team(actor, obj, team_id):
    if not team_id:
        return None
    return get_object_or_404(selectors.team_list(actor=actor).filter(community_id=obj.community_id), pk=team_id)


ACTION_MESSAGES = {
    "accept": gettext_lazy("已受理。"), "assign": gettext_lazy("已派单。"), "round_robin": gettext_lazy("已按班组轮派。"), "grab": gettext_lazy("抢单成功。"),
    "start": gettext_lazy("已开始处理。"), "hold": gettext_lazy("已暂停，时限停止计时。"), "resume": gettext_lazy("已恢复处理。"),
    "transfer": gettext_lazy("已转派。"), "return": gettext_lazy("已退单。"), "note": gettext_lazy("已记录。"), "resolve": gettext_lazy("已办结。"),
    "confirm": gettext_lazy("感谢您的评价。"), "reopen": gettext_lazy("已重新打开。"), "urge": gettext_lazy("已督办。"), "visit": gettext_lazy("已记录回访。"),
    "photos": gettext_lazy("照片已上传。"),
}


# The actions whose forms ask for something (a rating, a result, a reason): a refusal is shown
# inline next to the field, not as a banner over a page that forgot what was typed.
INLINE_ACTIONS = {"confirm", "resolve", "hold", "return", "transfer", "reopen", "note", "visit"}


@login_required
@require_POST
def request_act(request, pk, action):
    actor = actor_for(request.user)
    obj = get_object_or_404(selectors.service_request_list(actor=actor), pk=pk)
    form = ActionForm(request.POST, request.FILES)
    if action not in ACTION_MESSAGES or not form.is_valid():
        raise Http404
    d = form.cleaned_data
    calls = {
        "accept": lambda: services.request_accept(actor=actor, service_request=obj),
        "assign": lambda: services.request_assign(actor=actor, service_request=obj,
                                                  assignee=_worker(actor, obj, d["assignee"], required=True)),
        "round_robin": lambda: services.request_round_robin(actor=actor, service_request=obj,
                                                            team=_team(actor, obj, d["team"])),
        "grab": lambda: services.request_grab(actor=actor, service_request=obj),
        "start": lambda: services.request_start(actor=actor, service_request=obj),
        "hold": lambda: services.request_hold(actor=actor, service_request=obj, reason=d["reason"]),
        "resume": lambda: services.request_resume(actor=actor, service_request=obj, text=d["text"]),
        "transfer": lambda: services.request_transfer(actor=actor, service_request=obj, reason=d["reason"],
                                                      assignee=_worker(actor, obj, d["assignee"]),
                                                      team=_team(actor, obj, d["team"])),
        "return": lambda: services.request_return(actor=actor, service_request=obj, reason=d["reason"]),
        "note": lambda: services.request_note(actor=actor, service_request=obj, text=d["text"], public=d["public"]),
        "resolve": lambda: services.request_resolve(actor=actor, service_request=obj, text=d["text"],
                                                    photos=d["photos"]),
        "confirm": lambda: services.request_confirm(actor=actor, service_request=obj, rating=d["rating"] or 0,
                                                    comment=d["text"]),
        "reopen": lambda: services.request_reopen(actor=actor, service_request=obj, reason=d["reason"]),
        "urge": lambda: services.request_urge(actor=actor, service_request=obj, text=d["text"]),
        "visit": lambda: services.request_visit(actor=actor, service_request=obj, satisfaction=d["satisfaction"],
                                                text=d["text"]),
        "photos": lambda: services.request_photo_add(actor=actor, service_request=obj, photos=d["photos"]),
    }
    if action in INLINE_ACTIONS:
        try:
            calls[action]()
        except LinliError as exc:
            # Shown next to the field of the form that was sent, the page otherwise as it was
            # (the forms are `novalidate`: the browser's own popup is in English on many phones).
            obj.refresh_from_db()
            return render(request, "servicedesk/request_detail.html", {
                **_detail_context(request, actor, obj), "failed": action, "error": error_text(exc), "posted": d,
            }, status=400)
        messages.success(request, ACTION_MESSAGES[action])
    else:
        run_service(request, calls[action], success=ACTION_MESSAGES[action])
    return redirect(safe_next(request, reverse("servicedesk:request_detail", args=[obj.pk])))


@login_required
def work_queue(request):
    """The technician's phone page: my jobs by deadline, then my teams' pools to grab from."""
    actor = actor_for(request.user)
    if not (actor.is_admin or any(actor.can("servicedesk.work", cid) for cid in actor.staff_community_ids)):
        raise PermissionDenied
    return render(request, "servicedesk/work_queue.html", {**selectors.work_queue(actor=actor), "now": timezone.now()})


# The daily review ---------------------------------------------------------------------------

# The days a review can be asked for: none before the platform's records begin, and a projection
# at most a year ahead (further is a typo, and the day after 9999-12-31 cannot be built).
REVIEW_FIRST_DAY = dt.date(2000, 1, 1)
REVIEW_PROJECTION_DAYS = 366


def _review_date(request) -> tuple[dt.date, str]:
    """The day asked for, and "" — or today and what was wrong with the date asked for. A wrong
    date shows today's review with the message rather than a 400 page: the manager stays on the
    page, with the date picker, to put it right."""
    today = timezone.localdate()
    raw = request.GET.get("date")
    if not raw:
        return today, ""
    try:
        date = dt.date.fromisoformat(raw)
    except ValueError:
        return today, _("“%(value)s”不是有效的日期，请按“年-月-日”填写，如 %(today)s。下面是今天的日审。") % {
            "value": raw[:40], "today": today.isoformat()}
    last = today + dt.timedelta(days=REVIEW_PROJECTION_DAYS)
    if not REVIEW_FIRST_DAY <= date <= last:
        return today, _("日期 %(date)s 超出可查看的范围（%(first)s 至 %(last)s）。下面是今天的日审。") % {
            "date": date.isoformat(), "first": REVIEW_FIRST_DAY.isoformat(), "last": last.isoformat()}
    return date, ""


@login_required
def review(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list,
                                       capability="servicedesk.review")
    date, date_error = _review_date(request)
    live = request.GET.get("live") == "1"
    data = daily_review(actor=actor, community=community, date=date, live=live)
    kept = daily_review_kept(actor=actor, community=community)
    rows = review_rows(actor=actor, community=community, review=data)
    return render(request, "servicedesk/review.html", {
        "community": community, "review": data, "date": date, "live": live, "date_error": date_error,
        "projection": is_projection(date),
        "is_kept": not live and kept.filter(date=date).exists(),
        "kept": kept[:KEPT_SHOWN], "counts": exports.review_counts(data),
        "lists": [(key, label, rows[key]) for key, label in exports.review_lists()],
        "sections": review_sections(data),
        "previous": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
        "review_at": review_time(), "now": timezone.now(),
    })


@login_required
def review_export(request, community_id, fmt):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list,
                                       capability="servicedesk.review")
    date, date_error = _review_date(request)
    if date_error:
        # Not a file of another day than the one asked for: the page says what is wrong.
        return redirect(reverse("servicedesk:daily_review", args=[community.pk]) + "?" + request.GET.urlencode())
    # A document of a day, read from the replica when there is one; the page itself stays on
    # the primary, where a note just added shows at once.
    with reads_from_replica():
        data = daily_review(actor=actor, community=community, date=date, live=request.GET.get("live") == "1")
        rows = review_rows(actor=actor, community=community, review=data)
        filename = f"{community.name}-日清日审-{date.isoformat()}.{fmt}"
        if fmt == "xlsx":
            response = HttpResponse(exports.review_xlsx(community=community, review=data, rows=rows),
                                    content_type=exports.XLSX_CONTENT_TYPE)
        else:
            response = HttpResponse(exports.review_pdf(community=community, review=data, rows=rows),
                                    content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# Dashboards and the hotline board -----------------------------------------------------------

def _charts(data) -> dict:
    uncategorised = _("未分类")
    return {
        "categories": {"names": [r["name"] or uncategorised for r in data["by_category"]],
                       "series": [{"name": _("未办结"), "values": [r["open"] for r in data["by_category"]]},
                                  {"name": _("已超时"), "values": [r["overdue"] for r in data["by_category"]]}]},
        "trend": {"names": [r["date"][5:] for r in data["trend"]],
                  "series": [{"name": _("按时办结率 %"), "values": [axis_percent(r["rate"]) for r in data["trend"]],
                              "line": True},
                             {"name": _("办结数"), "values": [r["resolved"] for r in data["trend"]]}]},
    }


@login_required
def dashboard(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list)
    data = selectors.dashboard(actor=actor, community_ids=[community.pk])
    return render(request, "servicedesk/dashboard.html", {
        "title": community.name, "community": community, "d": data, "charts": _charts(data),
        "company": community.company,
    })


@login_required
def company_dashboard(request, company_id):
    actor = actor_for(request.user)
    company = get_object_or_404(selectors.company_list(actor=actor), pk=company_id)
    ids = list(estates.community_list(actor=actor).filter(company=company).values_list("id", flat=True))
    data = selectors.dashboard(actor=actor, community_ids=ids)
    return render(request, "servicedesk/dashboard.html", {
        "title": company.name, "d": data, "charts": _charts(data), "per_company": True,
    })


@login_required
def hotline(request):
    """The regulators' board: requests of the jurisdiction with their SLA state, urging, and
    the companies' figures for the last 90 days."""
    actor = actor_for(request.user)
    communities = selectors.hotline_community_list(actor=actor)
    if not communities.exists():
        raise PermissionDenied
    if request.GET.get("new") and communities.filter(pk=parse_id(request.GET.get("c"))).exists():
        return redirect("servicedesk:request_new", parse_id(request.GET["c"]))
    params = request.GET.copy()
    params.setdefault("hotline", "1" if "status" not in request.GET else "")
    qs = selectors.service_request_list(actor=actor).filter(community__in=communities)
    qs = filter_by_id(qs, "community_id", request.GET.get("community"))
    qs, status = _filter_requests(qs, params, actor)
    today = timezone.localdate()
    return render(request, "servicedesk/hotline.html", {
        "page": Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), "communities": communities,
        "status": status, "statuses": Status.choices, "params": params, "now": timezone.now(),
        "stats": selectors.company_service_stats(actor=actor, start=today - dt.timedelta(days=89), end=today,
                                                 community_ids=[c.pk for c in communities]),
    })


# Settings and inbox --------------------------------------------------------------------------

@login_required
def sla_settings(request, community_id):
    actor, community = community_page(request, community_id, selector=selectors.request_community_list)
    can_configure = actor.can("servicedesk.configure", community)
    calendars = selectors.calendar_list(actor=actor).filter(community=community)
    form = PolicyForm(request.POST or None, calendars=calendars)
    if request.method == "POST" and not can_configure:
        raise PermissionDenied

    def save(data):
        """One policy per kind and priority: change the one there is, or add it."""
        calendar = calendars.filter(pk=data.pop("calendar") or None).first()
        existing = selectors.sla_policy_list(actor=actor).filter(community=community, kind=data["kind"],
                                                                 priority=data["priority"]).first()
        if existing:
            return services.sla_policy_update(actor=actor, sla_policy=existing, changes={
                "accept_minutes": data["accept_minutes"], "resolve_hours": data["resolve_hours"],
                "calendar": calendar})
        return services.sla_policy_create(actor=actor, community=community, calendar=calendar, **data)

    if form_save(request, form, save, success=_("时限标准已保存，对此后登记的工单生效。")):
        return redirect("servicedesk:sla_settings", community.pk)
    policies = {(p.kind, p.priority): p for p in selectors.sla_policy_list(actor=actor).filter(community=community)}
    grid = [{"kind": label, "cells": [policies.get((kind, priority)) or SlaPolicy(
        kind=kind, priority=priority, accept_minutes=DEFAULT_SLA[priority][0], resolve_hours=DEFAULT_SLA[priority][1])
        for priority in ("urgent", "high", "normal", "low")], "kind_value": kind} for kind, label in Kind.choices]
    return render(request, "servicedesk/settings.html", {
        "community": community, "grid": grid, "form": form, "can_configure": can_configure, "calendars": calendars,
        "can_manage_teams": actor.can("servicedesk.teams", community),
        "teams": selectors.team_list(actor=actor).filter(community=community),
        "categories": selectors.category_list(actor=actor).filter(community=community),
        "configured": {key for key in policies},
    })


@login_required
def inbox(request):
    actor = actor_for(request.user)
    if request.method == "POST":
        services.inbox_mark_all_read(actor=actor)
        return redirect("servicedesk:inbox")
    page = Paginator(selectors.inbox_list(actor=actor), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "servicedesk/inbox.html", {"page": page})


@login_required
def inbox_open(request, pk):
    actor = actor_for(request.user)
    message = get_object_or_404(selectors.inbox_list(actor=actor), pk=pk)
    services.inbox_mark_read(actor=actor, message=message)
    return redirect(message.url if message.url.startswith("/") else "servicedesk:inbox")

