"""``python -m bot report --out DIR``: charts and a Markdown summary of outcomes (consented members only)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

NAME = "report"
HELP = "write the research report (PNG charts and summary.md) into a folder"
DESCRIPTION = (
    "Write the research report into DIR: summary.md with pre/post change per questionnaire, reliable-change\n"
    "categories, dose-response (engagement tertiles against change) and the connection index against change,\n"
    "and one PNG chart per section. Consented members only; cells with fewer than research.k_anonymity\n"
    "participants are hidden. Progress is printed on stderr, one line per stage."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write (created if missing)")


def _progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.cli._outcomes import NoDatabase, open_outcomes
    from bot.core.outcomes.report import ReportResult

    async def _report() -> ReportResult:
        async with open_outcomes(settings) as outcomes:
            return await outcomes.report(args.out, _progress)

    if args.out.exists() and not args.out.is_dir():
        return fail(f"{args.out} is a file; give a folder for the report")
    try:
        result = asyncio.run(_report())
    except NoDatabase as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"could not write to {args.out}: {exc.strerror or exc}")
    print(f"Wrote {result.summary_path} and {len(result.charts)} charts.")
    return 0
