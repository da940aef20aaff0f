"""A call script's graph, as it is stored (Script.draft, ScriptVersion.graph), and its checks.

The graph is plain JSON, so a version can be kept as it was and compared, and the editor never
shows it to anyone:

    {"start": "greeting",
     "nodes": [
        {"id": "greeting", "kind": "say", "title": "Greeting",
         "text": "Good afternoon, {addressed}! …", "next": "convenient",
         "objections": ["no-time"]},
        {"id": "convenient", "kind": "ask", "title": "Convenient to talk?", "text": "…",
         "answers": [{"label": "Yes", "next": "offer"}, {"label": "No", "next": "later"}]},
        {"id": "promise", "kind": "end", "title": "Promised to pay", "text": "…",
         "outcome": "promise", "success": true, "action": "", "message": "payment_due"},
     ]}

A node says a text and goes on (`say`), asks a question whose answers lead on (`ask`), puts a
survey's questions to the subscriber and goes on (`survey`: {"survey": its code, "next": …},
the answers recorded as the survey's response by call), or ends the call with an outcome
(`end`): a result code, whether it ended well, an action another block
registered (comms.outcomes: make a promise to pay, an application…) and an SMS template to send
after the call. Any node links the objections the operator may meet there (comms.Objection
codes). Texts name placeholders (comms.placeholders) the player fills from the subscriber.

`problems()` finds what makes a graph unfit to publish: a node nobody reaches, a node with no
way to an end (a dead end, or a loop with no exit), a missing or unknown target, an unknown
placeholder, objection, action or template."""

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from . import placeholders

SAY, ASK, SURVEY, END = "say", "ask", "survey", "end"
KINDS = (SAY, ASK, SURVEY, END)
NODE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
OUTCOME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


@dataclass(frozen=True)
class Problem:
    node: str  # the node's id, "" for the graph as a whole
    message: str

    def __str__(self) -> str:
        return f"{self.node}: {self.message}" if self.node else self.message


def nodes(graph: dict) -> list[dict]:
    return [n for n in graph.get("nodes") or [] if isinstance(n, dict)]


def node(graph: dict, node_id: str) -> dict | None:
    return next((n for n in nodes(graph) if n.get("id") == node_id), None)


def targets(n: dict) -> list[str]:
    """Where a node leads: its `next`, or its answers' targets, in order."""
    if n.get("kind") == ASK:
        return [a.get("next") or "" for a in n.get("answers") or []]
    if n.get("kind") == END:
        return []
    return [n.get("next") or ""]


def reachable(graph: dict) -> set[str]:
    ids = {n.get("id") for n in nodes(graph)}
    start = graph.get("start")
    if start not in ids:
        return set()
    by_id = {n["id"]: n for n in nodes(graph)}
    seen, todo = {start}, deque([start])
    while todo:
        for target in targets(by_id[todo.popleft()]):
            if target in ids and target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def finishing(graph: dict) -> set[str]:
    """The nodes from which some path reaches an end."""
    by_id = {n.get("id"): n for n in nodes(graph)}
    leads_to: dict[str, set[str]] = {}
    for n in by_id.values():
        for target in targets(n):
            leads_to.setdefault(target, set()).add(n.get("id"))
    done = {i for i, n in by_id.items() if n.get("kind") == END}
    todo = deque(done)
    while todo:
        for source in leads_to.get(todo.popleft(), ()):
            if source not in done:
                done.add(source)
                todo.append(source)
    return done


def outcomes(graph: dict) -> list[dict]:
    """The end nodes, in the graph's order: what a call with this script can come to."""
    return [n for n in nodes(graph) if n.get("kind") == END]


def texts(n: dict) -> Iterable[str]:
    yield n.get("text") or ""
    for answer in n.get("answers") or []:
        yield answer.get("label") or ""


def problems(
    graph: dict,
    *,
    objections: set[str] | None = None,
    actions: set[str] | None = None,
    templates: set[str] | None = None,
    surveys: set[str] | None = None,
) -> list[Problem]:
    """Everything that stops the graph from being published, node by node. The known
    objection codes, action codes and template codes are read from the database and the
    registry unless given."""
    if objections is None or templates is None or actions is None:
        from . import outcomes as outcome_actions
        from .models import MessageTemplate, Objection

        if objections is None:
            objections = set(Objection.objects.values_list("code", flat=True))
        if templates is None:
            templates = set(
                MessageTemplate.objects.exclude(code=None).values_list("code", flat=True)
            )
        if actions is None:
            actions = {a.code for a in outcome_actions.registered()}
    if surveys is None:
        from .models import Survey

        surveys = set(Survey.objects.values_list("code", flat=True))
    found: list[Problem] = []
    all_nodes = nodes(graph)
    if not all_nodes:
        return [Problem("", _("The script has no steps."))]
    ids: list[str] = [n.get("id") or "" for n in all_nodes]
    for i in sorted({i for i in ids if ids.count(i) > 1}):
        found.append(Problem(i, _("Two steps have this code.")))
    known = set(ids)
    if graph.get("start") not in known:
        found.append(Problem("", _("Choose the step the call starts with.")))
    for n in all_nodes:
        found.extend(
            Problem(n.get("id") or "", m)
            for m in _node_problems(
                n,
                known,
                objections=objections,
                actions=actions,
                templates=templates,
                surveys=surveys,
            )
        )
    if not any(p.node == "" for p in found):
        seen, finish = reachable(graph), finishing(graph)
        for i in ids:
            if i not in seen:
                found.append(Problem(i, _("No path from the start leads to this step.")))
            elif i not in finish:
                found.append(
                    Problem(i, _("From this step no path leads to an end with an outcome."))
                )
    return found


def _node_problems(
    n: dict, known: set[str], *, objections, actions, templates, surveys
) -> list[str]:
    found: list[str] = []
    if not NODE_ID.match(n.get("id") or ""):
        found.append(_("A step's code is lower-case Latin letters, digits, - and _."))
    kind = n.get("kind")
    if kind not in KINDS:
        return found + [_("A step says, asks, puts a survey or ends the call.")]
    if not (n.get("title") or "").strip():
        found.append(_("Give the step a title."))
    for text in texts(n):
        try:
            placeholders.check(text)
        except placeholders.TextError as e:
            found.append(str(e))
    if kind == SURVEY and n.get("survey") not in surveys:
        found.append(_("Choose the survey whose questions the operator puts."))
    if kind in (SAY, SURVEY):
        if kind == SAY and not (n.get("text") or "").strip():
            found.append(_("Write what the operator says."))
        if not n.get("next"):
            found.append(_("Choose the step that follows; a call that stops here needs an end."))
        elif n["next"] not in known:
            found.append(_("The next step “%(id)s” does not exist.") % {"id": n["next"]})
    elif kind == ASK:
        answers = n.get("answers") or []
        if len(answers) < 1:
            found.append(_("A question needs answers to choose from."))
        labels = [(a.get("label") or "").strip() for a in answers]
        if any(not label for label in labels):
            found.append(_("Every answer needs its words."))
        if len(set(labels)) < len(labels):
            found.append(_("Two answers have the same words."))
        for answer in answers:
            target = answer.get("next")
            if not target:
                found.append(
                    _("Choose where the answer “%(label)s” leads.")
                    % {"label": answer.get("label") or ""}
                )
            elif target not in known:
                found.append(_("The next step “%(id)s” does not exist.") % {"id": target})
    else:
        if not OUTCOME.match(n.get("outcome") or ""):
            found.append(
                _("An end records an outcome code: lower-case Latin letters, digits, - and _.")
            )
        if n.get("action") and n["action"] not in actions:
            found.append(_("No block offers the action “%(code)s”.") % {"code": n["action"]})
        if n.get("message") and n["message"] not in templates:
            found.append(
                _("There is no message template with the code “%(code)s”.") % {"code": n["message"]}
            )
    for code in n.get("objections") or []:
        if code not in objections:
            found.append(_("There is no objection with the code “%(code)s”.") % {"code": code})
    return found


def check(graph: dict, **known) -> None:
    """ValidationError listing every problem, for a graph about to be published."""
    found = problems(graph, **known)
    if found:
        raise ValidationError([str(p) for p in found])
