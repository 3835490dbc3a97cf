"""Pages of the tiers' own duties (篇三 一(一), 三、(二)): targets and deadlines per office, the
offices that are late, and staffing with its gaps. Thin: parse, call a selector or a service."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.pages import form_save
from linli.core.tenancy import actor_for
from linli.orgs.models import Role, User

from . import duty_exports, duty_forms, duty_selectors, duty_services, selectors
from .duty_models import DutyItem
from .selectors import ASSESSING_TIERS
from .views import _context, _jurisdiction, _xlsx, _year


def _can_assess(actor, jurisdiction) -> bool:
    return jurisdiction.kind in ASSESSING_TIERS and selectors.covers(actor, jurisdiction.pk, ASSESSING_TIERS)


@login_required
def duties(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    form = duty_forms.DutyItemForm(request.POST or None, offices=duty_selectors.office_list(jurisdiction),
                                   initial={"kind": DutyItem.Kind.CAMPAIGN})
    if form_save(request, form, lambda data: duty_services.duty_item_create(actor=actor, year=year, **data),
                 success=_("已下达考核目标。")):
        return redirect(reverse("oversight:duties", args=[jurisdiction.pk]) + f"?year={year}")
    items = duty_selectors.duty_rows(jurisdiction=jurisdiction, year=year)
    return render(request, "oversight/duties.html", _context(
        actor, jurisdiction, "duties", year=year, items=items, form=form, can_plan=_can_assess(actor, jurisdiction),
        late_count=len({i.office_id for i in items if i.late}), backsign=DutyItem.Topic.BACKSIGN))


@login_required
def duty_item(request, duty_item_id):
    actor = actor_for(request.user)
    item = get_object_or_404(duty_selectors.duty_item_list(actor=actor), pk=duty_item_id)
    step = request.POST.get("step")
    report = duty_forms.DutyReportForm(request.POST if step == "report" else None, initial={
        "done_count": item.done_count, "result": item.result, "completed_on": item.completed_on})
    review = duty_forms.DutyReviewForm(request.POST if step == "review" else None)
    done = (form_save(request, report, lambda d: duty_services.duty_item_report(actor=actor, duty_item=item, **d),
                      success=_("已报告进展。")) if step == "report" else
            form_save(request, review, lambda d: duty_services.duty_item_review(actor=actor, duty_item=item, **d),
                      success=_("已记录考核结果。")) if step == "review" else None)
    if done:
        return redirect("oversight:duty_item", item.pk)
    today = timezone.localdate()
    return render(request, "oversight/duty_item.html", {
        "item": item, "late": item.late_on(today), "report_form": report, "review_form": review,
        "outstanding": duty_selectors.backsign_open(item.office, today) if item.topic == DutyItem.Topic.BACKSIGN
        else None,
        "can_report": item.status == DutyItem.Status.OPEN and selectors.covers(
            actor, item.office_id, duty_services.REPORTING_TIERS),
        "can_review": item.status == DutyItem.Status.OPEN and selectors.covers(
            actor, item.assessor_id, ASSESSING_TIERS)})


@login_required
def late(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    return render(request, "oversight/duties_late.html", _context(
        actor, jurisdiction, "duties", year=year, today=timezone.localdate(),
        rows=duty_selectors.late_offices(jurisdiction=jurisdiction, year=year)))


@login_required
def late_xlsx(request, jurisdiction_id):
    _actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    year = _year(request)
    rows = duty_selectors.late_offices(jurisdiction=jurisdiction, year=year)
    return _xlsx(duty_exports.late_offices_xlsx(rows), f"late-offices-{jurisdiction.pk}-{year}.xlsx")


@login_required
def staffing(request, jurisdiction_id):
    actor, jurisdiction = _jurisdiction(request, jurisdiction_id)
    rows = duty_selectors.staffing_rows(jurisdiction=jurisdiction)
    orgs = [r["organization"].pk for r in rows]
    form = duty_forms.StaffingForm(
        request.POST or None, organizations=selectors.jurisdiction_list(actor=actor).filter(id__in=orgs),
        users=User.objects.filter(memberships__organization_id__in=orgs, memberships__role=Role.REGULATOR,
                                  memberships__active=True).distinct().order_by("display_name", "username"))
    if form_save(request, form, lambda data: duty_services.staffing_record_set(actor=actor, **data),
                 success=_("已登记机构与人员。")):
        return redirect("oversight:staffing", jurisdiction.pk)
    return render(request, "oversight/staffing.html", _context(
        actor, jurisdiction, "staffing", rows=rows, form=form, can_plan=_can_assess(actor, jurisdiction),
        gaps=sum(1 for r in rows if r["gaps"]), minimum=duty_selectors.COMMITTEE_MIN_STAFF))
