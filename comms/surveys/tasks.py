"""Background work of the surveys engine (imported by comms.apps, so the workers know it)."""

from celery import shared_task


@shared_task
def survey_invite_task(campaign_id: int, survey_id: int, by_id: int | None) -> None:
    from .services import survey_invite_background

    survey_invite_background(campaign_id, survey_id, by_id)
