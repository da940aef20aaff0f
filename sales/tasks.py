"""Background work of the coordination block."""

from celery import shared_task


@shared_task
def daily_report_send() -> list:
    """Beat runs it every 15 minutes; each branch's report of yesterday goes once, after 09:00
    branch time (sales.report_mail)."""
    from .report_mail import daily_report_send as send

    return send()


@shared_task
def visit_reminders_send() -> int:
    """Beat runs it every 15 minutes: the eve and morning SMS of the installation visits
    (sales.schedule.visit_reminders_send), each once."""
    from .schedule import visit_reminders_send as send

    return send()
