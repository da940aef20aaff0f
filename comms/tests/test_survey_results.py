"""A survey's results page and its downloads: who may, the wrong method, the branches a user
sees, the breakdowns, and a number of queries that does not grow with the responses."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from comms.models import Invitation, Message, Response
from comms.surveys.demo import demo_responses_seed
from comms.surveys.services import response_record
from core.tests.factories import BranchFactory, UserFactory

from .survey_factories import NPS_ANSWERS, shipped, subscriber

pytestmark = pytest.mark.django_db


def answered(survey, branch, scores, **fields):
    who = subscriber(branch=branch, **fields)
    for score in scores:
        response_record(
            survey=survey,
            answers={**NPS_ANSWERS, "recommend": score},
            channel="web",
            subscriber=who,
        )


@pytest.fixture
def world(tver):
    survey = shipped()
    answered(survey, tver, [10, 9, 3])
    answered(survey, BranchFactory(name="Урал"), [0, 1, 2, 8], technology="ADSL")
    return survey


def page(survey, **params):
    return reverse("comms:survey", kwargs={"pk": survey.pk})


def test_the_head_sees_nps_with_its_interval_and_breakdowns(client, head, world):
    client.force_login(head)
    response = client.get(page(world))
    assert response.status_code == 200
    results = response.context["results"]
    assert results.responses == 7 and results.nps.n == 7
    assert results.nps.score == pytest.approx(100 * (2 - 4) / 7)
    assert [g.label for g in results.by_branch] == ["Тверь", "Урал"]
    assert [g.label for g in results.by_technology] == ["ADSL", "FTTB"]
    assert results.by_tenure and results.texts
    text = response.content.decode()
    assert 'id="figure-nps">-29<' in text and "95% interval" in text
    assert text.count("plotly-graph-div") == 4  # the scores; by branch, technology, tenure


def test_an_operator_sees_the_responses_of_their_branches_only(client, operator, world):
    client.force_login(operator)
    results = client.get(page(world)).context["results"]
    assert results.responses == 3
    assert [g.label for g in results.by_branch] == ["Тверь"]


def test_nps_of_a_segment_against_the_others(client, head, world):
    from segments.models import Segment

    segment = Segment.objects.create(name="ADSL", name_key="adsl", query="technology=ADSL")
    client.force_login(head)
    results = client.get(page(world), {"segment": segment.pk}).context["results"]
    assert [(g.label, g.nps.n) for g in results.by_segment] == [("ADSL", 4), ("the others", 3)]


def test_it_filters_by_period_and_says_when_there_is_nothing(client, head, world):
    client.force_login(head)
    response = client.get(page(world), {"since": "2001-01-01", "until": "2001-12-31"})
    assert response.context["results"].responses == 0
    assert 'id="no-responses"' in response.content.decode()


def test_a_reversed_period_is_an_error_on_the_form(client, head, world):
    client.force_login(head)
    response = client.get(page(world), {"since": "2026-02-01", "until": "2026-01-01"})
    assert "The end of the period is before its start." in response.content.decode()
    assert response.context["results"].responses == 7  # the filter is not applied


def test_the_tv_survey_shows_channels_with_ratings_and_who_would_miss_them(client, head):
    survey = shipped("tv_channels")
    who = subscriber()
    for ratings, miss in (({"ntv": 5, "sts": 3}, ["ntv"]), ({"ntv": 4}, ["ntv", "sts"])):
        response_record(
            survey=survey,
            answers={"ratings": ratings, "miss": miss, "hours": "1_3"},
            channel="call",
            subscriber=who,
        )
    client.force_login(head)
    channels = {c.code: c for c in client.get(page(survey)).context["results"].channels}
    assert (channels["ntv"].rated, channels["ntv"].mean, channels["ntv"].miss_share) == (
        2,
        4.5,
        100,
    )
    assert (channels["sts"].rated, channels["sts"].mean, channels["sts"].miss_share) == (1, 3, 50)
    assert channels["tnt"].rated == 0 and channels["tnt"].mean is None


def test_a_user_without_the_right_is_refused(client, world):
    client.force_login(UserFactory(roles=["sales_agent"]))
    assert client.get(page(world)).status_code == 403
    export = reverse("comms:survey_export", kwargs={"pk": world.pk, "what": "results"})
    assert client.get(export).status_code == 403
    assert client.get(reverse("registry", kwargs={"name": "surveys"})).status_code == 403


def test_the_results_page_refuses_a_post(client, head, world):
    client.force_login(head)
    assert client.post(page(world)).status_code == 405
    export = reverse("comms:survey_export", kwargs={"pk": world.pk, "what": "results"})
    assert client.post(export).status_code == 405


def test_the_surveys_registry_lists_them(client, operator, world):
    client.force_login(operator)
    response = client.get(reverse("registry", kwargs={"name": "surveys"}))
    assert response.status_code == 200
    assert "NPS survey" in response.content.decode()
    assert page(world) in response.content.decode()


def _queries(client, survey, django_assert_num_queries, **params):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(page(survey), params)  # session and permissions warmed up
    with CaptureQueriesContext(connection) as captured:
        assert client.get(page(survey), params).status_code == 200
    return len(captured.captured_queries)


def test_the_page_costs_the_same_queries_for_few_and_many_responses(
    client, head, tver, django_assert_num_queries
):
    survey = shipped()
    answered(survey, tver, [9, 3])
    client.force_login(head)
    few = _queries(client, survey, django_assert_num_queries)
    for _i in range(3):
        answered(survey, BranchFactory(), [10, 7, 0, 6, 9])
    assert _queries(client, survey, django_assert_num_queries) == few
    assert few == QUERIES


# session, user, permissions (2), the survey, the user's branches, its questions; the
# responses counted, the scores, by branch, technology and tenure; the options chosen and
# how many answered each; the latest texts; the segments to choose from.
QUERIES = 16


def test_the_results_download_holds_the_tables(client, head, world):
    client.force_login(head)
    url = reverse("comms:survey_export", kwargs={"pk": world.pk, "what": "results"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book["NPS"].values)
    assert rows[0][:3] == ("Breakdown", "Group", "Responses")
    assert rows[1][:7] == ("All", None, 7, 2, 1, 4, -28.6)
    assert {"NPS", "Scores", "Questions"} <= set(book.sheetnames)


def test_the_responses_download_has_a_row_each_and_a_column_per_question(client, operator, world):
    client.force_login(operator)
    url = reverse("comms:survey_export", kwargs={"pk": world.pk, "what": "responses"})
    book = load_workbook(io.BytesIO(client.get(url).content))
    rows = list(book.active.values)
    assert len(rows) == 1 + 3  # the operator's branch only
    header = rows[0]
    assert header[2] == "Account" and "How likely are you to recommend us" in header[6]
    recommend = header.index(next(h for h in header if h.startswith("How likely")))
    assert sorted(r[recommend] for r in rows[1:]) == [3, 9, 10]
    improve = header.index("What should we improve first?")
    assert rows[1][improve] == "Prices and tariffs; Television and channels"


def test_an_unknown_download_is_not_found(client, head, world):
    client.force_login(head)
    url = reverse("comms:survey_export", kwargs={"pk": world.pk, "what": "other"})
    assert client.get(url).status_code == 404


def test_the_head_invites_a_subscriber_from_the_page(client, head, tver):
    survey = shipped()
    who = subscriber(branch=tver, account="777001")
    client.force_login(head)
    url = reverse("comms:survey_invite", kwargs={"pk": survey.pk})
    response = client.post(url, {"account": "777001"}, follow=True)
    assert "The invitation to 777001 is queued." in response.content.decode()
    assert Invitation.objects.get().subscriber == who and Message.objects.count() == 1
    missing = client.post(url, {"account": "000"}, follow=True)
    assert "No subscriber with this account" in missing.content.decode()
    assert Invitation.objects.count() == 1
    assert client.get(url).status_code == 405


def test_an_operator_may_not_invite(client, operator, tver):
    survey = shipped()
    subscriber(branch=tver, account="777001")
    client.force_login(operator)
    url = reverse("comms:survey_invite", kwargs={"pk": survey.pk})
    assert client.post(url, {"account": "777001"}).status_code == 403


def test_an_operator_records_answers_on_a_subscribers_behalf(client, operator, tver):
    survey = shipped()
    subscriber(branch=tver, account="777001")
    client.force_login(operator)
    url = reverse("comms:survey_fill", kwargs={"pk": survey.pk})
    assert client.get(url).status_code == 200
    bad = client.post(url, {"account": "777001", "recommend": "12"})
    assert bad.status_code == 400 and "The score is a whole number" in bad.content.decode()
    assert not Response.objects.exists()
    elsewhere = subscriber(branch=BranchFactory(), account="888")
    other = client.post(url, {"account": elsewhere.account, "recommend": "5"})
    assert other.status_code == 400 and not Response.objects.exists()
    ok = client.post(url, {"account": "777001", "recommend": "8"})
    assert ok.status_code == 302
    recorded = Response.objects.get()
    assert (recorded.channel, recorded.score, recorded.recorded_by) == ("web", 8, operator)


def test_the_demo_seed_answers_both_surveys_once(client, head):
    shipped()
    for i in range(30):
        subscriber(account=f"9{i:04}", technology=["GPON", "ADSL", "FTTB"][i % 3])
    written = demo_responses_seed(nps=25, tv=20)
    assert written == 45
    assert demo_responses_seed(nps=25, tv=20) == 0
    client.force_login(head)
    tv = client.get(page(shipped("tv_channels"))).context["results"]
    assert tv.responses == 20 and any(c.rated for c in tv.channels)
