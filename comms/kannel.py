"""A local Kannel with its fake SMSC (Debian's `kannel` and `kannel-extras`), for the tests,
the benchmark and a demo: bearerbox, smsbox with a sendsms user, and Kannel's own `fakesmsc`
connected as the SMSC, which prints every message it gets. Each runs in a directory of its own
on free ports; `received()` reads what reached the fake SMSC."""

import atexit
import queue
import re
import shutil
import socket
import subprocess
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote_to_bytes

BEARERBOX, SMSBOX = "bearerbox", "smsbox"
FAKESMSC = "/usr/lib/kannel/test/fakesmsc"
USER, PASSWORD, STATUS_PASSWORD = "abonent", "abonent", "abonent-status"
GOT = re.compile(r"Got message \d+: <(\S+) (\S+) (?:udh (\S+) )?(\S+) (.*)>$")


def available() -> bool:
    return bool(shutil.which(BEARERBOX) and shutil.which(SMSBOX) and Path(FAKESMSC).exists())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"Kannel did not open port {port}")


class LocalKannel:
    def __init__(self, directory: Path, *, throughput: int = 0, mo_url: str = ""):
        self.dir = Path(directory)
        self.mo_url = mo_url  # where smsbox sends what subscribers write (comms.views.mo)
        self.clients = 0  # fakesmsc processes started, each with its own output file
        self.dir.mkdir(parents=True, exist_ok=True)
        self.admin, self.boxes, self.sendsms, self.smsc = (free_port() for _ in range(4))
        self.throughput = throughput  # messages a second the fake SMSC takes; 0: no limit
        self.processes: list[subprocess.Popen] = []

    @property
    def sendsms_url(self) -> str:
        return f"http://127.0.0.1:{self.sendsms}/cgi-bin/sendsms"

    @property
    def status_url(self) -> str:
        return f"http://127.0.0.1:{self.admin}/status.xml?password={STATUS_PASSWORD}"

    def _config(self) -> Path:
        throughput = f"throughput = {self.throughput}\n" if self.throughput else ""
        path = self.dir / "kannel.conf"
        path.write_text(
            f"""group = core
admin-port = {self.admin}
admin-password = {STATUS_PASSWORD}-admin
status-password = {STATUS_PASSWORD}
admin-allow-ip = "127.0.0.1"
smsbox-port = {self.boxes}
box-allow-ip = "127.0.0.1"
log-file = "{self.dir}/bearerbox.log"
log-level = 2
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {self.smsc}
connect-allow-ip = 127.0.0.1
{throughput}
group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {self.boxes}
sendsms-port = {self.sendsms}
log-file = "{self.dir}/smsbox.log"
log-level = 2
global-sender = 0000

{self._service()}
group = sendsms-user
username = {USER}
password = {PASSWORD}
max-messages = 10
concatenation = true
""",
            encoding="utf-8",
        )
        return path

    def _service(self) -> str:
        if not self.mo_url:
            return ""
        return f"""group = sms-service
keyword = default
catch-all = true
max-messages = 0
get-url = "{self.mo_url}?from=%p&to=%P&text=%a"
"""

    def _client(self, *mo: str) -> None:
        """(Re)connect Kannel's fakesmsc as the SMSC; with `mo`, it first sends those lines
        ("sender receiver text …") as messages from subscribers, then keeps receiving."""
        self.clients += 1
        sends = ["-i", "0.05", "-m", str(len(mo)), *mo] if mo else ["-m", "0", "x"]
        host = ["-H", "127.0.0.1", "-r", str(self.smsc)]
        self._run(f"fakesmsc.{self.clients}", FAKESMSC, *host, *sends)

    def send_mo(self, sender: str, text: str, receiver: str = "0000") -> None:
        """A message from a subscriber's phone, as the SMSC would pass it to Kannel."""
        client = self.processes.pop()
        client.terminate()
        client.wait(timeout=10)
        self._client(f"{sender} {receiver} text {text}")

    def _run(self, name: str, *args: str) -> None:
        out = open(self.dir / f"{name}.out", "w")  # noqa: SIM115 — the process keeps it
        self.processes.append(
            subprocess.Popen([*args], stdout=out, stderr=subprocess.STDOUT, cwd=self.dir)
        )

    def start(self) -> "LocalKannel":
        atexit.register(self.stop)  # a test or a benchmark that dies leaves no Kannel behind
        config = str(self._config())
        self._run("bearerbox", BEARERBOX, config)
        _wait_port(self.admin)
        self._run("smsbox", SMSBOX, config)
        _wait_port(self.sendsms)
        self._client()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if "<status>online" in self.status():
                return self
            time.sleep(0.1)
        self.stop()
        raise RuntimeError("Kannel's fake SMSC did not come online")

    def status(self) -> str:
        try:
            with urllib.request.urlopen(self.status_url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            return ""

    def received(self) -> list[tuple[str, str, str]]:
        """(sender, receiver, text) of each message the fake SMSC got, in order; a text it
        got as UCS-2 or 8-bit data (which fakesmsc prints URL-encoded) decoded, and a long
        one sent in parts (a concatenation header in its UDH) joined once all have come."""
        got = []
        lines = []
        for n in range(1, self.clients + 1):
            path = self.dir / f"fakesmsc.{n}.out"
            if path.exists():
                lines += path.read_text(encoding="utf-8", errors="replace").splitlines()
        parts: dict[tuple, dict[int, str]] = {}
        for line in lines:
            match = GOT.search(line)
            if not match:
                continue
            sender, receiver, udh, coding, text = match.groups()
            if coding in ("ucs-2", "data"):  # URL-encoded bytes, "+" for 0x20
                raw = unquote_to_bytes(text.replace("+", "%20"))
                text = raw.decode("utf-16-be" if coding == "ucs-2" else "latin-1")
                if coding == "data" and udh and len(raw) % 2 == 0:
                    # A part of a long message prints as "data" whatever its coding: UCS-2
                    # when it reads as such.
                    wide = raw.decode("utf-16-be", errors="replace")
                    if all(ch.isprintable() or ch.isspace() for ch in wide):
                        text = wide
            header = unquote_to_bytes(udh) if udh else b""
            if len(header) >= 6 and header[1] == 0x00:  # 8-bit reference: ref, total, seq
                ref, total, seq = header[3], header[4], header[5]
                key = (sender, receiver, ref, total)
                parts.setdefault(key, {})[seq] = text
                if len(parts[key]) < total:
                    continue
                pieces = parts.pop(key)
                text = "".join(pieces[i] for i in range(1, total + 1))
            got.append((sender, receiver, text))
        return got

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.processes = []


class ReportSink:
    """Delivery reports taken by a small HTTP server and recorded by one thread on one
    database connection — for the tests and the benchmark, where Django's test server (one
    database connection per request) would exhaust PostgreSQL at hundreds of reports a
    second. A report is checked by the signature comms.views.dlr checks."""

    def __init__(self):
        self.reports: queue.Queue = queue.Queue()
        self.url = ""

    def start(self) -> "ReportSink":
        from django.core import signing

        from .outbox import DLR_SALT

        reports = self.reports

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self):
                path, _, query = self.path.partition("?")
                token = path.rstrip("/").rsplit("/", 1)[-1]
                try:
                    kind = int(parse_qs(query).get("type", [""])[0])
                    reports.put((signing.loads(token, salt=DLR_SALT), kind))
                except (signing.BadSignature, ValueError):
                    self.send_response(400)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.recorder = threading.Thread(target=self._record, daemon=True)
        self.recorder.start()
        return self

    def _record(self):
        from django.db import connection

        from .outbox import dlr_record

        try:
            while (report := self.reports.get()) is not None:
                dlr_record(*report)
        finally:
            connection.close()

    def stop(self):
        self.server.shutdown()
        self.reports.put(None)
        self.recorder.join(timeout=10)
