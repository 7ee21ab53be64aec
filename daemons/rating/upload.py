"""Ratings to the provincial platform: an outbox in the store, sent in order and at least
once by an uploader, retried with backoff after a failure (nothing after it goes first),
resumed after a crash, and the platform's answer kept.

An uploader is any object with ``upload(record: dict) -> str`` (the platform's answer,
or an exception). ``http`` posts the record as JSON; a province's own client plugs in
through the entry point group ``hallkit.rating_uploaders`` as a factory taking
(settings, config_dir).
"""

from __future__ import annotations

import json
import sqlite3
import urllib.error
import urllib.request
from importlib.metadata import entry_points
from pathlib import Path

BACKOFF_MAX_S = 900
GROUP = "hallkit.rating_uploaders"


class UploadError(Exception):
    pass


class Refused(UploadError):
    """The platform will never take this record as it is (a 4xx): set aside, not retried."""


class HttpUploader:
    def __init__(self, settings, config_dir: Path) -> None:
        self.s = settings
        self.token_file = config_dir / settings.token_file if settings.token_file else None

    def upload(self, record: dict) -> str:
        headers = {"Content-Type": "application/json; charset=utf-8"}
        if self.token_file:  # read each time: a missing or renewed token fails or heals the upload only
            try:
                headers["Authorization"] = f"Bearer {self.token_file.read_text().strip()}"
            except OSError as exc:
                raise UploadError(f"the token file {self.token_file}: {exc}") from None
        request = urllib.request.Request(self.s.url, data=json.dumps(record, ensure_ascii=False).encode(),
                                         method="POST", headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=self.s.timeout_s) as answer:
                return answer.read(500).decode(errors="replace")
        except urllib.error.HTTPError as exc:
            said = f"{exc.code} {exc.reason}: {exc.read(300).decode(errors='replace')}"
            if 400 <= exc.code < 500 and exc.code not in (401, 403, 408, 429):  # its content, for good
                raise Refused(said) from None
            raise UploadError(said) from None  # the platform, the token or the load: again later
        except (urllib.error.URLError, OSError) as exc:
            raise UploadError(str(exc)[:200]) from None


def uploader_for(settings, config_dir: Path):
    if settings.uploader == "none":
        return None
    if settings.uploader == "http":
        return HttpUploader(settings, config_dir)
    found = [ep for ep in entry_points(group=GROUP) if ep.name == settings.uploader]
    if not found:
        raise ValueError(f"[rating.upload] uploader {settings.uploader!r}: no such plug-in in {GROUP}")
    return found[0].load()(settings, config_dir)


def next_due(conn: sqlite3.Connection, now: float) -> tuple[int, str, int] | None:
    """The oldest unsent rating, if its time has come (the order is kept: none overtakes it)."""
    row = conn.execute("SELECT seq, rating_id, attempts, next_at FROM outbox WHERE sent_at IS NULL AND "
                       "refused_at IS NULL ORDER BY seq LIMIT 1").fetchone()
    return row[:3] if row and row[3] <= now else None


def mark(conn: sqlite3.Connection, seq: int, attempts: int, now: float, answer,
         error: str | None, retry_s: float = 5.0, refused: bool = False) -> None:
    if error is None:  # a plug-in's answer may be anything: kept as text
        said = answer if isinstance(answer, str) else json.dumps(answer, ensure_ascii=False, default=str)
        conn.execute("UPDATE outbox SET sent_at = ?, answer = ? WHERE seq = ?", (now, said[:500], seq))
    elif refused:
        conn.execute("UPDATE outbox SET refused_at = ?, attempts = ?, answer = ? WHERE seq = ?",
                     (now, attempts + 1, error[:500], seq))
    else:
        wait = min(BACKOFF_MAX_S, retry_s * 2 ** min(attempts, 20))
        conn.execute("UPDATE outbox SET attempts = ?, next_at = ?, answer = ? WHERE seq = ?",
                     (attempts + 1, now + wait, error[:500], seq))
