"""Try the whole bot offline: a simulated server in the terminal, no Discord token needed."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli._common import settings_or_exit

NAME = "sandbox"
HELP = "try the bot offline in a simulated server (no Discord token needed)"
DESCRIPTION = """\
An offline, simulated server with one moderator ("mod") and one anonymous group. You play the
members and the moderator; every line of output is something a person would see, prefixed by
where it appears: [#night-owls] the group, [#mod-log] the moderator log, [dm:NAME] a direct
message to NAME, [ephemeral:NAME] a private reply only NAME sees. Buttons are shown as numbered
choices. It uses its own temporary database and key, never the real ones.

Lines:
  as NAME: TEXT            member NAME posts TEXT in the group (as with /share); members join on first use
  as NAME: /COMMAND ARGS   a member command: /join /leave /share /unshare /alias /report /checkin
                           /consent /mytrends /mydata /forget-me /nudges /dms (sandbox: close/open DMs)
  mod: /COMMAND ARGS       a moderator command: /mod flags|ack|resolve|warn|timeout|remove|delete|history|audit,
                           /checkins ..., /framing ..., /outcomes
  as NAME: answer N        answer the current questionnaire item with option N
  as NAME: press N         press button N of the last message NAME was shown (mod: press N too)
  wait DURATION            move the clock forward (30m, 2h, 7d, 1w) and run what falls due
  # comment                ignored
Arguments with spaces go in quotes: mod: /mod warn "Quiet Fern" please be gentle"""
EPILOG = """\
example:
  as Anna: everyone at baby group seems to cope better than me
  as Bea: me too, you're not alone 💛
  mod: /mod flags
  wait 7d

Run the bundled walk-through:  python -m bot sandbox --script config/sandbox/demo.txt"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="run the lines of FILE, then exit (0, or 1 naming a line that could not run)")
    parser.add_argument("--out", type=Path, default=Path("sandbox-output"), metavar="DIR",
                        help="folder for charts and data files the sandbox writes (default: sandbox-output)")


async def _run(args: argparse.Namespace) -> int:
    from bot.cli._framing import load_classifier
    from bot.logging_setup import setup_logging
    from bot.sandbox.output import Screen
    from bot.sandbox.session import run_interactive, run_script
    from bot.sandbox.world import open_world

    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    setup_logging("WARNING", None)  # the transcript is the output; only problems go to stderr
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    screen = Screen(lambda line: print(line, flush=True))
    async with open_world(settings, screen, classifier=classifier) as world:
        if args.script is not None:
            return await run_script(world, args.script.read_text(encoding="utf-8").splitlines(), args.out)
        return await run_interactive(world, args.out)


def run(args: argparse.Namespace) -> int:
    if args.script is not None and not args.script.is_file():
        print(f"error: script {args.script} not found", file=sys.stderr)
        return 2
    return asyncio.run(_run(args))
