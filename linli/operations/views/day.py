"""The manager's day: today's roster, patrol exceptions, overdue tasks and open requests on one page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from linli.core.pages import community_page

from ..selectors import day as day_selectors
from ..selectors.staff import operations_community_list


@login_required
def day(request, community_id):
    actor, community = community_page(request, community_id, selector=operations_community_list)
    data = day_selectors.manager_day(actor=actor, community=community)
    chart = {"names": [r["name"] for r in data["completion"]], "series": [
        {"name": _("已完成"), "data": [r["done"] for r in data["completion"]]},
        {"name": _("未完成"), "data": [r["pending"] for r in data["completion"]]}]}
    return render(request, "operations/people_day.html", {
        "community": community, **data, "chart": chart, "on_duty": sum(len(g["entries"]) for g in data["roster"]),
        "may_review": actor.can("servicedesk.review", community), "may_manage": actor.can("operations.manage",
                                                                                           community),
    })
