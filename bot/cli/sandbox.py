"""Try the whole bot offline: a simulated server in the terminal, no Discord token needed."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
from pathlib import Path

from bot.cli._common import settings_or_exit

NAME = "sandbox"
HELP = "try the bot offline in a simulated server (no Discord token needed)"
DESCRIPTION = """\
An offline, simulated server with one moderator ("mod") and its groups. You play the members and
the moderator; every line of output is something a person would see, prefixed by where it appears:
[#CHANNEL] a group's channel, [#mod-log] the moderator log, [dm:NAME] a direct message between NAME
and the bot, [ephemeral:NAME] a private reply only NAME sees. Buttons are shown as numbered choices.
It uses its own database and key, never the real ones: in a temporary folder, or in --data DIR; with
--database-url URL its tables are in that PostgreSQL database instead (give an empty one, and keep
--data DIR to run it again: the key and the clock are kept there).

Lines:
  as NAME: TEXT            member NAME posts TEXT in #night-owls (as with /share); members join on first use
  as NAME #CHANNEL: TEXT   NAME writes TEXT in that group's channel (an anonymous group: as with /share;
                           an open group: as herself)
  as NAME dm: TEXT         NAME sends TEXT to the bot in a direct message
  as NAME edit: TEXT       NAME edits her last message (a DM or an open-group message) to TEXT
  as NAME: /COMMAND ARGS   a member command: /join /leave /share /unshare /alias /report /checkin
                           /consent /mytrends /mydata /forget-me /nudges /dms (sandbox: close/open DMs)
  mod: /COMMAND ARGS       a moderator command: /mod flags|ack|resolve|warn|timeout|remove|delete|history|audit,
                           /checkins ..., /framing ..., /outcomes; @NAME stands for NAME's current alias
  as NAME: answer N        answer the current questionnaire item with option N
  as NAME: press N         press button N of the last message NAME was shown (mod: press N too)
  wait DURATION            move the clock forward (30m, 2h, 7d, 1w) and run what falls due
  # comment                ignored
TEXT is taken as written (apostrophes and all). In commands, arguments with spaces go in double quotes:
  mod: /mod warn "Quiet Fern" please don't share names      mod: /mod warn @Anna please be gentle
With --data DIR, a second run continues where the first stopped: the same members, aliases, posts and
clock (DIR holds the sandbox's database, key and sandbox-state.json; delete DIR to start again)."""
EPILOG = """\
example:
  as Anna: everyone at baby group seems to cope better than me
  as Bea: me too, you're not alone 💛
  as Cara dm: I can't sleep, it's 3am
  mod: /mod flags
  wait 7d

Run the bundled walk-through:  python -m bot sandbox --script config/sandbox/demo.txt
Keep its data for another run: python -m bot sandbox --script config/sandbox/demo.txt --data sandbox-data"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--script", type=Path, metavar="FILE",
                        help="run the lines of FILE, then exit (0, or 1 naming a line that could not run)")
    parser.add_argument("--out", type=Path, default=Path("sandbox-output"), metavar="DIR",
                        help="folder for charts and data files the sandbox writes (default: sandbox-output)")
    parser.add_argument("--data", type=Path, metavar="DIR",
                        help="keep the sandbox's database and key in DIR (created if missing) and continue "
                             "from it next time, instead of a temporary folder deleted at exit")
    parser.add_argument("--database-url", metavar="URL",
                        help="keep the sandbox's tables in this PostgreSQL database "
                             "(postgresql://USER@HOST:PORT/DBNAME) instead of a SQLite file; "
                             "bot.database_url is never used by the sandbox")


async def _run(args: argparse.Namespace, lines: list[str] | None) -> int:
    from bot.cli._framing import load_classifier
    from bot.core.privacy import SecretKeyError
    from bot.logging_setup import setup_logging
    from bot.sandbox.output import Screen
    from bot.sandbox.session import play
    from bot.store.open import DatabaseUnavailable

    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    # Never the bot's own database: a SQLite file in the sandbox's folder, or the --database-url given.
    own = dataclasses.replace(settings.bot, database_url=args.database_url or "")
    settings = dataclasses.replace(settings, bot=own)
    setup_logging("WARNING", None)  # the transcript is the output; only problems go to stderr
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    screen = Screen(lambda line: print(line, flush=True))
    try:
        return await play(settings, screen, args.out, lines=lines, data_dir=args.data, classifier=classifier)
    except DatabaseUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except SecretKeyError as exc:
        print(f"error: {exc} (a database that held an earlier sandbox run needs the --data DIR of that run, "
              "or give an empty one)", file=sys.stderr)
        return 2


def run(args: argparse.Namespace) -> int:
    lines = None
    if args.script is not None:
        if not args.script.is_file():
            print(f"error: script {args.script} not found", file=sys.stderr)
            return 2
        from bot.sandbox.session import check_script

        lines = args.script.read_text(encoding="utf-8").splitlines()
        # A line that can't be read is named before the model loads and before anything runs.
        problem = check_script(lines)
        if problem is not None:
            print(f"error: {problem}", file=sys.stderr)
            return 1
    if args.database_url is not None and not args.database_url.startswith(("postgresql://", "postgres://")):
        print("error: --database-url must be a postgresql://… URL", file=sys.stderr)
        return 2
    if args.data is not None and args.data.exists() and not args.data.is_dir():
        print(f"error: --data {args.data} is a file, not a folder", file=sys.stderr)
        return 2
    return asyncio.run(_run(args, lines))
