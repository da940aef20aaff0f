"""The public page of a survey link (/s/<token>/): answered once per token, refused when
expired or tampered with, and bad answers shown with the form kept and nothing written."""

import pytest
from django.urls import reverse
from django.utils import timezone

from comms.models import Answer, Response
from comms.surveys.tokens import token_of

from .survey_factories import NPS_ANSWERS, invitation, shipped

pytestmark = pytest.mark.django_db


def url(inv) -> str:
    return reverse("survey_public", kwargs={"token": token_of(inv)})


def test_it_shows_the_questions_without_a_login(client):
    inv = invitation(shipped())
    page = client.get(url(inv))
    assert page.status_code == 200
    text = page.content.decode()
    assert "How likely are you to recommend us" in text
    assert 'name="recommend"' in text and 'name="improve"' in text


def test_it_records_the_answers_and_thanks(client):
    inv = invitation(shipped())
    response = client.post(url(inv), NPS_ANSWERS, follow=True)
    assert response.status_code == 200
    assert "Thank you!" in response.content.decode()
    recorded = Response.objects.get()
    assert (recorded.score, recorded.channel, recorded.subscriber) == (9, "sms", inv.subscriber)
    assert recorded.branch_id == inv.subscriber.branch_id and recorded.technology == "FTTB"
    assert sorted(Answer.objects.filter(response=recorded).values_list("option", flat=True)) == [
        "",
        "",
        "price",
        "speed",
        "tv",
    ]
    inv.refresh_from_db()
    assert inv.answered_at is not None


def test_it_takes_one_answer_per_token(client):
    inv = invitation(shipped())
    client.post(url(inv), NPS_ANSWERS)
    again = client.post(url(inv), {**NPS_ANSWERS, "recommend": "2"})
    assert again.status_code == 409
    assert "you have already answered" in again.content.decode()
    assert Response.objects.count() == 1 and Response.objects.get().score == 9
    page = client.get(url(inv))
    assert page.status_code == 200 and "you have already answered" in page.content.decode()


def test_it_refuses_a_second_answer_that_raced_past_the_page(client):
    """The page saw the invitation open; the service, locking it, finds it answered."""
    from comms.surveys.services import InvitationClosed, response_record

    inv = invitation(shipped())
    response_record(survey=inv.survey, answers=NPS_ANSWERS, channel="sms", invitation=inv)
    with pytest.raises(InvitationClosed) as closed:
        response_record(survey=inv.survey, answers=NPS_ANSWERS, channel="sms", invitation=inv)
    assert closed.value.reason == "answered"
    assert Response.objects.count() == 1


def test_it_says_an_expired_link_has_expired(client):
    inv = invitation(shipped(), days=-1)
    for response in (client.get(url(inv)), client.post(url(inv), NPS_ANSWERS)):
        assert response.status_code == 410
        assert "This survey link has expired" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + ("A" if token[-1] != "A" else "B"),  # the signature
        lambda token: "9" + token,  # the invitation's id
        lambda token: "garbage",
    ],
)
def test_it_refuses_a_tampered_token(client, tamper):
    inv = invitation(shipped())
    path = reverse("survey_public", kwargs={"token": tamper(token_of(inv))})
    for response in (client.get(path), client.post(path, NPS_ANSWERS)):
        assert response.status_code == 404
        assert "This link is not valid" in response.content.decode()
    assert not Response.objects.exists()


def test_it_refuses_a_signed_token_whose_nonce_is_not_the_invitations(client):
    inv = invitation(shipped())
    token = token_of(inv)
    inv.nonce = "other123"
    inv.save()
    assert client.get(reverse("survey_public", kwargs={"token": token})).status_code == 404


@pytest.mark.parametrize(
    "answers, question, error",
    [
        ({**NPS_ANSWERS, "recommend": "11"}, "recommend", "The score is a whole number from 0"),
        ({**NPS_ANSWERS, "recommend": "-1"}, "recommend", "The score is a whole number from 0"),
        ({**NPS_ANSWERS, "recommend": ""}, "recommend", "Choose a score from 0 to 10."),
        ({**NPS_ANSWERS, "reason": "cheap"}, "reason", "Choose one of the answers offered."),
        ({**NPS_ANSWERS, "improve": ["nope"]}, "improve", "Choose among the answers offered."),
    ],
)
def test_it_shows_bad_answers_keeps_the_form_and_writes_nothing(client, answers, question, error):
    inv = invitation(shipped())
    page = client.post(url(inv), answers)
    assert page.status_code == 400
    text = page.content.decode()
    assert error in text and f'id="{question}-error"' in text
    assert 'value="Ok"' not in text and ">Ok</textarea>" in text  # the comment is kept
    assert 'value="tv" checked' in text or answers.get("improve") == ["nope"]
    assert not Response.objects.exists() and not Answer.objects.exists()
    inv.refresh_from_db()
    assert inv.answered_at is None


def test_it_checks_a_grid_rating_within_its_scale(client):
    inv = invitation(shipped("tv_channels"))
    page = client.post(url(inv), {"ratings.ntv": "6", "hours": "1_3"})
    assert page.status_code == 400
    assert "Rate “NTV” from 1 to 5." in page.content.decode()
    ok = client.post(url(inv), {"ratings.ntv": "5", "ratings.sts": "", "hours": "1_3"})
    assert ok.status_code == 302
    assert list(Answer.objects.filter(row__gt="").values_list("row", "value")) == [("ntv", 5)]


def test_it_refuses_a_missing_required_answer(client):
    inv = invitation(shipped("tv_channels"))
    page = client.post(url(inv), {"ratings.ntv": "4"})
    assert page.status_code == 400 and "Choose an answer." in page.content.decode()
    assert not Response.objects.exists()


def test_it_says_a_closed_survey_is_closed(client):
    inv = invitation(shipped())
    inv.survey.active = False
    inv.survey.save()
    assert client.get(url(inv)).status_code == 410
    assert not Response.objects.exists()


def test_it_refuses_other_methods(client):
    inv = invitation(shipped())
    assert client.put(url(inv)).status_code == 405


def test_the_expiry_is_the_invitations(client, settings):
    """A link answered just before it expires counts; the clock is the invitation's."""
    inv = invitation(shipped(), days=0.01)
    assert inv.expires_at > timezone.now()
    assert client.post(url(inv), NPS_ANSWERS).status_code == 302
