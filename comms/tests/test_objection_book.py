"""The objection book: who reads it, the search as you type (Cyrillic without regard to case,
in the text, the other words and the answers), the head's view with what is out of use, and
its cost in queries."""

import pytest
from django.urls import reverse

from comms.objections import category_create, objection_book, objection_create, objection_set_active
from core.tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = reverse("comms:objections")


@pytest.fixture
def price(db):
    return category_create(name="Цена", order=1)


@pytest.fixture
def expensive(price):
    return objection_create(
        category=price,
        text="Дорого",
        keywords="не по карману, у соседей дешевле",
        answers=["Посчитаем, сколько стоит один день.", "Есть тариф «Эконом»."],
    )


@pytest.fixture
def later(db):
    return objection_create(
        category=category_create(name="Время", order=2),
        text="Мне некогда",
        answers=["Когда вам удобно перезвонить? Запишу ЗВОНОК на это время."],
    )


def test_an_operator_reads_the_book_with_its_categories_and_answers(
    client, operator, expensive, later
):
    client.force_login(operator)
    html = client.get(URL).content.decode()
    assert 'id="category-tsena"' in html and 'id="objection-dorogo"' in html
    assert "Посчитаем, сколько стоит один день." in html and "Мне некогда" in html
    assert html.index("Дорого") < html.index("Мне некогда")  # the categories' order
    assert 'id="new-objection"' not in html and ">Edit<" not in html


def test_the_head_sees_the_buttons_and_the_objections_out_of_use(client, head, expensive):
    objection_set_active(objection=expensive, active=False)
    client.force_login(head)
    html = client.get(URL).content.decode()
    assert 'id="new-objection"' in html and 'id="new-category"' in html
    assert 'id="objection-dorogo"' in html and "not in use" in html and "Put back" in html


def test_an_objection_out_of_use_is_not_in_the_operators_book(client, operator, expensive):
    objection_set_active(objection=expensive, active=False)
    client.force_login(operator)
    assert 'id="objection-dorogo"' not in client.get(URL).content.decode()


@pytest.mark.parametrize("query", ["дорого", "ДОРОГО", "Дорого", "  дОрОгО  "])
def test_the_search_ignores_the_case_of_cyrillic_letters(client, operator, expensive, query):
    client.force_login(operator)
    html = client.get(URL, {"q": query}, HTTP_HX_REQUEST="true").content.decode()
    assert 'id="objection-dorogo"' in html and "1 objection matches" in html


def test_the_search_finds_the_other_words_and_the_answers(expensive, later):
    def found(query):
        return [o.text for entry in objection_book(query) for o in entry.objections]

    assert found("КАРМАНУ") == ["Дорого"]
    assert found("звонок") == ["Мне некогда"]
    assert found("дешевле соседей") == ["Дорого"]  # every word, anywhere
    assert found("дешевле некогда") == []
    assert found("ёжик") == [] and found("") == ["Дорого", "Мне некогда"]


def test_the_search_takes_yo_for_ye(price):
    objection_create(category=price, text="Всё ещё дорого", answers=["Да."])
    assert [o.text for e in objection_book("все еще") for o in e.objections] == ["Всё ещё дорого"]


def test_the_search_as_you_type_returns_only_the_book_part(client, operator, expensive, later):
    client.force_login(operator)
    html = client.get(URL, {"q": "некогда"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in html and 'id="objection-book"' in html
    assert "Мне некогда" in html and 'id="objection-dorogo"' not in html
    assert 'id="category-tsena"' not in html  # a category with nothing found is left out


def test_a_search_that_finds_nothing_says_so(client, operator, expensive):
    client.force_login(operator)
    html = client.get(URL, {"q": "интернет"}).content.decode()
    assert 'id="objection-none"' in html and "<html" in html


def test_a_user_without_the_right_may_not_read_the_book(client, db):
    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(URL).status_code == 403


def test_the_book_is_not_posted_to(client, operator):
    client.force_login(operator)
    assert client.post(URL).status_code == 405


def test_the_menu_links_the_book_for_those_who_read_it(client, operator):
    client.force_login(operator)
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("many", [1, 12])
def test_the_book_costs_the_same_queries_for_1_and_12_objections(
    client, head, price, many, django_assert_num_queries
):
    for n in range(many):
        objection_create(category=price, text=f"Возражение {n}", answers=["Один", "Два"])
    client.force_login(head)
    client.get(URL)  # session and permissions warmed up
    with django_assert_num_queries(QUERIES + 1):  # the whole page counts the texts to adapt
        assert client.get(URL).status_code == 200
    with django_assert_num_queries(QUERIES):
        assert client.get(URL, {"q": "возражение"}, HTTP_HX_REQUEST="true").status_code == 200


# session, user, the user's permissions (2), the categories, their objections, the answers
QUERIES = 7
