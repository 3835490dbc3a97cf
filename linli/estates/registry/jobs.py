"""The import from start to finish, run by the command at once or as a background job.

An uploaded file is kept with its ImportJob and imported by a huey task; the job records the
phase, the progress and the outcome, which the API and the page poll."""

import hashlib
import os

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import LinliError, ValidationFailed
from linli.core.tenancy import Actor
from linli.core.uploads import XLSX, check_upload

from ..models import Community, ImportJob
from .parse import ImportRejected, open_sheet, read_bytes
from .save import save, set_job
from .validate import validate


def registry_import(*, actor: Actor, community: Community, path_or_file, job: ImportJob | None = None,
                    progress=None, file_name: str = "") -> dict:
    """Import buildings, units and owners of one community from an .xlsx file.

    `progress(phase, done, total)` is called as rows are checked (`total` may be None). Returns the
    counts; raises `ImportRejected` with the row report if any row is bad (nothing is imported).
    With a `job`, its status, progress and outcome are recorded on it as well."""
    def report(phase, done, total):
        set_job(job, status=phase, processed_rows=done, total_rows=total or done)
        if progress is not None:
            progress(phase, done, total)

    try:
        actor.require("estates.import", community)
        data = read_bytes(path_or_file)
        file_info = {"sha256": hashlib.sha256(data).hexdigest(), "file": file_name or getattr(job, "original_name", "")}
        workbook, sheet = open_sheet(data)
        try:
            plan = validate(sheet, report)
        finally:
            workbook.close()
        if plan.error_count:
            raise ImportRejected(plan.errors, plan.error_count)
        report(ImportJob.Status.SAVING, plan.rows, plan.rows)
        return save(actor=actor, community=community, plan=plan, file_info=file_info, job=job)
    except LinliError as exc:
        errors = exc.errors if isinstance(exc, ImportRejected) else [{"row": None, "column": "", "message": str(exc.message)}]
        set_job(job, status=ImportJob.Status.FAILED, errors=errors,
                summary={"error_count": getattr(exc, "count", 1), "message": str(exc.message)})
        raise
    except Exception:
        set_job(job, status=ImportJob.Status.FAILED,
                errors=[{"row": None, "column": "", "message": _("导入时发生内部错误，未导入任何数据，请稍后重试。")}])
        raise


def import_job_create(*, actor: Actor, community: Community, file) -> ImportJob:
    """Accept an uploaded .xlsx and queue its import. The file is kept with the job."""
    actor.require("estates.import", community)
    if file is None:
        raise ValidationFailed(_("请选择要导入的文件。"), fields={"file": [_("请选择文件。")]})
    name = os.path.basename(getattr(file, "name", "") or "")
    check_upload(file, field="file", what=_("导入文件"), kinds=(XLSX,))
    # The documented import-job enqueue exception (issue 16): linli.estates.tasks imports this
    # package to run the job, so the task is imported here, when a job is queued, not at module level.
    from ..tasks import run_import_job

    with transaction.atomic():
        job = ImportJob.objects.create(community=community, file=file, original_name=name[:200],
                                       created_by=actor.user if actor.is_authenticated else None)
        audit_record(actor=actor, action="registry.import_upload", target=job, community_id=community.pk,
                     data={"file": job.original_name, "size": file.size})
        transaction.on_commit(lambda: run_import_job(job.pk))
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a queued job once: of several deliveries of the same job, one claims it, the rest return."""
    if not ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.VALIDATING, updated_at=timezone.now()):
        return
    job = ImportJob.objects.select_related("community", "created_by").get(pk=job_id)
    try:
        registry_import(actor=Actor(job.created_by), community=job.community, path_or_file=job.file, job=job)
    except LinliError:
        pass  # a rejected file or a lost permission: the outcome is recorded on the job


def import_jobs_requeue_interrupted() -> list[int]:
    """Jobs a killed process left half-way, put back in the queue state; their ids are returned
    for running again. Nothing of theirs was written, so running them again finishes them."""
    running = [ImportJob.Status.VALIDATING, ImportJob.Status.SAVING]
    requeued = []
    for job_id in ImportJob.objects.filter(status__in=running).values_list("pk", flat=True):
        if ImportJob.objects.filter(pk=job_id, status__in=running).update(status=ImportJob.Status.QUEUED):
            requeued.append(job_id)
    return requeued
