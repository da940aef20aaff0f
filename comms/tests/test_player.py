"""The script player (comms.player): a call goes step by step, a form sent twice moves it
once, back, objections noted, the outcome with its action and SMS in the call's transaction,
an unreached call, who may."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from comms import player
from comms.models import CallObjection, Message, Objection, ObjectionCategory, OptOut
from core.tests.factories import UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory, MessageTemplateFactory, script_published

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(db, tver, operator):
    GatewayFactory()
    MessageTemplateFactory(code="payment-due", purpose="debt", body="{operator}: {account}")
    subscriber = SubscriberFactory(branch=tver, phone="+79120000001", full_name="Иван Петров")
    return player.call_start(script=script_published(), operator=operator, subscriber=subscriber)


def path(call):
    return [(s.node, s.answer) for s in call.steps.order_by("order")]


def test_a_call_starts_at_the_start_step_of_the_published_version(call):
    assert path(call) == [("hello", "")]
    assert call.script_version.number == 1


def test_a_script_never_published_cannot_be_called(operator):
    from comms.models import Script

    script = Script.objects.create(name="Draft", purpose="debt", draft={})
    with pytest.raises(ValidationError):
        player.call_start(script=script, operator=operator)


def test_a_call_keeps_the_version_it_was_made_with(call):
    from comms.models import ScriptVersion

    ScriptVersion.objects.create(script=call.script_version.script, number=2, graph={})
    call.refresh_from_db()
    assert call.script_version.number == 1


def test_it_goes_on_and_records_the_answers(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Today")
    assert path(call) == [("hello", ""), ("pay", "Today"), ("promise", "")]


def test_a_form_sent_twice_moves_the_call_once(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=0)
    assert path(call) == [("hello", ""), ("pay", "")]


def test_an_answer_the_step_does_not_offer_is_refused(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    with pytest.raises(ValidationError):
        player.call_advance(call=call, by=operator, at=1, answer="Maybe")
    assert path(call) == [("hello", ""), ("pay", "")]


def test_back_returns_to_the_step_before_and_forgets_its_answer(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Never")
    player.call_back(call=call, by=operator, at=2)
    player.call_back(call=call, by=operator, at=2)  # the same click again: nothing more
    assert path(call) == [("hello", ""), ("pay", "")]


def test_another_operator_cannot_move_the_call(call, tver):
    other = UserFactory(roles=["operator"], branches=[tver])
    with pytest.raises(PermissionDenied):
        player.call_advance(call=call, by=other, at=0)
    assert path(call) == [("hello", "")]


def test_an_objection_is_noted_once_at_the_step_it_came_up(call, operator):
    category = ObjectionCategory.objects.create(code="price", name="Price")
    objection = Objection.objects.create(code="too-expensive", category=category, text="Дорого")
    player.call_objection_add(call=call, by=operator, objection=objection)
    player.call_objection_add(call=call, by=operator, objection=objection)
    assert list(CallObjection.objects.values_list("node", flat=True)) == ["hello"]


def test_a_reached_call_records_the_outcome_and_queues_its_sms(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Today")
    player.call_finish(call=call, by=operator, result="reached", note=" will pay tonight ")
    call.refresh_from_db()
    assert (call.outcome, call.success, call.note) == ("promise", True, "will pay tonight")
    message = Message.objects.get()
    assert message.subscriber == call.subscriber and message.template.code == "payment-due"
    assert call.ended_at is not None and "payment-due" not in call.action_result


def test_an_outcome_action_runs_with_the_call(call, operator):
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Never")
    player.call_finish(call=call, by=operator, result="reached")
    assert OptOut.objects.filter(subscriber=call.subscriber).exists()
    call.refresh_from_db()
    assert call.success is False and call.action_result


def test_a_reached_call_must_be_at_an_end(call, operator):
    with pytest.raises(ValidationError):
        player.call_finish(call=call, by=operator, result="reached")
    call.refresh_from_db()
    assert call.ended_at is None and call.outcome == ""


def test_an_unreached_call_ends_anywhere_without_an_outcome(call, operator):
    player.call_finish(call=call, by=operator, result="no_answer")
    call.refresh_from_db()
    assert (call.result, call.outcome, call.success) == ("no_answer", "", None)


def test_a_callback_needs_a_time_to_come(call, operator):
    with pytest.raises(ValidationError):
        player.call_finish(call=call, by=operator, result="callback")
    with pytest.raises(ValidationError):
        player.call_finish(
            call=call, by=operator, result="callback",
            callback_at=timezone.now() - timedelta(minutes=1),
        )  # fmt: skip
    call.refresh_from_db()
    assert call.ended_at is None


def test_a_recorded_call_cannot_be_recorded_again(call, operator):
    player.call_finish(call=call, by=operator, result="busy")
    with pytest.raises(ValidationError):
        player.call_finish(call=call, by=operator, result="no_answer")
    call.refresh_from_db()
    assert call.result == "busy"


def test_an_unknown_result_is_refused(call, operator):
    with pytest.raises(ValidationError):
        player.call_finish(call=call, by=operator, result="maybe")


def test_the_text_fills_what_is_known_and_names_what_is_not(call):
    text = player.say("{name}, {due_date}", call.subscriber, {})
    assert text.startswith("Иван") and "[" in text and "{" not in text


def test_an_sms_that_needs_a_date_the_operator_gives_is_refused_without_it(call, operator):
    from comms.models import MessageTemplate

    MessageTemplate.objects.filter(code="payment-due").update(body="Pay by {due_date}")
    player.call_advance(call=call, by=operator, at=0)
    player.call_advance(call=call, by=operator, at=1, answer="Today")
    with pytest.raises(ValidationError, match="Due date"):
        player.call_finish(call=call, by=operator, result="reached")
    assert not Message.objects.exists()
    player.call_finish(call=call, by=operator, result="reached", values={"due_date": "30.11"})
    assert Message.objects.get().body == "Pay by 30.11"


SURVEYED = {
    "start": "ask",
    "nodes": [
        {"id": "ask", "kind": "survey", "title": "Questions", "text": "", "survey": "nps",
         "next": "done"},
        {"id": "done", "kind": "end", "title": "Thanks", "outcome": "answered", "success": True},
    ],
}  # fmt: skip


@pytest.fixture
def survey_call(db, tver, operator):
    from comms.surveys.services import surveys_install

    surveys_install(language="en")
    subscriber = SubscriberFactory(branch=tver, phone="+79120000002")
    script = script_published(graph=SURVEYED, purpose="survey")
    return player.call_start(script=script, operator=operator, subscriber=subscriber)


def test_a_survey_step_records_the_answers_as_a_response_by_call_and_goes_on(survey_call, operator):
    from comms.models import Response

    player.call_survey_answer(call=survey_call, by=operator, at=0, answers={"recommend": "9"})
    player.call_survey_answer(call=survey_call, by=operator, at=0, answers={"recommend": "9"})
    response = Response.objects.get()
    assert (response.channel, response.call, response.score) == ("call", survey_call, 9)
    assert response.subscriber == survey_call.subscriber
    assert path(survey_call) == [("ask", "NPS survey"), ("done", "")]


def test_wrong_survey_answers_are_refused_and_the_call_stays(survey_call, operator):
    from comms.models import Response

    with pytest.raises(ValidationError) as refused:
        player.call_survey_answer(call=survey_call, by=operator, at=0, answers={"recommend": "11"})
    assert "recommend" in refused.value.message_dict
    assert not Response.objects.exists() and path(survey_call) == [("ask", "")]


def test_a_survey_the_subscriber_declines_is_skipped_without_a_response(survey_call, operator):
    from comms.models import Response

    player.call_advance(call=survey_call, by=operator, at=0)
    assert path(survey_call) == [("ask", player.SKIPPED), ("done", "")]
    assert not Response.objects.exists()
