"""``python -m bot export --out FILE``: the anonymised research export (CSV) and its data dictionary."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

NAME = "export"
HELP = "write the anonymised research export (CSV, consented members only) and its data dictionary"
DESCRIPTION = (
    "Write the research export: one CSV in long format (one row per participant, questionnaire and occasion,\n"
    "plus posts per week) for members who have given research consent, with fresh random participant and\n"
    "group ids on every run, weeks counted from each participant's first score, and cells with fewer than\n"
    "research.k_anonymity participants left out. A data dictionary is written beside it as FILE.dictionary.md.\n"
    "See docs/RESEARCH-EXPORT.md."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", required=True, type=Path, metavar="FILE", help="CSV file to write, e.g. export.csv")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.cli._outcomes import NoDatabase, open_outcomes
    from bot.core.outcomes.export import ExportResult

    async def _export() -> ExportResult:
        async with open_outcomes(settings) as outcomes:
            return await outcomes.export(args.out)

    if args.out.is_dir():
        return fail(f"{args.out} is a folder; give a file name such as {args.out / 'export.csv'}")
    try:
        result = asyncio.run(_export())
    except NoDatabase as exc:
        return fail(str(exc))
    except OSError as exc:
        return fail(f"could not write {args.out}: {exc.strerror or exc}")
    print(f"Wrote {result.rows} rows for {result.participants} participants to {result.path} "
          f"(data dictionary: {result.dictionary_path}); {result.suppressed_cells} cell(s) with fewer than "
          f"{settings.research.k_anonymity} participants left out.")
    return 0
