"""``python -m bot score INSTRUMENT ANSWERS``: score one set of questionnaire answers and print JSON.

Prints one line, ``{"instrument", "total", "subscales", "band", "flags"}``, and exits 0. On bad input it
prints one ``error: …`` line to stderr and exits 2. Scoring needs no item text, so licensed instruments
such as the EPDS score here even though their text is not bundled.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.core.instruments import InstrumentError, get_instrument, load_instruments, parse_answers

NAME = "score"
HELP = "Score comma-separated questionnaire answers and print the result as JSON."

QUESTIONNAIRE_DIR = Path(__file__).resolve().parents[2] / "config" / "questionnaires"


def _known_ids() -> list[str]:
    return sorted(path.stem for path in QUESTIONNAIRE_DIR.glob("*.toml"))


DESCRIPTION = (
    "Score one set of questionnaire answers and print one JSON line: "
    '{"instrument", "total", "subscales", "band", "flags"}.'
)
EPILOG = (
    "ANSWERS are comma-separated, 0-based option positions, one per item in item order, counted in\n"
    "the order the options are printed (0 = the first option). They are positions, not scores: for\n"
    'SCS-SF "Almost always" is 4 (it scores 5), and EPDS item 3\'s first option is 0 even though it\n'
    "scores 3. Reverse scoring is applied for you.\n\n"
    "Example: python -m bot score phq9 0,1,2,3,0,1,2,3,0\n\n"
    f"Instruments: {', '.join(_known_ids()) or '(none found in ' + str(QUESTIONNAIRE_DIR) + ')'}"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = EPILOG
    parser.add_argument("instrument", metavar="INSTRUMENT", help="questionnaire id, e.g. phq9")
    parser.add_argument("answers", metavar="ANSWERS", help="comma-separated option positions, e.g. 0,1,3")


def run(args: argparse.Namespace) -> int:
    try:
        instruments = load_instruments(QUESTIONNAIRE_DIR)
        instrument = get_instrument(instruments, args.instrument)
        result = instrument.score(parse_answers(args.answers))
    except InstrumentError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result.to_json_dict(), ensure_ascii=False))
    return 0
