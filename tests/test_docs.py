from hallkit.contract import COMMANDS, EXAMPLES, STATES, command
from hallkit.contract.docs import render

from conftest import ROOT


def test_bus_doc_is_generated_from_the_contract():
    assert (ROOT / "docs" / "bus.md").read_text(encoding="utf-8") == render(), \
        "docs/bus.md is stale: run `hallctl docs bus`"


def test_bus_doc_covers_every_topic():
    text = render()
    for cmd in COMMANDS:
        assert f"### cmd/{cmd.action}" in text
    for state in STATES:
        assert f"## {state.component} daemon" in text


def test_every_command_has_a_valid_example():
    assert set(EXAMPLES) == {(c.component, c.action) for c in COMMANDS}
    for (component, action), data in EXAMPLES.items():
        command(component, action).request.model_validate(data)
