"""Clerk PINs: hashed in the config by `hallctl clerk pin-hash`, checked at login."""

from __future__ import annotations

import subprocess
import tomllib

import pytest

from hallkit.config.model import Clerk
from hallkit.pins import check_pin, hash_pin

from conftest import hallctl_argv


def test_a_pin_checks_only_against_its_own_hash():
    stored = hash_pin("2468", iterations=1000)
    assert check_pin("2468", stored)
    assert not check_pin("2469", stored) and not check_pin(None, stored)
    assert not check_pin("2468", stored.replace("pbkdf2_sha256", "md5"))
    assert hash_pin("2468", iterations=1000) != stored  # salted


@pytest.mark.parametrize("pin", ["123", "1234567", "12a4", ""])
def test_a_pin_a_keypad_cannot_type_is_refused(pin):
    with pytest.raises(ValueError, match="4 to 6 digits"):
        hash_pin(pin)


def test_hallctl_prints_the_line_the_config_keeps(child_env):
    out = subprocess.run(hallctl_argv("clerk", "pin-hash"), input="135790\n", capture_output=True,
                         text=True, env=child_env, check=True).stdout
    clerk = Clerk(id="1001", name_zh="张三", **tomllib.loads(out))
    assert check_pin("135790", clerk.pin_hash) and "135790" not in out
    bad = subprocess.run(hallctl_argv("clerk", "pin-hash"), input="12\n", capture_output=True,
                         text=True, env=child_env)
    assert bad.returncode == 65 and "4 to 6 digits" in bad.stderr and not bad.stdout
