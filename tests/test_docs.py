from hallkit.contract import contracts
from hallkit.contract.docs import render

from conftest import ROOT


def test_bus_doc_is_generated_from_the_contract():
    assert (ROOT / "docs" / "bus.md").read_text(encoding="utf-8") == render(), \
        "docs/bus.md is stale: run `hallctl docs bus`"


def test_bus_doc_covers_every_topic():
    text = render()
    for contract in contracts().values():
        for cmd in contract.commands:
            assert f"### cmd/{cmd.action}" in text
        for state in contract.states:
            assert state.payload.__name__ in text or state.topic in text
        for event in contract.events:
            assert f"### event/{event.name}" in text


def test_every_command_has_a_valid_example():
    for contract in contracts().values():
        assert set(contract.examples) == {(c.component, c.action) for c in contract.commands}
        for (component, action), data in contract.examples.items():
            cmd = next(c for c in contract.commands if c.action == action)
            assert cmd.component == component
            cmd.request.model_validate(data)
