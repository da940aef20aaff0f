"""The shipped templates (the SMS list 3.4.16 and letters): valid in both languages, installed
once, the operator's edits kept."""

import pytest

from comms import placeholders
from comms.models import Channel, MessageTemplate, Purpose
from comms.services import standard_install, template_check, template_update
from comms.sms import segments
from comms.standard import TEMPLATES, standard_templates


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_shipped_template_passes_the_checks_a_written_one_must(language):
    shipped = standard_templates(language)
    for template in shipped:
        template_check(
            channel=template["channel"], subject=template["subject"], body=template["body"]
        )
        assert template["name"] and template["trigger"], template["code"]
    sms = [t for t in shipped if t["channel"] == Channel.SMS]
    assert len(sms) >= 20
    assert {t["purpose"] for t in sms} == set(Purpose.values)
    names = [t["name"] for t in shipped]
    assert len(set(names)) == len(names)


def test_each_template_names_the_same_placeholders_in_both_languages():
    for code, _channel, _purpose, texts in TEMPLATES:
        for part in (2, 3):  # the subject, the text
            ru, en = (sorted(placeholders.names_in(texts[lang][part])) for lang in ("ru", "en"))
            assert ru == en, code


@pytest.mark.django_db
def test_a_russian_sms_fits_two_or_three_parts_with_sample_values():
    for template in standard_templates("ru"):
        if template["channel"] == Channel.SMS:
            text = placeholders.render(template["body"], sample=True)
            assert segments(text).parts <= 3, template["code"]


@pytest.mark.django_db
def test_installing_again_adds_only_the_missing_and_keeps_the_edited():
    made, there = standard_install(language="ru")
    assert (made, there) == (len(TEMPLATES), 0)
    edited = MessageTemplate.objects.get(code="payment_received")
    template_update(
        template=edited,
        by=None,
        name="Оплата пришла",
        channel="sms",
        purpose="service",
        trigger="",
        subject="",
        body="Спасибо за {amount}!",
        active=True,
    )
    MessageTemplate.objects.filter(code="birthday").delete()
    assert standard_install(language="ru") == (1, len(TEMPLATES) - 1)
    assert MessageTemplate.objects.get(code="payment_received").body == "Спасибо за {amount}!"
    assert MessageTemplate.objects.count() == len(TEMPLATES)
