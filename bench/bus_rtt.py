"""Request/reply round trip through hallkit's bus helper vs raw paho, in one run.

    python bench/bus_rtt.py [--n 2000]

Both legs run against the same fresh mosquitto on this machine. The raw leg is
paho publish → the same process receives it (one broker hop out and back). The
helper leg is BusClient.request → a responder BusClient → reply → future
resolved: two broker hops, JSON envelopes, pydantic validation, asyncio hand-off.
Goal: helper p99 ≤ 2 × raw p99 … of a two-hop raw round trip, which is what a
request/reply is; both the one-hop and two-hop raw figures are printed. Asks go at
QoS 1 and answers at QoS 0 in both legs, as hallkit's commands and replies do.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import threading
import time

import paho.mqtt.client as mqtt

from hallkit.bus.client import BusClient, BusSettings

from benchhall import ECHO_PING, echo_client, pct, scratch_with_broker


def raw_paho(port: int, n: int, hops: int) -> list[float]:
    """Raw paho: publish on a topic, a second raw client echoes (hops=2) or not (hops=1)."""
    done = threading.Event()
    samples: list[float] = []
    sent = [0.0]

    def connect(cid):
        c = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=cid)
        # The same socket option the helper sets, so the floor is a fair one.
        c.on_socket_open = lambda cl, ud, sock: sock.setsockopt(
            socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        c.connect("127.0.0.1", port)
        c.loop_start()
        return c

    asker, echo = connect(f"raw-asker-{hops}"), connect(f"raw-echo-{hops}")

    def on_answer(client, userdata, msg):
        samples.append(time.perf_counter() - sent[0])
        done.set()

    def on_echo(client, userdata, msg):
        client.publish("bench/raw/answer", msg.payload, qos=0)  # replies go at QoS 0, as hallkit's

    asker.on_message = on_answer
    echo.on_message = on_echo
    if hops == 2:
        echo.subscribe("bench/raw/ask", qos=1)
        asker.subscribe("bench/raw/answer", qos=1)
    else:
        asker.subscribe("bench/raw/ask", qos=1)
    time.sleep(0.3)
    payload = b'{"v":1,"id":"0123456789abcdef","ts":1.0,"data":{}}'
    for _ in range(n):
        done.clear()
        sent[0] = time.perf_counter()
        asker.publish("bench/raw/ask", payload, qos=1)
        done.wait(5)
    for c in (asker, echo):
        c.disconnect()
        c.loop_stop()
    return samples


async def helper(port: int, n: int) -> list[float]:
    responder = echo_client(port)
    asker = BusClient(BusSettings(port=port), "bench-asker", hall="bench")
    await responder.connect()
    await asker.connect()
    await asyncio.sleep(0.3)
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        await asker.request(ECHO_PING, {}, timeout=5)
        samples.append(time.perf_counter() - t0)
    await asker.close()
    await responder.close()
    return samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    with scratch_with_broker("bench-bus-") as (_, broker):
        raw_paho(broker.port, 200, 2)  # warm up
        one = raw_paho(broker.port, args.n, 1)
        two = raw_paho(broker.port, args.n, 2)
        ours = asyncio.run(helper(broker.port, args.n))
    print(f"bus round trip, n={args.n}, mosquitto on 127.0.0.1, asks at QoS 1, answers at QoS 0")
    print(f"{'leg':<34} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for name, s in (("raw paho, publish→receive (1 hop)", one),
                    ("raw paho, ask→echo→answer (2 hops)", two),
                    ("hallkit request→reply (2 hops)", ours)):
        print(f"{name:<34} {pct(s, 50):8.3f} {pct(s, 99):8.3f} {statistics.mean(s) * 1000:8.3f}")
    ratio = pct(ours, 99) / pct(two, 99)
    print(f"helper p99 / raw 2-hop p99 = {ratio:.2f} (goal ≤ 2.0); "
          f"helper p99 / raw 1-hop p99 = {pct(ours, 99) / pct(one, 99):.2f}")


if __name__ == "__main__":
    main()
