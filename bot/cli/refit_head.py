"""``python -m bot refit-head --out DIR``: a new framing head for the committed encoder and adapter.

Reads the train split through the anchor model's encoder and adapter (config/framing/ unless
`--anchor DIR`), fits a multinomial logistic regression on the features of each line's first window
(bot/core/framing/refit.py: deterministic, about a minute), writes the anchor's adapter and the new
head to DIR, and sets the head's thresholds on the development files by keeping the anchor's
operating point there, as soup-classifier does. It reads neither the held-out split nor the
independent set. To try the candidate, copy its two files into config/framing/ and set both
thresholds in config/settings.toml; the rule a candidate must pass is in
config/framing/pending/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import time
from pathlib import Path

from bot.cli._common import fail, settings_or_exit
from bot.cli._framing import set_dev_thresholds

NAME = "refit-head"
HELP = "fit a new framing head on the committed encoder and adapter; thresholds from the development files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where to write the candidate (never config/framing)")
    parser.add_argument("--anchor", type=Path, default=None, metavar="DIR",
                        help="the model whose encoder and adapter are kept and whose development operating point "
                             "the new head keeps (default: config/framing)")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.core.framing.adapter import ADAPTER_FILE, AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import ExampleError, data_hash, load_split
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.refit import REFIT_C, first_windows, fit_head
    from bot.core.framing.training import prepare

    shipped = ADAPTER_FILE.parent
    anchor = shipped if args.anchor is None else args.anchor
    if args.out.resolve() == shipped.resolve() or args.out.resolve() == anchor.resolve():
        return fail(f"--out {args.out}: write the candidate to a folder of its own; it is shipped by copying "
                    "its files into config/framing/ once it has passed the rule in config/framing/pending/README.md")
    try:
        anchor_head = LinearHead.load(anchor / "head.safetensors")
        classifier = FramingClassifier.load(0.5, settings.framing.max_chars,
                                            head_path=anchor / "head.safetensors",
                                            adapter_path=anchor / "adapter.safetensors",
                                            threads=settings.framing.threads)
        examples = prepare(load_split("train"))
    except (ModelMissingError, AdapterError, HeadError, ExampleError) as exc:
        return fail(str(exc))
    if anchor_head.crisis_threshold is None or anchor_head.urgent_threshold is None:
        return fail(f"{anchor / 'head.safetensors'} records no thresholds: the anchor must be a model "
                    "train-classifier, soup-classifier or refit-head made")
    if data_hash(examples) != anchor_head.data_hash:
        return fail(f"{anchor / 'head.safetensors'} was trained on other data than the train split here: "
                    "refit only a head of the adapter trained on these lines")
    print(f"reading {len(examples)} train lines through the anchor's encoder and adapter, then fitting the "
          f"head (logistic regression, C = {REFIT_C:g})", flush=True)
    started = time.perf_counter()
    features = first_windows([e.text for e in examples], classifier.windows, classifier.encoder.encode)
    head = fit_head(features, [e.label for e in examples], anchor_head.data_hash)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(anchor / "adapter.safetensors", args.out / "adapter.safetensors")
        head.save(args.out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    print(f"fitted in {time.perf_counter() - started:.0f} s", flush=True)
    return set_dev_thresholds(settings, anchor, args.out, "new head")
