"""The bus over TLS to an external mosquitto, with certificates made for the test."""

from __future__ import annotations

import asyncio
import subprocess

import pytest

from hallkit.broker.mosquitto import Mosquitto, free_port
from hallkit.bus.client import BusClient, BusError, BusSettings
from hallkit.bus.settings import bus_settings
from hallkit.config.load import check_text, load_config

from conftest import small_hall


def openssl(*args: str, cwd) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def certs(tmp_path):
    d = tmp_path / "pki"
    d.mkdir()
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=hall CA",
            "-keyout", "ca.key", "-out", "ca.crt", cwd=d)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=hallbox", "-keyout", "server.key",
            "-out", "server.csr", cwd=d)
    (d / "san.ext").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    openssl("x509", "-req", "-in", "server.csr", "-CA", "ca.crt", "-CAkey", "ca.key",
            "-CAcreateserial", "-days", "2", "-extfile", "san.ext", "-out", "server.crt", cwd=d)
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=other CA",
            "-keyout", "other.key", "-out", "other.crt", cwd=d)
    return d


def test_bus_over_tls_with_the_hall_ca(tmp_path, certs, write_config, run):
    port = free_port()
    broker = Mosquitto(tmp_path / "broker", port=port,
                       tls=(certs / "ca.crt", certs / "server.crt", certs / "server.key"))
    broker.start()
    text = small_hall(tmp_path / "var", port=port).replace(
        "[bus]", '[bus.tls]\nca = "pki/ca.crt"\n\n[bus]')  # relative to the config file
    cfg = load_config(write_config(text))

    async def scenario():
        client = BusClient(bus_settings(cfg, None), "tls-client", hall="t1")
        got = []
        client.subscribe("hall/t1/x", lambda t, p: got.append(p))
        await client.connect(timeout=5)
        client.publish("hall/t1/x", b"over tls")
        for _ in range(50):
            if got:
                break
            await asyncio.sleep(0.02)
        await client.close()
        for ca in (None, certs / "other.crt"):  # plain text, or a CA that did not sign it
            stranger = BusClient(BusSettings(port=port, ca=ca), "stranger", hall="t1")
            with pytest.raises(BusError):
                await stranger.connect(timeout=1.5)
        return got

    try:
        assert run(scenario()) == [b"over tls"]
    finally:
        broker.stop()


def test_tls_on_the_embedded_broker_is_a_config_error(tmp_path):
    text = small_hall(tmp_path).replace("embedded = false", "embedded = true").replace(
        "[bus]", '[bus.tls]\nca = "ca.crt"\n\n[bus]')
    _, issues = check_text(text)
    assert any("embedded broker listens on 127.0.0.1 only" in i.message for i in issues)
