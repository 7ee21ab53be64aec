"""One printer's loop: poll its status between jobs, print what waits in order, tell the
kiosk at once when it cannot, expire what waited too long.

A job the printer cannot print is over the moment the kiosk is told so: its citizen
has been told to note the number, and a slip coming out later would be picked up
by the next person. A reprint is something the citizen asks for (queue `reprint`).

The driver blocks (serial, USB, sockets), so it runs on this printer's own thread;
the loop only waits for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from hallkit.clock import Clock
from hallkit.daemons.printer.jobs import Job, Jobs
from hallkit.drivers.escpos.driver import EscposPrinter
from hallkit.drivers.escpos.status import PrinterStatus

log = logging.getLogger(__name__)
POLL_OK_S = 5.0  # status poll between jobs
POLL_TROUBLE_S = 2.0  # while it cannot print: notice recovery soon


class PrinterWorker:
    def __init__(self, device_id: str, driver: EscposPrinter, jobs: Jobs, clock: Clock, *,
                 render: Callable[[Job, PrinterStatus], bytes],
                 on_status: Callable[[str, PrinterStatus], None],
                 on_job: Callable[[Job, str, PrinterStatus], None]) -> None:
        self.device_id = device_id
        self.driver = driver
        self.jobs = jobs
        self.clock = clock
        self.render = render
        self.on_status = on_status  # (device, status) after every poll
        self.on_job = on_job  # (job, outcome: printed|not_printed|expired, status)
        self.status = PrinterStatus("unreachable", "not polled yet")
        self.wake = asyncio.Event()
        self._thread = ThreadPoolExecutor(1, thread_name_prefix=f"printer-{device_id}")

    async def _call(self, fn, *args):
        return await asyncio.get_running_loop().run_in_executor(self._thread, fn, *args)

    async def _poll(self) -> PrinterStatus:
        status = await self._call(self.driver.poll)
        self._set(status)
        return status

    def _set(self, status: PrinterStatus) -> None:
        if status != self.status:
            log.info("printer %s: %s%s", self.device_id, status.condition,
                     f" ({status.detail})" if status.detail else "")
        self.status = status
        self.on_status(self.device_id, status)

    async def run(self) -> None:
        try:
            while True:
                await self._poll()
                await self._work()
                pause = POLL_OK_S if self.status.printable else POLL_TROUBLE_S
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self.wake.wait(), pause)
                self.wake.clear()
        finally:  # the link is reopened by the next run; the thread stays for it
            await self._call(self.driver.close)

    def close(self) -> None:
        """After the last run: let the printer's thread go."""
        self._thread.shutdown(wait=False)

    async def _work(self) -> None:
        """Print the open jobs oldest first. Once the printer cannot print, every job still
        open is told so at once (each kiosk has a citizen waiting) and is over."""
        for job in self.jobs.open_jobs(self.device_id):
            if self.clock.time() >= job.expires_at:
                self.jobs.set_state(job.id, "expired", self.clock.time())
                self.on_job(job, "expired", self.status)
                continue
            if self.status.printable:
                await self._poll()  # just before the job: the status of now
            if not self.status.printable:
                self._tell_failed(job, self.status)
                continue
            try:
                data = self.render(job, self.status)
            except Exception:  # e.g. a stored job for a service the config no longer has
                log.exception("job %d cannot be rendered; dropping it", job.id)
                self.jobs.set_state(job.id, "expired", self.clock.time())
                self.on_job(job, "expired", self.status)
                continue
            self.jobs.set_state(job.id, "sending", self.clock.time(), attempt=True)
            status = await self._call(self.driver.print, data)
            self._set(status)
            if not status.printable:  # it did not take it (or ran out on it)
                self._tell_failed(job, status)
                continue
            self.jobs.set_state(job.id, "printed", self.clock.time())
            self.on_job(job, "printed", status)

    def _tell_failed(self, job: Job, status: PrinterStatus) -> None:
        self.jobs.set_state(job.id, "expired", self.clock.time())  # never printed late
        self.on_job(job, "not_printed", status)
