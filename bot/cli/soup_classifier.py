"""``python -m bot soup-classifier PART... --out DIR``: average trained framing models into one candidate.

Each PART is a folder with the adapter.safetensors and head.safetensors that `train-classifier`
wrote (the head records its out-of-fold thresholds). The soup (bot/core/framing/soup.py) averages
their weights, so it costs one encoder pass like any of them, and takes its thresholds from the
development files (config/framing/dev/) by keeping the first part's operating point. It writes the
candidate to DIR and prints, on the development files, what the first part and the soup find; it
reads neither the held-out split nor the independent set. To try the candidate, copy its two files
into config/framing/ and set both thresholds in config/settings.toml; the rule a candidate must pass
is in config/framing/pending/README.md.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli._common import fail, settings_or_exit
from bot.cli._framing import set_dev_thresholds

NAME = "soup-classifier"
HELP = "average trained framing models (weight soup) into one candidate; thresholds from the development files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("parts", nargs="+", type=Path, metavar="PART",
                        help="folders with adapter.safetensors and head.safetensors from train-classifier; "
                             "the first is the anchor whose operating point the soup keeps")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="where to write the candidate")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.core.framing.adapter import Adapter, AdapterError
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.soup import average

    try:
        parts = [(Adapter.load(folder / "adapter.safetensors"), LinearHead.load(folder / "head.safetensors"))
                 for folder in args.parts]
        adapter, head = average(parts)
    except (AdapterError, HeadError, ValueError) as exc:
        return fail(str(exc))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        adapter.save(args.out / "adapter.safetensors")
        head.save(args.out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    print(f"{len(parts)} parts → rank {adapter.rank}; the first is the anchor", flush=True)
    return set_dev_thresholds(settings, args.parts[0], args.out, "soup")
