"""The operator's TV line-up (/comms/tv-channels/) and the TV-channel survey 3.2.14 that asks
about it: read by those who read surveys, changed by the head; a channel added, edited, switched
off; a line-up imported from CSV or XLSX, all or nothing; the survey's channel questions follow
the line-up while the results keep the answers given before."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from comms.models import Question, TvChannel
from comms.surveys.channels import lineup_refresh
from comms.surveys.services import response_record
from comms.surveys.standard import LINEUP
from core.tests.factories import UserFactory

from .survey_factories import shipped, subscriber

pytestmark = pytest.mark.django_db
PAGE = reverse("comms:tv_channels")
NEW = reverse("comms:tv_channel_new")
IMPORT = reverse("comms:tv_channels_import")


@pytest.fixture
def survey(db):
    return shipped("tv_channels")


def lines(survey, role=Question.Role.CHANNELS):
    question = survey.questions.get(role=role)
    return question.rows if question.kind == Question.Kind.GRID else question.options


def csv_file(text: str, name="lineup.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def channel_data(**data):
    return {"name": "Матч! Боец", "package": "Спорт", "paid": "on", "number": "304",
            "active": "on", **data}  # fmt: skip


# -- the shipped line-up ------------------------------------------------------------------------
def test_the_survey_install_brings_the_default_line_up_with_paid_packages(survey):
    assert TvChannel.objects.count() == len(LINEUP)
    assert set(TvChannel.objects.filter(paid=True).values_list("package", flat=True)) == {
        "Films",
        "Kids",
        "Sport",
    }
    rows = {row["code"]: row["label"] for row in lines(survey)}
    assert rows["ntv"] == "NTV"
    assert rows["match_premier"] == "Match Premier (Sport, paid)"
    assert lines(survey, Question.Role.MISS) == lines(survey)


def test_installing_again_keeps_the_operator_s_line_up(survey):
    TvChannel.objects.filter(code="ntv").update(name="НТВ HD")
    shipped("tv_channels")
    assert TvChannel.objects.count() == len(LINEUP)
    assert TvChannel.objects.get(code="ntv").name == "НТВ HD"


# -- the page -----------------------------------------------------------------------------------
def test_those_who_read_surveys_see_the_line_up_by_package(client, operator, survey):
    client.force_login(operator)
    response = client.get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Match Premier" in html and "paid" in html and 'id="package-1"' in html
    assert 'id="tv-channel-new"' not in html and 'id="tv-import-form"' not in html


def test_the_menu_leads_to_it(client, operator):
    client.force_login(operator)
    assert f'href="{PAGE}"' in client.get("/").content.decode()


def test_a_role_that_does_not_read_surveys_is_refused(client, tver):
    client.force_login(UserFactory(roles=["cashier"], branches=[tver]))
    assert client.get(PAGE).status_code == 403


def test_one_who_only_reads_may_not_change_it(client, operator, survey):
    client.force_login(operator)
    ntv = TvChannel.objects.get(code="ntv")
    assert client.post(NEW, channel_data()).status_code == 403
    assert client.get(reverse("comms:tv_channel_edit", kwargs={"pk": ntv.pk})).status_code == 403
    active = reverse("comms:tv_channel_active", kwargs={"pk": ntv.pk})
    assert client.post(active, {"active": "0"}).status_code == 403
    assert client.post(IMPORT, {"file": csv_file("name\nX\n")}).status_code == 403
    assert TvChannel.objects.get(code="ntv").active and TvChannel.objects.count() == len(LINEUP)


def test_the_wrong_methods_are_refused(client, head, survey):
    client.force_login(head)
    ntv = TvChannel.objects.get(code="ntv")
    assert client.post(PAGE).status_code == 405
    assert client.get(IMPORT).status_code == 405
    assert client.get(reverse("comms:tv_channel_active", kwargs={"pk": ntv.pk})).status_code == 405


def test_the_head_adds_a_paid_channel_and_the_survey_lists_it_with_its_package(
    client, head, survey
):
    client.force_login(head)
    response = client.post(NEW, channel_data())
    assert response.status_code == 302
    made = TvChannel.objects.get(name="Матч! Боец")
    assert (made.code, made.package, made.paid, made.number) == ("match-boets", "Спорт", True, 304)
    assert {"code": "match-boets", "label": "Матч! Боец (Спорт, платный)"} in lines(survey)
    assert made.history.get().history_user == head


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"name": "  "}, "name", "This field is required."),
        ({"name": "ntv"}, "name", "A channel with this name is already in the line-up."),
        ({"number": "0"}, "number", "A number from 1 to 32767, or none."),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client, head, survey, data, field, message):
    client.force_login(head)
    response = client.post(NEW, channel_data(**data))
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert TvChannel.objects.count() == len(LINEUP)


def test_a_form_sent_twice_adds_one_channel(client, head, survey):
    client.force_login(head)
    assert client.post(NEW, channel_data()).status_code == 302
    assert client.post(NEW, channel_data()).status_code == 400
    assert TvChannel.objects.filter(name="Матч! Боец").count() == 1


def test_an_edit_keeps_the_code_renames_it_in_the_survey_and_shows_the_history(
    client, head, survey
):
    client.force_login(head)
    ntv = TvChannel.objects.get(code="ntv")
    edit = reverse("comms:tv_channel_edit", kwargs={"pk": ntv.pk})
    data = {"name": "NTV HD", "package": "Basic", "number": "4", "active": "on"}
    assert client.post(edit, data).status_code == 302
    assert {"code": "ntv", "label": "NTV HD"} in lines(survey)
    page = client.get(edit).content.decode()
    assert 'id="tv-channel-history"' in page and "NTV → NTV HD" in page


def test_a_channel_switched_off_leaves_the_questions_but_not_the_results(client, head, survey):
    response_record(
        survey=survey,
        answers={"ratings": {"ntv": 5}, "miss": ["ntv"], "hours": "1_3"},
        channel="call",
        subscriber=subscriber(),
    )
    client.force_login(head)
    ntv = TvChannel.objects.get(code="ntv")
    active = reverse("comms:tv_channel_active", kwargs={"pk": ntv.pk})
    assert client.post(active, {"active": "maybe"}).status_code == 400
    assert client.post(active, {"active": "0"}).status_code == 302
    assert "ntv" not in {row["code"] for row in lines(survey)}
    assert "ntv" not in {o["code"] for o in lines(survey, Question.Role.MISS)}
    results = client.get(reverse("comms:survey", kwargs={"pk": survey.pk})).context["results"]
    channels = {c.code: c for c in results.channels}
    assert (channels["ntv"].label, channels["ntv"].rated, channels["ntv"].miss) == ("NTV", 1, 1)
    export = client.get(
        reverse("comms:survey_export", kwargs={"pk": survey.pk, "what": "responses"})
    )
    sheet = load_workbook(io.BytesIO(export.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert any(h and h.endswith(": NTV") for h in header)
    assert client.post(active, {"active": "1"}).status_code == 302
    assert "ntv" in {row["code"] for row in lines(survey)}


def test_the_survey_no_longer_takes_an_answer_about_a_channel_off_air(survey):
    from django.core.exceptions import ValidationError

    TvChannel.objects.filter(code="ntv").update(active=False)
    lineup_refresh()
    with pytest.raises(ValidationError):
        response_record(
            survey=survey,
            answers={"ratings": {"ntv": 5}, "hours": "1_3"},
            channel="call",
            subscriber=subscriber(),
        )


# -- import -------------------------------------------------------------------------------------
def test_an_import_adds_new_channels_and_updates_those_found_by_name(client, head, survey):
    TvChannel.objects.filter(code="sts").update(active=False)
    client.force_login(head)
    upload = csv_file(
        "name;package;paid;number\n"
        "Кинохит 2;Кино;yes;104\n"
        "sts;Basic;no;12\n"  # found whatever its case, put back on air
        "Local news;;no;\n"
    )
    response = client.post(IMPORT, {"file": upload})
    assert response.status_code == 302
    assert TvChannel.objects.count() == len(LINEUP) + 2
    sts = TvChannel.objects.get(code="sts")
    assert (sts.name, sts.number, sts.active) == ("sts", 12, True)
    assert TvChannel.objects.get(name="Local news").number is None
    assert {"code": "kinokhit-2", "label": "Кинохит 2 (Кино, платный)"} in lines(survey)


def test_an_xlsx_line_up_is_imported(client, head):
    book = Workbook()
    sheet = book.active
    sheet.append(["Name", "Package", "Paid", "Number"])
    sheet.append(["Первый канал", "Базовый", "нет", 1])
    sheet.append(["Матч Премьер", "Спорт", "да", 301])
    out = io.BytesIO()
    book.save(out)
    client.force_login(head)
    upload = SimpleUploadedFile("lineup.xlsx", out.getvalue())
    assert client.post(IMPORT, {"file": upload}).status_code == 302
    assert list(TvChannel.objects.values_list("name", "paid", "number").order_by("number")) == [
        ("Первый канал", False, 1),
        ("Матч Премьер", True, 301),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("name,paid\nОдин,yes\n,no\n", "Line 3: the name is empty."),
        ("name,paid\nОдин,maybe\n", "Line 2: paid is “maybe”; write yes or no."),
        ("name,paid\nОдин,yes\nодин,no\n", "Line 3: “один” is already on line 2."),
        ("name,number\nОдин,первый\n", "Line 2: the number “первый” is not a whole number"),
        ("channel,paid\nОдин,yes\n", "The first line must name the columns"),
        ("\n\n", "The file is empty."),
    ],
)
def test_a_bad_file_is_refused_naming_the_line_and_nothing_is_imported(
    client, head, survey, text, message
):
    before = lines(survey)
    client.force_login(head)
    response = client.post(IMPORT, {"file": csv_file(text)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert TvChannel.objects.count() == len(LINEUP)
    assert lines(survey) == before


def test_a_file_not_in_utf8_or_not_a_table_is_refused(client, head):
    client.force_login(head)
    latin = SimpleUploadedFile("lineup.csv", "name\nКанал\n".encode("cp1251"))
    response = client.post(IMPORT, {"file": latin})
    assert response.status_code == 400 and "UTF-8" in response.content.decode()
    other = SimpleUploadedFile("lineup.txt", b"name\nX\n")
    assert client.post(IMPORT, {"file": other}).status_code == 400
    assert not TvChannel.objects.exists()
