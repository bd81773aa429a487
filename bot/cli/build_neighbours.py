"""``python -m bot build-neighbours``: rebuild the known posts beside the shipped model.

Reads the train split and the development posts (config/framing/dev/) through the shipped encoder,
adapter and head, and writes config/framing/neighbours.safetensors (bot/core/framing/neighbours.py):
the posts a model-only crisis call is checked against. Deterministic; a few minutes on a 2-core
machine. Run it after the model or the development posts change: the classifier refuses a file built
for another adapter or head.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

NAME = "build-neighbours"
HELP = "rebuild the known posts a model-only crisis call is checked against (config/framing/neighbours.safetensors)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=None, metavar="FILE",
                        help="where to write (default: config/framing/neighbours.safetensors)")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    import numpy as np

    from bot.core.framing.adapter import ADAPTER_FILE, AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import Example, ExampleError, data_hash, load_dev_posts, load_split
    from bot.core.framing.head import HEAD_FILE, HeadError
    from bot.core.framing.neighbours import NEIGHBOURS_FILE, build, model_hash
    from bot.core.framing.refit import DevFeatures, dev_features, dev_rows, first_windows
    from bot.core.framing.training import prepare

    out = NEIGHBOURS_FILE if args.out is None else args.out
    if not out.parent.is_dir():
        return fail(f"--out {out}: the folder {out.parent} does not exist")
    try:
        classifier = FramingClassifier.load(settings.framing.crisis_threshold, settings.framing.max_chars,
                                            threads=settings.framing.threads, known_posts=False)
        examples = prepare(load_split("train"))
        posts = load_dev_posts()
    except (ModelMissingError, AdapterError, HeadError, ExampleError) as exc:
        return fail(str(exc))
    print(f"reading {len(examples)} train lines and {len(posts)} development posts through the shipped model",
          flush=True)
    started = time.perf_counter()
    train = first_windows([e.text for e in examples], classifier.windows, classifier.encoder.encode)
    dev: DevFeatures = dev_features([p.text for p in posts], [p.label for p in posts], [p.file for p in posts],
                                    classifier.windows, classifier.encoder.encode)
    rows, labels = dev_rows(classifier.head, dev)
    neighbours = build(train, np.array([e.label == "crisis" for e in examples]), dev.features[rows],
                       np.array([label == "crisis" for label in labels]), model_hash(ADAPTER_FILE, HEAD_FILE),
                       data_hash(examples + [Example(p.text, p.label) for p in posts]))
    try:
        neighbours.save(out)
    except OSError as exc:
        return fail(f"{out}: cannot write there ({exc.strerror or exc})")
    crisis = neighbours.by_model.crisis
    print(f"wrote {out}: {len(crisis)} known posts ({int(crisis.sum())} crises), {neighbours.by_model.axes.shape[1]} "
          f"axes; a model-only crisis call stands when at least {neighbours.by_model.min_crisis} of its "
          f"{neighbours.k} nearest are crises by the model and at least {neighbours.by_words.min_crisis} by its words "
          f"({time.perf_counter() - started:.0f} s)")
    return 0
