"""The surveys' writes: an invitation queues one SMS whose link opens the survey; a response
is checked question by question and written whole or not at all; the shipped surveys install
once and keep the operator's edits."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from comms.models import Answer, Invitation, Message, Question, Response, Survey
from comms.surveys.services import invitation_create, response_record, surveys_install
from comms.surveys.tokens import token_of

from .survey_factories import NPS_ANSWERS, shipped, subscriber

pytestmark = pytest.mark.django_db


def test_an_invitation_queues_one_sms_whose_link_opens_the_survey(client, settings):
    settings.ABONENT_PUBLIC_URL = "https://isp.example"
    survey = shipped()
    who = subscriber()
    inv = invitation_create(survey=survey, subscriber=who)
    message = Message.objects.get()
    assert inv.message == message and message.subscriber == who
    assert (message.purpose, message.channel, message.to) == ("survey", "sms", who.phone)
    assert message.status in (Message.Status.QUEUED, Message.Status.DEFERRED)
    link = re.search(r"https://isp\.example(/s/\S+/)", message.body)
    assert link and link.group(1) == reverse("survey_public", kwargs={"token": token_of(inv)})
    page = client.get(link.group(1))
    assert page.status_code == 200 and survey.name in page.content.decode()
    valid = inv.expires_at - inv.created_at
    assert abs(valid.total_seconds() - survey.valid_days * 86400) < 60


def test_an_invitation_to_a_subscriber_without_a_phone_writes_nothing():
    survey = shipped()
    with pytest.raises(ValidationError, match="has no phone"):
        invitation_create(survey=survey, subscriber=subscriber(phone=""))
    assert not Invitation.objects.exists() and not Message.objects.exists()


def test_an_inactive_survey_invites_nobody():
    survey = shipped()
    survey.active = False
    survey.save()
    with pytest.raises(ValidationError, match="not active"):
        invitation_create(survey=survey, subscriber=subscriber())
    assert not Invitation.objects.exists()


def test_a_response_in_a_call_keeps_the_call_and_the_subscriber():
    from django.utils import timezone

    from comms.models import Call
    from core.tests.factories import UserFactory

    from .factories import script_published

    who = subscriber()
    call = Call.objects.create(
        subscriber=who,
        branch=who.branch,
        operator=UserFactory(),
        script_version=script_published().versions.get(),
        started_at=timezone.now(),
    )
    survey = shipped()
    response = response_record(survey=survey, answers=NPS_ANSWERS, channel="call", call=call)
    assert (response.channel, response.call, response.subscriber) == (
        "call",
        call,
        call.subscriber,
    )


def test_bad_answers_name_each_question_and_write_nothing():
    survey = shipped()
    with pytest.raises(ValidationError) as error:
        response_record(
            survey=survey,
            answers={"recommend": "ten", "reason": "x", "comment": "y" * 2001},
            channel="web",
            subscriber=subscriber(),
        )
    assert set(error.value.message_dict) == {"recommend", "reason", "comment"}
    assert not Response.objects.exists() and not Answer.objects.exists()


def test_an_empty_response_is_refused():
    survey = shipped()
    survey.questions.update(required=False)
    with pytest.raises(ValidationError, match="Answer at least one question"):
        response_record(survey=survey, answers={}, channel="web", subscriber=subscriber())


def test_the_response_copies_what_the_breakdowns_need(settings):
    import datetime

    from django.utils import timezone

    who = subscriber(technology="GPON", connected_on=timezone.localdate() - datetime.timedelta(400))
    response = response_record(survey=shipped(), answers=NPS_ANSWERS, channel="web", subscriber=who)
    assert (response.branch_id, response.technology, response.tenure_months) == (
        who.branch_id,
        "GPON",
        13,
    )


def test_installing_twice_keeps_the_operators_edit():
    assert surveys_install(language="en") == (2, 0)
    survey = Survey.objects.get(code="nps")
    survey.name = "Наш NPS"
    survey.save()
    question = survey.questions.get(code="comment")
    question.text = "Что нам передать директору?"
    question.save()
    assert surveys_install(language="en") == (0, 2)
    survey.refresh_from_db()
    assert survey.name == "Наш NPS"
    assert survey.questions.get(code="comment").text == "Что нам передать директору?"
    assert Question.objects.filter(survey=survey).count() == 7


def test_the_shipped_surveys_come_in_russian_and_english():
    surveys_install(language="ru")
    nps = Survey.objects.get(code="nps")
    assert nps.name == "Опрос NPS"
    assert nps.questions.get(role="nps").kind == "scale10"
    tv = Survey.objects.get(code="tv_channels")
    grid = tv.questions.get(role="channels")
    miss = tv.questions.get(role="miss")
    assert grid.rows == miss.options and len(grid.rows) >= 10
    assert tv.questions.count() == 5  # the invitation SMS promises five questions
