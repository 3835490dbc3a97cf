"""What the after-school pages share: the school a page is about (a 404 outside the actor's
schools, a 403 for an office page without the admin role), the day asked for, and the entry
that sends each school role to where it works."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone

from linli.core.dates import parse_date
from linli.core.tenancy import actor_for

from .. import selectors


def staff_school(request, school_id):
    actor = actor_for(request.user)
    return actor, get_object_or_404(selectors.staff_school_list(actor=actor), pk=school_id)


def admin_school(request, school_id):
    actor, school = staff_school(request, school_id)
    if not selectors.is_school_admin(actor, school.pk):
        raise PermissionDenied
    return actor, school


def day_asked(request):
    return parse_date(request.GET.get("date"), timezone.localdate())


@login_required
def home(request):
    """Where each school role works: the office overview, the teacher's day, the guardian portal."""
    actor = actor_for(request.user)
    scope = selectors.school_scope(actor)
    if scope.staff:
        school_id = min(scope.admin or scope.staff)
        target = "afterschool:school_overview" if school_id in scope.admin else "afterschool:today"
        return redirect(target, school_id)
    if scope.guardian:
        return redirect("afterschool:portal")
    raise Http404
