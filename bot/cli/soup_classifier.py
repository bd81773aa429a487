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
from dataclasses import replace
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

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
    import numpy as np

    from bot.core.framing.adapter import Adapter, AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import ExampleError, load_dev
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.labels import LABELS
    from bot.core.framing.soup import average, soup_thresholds

    try:
        parts = [(Adapter.load(folder / "adapter.safetensors"), LinearHead.load(folder / "head.safetensors"))
                 for folder in args.parts]
        adapter, head = average(parts)
        dev = load_dev()
    except (AdapterError, HeadError, ExampleError, ValueError) as exc:
        return fail(str(exc))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        adapter.save(args.out / "adapter.safetensors")
        head.save(args.out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    crisis = LABELS.index("crisis")
    is_crisis = np.array([flag for _, flag in dev])

    def crisis_scores(folder: Path) -> np.ndarray:
        classifier = FramingClassifier.load(0.5, settings.framing.max_chars, head_path=folder / "head.safetensors",
                                            adapter_path=folder / "adapter.safetensors",
                                            threads=settings.framing.threads)
        return classifier.probabilities([text for text, _ in dev])[:, crisis]

    print(f"{len(parts)} parts → rank {adapter.rank}; scoring {len(dev)} development posts "
          f"({int(is_crisis.sum())} crises) with the first part and the soup", flush=True)
    try:
        anchor, soup = crisis_scores(args.parts[0]), crisis_scores(args.out)
        thresholds = soup_thresholds(anchor[is_crisis], soup[is_crisis], parts[0][1])
    except (ModelMissingError, AdapterError, HeadError, ValueError) as exc:
        return fail(str(exc))
    head = replace(head, crisis_threshold=thresholds.crisis, urgent_threshold=thresholds.urgent)
    head.save(args.out / "head.safetensors")
    anchor_head = parts[0][1]
    rows = [
        ("thresholds (crisis / urgent)", f"{anchor_head.crisis_threshold:g} / {anchor_head.urgent_threshold:g}",
         f"{thresholds.crisis:g} / {thresholds.urgent:g}"),
        (f"crises found (of {thresholds.crises})", thresholds.anchor_found, thresholds.found),
        ("crises at or above urgent", thresholds.anchor_urgent, thresholds.urgent_found),
        (f"safe posts called crisis (of {int((~is_crisis).sum())})",
         int((anchor[~is_crisis] >= anchor_head.crisis_threshold).sum()),
         int((soup[~is_crisis] >= thresholds.crisis).sum())),
    ]
    print(f"  {'development files, model alone':36}{'first part':>14}{'soup':>14}")
    for name, first, second in rows:
        print(f"  {name:36}{first:>14}{second:>14}")
    print(f"wrote {args.out / 'adapter.safetensors'} and {args.out / 'head.safetensors'} "
          f"(framing.crisis_threshold {thresholds.crisis:g}, framing.urgent_threshold {thresholds.urgent:g})")
    return 0
