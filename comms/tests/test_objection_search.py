"""The objection search the script player shows during a call: the step's own objections
first (or alone without words), the answers, and the buttons that note one in the call only
when the call is named."""

import pytest
from django.urls import reverse

from comms.objections import (
    category_create,
    objection_create,
    objection_search,
    objection_set_active,
)
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("comms:objection_search")


@pytest.fixture
def book(db):
    price = category_create(name="Цена")
    time = category_create(name="Время")
    return {
        "expensive": objection_create(
            category=price, text="Дорого", answers=["Посчитаем, сколько стоит день."]
        ),
        "cheaper": objection_create(
            category=price,
            text="У конкурентов дешевле",
            keywords="Ростелеком",
            answers=["Сравним, что входит в цену: у нас дорого не бывает."],
        ),
        "busy": objection_create(category=time, text="Мне некогда", answers=["Перезвоню."]),
    }


def texts(found):
    return [o.text for o in found]


def test_without_words_it_gives_the_steps_objections_in_their_order(book):
    assert texts(objection_search("", ["mne-nekogda", "dorogo", "unknown"])) == [
        "Мне некогда",
        "Дорого",
    ]
    assert objection_search("", []) == []


def test_the_matches_in_the_text_come_before_those_in_the_answers(book):
    assert texts(objection_search("ДОРОГО")) == ["Дорого", "У конкурентов дешевле"]


def test_the_steps_objections_come_first_among_the_matches(book):
    found = objection_search("дорого", [book["cheaper"].code])
    assert texts(found) == ["У конкурентов дешевле", "Дорого"]


def test_an_objection_out_of_use_is_not_found(book):
    objection_set_active(objection=book["expensive"], active=False)
    assert texts(objection_search("дорого")) == ["У конкурентов дешевле"]


def test_the_fragment_lists_the_objections_with_their_answers_and_no_buttons(
    client, operator, book
):
    client.force_login(operator)
    response = client.get(URL, {"q": "ростелеком", "codes": "dorogo"})
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'id="found-u-konkurentov-deshevle"' in html and "Сравним, что входит" in html
    assert 'id="found-dorogo"' not in html and "<form" not in html


def test_the_steps_objections_are_marked(client, operator, book):
    client.force_login(operator)
    html = client.get(URL, {"codes": "dorogo,mne-nekogda"}).content.decode()
    assert html.count("for this step") == 2


def test_with_a_call_each_objection_gets_a_button_posting_it_to_the_call(client, operator, book):
    client.force_login(operator)
    html = client.get(URL, {"q": "дорого", "call": "42"}).content.decode()
    assert html.count('hx-post="/comms/calls/42/objection/"') == 2
    assert 'name="objection" value="dorogo"' in html and "csrfmiddlewaretoken" in html


def test_a_call_that_is_not_a_number_is_refused(client, operator, book):
    client.force_login(operator)
    assert client.get(URL, {"q": "дорого", "call": "42/../x"}).status_code == 400


def test_it_says_when_nothing_matches(client, operator, book):
    client.force_login(operator)
    html = client.get(URL, {"q": "телевидение"}).content.decode()
    assert 'id="objection-search-none"' in html and "телевидение" in html


def test_a_user_without_the_right_may_not_search(client, db):
    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(URL, {"q": "дорого"}).status_code == 403


def test_it_is_not_posted_to(client, operator):
    client.force_login(operator)
    assert client.post(URL, {"q": "дорого"}).status_code == 405
