"""What a clerk keypad can say: the key names every keypad family turns its own codes
into (FF 68 frames, evdev key codes, …) and the keypad daemon acts on.

A family maps its hardware to these names and nothing else; the meaning of each
(which queue command, what the LED shows) is the keypad daemon's
(``daemons/keypad/keys.py``).
"""

from __future__ import annotations

from typing import Protocol

DIGITS = tuple("0123456789")

KEYS: dict[str, str] = {
    "call": "呼叫: call the next ticket",
    "recall": "重呼: call the current ticket again",
    "end": "办结: service done",
    "pause": "暂停: pause or resume the window",
    "login": "登录: log in the typed clerk number (then the PIN, where the clerk has one)",
    "transfer": "转移: the window (or 0 and a service's place) typed next, then confirm",
    "clear": "清除: forget what was typed",
    "rate": "评价: ask the citizen to rate the service",
    "hold": "挂起: park the current ticket at this window",
    "call_typed": "回呼: call the typed ticket number",
    "no_show": "过号: the citizen did not come",
    "transfer_typed": "confirm a transfer to the typed window or service",
    "confirm": "确认 with no function of its own: completes a transfer in progress",
    "rating": "a rating result from the keypad's rating buttons (its data: the score)",
}

# Keys a family may put on a plain button (a rating result needs the device's score).
BUTTON_KEYS = frozenset(DIGITS) | (KEYS.keys() - {"rating"})


class KeypadPort(Protocol):
    """One keypad family's keypads on one link, as the keypad daemon drives them.

    A keypad family's ``driver`` names the class, built as
    ``Port(cfg, link, members, on_key, on_state)``: ``members`` maps each device id to its
    address on a shared line (None for a device alone on its link); the port calls
    ``on_key(device_id, key, data)`` with a key of this vocabulary and
    ``on_state(device_id, up, why)`` when a keypad comes and goes. The daemon owns what
    the keys mean; the port owns the wire.
    """

    async def run(self) -> None:
        """Open the link, read it, reopen it when it goes; until cancelled."""

    def show(self, device_id: str, text: str, beep: int = 0) -> None:
        """Put ``text`` (6 characters at most) on the keypad's display, if it has one."""

    def start_rating(self, device_id: str) -> None:
        """Ask the citizen to rate, where the keypad has rating buttons."""
