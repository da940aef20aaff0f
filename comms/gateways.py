"""Adapters that hand a message to its gateway: Kannel's HTTP sendsms (delivery reports come
back to comms.views.dlr), and SMTP for e-mail. Each says whether the hand-over worked, failed
for now (try again later) or for good, and whether the gateway holds nothing in flight any more
(`settled`), which is what lets the outbox tell a message a killed worker never handed over from
one it did (comms.outbox.reconcile)."""

import http.client
import smtplib
import socket
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from .models import Gateway, Message

TIMEOUT = 10  # seconds a gateway may take to answer


@dataclass(frozen=True)
class Result:
    ok: bool
    ref: str = ""
    error: str = ""
    retry: bool = False  # failed for now: try again later


class Kannel:
    """Kannel's smsbox `sendsms` over HTTP, one kept-alive connection per adapter. The text goes
    as UTF-8 and Kannel sends it as GSM-7 or UCS-2 (coding=2 when any character needs it);
    a delivery report of each kind asked for (delivered, failed, accepted by the SMSC) is sent
    to the message's own signed URL."""

    DLR_MASK = 1 + 2 + 8 + 16  # delivered, not delivered, accepted by the SMSC, rejected by it

    def __init__(self, gateway: Gateway):
        self.gateway = gateway
        url = urlsplit(gateway.url or "http://127.0.0.1:13013/cgi-bin/sendsms")
        self.host, self.port, self.path = url.hostname, url.port or 80, url.path
        self.connection: http.client.HTTPConnection | None = None

    def _get(self, query: str) -> tuple[int, str]:
        for attempt in (1, 2):  # a kept-alive connection the server closed: open a new one
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
            try:
                self.connection.request("GET", f"{self.path}?{query}")
                response = self.connection.getresponse()
                return response.status, response.read().decode("utf-8", "replace")
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def send(self, message: Message, dlr_url: str) -> Result:
        from .sms import UCS2, encoding_of

        params = {
            "username": self.gateway.username,
            "password": self.gateway.password,
            "to": message.to,
            "text": message.body,
            "charset": "UTF-8",
            "dlr-mask": self.DLR_MASK,
            "dlr-url": dlr_url,
        }
        if self.gateway.sender:
            params["from"] = self.gateway.sender
        if encoding_of(message.body) == UCS2:
            params["coding"] = 2
        try:
            status, body = self._get(urlencode(params))
        except (http.client.HTTPException, OSError) as e:
            return Result(False, error=f"Kannel: {e}"[:300], retry=True)
        if status in (200, 202):
            return Result(True, ref=body.strip()[:80])
        # 503: its queue is full or the SMSC is down; 4xx: this message is refused.
        return Result(False, error=f"Kannel {status}: {body.strip()}"[:300], retry=status >= 500)

    def settled(self) -> bool:
        """Kannel holds no message it accepted and has not yet passed on to an SMSC that is
        online: so every message it accepted has had its "accepted by the SMSC" report."""
        admin = self.gateway.status_url
        if not admin:
            return False
        url = urlsplit(admin)
        try:
            connection = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=TIMEOUT)
            connection.request("GET", f"{url.path}?{url.query}")
            response = connection.getresponse()
            tree = ET.fromstring(response.read())
        except (http.client.HTTPException, OSError, ET.ParseError):
            return False
        queued = tree.findtext("sms/sent/queued")
        online = [s.findtext("status", "") for s in tree.iterfind("smscs/smsc")]
        return queued == "0" and bool(online) and all(s.startswith("online") for s in online)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


class Smtp:
    """E-mail through an SMTP server (smtp://host:port); the server's acceptance is the
    hand-over, and no report comes back."""

    def __init__(self, gateway: Gateway):
        self.gateway = gateway
        url = urlsplit(gateway.url or "smtp://127.0.0.1:25")
        self.host, self.port = url.hostname, url.port or 25
        self.client: smtplib.SMTP | None = None

    def send(self, message: Message, dlr_url: str) -> Result:
        letter = EmailMessage()
        letter["From"] = self.gateway.sender or settings.DEFAULT_FROM_EMAIL
        letter["To"] = message.to
        letter["Subject"] = message.subject
        letter["Message-ID"] = f"<abonent-{message.pk}@{socket.getfqdn()}>"
        letter.set_content(message.body)
        try:
            if self.client is None:
                self.client = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
                if self.gateway.username:
                    self.client.login(self.gateway.username, self.gateway.password)
            self.client.send_message(letter)
        except smtplib.SMTPRecipientsRefused as e:
            return Result(False, error=f"SMTP: {e}"[:300])
        except (smtplib.SMTPException, OSError) as e:
            self.close()
            return Result(False, error=f"SMTP: {e}"[:300], retry=True)
        return Result(True, ref=letter["Message-ID"])

    def settled(self) -> bool:
        return True  # the server answers each letter before the next: nothing is in flight

    def close(self) -> None:
        if self.client is not None:
            try:
                self.client.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self.client = None


ADAPTERS = {Gateway.Kind.KANNEL: Kannel, Gateway.Kind.SMTP: Smtp}


def adapter_for(gateway: Gateway):
    try:
        return ADAPTERS[gateway.kind](gateway)
    except KeyError:
        raise ValueError(f"no adapter for {gateway.kind} gateways yet") from None
