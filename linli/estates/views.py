"""Registry pages (server-rendered, HTMX). Thin: parse, call a service or selector, render."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.errors import LinliError
from linli.core.tenancy import actor_for

from . import imports, selectors

RECENT_JOBS = 10


@login_required
@require_http_methods(["GET", "POST"])
def import_page(request, pk: int):
    """Download the template, upload a file; the job page then shows its progress."""
    actor = actor_for(request.user)
    community = get_object_or_404(selectors.community_list(actor=actor), pk=pk)
    if not actor.can("estates.import", community):
        raise PermissionDenied
    error = None
    if request.method == "POST":
        try:
            job = imports.import_job_create(actor=actor, community=community, file=request.FILES.get("file"))
        except LinliError as exc:
            error = exc.message
        else:
            return redirect("estates:import-job", pk=job.pk)
    jobs = selectors.import_job_list(actor=actor).filter(community=community)[:RECENT_JOBS]
    return render(request, "estates/import.html", {
        "community": community, "jobs": jobs, "error": error,
        "can_export": actor.can("estates.export", community),
    }, status=400 if error else 200)


@login_required
@require_GET
def import_job(request, pk: int):
    job = get_object_or_404(selectors.import_job_list(actor=actor_for(request.user)), pk=pk)
    return render(request, "estates/import_job.html", {"job": job, "community": job.community})


@login_required
@require_GET
def import_job_progress(request, pk: int):
    """The progress panel alone: HTMX polls it every second until the job is done or failed."""
    job = get_object_or_404(selectors.import_job_list(actor=actor_for(request.user)), pk=pk)
    return render(request, "estates/_import_progress.html", {"job": job})
