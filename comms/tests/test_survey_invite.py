"""Inviting a segment or a list of accounts to a survey: the preview after the contact rules
(no phone, opted out, invited already), the sending in the background with one invitation
and one SMS per recipient, each with its own working link, the line on the survey's page, who
may, the wrong method, bad input, a form sent twice."""

from decimal import Decimal
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from comms.models import Campaign, Gateway, Invitation, Message, Response
from comms.services import opt_out_set
from comms.surveys.tokens import link_of
from segments.tests.factories import SegmentFactory

from .survey_factories import NPS_ANSWERS, invitation, shipped, subscriber

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tver):
    """Five subscribers of Тверь on ADSL: two to invite, one opted out, one without a phone,
    one invited already (their link still valid)."""
    survey = shipped()
    Gateway.objects.update(part_price=Decimal("2.50"))
    people = {
        name: subscriber(
            account=account, branch=tver, technology="ADSL", phone=f"+7912111000{account[-1]}"
        )
        for name, account in (
            ("anna", "5001"),
            ("boris", "5002"),
            ("opted", "5003"),
            ("nophone", "5004"),
            ("invited", "5005"),
        )
    }
    people["nophone"].phone = ""
    people["nophone"].save()
    opt_out_set(subscriber=people["opted"], source="card")
    invitation(survey, people["invited"])
    return {"survey": survey, "people": people, "template": survey.template}


ACCOUNTS = "5001\n5002, 5003\n5004; 5005\n9999"


def page(survey, what: str = "") -> str:
    name = f"comms:survey_invitations_{what}" if what else "comms:survey_invitations"
    return reverse(name, kwargs={"pk": survey.pk})


def form(world, **fields) -> dict:
    return {"accounts": ACCOUNTS, "template": world["template"].pk, **fields}


def test_the_page_offers_a_segment_a_list_and_the_surveys_sms(client, head, world):
    client.force_login(head)
    response = client.get(page(world["survey"]))
    assert response.status_code == 200
    assert response.context["form"]["template"].value() == world["template"].pk
    assert 'name="segment"' in response.content.decode()


def test_the_preview_counts_who_gets_it_and_what_it_costs_and_writes_nothing(client, head, world):
    client.force_login(head)
    response = client.post(page(world["survey"]), form(world))
    assert response.status_code == 200
    preview = response.context["preview"]
    assert not preview.error
    counts = preview.counts
    assert (counts["recipients"], counts["no_phone"], counts["already"]) == (5, 1, 1)
    assert (counts["invited"], counts["refused"]) == (3, 1)
    assert counts["queued"] + counts["deferred"] == 2
    assert counts["parts"] == 2 and preview.cost == Decimal("5.00")
    assert "/s/" in preview.sample and "{link}" not in preview.sample
    assert 'id="invite-send"' in response.content.decode()
    assert Invitation.objects.count() == 1
    assert not Message.objects.exists() and not Campaign.objects.exists()


def test_a_segment_is_previewed_like_a_list(client, head, world):
    segment = SegmentFactory(name="ADSL", query="technology=ADSL")
    client.force_login(head)
    response = client.post(page(world["survey"]), form(world, accounts="", segment=segment.pk))
    counts = response.context["preview"].counts
    assert (counts["recipients"], counts["no_phone"], counts["already"]) == (5, 1, 1)


def test_sending_writes_one_invitation_and_one_sms_per_recipient_with_working_links(
    client, head, world
):
    survey, people = world["survey"], world["people"]
    client.force_login(head)
    response = client.post(page(world["survey"], "send"), form(world))
    assert response.status_code == 302
    new = Invitation.objects.filter(survey=survey).exclude(subscriber=people["invited"])
    assert sorted(new.values_list("subscriber__account", flat=True)) == ["5001", "5002", "5003"]
    links = set()
    for inv in new.select_related("message"):
        assert inv.message.subscriber_id == inv.subscriber_id and inv.channel == "sms"
        assert link_of(inv) in inv.message.body
        links.add(link_of(inv))
    assert len(links) == 3
    assert Message.objects.count() == 3
    refused = new.get(subscriber=people["opted"]).message
    assert refused.status == "failed" and refused.error.startswith("contact rules")
    going = new.exclude(subscriber=people["opted"])
    assert set(going.values_list("message__status", flat=True)) <= {"queued", "deferred"}
    campaign = Campaign.objects.get()
    assert campaign.status == "running" and campaign.values == {"survey": survey.pk}
    assert campaign.counts["invited"] == 3 and campaign.counts["already"] == 1

    anna = going.get(subscriber=people["anna"])
    public = urlparse(link_of(anna)).path
    client.logout()
    assert client.get(public).status_code == 200
    client.post(public, NPS_ANSWERS)
    assert Response.objects.get().invitation == anna

    client.force_login(head)
    results = client.get(reverse("comms:survey", kwargs={"pk": survey.pk})).context["results"]
    assert results.responses == 1 and results.nps.n == 1
    line = client.get(page(survey, "progress"))
    progress = line.context["progress"]
    assert (progress.invited, progress.refused, progress.answered) == (4, 1, 1)
    assert progress.rate == pytest.approx(100 / 3)
    assert 'id="invite-answered">1<' in line.content.decode()


def test_a_send_form_sent_twice_invites_once(client, head, world):
    client.force_login(head)
    client.post(page(world["survey"], "send"), form(world))
    again = client.post(page(world["survey"], "send"), form(world), follow=True)
    assert "Everyone on the list with a phone is already invited" in again.content.decode()
    assert Invitation.objects.count() == 4 and Message.objects.count() == 3
    assert Campaign.objects.count() == 1


def test_a_sending_that_fails_writes_nothing_and_says_why(client, head, world):
    Gateway.objects.update(active=False)
    client.force_login(head)
    client.post(page(world["survey"], "send"), form(world))
    assert Invitation.objects.count() == 1 and not Message.objects.exists()
    campaign = Campaign.objects.get()
    assert campaign.status == "cancelled" and "no active gateway" in campaign.counts["error"]
    line = client.get(page(world["survey"], "progress")).content.decode()
    assert 'id="invite-error"' in line


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"accounts": ""}, "Choose a segment or paste the accounts."),
        ({"template": ""}, "This field is required."),
    ],
)
def test_bad_input_is_shown_and_nothing_is_written(client, head, world, fields, error):
    client.force_login(head)
    for url in (page(world["survey"]), page(world["survey"], "send")):
        response = client.post(url, form(world, **fields))
        assert response.status_code == 400
        assert error in response.content.decode()
    assert Invitation.objects.count() == 1 and not Campaign.objects.exists()


def test_a_segment_and_a_list_together_are_refused(client, head, world):
    segment = SegmentFactory(name="ADSL", query="technology=ADSL")
    client.force_login(head)
    response = client.post(page(world["survey"]), form(world, segment=segment.pk))
    assert response.status_code == 400
    assert "not both" in response.content.decode()


def test_an_inactive_survey_is_not_sent(client, head, world):
    world["survey"].active = False
    world["survey"].save()
    client.force_login(head)
    page_ = client.post(page(world["survey"], "send"), form(world), follow=True)
    assert "is not active" in page_.content.decode()
    assert not Campaign.objects.exists()


def test_an_operator_may_not_invite(client, operator, world):
    client.force_login(operator)
    assert client.get(page(world["survey"])).status_code == 403
    assert client.post(page(world["survey"]), form(world)).status_code == 403
    assert client.post(page(world["survey"], "send"), form(world)).status_code == 403
    assert Invitation.objects.count() == 1


def test_the_wrong_method_is_refused(client, head, world):
    client.force_login(head)
    assert client.get(page(world["survey"], "send")).status_code == 405
    assert client.put(page(world["survey"])).status_code == 405
    assert client.post(page(world["survey"], "progress")).status_code == 405
