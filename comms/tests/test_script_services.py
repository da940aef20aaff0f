"""The script editor's writes (comms.scripts): a new script, the draft edited step by step with
ids made from titles, deleting only what nothing leads to, the start, and publishing a version
only when the graph passes its checks and the draft changed."""

import pytest
from django.core.exceptions import ValidationError

from comms import graph
from comms import scripts as services
from comms.models import Objection, ObjectionCategory, Script, ScriptVersion

from .factories import MessageTemplateFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def script(head):
    return services.script_create(by=head, name="Напоминание об оплате", purpose="debt")


@pytest.fixture
def expensive(db):
    category = ObjectionCategory.objects.create(code="price", name="Цена")
    return Objection.objects.create(code="expensive", category=category, text="Дорого")


def add(script, by, kind, title, **fields) -> str:
    return services.script_draft_step_save(script=script, by=by, kind=kind, title=title, **fields)


def draft_of(script) -> dict:
    script.refresh_from_db()
    return script.draft


def test_a_new_script_has_a_one_step_draft_that_could_be_published(script):
    assert [n["id"] for n in script.draft["nodes"]] == ["end"]
    assert script.draft["start"] == "end"
    assert graph.problems(script.draft) == []
    assert services.current_version(script) is None


def test_a_name_taken_in_any_case_is_refused(script, head):
    with pytest.raises(ValidationError) as e:
        services.script_create(by=head, name="напоминание  об оплате", purpose="debt")
    assert e.value.message_dict == {"name": ["A script with this name already exists."]}


def test_a_step_gets_an_id_from_its_title_unique_in_the_draft(script, head):
    assert add(script, head, "say", "Приветствие", text="Здравствуйте, {addressed}!") == (
        "privetstvie"
    )
    assert add(script, head, "say", "Приветствие!") == "privetstvie-2"
    assert add(script, head, "end", "Итог", outcome="done") == "itog"
    assert [n["id"] for n in draft_of(script)["nodes"]] == [
        "end",
        "privetstvie",
        "privetstvie-2",
        "itog",
    ]


def test_a_draft_is_saved_though_its_graph_is_not_whole(script, head):
    step = add(script, head, "ask", "Удобно говорить?")
    assert graph.node(draft_of(script), step)["answers"] == []
    assert ("udobno-govorit", "A question needs answers to choose from.") in [
        (p.node, p.message) for p in graph.problems(script.draft)
    ]


def test_a_step_keeps_its_id_and_kind_when_edited(script, head, expensive):
    step = add(script, head, "say", "Приветствие")
    services.script_draft_step_save(
        script=script,
        by=head,
        step=step,
        kind="end",
        title="Добрый день",
        text="Добрый день, {addressed}!",
        next="end",
        objections=["expensive"],
    )
    node = graph.node(draft_of(script), "privetstvie")
    assert node == {
        "id": "privetstvie",
        "kind": "say",
        "title": "Добрый день",
        "text": "Добрый день, {addressed}!",
        "next": "end",
        "objections": ["expensive"],
    }


@pytest.mark.parametrize(
    "kind, fields, errors",
    [
        ("say", {"title": " "}, {"title": ["Give the step a title."]}),
        ("say", {"title": "end of the call"}, {"title": ["Another step has this title."]}),
        ("say", {"text": "Ваш {bonus}"}, {"text": ["Unknown placeholders: {bonus}."]}),
        ("say", {"next": "nowhere"}, {"next": ["The next step “nowhere” does not exist."]}),
        (
            "ask",
            {"answers": [{"label": "Да", "next": "end"}, {"label": "да", "next": "end"}]},
            {"answers": ["Two answers have the same words."]},
        ),
        (
            "ask",
            {"answers": [{"label": "", "next": "end"}]},
            {"answers": ["Every answer needs its words."]},
        ),
        (
            "end",
            {"outcome": "Обещал"},
            {
                "outcome": [
                    "An end records an outcome code: lower-case Latin letters, digits, - and _."
                ]
            },
        ),
        (
            "end",
            {"outcome": "x", "action": "sales.order"},
            {"action": ["No block offers the action “sales.order”."]},
        ),
        (
            "end",
            {"outcome": "x", "message": "unpaid"},
            {"message": ["There is no message template with the code “unpaid”."]},
        ),
        (
            "say",
            {"objections": ["cheap"]},
            {"objections": ["There is no objection with the code “cheap”."]},
        ),
    ],
)
def test_bad_input_is_refused_and_changes_nothing(script, head, kind, fields, errors):
    before = draft_of(script)
    with pytest.raises(ValidationError) as e:
        add(script, head, kind, **{"title": "Шаг", **fields})
    assert e.value.message_dict == errors
    assert draft_of(script) == before


def test_an_end_names_an_action_a_template_and_objections(script, head, expensive):
    MessageTemplateFactory(code="paid")
    step = add(
        script,
        head,
        "end",
        "Отказ",
        outcome="opt-out",
        success=False,
        action="comms.opt_out",
        message="paid",
        objections=["expensive"],
    )
    assert graph.node(draft_of(script), step) == {
        "id": "otkaz",
        "kind": "end",
        "title": "Отказ",
        "text": "",
        "outcome": "opt-out",
        "success": False,
        "action": "comms.opt_out",
        "message": "paid",
        "objections": ["expensive"],
    }


def test_a_step_others_lead_to_is_not_deleted(script, head):
    add(script, head, "say", "Приветствие", next="end")
    services.script_draft_start(script=script, by=head, step="privetstvie")
    with pytest.raises(ValidationError) as e:
        services.script_draft_step_delete(script=script, by=head, step="end")
    assert e.value.messages == [
        "Steps lead to this one: “Приветствие”. Make them lead elsewhere first."
    ]
    assert len(draft_of(script)["nodes"]) == 2


def test_the_start_step_is_not_deleted(script, head):
    with pytest.raises(ValidationError):
        services.script_draft_step_delete(script=script, by=head, step="end")
    assert len(draft_of(script)["nodes"]) == 1


def test_a_step_nothing_leads_to_is_deleted(script, head):
    add(script, head, "say", "Лишний", next="end")
    services.script_draft_step_delete(script=script, by=head, step="lishniy")
    assert [n["id"] for n in draft_of(script)["nodes"]] == ["end"]


def test_steps_move_up_and_down(script, head):
    add(script, head, "say", "A", next="end")
    add(script, head, "say", "B", next="end")
    services.script_draft_step_move(script=script, by=head, step="b", offset=-1)
    assert [n["id"] for n in draft_of(script)["nodes"]] == ["end", "b", "a"]
    services.script_draft_step_move(script=script, by=head, step="end", offset=-1)
    assert [n["id"] for n in draft_of(script)["nodes"]] == ["end", "b", "a"]


def test_the_start_is_a_step_of_the_draft(script, head):
    with pytest.raises(ValidationError):
        services.script_draft_start(script=script, by=head, step="nowhere")
    assert draft_of(script)["start"] == "end"


def test_publishing_makes_numbered_versions_of_a_changed_draft(script, head):
    first = services.script_publish(script=script, by=head, note="  Первая  ")
    assert (first.number, first.note, first.published_by, first.graph) == (
        1,
        "Первая",
        head,
        script.draft,
    )
    with pytest.raises(ValidationError) as e:
        services.script_publish(script=script, by=head)
    assert e.value.messages == ["The draft is the same as version 1: there is nothing to publish."]
    add(script, head, "say", "Приветствие", text="Добрый день!", next="end")
    services.script_draft_start(script=script, by=head, step="privetstvie")
    second = services.script_publish(script=script, by=head)
    assert second.number == 2 and services.current_version(script) == second
    draft_of(script)
    assert services.draft_differs(script, second) is False


def test_a_draft_with_problems_is_not_published(script, head):
    add(script, head, "say", "Приветствие", text="Добрый день!")
    services.script_draft_start(script=script, by=head, step="privetstvie")
    with pytest.raises(ValidationError) as e:
        services.script_publish(script=script, by=head)
    assert e.value.messages == [
        "Приветствие: Choose the step that follows; a call that stops here needs an end.",
        "End of the call: No path from the start leads to this step.",
        "Приветствие: From this step no path leads to an end with an outcome.",
    ]
    assert not ScriptVersion.objects.exists()


def test_a_deleted_script_is_not_found(script, head):
    Script.objects.filter(pk=script.pk).delete()
    with pytest.raises(Script.DoesNotExist):
        add(script, head, "say", "Приветствие")
