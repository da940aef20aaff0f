"""Adapters that hand a message to its gateway: Kannel's HTTP sendsms (delivery reports come
back to comms.views.dlr), an SMPP link to an SMSC (its receipts come back on the link), and
SMTP for e-mail. Each says whether the hand-over worked, failed for now (try again later) or
for good, and whether the gateway holds nothing in flight any more (`settled`), which is what
lets the outbox tell a message a killed worker never handed over from one it did
(comms.outbox.reconcile)."""

import http.client
import random
import re
import select
import smtplib
import socket
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.message import EmailMessage
from urllib.parse import urlencode, urlsplit

import smpplib.client
import smpplib.exceptions
import smpplib.smpp
from django.conf import settings
from django.utils.translation import gettext as _
from smpplib import consts

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

    # its status page tells whether anything it accepted is still in flight
    knows_in_flight = True

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


# GSM 03.38: the default alphabet in its order, and the extension table behind the escape 0x1B.
# (smpplib.gsm's table writes "`" where "§" stands, and has no form feed.)
GSM7_TABLE = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞ\x1bÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_CODES = {ch: bytes((i,)) for i, ch in enumerate(GSM7_TABLE) if ch != "\x1b"}
GSM7_CODES.update(
    (ch, bytes((0x1B, code)))
    for ch, code in zip("\f^{}\\[~]|€", (10, 20, 40, 41, 47, 60, 61, 62, 64, 101), strict=True)
)
GSM7_CHARS = {code: ch for ch, code in GSM7_CODES.items()}


def sms_parts(text: str) -> tuple[int, int, list[bytes]]:
    """The text as SMPP sends it: (data_coding, esm_class, short messages). GSM-7 (data coding
    0, one septet an octet, as SMPP carries it) or UCS-2 (8) as comms.sms decides; a long text
    is cut as comms.sms counts it (never splitting an escape or a surrogate pair: what the
    subscriber is billed for is what goes) and each part gets a concatenation header (UDH).
    Not smpplib.gsm.make_parts, which cuts by octets and so can split those pairs."""
    from .sms import GSM7, PART, _unit_sizes, segments

    counted = segments(text)
    gsm7 = counted.encoding == GSM7
    encode = (lambda s: b"".join(GSM7_CODES[ch] for ch in s)) if gsm7 else _ucs2
    coding = consts.SMPP_ENCODING_DEFAULT if gsm7 else consts.SMPP_ENCODING_ISO10646
    if counted.parts <= 1:
        return coding, consts.SMPP_MSGTYPE_DEFAULT, [encode(text)]
    chunks, chunk, used = [], [], 0
    for ch, size in zip(text, _unit_sizes(text, counted.encoding), strict=True):
        if used + size > PART[counted.encoding]:
            chunks.append("".join(chunk))
            chunk, used = [], 0
        chunk.append(ch)
        used += size
    chunks.append("".join(chunk))
    reference = random.randint(0, 255)
    header = bytes((5, 0, 3, reference, len(chunks)))  # IEI 0: concatenated, 8-bit reference
    return (
        coding,
        consts.SMPP_GSMFEAT_UDHI,
        [header + bytes((i,)) + encode(c) for i, c in enumerate(chunks, start=1)],
    )


def _ucs2(text: str) -> bytes:
    return text.encode("utf-16-be")


def sms_text(short_message: bytes, data_coding: int, esm_class: int) -> str:
    """What a subscriber wrote, from a deliver_sm (its UDH dropped)."""
    if esm_class & consts.SMPP_GSMFEAT_UDHI and short_message:
        short_message = short_message[1 + short_message[0] :]
    if data_coding == consts.SMPP_ENCODING_ISO10646:
        return short_message.decode("utf-16-be", "replace")
    if data_coding == consts.SMPP_ENCODING_DEFAULT:
        chars, escape = [], False
        for octet in short_message:
            if escape:
                chars.append(GSM7_CHARS.get(bytes((0x1B, octet)), " "))
                escape = False
            elif octet == 0x1B:
                escape = True
            else:
                chars.append(GSM7_CHARS.get(bytes((octet,)), "?"))
        return "".join(chars)
    return short_message.decode("latin-1")


def _address(number: str) -> tuple[int, int, str]:
    """(TON, NPI, address) of a phone number or an alphanumeric sender name."""
    digits = number.removeprefix("+")
    if not digits:
        return consts.SMPP_TON_UNK, consts.SMPP_NPI_UNK, ""
    if digits.isdigit():
        international = number.startswith("+") or len(digits) > 10
        ton = consts.SMPP_TON_INTL if international else consts.SMPP_TON_UNK
        return ton, consts.SMPP_NPI_ISDN, digits
    return consts.SMPP_TON_ALNUM, consts.SMPP_NPI_UNK, number[:11]


def _str(value) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value or "")


class SmppError(Exception):
    """The SMPP link failed (no connection, a refused bind, no answer in time)."""


# A receipt's stat (SMPP 3.4 appendix B), or its message_state TLV, as the outbox's report kinds.
# (Names in comms.outbox, which imports this module.)
RECEIPT_STATS = {
    "DELIVRD": "DLR_DELIVERED",
    "UNDELIV": "DLR_FAILED",
    "EXPIRED": "DLR_FAILED",
    "DELETED": "DLR_FAILED",
    "REJECTD": "DLR_REJECTED",
    "ACCEPTD": "DLR_BUFFERED",
    "ENROUTE": "DLR_BUFFERED",
    "UNKNOWN": "DLR_BUFFERED",
}
MESSAGE_STATES = {1: "ENROUTE", 2: "DELIVRD", 3: "EXPIRED", 4: "DELETED", 5: "UNDELIV"}
MESSAGE_STATES.update({6: "ACCEPTD", 7: "UNKNOWN", 8: "REJECTD"})
RECEIPT_TYPES = 0x04 | 0x20  # esm_class: an SMSC delivery receipt, an intermediate notification
RECEIPT = re.compile(r"\bid:(?P<id>\S+).*?\bstat:(?P<stat>[A-Za-z]+)", re.S)


class Smpp:
    """An SMPP 3.4 link (smpplib) to the operator's SMSC at smpp://host:port, bound as a
    transceiver with the gateway's user and password. Each part goes as one submit_sm and the
    link waits for its submit_sm_resp before the next: the SMSC's answer is the hand-over, and
    the message's gateway_ref is the SMSC's id of its last part, the only one that asks for a
    delivery receipt. Receipts (deliver_sm) read meanwhile, or by `manage.py smpp_receiver`
    bound as a receiver, move the message on through comms.outbox.dlr_record; what subscribers
    write comes in as comms.outbox.incoming_record."""

    # no way to ask about a submit whose response was never read
    knows_in_flight = False

    # Refusals that are the SMSC's state, not the message's: try again later.
    TEMPORARY = {
        consts.SMPP_ESME_RTHROTTLED,
        consts.SMPP_ESME_RMSGQFUL,
        consts.SMPP_ESME_RSYSERR,
    }
    PART_TRIES = 3  # a later part of a long text refused for now: waits and tries again
    ENQUIRE_EVERY = 30  # seconds of silence before a receiver asks whether the link is alive

    def __init__(self, gateway: Gateway, mode: str = "transceiver"):
        self.gateway, self.mode = gateway, mode
        url = urlsplit(gateway.url or "smpp://127.0.0.1:2775")
        self.host, self.port = url.hostname or "127.0.0.1", url.port or 2775
        self.client: smpplib.client.Client | None = None
        self.unanswered = 0  # submits written whose response has not been read
        self.refs: dict[str, int] = {}  # SMSC id of a last part -> message, on this link

    # -- the link ------------------------------------------------------------------------------
    def _link(self) -> smpplib.client.Client:
        if self.client is not None:
            return self.client
        client = smpplib.client.Client(
            self.host,
            self.port,
            timeout=TIMEOUT,
            logger_name="comms.smpp",
            allow_unknown_opt_params=True,
        )
        try:
            client.connect()
            getattr(client, f"bind_{self.mode}")(
                system_id=self.gateway.username, password=self.gateway.password
            )
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as e:
            client.disconnect()
            raise SmppError(
                _("cannot bind to the SMSC at %(address)s: %(error)s")
                % {"address": f"{self.host}:{self.port}", "error": _reason(e)}
            ) from e
        self.client = client
        return client

    def _read(self):
        """One PDU from the SMSC, answering on the way what it asks (receipts, messages from
        subscribers, enquire_link, unbind)."""
        client = self.client
        try:
            pdu = client.read_pdu()
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError) as e:
            self._drop()
            raise SmppError(_("the SMSC link broke: %(error)s") % {"error": _reason(e)}) from e
        answers = {"deliver_sm": "deliver_sm_resp", "enquire_link": "enquire_link_resp"}
        answers["unbind"] = "unbind_resp"
        if pdu.command in answers:
            status = self._delivered(pdu) if pdu.command == "deliver_sm" else consts.SMPP_ESME_ROK
            answer = smpplib.smpp.make_pdu(answers[pdu.command], client=client, status=status)
            answer.sequence = pdu.sequence
            self._write(answer)
        if pdu.command == "unbind":
            self._drop()
            raise SmppError(_("the SMSC closed the link"))
        return pdu

    def _delivered(self, pdu) -> int:
        """Record a deliver_sm; the status to answer it with."""
        from . import outbox

        if not pdu.esm_class & RECEIPT_TYPES:  # a message from a subscriber
            outbox.incoming_record(
                sender=_str(pdu.source_addr),
                receiver=_str(pdu.destination_addr),
                text=sms_text(pdu.short_message or b"", pdu.data_coding or 0, pdu.esm_class),
            )
            return consts.SMPP_ESME_ROK
        text = _str(pdu.short_message)
        found = RECEIPT.search(text)
        ref = _str(getattr(pdu, "receipted_message_id", None)) or (found and found["id"]) or ""
        stat = MESSAGE_STATES.get(getattr(pdu, "message_state", None) or 0)
        stat = stat or (found["stat"].upper() if found else "UNKNOWN")
        kind = getattr(outbox, RECEIPT_STATS.get(stat, "DLR_BUFFERED"))
        if not self.receipt_record(ref, kind):
            # Not a message of ours yet: the worker that submitted it has not written its
            # gateway_ref. A temporary error has the SMSC send the receipt again later.
            return consts.SMPP_ESME_RX_T_APPN
        return consts.SMPP_ESME_ROK

    def receipt_record(self, ref: str, kind: int) -> bool:
        """Move the message whose SMSC id is `ref` on; False when no message has it."""
        from .outbox import dlr_record

        if not ref:
            return False
        pk = self.refs.get(ref)
        if pk is None:
            # gateway_ref has no index (comms.Message): the receipts need one at scale.
            pk = (
                Message.objects.filter(gateway_id=self.gateway.pk, gateway_ref=ref)
                .order_by("-pk")  # an SMSC's ids come round again, in time
                .values_list("pk", flat=True)
                .first()
            )
        if pk is None:
            return False
        dlr_record(pk, kind)
        return True

    def _write(self, pdu) -> None:
        try:
            self.client.send_pdu(pdu)
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError) as e:
            self._drop()
            raise SmppError(_("the SMSC link broke: %(error)s") % {"error": _reason(e)}) from e

    def _drop(self) -> None:
        if self.client is not None:
            self.client.disconnect()
            self.client = None

    # -- sending -------------------------------------------------------------------------------
    def _submit(self, message: Message, short_message: bytes, coding: int, esm: int, last: bool):
        client = self._link()
        source_ton, source_npi, source = _address(self.gateway.sender or "")
        dest_ton, dest_npi, destination = _address(message.to)
        pdu = smpplib.smpp.make_pdu(
            "submit_sm",
            client=client,
            source_addr_ton=source_ton,
            source_addr_npi=source_npi,
            source_addr=source,
            dest_addr_ton=dest_ton,
            dest_addr_npi=dest_npi,
            destination_addr=destination,
            esm_class=esm,
            data_coding=coding,
            registered_delivery=1 if last else 0,  # one receipt a message, for gateway_ref
            short_message=short_message,
        )
        self._write(pdu)
        self.unanswered += 1
        while True:
            answer = self._read()
            if answer.sequence == pdu.sequence and answer.command in (
                "submit_sm_resp",
                "generic_nack",
            ):
                self.unanswered -= 1
                return answer

    def send(self, message: Message, dlr_url: str) -> Result:
        coding, esm, parts = sms_parts(message.body)
        ids: list[str] = []
        for number, short_message in enumerate(parts, start=1):
            for attempt in range(1, self.PART_TRIES + 1):
                try:
                    answer = self._submit(message, short_message, coding, esm, number == len(parts))
                except SmppError as e:
                    if ids:  # parts already with the SMSC: sending them again would repeat them
                        return Result(False, error=_partly(ids, parts, str(e)))
                    return Result(False, error=f"SMPP: {e}"[:300], retry=True)
                if answer.status == consts.SMPP_ESME_ROK:
                    break
                temporary = answer.status in self.TEMPORARY
                if temporary and ids and attempt < self.PART_TRIES:
                    time.sleep(attempt)
                    continue
                error = _("the SMSC refused it: %(reason)s") % {"reason": _status(answer.status)}
                if ids:
                    return Result(False, error=_partly(ids, parts, error))
                return Result(False, error=f"SMPP: {error}"[:300], retry=temporary)
            ids.append(_str(answer.message_id))
        self.refs[ids[-1]] = message.pk
        return Result(True, ref=ids[-1][:80])

    def listen(self, stop: threading.Event, tick: float = 1.0) -> None:
        """Take what the SMSC sends on this link until `stop` is set (manage.py
        smpp_receiver); raises SmppError when the link breaks."""
        client = self._link()
        quiet = 0.0
        while not stop.is_set():
            ready, _w, _x = select.select([client._socket], [], [], tick)
            if ready:
                self._read()
                quiet = 0.0
                continue
            quiet += tick
            if quiet >= self.ENQUIRE_EVERY:
                self._write(smpplib.smpp.make_pdu("enquire_link", client=client))
                quiet = 0.0

    def settled(self) -> bool:
        """No submit of this link awaits its response. SMPP cannot ask the SMSC about a submit
        whose response was never read (query_sm needs the id that response carries), so the
        outbox marks each message before its submit (`knows_in_flight = False`) and fails, rather
        than resends, a dead worker's message so marked (comms.outbox.reconcile); one it held
        without the mark was never handed over and goes back to the queue."""
        return self.unanswered == 0

    def close(self) -> None:
        """Unbind, taking the receipts the SMSC sends meanwhile."""
        if self.client is None:
            return
        try:
            unbind = smpplib.smpp.make_pdu("unbind", client=self.client)
            self.client.send_pdu(unbind)
            while self.client is not None:
                answer = self._read()
                if answer.command == "unbind_resp" and answer.sequence == unbind.sequence:
                    break
        except (SmppError, smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError):
            pass
        self._drop()


def _status(code: int) -> str:
    return f"0x{code:08X} {consts.DESCRIPTIONS.get(code, '')}".strip()


def _reason(error: Exception) -> str:
    if isinstance(error, smpplib.exceptions.PDUError) and len(error.args) > 1:
        return _status(error.args[1])
    return str(error) or type(error).__name__


def _partly(ids: list[str], parts: list[bytes], error: str) -> str:
    return (
        "SMPP: "
        + _("%(sent)d of %(parts)d parts handed over, then %(error)s")
        % {"sent": len(ids), "parts": len(parts), "error": error}
    )[:300]


class Smtp:
    """E-mail through an SMTP server (smtp://host:port); the server's acceptance is the
    hand-over, and no report comes back."""

    # a letter whose answer was lost may have been accepted
    knows_in_flight = False

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


ADAPTERS = {Gateway.Kind.KANNEL: Kannel, Gateway.Kind.SMPP: Smpp, Gateway.Kind.SMTP: Smtp}


def adapter_for(gateway: Gateway):
    try:
        return ADAPTERS[gateway.kind](gateway)
    except KeyError:
        raise ValueError(f"no adapter for {gateway.kind} gateways yet") from None
