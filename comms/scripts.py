"""Call scripts in the web: the writes of the script editor (a new script, its properties, the
draft edited step by step, publishing a version) and the reads (the current version, a graph
laid out as a readable flow, one step of a walk through it).

The draft is saved whether or not its graph is whole (a step is added before the step it leads
to exists); only publishing requires comms.graph.check(). Each write locks the script's row, so
two editors never overwrite each other's steps and a publish sent twice makes one version."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import code_from

from . import graph, outcomes, placeholders
from .models import MessageTemplate, Objection, Purpose, Script, ScriptVersion, Survey

KIND_LABELS: dict[str, Promise] = {
    graph.SAY: gettext_lazy("Says"),
    graph.ASK: gettext_lazy("Asks"),
    graph.SURVEY: gettext_lazy("Puts a survey"),
    graph.END: gettext_lazy("Ends the call"),
}
PROPERTIES = ("name", "number", "purpose", "description", "active")


# -- queries ---------------------------------------------------------------------------------
def current_version(script: Script) -> ScriptVersion | None:
    """The version calls are made with: the last one published."""
    return script.versions.order_by("-number").first()


def draft_differs(script: Script, version: ScriptVersion | None) -> bool:
    return version is None or script.draft != version.graph


def versions(script: Script):
    return script.versions.select_related("published_by").order_by("-number")


@dataclass(frozen=True)
class Link:
    """Where a step leads: the target's id and title ("" when no such step exists)."""

    id: str
    title: str

    @property
    def missing(self) -> bool:
        return not self.title


@dataclass(frozen=True)
class ObjectionLink:
    code: str
    text: str  # "" when the book has no such objection
    answers: tuple[str, ...] = ()
    needs_review: bool = False  # a shipped answer not yet adapted: not to be read out unchecked


@dataclass
class FlowStep:
    id: str
    kind: str
    kind_label: str
    title: str
    text: str
    start: bool
    next: Link | None = None
    answers: list[tuple[str, Link]] = field(default_factory=list)
    objections: list[ObjectionLink] = field(default_factory=list)
    outcome: str = ""
    success: bool = False
    action: str = ""
    action_label: str = ""
    message: str = ""
    message_name: str = ""
    survey: str = ""
    survey_name: str = ""
    problems: list[str] = field(default_factory=list)


def _link(target: str, titles: dict[str, str]) -> Link | None:
    if not target:
        return None
    return Link(target, titles.get(target, ""))


def flow(
    script_graph: dict, *, problems: list[graph.Problem] | None = None, answers: bool = False
) -> list[FlowStep]:
    """The graph's steps in order, each with its targets' titles, its objections' texts (and
    their answers when `answers`), its action's and template's names and its problems: two
    queries at most, whatever the size of the graph."""
    all_nodes = graph.nodes(script_graph)
    titles = {n.get("id") or "": n.get("title") or n.get("id") or "" for n in all_nodes}
    codes = {code for n in all_nodes for code in n.get("objections") or []}
    objections = _objections(codes, answers=answers)
    template_codes = {n["message"] for n in all_nodes if n.get("message")}
    templates = dict(
        MessageTemplate.objects.filter(code__in=template_codes).values_list("code", "name")
        if template_codes
        else ()
    )
    survey_codes = {n["survey"] for n in all_nodes if n.get("survey")}
    surveys = dict(
        Survey.objects.filter(code__in=survey_codes).values_list("code", "name")
        if survey_codes
        else ()
    )
    steps = []
    for n in all_nodes:
        node_id = n.get("id") or ""
        action = outcomes.get(n.get("action") or "")
        steps.append(
            FlowStep(
                id=node_id,
                kind=n.get("kind") or "",
                kind_label=str(KIND_LABELS.get(n.get("kind"), n.get("kind") or "")),
                title=n.get("title") or "",
                text=n.get("text") or "",
                start=node_id == script_graph.get("start"),
                next=_link(n.get("next") or "", titles)
                if n.get("kind") in (graph.SAY, graph.SURVEY)
                else None,
                answers=[
                    (a.get("label") or "", _link(a.get("next") or "", titles))
                    for a in n.get("answers") or []
                ]
                if n.get("kind") == graph.ASK
                else [],
                objections=[
                    objections.get(code, ObjectionLink(code, ""))
                    for code in n.get("objections") or []
                ],
                outcome=n.get("outcome") or "",
                success=bool(n.get("success")),
                action=n.get("action") or "",
                action_label=str(action.label) if action else "",
                message=n.get("message") or "",
                message_name=templates.get(n.get("message") or "", ""),
                survey=n.get("survey") or "",
                survey_name=surveys.get(n.get("survey") or "", ""),
                problems=[p.message for p in problems or [] if p.node and p.node == node_id],
            )
        )
    return steps


def _objections(codes: set[str], *, answers: bool) -> dict[str, ObjectionLink]:
    if not codes:
        return {}
    rows = Objection.objects.filter(code__in=codes)
    if answers:
        rows = rows.prefetch_related("answers")
    return {
        o.code: ObjectionLink(
            o.code,
            o.text,
            tuple(a.text for a in o.answers.all()) if answers else (),
            o.needs_review,
        )
        for o in rows
    }


@dataclass
class WalkStep:
    """A step of a walk through a graph as the operator sees it in a call: the text with the
    placeholders filled, the answers to choose from."""

    step: FlowStep
    text: str
    error: str
    answers: list[tuple[str, Link | None]]


def _filled(text: str, subscriber) -> tuple[str, str]:
    try:
        return placeholders.render(text, subscriber, sample=True), ""
    except placeholders.TextError as e:
        return text, str(e)


def walk_step(script_graph: dict, step_id: str, *, subscriber=None) -> WalkStep | None:
    """The step `step_id` of the graph, filled for the subscriber (samples where none, or where
    the value is one the caller gives), or None when there is no such step."""
    steps = [s for s in flow(script_graph, answers=True) if s.id == step_id]
    if not steps:
        return None
    step = steps[0]
    text, error = _filled(step.text, subscriber)
    answers = []
    for label, target in step.answers:
        shown, label_error = _filled(label, subscriber)
        error = error or label_error
        answers.append((shown, target))
    return WalkStep(step=step, text=text, error=error, answers=answers)


# -- the script's properties -----------------------------------------------------------------
def new_draft() -> dict:
    """A new script's draft: one end step, so that it is whole from the start."""
    return {
        "start": "end",
        "nodes": [
            {
                "id": "end",
                "kind": graph.END,
                "title": _("End of the call"),
                "text": "",
                "outcome": "done",
                "success": True,
                "action": "",
                "message": "",
                "objections": [],
            }
        ],
    }


def _name_taken(name: str, *, exclude: int | None) -> bool:
    key = name.casefold()  # in Python: SQLite folds only ASCII letters itself
    names = Script.objects.exclude(pk=exclude).values_list("name", flat=True)
    return any(other.casefold() == key for other in names)


def script_clean(fields: dict, *, exclude: int | None = None) -> dict:
    """The script's properties tidied, or ValidationError by field."""
    fields = {
        "name": " ".join(str(fields.get("name") or "").split()),
        "number": str(fields.get("number") or "").strip(),
        "purpose": fields.get("purpose") or "",
        "description": str(fields.get("description") or "").strip(),
        "active": bool(fields.get("active")),
    }
    errors: dict[str, str] = {}
    if not fields["name"]:
        errors["name"] = _("Give the script a name.")
    elif len(fields["name"]) > Script._meta.get_field("name").max_length:
        errors["name"] = _("The name is too long.")
    elif _name_taken(fields["name"], exclude=exclude):
        errors["name"] = _("A script with this name already exists.")
    if len(fields["number"]) > Script._meta.get_field("number").max_length:
        errors["number"] = _("The number is too long.")
    if fields["purpose"] not in Purpose.values:
        errors["purpose"] = _("Choose what the script is for.")
    if errors:
        raise ValidationError(errors)
    return fields


def _saved(script: Script) -> Script:
    """Save in a savepoint: the same name saved meanwhile by another request is the same error
    as one taken before."""
    try:
        with transaction.atomic():
            script.save()
    except IntegrityError:
        if _name_taken(script.name, exclude=script.pk):
            raise ValidationError({"name": _("A script with this name already exists.")}) from None
        raise
    return script


@transaction.atomic
def script_create(
    *,
    by,
    name: str,
    purpose: str,
    number: str = "",
    description: str = "",
    active: bool = True,
    code: str | None = None,
) -> Script:
    fields = script_clean(
        {
            "name": name,
            "number": number,
            "purpose": purpose,
            "description": description,
            "active": active,
        }
    )
    return _saved(Script(code=code, draft=new_draft(), **fields))


def _locked(script: Script) -> Script:
    return Script.objects.select_for_update().get(pk=script.pk)


@transaction.atomic
def script_update(*, script: Script, by, **fields) -> Script:
    locked = _locked(script)
    for name, value in script_clean(fields, exclude=script.pk).items():
        setattr(locked, name, value)
    return _saved(locked)


# -- the draft, step by step -----------------------------------------------------------------
def _step(draft: dict, step: str) -> dict:
    found = graph.node(draft, step)
    if found is None:
        raise ValidationError(_("The draft has no step “%(id)s”.") % {"id": step})
    return found


def _draft_save(script: Script, draft: dict) -> None:
    script.draft = draft
    script.save(update_fields=["draft", "updated_at"])


def _text_errors(text: str) -> list[str]:
    try:
        placeholders.check(text)
    except placeholders.TextError as e:
        return [str(e)]
    return []


@transaction.atomic
def script_draft_step_save(
    *,
    script: Script,
    by,
    step: str | None = None,
    kind: str | None = None,
    title: str,
    text: str = "",
    next: str = "",  # noqa: A002 — the graph's own word
    answers: list[dict] | tuple = (),
    objections: list[str] | tuple = (),
    outcome: str = "",
    success: bool = False,
    action: str = "",
    message: str = "",
    survey: str = "",
) -> str:
    """Add a step (`step` None, of `kind`) or change the step `step` of the draft; returns its
    id. A new step's id is made from its title; a step keeps its id and its kind for good.
    Targets must be steps of the draft, and codes known; the graph need not be whole yet."""
    locked = _locked(script)
    draft = {"start": locked.draft.get("start") or "", "nodes": list(graph.nodes(locked.draft))}
    existing = _step(draft, step) if step is not None else None
    kind = existing["kind"] if existing else kind
    if kind not in graph.KINDS:
        raise ValidationError({"kind": _("A step says, asks or ends the call.")})
    ids = {n.get("id") for n in draft["nodes"]}
    errors: dict[str, list[str]] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = " ".join(title.split())
    if not title:
        error("title", _("Give the step a title."))
    elif any(
        (n.get("title") or "").casefold() == title.casefold()
        for n in draft["nodes"]
        if n is not existing
    ):
        error("title", _("Another step has this title."))
    text = text.strip()
    for message_text in _text_errors(text):
        error("text", message_text)
    node: dict = {"id": existing["id"] if existing else "", "kind": kind, "title": title}
    node["text"] = text
    if kind in (graph.SAY, graph.SURVEY):
        if next and next not in ids:
            error("next", _("The next step “%(id)s” does not exist.") % {"id": next})
        node["next"] = next
        if kind == graph.SURVEY:
            if not Survey.objects.filter(code=survey).exists():
                error("survey", _("Choose the survey whose questions the operator puts."))
            node["survey"] = survey
    elif kind == graph.ASK:
        cleaned = []
        for answer in answers:
            label = " ".join((answer.get("label") or "").split())
            target = answer.get("next") or ""
            if not label:
                if target:
                    error("answers", _("Every answer needs its words."))
                continue
            for message_text in _text_errors(label):
                error("answers", message_text)
            if target and target not in ids:
                error("answers", _("The next step “%(id)s” does not exist.") % {"id": target})
            cleaned.append({"label": label, "next": target})
        labels = [a["label"].casefold() for a in cleaned]
        if len(set(labels)) < len(labels):
            error("answers", _("Two answers have the same words."))
        node["answers"] = cleaned
    else:
        outcome = outcome.strip()
        if not graph.OUTCOME.match(outcome):
            error(
                "outcome",
                _("An end records an outcome code: lower-case Latin letters, digits, - and _."),
            )
        if action and outcomes.get(action) is None:
            error("action", _("No block offers the action “%(code)s”.") % {"code": action})
        if message and not MessageTemplate.objects.filter(code=message).exists():
            error(
                "message",
                _("There is no message template with the code “%(code)s”.") % {"code": message},
            )
        node.update(outcome=outcome, success=bool(success), action=action, message=message)
    objections = list(dict.fromkeys(objections))
    known = set(Objection.objects.filter(code__in=objections).values_list("code", flat=True))
    for code in objections:
        if code not in known:
            error(
                "objections", _("There is no objection with the code “%(code)s”.") % {"code": code}
            )
    node["objections"] = objections
    if errors:
        raise ValidationError(errors)
    if existing is None:
        node["id"] = code_from(title, ids, fallback=kind)
        draft["nodes"].append(node)
        if draft["start"] not in ids:
            draft["start"] = node["id"]
    else:
        draft["nodes"] = [node if n is existing else n for n in draft["nodes"]]
    _draft_save(locked, draft)
    return node["id"]


@transaction.atomic
def script_draft_step_delete(*, script: Script, by, step: str) -> None:
    """Delete a step nothing leads to and the call does not start with."""
    locked = _locked(script)
    draft = {"start": locked.draft.get("start") or "", "nodes": list(graph.nodes(locked.draft))}
    gone = _step(draft, step)
    if draft["start"] == step:
        raise ValidationError(
            _("The call starts with this step: choose another step to start with first.")
        )
    sources = [
        n.get("title") or n.get("id")
        for n in draft["nodes"]
        if n is not gone and step in graph.targets(n)
    ]
    if sources:
        raise ValidationError(
            _("Steps lead to this one: %(titles)s. Make them lead elsewhere first.")
            % {"titles": ", ".join(f"“{t}”" for t in sources)}
        )
    draft["nodes"] = [n for n in draft["nodes"] if n is not gone]
    _draft_save(locked, draft)


@transaction.atomic
def script_draft_step_move(*, script: Script, by, step: str, offset: int) -> None:
    """Move a step up (-1) or down (+1) in the draft's order: the order it is read in."""
    locked = _locked(script)
    draft = {"start": locked.draft.get("start") or "", "nodes": list(graph.nodes(locked.draft))}
    moved = _step(draft, step)
    at = draft["nodes"].index(moved)
    to = max(0, min(len(draft["nodes"]) - 1, at + offset))
    draft["nodes"].insert(to, draft["nodes"].pop(at))
    _draft_save(locked, draft)


@transaction.atomic
def script_draft_start(*, script: Script, by, step: str) -> None:
    """Choose the step the call starts with."""
    locked = _locked(script)
    draft = {"start": step, "nodes": list(graph.nodes(locked.draft))}
    _step(draft, step)
    _draft_save(locked, draft)


# -- publishing ------------------------------------------------------------------------------
@transaction.atomic
def script_publish(*, script: Script, by, note: str = "") -> ScriptVersion:
    """The draft as the next version, once it passes the graph's checks; a draft the same as
    the current version is refused (a publish sent twice makes one version)."""
    locked = _locked(script)
    draft = locked.draft
    found = graph.problems(draft)  # graph.check(), but naming steps by title, as the editor does
    if found:
        titles = {n.get("id"): n.get("title") or n.get("id") for n in graph.nodes(draft)}
        raise ValidationError(
            [f"{titles.get(p.node, p.node)}: {p.message}" if p.node else p.message for p in found]
        )
    current = current_version(locked)
    if current is not None and current.graph == draft:
        raise ValidationError(
            _("The draft is the same as version %(number)s: there is nothing to publish.")
            % {"number": current.number}
        )
    note = " ".join(note.split())
    max_note = ScriptVersion._meta.get_field("note").max_length
    if len(note) > max_note:
        raise ValidationError({"note": _("At most %(count)s characters.") % {"count": max_note}})
    try:
        with transaction.atomic():
            version = ScriptVersion.objects.create(
                script=locked,
                number=(current.number if current else 0) + 1,
                graph=draft,
                note=note,
                published_by=by,
            )
    except IntegrityError:  # published meanwhile (SQLite locks no row)
        raise ValidationError(_("This version is already published.")) from None
    if locked.needs_review:  # the operator's own version of a shipped script's promises
        locked.needs_review = False
        locked._history_user = by
        locked.save(update_fields=["needs_review"])
        script.needs_review = False
    return version
