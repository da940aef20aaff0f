"""The campaign pages: a draft with its preview, launch, pause, resume, cancel, progress; who
may; bad input and an action twice change nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from comms.models import Campaign, Gateway, Message
from core.tests.factories import BranchFactory, UserFactory
from segments.models import Segment
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory, MessageTemplateFactory

pytestmark = pytest.mark.django_db
NEW = reverse("comms:campaign_new")


@pytest.fixture
def world(db):
    GatewayFactory(kind=Gateway.Kind.KANNEL, part_price=Decimal("3"))
    tver = BranchFactory(name="Тверь")
    for i in range(3):
        SubscriberFactory(account=f"50{i}", branch=tver, phone=f"+7912111000{i}", status="active")
    segment = Segment.objects.create(name="Активные", name_key="активные", query="status=active")
    template = MessageTemplateFactory(purpose="service", body="{addressed}: {offer}")
    return {"segment": segment, "template": template, "head": UserFactory(roles=["head"])}


def draft(world, **data):
    return {
        "name": "Акция",
        "template": world["template"].pk,
        "segment": world["segment"].pk,
        "values_text": "offer=скидка 50%",
        **data,
    }


def test_the_head_makes_a_draft_sees_its_reach_and_launches_it(client, world):
    client.force_login(world["head"])
    response = client.post(NEW, draft(world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and campaign.values == {"offer": "скидка 50%"}
    page = client.get(reverse("comms:campaign", kwargs={"pk": campaign.pk}))
    preview = page.context["preview"]
    assert (preview.recipients, preview.going, preview.parts, preview.cost) == (
        3,
        3,
        3,
        Decimal("9"),
    )
    launch = reverse("comms:campaign_act", kwargs={"pk": campaign.pk, "action": "launch"})
    client.post(launch)
    assert Message.objects.filter(campaign=campaign).count() == 3
    again = client.post(launch, follow=True)  # the button pressed twice
    assert "Only a draft campaign can be launched." in again.content.decode()
    assert Message.objects.filter(campaign=campaign).count() == 3
    progress = client.get(reverse("comms:campaign_progress", kwargs={"pk": campaign.pk}))
    assert progress.context["progress"]["total"] == 3
    pause = reverse("comms:campaign_act", kwargs={"pk": campaign.pk, "action": "pause"})
    client.post(pause)
    assert Campaign.objects.get().status == "paused"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"segment": ""}, "segment"),
        ({"values_text": ""}, "values_text"),
        ({"values_text": "просто текст"}, "values_text"),
        ({"template": "999"}, "template"),
        ({"per_minute": "-5"}, "per_minute"),
    ],
)
def test_a_bad_draft_is_refused_and_nothing_is_saved(client, world, data, field):
    client.force_login(world["head"])
    response = client.post(NEW, draft(world, **data))
    assert response.status_code == 400 and field in response.context["form"].errors
    assert not Campaign.objects.exists()


def test_an_operator_sees_campaigns_but_may_not_make_or_run_them(client, world):
    campaign = Campaign.objects.create(
        name="x", template=world["template"], segment=world["segment"]
    )
    client.force_login(UserFactory(roles=["operator"]))
    assert client.get(reverse("comms:campaign", kwargs={"pk": campaign.pk})).status_code == 200
    assert client.post(NEW, draft(world)).status_code == 403
    launch = reverse("comms:campaign_act", kwargs={"pk": campaign.pk, "action": "launch"})
    assert client.post(launch).status_code == 403
    assert not Message.objects.exists()
    client.force_login(world["head"])
    assert client.get(launch).status_code == 405
    bogus = reverse("comms:campaign_act", kwargs={"pk": campaign.pk, "action": "explode"})
    assert client.post(bogus).status_code == 404


def test_a_launch_that_fails_in_the_background_leaves_the_draft_and_says_why(client, world):
    Gateway.objects.update(active=False)
    client.force_login(world["head"])
    client.post(NEW, draft(world))
    campaign = Campaign.objects.get()
    launch = reverse("comms:campaign_act", kwargs={"pk": campaign.pk, "action": "launch"})
    page = client.post(launch, follow=True)
    campaign.refresh_from_db()
    assert campaign.status == "draft" and "no active gateway" in campaign.counts["error"]
    assert "no active gateway" in page.content.decode()
    assert not Message.objects.exists()


def test_the_page_being_launched_reloads_itself_when_the_launch_is_done(client, world):
    campaign = Campaign.objects.create(
        name="x", template=world["template"], segment=world["segment"], status="launching"
    )
    client.force_login(world["head"])
    progress = reverse("comms:campaign_progress", kwargs={"pk": campaign.pk})
    assert 'id="campaign-launching"' in client.get(progress).content.decode()
    assert "HX-Refresh" not in client.get(progress, {"was": "launching"})
    Campaign.objects.filter(pk=campaign.pk).update(status="running")
    assert client.get(progress, {"was": "launching"})["HX-Refresh"] == "true"


def test_a_list_of_accounts_and_phones_uploaded_as_a_file_is_the_target(client, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["head"])
    listing = "500\n8 912 111-00-01\n+7 (912) 111-00-02;999\n".encode("utf-8-sig")
    upload = SimpleUploadedFile("list.csv", listing, content_type="text/csv")
    response = client.post(NEW, draft(world, segment="", upload=upload))
    assert response.status_code == 302
    campaign = Campaign.objects.get()
    page = client.get(reverse("comms:campaign", kwargs={"pk": campaign.pk}))
    assert page.context["preview"].recipients == 3  # 500 by account, the others by phone


@pytest.mark.parametrize(
    "content, error",
    [(b"\xff\xfe\x00b\xad", "not UTF-8"), (b"1\n" * (1024 * 1024 + 1), "larger than 2 MB")],
)
def test_a_file_that_is_not_a_list_is_refused(client, world, content, error):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["head"])
    upload = SimpleUploadedFile("list.txt", content)
    response = client.post(NEW, draft(world, segment="", upload=upload))
    assert response.status_code == 400
    assert any(error in e for e in response.context["form"].errors["upload"])
    assert not Campaign.objects.exists()
