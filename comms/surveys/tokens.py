"""The signed token of a survey link: the invitation's id and nonce, signed with the site's
key, so a link cannot be guessed or altered; its expiry is the invitation's own (the survey's
days may be changed after it was sent)."""

import secrets

from django.conf import settings
from django.core import signing
from django.urls import reverse

SALT = "comms.survey"


def nonce_new() -> str:
    return secrets.token_urlsafe(6)  # 8 characters


def token_of(invitation) -> str:
    """No timestamp and no JSON: the link goes in an SMS, where every character counts."""
    return signing.Signer(salt=SALT).sign(f"{invitation.pk}.{invitation.nonce}")


def token_read(token: str) -> tuple[int, str] | None:
    """(invitation id, nonce), or None for a token not signed by us."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        pk, nonce = value.split(".", 1)
        return int(pk), nonce
    except (signing.BadSignature, ValueError):
        return None


def link_of(invitation) -> str:
    """The public address of the invitation's page (ABONENT_PUBLIC_URL)."""
    path = reverse("survey_public", kwargs={"token": token_of(invitation)})
    return f"{settings.ABONENT_PUBLIC_URL.rstrip('/')}{path}"
