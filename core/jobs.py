"""Run a long job in the background and report its progress.

With Celery (REDIS_URL set) the job goes to the workers; in the embedded default it runs in a
daemon thread of the web process; in tests ("sync") it runs inline."""

import logging
import threading
import traceback
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import Job

log = logging.getLogger(__name__)


def _progress_key(job_id: int) -> str:
    return f"abonent:job-progress:{job_id}"


def job_update(job: Job, *, progress: int | None = None, stage: str | None = None) -> None:
    """Publish a running job's progress. It goes to the cache, not the database: the job's own
    work usually runs in one long transaction whose writes nobody sees before it ends."""
    if progress is not None:
        job.progress = max(0, min(100, int(progress)))
    if stage is not None:
        job.stage = stage[:200]
    if job.pk:
        cache.set(_progress_key(job.pk), {"progress": job.progress, "stage": job.stage}, 86400)
    callback = getattr(job, "on_progress", None)
    if callback is not None:
        callback(job)


def job_live(job: Job) -> Job:
    """The job with the progress its runner last published, for the progress page."""
    if not job.is_finished:
        live = cache.get(_progress_key(job.pk))
        if live:
            job.progress, job.stage = live["progress"], live["stage"]
    return job


def job_execute(job_id: int, func: Callable[[Job], dict]) -> Job:
    """Run func(job) and record the outcome on the job."""
    job = Job.objects.get(pk=job_id)
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    try:
        result = func(job) or {}
        job.status = Job.Status.DONE if result.get("ok", True) else Job.Status.FAILED
        job.result = result
        job.progress = 100
    except Exception as exc:  # the job page shows it; the log keeps the trace
        log.exception("job %s failed", job_id)
        job.status = Job.Status.FAILED
        job.result = {"ok": False, "error": str(exc), "trace": traceback.format_exc()[-4000:]}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "progress", "stage", "finished_at"])
    cache.delete(_progress_key(job.pk))
    return job


def job_start(job: Job, task, *args) -> None:
    """Hand a saved job to the runner; task is a Celery task taking (job_id, *args)."""
    run_in_background(task, job.pk, *args)


def run_in_background(task, *args) -> None:
    """Run a Celery task by the configured runner: the workers (Celery), a daemon thread of
    this process (the embedded default), or inline ("sync", in tests)."""
    runner = settings.ABONENT_JOB_RUNNER
    if runner == "celery":
        task.delay(*args)
    elif runner == "sync":
        task.run(*args)
    else:

        def target():
            close_old_connections()
            try:
                task.run(*args)
            finally:
                connection.close()

        name = getattr(task, "name", "task").rsplit(".", 1)[-1]
        threading.Thread(target=target, daemon=True, name=name).start()
