"""Editing the objection book (the head): a new objection with its answers, an edit that keeps
the code and the answers' history, taking one out of use, categories; errors named by field,
nothing written on bad input, a form sent twice makes one objection."""

import pytest
from django.urls import reverse

from comms.models import Objection, ObjectionAnswer, ObjectionCategory
from comms.objections import category_create, code_from, objection_create

pytestmark = pytest.mark.django_db
NEW = reverse("comms:objection_new")
NEW_CATEGORY = reverse("comms:objection_category_new")


@pytest.fixture
def price(db):
    return category_create(name="Цена")


def answers(*texts, ids=(), orders=(), delete=()):
    data = {
        "answers-TOTAL_FORMS": str(len(texts)),
        "answers-INITIAL_FORMS": str(len(ids)),
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "20",
    }
    for i, text in enumerate(texts):
        data[f"answers-{i}-text"] = text
        data[f"answers-{i}-id"] = str(ids[i]) if i < len(ids) else ""
        data[f"answers-{i}-ORDER"] = str(orders[i]) if i < len(orders) else ""
        if i in delete:
            data[f"answers-{i}-DELETE"] = "on"
    return data


def objection(chosen, **data):
    return {
        "category": str(chosen.pk),
        "text": "Дорого",
        "keywords": "не по карману;  дешевле ",
        "order": "1",
        **answers("Посчитаем день.", "Есть «Эконом».", ""),
        **data,
    }


def test_it_makes_an_objection_with_its_answers(client, head, price):
    client.force_login(head)
    response = client.post(NEW, objection(price, text="  Дорого   очень "))
    made = Objection.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("comms:objections") + "#objection-dorogo-ochen"
    assert (made.code, made.text, made.keywords, made.category) == (
        "dorogo-ochen",
        "Дорого очень",
        "не по карману, дешевле",
        price,
    )
    assert [a.text for a in made.answers.all()] == ["Посчитаем день.", "Есть «Эконом»."]
    assert made.history.get().history_user == head


def test_the_form_offers_the_category_it_was_opened_from(client, head, price):
    other = category_create(name="Время")
    client.force_login(head)
    html = client.get(NEW, {"category": other.pk}).content.decode()
    assert f'<option value="{other.pk}" selected>' in html


def test_the_code_is_made_from_the_text_and_kept_unique():
    assert code_from("Дорого!", [], fallback="x") == "dorogo"
    assert code_from("Дорого", ["dorogo", "dorogo-2"], fallback="x") == "dorogo-3"
    assert code_from("Щётка ЪЁЖ", [], fallback="x") == "shchetka-ezh"
    assert code_from("!!!", ["objection"], fallback="objection") == "objection-2"


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"text": "   "}, "text", "Write what the subscriber says."),
        ({"category": ""}, "category", "Choose the category."),
        ({"category": "999"}, "category", "Select a valid choice."),
        (answers("", "  "), None, "Write at least one answer."),
        (answers("Да.", "Нет.", delete=(0, 1)), None, "Write at least one answer."),
        ({"order": "-1"}, "order", "greater than or equal to 0"),
    ],
)
def test_bad_input_is_named_and_nothing_is_written(client, head, price, data, field, message):
    client.force_login(head)
    response = client.post(NEW, objection(price, **data))
    html = response.content.decode()
    assert response.status_code == 400 and message in html
    if field:
        assert message in " ".join(response.context["form"].errors[field])
    assert not Objection.objects.exists() and not ObjectionAnswer.objects.exists()


def test_the_same_text_in_the_category_is_refused_whatever_its_case(client, head, price):
    objection_create(category=price, text="Дорого", answers=["Да."])
    client.force_login(head)
    response = client.post(NEW, objection(price, text="ДОРОГО"))
    assert response.status_code == 400
    assert "This objection is already in the category." in response.content.decode()
    assert Objection.objects.count() == 1


def test_a_form_sent_twice_makes_one_objection(client, head, price):
    client.force_login(head)
    assert client.post(NEW, objection(price)).status_code == 302
    assert client.post(NEW, objection(price)).status_code == 400
    assert Objection.objects.count() == 1 and ObjectionAnswer.objects.count() == 2


def test_an_edit_keeps_the_code_and_the_answers_kept(client, head, price):
    made = objection_create(category=price, text="Дорого", answers=["Первый.", "Второй."])
    first, second = made.answers.all()
    client.force_login(head)
    data = objection(
        price,
        text="Слишком дорого",
        **answers(
            "Первый.", "Второй, лучше.", "Третий.", ids=(first.pk, second.pk), orders=(3, 1, 2)
        ),
    )
    url = reverse("comms:objection_edit", kwargs={"pk": made.pk})
    assert client.post(url, data).status_code == 302
    made.refresh_from_db()
    assert (made.code, made.text) == ("dorogo", "Слишком дорого")
    assert [(a.pk, a.text) for a in made.answers.all()] == [
        (second.pk, "Второй, лучше."),
        (made.answers.get(text="Третий.").pk, "Третий."),
        (first.pk, "Первый."),
    ]


def test_an_answer_removed_in_the_edit_is_deleted(client, head, price):
    made = objection_create(category=price, text="Дорого", answers=["Первый.", "Второй."])
    first, second = made.answers.all()
    client.force_login(head)
    data = objection(price, **answers("Первый.", "Второй.", ids=(first.pk, second.pk), delete=(0,)))
    client.post(reverse("comms:objection_edit", kwargs={"pk": made.pk}), data)
    assert [a.text for a in made.answers.all()] == ["Второй."]


def test_an_answer_of_another_objection_is_not_touched(client, head, price):
    other = objection_create(category=price, text="Некогда", answers=["Чужой."])
    made = objection_create(category=price, text="Дорого", answers=["Свой."])
    client.force_login(head)
    data = objection(price, **answers("Подменённый.", ids=(other.answers.get().pk,)))
    client.post(reverse("comms:objection_edit", kwargs={"pk": made.pk}), data)
    assert other.answers.get().text == "Чужой."
    assert [a.text for a in made.answers.all()] == ["Подменённый."]


def test_the_edit_form_shows_the_answers(client, head, price):
    made = objection_create(category=price, text="Дорого", answers=["Первый ответ."])
    client.force_login(head)
    html = client.get(reverse("comms:objection_edit", kwargs={"pk": made.pk})).content.decode()
    assert "Первый ответ." in html and 'name="answers-TOTAL_FORMS" value="2"' in html


def test_it_takes_an_objection_out_of_use_and_back(client, head, price):
    made = objection_create(category=price, text="Дорого", answers=["Да."])
    url = reverse("comms:objection_active", kwargs={"pk": made.pk})
    client.force_login(head)
    assert client.post(url, {"active": "0"}).status_code == 302
    made.refresh_from_db()
    assert made.active is False
    client.post(url, {"active": "1"})
    made.refresh_from_db()
    assert made.active is True
    assert client.post(url, {"active": "maybe"}).status_code == 400
    assert client.get(url).status_code == 405


def test_it_makes_and_renames_a_category(client, head):
    client.force_login(head)
    response = client.post(NEW_CATEGORY, {"name": " Цена  и  оплата ", "order": "2"})
    category = ObjectionCategory.objects.get()
    assert response.status_code == 302 and response["Location"].endswith("#category-tsena-i-oplata")
    assert (category.name, category.order) == ("Цена и оплата", 2)
    url = reverse("comms:objection_category_edit", kwargs={"pk": category.pk})
    assert client.post(url, {"name": "Деньги", "order": "1"}).status_code == 302
    category.refresh_from_db()
    assert (category.code, category.name) == ("tsena-i-oplata", "Деньги")


def test_a_category_name_taken_is_refused(client, head, price):
    client.force_login(head)
    response = client.post(NEW_CATEGORY, {"name": "ЦЕНА", "order": "0"})
    assert response.status_code == 400
    assert "A category with this name already exists." in response.content.decode()
    assert ObjectionCategory.objects.count() == 1


def test_without_a_category_the_new_objection_asks_for_one_first(client, head):
    client.force_login(head)
    response = client.get(NEW)
    assert response.status_code == 302 and response["Location"] == NEW_CATEGORY


def test_an_operator_may_not_edit_the_book(client, operator, price):
    made = objection_create(category=price, text="Дорого", answers=["Да."])
    client.force_login(operator)
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, objection(price, text="Другое")).status_code == 403
    edit = reverse("comms:objection_edit", kwargs={"pk": made.pk})
    assert client.post(edit, objection(price, text="Другое")).status_code == 403
    active = reverse("comms:objection_active", kwargs={"pk": made.pk})
    assert client.post(active, {"active": "0"}).status_code == 403
    assert client.post(NEW_CATEGORY, {"name": "Новая"}).status_code == 403
    assert Objection.objects.get().text == "Дорого" and Objection.objects.get().active
    assert ObjectionCategory.objects.count() == 1


def test_the_forms_take_no_other_method(client, head, price):
    client.force_login(head)
    assert client.put(NEW).status_code == 405
    assert client.delete(NEW_CATEGORY).status_code == 405
