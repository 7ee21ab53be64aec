"""What a clerk's key presses mean: pure, one session per keypad, no bus, no clock.

Keys come in as names of the keypad vocabulary (hallkit.keypad), whatever the
family; out come steps for the daemon: queue commands to send (each with the LED
text to show for its answer) and LED text or beeps to show at once. Conventions
the protocols leave open:

- typed digits are shown on the LED as they are typed (the last 6);
- 回呼 (``call_typed``) calls the typed number: ``12`` is tried as A012, H012, … for
  the window's services in order, the first one the queue accepts is called;
- 转移 then digits then confirm (``transfer_typed``, or a plain ``confirm``): the
  digits are a window number; a leading 0 picks a service by its place in the
  hall's list (``03`` = third service);
- 登录 logs in the typed clerk number. Where the hall lists its clerks the LED then
  asks for the PIN (``PIN``, for every number alike), the PIN is typed (shown as
  dashes) and 登录 pressed again; any other function key gives up the login.
"""

from __future__ import annotations

from dataclasses import dataclass

LED_WIDTH = 6

# LED texts for answers that are not a ticket (6 characters at most).
ERROR_LED = {
    "no_ticket": "E-NOQ",      # nobody waiting
    "not_logged_in": "E-LOG",
    "paused": "PAUSE",
    "no_current": "E-CUR",
    "recall_limit": "E-REC",
    "not_found": "E-NUM",
    "not_served_here": "E-NUM",
    "wrong_state": "E-NUM",
    "forbidden": "E-USR",      # login refused: not a listed clerk, or a wrong PIN
    "busy": "E-BSY",
    "bad_request": "E-ERR",
    "unknown_window": "E-WIN",
    "unknown_service": "E-SVC",
}


@dataclass(frozen=True)
class QueueCommand:
    action: str
    data: dict
    alternatives: tuple[dict, ...] = ()  # tried in turn while the queue answers not_found


@dataclass(frozen=True)
class Show:
    text: str
    beep: int = 0


@dataclass(frozen=True)
class StartRating:
    pass


Step = QueueCommand | Show | StartRating


@dataclass
class KeypadSession:
    window: int
    services: list[str]                  # the window's services, in calling order
    prefixes: dict[str, str]             # service code -> ticket prefix
    digits_of: dict[str, int]            # service code -> number width
    hall_services: list[str]             # all service codes, in the hall's order
    ask_pin: bool = False                # the hall lists its clerks: each logs in with a PIN
    typed: str = ""
    transfer_mode: bool = False
    pin_for: str | None = None           # the clerk whose PIN is being typed

    def press(self, key: str, data: bytes = b"") -> list[Step]:
        if key.isdigit():
            self.typed = (self.typed + key)[-LED_WIDTH:]
            return [Show("-" * len(self.typed) if self.pin_for else self.typed)]
        if key == "clear":
            self.typed, self.transfer_mode, self.pin_for = "", False, None
            return [Show("")]
        handler = getattr(self, f"_{key}", None)
        if handler is None:  # e.g. a rating result: not the keypad session's business
            return []
        if key != "login":
            self.pin_for = None
        steps = handler(data)
        if key != "transfer":  # transfer waits for the digits typed next
            self.typed, self.transfer_mode = "", False
        return steps

    # -- keys ------------------------------------------------------------------------
    def _call(self, data: bytes) -> list[Step]:
        return [QueueCommand("call-next", {"window": self.window})]

    def _recall(self, data: bytes) -> list[Step]:
        return [QueueCommand("recall", {"window": self.window})]

    def _end(self, data: bytes) -> list[Step]:
        return [QueueCommand("end", {"window": self.window})]

    def _pause(self, data: bytes) -> list[Step]:
        return [QueueCommand("pause", {"window": self.window})]

    def _rate(self, data: bytes) -> list[Step]:
        return [StartRating()]

    def _login(self, data: bytes) -> list[Step]:
        if self.pin_for is not None:
            clerk, self.pin_for = self.pin_for, None
            if not self.typed:
                return [Show("E-USR", beep=1)]
            return [QueueCommand("login", {"window": self.window, "clerk": clerk, "pin": self.typed})]
        if not self.typed:
            return [Show("E-USR", beep=1)]
        if self.ask_pin:
            self.pin_for = self.typed
            return [Show("PIN")]
        return [QueueCommand("login", {"window": self.window, "clerk": self.typed})]

    def _transfer(self, data: bytes) -> list[Step]:
        self.transfer_mode, self.typed = True, ""
        return [Show("T-", 0)]

    def _hold(self, data: bytes) -> list[Step]:
        return [QueueCommand("hold", {"window": self.window})]

    def _no_show(self, data: bytes) -> list[Step]:
        return [QueueCommand("no-show", {"window": self.window})]

    def _confirm(self, data: bytes) -> list[Step]:
        return self._transfer_typed(data) if self.transfer_mode else [Show("E-ERR", beep=1)]

    def _call_typed(self, data: bytes) -> list[Step]:
        if not self.typed:
            return [Show("E-NUM", beep=1)]
        tries = [{"window": self.window,
                  "number": f"{self.prefixes[s]}{int(self.typed):0{self.digits_of[s]}d}"}
                 for s in self.services]
        return [QueueCommand("call-number", tries[0], tuple(tries[1:]))]

    def _transfer_typed(self, data: bytes) -> list[Step]:
        typed = self.typed
        if not typed:
            return [Show("E-WIN", beep=1)]
        if typed.startswith("0") and len(typed) > 1:
            place = int(typed)
            if not 1 <= place <= len(self.hall_services):
                return [Show("E-SVC", beep=1)]
            return [QueueCommand("transfer", {"window": self.window,
                                         "to_service": self.hall_services[place - 1]})]
        return [QueueCommand("transfer", {"window": self.window, "to_window": int(typed)})]


def led_for(action: str, status: str, data: dict | None, error_code: str | None) -> Show:
    """What the keypad shows for the queue's answer to one of its commands."""
    if status != "ok":
        return Show(ERROR_LED.get(error_code or "", "E-ERR"), beep=1)
    data = data or {}
    if "number" in data and action in ("call-next", "call-number", "recall", "resume"):
        return Show(data["number"])
    if action == "login":
        return Show("ON")
    if action == "pause":
        return Show("PAUSE" if data.get("state") == "paused" else "ON")
    if action in ("end", "hold", "no-show", "transfer"):
        return Show("")
    return Show("OK")
