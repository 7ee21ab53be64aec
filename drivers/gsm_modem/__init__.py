"""A USB 4G/GSM modem as an SMS sender: AT commands in PDU mode with UCS-2 text (``sender``),
and a modem on a pty for the tests (``sim``). Not a hall device family: the locker daemon's
SMS outbox uses it as one of its backends (``[locker.sms] backend = "modem"``)."""
