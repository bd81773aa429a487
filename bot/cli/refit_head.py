"""``python -m bot refit-head --out DIR``: a new framing head for the committed encoder and adapter,
fitted on the training lines and the development posts.

Reads the train split and the development posts (config/framing/dev/) through the anchor model's
encoder and adapter (config/framing/ unless `--anchor DIR`; it must be a model train-classifier made),
fits a multinomial logistic regression on them (bot/core/framing/refit.py: deterministic, about ten
minutes), and sets its thresholds on the development posts out of fold, one hand's file never scored
by a head that read it, so that with the safety net it finds as many development crises in each tier
as the anchor does. Writes the anchor's adapter and the new head to DIR. It reads neither the held-out
split nor the independent set. To try the candidate, copy its two files into config/framing/ and set
both thresholds in config/settings.toml; the rule a candidate must pass is in
config/framing/pending/README.md.
"""

from __future__ import annotations

import argparse
import shutil
import time
from dataclasses import replace
from pathlib import Path

from bot.cli._common import fail, settings_or_exit
from bot.cli._framing import deployed_rows, print_candidate

NAME = "refit-head"
HELP = "fit a new framing head on the training lines and development posts; thresholds out of fold"

SESSION_11_HEAD = "git show 75a152f:config/framing/head.safetensors"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where to write the candidate (never config/framing)")
    parser.add_argument("--anchor", type=Path, default=None, metavar="DIR",
                        help="the model train-classifier made whose encoder and adapter are kept and whose "
                             "operating point on the development posts the new head keeps (default: config/framing)")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    import numpy as np

    from bot.core.framing.adapter import ADAPTER_FILE, AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import Example, ExampleError, data_hash, load_dev_posts, load_split
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.refit import (
        DEV_WEIGHT,
        REFIT_C,
        deployed_thresholds,
        dev_features,
        first_windows,
        fit_with_dev,
        pooled_crisis,
    )
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
                                            threads=settings.framing.threads, known_posts=False)
        examples = prepare(load_split("train"))
        posts = load_dev_posts()
    except (ModelMissingError, AdapterError, HeadError, ExampleError) as exc:
        return fail(str(exc))
    if anchor_head.crisis_threshold is None or anchor_head.urgent_threshold is None:
        return fail(f"{anchor / 'head.safetensors'} records no thresholds: the anchor must be a model "
                    "train-classifier made")
    if anchor_head.dev_hash is not None:
        return fail(f"{anchor / 'head.safetensors'} was fitted on the development posts, so its scores there "
                    "cannot set a new head's thresholds: pass --anchor a folder with a model train-classifier made "
                    f"(the session-11 head: `{SESSION_11_HEAD}`, beside config/framing/adapter.safetensors)")
    if data_hash(examples) != anchor_head.data_hash:
        return fail(f"{anchor / 'head.safetensors'} was trained on other data than the train split here: "
                    "refit only a head of the adapter trained on these lines")
    if any(post.label != "safe" and post.label not in anchor_head.labels for post in posts):
        return fail("a development post's label must be \"safe\" or one of the six labels")
    print(f"reading {len(examples)} train lines and {len(posts)} development posts through the anchor's encoder "
          f"and adapter, then fitting the head (logistic regression, C = {REFIT_C:g}, a development post "
          f"weighing {DEV_WEIGHT:g}) and five more without one fold of development files", flush=True)
    started = time.perf_counter()
    features = first_windows([e.text for e in examples], classifier.windows, classifier.encoder.encode)
    dev = dev_features([p.text for p in posts], [p.label for p in posts], [p.file for p in posts],
                       classifier.windows, classifier.encoder.encode)
    dev_hash = data_hash([Example(p.text, p.label) for p in posts])
    head, out_of_fold = fit_with_dev(features, [e.label for e in examples], dev, anchor_head.data_hash, dev_hash)
    anchor_crisis = pooled_crisis(anchor_head.probabilities(dev.features), dev.owner, len(posts))
    net_hits = np.array([bool(classifier.net.check(p.text)) for p in posts])
    is_crisis = np.array([p.is_crisis for p in posts])
    thresholds = deployed_thresholds(anchor_crisis, out_of_fold, net_hits, is_crisis, anchor_head)
    head = replace(head, crisis_threshold=thresholds.crisis, urgent_threshold=thresholds.urgent)
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(anchor / "adapter.safetensors", args.out / "adapter.safetensors")
        head.save(args.out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    print(f"fitted in {time.perf_counter() - started:.0f} s", flush=True)
    table = deployed_rows(anchor_crisis, out_of_fold, net_hits, is_crisis,
                          (anchor_head.crisis_threshold, anchor_head.urgent_threshold),
                          (thresholds.crisis, thresholds.urgent))
    print_candidate(["development posts, with the safety net", "(the new head out of fold)"], "new head", table,
                    args.out, thresholds.crisis, thresholds.urgent)
    return 0
