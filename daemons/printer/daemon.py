"""The printer daemon: prints a ticket for every ticket taken at a kiosk that has a
printer, publishes each printer's condition, and tells kiosks how their jobs ended.

Jobs come from the queue's ``issued`` events (QoS 1 on a persistent session, so a
restart loses none; a redelivered event is recognised by its ticket id) and from
``cmd/test``. A ticket's job expires ``[ticket] print_expiry_s`` after it was taken.
"""

from __future__ import annotations

import asyncio
import logging
import time

from hallkit.contract.envelope import EventOf, event_json
from hallkit.contract.topics import Topics
from hallkit.daemons.locker.contract import Receipt
from hallkit.daemons.printer import contract as p
from hallkit.daemons.printer.jobs import MIGRATIONS, Job, Jobs
from hallkit.daemons.printer.messages import job_words, printer_state_words
from hallkit.daemons.printer.ticket import receipt_blocks, template, test_blocks, ticket_blocks
from hallkit.daemons.printer.worker import PrinterWorker
from hallkit.daemons.queue.contract import IssuedEvent
from hallkit.drivers.escpos.connectors import link_for
from hallkit.drivers.escpos.driver import STATUS_TIMEOUT_S, EscposPrinter
from hallkit.drivers.escpos.status import PrinterStatus
from hallkit.drivers.sim.lines import sim_endpoint
from hallkit.plugins import family
from hallkit.runtime.commands import CommandError, handles
from hallkit.runtime.daemon import HEARTBEAT_S, Daemon, keep_running

log = logging.getLogger(__name__)
KEEP_DONE_S = 7 * 86400  # printed and expired jobs are kept a week for questions
# What one job may take at most: a status poll before and after (four requests each, each
# answered within the driver's timeout) and the slip itself.
JOB_WORST_S = 2 * 4 * STATUS_TIMEOUT_S + 3.0


class PrinterDaemon(Daemon):
    name = "printer"
    migrations = MIGRATIONS

    def __init__(self, cfg, *, usb_backend=None, **kw) -> None:
        super().__init__(cfg, **kw)
        self.jobs = Jobs(self.store)
        self.template = template(cfg)
        self.options = {dev_id: cfg.options(dev_id) for dev_id in cfg.devices_of("printer")}
        self.kiosks = {dev_id: dev.printer for dev_id, dev in cfg.devices_of("kiosk").items()
                       if dev.printer}
        self.workers: dict[str, PrinterWorker] = {}
        self.since: dict[str, tuple[str, float]] = {}  # condition, since when
        self._last_state: dict[str, tuple[PrinterStatus, float]] = {}  # what went out, when (monotonic)
        for dev_id, dev in cfg.devices_of("printer").items():
            baud, _ = family(dev.family).line_settings(dev.link)
            driver = EscposPrinter(
                lambda link=dev.link, baud=baud: link_for(
                    link, baud=baud, usb_backend=usb_backend,
                    sim=sim_endpoint(cfg, link.target) if link.scheme == "sim" else None),
                reads_status=self.options[dev_id].status)
            self.workers[dev_id] = PrinterWorker(dev_id, driver, self.jobs, self.clock,
                                                 render=self._render, on_status=self._on_status,
                                                 on_job=self._on_job)
        queue = Topics(cfg.hall.id, "queue")
        self.bus.on(queue.event("issued"), EventOf[IssuedEvent], self._on_issued)
        self.bus.on(queue.event("reprint"), EventOf[IssuedEvent], self._on_reprint)
        self.bus.on(Topics(cfg.hall.id, "locker").event("receipt"), EventOf[Receipt], self._on_receipt)
        self._tasks: list[asyncio.Task] = []

    async def start(self) -> None:
        self._tasks = [asyncio.create_task(keep_running(f"printer {w.device_id} loop", w.run))
                       for w in self.workers.values()]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        for worker in self.workers.values():
            worker.close()

    # -- jobs in ------------------------------------------------------------------------------
    def _on_issued(self, topic: str, event: EventOf[IssuedEvent]) -> None:
        self._print(event.data, f"ticket:{event.data.ticket_id}", event.data.taken_at)

    def _on_reprint(self, topic: str, event: EventOf[IssuedEvent]) -> None:
        self._print(event.data, f"reprint:{event.data.ticket_id}:{event.ts!r}", event.ts)

    def _print(self, ticket: IssuedEvent, key: str, asked_at: float) -> None:
        """Queue a ticket for its kiosk's printer; the key makes a redelivered event a no-op."""
        if ticket.kiosk is None:
            return  # taken at a console or by hallctl: nothing to print
        printer = self.kiosks.get(ticket.kiosk)
        if printer is None:
            log.info("ticket %s from %s: that kiosk has no printer", ticket.number, ticket.kiosk)
            return
        now = self.clock.time()
        job, new = self.jobs.add(key, printer, ticket.kiosk, ticket.model_dump(), now,
                                 asked_at + self.template.print_expiry_s, ticket.ticket_id,
                                 ticket.number)
        if new:
            ahead = self.jobs.waiting_count(printer)  # this one included
            self.bus.publish(self.topics.event("accepted"), event_json(p.JobAccepted(
                job_id=job.id, printer=printer, kiosk=ticket.kiosk, ticket_id=ticket.ticket_id,
                number=ticket.number, expect_by=now + ahead * JOB_WORST_S), now))
            self.workers[printer].wake.set()

    def _on_receipt(self, topic: str, event: EventOf[Receipt]) -> None:
        """A drop-off's receipt on the printer of the kiosk it was made at."""
        r = event.data
        printer = self.kiosks.get(r.kiosk)
        if printer is None:
            return  # the kiosk shows the number to be noted
        now = self.clock.time()
        _, new = self.jobs.add(f"receipt:{r.receipt}:{r.at!r}", printer, r.kiosk, r.model_dump(), now,
                                 r.at + self.template.print_expiry_s, None, r.receipt)
        if new:
            self.workers[printer].wake.set()

    @handles("test")
    def test(self, req: p.TestPrint, ctx):
        printer = req.printer
        if req.kiosk is not None:
            if req.kiosk not in self.cfg.devices_of("kiosk"):
                raise CommandError("unknown_kiosk", f"no kiosk {req.kiosk!r} in the hall config",
                                   "data.kiosk")
            printer = self.kiosks.get(req.kiosk)
            if printer is None:
                raise CommandError("no_printer", f"kiosk {req.kiosk} has no printer", "data.kiosk")
        if printer not in self.workers:
            raise CommandError("unknown_printer", f"no printer {printer!r}; there are "
                               f"{', '.join(sorted(self.workers)) or 'none'}", "data.printer")
        job, _ = self.jobs.add(f"test:{ctx.sender.user}:{ctx.request.id}", printer, req.kiosk,
                               {"requested_by": ctx.sender.user}, ctx.now,
                               ctx.now + self.template.print_expiry_s)
        asyncio.get_running_loop().call_soon(self.workers[printer].wake.set)
        return p.JobQueued(job_id=job.id, printer=printer, status=self.workers[printer].status.condition)

    def _render(self, job: Job, status: PrinterStatus) -> bytes:
        opts = self.options[job.printer]
        dots = opts.paper_dots
        if job.is_test:
            blocks = test_blocks(self.cfg, job.printer, status.condition, self.clock.time(), dots,
                                 opts.qr_module)
        elif job.is_receipt:
            blocks = receipt_blocks(self.cfg, Receipt.model_validate(job.body), dots, opts.qr_module)
        else:
            blocks = ticket_blocks(self.cfg, IssuedEvent.model_validate(job.body), dots, opts.qr_module,
                                   reprinted_at=job.created_at if job.key.startswith("reprint:") else None)
        return opts.encoder().encode(blocks)

    # -- what goes out --------------------------------------------------------------------------
    def _on_status(self, device_id: str, status: PrinterStatus) -> None:
        """After every poll: publish what changed at once, and an unchanged state only as often
        as the daemon's heartbeat (it says when the printer was last seen)."""
        previous = self.since.get(device_id)
        if previous is None or previous[0] != status.condition:
            self.since[device_id] = (status.condition, self.clock.time())
        last = self._last_state.get(device_id)
        if last is None or last[0] != status or time.monotonic() - last[1] >= HEARTBEAT_S:
            self._publish_printer(device_id, status)

    def _publish_printer(self, device_id: str, status: PrinterStatus) -> None:
        self._last_state[device_id] = (status, time.monotonic())
        topics = Topics(self.cfg.hall.id, "printer", device_id)
        zh, en = printer_state_words(status.condition)
        self.publish_retained(topics.state, p.PrinterState(
            printer=device_id, status=status.condition, detail=status.detail, message_zh=zh,
            message_en=en, since=self.since[device_id][1], jobs_waiting=self.jobs.waiting_count(device_id),
            kiosks=sorted(k for k, v in self.kiosks.items() if v == device_id)))
        self.publish_availability("printer", device_id, status.condition != "unreachable",
                                  status.detail or "no reply")

    def _on_job(self, job: Job, outcome: str, status: PrinterStatus) -> None:
        zh, en = job_words(outcome, status.condition, job.number, receipt=job.is_receipt)
        event = p.JobEvent(job_id=job.id, printer=job.printer, kiosk=job.kiosk, ticket_id=job.ticket_id,
                           number=job.number, outcome=outcome, status=status.condition,
                           message_zh=zh, message_en=en)
        name = "printed" if outcome == "printed" else "failed"
        self.bus.publish(self.topics.event(name), event_json(event, self.clock.time()))
        self._publish_printer(job.printer, self.workers[job.printer].status)
        log.info("job %d (%s) on %s: %s", job.id, job.number or "test", job.printer, outcome)

    def housekeeping(self) -> None:
        # A job keeps the ticket as printed (masked ID and phone): never past [privacy] keep_days.
        keep_s = min(KEEP_DONE_S, self.cfg.privacy.keep_days * 86400)
        purged = self.jobs.purge(self.clock.time() - keep_s)
        if purged:
            log.info("forgot %d print jobs finished over %d days ago", purged, keep_s // 86400)
