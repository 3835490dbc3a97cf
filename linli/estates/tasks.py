"""Background jobs of the estate registry."""

from huey.contrib.djhuey import db_task, on_startup

from . import registry


@db_task()
def run_import_job(job_id: int) -> None:
    registry.import_job_run(job_id=job_id)


@on_startup()
def import_jobs_resume() -> None:
    """A consumer killed during an import left its job half-way (and nothing in the database):
    the next consumer to start runs it again. Every worker calls this; each job is re-queued once."""
    for job_id in registry.import_jobs_requeue_interrupted():
        run_import_job(job_id)
