"""The pages of calls: the card starts a call, the player moves by HTMX and by plain posts,
the record, "take the next call", assigning, the calls registry and the conversion by step,
who may."""

import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from comms import calllists
from comms.campaigns import campaign_launch
from comms.models import Call, CallList, CallListEntry, Campaign
from core.tests.factories import UserFactory
from subscribers.tests.factories import SubscriberFactory

from .factories import script_published

pytestmark = pytest.mark.django_db
MOSCOW = zoneinfo.ZoneInfo("Europe/Moscow")


@pytest.fixture
def subscriber(tver):
    return SubscriberFactory(branch=tver, phone="+79120000009", full_name="Анна Смирнова")


@pytest.fixture
def script(db):
    return script_published(name="Напоминание об оплате")


def start(client, script, subscriber):
    return client.post(
        reverse("comms:call_start"), {"script": script.pk, "subscriber": subscriber.pk}
    )


def test_an_operator_starts_a_call_from_the_card_and_sees_the_player(
    client, operator, script, subscriber
):
    client.force_login(operator)
    card = client.get(reverse("subscribers:card", kwargs={"pk": subscriber.pk}) + "?tab=comms")
    assert card.status_code == 200
    response = start(client, script, subscriber)
    call = Call.objects.get()
    assert response.url == reverse("comms:call", kwargs={"pk": call.pk})
    html = client.get(response.url).content.decode()
    assert 'id="step-text"' in html and "Анна" in html and 'id="step-next"' in html


def test_a_subscriber_of_another_branch_cannot_be_called(client, operator, script):
    other = SubscriberFactory()
    client.force_login(operator)
    assert start(client, script, other).status_code == 404
    assert not Call.objects.exists()


def test_a_role_that_does_not_call_may_not_start_one(client, script, subscriber, tver):
    client.force_login(UserFactory(roles=["cashier"], branches=[tver]))
    assert start(client, script, subscriber).status_code == 403
    assert not Call.objects.exists()


def test_the_player_moves_by_htmx_and_a_double_post_moves_once(
    client, operator, script, subscriber
):
    client.force_login(operator)
    start(client, script, subscriber)
    call = Call.objects.get()
    step = reverse("comms:call_step", kwargs={"pk": call.pk})
    first = client.post(step, {"at": 0}, HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and 'id="step-answers"' in first.content.decode()
    client.post(step, {"at": 0}, HTTP_HX_REQUEST="true")
    client.post(step, {"at": 1, "answer": "Busy"})
    assert [s.node for s in call.steps.order_by("order")] == ["hello", "pay", "later"]
    finish = client.post(reverse("comms:call_finish", kwargs={"pk": call.pk}),
                         {"result": "reached", "note": "перезвонит"})  # fmt: skip
    assert finish.status_code == 302
    record = client.get(reverse("comms:call", kwargs={"pk": call.pk})).content.decode()
    assert 'id="call-steps"' in record and "Talk later" in record and "перезвонит" in record


def test_the_player_rejects_get_on_its_moves(client, operator, script, subscriber):
    client.force_login(operator)
    start(client, script, subscriber)
    call = Call.objects.get()
    for name in ("comms:call_step", "comms:call_back", "comms:call_finish"):
        assert client.get(reverse(name, kwargs={"pk": call.pk})).status_code == 405


def test_another_operator_sees_the_record_but_cannot_move_the_call(
    client, operator, script, subscriber, tver
):
    client.force_login(operator)
    start(client, script, subscriber)
    call = Call.objects.get()
    client.force_login(UserFactory(roles=["operator"], branches=[tver]))
    assert (
        'id="call-steps"'
        in client.get(reverse("comms:call", kwargs={"pk": call.pk})).content.decode()
    )
    assert (
        client.post(reverse("comms:call_step", kwargs={"pk": call.pk}), {"at": 0}).status_code
        == 403
    )
    assert call.steps.count() == 1


def test_a_callback_without_a_time_shows_the_error_and_leaves_the_call_open(
    client, operator, script, subscriber
):
    client.force_login(operator)
    start(client, script, subscriber)
    call = Call.objects.get()
    response = client.post(
        reverse("comms:call_finish", kwargs={"pk": call.pk}), {"result": "callback"}, follow=True
    )
    assert "Say when to call back." in response.content.decode()
    call.refresh_from_db()
    assert call.ended_at is None


@pytest.fixture
def call_list(db, tver, subscriber, script, head):
    campaign = Campaign.objects.create(
        name="Должники", script=script, accounts=subscriber.account,
        starts_at=timezone.now() - timezone.timedelta(minutes=5),
    )  # fmt: skip
    campaign_launch(campaign=campaign, by=head)
    return CallList.objects.get()


def test_take_next_opens_the_player_with_the_entry(client, operator, call_list, monkeypatch):
    # The contact rules allow this moment whatever the clock says when the test runs.
    monkeypatch.setattr(
        calllists, "contact_plan", lambda **kw: type("V", (), {"at": kw["asked"], "reason": ""})
    )
    client.force_login(operator)
    page = client.get(reverse("comms:call_list", kwargs={"pk": call_list.pk}))
    assert 'id="take-next"' in page.content.decode()
    response = client.post(reverse("comms:call_list_next"), {"call_list": call_list.pk})
    call = Call.objects.get()
    assert response.url == reverse("comms:call", kwargs={"pk": call.pk})
    assert call.entry.status == CallListEntry.Status.TAKEN
    # asking again returns to the same call rather than taking another
    again = client.post(reverse("comms:call_list_next"), {"call_list": call_list.pk})
    assert again.url == response.url and Call.objects.count() == 1


def test_nothing_due_says_so(client, operator, call_list):
    call_list.entries.update(not_before=timezone.now() + timezone.timedelta(days=1))
    client.force_login(operator)
    response = client.post(
        reverse("comms:call_list_next"), {"call_list": call_list.pk}, follow=True
    )
    assert "No calls are due now." in response.content.decode()


def test_the_supervisor_assigns_entries_and_an_operator_may_not(client, operator, call_list, tver):
    supervisor = UserFactory(roles=["supervisor"], branches=[tver])
    url = reverse("comms:call_list_assign", kwargs={"pk": call_list.pk})
    client.force_login(operator)
    assert client.post(url, {"operator": operator.pk, "count": 5}).status_code == 403
    client.force_login(supervisor)
    client.post(url, {"operator": operator.pk, "count": 5})
    assert call_list.entries.get().assigned_to == operator
    bad = client.post(url, {"operator": "", "count": 5}, follow=True)
    assert "Choose an operator." in bad.content.decode()


def test_the_calls_registry_lists_calls_of_the_users_branches_in_few_queries(
    client, operator, script, subscriber, django_assert_max_num_queries
):
    from comms import player

    for _ in range(5):
        call = player.call_start(script=script, operator=operator, subscriber=subscriber)
        player.call_finish(call=call, by=operator, result="no_answer")
    hidden = SubscriberFactory()
    player.call_start(script=script, operator=UserFactory(), subscriber=hidden)
    client.force_login(operator)
    url = reverse("registry", kwargs={"name": "calls"})
    with django_assert_max_num_queries(16):  # whatever the number of rows
        html = client.get(url).content.decode()
    assert html.count("Напоминание об оплате v1") == 5
    assert client.get(url + "?format=xlsx").status_code == 200


def test_the_conversion_shows_where_calls_stop(client, operator, script, subscriber, head):
    from comms import player

    for answer in ("Busy", "Busy", None):
        call = player.call_start(script=script, operator=operator, subscriber=subscriber)
        player.call_advance(call=call, by=operator, at=0)
        if answer:
            player.call_advance(call=call, by=operator, at=1, answer=answer)
            player.call_finish(call=call, by=operator, result="reached")
        else:
            player.call_finish(call=call, by=operator, result="no_answer")
    client.force_login(head)
    version = script.versions.get()
    response = client.get(reverse("comms:script_conversion", kwargs={"pk": version.pk}))
    rows = response.context["rows"]
    by_node = {r["node"]["id"]: r for r in rows}
    assert (by_node["hello"]["reached"], by_node["pay"]["reached"]) == (3, 3)
    assert by_node["pay"]["stopped"] == 1 and by_node["later"]["ended"] == 2
    assert by_node["promise"]["reached"] == 0
    assert (
        client.post(reverse("comms:script_conversion", kwargs={"pk": version.pk})).status_code
        == 405
    )


def test_the_start_page_shows_the_calls_due_for_an_operator(client, operator, call_list):
    client.force_login(operator)
    html = client.get(reverse("home")).content.decode()
    assert 'id="widget-calls"' in html and "Должники" in html


def test_the_start_page_of_a_cashier_has_no_calls(client, call_list, tver):
    client.force_login(UserFactory(roles=["cashier"], branches=[tver]))
    assert 'id="widget-calls"' not in client.get(reverse("home")).content.decode()


def test_the_player_puts_a_survey_and_shows_wrong_answers_beside_the_question(
    client, operator, subscriber
):
    from comms.models import Response
    from comms.surveys.services import surveys_install

    from .test_player import SURVEYED

    surveys_install(language="en")
    script = script_published(graph=SURVEYED, purpose="survey")
    client.force_login(operator)
    start(client, script, subscriber)
    call = Call.objects.get()
    page = client.get(reverse("comms:call", kwargs={"pk": call.pk})).content.decode()
    assert 'id="step-survey"' in page
    step = reverse("comms:call_step", kwargs={"pk": call.pk})
    bad = client.post(step, {"at": 0, "survey": "nps"}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and 'id="step-survey"' in bad.content.decode()
    assert not Response.objects.exists()
    good = client.post(step, {"at": 0, "survey": "nps", "survey-recommend": "10"})
    assert good.status_code == 302 and Response.objects.get().score == 10
