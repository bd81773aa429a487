"""``python -m bot classify``: JSON lines in on stdin, one JSON line out per input line.

Input ``{"text": ...}``; output ``{"text", "label", "tier", "scores": {label: probability}}`` with
all six labels (scores are the model's probabilities; the label follows the deployed combination
rule with the safety net; ``tier`` is the crisis response, "urgent" or "worried", or null when the
label is not crisis: see bot/core/framing/tiers.py). A bad line gets ``{"error": ...}`` and the
next line is read; exit status 0. That holds for any input: a line that is not UTF-8, not JSON (or
nested too deeply to parse), has no "text" string, or holds a text the model cannot score (each
text is scored on its own: one bad text never costs another line its result). A text with a lone
surrogate (``"\\ud83d"``) is scored with it replaced by U+FFFD and echoed as given; a line that the
output encoding cannot carry is written with ASCII escapes, so printing never fails.
"""

from __future__ import annotations

import argparse
import json
import select
import sys

from bot.cli._common import settings_or_exit
from bot.core.framing.tiers import crisis_tier

NAME = "classify"
HELP = 'classify JSON lines {"text": ...} from stdin into the six framing labels'
# Lines already waiting are read together, up to BATCH: the encoder sorts them by token count and
# batches by padded tokens, so a larger call pads less (300 posts: 3.0 s of model CPU in calls of 32,
# 2.2 s in one call). A live pipe still gets each answer as soon as no more input is waiting.
BATCH = 256


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def _json_line(row: dict[str, object]) -> str:
    """row as one JSON line that stdout can always print (ASCII escapes when it could not)."""
    line = json.dumps(row, ensure_ascii=False)
    try:
        line.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        line = json.dumps(row)
    return line


def _error(message: str) -> str:
    return _json_line({"error": message})


def _flush(classifier: object, pending: list[tuple[int, str]], out: dict[int, str], urgent: float) -> None:
    if not pending:
        return
    try:
        outcomes = classifier.classify_each([t for _, t in pending])  # type: ignore[attr-defined]
    except Exception as exc:  # the model as a whole failed: these lines get errors, the input goes on
        outcomes = [exc] * len(pending)
    for (number, text), outcome in zip(pending, outcomes, strict=True):
        if isinstance(outcome, Exception):
            out[number] = _error(f"the model could not score this text ({type(outcome).__name__})")
        else:
            out[number] = _json_line({"text": text, "label": outcome.label, "tier": crisis_tier(outcome, urgent),
                                      "scores": {k: round(v, 4) for k, v in outcome.scores.items()}})
    pending.clear()


def _text_of(line: bytes | str) -> str | dict[str, str]:
    """The "text" of one input line, or the {"error": ...} row for a bad line."""
    if isinstance(line, bytes):
        try:
            line = line.decode("utf-8")
        except UnicodeDecodeError:
            return {"error": "not valid UTF-8: expected {\"text\": ...}"}
    if not line.strip():
        return {"error": "empty line: expected {\"text\": ...}"}
    try:
        row = json.loads(line)
    except (ValueError, RecursionError):
        return {"error": "not valid JSON: expected {\"text\": ...}"}
    if isinstance(row, dict) and isinstance(row.get("text"), str):
        return row["text"]
    return {"error": "each line needs a \"text\" string"}


def _more_waiting() -> bool:
    """True when more input is already waiting, so lines are batched without stalling a live pipe."""
    try:
        return bool(select.select([sys.stdin], [], [], 0)[0])
    except (OSError, ValueError, TypeError):
        return False


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.cli._framing import load_classifier

    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    pending: list[tuple[int, str]] = []
    out: dict[int, str] = {}
    next_to_print = 0
    lines = getattr(sys.stdin, "buffer", sys.stdin)  # bytes when we can, so bad UTF-8 is one bad line
    for number, line in enumerate(lines):
        text = _text_of(line)
        if isinstance(text, str):
            pending.append((number, text))
        else:
            out[number] = _json_line(text)
        if len(pending) >= BATCH or (pending and not _more_waiting()):
            _flush(classifier, pending, out, settings.framing.urgent_threshold)
        while next_to_print in out and not pending:
            print(out.pop(next_to_print), flush=True)
            next_to_print += 1
    _flush(classifier, pending, out, settings.framing.urgent_threshold)
    for number in sorted(out):
        print(out[number])
    return 0
