"""The shipped call scripts and objection book: every graph fit to publish in both languages,
the two languages one graph, installed once with the operator's edits kept."""

import re

import pytest

from comms import graph, outcomes, placeholders
from comms.models import Objection, ObjectionAnswer, ObjectionCategory, Script, ScriptVersion
from comms.services import standard_install
from comms.standard import standard_templates
from comms.standard_scripts import (
    objections_install,
    scripts_install,
    standard_objections,
    standard_scripts,
)
from comms.surveys.standard import standard_surveys

LANGUAGES = ["ru", "en"]
CODES = [
    "installation-reminder",
    "payment-reminder",
    "interview-invitation",
    "qc-upsell",
    "active-debtors",
    "inactive-debtors",
    "advance-payment",
    "inbound-upsell",
    "refer-a-friend",
    "prospects",
    "technician-qc",
    "nps-call",
]
CYRILLIC = re.compile("[а-яё]", re.IGNORECASE)


def objection_codes(language: str) -> set[str]:
    return {o["code"] for c in standard_objections(language) for o in c["objections"]}


def shape(script: dict) -> list[tuple]:
    """What the languages must share: everything but the words."""
    return [
        (
            n["id"],
            n["kind"],
            tuple(graph.targets(n)),
            n.get("outcome"),
            n.get("success"),
            n.get("action"),
            n.get("message"),
            tuple(n["objections"]),
        )
        for n in script["graph"]["nodes"]
    ]


def words(node: dict) -> list[str]:
    return [node["title"], *graph.texts(node)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_script_is_fit_to_publish(language):
    known = {
        "objections": objection_codes(language),
        "templates": {t["code"] for t in standard_templates(language)},
        "actions": {a.code for a in outcomes.registered()},
        "surveys": {s["code"] for s in standard_surveys(language)},
    }
    for script in standard_scripts(language):
        assert graph.problems(script["graph"], **known) == [], script["code"]
        assert 8 <= len(script["graph"]["nodes"]) <= 20, script["code"]
        assert script["name"] and script["description"] and script["number"], script["code"]


def test_the_scripts_are_the_catalog_ones_with_their_numbers():
    scripts = standard_scripts("ru")
    assert [s["code"] for s in scripts] == CODES
    assert [s["number"] for s in scripts] == [
        "2.4.1",
        "2.4.2",
        "2.4.3",
        "2.4.4",
        *(f"3.3.{i}" for i in range(1, 8)),
        "2.5.6",
    ]
    assert len({s["name"] for s in scripts}) == len(scripts)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_script_can_end_well_and_badly(language):
    for script in standard_scripts(language):
        ends = graph.outcomes(script["graph"])
        assert len({e["outcome"] for e in ends}) >= 2, script["code"]
        assert {e["success"] for e in ends} == {True, False}, script["code"]
        assert all(isinstance(e["success"], bool) for e in ends), script["code"]


def test_every_script_branches():
    for script in standard_scripts("ru"):
        asks = [n for n in script["graph"]["nodes"] if n["kind"] == graph.ASK]
        assert any(len(n["answers"]) >= 3 for n in asks), script["code"]
        assert any(n["objections"] for n in script["graph"]["nodes"]), script["code"]


def test_the_actions_are_an_opt_out_on_refusing_offers_and_the_coordinator_s_steps():
    actions = {}
    for script in standard_scripts("en"):
        for end in graph.outcomes(script["graph"]):
            if end["action"]:
                actions.setdefault(end["action"], set()).add(
                    (script["code"], end["outcome"], end["success"])
                )
    assert actions["comms.opt_out"] == {
        ("qc-upsell", "opt-out", False),
        ("inbound-upsell", "opt-out", False),
    }
    # The prospect's call qualifies the application; the reminder records the confirmed visit.
    assert actions["sales.qualify"] == {("prospects", "application", True)}
    assert actions["sales.visit_confirmed"] == {("installation-reminder", "confirmed", True)}
    assert set(actions) == {"comms.opt_out", "sales.qualify", "sales.visit_confirmed"}


def test_the_payment_reminder_asks_first_and_promises_with_the_payment_due_sms():
    script = next(s for s in standard_scripts("en") if s["code"] == "payment-reminder")
    nodes = script["graph"]["nodes"]
    assert [n["id"] for n in nodes[:2]] == ["greeting", "convenient"]
    assert nodes[1]["kind"] == graph.ASK and "good time to talk" in nodes[1]["text"]
    promise = graph.node(script["graph"], "promise")
    assert promise["kind"] == graph.END and promise["success"] is True
    assert (promise["outcome"], promise["message"]) == ("promise", "payment_due")
    assert "payment_due" in {t["code"] for t in standard_templates("en")}
    # Yes, it is me → yes, convenient → will pay → how to pay → the promise.
    path, at = [], graph.node(script["graph"], script["graph"]["start"])
    for label in ("Yes", "Yes", "Will pay by the due date", None):
        path.append(at["id"])
        target = (
            next(a["next"] for a in at["answers"] if a["label"] == label) if label else at["next"]
        )
        at = graph.node(script["graph"], target)
    assert path + [at["id"]] == ["greeting", "convenient", "reminder", "how-to-pay", "promise"]


def test_both_languages_have_the_same_codes_and_graph_shape():
    ru, en = standard_scripts("ru"), standard_scripts("en")
    assert [s["code"] for s in ru] == [s["code"] for s in en]
    for a, b in zip(ru, en, strict=True):
        assert (a["number"], a["purpose"]) == (b["number"], b["purpose"])
        assert a["graph"]["start"] == b["graph"]["start"]
        assert shape(a) == shape(b), a["code"]
    book_ru, book_en = standard_objections("ru"), standard_objections("en")
    assert [c["code"] for c in book_ru] == [c["code"] for c in book_en]
    for a, b in zip(book_ru, book_en, strict=True):
        assert [(o["code"], len(o["answers"])) for o in a["objections"]] == [
            (o["code"], len(o["answers"])) for o in b["objections"]
        ]


def test_each_step_names_the_same_placeholders_in_both_languages():
    for a, b in zip(standard_scripts("ru"), standard_scripts("en"), strict=True):
        for x, y in zip(a["graph"]["nodes"], b["graph"]["nodes"], strict=True):
            for wx, wy in zip(words(x), words(y), strict=True):
                assert sorted(placeholders.names_in(wx)) == sorted(placeholders.names_in(wy)), (
                    a["code"],
                    x["id"],
                )


def test_english_is_english_and_russian_is_russian():
    for script in standard_scripts("en"):
        texts = [script["name"], script["description"]]
        texts += [w for n in script["graph"]["nodes"] for w in words(n)]
        assert not any(CYRILLIC.search(t) for t in texts), script["code"]
    for category in standard_objections("en"):
        for o in category["objections"]:
            for text in [category["name"], o["text"], o["keywords"], *o["answers"]]:
                assert not CYRILLIC.search(text), o["code"]
    for script in standard_scripts("ru"):
        for n in script["graph"]["nodes"]:
            assert CYRILLIC.search(n["title"]) and CYRILLIC.search(n["text"]), n["id"]
    for category in standard_objections("ru"):
        for o in category["objections"]:
            assert all(CYRILLIC.search(t) for t in [o["text"], o["keywords"], *o["answers"]])


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_objection_book_is_full(language):
    book = standard_objections(language)
    assert len(book) >= 8
    objections = [o for c in book for o in c["objections"]]
    assert len(objections) >= 45
    assert all(c["objections"] for c in book)
    codes = [o["code"] for o in objections]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", code) for code in codes)
    for o in objections:
        assert 2 <= len(o["answers"]) <= 3, o["code"]
        assert o["text"] and o["keywords"] and len(o["text"]) <= 250, o["code"]
        assert len(o["keywords"]) <= 250, o["code"]
        assert len(set(o["answers"])) == len(o["answers"]), o["code"]


def test_every_linked_objection_is_in_the_book_and_every_one_is_linked():
    linked = {
        code
        for s in standard_scripts("ru")
        for n in s["graph"]["nodes"]
        for code in n["objections"]
    }
    assert linked == objection_codes("ru")


def test_the_site_language_is_the_default(settings):
    settings.LANGUAGE_CODE = "ru"
    assert standard_scripts()[0]["name"] == "Напоминание о подключении"
    assert standard_objections()[0]["name"] == "Цена"
    settings.LANGUAGE_CODE = "kk"  # no shipped texts: English
    assert standard_scripts()[0]["name"] == "Installation visit reminder"


def test_each_call_gives_a_fresh_copy():
    standard_scripts("ru")[0]["graph"]["nodes"].clear()
    assert standard_scripts("ru")[0]["graph"]["nodes"]


@pytest.mark.django_db
def test_installing_makes_the_book_and_published_scripts_that_pass_the_database_checks():
    from comms.surveys.services import surveys_install

    standard_install(language="ru")
    surveys_install(language="ru")
    objections = sum(len(c["objections"]) for c in standard_objections("ru"))
    assert objections_install(language="ru") == (objections, 0)
    assert scripts_install(language="ru") == (len(CODES), 0)
    assert ObjectionCategory.objects.count() == len(standard_objections("ru"))
    assert ObjectionAnswer.objects.filter(objection__code="too-expensive").count() == 3
    assert Objection.objects.get(code="too-expensive").history.count() == 1
    script = Script.objects.get(code="payment-reminder")
    assert (script.number, script.name, script.purpose) == (
        "2.4.2",
        "Напоминание об оплате",
        "debt",
    )
    version = ScriptVersion.objects.get(script=script)
    assert version.number == 1 and version.graph == script.draft
    for version in ScriptVersion.objects.all():
        assert graph.problems(version.graph) == [], version.script.code


@pytest.mark.django_db
def test_installing_twice_keeps_an_edit_and_makes_nothing_new():
    objections_install(language="en")
    scripts_install(language="en")
    objection = Objection.objects.get(code="too-expensive")
    objection.text = "Too dear"
    objection.save()
    objection.answers.all().delete()
    script = Script.objects.get(code="prospects")
    script.name = "New callers"
    script.draft = {"start": "x", "nodes": []}
    script.save()
    counts = (Objection.objects.count(), ObjectionAnswer.objects.count(), Script.objects.count())
    versions = ScriptVersion.objects.count()
    assert objections_install(language="en") == (0, counts[0])
    assert scripts_install(language="en") == (0, len(CODES))
    assert (Objection.objects.count(), ObjectionAnswer.objects.count()) == counts[:2]
    assert Script.objects.count() == counts[2] and ScriptVersion.objects.count() == versions
    assert Objection.objects.get(code="too-expensive").text == "Too dear"
    script.refresh_from_db()
    assert (script.name, script.draft) == ("New callers", {"start": "x", "nodes": []})


@pytest.mark.django_db
def test_installing_again_brings_back_only_what_was_deleted():
    objections_install(language="en")
    scripts_install(language="en")
    Objection.objects.get(code="scam-suspicion").delete()
    Script.objects.get(code="refer-a-friend").delete()
    total = sum(len(c["objections"]) for c in standard_objections("en"))
    assert objections_install(language="en") == (1, total - 1)
    assert scripts_install(language="en") == (1, len(CODES) - 1)
    assert Objection.objects.get(code="scam-suspicion").answers.count() == 2


@pytest.mark.django_db
def test_a_script_of_the_same_name_made_by_the_operator_is_kept_beside_the_shipped_one():
    Script.objects.create(name="Payment reminder", purpose="debt")
    scripts_install(language="en")
    assert Script.objects.get(code="payment-reminder").name == "Payment reminder (2.4.2)"
    assert Script.objects.filter(name="Payment reminder", code=None).exists()


def _refer_a_friend_terms(language: str) -> str:
    script = next(s for s in standard_scripts(language) if s["code"] == "refer-a-friend")
    return next(n for n in script["graph"]["nodes"] if n["id"] == "terms")["text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_refer_a_friend_names_the_reward_the_friends_benefit_and_the_code(language):
    names = set(placeholders.names_in(_refer_a_friend_terms(language)))
    assert {"referrer_reward", "friend_bonus", "referral_code"} <= names
    assert all(placeholders.get(name) for name in names)  # registered by sales' ready()


@pytest.mark.django_db
def test_refer_a_friend_reads_the_operators_rules_to_the_caller():
    from decimal import Decimal

    from sales.models import ReferralProgramme
    from subscribers.tests.factories import SubscriberFactory

    ReferralProgramme.objects.create(referrer_reward=Decimal("450"), friend_bonus="a free router")
    subscriber = SubscriberFactory()
    text = placeholders.render(_refer_a_friend_terms("en"), subscriber)
    code = subscriber.referral_code.code
    assert "450" in text and "a free router" in text and code in text
