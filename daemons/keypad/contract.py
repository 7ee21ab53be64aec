"""What the keypad daemon says on the bus: nothing of its own beyond each keypad's
availability; it sends the queue's commands as a clerk would."""

from __future__ import annotations

from hallkit.contract.spec import Contract

CONTRACT = Contract()
