"""Who may log in at a window: a listed clerk with their PIN, and guessing slowed down.

Where the hall lists ``[[clerks]]``, every listed clerk has a PIN (config check
insists). A wrong clerk number and a wrong PIN get one answer and cost the same
time, so a guesser learns nothing about which numbers exist. Five wrong tries for
one clerk lock that clerk out for five minutes; a device with ten failures in a
minute is refused without a check until the minute is over (each check is a
PBKDF2 round on the daemon's loop). Counters live in memory: a restart forgives.
"""

from __future__ import annotations

from hallkit.config.model import Clerk
from hallkit.pins import ITERATIONS, check_pin, hash_pin
from hallkit.runtime.commands import CommandError

MAX_FAILS = 5
LOCK_S = 300.0
SENDER_FAILS_PER_MIN = 10
TRACKED_MAX = 10_000  # clerk numbers remembered at most (a guesser may invent many)

WRONG = "工号或密码错误 / wrong clerk number or PIN"


class ClerkGate:
    def __init__(self, clerks: dict[str, Clerk], demo: bool) -> None:
        self.clerks = clerks
        self.demo = demo
        self._fails: dict[str, tuple[int, float]] = {}  # clerk → (wrong tries in a row, locked until)
        self._sender_fails: dict[str, tuple[int, int]] = {}  # sender → (minute, failures in it)
        self._dummy: str | None = None

    def check(self, clerk: str, pin: str | None, sender: str, now: float) -> None:
        """Nothing when the login may go ahead; CommandError ``forbidden`` otherwise."""
        if not self.clerks:
            if not self.demo:
                raise CommandError("forbidden", "本大厅未登记工作人员 / this hall lists no clerks: add "
                                   "[[clerks]] to the hall config (or demo = true in a demo hall)",
                                   "data.clerk")
            return
        minute = int(now // 60)
        seen_minute, sender_fails = self._sender_fails.get(sender, (minute, 0))
        if seen_minute == minute and sender_fails >= SENDER_FAILS_PER_MIN:
            raise CommandError("forbidden", "登录失败次数过多，请一分钟后再试 / too many failed "
                               "logins from this device; try again in a minute", "data.clerk")
        fails, locked_until = self._fails.get(clerk, (0, 0.0))
        if now < locked_until:
            raise CommandError("forbidden", f"工号已暂时锁定，请{round((locked_until - now) / 60) or 1}"
                               f"分钟后再试 / too many wrong PINs; try again in "
                               f"{round((locked_until - now) / 60) or 1} min", "data.clerk")
        listed = self.clerks.get(clerk)
        stored = listed.pin_hash if listed else self._dummy_hash()
        if check_pin(pin, stored) and listed is not None:
            self._fails.pop(clerk, None)
            return
        if len(self._fails) >= TRACKED_MAX:
            self._fails.clear()
        fails += 1
        self._fails[clerk] = (0 if fails >= MAX_FAILS else fails,
                              now + LOCK_S if fails >= MAX_FAILS else 0.0)
        self._sender_fails[sender] = (minute, (sender_fails if seen_minute == minute else 0) + 1)
        raise CommandError("forbidden", WRONG, "data.clerk")

    def _dummy_hash(self) -> str:
        """A hash no PIN matches, checked for unknown clerks so both cost the same time."""
        if self._dummy is None:
            self._dummy = hash_pin("000000", ITERATIONS)
        return self._dummy
