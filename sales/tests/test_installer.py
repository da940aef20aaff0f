"""The installer's day: today's jobs, starting and closing one (the subscriber it makes), photos."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.tests.factories import UserFactory
from sales import installer as service
from sales.models import Application, Visit, VisitPhoto
from sales.tests.factories import (
    InstallerFactory,
    ReasonFactory,
    SlotFactory,
    TeamFactory,
    VisitFactory,
)
from subscribers.models import StatusEvent, Subscriber
from subscribers.tests.factories import SubscriberFactory, TariffFactory

V = Visit.State
S = Application.State


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ABONENT_ACCOUNT_PREFIX = ""
    settings.ABONENT_ACCOUNT_DIGITS = 8
    settings.ABONENT_ACCOUNT_START = 1


@pytest.fixture
def team(ural):
    return TeamFactory(branch=ural, name="Бригада 1")


@pytest.fixture
def fitter(team, ural):
    user = UserFactory(username="installer", roles=["installer"], branches=[ural])
    return InstallerFactory(user=user, team=team).user


@pytest.fixture
def visit(team, lenina):
    tariff = TariffFactory(name="Домашний 100")
    return VisitFactory(
        slot=SlotFactory(team=team, starts=datetime.time(9), ends=datetime.time(11)),
        application__building=lenina,
        application__flat="17",
        application__full_name="Петрова Анна",
        application__phone="+79221234567",
        application__tariff=tariff,
        application__paid=Decimal("500.00"),
    )


@pytest.fixture
def started(visit, fitter):
    return service.visit_start(visit=visit, by=fitter)


def finish(client, visit, **data):
    data.setdefault("result", "connected")
    return client.post(reverse("sales:installer_finish", kwargs={"pk": visit.pk}), data)


def png(size=(4, 4)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "red").save(out, "PNG")
    return out.getvalue()


# -- the list ------------------------------------------------------------------------------------
def test_it_lists_todays_jobs_in_order(client, fitter, team, visit, lenina):
    early = VisitFactory(
        slot=SlotFactory(team=team, starts=datetime.time(8), ends=datetime.time(9)),
        application__building=lenina,
    )
    tomorrow = VisitFactory(
        slot=SlotFactory(team=team, date=timezone.localdate() + datetime.timedelta(days=2)),
        application__building=lenina,
    )
    client.force_login(fitter)
    response = client.get(reverse("sales:installer"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index(f"job-{early.pk}") < body.index(f"job-{visit.pk}")
    assert f"job-{tomorrow.pk}" not in body
    assert 'href="tel:+79221234567"' in body
    assert "Петрова Анна" in body and "Домашний 100" in body and "17" in body


def test_it_lists_in_a_constant_number_of_queries(
    client, fitter, team, lenina, django_assert_max_num_queries
):
    for hour in (8, 10, 12, 14, 16):
        VisitFactory(
            slot=SlotFactory(team=team, starts=datetime.time(hour), ends=datetime.time(hour + 1)),
            application__building=lenina,
            application__tariff=TariffFactory(),
        )
    client.force_login(fitter)
    client.get(reverse("sales:installer"))  # the session and permissions warmed
    with django_assert_max_num_queries(8):
        response = client.get(reverse("sales:installer"))
    assert response.content.decode().count('class="card mb-3 ab-job') == 5


def test_it_refuses_someone_without_a_team(client, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("sales:installer")).status_code == 403


def test_the_start_page_shows_the_widget(client, fitter, visit):
    client.force_login(fitter)
    response = client.get(reverse("home"))
    assert 'id="widget-installer-day"' in response.content.decode()


# -- starting ------------------------------------------------------------------------------------
def test_it_starts_a_job(client, fitter, visit):
    client.force_login(fitter)
    response = client.post(reverse("sales:installer_start", kwargs={"pk": visit.pk}))
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.state == V.STARTED and visit.started_at is not None
    visit.application.refresh_from_db()
    assert visit.application.state == S.INSTALLING


def test_it_rejects_get_on_start_and_finish(client, fitter, visit):
    client.force_login(fitter)
    assert client.get(reverse("sales:installer_start", kwargs={"pk": visit.pk})).status_code == 405
    assert client.get(reverse("sales:installer_finish", kwargs={"pk": visit.pk})).status_code == 405
    assert client.get(reverse("sales:installer_photos", kwargs={"pk": visit.pk})).status_code == 405


def test_it_refuses_another_teams_job(client, visit, ural):
    other = InstallerFactory(
        user=UserFactory(username="other", roles=["installer"], branches=[ural]),
        team=TeamFactory(branch=ural, name="Бригада 2"),
    ).user
    client.force_login(other)
    assert client.get(reverse("sales:installer_job", kwargs={"pk": visit.pk})).status_code == 403
    response = client.post(reverse("sales:installer_start", kwargs={"pk": visit.pk}))
    assert response.status_code == 403
    visit.refresh_from_db()
    assert visit.state == V.BOOKED
    with pytest.raises(PermissionDenied):
        service.visit_start(visit=visit, by=other)


def test_it_refuses_a_job_not_of_today(fitter, team, lenina):
    later = VisitFactory(
        slot=SlotFactory(team=team, date=timezone.localdate() + datetime.timedelta(days=3)),
        application__building=lenina,
    )
    with pytest.raises(ValidationError, match="not for today"):
        service.visit_start(visit=later, by=fitter)
    later.refresh_from_db()
    assert later.state == V.BOOKED


# -- closing -------------------------------------------------------------------------------------
def test_it_connects_and_makes_the_subscriber(client, fitter, started, lenina, ural):
    client.force_login(fitter)
    response = finish(
        client,
        started,
        comment=" Router on the wall ",
        material_name=["UTP cable", "RJ-45", ""],
        material_quantity=["12,5", "2", ""],
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    started.refresh_from_db()
    application = Application.objects.get(pk=started.application_id)
    subscriber = application.subscriber
    assert started.state == V.DONE and started.finished_at is not None
    assert started.materials == [
        {"name": "UTP cable", "quantity": "12.5"},
        {"name": "RJ-45", "quantity": "2"},
    ]
    assert started.comment == "Router on the wall"
    assert application.state == S.CONNECTED and application.connected_at is not None
    assert subscriber.account == "00000001"
    assert (subscriber.full_name, subscriber.phone) == ("Петрова Анна", "+79221234567")
    assert (subscriber.building, subscriber.flat, subscriber.branch) == (lenina, "17", ural)
    assert subscriber.tariff.name == "Домашний 100" and subscriber.technology == "FTTB"
    assert subscriber.status == "active"
    assert subscriber.connected_on == timezone.localdate(timezone=ural.tz)
    event = StatusEvent.objects.get(subscriber=subscriber)
    assert event.kind == "connected" and event.happened_on == subscriber.connected_on
    assert application.events.filter(action="connect").count() == 1


def test_it_takes_an_account_typed_from_billing(client, fitter, started):
    client.force_login(fitter)
    assert finish(client, started, account=" 7700123 ").status_code == 302
    assert Subscriber.objects.get().account == "7700123"


def test_it_refuses_a_taken_account(client, fitter, started):
    SubscriberFactory(account="7700123")
    client.force_login(fitter)
    response = finish(client, started, account="7700123")
    assert response.status_code == 400
    assert "Account 7700123 is taken already." in response.content.decode()
    started.refresh_from_db()
    assert started.state == V.STARTED
    assert Application.objects.get(pk=started.application_id).state == S.INSTALLING
    assert Subscriber.objects.count() == 1 and not StatusEvent.objects.exists()


def test_the_sequence_gives_distinct_accounts(settings, fitter, team, lenina):
    settings.ABONENT_ACCOUNT_PREFIX = "N"
    settings.ABONENT_ACCOUNT_DIGITS = 6
    SubscriberFactory(account="N000041")
    SubscriberFactory(account="N00009X")  # not of the sequence's form
    SubscriberFactory(account="9999999")  # the billing's own numbers
    accounts = []
    for hour in (9, 11, 13):
        visit = VisitFactory(
            slot=SlotFactory(team=team, starts=datetime.time(hour), ends=datetime.time(hour + 1)),
            application__building=lenina,
        )
        service.visit_start(visit=visit, by=fitter)
        service.visit_finish(visit=visit, by=fitter, result="connected")
        accounts.append(Application.objects.get(pk=visit.application_id).subscriber.account)
    assert accounts == ["N000042", "N000043", "N000044"]


def test_it_refuses_failed_without_a_reason(client, fitter, started):
    client.force_login(fitter)
    response = finish(client, started, result="failed")
    assert response.status_code == 400
    assert "Choose why the installation failed." in response.content.decode()
    started.refresh_from_db()
    assert started.state == V.STARTED


def test_it_closes_a_failed_job_with_its_reason(client, fitter, started):
    reason = ReasonFactory(kind="failed", name="No access to the floor")
    client.force_login(fitter)
    response = finish(client, started, result="failed", reason=reason.pk, comment="Locked")
    assert response.status_code == 302
    started.refresh_from_db()
    assert (started.state, started.reason) == (V.FAILED, reason)
    application = Application.objects.get(pk=started.application_id)
    assert (application.state, application.reason) == (S.RESCHEDULED, reason)
    assert application.subscriber is None and not Subscriber.objects.exists()


def test_it_refuses_a_reason_of_another_kind(fitter, started):
    wrong = ReasonFactory(kind="cancelled")
    with pytest.raises(ValidationError):
        service.visit_finish(visit=started, by=fitter, result="failed", reason=wrong)


def test_it_refuses_bad_materials(client, fitter, started):
    client.force_login(fitter)
    response = finish(client, started, material_name=["Cable"], material_quantity=["-1"])
    assert response.status_code == 400
    assert "Row 1" in response.content.decode()
    assert not Subscriber.objects.exists()


def test_a_second_finish_does_nothing(client, fitter, started):
    client.force_login(fitter)
    assert finish(client, started).status_code == 302
    response = finish(client, started, result="failed")
    assert response.status_code == 302
    started.refresh_from_db()
    assert started.state == V.DONE
    assert Subscriber.objects.count() == 1 and StatusEvent.objects.count() == 1
    again = service.visit_finish(visit=started, by=fitter, result="connected")
    assert again.state == V.DONE and Subscriber.objects.count() == 1


def test_it_refuses_to_finish_a_job_not_started(fitter, visit):
    with pytest.raises(ValidationError, match="Start the job first"):
        service.visit_finish(visit=visit, by=fitter, result="connected")


# -- photos --------------------------------------------------------------------------------------
def test_it_stores_a_photo(client, fitter, started):
    client.force_login(fitter)
    photo = SimpleUploadedFile("socket.png", png(), content_type="image/png")
    response = client.post(
        reverse("sales:installer_photos", kwargs={"pk": started.pk}), {"photos": photo}
    )
    assert response.status_code == 302
    assert VisitPhoto.objects.get().visit == started


def test_it_refuses_a_file_that_is_not_a_photo(client, fitter, started):
    client.force_login(fitter)
    fake = SimpleUploadedFile("contract.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    response = client.post(
        reverse("sales:installer_photos", kwargs={"pk": started.pk}), {"photos": fake}
    )
    assert response.status_code == 400
    assert "is not a photo" in response.content.decode()
    text = SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain")
    response = finish(client, started, photos=text)
    assert response.status_code == 400
    assert not VisitPhoto.objects.exists() and not Subscriber.objects.exists()


def test_it_refuses_a_photo_over_10_mb(fitter, started):
    big = SimpleUploadedFile(
        "big.png", png() + b"\0" * (10 * 1024 * 1024), content_type="image/png"
    )
    with pytest.raises(ValidationError, match="10 MB"):
        service.visit_photo_add(visit=started, by=fitter, upload=big)
