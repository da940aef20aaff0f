"""The call script pages: the registry, a script with its current version as a flow and its
versions, the editor of the draft step by step, publishing, and the walk through a script with
sample values or a subscriber's; who may, the wrong method, bad input changing nothing."""

import pytest
from django.urls import reverse

from comms import graph
from comms import scripts as services
from comms.models import Objection, ObjectionCategory, Script, ScriptVersion
from subscribers.tests.factories import SubscriberFactory

from .factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db
REGISTRY = reverse("registry", kwargs={"name": "scripts"})
NEW = reverse("comms:script_new")


def url(name: str, script: Script, **kwargs) -> str:
    return reverse(f"comms:{name}", kwargs={"pk": script.pk, **kwargs})


@pytest.fixture
def script(head):
    """Published once: greeting → convenient? → yes: promise (opt-out, SMS), no: later."""
    category = ObjectionCategory.objects.create(code="price", name="Цена")
    Objection.objects.create(code="expensive", category=category, text="Дорого")
    MessageTemplateFactory(code="paid", name="Спасибо за оплату")
    made = services.script_create(
        by=head, name="Напоминание об оплате", number="3.3.1", purpose="debt"
    )
    for kind, title, fields in [
        ("end", "Обещал оплатить", {"outcome": "promise", "success": True, "message": "paid"}),
        ("end", "Перезвонить", {"outcome": "callback"}),
        (
            "ask",
            "Удобно говорить?",
            {
                "text": "Вам удобно говорить?",
                "answers": [
                    {"label": "Да", "next": "obeshchal-oplatit"},
                    {"label": "Нет", "next": "perezvonit"},
                ],
                "objections": ["expensive"],
            },
        ),
        (
            "say",
            "Приветствие",
            {"text": "Добрый день, {addressed}! Долг {debt}", "next": "udobno-govorit"},
        ),
    ]:
        services.script_draft_step_save(script=made, by=head, kind=kind, title=title, **fields)
    services.script_draft_start(script=made, by=head, step="privetstvie")
    services.script_draft_step_delete(script=made, by=head, step="end")
    services.script_publish(script=made, by=head, note="Первая")
    made.refresh_from_db()
    return made


# -- the registry ----------------------------------------------------------------------------
def test_the_registry_lists_the_scripts_with_their_version_and_offers_a_new_one(
    client, head, script
):
    client.force_login(head)
    response = client.get(REGISTRY)
    html = response.content.decode()
    assert "Напоминание об оплате" in html and 'id="new-script"' in html
    assert response.context["page"].rows[0].current == 1


def test_the_registry_finds_a_script_by_number_and_filters_by_purpose(client, head, script):
    services.script_create(by=head, name="Опрос", purpose="survey")
    client.force_login(head)
    found = client.get(REGISTRY, {"q": "3.3"}).context["page"].rows
    assert [s.name for s in found] == ["Напоминание об оплате"]
    found = client.get(REGISTRY, {"purpose": "survey"}).context["page"].rows
    assert [s.name for s in found] == ["Опрос"]


def test_the_registry_takes_the_same_queries_however_many_scripts(
    client, head, script, django_assert_max_num_queries
):
    client.force_login(head)
    client.get(REGISTRY)
    with django_assert_max_num_queries(20) as few:
        client.get(REGISTRY)
    for i in range(5):
        services.script_create(by=head, name=f"Script {i}", purpose="service")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(REGISTRY)


# -- the script page -------------------------------------------------------------------------
def test_the_page_shows_the_current_version_as_a_flow(client, operator, script):
    client.force_login(operator)
    response = client.get(url("script", script))
    html = response.content.decode()
    steps = {s.id: s for s in response.context["steps"]}
    assert steps["privetstvie"].start and steps["privetstvie"].next.title == "Удобно говорить?"
    assert [(label, t.title) for label, t in steps["udobno-govorit"].answers] == [
        ("Да", "Обещал оплатить"),
        ("Нет", "Перезвонить"),
    ]
    assert "Дорого" in html and "Спасибо за оплату" in html and "promise" in html
    assert "Первая" in html and "The draft is the same as the current version." in html
    assert 'id="script-draft"' not in html  # an operator reads only


def test_the_page_says_the_draft_differs_and_shows_an_old_version(client, head, script):
    services.script_draft_step_save(
        script=script, by=head, step="perezvonit", title="Перезвонить позже", outcome="callback"
    )
    services.script_publish(script=script, by=head, note="Вторая")
    services.script_draft_step_save(
        script=script, by=head, step="perezvonit", title="Перезвонить", outcome="callback"
    )
    client.force_login(head)
    html = client.get(url("script", script)).content.decode()
    assert "The draft has changes not yet published (against version 2)." in html
    old = client.get(url("script_version", script, number=1))
    assert old.context["shown"].number == 1 and 'id="old-version"' in old.content.decode()
    assert client.get(url("script_version", script, number=9)).status_code == 404


def test_the_page_takes_the_same_queries_however_many_versions(
    client, head, script, django_assert_max_num_queries
):
    client.force_login(head)
    client.get(url("script", script))
    with django_assert_max_num_queries(12) as few:
        client.get(url("script", script))
    for i in range(3):
        services.script_draft_step_save(
            script=script, by=head, step="perezvonit", title=f"Перезвонить {i}", outcome="cb"
        )
        services.script_publish(script=script, by=head)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("script", script))


def test_a_script_never_published_says_so(client, head):
    made = services.script_create(by=head, name="Новый", purpose="service")
    client.force_login(head)
    assert 'id="no-version"' in client.get(url("script", made)).content.decode()


# -- who may ---------------------------------------------------------------------------------
def test_an_operator_reads_the_scripts_but_may_not_edit_them(client, operator, script):
    client.force_login(operator)
    assert 'id="new-script"' not in client.get(REGISTRY).content.decode()
    before = script.draft
    for address in (
        NEW,
        url("script_edit", script),
        url("script_draft", script),
        url("script_step_add", script, kind="say"),
        url("script_step", script, step="privetstvie"),
    ):
        assert client.get(address).status_code == 403
        assert client.post(address, {"title": "X", "name": "X"}).status_code == 403
    for address in (
        url("script_step_delete", script, step="perezvonit"),
        url("script_step_move", script, step="perezvonit"),
        url("script_start", script),
        url("script_publish", script),
    ):
        assert client.post(address, {"to": "up", "step": "perezvonit"}).status_code == 403
    assert client.get(url("script_preview", script) + "?version=draft").status_code == 403
    script.refresh_from_db()
    assert script.draft == before and ScriptVersion.objects.count() == 1
    assert Script.objects.count() == 1


def test_a_user_without_the_right_sees_no_script(client, script):
    from core.tests.factories import UserFactory

    client.force_login(UserFactory(roles=["installer"]))
    assert client.get(REGISTRY).status_code == 403
    assert client.get(url("script", script)).status_code == 403


def test_the_wrong_method_is_refused(client, head, script):
    client.force_login(head)
    assert client.post(url("script", script)).status_code == 405
    assert client.get(url("script_publish", script)).status_code == 405
    assert client.get(url("script_step_delete", script, step="perezvonit")).status_code == 405
    assert client.get(url("script_start", script)).status_code == 405
    assert client.post(url("script_preview", script)).status_code == 405


# -- a new script and its properties ---------------------------------------------------------
def properties(**data):
    return {"name": "Опрос NPS", "number": "3.3.7", "purpose": "survey", "active": "on", **data}


def test_the_head_makes_a_script_and_goes_on_to_its_steps(client, head):
    client.force_login(head)
    response = client.post(NEW, properties(name="  Опрос   NPS "))
    made = Script.objects.get()
    assert response["Location"] == url("script_draft", made)
    assert (made.name, made.number, made.purpose, made.active) == (
        "Опрос NPS",
        "3.3.7",
        "survey",
        True,
    )
    assert [n["kind"] for n in made.draft["nodes"]] == ["end"]


def test_a_script_without_a_name_is_not_made(client, head, script):
    client.force_login(head)
    response = client.post(NEW, properties(name=" "))
    assert response.status_code == 400 and "This field is required." in response.content.decode()
    response = client.post(NEW, properties(name="напоминание об оплате"))
    assert "A script with this name already exists." in response.content.decode()
    assert Script.objects.count() == 1


def test_the_head_changes_the_properties(client, head, script):
    client.force_login(head)
    response = client.post(url("script_edit", script), properties(name="Оплата", active=""))
    script.refresh_from_db()
    assert response.status_code == 302 and (script.name, script.active) == ("Оплата", False)


# -- the editor ------------------------------------------------------------------------------
def test_the_editor_shows_the_steps_and_the_problems_beside_them(client, head, script):
    services.script_draft_step_save(script=script, by=head, kind="ask", title="Когда оплатите?")
    client.force_login(head)
    response = client.get(url("script_draft", script))
    html = response.content.decode()
    assert [(p.node, p.message) for p in response.context["problems"]] == [
        ("kogda-oplatite", "A question needs answers to choose from."),
        ("kogda-oplatite", "No path from the start leads to this step."),
    ]
    assert 'href="#step-kogda-oplatite"' in html and 'id="step-kogda-oplatite"' in html


def test_the_head_adds_a_question_with_answers_chosen_from_the_steps(client, head, script):
    client.force_login(head)
    response = client.post(
        url("script_step_add", script, kind="ask"),
        {
            "title": "Когда оплатите?",
            "text": "Когда вы сможете оплатить {debt} руб.?",
            "objections": ["expensive"],
            "answers-TOTAL_FORMS": "3",
            "answers-INITIAL_FORMS": "0",
            "answers-0-label": "Сегодня",
            "answers-0-next": "obeshchal-oplatit",
            "answers-1-label": "Не знаю",
            "answers-1-next": "perezvonit",
            "answers-2-label": "",
            "answers-2-next": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#step-kogda-oplatite")
    script.refresh_from_db()
    assert graph.node(script.draft, "kogda-oplatite") == {
        "id": "kogda-oplatite",
        "kind": "ask",
        "title": "Когда оплатите?",
        "text": "Когда вы сможете оплатить {debt} руб.?",
        "answers": [
            {"label": "Сегодня", "next": "obeshchal-oplatit"},
            {"label": "Не знаю", "next": "perezvonit"},
        ],
        "objections": ["expensive"],
    }


def test_the_head_edits_an_end_choosing_its_action_and_sms(client, head, script):
    client.force_login(head)
    page = client.get(url("script_step", script, step="perezvonit")).content.decode()
    assert "comms.opt_out" in page and "Спасибо за оплату" in page
    client.post(
        url("script_step", script, step="perezvonit"),
        {"title": "Отказ", "outcome": "opt-out", "action": "comms.opt_out", "message": "paid"},
    )
    script.refresh_from_db()
    node = graph.node(script.draft, "perezvonit")
    assert (node["title"], node["action"], node["message"], node["success"]) == (
        "Отказ",
        "comms.opt_out",
        "paid",
        False,
    )


def test_a_step_with_bad_input_shows_the_error_and_changes_nothing(client, head, script):
    client.force_login(head)
    before = script.draft
    response = client.post(
        url("script_step", script, step="privetstvie"),
        {"title": "", "text": "Ваш {bonus}", "next": "perezvonit"},
    )
    html = response.content.decode()
    assert response.status_code == 400 and "This field is required." in html
    response = client.post(
        url("script_step", script, step="privetstvie"),
        {"title": "Приветствие", "text": "Ваш {bonus}", "next": "perezvonit"},
    )
    assert response.status_code == 400
    assert "Unknown placeholders: {bonus}." in response.content.decode()
    response = client.post(
        url("script_step", script, step="privetstvie"),
        {"title": "Приветствие", "next": "nowhere"},
    )
    assert response.status_code == 400 and "Select a valid choice." in response.content.decode()
    script.refresh_from_db()
    assert script.draft == before


def test_an_unknown_step_or_kind_is_not_found(client, head, script):
    client.force_login(head)
    assert client.get(url("script_step", script, step="nowhere")).status_code == 404
    assert client.get(url("script_step_add", script, kind="jump")).status_code == 404


def test_a_step_others_lead_to_is_not_deleted_with_the_reason_shown(client, head, script):
    client.force_login(head)
    response = client.post(url("script_step_delete", script, step="perezvonit"), follow=True)
    assert "Steps lead to this one: “Удобно говорить?”." in response.content.decode()
    script.refresh_from_db()
    assert graph.node(script.draft, "perezvonit") is not None


def test_the_head_reorders_the_steps_and_chooses_the_start(client, head, script):
    client.force_login(head)
    client.post(url("script_step_move", script, step="privetstvie"), {"to": "up"})
    client.post(url("script_start", script), {"step": "udobno-govorit"})
    script.refresh_from_db()
    assert [n["id"] for n in script.draft["nodes"]][-2:] == ["privetstvie", "udobno-govorit"]
    assert script.draft["start"] == "udobno-govorit"


# -- publishing ------------------------------------------------------------------------------
def test_a_draft_with_problems_is_refused_with_the_list(client, head, script):
    services.script_draft_step_save(script=script, by=head, kind="ask", title="Когда оплатите?")
    client.force_login(head)
    response = client.post(url("script_publish", script), {"note": "x"}, follow=True)
    html = response.content.decode()
    assert "The draft is not published." in html
    assert "Когда оплатите?: A question needs answers to choose from." in html
    assert ScriptVersion.objects.count() == 1


def test_a_publish_sent_twice_makes_one_version(client, head, script):
    services.script_draft_step_save(
        script=script, by=head, step="perezvonit", title="Перезвонить позже", outcome="callback"
    )
    client.force_login(head)
    first = client.post(url("script_publish", script), {"note": "Уточнили"})
    assert first["Location"] == url("script", script)
    again = client.post(url("script_publish", script), {"note": "Уточнили"}, follow=True)
    assert "The draft is the same as version 2: there is nothing to publish." in (
        again.content.decode()
    )
    assert list(script.versions.values_list("number", "note", "published_by")) == [
        (2, "Уточнили", head.pk),
        (1, "Первая", head.pk),
    ]


# -- the walk --------------------------------------------------------------------------------
def test_the_walk_goes_from_the_start_by_the_answers_and_back(client, operator, script):
    client.force_login(operator)
    preview = url("script_preview", script)
    start = client.get(preview)
    assert start.context["walked"].step.id == "privetstvie"
    assert start.context["walked"].text == "Добрый день, Ivan Ivanovich! Долг 550,00 руб."
    question = client.get(start.context["next_url"] and preview + start.context["next_url"])
    assert question.context["walked"].step.id == "udobno-govorit"
    labels = [label for label, _href in question.context["answer_urls"]]
    assert labels == ["Да", "Нет"]
    end = client.get(preview + question.context["answer_urls"][0][1])
    html = end.content.decode()
    assert end.context["walked"].step.outcome == "promise" and "Спасибо за оплату" in html
    back = client.get(preview + end.context["back_url"])
    assert back.context["walked"].step.id == "udobno-govorit"


def test_the_walk_fills_in_a_subscriber_of_the_users_branches_only(client, operator, tver, script):
    SubscriberFactory(
        account="777", branch=tver, full_name="Петров Пётр Петрович", reported_balance=-300
    )
    SubscriberFactory(account="888", full_name="Сидоров Сидор Сидорович")
    client.force_login(operator)
    preview = url("script_preview", script)
    mine = client.get(preview, {"account": "777"})
    assert mine.context["walked"].text == "Добрый день, Пётр Петрович! Долг 300,00 руб."
    other = client.get(preview, {"account": "888"})
    assert "No subscriber with account 888 in your branches." in other.content.decode()
    assert "Сидор" not in other.content.decode()


def test_the_walk_answers_htmx_with_the_player_alone(client, head, script):
    client.force_login(head)
    response = client.get(
        url("script_preview", script), {"version": "draft"}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.startswith('<div id="script-player"') and "<html" not in html
