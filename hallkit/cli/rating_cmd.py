"""hallctl rating list|show|follow-up|stats|export: the service ratings (好差评) for the
hall's staff — bad ratings to assign, answer and close, the good rate, the day's files."""

from __future__ import annotations

import sys
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from hallkit.cli import app_launch
from hallkit.cli.common import add_config_arg, config_or_exit
from hallkit.cli.ops_bus import answer_or_exit
from hallkit.daemons.rating.contract import COMPONENT, LEVELS

HINT = " (is the rating daemon running?)"


def register(sub) -> None:
    rating = sub.add_parser("rating", help="service ratings (好差评): list, show, follow-up, stats, export")
    actions = rating.add_subparsers(dest="rating_command", required=True, metavar="ACTION")
    p = actions.add_parser("list", help="ratings, newest first")
    add_config_arg(p)
    p.add_argument("--bad", action="store_true", help="only 不满意 and 非常不满意 (levels 1-2)")
    p.add_argument("--open", action="store_true", help="only those whose follow-up is not closed")
    p.add_argument("--day", type=date.fromisoformat, help="YYYY-MM-DD")
    p.add_argument("--limit", type=int, default=50)
    p.set_defaults(func=run_list)
    p = actions.add_parser("show", help="one rating, with its follow-up")
    add_config_arg(p)
    p.add_argument("rating_id")
    p.set_defaults(func=run_show)
    p = actions.add_parser("follow-up", help="assign, answer or close a bad rating's follow-up (整改)")
    add_config_arg(p)
    p.add_argument("rating_id")
    p.add_argument("--assign", metavar="WHO", help="the new owner")
    p.add_argument("--answer", metavar="TEXT", help="what was done, as told to the rater")
    p.add_argument("--close", action="store_true", help="close it (answered first)")
    p.set_defaults(func=run_follow_up)
    p = actions.add_parser("stats", help="好评率 per window, clerk, service or day")
    add_config_arg(p)
    p.add_argument("--by", choices=("window", "clerk", "service", "day"), default="day")
    p.add_argument("--since", type=date.fromisoformat, help="first day (default: 30 days ago)")
    p.add_argument("--until", type=date.fromisoformat, help="last day (default: today)")
    p.set_defaults(func=run_stats)
    p = actions.add_parser("export", help="write a day's CSV (UTF-8 with BOM) and JSON lines again")
    add_config_arg(p)
    p.add_argument("day", type=date.fromisoformat, help="YYYY-MM-DD")
    p.set_defaults(func=run_export)
    screen = app_launch.add_app_parser(sub, "rating-screen", "the rating screen facing the citizen at a "
                                       "window (a `rating` device of family mqtt-tablet)", "rating-7")
    screen.set_defaults(func=run_screen)


def run_screen(args) -> int:
    from hallkit.kiosk_ui.rating.window import RatingWindow

    return app_launch.launch(args, "rating-screen", "rating", RatingWindow)


def _ask(args, action: str, data: dict) -> tuple[dict, ZoneInfo]:
    """The answer's data, and the hall's time zone to show its times in."""
    cfg = config_or_exit(args.config)
    answer = answer_or_exit(cfg, COMPONENT, action, data, f"hallctl rating {args.rating_command}", HINT)
    return answer, ZoneInfo(cfg.hall.timezone)


def _line(r: dict, zone: ZoneInfo) -> str:
    level = r.get("level")
    said = f"{level} {LEVELS[level][0]}" if level else "未评价"
    rated_at = r.get("rated_at")
    when = datetime.fromtimestamp(rated_at, zone).strftime("%m-%d %H:%M") if rated_at else r["day"]
    text = (f"{r['rating_id']}  {when}  window {r['window']:>3}  clerk {r.get('clerk') or '-':<6} "
            f"{r['service']:<6} {r['number']:<6} {said}")
    f = r.get("follow_up")
    if f:
        late = " OVERDUE" if f["overdue"] else ""
        text += f"  follow-up {f['state']}, {f['owner']}, due {f['deadline']}{late}"
    return text


def run_list(args) -> int:
    data = {"bad": args.bad, "open": args.open, "limit": args.limit}
    if args.day:
        data["day"] = args.day.isoformat()
    answer, zone = _ask(args, "list", data)
    ratings = answer["ratings"]
    for r in ratings:
        print(_line(r, zone))
    if not ratings:
        print("no ratings" + (" to follow up" if args.bad or args.open else ""))
    return 0


def run_show(args) -> int:
    r, zone = _ask(args, "show", {"rating_id": args.rating_id})
    print(_line(r, zone))
    print(f"  channel {r['channel']}" + (f", rater {r['phone_masked']}" if r.get("phone_masked") else ""))
    if r.get("reasons"):
        print(f"  reasons: {'；'.join(r['reasons'])}")
    if r.get("comment"):
        print(f"  comment: {r['comment']}")
    if r.get("follow_up", {}).get("answer"):
        print(f"  answer: {r['follow_up']['answer']}")
    return 0


def run_follow_up(args) -> int:
    if not (args.assign or args.answer or args.close):
        print("hallctl rating follow-up: say --assign, --answer or --close", file=sys.stderr)
        return 2
    data = {"rating_id": args.rating_id, "close": args.close}
    if args.assign:
        data["assign"] = args.assign
    if args.answer:
        data["answer"] = args.answer
    print(_line(*_ask(args, "follow-up", data)))
    return 0


def run_stats(args) -> int:
    until = args.until or datetime.now(ZoneInfo(config_or_exit(args.config).hall.timezone)).date()
    since = args.since or until - timedelta(days=30)  # up to the hall's today
    span = {"since": since.isoformat(), "until": until.isoformat(), "by": args.by}
    rows = _ask(args, "stats", span)[0]["rows"]
    print(f"{args.by:<10}{'services':>9}{'rated':>7}{'good':>6}{'bad':>5}{'好评率':>8}")
    for r in rows:
        rate = f"{r['good_rate']:.1%}" if r.get("good_rate") is not None else "-"
        print(f"{r['key']:<10}{r['services']:>9}{r['rated']:>7}{r['good']:>6}{r['bad']:>5}{rate:>9}")
    return 0


def run_export(args) -> int:
    done, _ = _ask(args, "export", {"day": args.day.isoformat()})
    print(f"{done['ratings']} rating(s) of {args.day}: {done['csv']}, {done['jsonl']}")
    return 0
