"""hallctl voice test "…" | clips: the hall's voice (语音叫号)."""

from __future__ import annotations

import sys
from pathlib import Path

from hallkit.cli.common import EX_UNAVAILABLE, add_config_arg, config_or_exit
from hallkit.cli.ops_bus import ops_bus, run_or_exit
from hallkit.contract.topics import Topics


def register(sub) -> None:
    voice = sub.add_parser("voice", help="the voice announcements: a test sentence, the clip bank")
    voice = voice.add_subparsers(dest="voice_command", required=True, metavar="ACTION")
    p = voice.add_parser("test", help="say a sentence through the hall's speakers (after any calls)")
    add_config_arg(p)
    p.add_argument("text", nargs="?", default="语音播报测试，请A001号到1号窗口办理")
    p.set_defaults(func=run_test)
    p = voice.add_parser("clips", help="make the clip bank with espeak-ng and sox (the voice daemon "
                         "makes what is missing when it starts)")
    add_config_arg(p)
    p.add_argument("--out", type=Path, help="folder (default: the hall's storage, voice/clips)")
    p.add_argument("--force", action="store_true", help="make every clip again")
    p.add_argument("--list", action="store_true", help="only list the clip names (for recorded clips)")
    p.set_defaults(func=run_clips)


def run_test(args) -> int:
    cfg = config_or_exit(args.config)

    async def ask():
        async with ops_bus(cfg) as bus:
            return await bus.request(Topics(cfg.hall.id, "voice").cmd("say"), {"text": args.text})

    reply = run_or_exit("hallctl voice", ask(), " (is the voice daemon running?)")
    if reply.status != "ok":
        print(f"{reply.error.code}: {reply.error.message}", file=sys.stderr)
        return 1
    print(f"queued after {reply.data['waiting']} announcement(s); `hallctl status` shows where the "
          "sound goes")
    return 0


def run_clips(args) -> int:
    from hallkit.daemons.voice import clipbank

    if args.list:
        print("\n".join(f"{name}.wav" for name in clipbank.clip_names()))
        return 0
    folder = args.out or config_or_exit(args.config).storage_path / "voice" / "clips"
    try:
        made = clipbank.build(folder, force=args.force)
    except clipbank.ClipError as exc:
        print(f"hallctl voice clips: {exc}", file=sys.stderr)
        return EX_UNAVAILABLE
    print(f"{folder}: {len(made)} clip(s) made, {len(clipbank.clip_names())} in the bank")
    return 0
