"""The hall board and the voice, from a clerk's call to what the hall sees and hears.

    python bench/board_voice.py [--calls 15]

mosquitto, the hall, queue and voice daemons run as their own processes; the hall board
runs offscreen in this process on its own bus connection. A plain client calls the next
ticket at window 1 (the queue daemon publishes `called`), waiting each time until the
voice has finished the last announcement, so every call meets an idle speaker. Measured
against the `called` event's own time stamp:
- the board's newest call repainted (its panel drawn, not just queued for drawing);
- the voice's first audio sample written (WAV output: no sound card here; a file's
  first frames out, as aplay's first write would be);
beside the same run's bare bus round trip; then the board's resident memory in a fresh
`hallctl board` process and the voice daemon's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from hallkit.bus.client import BusClient, BusSettings
from hallkit.bus.settings import bus_settings
from hallkit.config.load import load_config

from benchhall import (
    close_window,
    hall_header,
    pct,
    round_trips,
    scratch_with_broker,
    start_daemons,
    stop_daemons,
)

DAEMONS = ("hall", "queue", "voice")


def hall_config(storage: Path, port: int) -> str:
    text = hall_header(storage, port, ["BDC"], 3)
    text += "".join(f'[[windows]]\nnumber = {n}\nservices = ["BDC"]\n' for n in range(1, 13))
    text += '[devices.board-1]\nkind = "hall_board"\n'
    # One sentence, no chime: the speaker is free again sooner; the latency is the same.
    text += '[voice]\noutput = "wav"\nrepeat = 1\nchime = false\n'
    return text


RSS_BOARD = """
import os, sys, time, asyncio
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PyQt6.QtWidgets import QApplication, QLabel
from hallkit.bus.settings import bus_settings
from hallkit.cli.board_cmd import read_setup
from hallkit.config.load import load_config
from hallkit.kiosk_ui.board.window import BoardWindow
from hallkit.kiosk_ui.bus_bridge import BusBridge
cfg = load_config(sys.argv[1])
settings = bus_settings(cfg, "board-1")
setup = asyncio.run(read_setup(settings, cfg.hall.id, "board-1"))
app = QApplication(sys.argv)
bridge = BusBridge(settings, "board-1-rss", cfg.hall.id)
bridge.start()
window = BoardWindow(bridge, cfg.hall.id, "board-1", setup)
window.show()
t0 = time.time()
while window.directory is None and time.time() - t0 < 10:
    app.processEvents()
    time.sleep(0.01)
for _ in range(50):
    app.processEvents()
    time.sleep(0.01)
print(int(open("/proc/self/status").read().split("VmRSS:")[1].split()[0]) / 1024)
bridge.stop()
"""


def rss_mb(pid: int) -> float:
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


def measure(cfg_path: Path, calls: int) -> dict:
    from PyQt6.QtWidgets import QApplication

    from hallkit.cli.board_cmd import read_setup
    from hallkit.kiosk_ui.board.window import BoardWindow
    from hallkit.kiosk_ui.bus_bridge import BusBridge

    cfg = load_config(cfg_path)
    app = QApplication.instance() or QApplication([])
    settings = bus_settings(cfg, "board-1")
    setup = asyncio.run(read_setup(settings, cfg.hall.id, "board-1"))
    bridge = BusBridge(settings, "board-1", cfg.hall.id)
    bridge.start()
    board = BoardWindow(bridge, cfg.hall.id, "board-1", setup)
    board.show()
    loop = asyncio.new_event_loop()
    ops = BusClient(BusSettings(port=cfg.bus.port, username="hallctl"), "bench-ops", hall=cfg.hall.id)
    called: dict[str, float] = {}
    spoken: dict[str, dict] = {}
    ops.subscribe("hall/bench/queue/main/event/called",
                  lambda t, p: called.setdefault((d := json.loads(p))["data"]["number"], d["ts"]))
    ops.subscribe("hall/bench/voice/main/event/spoken",
                  lambda t, p: spoken.setdefault((d := json.loads(p)["data"])["number"], d))
    loop.run_until_complete(ops.connect())

    def ask(action: str, data: dict) -> dict:
        reply = loop.run_until_complete(ops.request(f"hall/bench/queue/main/cmd/{action}", data))
        assert reply.status == "ok", reply
        return reply.data

    def until(condition, timeout: float = 30.0) -> None:
        t0 = time.monotonic()
        while not condition():
            app.processEvents()
            loop.run_until_complete(asyncio.sleep(0.0005))
            if time.monotonic() - t0 > timeout:
                raise TimeoutError("no word in time")

    ask("login", {"window": 1, "clerk": "1001"})
    numbers = [ask("issue", {"service": "BDC"})["number"] for _ in range(calls)]
    board_ms, voice_ms = [], []
    for number in numbers:
        ask("call-next", {"window": 1})
        until(lambda n=number: board.painted is not None and board.painted[0] == n and n in called)
        board_ms.append(board.painted[1] - called[number])
        until(lambda n=number: n in spoken)
        assert spoken[number]["outcome"] == "spoken", spoken[number]
        voice_ms.append(spoken[number]["started_at"] - called[number])
    loop.run_until_complete(ops.close())
    close_window(app, board, bridge)
    return {"board": board_ms, "voice": voice_ms}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=15)
    args = parser.parse_args()
    with scratch_with_broker("bench-board-") as (tmp, broker):
        cfg_path = tmp / "hall.toml"
        cfg_path.write_text(hall_config(tmp / "store", broker.port))
        procs = start_daemons(cfg_path, DAEMONS, tmp / "daemons.log")
        try:
            time.sleep(4)  # online; the voice has made its clips
            figures = measure(cfg_path, args.calls)
            rtt = asyncio.run(round_trips(broker.port, 200))
            voice_rss = rss_mb(procs[DAEMONS.index("voice")].pid)
            board_rss = float(subprocess.run([sys.executable, "-c", RSS_BOARD, str(cfg_path)],
                                             capture_output=True, text=True, timeout=60,
                                             check=True).stdout.split()[-1])
        finally:
            stop_daemons(procs)
    board, voice = figures["board"], figures["voice"]
    print(f"hall board and voice benchmark ({os.cpu_count()} cores, {args.calls} calls to an idle speaker)")
    print(f"{'measure':<52}{'p50 ms':>9}{'p99 ms':>9}")
    for name, samples in (("bus round trip (bare echo), same run", rtt),
                          ("called event → board's newest call repainted", board),
                          ("called event → first audio sample written", voice)):
        print(f"{name:<52}{pct(samples, 50):>9.1f}{pct(samples, 99):>9.1f}")
    print(f"RSS: board {board_rss:.0f} MB (goal < 150), voice daemon {voice_rss:.0f} MB (goal < 60)")
    print(f"goals: board p99 < 100 ms: {'met' if pct(board, 99) < 100 else 'NOT met'}; voice p99 < 300 ms: "
          f"{'met' if pct(voice, 99) < 300 else 'NOT met'}; board RSS: "
          f"{'met' if board_rss < 150 else 'NOT met'}; voice RSS: {'met' if voice_rss < 60 else 'NOT met'}")


if __name__ == "__main__":
    main()
