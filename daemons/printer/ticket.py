"""What a queue ticket says, laid out as printer blocks (80 or 58 mm).

Chinese first; English lines under it when the hall's ``[ticket] english`` is on.
Only masked personal data is printed.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from zoneinfo import ZoneInfo

from hallkit.config.model import HallConfig, QueueRules, Service
from hallkit.daemons.locker.contract import Receipt
from hallkit.daemons.printer.settings import TicketTemplate
from hallkit.daemons.queue.contract import IssuedEvent
from hallkit.drivers.escpos.layout import CELL, Block, Feed, Qr, Rule, Text, cells, fit

PRIORITY_LABELS = {"elderly": ("老年人优先", "Priority: senior citizen"),
                   "disabled": ("残疾人优先", "Priority: disability"),
                   "military": ("军人优先", "Priority: military"),
                   "green_channel": ("绿色通道", "Priority: green channel")}


def wait_text(ahead: int, est_wait_s: float | None) -> tuple[str, str]:
    """The estimated wait as people read it: 约 15 分钟, rounded to what an estimate is worth."""
    if est_wait_s is None:
        return "暂无窗口开放，请留意叫号", "No window open yet; please watch the screens"
    minutes = est_wait_s / 60
    if ahead == 0 or minutes < 1:
        return "即将叫号，请留意叫号屏", "You will be called shortly"
    m = round(minutes) if minutes < 10 else 5 * round(minutes / 5)
    if m < 60:
        return f"预计等候约 {m} 分钟", f"Estimated wait: about {m} min"
    h, rest = divmod(m, 60)
    zh = f"预计等候约 {h} 小时" + (f" {rest} 分钟" if rest else "")
    return zh, f"Estimated wait: about {h} h" + (f" {rest} min" if rest else "")


def template(cfg: HallConfig) -> TicketTemplate:
    """The hall's [ticket] section, typed (the printer daemon declares it)."""
    return cfg.section("ticket")  # type: ignore[return-value]


def notice_lines(cfg: HallConfig, service: Service | None) -> tuple[list[str], list[str]]:
    t = template(cfg)
    if t.notice_zh is not None:
        return t.notice_zh, t.notice_en or []
    rules = service.rules if service else QueueRules()
    if rules.no_show == "drop" or rules.requeue_max == 0:
        zh, en = "过号作废，请重新取号", "If you miss your call, please take a new ticket"
    else:
        times = "1 次" if rules.requeue_max == 1 else f"{rules.requeue_max} 次"
        zh = f"过号可顺延 {rules.requeue_back} 位，限 {times}"
        en = (f"Missed your call? You go {rules.requeue_back} places back"
              + (" (once)" if rules.requeue_max == 1 else f" (up to {rules.requeue_max} times)"))
    return [zh, "请留意叫号屏和语音提示"], [en, "Please watch the screens for your number"]


def _headline(text: str, paper_dots: int, sizes: tuple[int, ...] = (2, 1)) -> Text:
    """Bold, centred, at the largest square size in ``sizes`` that fits on one line."""
    size = fit(text, paper_dots, sizes)
    return Text(text, size, size, bold=True, align="center")


def _labelled(zh: str, en: str | None, value: str, width: int = 16) -> Text:
    """``取号时间 Taken   2026-11-23 09:31``: labels padded so the values line up."""
    label = f"{zh} {en}" if en else zh
    return Text(label + " " * max(1, width - cells(label)) + value)


def ticket_blocks(cfg: HallConfig, t: IssuedEvent, paper_dots: int, qr_module: int = 6, *,
                  reprinted_at: float | None = None) -> list[Block]:
    """``reprinted_at``: a slip printed again on request says so, and when, so a citizen
    holding two slips of one number knows which figures are the newer."""
    tpl = template(cfg)
    en = tpl.english
    service = next((s for s in cfg.services if s.code == t.service), None)  # gone from the config?
    blocks: list[Block] = [
        _headline(cfg.hall.name_zh, paper_dots),
    ]
    if en:
        blocks.append(Text(cfg.hall.name_en, align="center"))
    blocks += [Rule(), _headline(t.service_name_zh, paper_dots)]
    if en:
        blocks.append(Text(t.service_name_en, align="center"))
    blocks.append(_headline(t.number, paper_dots, (4, 3, 2)))
    mark = ("预约", "Appointment") if t.appointment else PRIORITY_LABELS.get(t.priority_class or "")
    if mark:
        blocks.append(Text(f"【{mark[0]}】", 2, 2, bold=True, align="center"))
        if en:
            blocks.append(Text(mark[1], align="center"))
    ahead_zh = f"您前面还有 {t.ahead} 人等候" if t.ahead else "您前面没有人等候"
    blocks.append(_headline(ahead_zh, paper_dots))
    if en:
        ahead_en = {0: "No one ahead of you", 1: "1 person ahead of you"}.get(
            t.ahead, f"{t.ahead} people ahead of you")
        blocks.append(Text(ahead_en, align="center"))
    wait_zh, wait_en = wait_text(t.ahead, t.est_wait_s)
    blocks.append(Text(wait_zh, align="center"))
    if en:
        blocks.append(Text(wait_en, align="center"))
    qr = tpl.qr.format(hall=cfg.hall.id, ticket_id=t.ticket_id, secret=t.secret,
                              number=t.number, day=t.day)
    blocks += [Feed(1), Qr(qr, qr_module), Text("扫码查看排队进度" + (" Scan to follow your turn" if en
                                                                      else ""), align="center"),
               Rule()]
    zone = ZoneInfo(cfg.hall.timezone)
    # 58 mm paper has 32 columns: with English labels the masked ID (18) would wrap.
    wide = paper_dots // CELL >= 34
    label_en, width = (en, 16) if wide else (False, 10)
    taken = datetime.fromtimestamp(t.taken_at, zone).strftime("%Y-%m-%d %H:%M")
    blocks.append(_labelled("取号时间", label_en and "Taken", taken, width))
    if reprinted_at is not None:
        again = datetime.fromtimestamp(reprinted_at, zone).strftime("%Y-%m-%d %H:%M")
        blocks.append(_labelled("补打时间", label_en and "Again", again, width))
    if tpl.show_personal and t.id_masked:
        blocks.append(_labelled("身份证", label_en and "ID", t.id_masked, width))
    if tpl.show_personal and t.phone_masked:
        blocks.append(_labelled("手机", label_en and "Mobile", t.phone_masked, width))
    zh_lines, en_lines = notice_lines(cfg, service)
    blocks += [Text(line) for line in zh_lines]
    if en:  # wrapped at words: the printer would break them anywhere
        blocks += [Text(part) for line in en_lines for part in textwrap.wrap(line, paper_dots // CELL)]
    return blocks


def receipt_blocks(cfg: HallConfig, r: Receipt, paper_dots: int, qr_module: int = 6) -> list[Block]:
    """A drop-off's receipt: the number a citizen quotes when asking after their papers."""
    en = template(cfg).english
    when = datetime.fromtimestamp(r.at, ZoneInfo(cfg.hall.timezone)).strftime("%Y-%m-%d %H:%M")
    blocks: list[Block] = [_headline(cfg.hall.name_zh, paper_dots)]
    if en:
        blocks.append(Text(cfg.hall.name_en, align="center"))
    blocks += [Rule(), _headline("材料投递回执", paper_dots)]
    if en:
        blocks.append(Text("Drop-off receipt", align="center"))
    blocks += [_headline(r.receipt, paper_dots, (2, 1)), Feed(1),
               Qr(f"hallkit:dropoff:{cfg.hall.id}:{r.receipt}", qr_module), Rule()]
    wide = paper_dots // CELL >= 34
    label_en, width = (en, 16) if wide else (False, 10)
    blocks += [_labelled("投递时间", label_en and "Dropped", when, width),
               _labelled("柜格", label_en and "Box", f"{r.locker_zh} {r.number}号", width),
               Text("工作人员将在工作时间取出并处理您的材料。"),
               Text("查询请出示本回执或回执号。")]
    if en:
        blocks += [Text(part) for part in textwrap.wrap(
            "Staff take out and handle your papers in office hours. Ask with this receipt or its number.",
            paper_dots // CELL)]
    return blocks


def test_blocks(cfg: HallConfig, printer: str, status: str, now: float, paper_dots: int,
                qr_module: int = 6) -> list[Block]:
    """A test page: every feature a ticket uses, so a technician sees them all work."""
    when = datetime.fromtimestamp(now, ZoneInfo(cfg.hall.timezone)).strftime("%Y-%m-%d %H:%M:%S")
    return [
        _headline(cfg.hall.name_zh, paper_dots),
        Text("打印机测试 Printer test", 1, 2, bold=True, align="center"), Rule(),
        Text(f"打印机 {printer}"), Text(f"状态 {status}"), Text(f"时间 {when}"),
        Text("中文（全角标点）：正常", align="center"),
        Text("TEST", 4, 4, bold=True, align="center"),
        Feed(1), Qr(f"hallkit:printer-test:{cfg.hall.id}:{printer}", qr_module),
        Text("扫码应读出 hallkit:printer-test", align="center"),
    ]
