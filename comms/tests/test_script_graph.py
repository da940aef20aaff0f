"""The checks a script's graph passes before it is published (comms.graph): each problem found
on the step it belongs to, and a whole graph found fit."""

import pytest
from django.core.exceptions import ValidationError

from comms import graph

KNOWN = {
    "objections": {"expensive"},
    "actions": {"comms.opt_out"},
    "templates": {"paid"},
    "surveys": {"nps"},
}


def say(node_id, next_="", **more):
    return {
        "id": node_id,
        "kind": "say",
        "title": node_id.title(),
        "text": "Hi",
        "next": next_,
    } | more


def ask(node_id, *answers, **more):
    return {
        "id": node_id,
        "kind": "ask",
        "title": node_id.title(),
        "text": "Well?",
        "answers": [{"label": label, "next": target} for label, target in answers],
    } | more


def end(node_id, **more):
    return {"id": node_id, "kind": "end", "title": node_id.title(), "outcome": node_id} | more


def whole():
    return {
        "start": "hello",
        "nodes": [
            say("hello", "convenient", objections=["expensive"]),
            ask("convenient", ("Yes", "promise"), ("No", "later")),
            end("promise", success=True, action="comms.opt_out", message="paid"),
            end("later"),
        ],
    }


def problems_of(script_graph) -> list[tuple[str, str]]:
    return [(p.node, p.message) for p in graph.problems(script_graph, **KNOWN)]


def test_a_whole_graph_has_no_problems():
    assert problems_of(whole()) == []
    graph.check(whole(), **KNOWN)


def test_it_finds_a_step_nobody_reaches():
    g = whole()
    g["nodes"].append(end("orphan"))
    assert problems_of(g) == [("orphan", "No path from the start leads to this step.")]


def test_it_finds_a_dead_end():
    g = whole()
    g["nodes"][1]["answers"].append({"label": "Maybe", "next": "dead"})
    g["nodes"].append(say("dead", "dead-2"))
    g["nodes"].append(ask("dead-2"))
    found = problems_of(g)
    assert ("dead-2", "A question needs answers to choose from.") in found
    g["nodes"][-1] = ask("dead-2", ("Again", "dead"))
    assert problems_of(g) == [
        ("dead", "From this step no path leads to an end with an outcome."),
        ("dead-2", "From this step no path leads to an end with an outcome."),
    ]


def test_it_finds_a_loop_without_an_exit():
    g = whole()
    g["nodes"][1]["answers"].append({"label": "Maybe", "next": "loop"})
    g["nodes"].append(say("loop", "loop"))
    assert problems_of(g) == [("loop", "From this step no path leads to an end with an outcome.")]


def test_a_loop_with_an_exit_is_fine():
    g = whole()
    g["nodes"][1]["answers"].append({"label": "Pardon?", "next": "convenient"})
    assert problems_of(g) == []


def test_it_finds_an_unknown_placeholder():
    g = whole()
    g["nodes"][0]["text"] = "Hello, {addressed}! Your {bonus} waits."
    assert problems_of(g) == [("hello", "Unknown placeholders: {bonus}.")]


def test_it_finds_a_placeholder_in_an_answer_too():
    g = whole()
    g["nodes"][1]["answers"][0]["label"] = "Yes, {bonus}"
    assert problems_of(g) == [("convenient", "Unknown placeholders: {bonus}.")]


def test_it_finds_a_missing_target():
    g = whole()
    g["nodes"][0]["next"] = "nowhere"
    assert ("hello", "The next step “nowhere” does not exist.") in problems_of(g)
    g["nodes"][0]["next"] = ""
    assert (
        "hello",
        "Choose the step that follows; a call that stops here needs an end.",
    ) in problems_of(g)


def test_it_finds_an_answer_that_leads_nowhere():
    g = whole()
    g["nodes"][1]["answers"][0]["next"] = ""
    assert ("convenient", "Choose where the answer “Yes” leads.") in problems_of(g)


@pytest.mark.parametrize(
    "where, value, message",
    [
        (0, {"objections": ["cheap"]}, "There is no objection with the code “cheap”."),
        (2, {"action": "sales.order"}, "No block offers the action “sales.order”."),
        (2, {"message": "unpaid"}, "There is no message template with the code “unpaid”."),
    ],
)
def test_it_finds_an_unknown_code(where, value, message):
    g = whole()
    g["nodes"][where].update(value)
    assert problems_of(g) == [(g["nodes"][where]["id"], message)]


def test_it_finds_two_steps_with_one_id():
    g = whole()
    g["nodes"].append(end("later"))
    assert ("later", "Two steps have this code.") in problems_of(g)


def test_it_finds_an_ask_without_answers():
    g = whole()
    g["nodes"][1]["answers"] = []
    assert ("convenient", "A question needs answers to choose from.") in problems_of(g)


def test_it_finds_an_end_without_an_outcome_and_no_start():
    g = whole()
    g["nodes"][3]["outcome"] = ""
    g["start"] = ""
    found = problems_of(g)
    assert ("", "Choose the step the call starts with.") in found
    assert (
        "later",
        "An end records an outcome code: lower-case Latin letters, digits, - and _.",
    ) in found


def test_an_empty_graph_has_no_steps():
    assert problems_of({}) == [("", "The script has no steps.")]


def test_check_lists_every_problem():
    g = whole()
    g["nodes"][0]["objections"] = ["cheap"]
    g["nodes"].append(end("orphan"))
    with pytest.raises(ValidationError) as e:
        graph.check(g, **KNOWN)
    assert e.value.messages == [
        "hello: There is no objection with the code “cheap”.",
        "orphan: No path from the start leads to this step.",
    ]


def test_a_survey_step_names_a_known_survey_and_goes_on():
    g = whole()
    g["nodes"][0] = {**g["nodes"][0], "kind": "survey", "survey": "nps", "text": ""}
    assert problems_of(g) == []
    g["nodes"][0]["survey"] = "tv"
    assert [m for _n, m in problems_of(g)] == [
        "Choose the survey whose questions the operator puts."
    ]
    g["nodes"][0] = {**g["nodes"][0], "survey": "nps", "next": ""}
    assert problems_of(g)[0][0] == g["nodes"][0]["id"]
