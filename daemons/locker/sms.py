"""The SMS outbox: sent at least once, in order per phone, retried with backoff; a message's
text (which holds the pickup code) is erased once sent and never logged.

Backends: ``file`` appends each message to <storage>/sms/sent.jsonl (the demo and the
tests: it stands for the citizen's phone); ``http`` posts to a government SMS platform or
a carrier MAS gateway in the template form they take (URL, account, template id,
signature from [locker.sms]); ``modem`` sends through a USB 4G/GSM modem's AT port.
A gateway's or modem's answer is kept (for staff asking "was it sent?") with every run of
6 or more digits hidden: an answer that echoes the message must not keep the code.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import time
import urllib.error
import urllib.request
from pathlib import Path

log = logging.getLogger(__name__)

BACKOFF_MAX_S = 600


class SendError(Exception):
    pass


def without_numbers(answer: str) -> str:
    return re.sub(r"\d{6,}", lambda m: "#" * len(m[0]), answer)


class FileSms:
    def __init__(self, folder: Path) -> None:
        self.path = folder / "sent.jsonl"
        folder.mkdir(parents=True, exist_ok=True)

    def send(self, phone: str, text: str) -> str:
        with open(self.path, "a", encoding="utf-8") as f:
            f.write(json.dumps({"at": time.time(), "phone": phone, "text": text}, ensure_ascii=False) + "\n")
        return "written"


class HttpSms:
    def __init__(self, settings, config_dir: Path) -> None:
        self.s = settings
        secret = config_dir / settings.password_file if settings.password_file else None
        self.secret = secret.read_text().strip() if secret else None

    def send(self, phone: str, text: str) -> str:
        body = json.dumps({"account": self.s.account, "password": self.secret,
                           "templateId": self.s.template_id, "sign": self.s.signature, "mobile": phone,
                           "content": text}, ensure_ascii=False)
        request = urllib.request.Request(self.s.url, data=body.encode(), method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.s.timeout_s) as answer:
                said = answer.read(500).decode(errors="replace")
        except (urllib.error.URLError, OSError) as exc:
            raise SendError(str(exc)[:200]) from None
        if self.s.ok_pattern and not re.search(self.s.ok_pattern, said):
            raise SendError(f"the gateway refused it: {without_numbers(said)[:200]}")
        return said


def backend(settings, storage: Path, config_dir: Path):
    """The outbox's sender, as [locker.sms] says."""
    if settings.backend == "http":
        return HttpSms(settings, config_dir)
    if settings.backend == "modem":
        from hallkit.drivers.gsm_modem.sender import ModemSender

        pin_file = config_dir / settings.pin_file if settings.pin_file else None
        return ModemSender(settings.modem_port, settings.modem_baud, pin_file)
    return FileSms(storage / "sms")


def due(conn: sqlite3.Connection, now: float) -> list[tuple[int, str, str, int]]:
    """The oldest unsent message of each phone, when its time has come (in order per phone)."""
    return conn.execute(
        "SELECT id, phone, text, attempts FROM sms s WHERE sent_at IS NULL AND next_at <= ? AND id = "
        "(SELECT min(id) FROM sms t WHERE t.phone = s.phone AND t.sent_at IS NULL) ORDER BY id",
        (now,)).fetchall()


def mark(conn: sqlite3.Connection, message: int, attempts: int, now: float, answer: str | None,
         error: str | None) -> None:
    answer = without_numbers(answer)[:200] if answer else answer
    if error is None:
        conn.execute("UPDATE sms SET sent_at = ?, answer = ?, text = NULL, phone = '' WHERE id = ?",
                     (now, answer, message))
    else:
        wait = min(BACKOFF_MAX_S, 5 * 2 ** attempts)
        conn.execute("UPDATE sms SET attempts = ?, next_at = ?, answer = ? WHERE id = ?",
                     (attempts + 1, now + wait, without_numbers(error)[:200], message))
