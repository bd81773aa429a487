"""``python -m bot classify``: JSON lines in on stdin, one JSON line out per input line.

Input ``{"text": ...}``; output ``{"text", "label", "scores": {label: probability}}`` with all six
labels (scores are the model's probabilities; the label follows the deployed combination rule with
the safety net). A bad line gets ``{"error": ...}`` and the next line is read; exit status 0.
"""

from __future__ import annotations

import argparse
import json
import select
import sys

from bot.cli._common import settings_or_exit

NAME = "classify"
HELP = 'classify JSON lines {"text": ...} from stdin into the six framing labels'
BATCH = 32


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def _flush(classifier: object, pending: list[tuple[int, str]], out: dict[int, str]) -> None:
    if pending:
        for (number, text), result in zip(pending, classifier.classify([t for _, t in pending]), strict=True):  # type: ignore[attr-defined]
            out[number] = json.dumps({"text": text, "label": result.label,
                                      "scores": {k: round(v, 4) for k, v in result.scores.items()}},
                                     ensure_ascii=False)
        pending.clear()


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
    for number, line in enumerate(sys.stdin):
        if not line.strip():
            out[number] = json.dumps({"error": "empty line: expected {\"text\": ...}"})
        else:
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                row = None
                out[number] = json.dumps({"error": "not valid JSON: expected {\"text\": ...}"})
            if row is not None:
                if isinstance(row, dict) and isinstance(row.get("text"), str):
                    pending.append((number, row["text"]))
                else:
                    out[number] = json.dumps({"error": "each line needs a \"text\" string"})
        if len(pending) >= BATCH or (pending and not _more_waiting()):
            _flush(classifier, pending, out)
        while next_to_print in out and not pending:
            print(out.pop(next_to_print), flush=True)
            next_to_print += 1
    _flush(classifier, pending, out)
    for number in sorted(out):
        print(out[number])
    return 0
