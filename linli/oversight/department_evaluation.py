"""Evaluation by every department (篇五): "各相关部分单位要指定专人参加考评工作".

The evaluation group of 篇五 is the district's units together — 经贸局, 城管局, 社发局, 公安分局,
消防大队, 质监分局 … — and each of the six categories of the daily inspection names the units
responsible for it. A department (Organization.Kind.DEPARTMENT) hangs under the jurisdiction it
serves, its area; its duties say which categories it scores; its evaluators (Role.EVALUATOR) score
those categories, and only those, in the inspections of communities in its area. The points they
give replace the inspection's points for the category's items, and the inspection's score is the
sum again. After the year's results are published nothing changes."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.tenancy import Actor
from linli.orgs.models import Organization, Role
from linli.orgs.selectors import organization_ancestor_ids

from . import selectors
from .department_models import DepartmentDuty, DepartmentScore
from .models import EvaluationResult, Inspection, InspectionScore, RubricCategory
from .selectors import ASSESSING_TIERS

Kind = Organization.Kind


# Reads -------------------------------------------------------------------------------------------

def evaluator_departments(actor: Actor) -> list[Organization]:
    """The departments where the actor is an evaluator, each with `categories` (the numbers it
    scores) and `area_ids` (the jurisdictions whose communities it may score)."""
    departments = [m.organization for m in actor.memberships
                   if m.role == Role.EVALUATOR and m.organization.kind == Kind.DEPARTMENT]
    duties: dict[int, set[int]] = {}
    for department_id, category in DepartmentDuty.objects.filter(
            department__in=departments).values_list("department_id", "category"):
        duties.setdefault(department_id, set()).add(category)
    for department in departments:
        department.categories = sorted(duties.get(department.pk, set()))
        department.area_ids = (selectors.organization_descendant_ids({department.parent_id})
                               if department.parent_id else set())
    return departments


def evaluator_inspection_list(*, actor: Actor) -> QuerySet[Inspection]:
    """Itemised inspections of the communities in the areas of the actor's departments."""
    if actor.is_admin:  # the platform admin reads every tenant's, as on every other route
        inspections = Inspection.objects.all()
    else:
        area = set().union(*(d.area_ids for d in evaluator_departments(actor) if d.categories))
        inspections = Inspection.objects.filter(community__residents_committee_id__in=area, rubric__isnull=False)
    return inspections.select_related("company", "community", "rubric").prefetch_related("department_scores")


def duty_categories(inspection: Inspection, department: Organization) -> list[RubricCategory]:
    return list(inspection.rubric.categories.filter(number__in=department.categories).prefetch_related("items"))


def department_for(actor: Actor, inspection: Inspection, category: int) -> Organization:
    """The actor's department that may score `category` of this inspection, or a refusal that says
    which boundary was crossed: the category is another unit's, or the community another area's."""
    departments = evaluator_departments(actor)
    if not departments:
        raise PermissionDenied()
    own = [d for d in departments if category in d.categories]
    if not own:
        raise PermissionDenied(_("本部门不负责该类考评。"), code="other_category")
    for department in own:
        if inspection.community.residents_committee_id in department.area_ids:
            return department
    raise PermissionDenied(_("该小区不在本部门辖区内。"), code="other_area")


# Writes ------------------------------------------------------------------------------------------

def duty_set(*, actor: Actor, department: Organization, categories: list[int]) -> list[int]:
    """Which categories a department scores, set by the district (or city) above it."""
    if department.kind != Kind.DEPARTMENT or department.parent_id is None:
        raise ValidationFailed(fields={"department": [_("请选择隶属于辖区的政府职能部门。")]})
    if not selectors.covers(actor, department.parent_id, ASSESSING_TIERS):
        raise PermissionDenied()
    wanted = set(categories)
    if not wanted or not wanted <= set(range(1, RubricCategory.SERVICE_RESULT + 1)):
        raise ValidationFailed(fields={"categories": [_("考评类别序号为 1 至 6。")]})
    with transaction.atomic():
        DepartmentDuty.objects.filter(department=department).exclude(category__in=wanted).delete()
        for number in sorted(wanted):
            DepartmentDuty.objects.get_or_create(department=department, category=number)
        audit_record(actor=actor, action="oversight.department_duty", target=department,
                     data={"categories": sorted(wanted)})
    return sorted(wanted)


def department_score(*, actor: Actor, inspection: Inspection, category: int, items: list[dict],
                     notes: str = "", scored_on: dt.date | None = None) -> DepartmentScore:
    """A department evaluator scores every item of one of its categories in an inspection."""
    department = department_for(actor, inspection, category)
    if inspection.rubric_id is None:
        raise ValidationFailed(_("该检查未逐项评分，不能按类别评分。"), code="not_itemised")
    published = EvaluationResult.objects.filter(
        company=inspection.company, year=inspection.year,
        jurisdiction_id__in=organization_ancestor_ids({inspection.community.residents_committee_id}))
    if published.exists():
        raise Conflict(_("该年度考评结果已公布，不能再评分。"), code="published")
    rubric_category = inspection.rubric.categories.filter(number=category).prefetch_related("items").first()
    if rubric_category is None:
        raise ValidationFailed(fields={"category": [_("所选标准没有该类别。")]})
    scored = _category_points(rubric_category, items)
    total = sum(scored.values(), Decimal(0))
    day = scored_on or timezone.localdate()
    with transaction.atomic():
        before = {s.item_id: s.points for s in inspection.item_scores.filter(item__in=list(scored))}
        for item, points in scored.items():
            InspectionScore.objects.update_or_create(inspection=inspection, item=item, defaults={"points": points})
        old_score = inspection.score
        inspection.score = sum(inspection.item_scores.values_list("points", flat=True), Decimal(0))
        inspection.save(update_fields=["score", "updated_at"])
        row, _created = DepartmentScore.objects.update_or_create(
            inspection=inspection, department=department, category=category,
            defaults={"evaluator": actor.user, "points": total, "scored_on": day, "notes": notes.strip()})
        audit_record(actor=actor, action="oversight.department_score", target=row,
                     community_id=inspection.community_id,
                     data={"inspection": inspection.pk, "department": department.pk, "category": category,
                           "before": {item: points for item, points in before.items()},
                           "after": {item.pk: points for item, points in scored.items()},
                           "score": {"before": old_score, "after": inspection.score}})
    return row


def _category_points(category: RubricCategory, items: list[dict]) -> dict:
    """item → points, every item of the category once and within its maximum; anything else refused."""
    by_id = {item.pk: item for item in category.items.all()}
    scored, errors = {}, []
    for entry in items:
        raw = entry.get("item")
        item = by_id.get(getattr(raw, "pk", raw))
        try:
            points = Decimal(str(entry.get("points")))
        except ArithmeticError:
            points = None
        if item is None or item in scored:
            errors.append(_("考评项目不属于本类别或重复。"))
        elif (points is None or not points.is_finite() or points < 0 or points > item.max_points
              or points != points.quantize(Decimal("0.01"))):
            errors.append(_("“%(item)s”得分应在 0 至 %(max)s 之间。") % {"item": item.text, "max": item.max_points})
        else:
            scored[item] = points
    missing = [item.text for item in by_id.values() if item not in scored]
    if missing and not errors:
        errors.append(_("还有未评分的项目：%(items)s。") % {"items": "、".join(missing)})
    if errors:
        raise ValidationFailed(errors[0], fields={"items": errors})
    return scored
