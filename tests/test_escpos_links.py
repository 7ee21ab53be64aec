"""The serial (pty) and TCP connectors against the simulator: status and a ticket, and the
difference between a refused connection, a silent printer and a paper-out one."""

from __future__ import annotations

import asyncio
import socket

from hallkit.config.links import parse_link
from hallkit.drivers.escpos.connectors import link_for
from hallkit.drivers.escpos.driver import EscposPrinter
from hallkit.drivers.escpos.encode import Encoder
from hallkit.drivers.escpos.layout import Text
from hallkit.drivers.escpos.sim import PrinterSim

JOB = Encoder().encode([Text("社保", 2, 2), Text("B001", 4, 4)])


def test_serial_printer_on_a_pty(tmp_path, run):
    async def scenario():
        sim = PrinterSim("p", tmp_path)
        path = sim.open_pty()
        driver = EscposPrinter(lambda: link_for(parse_link(f"serial:{path}?baud=19200"), baud=19200),
                               status_timeout=0.2)
        call = asyncio.to_thread
        results = [(await call(driver.poll)).condition, (await call(driver.print, JOB)).condition]
        sim.set_condition("paper_near_end")
        results.append((await call(driver.poll)).condition)
        sim.set_condition("silent")
        results.append((await call(driver.poll)).condition)
        await call(driver.close)
        await sim.close()
        return results, [t.text for t in sim.tickets], sim.pictures

    results, printed, pictures = run(scenario())
    assert results == ["ok", "ok", "paper_near_end", "unreachable"]
    assert printed == ["社保\nB001"] and pictures[0].exists()


def test_tcp_refused_silent_and_paper_out_are_told_apart(tmp_path, run):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        free = s.getsockname()[1]

    async def scenario():
        refused = EscposPrinter(lambda: link_for(parse_link(f"tcp:127.0.0.1:{free}"), baud=0))
        first = await asyncio.to_thread(refused.poll)
        sim = PrinterSim("p", tmp_path)
        port = await sim.serve_tcp()
        driver = EscposPrinter(lambda: link_for(parse_link(f"tcp:127.0.0.1:{port}"), baud=0),
                               status_timeout=0.2)
        out = [first]
        for condition in ("silent", "paper_out", "ok"):
            sim.set_condition(condition)
            out.append(await asyncio.to_thread(driver.poll))
        await asyncio.to_thread(driver.close)
        await sim.close()
        return out

    refused, silent, paper_out, ok = run(scenario())
    assert refused.condition == "unreachable" and "cannot open" in refused.detail
    assert silent.condition == "unreachable" and "no reply" in silent.detail
    assert paper_out.condition == "paper_out" and ok.condition == "ok"


def test_file_link_reads_status_back_when_the_device_can(tmp_path, run):
    """``file:/dev/usb/lp0`` — here a pty's device file, which is bidirectional like a
    printer-class usblp node; a one-way file gets ``status = false`` in the config."""
    async def scenario():
        sim = PrinterSim("p", tmp_path)
        path = sim.open_pty()
        driver = EscposPrinter(lambda: link_for(parse_link(f"file:{path}"), baud=0),
                               status_timeout=0.2)
        sim.set_condition("cover_open")
        first = await asyncio.to_thread(driver.poll)
        sim.set_condition("ok")
        printed = await asyncio.to_thread(driver.print, JOB)
        one_way = EscposPrinter(lambda: link_for(parse_link(f"file:{path}"), baud=0),
                                reads_status=False)
        blind = await asyncio.to_thread(one_way.poll)
        for d in (driver, one_way):
            await asyncio.to_thread(d.close)
        await sim.close()
        return first, printed, blind, len(sim.tickets)

    first, printed, blind, count = run(scenario())
    assert first.condition == "cover_open" and printed.condition == "ok" and count == 1
    assert blind.condition == "ok" and "status not read" in blind.detail


def test_hallctl_sim_escpos_serves_tcp_and_draws_tickets(tmp_path, child_env):
    import re
    import subprocess

    from conftest import hallctl_argv

    proc = subprocess.Popen(hallctl_argv("sim", "escpos", "--tcp", "0", "--out", str(tmp_path / "out")),
                            env=child_env, stdout=subprocess.PIPE, text=True)
    try:
        port = int(re.search(r"127\.0\.0\.1:(\d+)", proc.stdout.readline()).group(1))
        assert "Ctrl-C" in proc.stdout.readline()
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
            s.sendall(JOB + b"\x10\x04\x01")
            assert s.recv(1) == b"\x12"
        assert proc.stdout.readline().strip().endswith("00001-B001.png")
    finally:
        proc.terminate()
        proc.wait(5)
    assert (tmp_path / "out" / "00001-B001.png").exists()
