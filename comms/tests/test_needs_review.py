"""Shipped texts that promise what only the operator's contract can say are installed marked
"adapt before use", shown so on their pages and in the call player, until the operator saves
an edit (a template, an objection) or publishes a version (a script)."""

import pytest
from django.urls import reverse

from comms import scripts as script_services
from comms.models import MessageTemplate, Objection, Script
from comms.objections import category_create, objection_create
from comms.services import standard_install
from comms.standard import NEEDS_REVIEW, standard_templates
from comms.standard_scripts import SCRIPTS_NEEDING_REVIEW, objections_install, scripts_install
from comms.standard_scripts.objections import NEEDS_REVIEW as OBJECTIONS_NEEDING_REVIEW
from subscribers.tests.factories import SubscriberFactory

from .factories import script_published

pytestmark = pytest.mark.django_db
BADGE = "Adapt before use"


@pytest.fixture
def installed(db):
    standard_install(language="en")
    objections_install(language="en")
    scripts_install(language="en")


def template_form(template, **data):
    return {
        "name": template.name,
        "channel": template.channel,
        "purpose": template.purpose,
        "trigger": template.trigger,
        "subject": template.subject,
        "body": template.body,
        "active": "on",
        **data,
    }


def test_the_install_marks_the_shipped_promises_and_only_them(installed):
    flagged = set(MessageTemplate.objects.filter(needs_review=True).values_list("code", flat=True))
    assert flagged == NEEDS_REVIEW
    assert {"debt_final_notice", "debt_letter"} <= flagged
    assert (
        set(Objection.objects.filter(needs_review=True).values_list("code", flat=True))
        == OBJECTIONS_NEEDING_REVIEW
    )
    assert {"early-termination", "long-contract"} <= OBJECTIONS_NEEDING_REVIEW
    assert not Objection.objects.get(code="will-think").needs_review
    assert (
        set(Script.objects.filter(needs_review=True).values_list("code", flat=True))
        == SCRIPTS_NEEDING_REVIEW
    )


@pytest.mark.parametrize("language", ["ru", "en"])
def test_the_final_notice_no_longer_threatens_to_end_the_contract(language):
    notice = next(t for t in standard_templates(language) if t["code"] == "debt_final_notice")
    words = " ".join((notice["name"], notice["trigger"], notice["body"])).lower()
    for threat in ("расторг", "contract ends", "terminat"):
        assert threat not in words
    assert ("в соответствии с договором" in words) or ("as your contract provides" in words)
    assert notice["needs_review"]
    letter = next(t for t in standard_templates(language) if t["code"] == "debt_letter")
    assert "договор" in letter["body"] or "contract" in letter["body"]


def test_the_template_page_and_the_list_show_the_mark_and_count_them(client, head, installed):
    client.force_login(head)
    notice = MessageTemplate.objects.get(code="debt_final_notice")
    page = client.get(reverse("comms:template", kwargs={"pk": notice.pk})).content.decode()
    assert 'id="template-needs-review"' in page and BADGE in page
    listed = client.get("/r/message_templates/").content.decode()
    assert f"{len(NEEDS_REVIEW)} texts to adapt before use" in listed
    only = client.get("/r/message_templates/", {"needs_review": "true"})
    assert len(only.context["page"].rows) == len(NEEDS_REVIEW)
    welcome = MessageTemplate.objects.get(code="welcome")
    page = client.get(reverse("comms:template", kwargs={"pk": welcome.pk})).content.decode()
    assert 'id="template-needs-review"' not in page


def test_saving_an_edit_of_a_template_clears_the_mark(client, head, installed):
    client.force_login(head)
    notice = MessageTemplate.objects.get(code="debt_final_notice")
    edit = reverse("comms:template_edit", kwargs={"pk": notice.pk})
    body = "{operator}: the debt of {debt} is unpaid; see clause 7.2 of your contract."
    assert client.post(edit, template_form(notice, body=body)).status_code == 302
    notice.refresh_from_db()
    assert not notice.needs_review and notice.body == body


def test_an_edit_that_is_refused_keeps_the_mark(client, head, installed):
    client.force_login(head)
    notice = MessageTemplate.objects.get(code="debt_final_notice")
    edit = reverse("comms:template_edit", kwargs={"pk": notice.pk})
    response = client.post(edit, template_form(notice, body="Pay {nonsense}"))
    assert response.status_code == 400
    notice.refresh_from_db()
    assert notice.needs_review and "{nonsense}" not in notice.body


def test_the_count_leaves_the_list_once_all_are_adapted(client, head, installed):
    MessageTemplate.objects.update(needs_review=False)
    client.force_login(head)
    assert "to adapt before use" not in client.get("/r/message_templates/").content.decode()


def test_the_objection_book_marks_and_counts_the_objections_to_adapt(client, operator, installed):
    client.force_login(operator)
    page = client.get(reverse("comms:objections")).content.decode()
    assert f"{len(OBJECTIONS_NEEDING_REVIEW)} texts to adapt before use" in page
    assert page.count("ab-needs-review") == len(OBJECTIONS_NEEDING_REVIEW)


def answers_data(objection):
    data = {
        "category": str(objection.category_id),
        "text": objection.text,
        "keywords": objection.keywords,
        "order": str(objection.order),
        "answers-TOTAL_FORMS": "1",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "20",
        "answers-0-text": "Our contract has no fee for ending it: clause 9.",
        "answers-0-id": "",
        "answers-0-ORDER": "",
    }
    return data


def test_saving_an_edit_of_an_objection_clears_the_mark(client, head, installed):
    objection = Objection.objects.get(code="early-termination")
    client.force_login(head)
    edit = reverse("comms:objection_edit", kwargs={"pk": objection.pk})
    form = client.get(edit).content.decode()
    assert 'id="objection-needs-review"' in form
    assert client.post(edit, {**answers_data(objection), "text": ""}).status_code == 400
    objection.refresh_from_db()
    assert objection.needs_review  # a refused edit is no edit
    assert client.post(edit, answers_data(objection)).status_code == 302
    objection.refresh_from_db()
    assert not objection.needs_review


def test_taking_an_objection_out_is_no_edit_of_its_text(head, installed):
    from comms.objections import objection_set_active

    objection = Objection.objects.get(code="early-termination")
    objection_set_active(objection=objection, active=False, by=head)
    objection.refresh_from_db()
    assert objection.needs_review


def test_the_script_page_shows_the_mark_until_a_version_of_the_operator_s_is_published(
    client, head, installed
):
    script = Script.objects.get(code="payment-reminder")
    client.force_login(head)
    page = client.get(reverse("comms:script", kwargs={"pk": script.pk})).content.decode()
    assert 'id="script-needs-review"' in page
    draft = script.draft
    draft["nodes"][0]["text"] = draft["nodes"][0]["text"] + " "  # a change of the operator's
    script.draft = draft
    script.save()
    script_services.script_publish(script=script, by=head, note="Ours")
    script.refresh_from_db()
    assert not script.needs_review
    page = client.get(reverse("comms:script", kwargs={"pk": script.pk})).content.decode()
    assert 'id="script-needs-review"' not in page


def test_a_refused_publish_keeps_the_mark(head, installed):
    from django.core.exceptions import ValidationError

    script = Script.objects.get(code="payment-reminder")
    with pytest.raises(ValidationError):  # the draft is the same as version 1
        script_services.script_publish(script=script, by=head)
    script.refresh_from_db()
    assert script.needs_review


@pytest.fixture
def unchecked(db):
    category = category_create(name="Price")
    made = objection_create(
        category=category, text="Too expensive", answers=["No fee to leave"], code="too-expensive"
    )
    Objection.objects.filter(pk=made.pk).update(needs_review=True)
    return made


def test_the_call_player_marks_an_unchecked_answer_at_its_step(client, operator, tver, unchecked):
    script = script_published(name="Reminder")
    subscriber = SubscriberFactory(branch=tver, phone="+79120000009")
    client.force_login(operator)
    started = client.post(
        reverse("comms:call_start"), {"script": script.pk, "subscriber": subscriber.pk}
    )
    page = client.get(started.url).content.decode()
    assert "No fee to leave" in page and BADGE in page


def test_the_player_s_search_marks_an_unchecked_answer(client, operator, unchecked):
    client.force_login(operator)
    found = client.get(reverse("comms:objection_search"), {"q": "expensive"}).content.decode()
    assert "No fee to leave" in found and BADGE in found
    Objection.objects.update(needs_review=False)
    found = client.get(reverse("comms:objection_search"), {"q": "expensive"}).content.decode()
    assert BADGE not in found


def test_the_walk_through_a_script_marks_its_unchecked_objections(client, head, unchecked):
    script = script_published(name="Reminder")
    client.force_login(head)
    page = client.get(reverse("comms:script_preview", kwargs={"pk": script.pk}))
    assert BADGE in page.content.decode()
