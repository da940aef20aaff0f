"""Factories and helpers of the surveys tests (beside factories.py, which other parts share)."""

import datetime

from django.utils import timezone

from comms.models import Gateway, Invitation, Survey
from comms.services import standard_install
from comms.surveys.services import surveys_install
from comms.surveys.tokens import nonce_new
from subscribers.tests.factories import SubscriberFactory

from .factories import GatewayFactory


def shipped(code: str = "nps") -> Survey:
    """The shipped surveys in English, with their SMS templates and a gateway for them."""
    if not Gateway.objects.exists():
        GatewayFactory(kind=Gateway.Kind.KANNEL)
    standard_install(language="en")
    surveys_install(language="en")
    return Survey.objects.get(code=code)


def subscriber(**fields):
    fields.setdefault("phone", "+79121110000")
    return SubscriberFactory(**fields)


def invitation(survey: Survey, who=None, *, days: float = 7, **fields) -> Invitation:
    return Invitation.objects.create(
        survey=survey,
        subscriber=who or subscriber(),
        nonce=nonce_new(),
        expires_at=timezone.now() + datetime.timedelta(days=days),
        **fields,
    )


NPS_ANSWERS = {"recommend": "9", "reason": "speed", "improve": ["price", "tv"], "comment": "Ok"}
