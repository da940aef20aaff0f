"""The daily sales report by e-mail: each branch's report of yesterday goes out once its local
time has passed 09:00, to the branch's recipients and to those of every branch.

Every-branch recipients get one letter per branch, each when that branch's morning comes: the
branches' mornings are hours apart, and a combined letter would wait for the last of them.

What was sent is remembered in core.Job (kind "report_export", params {"report":
"daily_sales", "branch": id, "day": "YYYY-MM-DD"}): a sent report is a finished export, the
row survives restarts, and the jobs page shows it. A job claimed but never finished (a worker
that died) is taken again after CLAIM_TIMEOUT; a failed one is retried on the next run."""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import Branch, Job

from .models import ReportRecipient
from .reports import XLSX_CONTENT_TYPE, daily_sales, report_xlsx

log = logging.getLogger(__name__)

SEND_AT = time(9, 0)
REPORT = "daily_sales"
CLAIM_TIMEOUT = timedelta(hours=1)


def recipients_of(branch: Branch) -> list[str]:
    return sorted(
        set(
            ReportRecipient.objects.filter(Q(branch=branch) | Q(branch=None), active=True)
            .values_list("email", flat=True)
            .distinct()
        )
    )


def _marker(branch: Branch, day: date):
    return Job.objects.filter(
        kind=Job.Kind.REPORT_EXPORT, params__report=REPORT, params__branch=branch.pk,
        params__day=day.isoformat(),
    )  # fmt: skip


def _claim(branch: Branch, day: date, now: datetime, *, again: bool = False) -> Job | None:
    """Take the branch's report of `day` to send, or None when it is sent or being sent."""
    with transaction.atomic():
        Branch.objects.select_for_update().filter(pk=branch.pk).first()  # one claimer at a time
        previous = _marker(branch, day)
        if not again and (
            previous.filter(status=Job.Status.DONE).exists()
            or previous.filter(
                status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
                started_at__gt=now - CLAIM_TIMEOUT,
            ).exists()
        ):
            return None
        return Job.objects.create(
            kind=Job.Kind.REPORT_EXPORT,
            status=Job.Status.RUNNING,
            stage=str(_("Sending the daily sales report")),
            params={"report": REPORT, "branch": branch.pk, "day": day.isoformat()},
            started_at=now,
        )


def report_send(branch: Branch, day: date, *, now: datetime | None = None, again=False) -> bool:
    """E-mail the branch's report of `day` to its recipients, unless it was sent (again: send
    anyway). True when a letter went."""
    now = now or timezone.now()
    to = recipients_of(branch)
    if not to:
        return False
    job = _claim(branch, day, now, again=again)
    if job is None:
        return False
    try:
        report = daily_sales(user=None, day=day, branch=branch)
        subject = _("Daily sales report: %(branch)s, %(day)s") % {
            "branch": branch.name,
            "day": f"{day:%d.%m.%Y}",
        }
        total = report.total
        body = _(
            "Applications registered: %(registered)s, visits booked: %(scheduled)s, "
            "connected: %(connected)s.\nThe report is attached."
        ) % {
            "registered": total.registered,
            "scheduled": total.scheduled,
            "connected": total.connected,
        }
        message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        message.attach(
            f"sales-{branch.pk}-{day:%Y-%m-%d}.xlsx", report_xlsx(report), XLSX_CONTENT_TYPE
        )
        message.send()
    except Exception as error:
        log.exception("daily sales report of branch %s for %s not sent", branch.pk, day)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), result={"error": str(error)}
        )
        return False
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.DONE, progress=100, finished_at=timezone.now(), result={"to": to}
    )
    return True


def daily_report_send(now: datetime | None = None) -> list[tuple[int, str]]:
    """Send yesterday's report of every branch whose local time has passed 09:00 and whose
    report of yesterday has not gone yet. Returns (branch id, day) of the letters sent."""
    now = now or timezone.now()
    sent = []
    for branch in Branch.objects.order_by("pk"):
        local = now.astimezone(branch.tz)
        if local.time() < SEND_AT:
            continue
        yesterday = local.date() - timedelta(days=1)
        if report_send(branch, yesterday, now=now):
            sent.append((branch.pk, yesterday.isoformat()))
    return sent
