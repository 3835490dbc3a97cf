"""Reads of facilities and projects, scoped to the actor. Assets and their upkeep are the
company's staff's; projects and their funding are also read by the owners' committee and the
regulators, who supervise common income, the maintenance fund and renovation subsidies."""

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from linli.core.money import money, percent
from linli.core.tenancy import Actor

from ..models import Asset, MaintenancePlan, MaintenanceRecord, Project, ProjectFunding, ProjectUnit

DUE_SOON_DAYS = 7


def _staff(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs if actor.is_admin else qs.filter(community_id__in=actor.staff_community_ids)


def _registry(qs: QuerySet, actor: Actor) -> QuerySet:
    return qs if actor.is_admin else qs.filter(community_id__in=actor.registry_community_ids())


def asset_list(*, actor: Actor) -> QuerySet[Asset]:
    return _staff(Asset.objects.select_related("zone"), actor)


def maintenance_plan_list(*, actor: Actor) -> QuerySet[MaintenancePlan]:
    return _staff(MaintenancePlan.objects.select_related("asset", "asset__zone"), actor)


def maintenance_record_list(*, actor: Actor) -> QuerySet[MaintenanceRecord]:
    return _staff(MaintenanceRecord.objects.select_related("asset", "plan", "request", "done_by"), actor)


def project_list(*, actor: Actor) -> QuerySet[Project]:
    return _registry(Project.objects.all(), actor)


def project_unit_list(*, actor: Actor) -> QuerySet[ProjectUnit]:
    return _registry(ProjectUnit.objects.select_related("unit", "unit__building", "project"), actor)


def project_funding_list(*, actor: Actor) -> QuerySet[ProjectFunding]:
    return _registry(ProjectFunding.objects.select_related("project"), actor)


def maintenance_due(*, actor: Actor, community, on: dt.date | None = None,
                    within_days: int = DUE_SOON_DAYS) -> QuerySet[MaintenancePlan]:
    """Active plans due by `on` + `within_days`, overdue ones first."""
    on = on or timezone.localdate()
    return (maintenance_plan_list(actor=actor).filter(community=community, active=True,
                                                      next_due__lte=on + dt.timedelta(days=within_days))
            .exclude(asset__status=Asset.Status.RETIRED).order_by("next_due", "id"))


def project_progress(*, project: Project) -> dict:
    """Units by status, overall and per building, and the share done."""
    rows = ProjectUnit.objects.filter(project=project).order_by()
    by_status = dict(rows.values_list("status").annotate(n=Count("id")))
    total = sum(by_status.values())
    done = by_status.get(ProjectUnit.Status.DONE, 0)
    buildings = []
    for row in (rows.values("unit__building__name").annotate(
            total=Count("id"), done=Count("id", filter=Q(status=ProjectUnit.Status.DONE)))
            .order_by("unit__building__name")):
        buildings.append({"name": row["unit__building__name"], "total": row["total"], "done": row["done"],
                          "percent": percent(row["done"], row["total"], places=1)})
    return {
        "total": total, "done": done, "percent": percent(done, total, places=1),
        "by_status": [{"status": value, "label": label, "count": by_status.get(value, 0)}
                      for value, label in ProjectUnit.Status.choices],
        "buildings": buildings,
    }


def project_funding_summary(*, project: Project) -> dict:
    """Funding by source, the total, and how it stands against the budget (to the fen)."""
    sums = dict(ProjectFunding.objects.filter(project=project).order_by().values_list("source")
                .annotate(total=Sum("amount")))
    by_source = [{"source": value, "label": label, "amount": money(sums.get(value) or 0)}
                 for value, label in ProjectFunding.Source.choices if sums.get(value)]
    total = money(sum((row["amount"] for row in by_source), Decimal("0")))
    budget = money(project.budget or 0)
    return {"by_source": by_source, "total": total, "budget": budget, "gap": money(budget - total),
            "percent": percent(total, budget, places=1) if budget else None}
