import io
import logging

from hallkit.privacy import mask_id, mask_phone, mask_text
from hallkit.runtime.logs import setup_logging


def test_masks():
    assert mask_id("11010519900101123X") == "110***********123X"
    assert mask_phone("13812345678") == "138****5678"
    text = "ID 11010519900101123X phone +86 13812345678, old ID 110105900101123, ticket A001"
    assert mask_text(text) == ("ID 110***********123X phone +86 138****5678, old ID 110********1123, "
                               "ticket A001")


def test_numbers_that_are_not_personal_stay():
    assert mask_text("request 1700000000.25 took 12345 ms, order 2026112312") == \
        "request 1700000000.25 took 12345 ms, order 2026112312"


def test_log_lines_never_carry_id_or_phone_numbers():
    stream = io.StringIO()
    setup_logging("test", stream=stream)
    log = logging.getLogger("t")
    log.info("issued for %s / %s", "11010519900101123X", "13812345678")
    try:
        raise ValueError("bad id 11010519900101123X")
    except ValueError:
        log.exception("failed for 13812345678")
    out = stream.getvalue()
    assert "11010519900101123X" not in out and "13812345678" not in out
    assert "110***********123X" in out and "138****5678" in out
    assert "ValueError: bad id 110***********123X" in out
