"""Writes of the surveys engine: invitations (with their SMS in the outbox, in one
transaction; to a segment or a list in the background), responses checked question by
question, and the shipped surveys."""

import logging
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core.jobs import run_in_background

from ..campaigns import accounts_of, campaign_started, planned_write, recipients
from ..models import (
    Answer,
    Campaign,
    Invitation,
    Message,
    MessageTemplate,
    Question,
    Response,
    Survey,
    SurveyChannel,
)
from ..outbox import OutboxError, gateway_of, kick, template_queue
from ..placeholders import TextError
from ..services import rules_lock
from .channels import lineup_install
from .editing import invitation_templates
from .queries import invite_campaign, invite_plan, still_invited, with_link
from .tokens import link_of, nonce_new

log = logging.getLogger(__name__)

TEXT_MAX = 2000
Kind = Question.Kind


class InvitationClosed(ValidationError):
    """The link cannot be answered (any more): `reason` is answered, expired or closed."""

    def __init__(self, reason: str):
        self.reason = reason
        messages = {
            "answered": _("This survey has already been answered. Thank you!"),
            "expired": _("This survey link has expired."),
            "closed": _("This survey is closed."),
        }
        super().__init__(messages[reason], code=reason)


def tenure_months(connected_on: date | None, today: date) -> int | None:
    """Whole months from the connection to `today`."""
    if connected_on is None:
        return None
    months = (today.year - connected_on.year) * 12 + today.month - connected_on.month
    if today.day < connected_on.day:
        months -= 1
    return max(months, 0)


# -- checking the answers --------------------------------------------------------------------
def _integer(value) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _answer_rows(question: Question, value) -> tuple[list[Answer], str | None]:
    """The answer rows for one question's value, or the error in the respondent's words."""
    kind = question.kind
    if kind == Kind.SCALE10:
        if _blank(value):
            return [], _("Choose a score from 0 to 10.") if question.required else None
        number = _integer(value)
        if number is None or not 0 <= number <= 10:
            return [], _("The score is a whole number from 0 to 10.")
        return [Answer(question=question, value=number)], None
    if kind == Kind.SINGLE:
        if _blank(value):
            return [], _("Choose an answer.") if question.required else None
        if str(value) not in question.labels():
            return [], _("Choose one of the answers offered.")
        return [Answer(question=question, option=str(value))], None
    if kind == Kind.MULTIPLE:
        chosen = [value] if isinstance(value, str) else list(value or [])
        chosen = list(dict.fromkeys(str(c) for c in chosen if not _blank(c)))
        if not chosen:
            return [], _("Choose at least one answer.") if question.required else None
        if any(code not in question.labels() for code in chosen):
            return [], _("Choose among the answers offered.")
        return [Answer(question=question, option=code) for code in chosen], None
    if kind == Kind.GRID:
        ratings = {str(k): v for k, v in (value or {}).items() if not _blank(v)}
        rows = question.labels("rows")
        if not ratings:
            return [], _("Rate at least one line.") if question.required else None
        answers = []
        for code, rating in ratings.items():
            if code not in rows:
                return [], _("Rate only the lines offered.")
            number = _integer(rating)
            if number is None or not question.scale_min <= number <= question.scale_max:
                return [], _("Rate “%(row)s” from %(low)s to %(high)s.") % {
                    "row": rows[code],
                    "low": question.scale_min,
                    "high": question.scale_max,
                }
            answers.append(Answer(question=question, row=code, value=number))
        order = list(rows)
        return sorted(answers, key=lambda a: order.index(a.row)), None
    text = "" if value is None else str(value).strip()
    if not text:
        return [], _("Write an answer.") if question.required else None
    if len(text) > TEXT_MAX:
        return [], _("Write at most %(max)s characters.") % {"max": TEXT_MAX}
    return [Answer(question=question, text=text)], None


def answers_check(questions: list[Question], answers: dict) -> tuple[list[Answer], int | None]:
    """(the answer rows, the NPS score) for the answers by question code; ValidationError with
    a message for each question answered wrongly (keyed by its code)."""
    rows: list[Answer] = []
    errors: dict[str, list[str]] = {}
    score = None
    for question in questions:
        found, error = _answer_rows(question, answers.get(question.code))
        if error:
            errors[question.code] = [error]
            continue
        rows += found
        if question.role == Question.Role.NPS and found:
            score = found[0].value
    if errors:
        raise ValidationError(errors)
    if not rows:
        raise ValidationError(_("Answer at least one question."))
    return rows, score


# -- responses ------------------------------------------------------------------------------
@transaction.atomic
def response_record(
    *,
    survey: Survey,
    answers: dict,
    channel: str,
    subscriber=None,
    call=None,
    invitation: Invitation | None = None,
    by=None,
) -> Response:
    """Record a subscriber's answers, given by question code: a scale's or single choice's
    value, a list for a multiple choice, {row code: rating} for a grid, a text. Wrong answers
    raise ValidationError by question code and write nothing; an invitation answered already
    (even by a request racing this one), expired or of a closed survey raises
    InvitationClosed."""
    if not survey.active:
        raise InvitationClosed("closed")
    rows, score = answers_check(list(survey.questions.all()), answers)
    now = timezone.now()
    if invitation is not None:
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.answered_at is not None:
            raise InvitationClosed("answered")
        if invitation.expires_at <= now:
            raise InvitationClosed("expired")
        subscriber = invitation.subscriber
    if subscriber is None and call is not None:
        subscriber = call.subscriber
    response = Response(
        survey=survey,
        subscriber=subscriber,
        invitation=invitation,
        channel=channel,
        call=call,
        answered_at=now,
        score=score,
        recorded_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if subscriber is not None:
        response.branch_id = subscriber.branch_id
        response.technology = subscriber.technology
        response.tenure_months = tenure_months(subscriber.connected_on, timezone.localdate())
    try:
        with transaction.atomic():
            response.save()
    except IntegrityError:
        if invitation is not None and Response.objects.filter(invitation=invitation).exists():
            raise InvitationClosed("answered") from None
        raise
    for row in rows:
        row.response = response
    Answer.objects.bulk_create(rows)
    if invitation is not None:
        invitation.answered_at = now
        invitation.save(update_fields=["answered_at"])
    return response


# -- invitations ----------------------------------------------------------------------------
@transaction.atomic
def invitation_create(
    *, survey: Survey, subscriber, channel: str = SurveyChannel.SMS, by=None
) -> Invitation:
    """Invite the subscriber: an invitation valid for the survey's days and, for the SMS
    channel, the survey's SMS with the signed link, in the outbox in this same transaction
    (the contact rules for surveys decide its moment; one they refuse is kept as failed with
    the reason, comms.outbox.message_queue)."""
    if not survey.active:
        raise ValidationError(_("The survey “%(name)s” is not active.") % {"name": survey.name})
    if channel == SurveyChannel.SMS:
        template = survey.template
        if template is None or not template.active:
            raise ValidationError(_("The survey has no active invitation SMS template."))
        if not subscriber.phone:
            raise ValidationError(
                _("Subscriber %(account)s has no phone for an SMS.")
                % {"account": subscriber.account}
            )
    invitation = Invitation.objects.create(
        survey=survey,
        subscriber=subscriber,
        channel=channel,
        nonce=nonce_new(),
        expires_at=timezone.now() + timedelta(days=survey.valid_days),
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    if channel == SurveyChannel.SMS:
        try:
            invitation.message = template_queue(
                template=template, subscriber=subscriber, values={"link": link_of(invitation)}
            )
        except OutboxError as e:
            raise ValidationError(
                _("The invitation SMS cannot be sent: %(error)s") % {"error": e}
            ) from e
        invitation.save(update_fields=["message"])
    return invitation


def invitation_refused(invitation: Invitation) -> bool:
    """Whether the contact rules refused the invitation's SMS."""
    return invitation.message is not None and invitation.message.status == Message.Status.FAILED


# -- the shipped surveys --------------------------------------------------------------------
@transaction.atomic
def surveys_install(*, language: str | None = None) -> tuple[int, int]:
    """Make the shipped surveys (comms/surveys/standard.py) that are missing, found by their
    code, in `language` (the site's by default); one the operator edited is left as it is.
    The default TV line-up comes with them when the operator has none, and the channel
    questions list the line-up's channels on air. Returns (made, already there)."""
    from .standard import standard_surveys

    existing = set(Survey.objects.exclude(code=None).values_list("code", flat=True))
    templates = dict(MessageTemplate.objects.exclude(code=None).values_list("code", "pk"))
    made = there = 0
    for standard in standard_surveys(language):
        if standard["code"] in existing:
            there += 1
            continue
        name = standard["name"]
        if Survey.objects.filter(name=name).exists():  # the operator's own of the same name
            name = f"{name} ({standard['code']})"
        survey = Survey.objects.create(
            code=standard["code"],
            name=name,
            intro=standard["intro"],
            thanks=standard["thanks"],
            valid_days=standard["valid_days"],
            template_id=templates.get(standard["template_code"]),
        )
        Question.objects.bulk_create(
            Question(survey=survey, **question) for question in standard["questions"]
        )
        made += 1
    # The TV survey lists the operator's line-up: the default one when there is none yet.
    lineup_install(language=language)
    return made, there


# -- inviting a segment or a list -------------------------------------------------------------
def _invite_check(survey: Survey, template: MessageTemplate | None) -> None:
    if not survey.active:
        raise ValidationError(_("The survey “%(name)s” is not active.") % {"name": survey.name})
    if template is None or not invitation_templates().filter(pk=template.pk).exists():
        raise ValidationError(
            _("The invitation goes by an active SMS template for surveys with {link} in it.")
        )


def survey_invite_start(
    *, survey: Survey, template: MessageTemplate, segment=None, accounts: str = "", by
) -> Campaign:
    """Invite a segment (or a list of accounts) by SMS in the background: a campaign that the
    survey's page follows (a hundred thousand take seconds). Refused while another sending of
    the survey runs, or when everyone on the list with a phone is invited already (a form
    sent twice)."""
    with transaction.atomic():
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _invite_check(survey, template)
        if segment is None and not accounts_of(accounts):
            raise ValidationError(_("Choose a segment or paste the accounts."))
        sending = Campaign.objects.filter(
            values__survey=survey.pk, status=Campaign.Status.LAUNCHING
        )
        if sending.exists():
            raise ValidationError(
                _("Invitations to this survey are being sent; wait until they are.")
            )
        campaign = invite_campaign(
            survey, template=template, segment=segment, accounts=accounts, by=by
        )
        left = (
            recipients(campaign, by)
            .exclude(phone="")
            .exclude(pk__in=still_invited(survey, timezone.now()))
        )
        if not left.exists():
            raise ValidationError(
                _("Everyone on the list with a phone is already invited to this survey.")
            )
        campaign.status = Campaign.Status.LAUNCHING
        campaign.save()
    from .tasks import survey_invite_task

    run_in_background(survey_invite_task, campaign.pk, survey.pk, by.pk if by else None)
    return campaign


def survey_invite_background(campaign_id: int, survey_id: int, by_id: int | None) -> None:
    """The background half: a failure cancels the sending, with the reason for the page."""
    from django.contrib.auth import get_user_model

    by = get_user_model().objects.filter(pk=by_id).first()
    try:
        survey_invite_send(
            campaign=Campaign.objects.get(pk=campaign_id),
            survey=Survey.objects.get(pk=survey_id),
            by=by,
        )
    except Exception as e:  # the page shows it; nothing was written
        if isinstance(e, ValidationError):
            message = "; ".join(e.messages)
        else:
            log.exception("survey invitations %s failed", campaign_id)
            message = str(e)
        Campaign.objects.filter(pk=campaign_id, status=Campaign.Status.LAUNCHING).update(
            status=Campaign.Status.CANCELLED, counts={"error": message[:500]}
        )


def survey_invite_send(*, campaign: Campaign, survey: Survey, by) -> dict[str, int]:
    """Write the invitations and their SMS, all or none, set-based as a campaign's launch
    (comms.campaigns.campaign_launch): the invitations in bulk, each message with its own
    link, the contacts it reserves and the rules' deferrals and refusals by COPY."""
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status != Campaign.Status.LAUNCHING:
            raise ValidationError(_("These invitations are sent already."))
        survey = Survey.objects.select_for_update().get(pk=survey.pk)
        _invite_check(survey, campaign.template)
        rules_lock(shared=False)
        now = timezone.now()
        try:
            plan = invite_plan(campaign, survey, by, now=now)
            gateway = gateway_of(campaign.template.channel)
        except (TextError, OutboxError) as e:
            raise ValidationError(str(e)) from e
        expires = now + timedelta(days=survey.valid_days)
        invitations = Invitation.objects.bulk_create(
            [
                Invitation(
                    survey=survey,
                    subscriber_id=p.subscriber.pk,
                    channel=SurveyChannel.SMS,
                    nonce=nonce_new(),
                    expires_at=expires,
                    created_by=by,
                )
                for p in plan.going
            ],
            batch_size=2000,
        )
        for p, invitation in zip(plan.going, invitations, strict=True):
            p.body, p.parts = with_link(p, link_of(invitation))
        planned_write(plan.going, campaign=campaign, gateway=gateway, now=now)
        if invitations:
            # Each invitation gets its message: the campaign wrote one per subscriber.
            Invitation.objects.filter(
                survey=survey,
                pk__gte=invitations[0].pk,
                pk__lte=invitations[-1].pk,
                expires_at=expires,
                message=None,
            ).update(
                message=Subquery(
                    Message.objects.filter(
                        campaign=campaign, subscriber=OuterRef("subscriber")
                    ).values("pk")[:1]
                )
            )
        counts = plan.counts()
        campaign_started(campaign, counts, now)
        transaction.on_commit(kick)
    return counts
