"""The school's reports: participation by class over a term and attendance over a period, on
the page and as spreadsheets."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from linli.core.charts import axis_percent
from linli.core.params import parse_id
from linli.estates.api import xlsx_response

from .. import exports, selectors
from ..forms import PeriodForm
from .common import admin_school


def _report_data(request, school_id):
    actor, school = admin_school(request, school_id)
    terms = selectors.term_list(actor=actor).filter(school=school)
    term_id = parse_id(request.GET.get("term"))
    term = ((terms.filter(pk=term_id).first() if term_id else None)
            or terms.filter(start_date__lte=timezone.localdate()).first() or terms.first())
    end = min(timezone.localdate(), term.end_date) if term else timezone.localdate()
    period = PeriodForm(request.GET or None, initial={"start": end - dt.timedelta(days=27), "end": end})
    start, end = (period.cleaned_data["start"], period.cleaned_data["end"]) if period.is_valid() else \
        (end - dt.timedelta(days=27), end)
    participation = selectors.participation_by_class(actor=actor, term=term) if term else []
    attendance = selectors.attendance_by_class(actor=actor, school_id=school.pk, start=start, end=end)
    return {"school": school, "terms": terms, "term": term, "period": period, "start": start, "end": end,
            "participation": participation, "attendance": attendance}


@login_required
@require_GET
def reports(request, school_id):
    data = _report_data(request, school_id)
    data["charts"] = {
        "participation": [{"name": str(r["school_class"]), "value": axis_percent(r["rate"]) or "0"}
                          for r in data["participation"]],
        "attendance": [{"name": str(r["school_class"]), "value": axis_percent(r["rate"]) or "0"}
                       for r in data["attendance"]],
    }
    return render(request, "afterschool/reports.html", data)


@login_required
@require_GET
def participation_export(request, school_id):
    data = _report_data(request, school_id)
    name = data["term"].name if data["term"] else ""
    return xlsx_response(exports.participation_xlsx(data["participation"]),
                         f"{data['school'].name}-课后服务参与率-{name}.xlsx")


@login_required
@require_GET
def attendance_export(request, school_id):
    data = _report_data(request, school_id)
    return xlsx_response(exports.attendance_xlsx(data["attendance"]),
                         f"{data['school'].name}-课后服务出勤率-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.xlsx")
