"""The department evaluator's pages (篇五): the inspections of the department's area, and a form
per category the department scores. Another unit's category is not offered; the service refuses
it anyway, and an inspection outside the area is a 404."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from linli.core.pages import form_save, run_service
from linli.core.params import parse_int
from linli.core.tenancy import actor_for

from . import department_evaluation as evaluation
from . import training_forms


@login_required
def home(request):
    actor = actor_for(request.user)
    departments = evaluation.evaluator_departments(actor)
    if not departments:
        raise Http404
    inspections = evaluation.evaluator_inspection_list(actor=actor)
    quarter = request.GET.get("quarter", "")
    if quarter:
        inspections = inspections.filter(quarter=quarter)
    categories = set().union(*(d.categories for d in departments))
    rows = [{"inspection": i, "scored": sorted(s.category for s in i.department_scores.all()
                                                 if s.category in categories)} for i in inspections[:200]]
    return render(request, "oversight/duties/department_home.html", {
        "departments": departments, "rows": rows, "quarter": quarter, "categories": sorted(categories)})


@login_required
def score(request, inspection_id):
    actor = actor_for(request.user)
    inspection = get_object_or_404(evaluation.evaluator_inspection_list(actor=actor), pk=inspection_id)
    departments = evaluation.evaluator_departments(actor)
    own = sorted(set().union(*(d.categories for d in departments
                               if inspection.community.residents_committee_id in d.area_ids)))
    categories = list(inspection.rubric.categories.filter(number__in=own).prefetch_related("items"))
    posted = parse_int(request.POST.get("category"))
    if request.method == "POST" and posted not in {c.number for c in categories}:
        # Another unit's category: the service's refusal is the message (nothing is written).
        run_service(request, lambda: evaluation.department_score(actor=actor, inspection=inspection,
                                                                 category=posted or 0, items=[]), success="")
        return redirect("oversight:department_score", inspection.pk)
    current = {s.item_id: s.points for s in inspection.item_scores.all()}
    forms = []
    for category in categories:
        data = request.POST if posted == category.number else None
        form = training_forms.CategoryScoreForm(data, category=category, initial={
            f"item_{item.pk}": current.get(item.pk) for item in category.items.all()})
        if data is not None and form_save(request, form, lambda d, c=category, f=form: evaluation.department_score(
                actor=actor, inspection=inspection, category=c.number, items=f.items(), notes=d["notes"]),
                success=_("已保存“%(category)s”的评分。") % {"category": category.name}):
            return redirect("oversight:department_score", inspection.pk)
        forms.append((category, form))
    return render(request, "oversight/duties/department_score.html", {
        "inspection": inspection, "forms": forms,
        "scores": inspection.department_scores.select_related("department", "evaluator")})
