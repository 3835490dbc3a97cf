"""The desk's periodic work (see tasks.py): SLA warnings and breaches, and the automatic close
of resolved requests nobody confirmed."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.notify import notify_users
from linli.core.tenancy import SystemActor
from linli.orgs.models import Role

from ..models import RequestEvent, ServiceRequest, SlaAlert, Status
from .common import (
    add_event,
    auto_close_days,
    company_staff,
    fmt_time,
    locked,
    request_url,
    save_request,
)


def _warning_lead(created_at, deadline) -> dt.timedelta:
    """Warn a quarter of the allowed time before the deadline, an hour at most."""
    return min(dt.timedelta(hours=1), (deadline - created_at) / 4)


def sla_scan(*, now: dt.datetime | None = None) -> dict:
    """Record, once each, warnings before deadlines and breaches of them, and tell who must act.
    Requests on hold are skipped: their clock is stopped."""
    now = now or timezone.now()
    horizon = now + dt.timedelta(hours=1)
    counts = {"warnings": 0, "breaches": 0}
    candidates = [
        (SlaAlert.Target.ACCEPT, "respond_by", ServiceRequest.objects.filter(accepted_at__isnull=True,
                                                                             status=Status.NEW)),
        (SlaAlert.Target.RESOLVE, "resolve_by", ServiceRequest.objects.filter(resolved_at__isnull=True)
         .exclude(status=Status.ON_HOLD)),
    ]
    for target, field, queryset in candidates:
        recorded = SlaAlert.objects.filter(request=OuterRef("pk"), target=target, deadline=OuterRef(field))
        # A breach is recorded once: requests long overdue must not be looked at on every scan.
        due = (queryset.filter(**{f"{field}__lt": horizon})
               .annotate(warned=Exists(recorded.filter(level=SlaAlert.Level.WARNING)))
               .filter(~Exists(recorded.filter(level=SlaAlert.Level.BREACH))).select_related("assignee"))
        for request in due:
            deadline = getattr(request, field)
            if deadline <= now:
                level = SlaAlert.Level.BREACH
            elif not request.warned and deadline - _warning_lead(request.created_at, deadline) <= now:
                level = SlaAlert.Level.WARNING
            else:
                continue
            try:
                with transaction.atomic():
                    SlaAlert.objects.create(request=request, community_id=request.community_id, target=target,
                                            level=level, deadline=deadline, recorded_at=now)
                    audit_record(actor=SystemActor(), action=f"service_request.sla_{level}", target=request,
                                 community_id=request.community_id, data={"target": target, "deadline": deadline})
            except IntegrityError:
                continue  # recorded by an earlier scan
            counts["warnings" if level == SlaAlert.Level.WARNING else "breaches"] += 1
            _alert(request, target, level, deadline)
    return counts


def _alert(request: ServiceRequest, target: str, level: str, deadline: dt.datetime) -> None:
    what = SlaAlert.Target(target).label
    if level == SlaAlert.Level.WARNING:
        title = _("即将超时 #%(id)s") % {"id": request.pk}
        body = _("%(title)s 须在 %(t)s 前%(what)s。") % {"title": request.title, "t": fmt_time(deadline), "what": what}
    else:
        title = _("已超时 #%(id)s") % {"id": request.pk}
        body = _("%(title)s 未在 %(t)s 前%(what)s。") % {"title": request.title, "t": fmt_time(deadline), "what": what}
    roles = {Role.DISPATCHER} if level == SlaAlert.Level.WARNING else {Role.DISPATCHER, Role.MANAGER}
    recipients = ([request.assignee] if request.assignee_id else []) + company_staff(request.community_id, roles)
    transaction.on_commit(lambda: notify_users(recipients, title=title, body=body, url=request_url(request)))


def requests_auto_close(*, now: dt.datetime | None = None) -> int:
    """Resolved requests the requester has not confirmed within N days close by themselves."""
    now = now or timezone.now()
    due = ServiceRequest.objects.filter(status=Status.RESOLVED,
                                        resolved_at__lt=now - dt.timedelta(days=auto_close_days()))
    closed = 0
    for request in due.only("pk"):
        with transaction.atomic():
            request = locked(request)
            if request.status != Status.RESOLVED:
                continue
            request.status, request.closed_at = Status.CLOSED, now
            add_event(SystemActor(), request, RequestEvent.Kind.CLOSE,
                      _("办结后 %(n)s 天未确认，系统自动关闭。") % {"n": auto_close_days()}, at=now)
            save_request(SystemActor(), request, "auto_close", ["status", "closed_at"])
            closed += 1
    return closed

