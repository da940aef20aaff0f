"""The survey editor: a survey made with a code from its name, its questions added, changed,
moved and deleted with options and grid lines typed as rows, never as JSON; each bad input
shown and nothing written; edits that would break the answers given refused with the way out;
a form sent twice makes one thing; who may; the wrong method; queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comms.models import Question, Survey
from comms.surveys.services import response_record

from .survey_factories import NPS_ANSWERS, shipped, subscriber

pytestmark = pytest.mark.django_db


def items(prefix: str, pairs) -> dict:
    """A formset of (label, code) rows as the page posts it, with one empty row more."""
    pairs = [*pairs, ("", "")]
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(pairs)),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for i, (label, code) in enumerate(pairs):
        data[f"{prefix}-{i}-label"] = label
        data[f"{prefix}-{i}-code"] = code
    return data


def question(kind="single", text="How fast is it?", options=(), rows=(), **fields) -> dict:
    data = {"kind": kind, "text": text, "help": "", "scale_min": "1", "scale_max": "5"}
    return {**data, **items("options", options), **items("rows", rows), **fields}


SURVEY = {"name": "Опрос о скорости", "intro": "Hi", "thanks": "Thanks", "valid_days": "10"}
FAST = [("Быстро", ""), ("Медленно", "")]


def new_url() -> str:
    return reverse("comms:survey_new")


def edit_url(survey) -> str:
    return reverse("comms:survey_edit", kwargs={"pk": survey.pk})


def add_url(survey) -> str:
    return reverse("comms:survey_question_new", kwargs={"pk": survey.pk})


def question_url(q, what: str = "") -> str:
    name = f"comms:survey_question_{what}" if what else "comms:survey_question"
    return reverse(name, kwargs={"pk": q.survey_id, "question": q.pk})


@pytest.fixture
def survey(db):
    return Survey.objects.create(name="Speed", code="speed")


@pytest.fixture
def answered():
    """The shipped NPS survey with one response."""
    nps = shipped()
    response_record(survey=nps, answers=NPS_ANSWERS, channel="web", subscriber=subscriber())
    return nps


# -- the survey ------------------------------------------------------------------------------
def test_the_registry_offers_a_new_survey_to_the_head_only(client, head, operator):
    page = reverse("registry", kwargs={"name": "surveys"})
    client.force_login(head)
    assert 'id="new-survey"' in client.get(page).content.decode()
    client.force_login(operator)
    assert 'id="new-survey"' not in client.get(page).content.decode()


def test_the_head_makes_a_survey_with_a_code_from_its_name(client, head):
    client.force_login(head)
    response = client.post(new_url(), {**SURVEY, "active": "on"})
    made = Survey.objects.get()
    assert response.status_code == 302 and response["Location"] == edit_url(made)
    assert (made.code, made.name, made.valid_days, made.active) == (
        "opros-o-skorosti",
        "Опрос о скорости",
        10,
        True,
    )


def test_a_survey_form_sent_twice_makes_one_survey(client, head):
    client.force_login(head)
    client.post(new_url(), SURVEY)
    again = client.post(new_url(), SURVEY)
    assert again.status_code == 400
    assert "A survey with this name already exists." in again.content.decode()
    assert Survey.objects.count() == 1


def test_a_survey_without_a_name_or_with_a_wrong_period_is_refused(client, head):
    client.force_login(head)
    response = client.post(new_url(), {**SURVEY, "name": " ", "valid_days": "0"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "This field is required." in text or "Give the survey a name." in text
    assert not Survey.objects.exists()


def test_the_head_changes_the_properties_and_the_code_stays(client, head, survey):
    client.force_login(head)
    response = client.post(edit_url(survey), {**SURVEY, "name": "Скорость, 2026"})
    assert response.status_code == 302
    survey.refresh_from_db()
    assert (survey.name, survey.code, survey.active) == ("Скорость, 2026", "speed", False)


def test_the_survey_page_offers_edit_and_inviting_to_the_head_only(client, head, operator):
    nps = shipped()
    page = reverse("comms:survey", kwargs={"pk": nps.pk})
    client.force_login(head)
    text = client.get(page).content.decode()
    assert 'id="survey-edit"' in text and 'id="survey-invite-many"' in text
    client.force_login(operator)
    text = client.get(page).content.decode()
    assert 'id="survey-edit"' not in text and 'id="survey-invite-many"' not in text


def test_an_operator_may_not_edit(client, operator, survey):
    q = Question.objects.create(survey=survey, code="q", kind="text", text="Why?")
    client.force_login(operator)
    for method, url in (
        ("get", new_url()),
        ("post", new_url()),
        ("get", edit_url(survey)),
        ("post", edit_url(survey)),
        ("get", add_url(survey)),
        ("get", question_url(q)),
        ("post", question_url(q, "delete")),
        ("post", question_url(q, "move")),
        ("post", reverse("comms:survey_copy", kwargs={"pk": survey.pk})),
    ):
        assert getattr(client, method)(url).status_code == 403, url
    assert Survey.objects.count() == 1 and Question.objects.count() == 1


def test_the_editor_refuses_other_methods(client, head, survey):
    q = Question.objects.create(survey=survey, code="q", kind="text", text="Why?")
    client.force_login(head)
    assert client.put(edit_url(survey)).status_code == 405
    assert client.delete(question_url(q)).status_code == 405
    assert client.get(question_url(q, "delete")).status_code == 405
    assert client.get(question_url(q, "move")).status_code == 405


# -- questions -------------------------------------------------------------------------------
def test_the_head_adds_a_choice_question_with_codes_made_from_its_labels(client, head, survey):
    client.force_login(head)
    data = question(options=[("Быстро", ""), ("Медленно", "slow")], required="on")
    response = client.post(add_url(survey), data)
    q = Question.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"#question-{q.pk}")
    assert (q.kind, q.code, q.order, q.required) == ("single", "how-fast-is-it", 1, True)
    assert q.options == [
        {"code": "bystro", "label": "Быстро"},
        {"code": "slow", "label": "Медленно"},
    ]


def test_a_grid_question_keeps_its_lines_and_scale(client, head, survey):
    client.force_login(head)
    data = question("grid", "Rate the channels", rows=[("Первый", ""), ("Россия", "")])
    client.post(add_url(survey), {**data, "scale_min": "1", "scale_max": "10"})
    q = Question.objects.get()
    assert [r["code"] for r in q.rows] == ["pervyy", "rossiya"]
    assert (q.scale_min, q.scale_max, q.options) == (1, 10, [])


def test_the_head_marks_the_nps_question(client, head, survey):
    client.force_login(head)
    client.post(add_url(survey), question("scale10", "Would you recommend us?", nps="on"))
    assert Question.objects.get().role == "nps"


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (question(options=[("Быстро", "")]), "A choice question needs at least two options."),
        (question("multiple", options=[]), "A choice question needs at least two options."),
        (question(options=[("Быстро", "x"), ("Медленно", "x")]), "The code “x” is used twice."),
        (question(options=[("Быстро", "быстро"), ("Медленно", "")]), "Latin letters, digits"),
        (question("grid", rows=[]), "A rating grid needs at least one line to rate."),
        (
            question("grid", rows=[("Первый", "")], scale_min="5", scale_max="3"),
            "The ratings go from a lower to a higher number",
        ),
        (question("single", nps="on", options=FAST), "Only a 0–10 scale question can be the NPS"),
        (question(text=""), "This field is required."),
        (question(kind="json"), "Select a valid choice."),
    ],
)
def test_a_bad_question_is_shown_and_nothing_is_written(client, head, survey, data, error):
    client.force_login(head)
    response = client.post(add_url(survey), data)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Question.objects.exists()


def test_a_second_nps_question_is_refused(client, head):
    nps = shipped()
    client.force_login(head)
    response = client.post(add_url(nps), question("scale10", "Again?", nps="on"))
    assert response.status_code == 400
    assert "The survey already has an NPS question" in response.content.decode()
    assert nps.questions.count() == 7


def test_a_question_form_sent_twice_adds_one_question(client, head, survey):
    client.force_login(head)
    client.post(add_url(survey), question(options=FAST))
    again = client.post(add_url(survey), question(options=FAST))
    assert again.status_code == 400
    assert "This question is already in the survey." in again.content.decode()
    assert Question.objects.count() == 1


def test_more_lines_adds_empty_rows_and_saves_nothing(client, head, survey):
    client.force_login(head)
    response = client.post(add_url(survey) + "?more=options", question(text="", options=FAST))
    assert response.status_code == 200
    assert response.context["options"].total_form_count() == 6
    assert "This field is required." not in response.content.decode()
    assert not Question.objects.exists()


def test_the_head_changes_a_question_and_its_code_stays(client, head, survey):
    q = Question.objects.create(survey=survey, code="fast", kind="single", text="Fast?", options=[])
    client.force_login(head)
    response = client.post(question_url(q), question(text="Fast enough?", options=FAST))
    assert response.status_code == 302
    q.refresh_from_db()
    assert (q.code, q.text, len(q.options)) == ("fast", "Fast enough?", 2)


def test_questions_move_up_and_down(client, head, survey):
    a, b, c = (
        Question.objects.create(survey=survey, code=code, order=n, kind="text", text=code)
        for n, code in enumerate("abc", start=1)
    )
    client.force_login(head)
    client.post(question_url(c, "move"), {"to": "up"})
    client.post(question_url(a, "move"), {"to": "up"})  # at the top already
    assert list(survey.questions.values_list("code", flat=True)) == ["a", "c", "b"]


def test_a_question_without_answers_is_deleted_and_the_rest_renumbered(client, head, survey):
    a, b = (
        Question.objects.create(survey=survey, code=code, order=n, kind="text", text=code)
        for n, code in enumerate("ab", start=1)
    )
    client.force_login(head)
    response = client.post(question_url(a, "delete"))
    assert response.status_code == 302
    assert list(survey.questions.values_list("code", "order")) == [("b", 1)]
    assert client.post(question_url(a, "delete")).status_code == 302  # sent twice: no error


# -- edits that would break the answers -------------------------------------------------------
def test_a_question_with_answers_is_not_deleted(client, head, answered):
    reason = answered.questions.get(code="reason")
    client.force_login(head)
    page = client.post(question_url(reason, "delete"), follow=True).content.decode()
    assert "has answers and cannot be deleted" in page and "copy it and change the copy" in page
    assert answered.questions.filter(code="reason").exists()


def test_an_answered_option_cannot_be_removed(client, head, answered):
    reason = answered.questions.get(code="reason")
    kept = [(o["label"], o["code"]) for o in reason.options if o["code"] != "speed"]
    client.force_login(head)
    response = client.post(question_url(reason), question(text=reason.text, options=kept))
    assert response.status_code == 400
    assert (
        "“Internet speed and stability” has answers and cannot be removed"
        in response.content.decode()
    )
    reason.refresh_from_db()
    assert "speed" in reason.labels()


def test_an_unanswered_option_may_be_removed(client, head, answered):
    reason = answered.questions.get(code="reason")
    kept = [(o["label"], o["code"]) for o in reason.options][:2]
    client.force_login(head)
    assert (
        client.post(question_url(reason), question(text=reason.text, options=kept)).status_code
        == 302
    )
    reason.refresh_from_db()
    assert list(reason.labels()) == [code for _label, code in kept]


def test_the_kind_of_an_answered_question_cannot_change(client, head, answered):
    comment = answered.questions.get(code="comment")
    client.force_login(head)
    data = question("single", comment.text, options=FAST)
    response = client.post(question_url(comment), data)
    assert response.status_code == 400
    assert "its kind cannot change" in response.content.decode()
    comment.refresh_from_db()
    assert comment.kind == "text"


def test_the_nps_question_of_a_survey_with_responses_stays(client, head, answered):
    recommend = answered.questions.get(code="recommend")
    client.force_login(head)
    response = client.post(question_url(recommend), question("scale10", recommend.text))
    assert response.status_code == 400
    assert "the NPS question cannot change" in response.content.decode()
    recommend.refresh_from_db()
    assert recommend.role == "nps"


def test_the_copy_is_inactive_with_the_same_questions(client, head, answered):
    client.force_login(head)
    response = client.post(reverse("comms:survey_copy", kwargs={"pk": answered.pk}))
    copy = Survey.objects.get(name="NPS survey (copy)")
    assert response["Location"] == edit_url(copy)
    assert not copy.active and copy.code != answered.code
    assert list(copy.questions.values_list("code", "role")) == list(
        answered.questions.values_list("code", "role")
    )


# -- the page --------------------------------------------------------------------------------
def test_the_editor_page_lists_the_questions_in_a_fixed_number_of_queries(client, head):
    nps, tv = shipped("nps"), Survey.objects.get(code="tv_channels")
    client.force_login(head)
    client.get(edit_url(tv))  # the session and the permissions are read once
    counts = []
    for survey in (nps, tv):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(edit_url(survey))
        assert response.status_code == 200
        counts.append(len(queries))
    assert nps.questions.count() != tv.questions.count()
    assert counts[0] == counts[1] <= 9, counts
    text = response.content.decode()
    assert 'id="question-add"' in text and text.count('id="question-') >= 5
