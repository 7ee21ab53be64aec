"""The window-display line simulator, driven by pymodbus's own client over a pty."""

from pymodbus.client import AsyncModbusSerialClient
from pymodbus.exceptions import ModbusIOException

from hallkit.display import Screen
from hallkit.drivers.modbus_window.codec import registers
from hallkit.drivers.modbus_window.sim import DisplayLineSim


def test_displays_show_what_is_written_and_a_silent_one_does_not_answer(run):
    async def scenario():
        sim = DisplayLineSim([1, 2, 3])
        await sim.start()
        client = AsyncModbusSerialClient(sim.path, baudrate=9600, timeout=0.3, retries=0)
        await client.connect()
        try:
            screen = Screen("calling", "请A012号", "3号窗口")
            await client.write_registers(0, registers(screen), device_id=3)
            health = await client.read_input_registers(0, count=2, device_id=1)
            sim.silence(2)
            try:
                await client.read_input_registers(0, count=2, device_id=2)
                silent_answered = True
            except ModbusIOException:
                silent_answered = False
            still = await client.read_input_registers(0, count=2, device_id=1)
            return sim.screen(3), sim.writes, health.registers, silent_answered, still.registers
        finally:
            client.close()
            await sim.close()

    screen, writes, health, silent_answered, still = run(scenario())
    assert screen == Screen("calling", "请A012号", "3号窗口")
    assert writes == {1: 0, 2: 0, 3: 1}
    assert health == [1, 0] and still == [1, 0]  # map version 1, no faults
    assert silent_answered is False
