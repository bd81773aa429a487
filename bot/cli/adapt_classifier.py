"""``python -m bot adapt-classifier --out DIR``: the shipped framing model trained on towards the
development posts' hands, as a candidate.

Starts from config/framing/ (a model train-classifier made), trains on for a short while on the train split
and the development posts of every fold but one (bot/core/framing/adapt.py: deterministic, about 15
minutes on two cores), and sets its thresholds on the held-back fold, which it never read, so that with
the safety net it finds as many of that fold's crises in each tier as the shipped model does. Writes the
new adapter and head to DIR and prints both models' figures on the held-back fold. It reads neither the
held-out split nor the independent set. To try the candidate, copy its two files into config/framing/ and
set both thresholds in config/settings.toml; the rule a candidate must pass is in
config/framing/pending/README.md.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bot.cli._common import fail, settings_or_exit
from bot.cli._framing import deployed_rows, print_candidate
from bot.settings import Settings

NAME = "adapt-classifier"
HELP = "train the shipped framing model on towards the development posts; thresholds on a fold it never read"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    # no import of bot.core.framing.adapt here: it needs torch, which no other command should load
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help="where to write the candidate (never config/framing)")
    parser.add_argument("--epochs", type=int, default=None, metavar="N",
                        help="epochs of further training (default: ADAPT_EPOCHS in adapt.py, 2)")
    parser.add_argument("--rate", type=float, default=None, metavar="R",
                        help="peak learning rate (default: ADAPT_RATE in adapt.py, 3e-4)")
    parser.add_argument("--keep-thresholds", action="store_true",
                        help="keep the shipped model's thresholds instead of matching them on the held-back "
                             "fold (the fold's figures are printed either way)")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    import numpy as np

    from bot.core.framing.adapt import ADAPT_EPOCHS, ADAPT_RATE, adapt, adaptation_rows, held_back

    args.epochs = ADAPT_EPOCHS if args.epochs is None else args.epochs
    args.rate = ADAPT_RATE if args.rate is None else args.rate
    if args.epochs < 1 or not 0 < args.rate < 1:
        return fail("--epochs must be at least 1 and --rate between 0 and 1")
    from bot.core.framing.adapter import ADAPTER_FILE
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.head import HeadError
    from bot.core.framing.labels import LABELS
    from bot.core.framing.refit import dev_features, pooled_crisis

    if args.out.resolve() == ADAPTER_FILE.parent.resolve():
        return fail(f"--out {args.out}: write the candidate to a folder of its own; it is shipped by copying "
                    "its files into config/framing/ once it has passed the rule in config/framing/pending/README.md")
    loaded = _shipped(settings)
    if isinstance(loaded, str):
        return fail(loaded)
    anchor_head, anchor_adapter, anchor, train, posts = loaded
    print(f"reading {len(posts)} development posts through the shipped model, then training it on for "
          f"{args.epochs} epoch(s) at {args.rate:g} with {len(train)} train lines beside them", flush=True)
    started = time.perf_counter()
    windows = [anchor.windows(post.text) for post in posts]
    by_text = dict(zip((p.text for p in posts), windows, strict=True))
    dev = dev_features([p.text for p in posts], [p.label for p in posts], [p.file for p in posts],
                       by_text.__getitem__, anchor.encoder.encode)
    rows = adaptation_rows(windows, dev, anchor_head)
    adapter, head, _ = adapt(train, rows, (anchor_adapter, anchor_head), args.epochs, args.rate,
                             progress=lambda epoch, loss: print(f"  epoch {epoch}: loss {loss:.4f}", flush=True))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        adapter.save(args.out / "adapter.safetensors")
        head.save(args.out / "head.safetensors")
        candidate = FramingClassifier.load(0.5, settings.framing.max_chars, head_path=args.out / "head.safetensors",
                                           adapter_path=args.out / "adapter.safetensors",
                                           threads=settings.framing.threads)
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    except (ModelMissingError, HeadError) as exc:
        return fail(str(exc))
    fold = held_back([p.file for p in posts])
    kept = [p for p, back in zip(posts, fold, strict=True) if back]
    anchor_crisis = pooled_crisis(anchor_head.probabilities(dev.features), dev.owner, len(posts))[fold]
    candidate_crisis = candidate.probabilities([p.text for p in kept])[:, LABELS.index("crisis")]
    net_hits = np.array([bool(anchor.net.check(p.text)) for p in kept])
    is_crisis = np.array([p.is_crisis for p in kept])
    crisis_at, urgent_at = _thresholds(args.keep_thresholds, anchor_crisis, candidate_crisis, net_hits, is_crisis,
                                       anchor_head)
    head = replace(head, crisis_threshold=crisis_at, urgent_threshold=urgent_at)
    try:
        head.save(args.out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    print(f"trained and scored in {time.perf_counter() - started:.0f} s", flush=True)
    assert anchor_head.crisis_threshold is not None and anchor_head.urgent_threshold is not None
    table = deployed_rows(anchor_crisis, candidate_crisis, net_hits, is_crisis,
                          (anchor_head.crisis_threshold, anchor_head.urgent_threshold),
                          (crisis_at, urgent_at))
    print_candidate([f"held-back development fold ({len(kept)} posts), with the safety net",
                     "(never trained on)"], "adapted", table, args.out, crisis_at, urgent_at)
    return 0


def _thresholds(keep: bool, anchor_crisis: Any, candidate_crisis: Any, net_hits: Any, is_crisis: Any,
                anchor_head: Any) -> tuple[float, float]:
    """The shipped (crisis, urgent) thresholds when kept, else the ones matched on the held-back fold."""
    from bot.core.framing.refit import deployed_thresholds

    if keep:
        return anchor_head.crisis_threshold, anchor_head.urgent_threshold
    matched = deployed_thresholds(anchor_crisis, candidate_crisis, net_hits, is_crisis, anchor_head)
    return matched.crisis, matched.urgent


def _shipped(settings: Settings) -> tuple[Any, Any, Any, list[Any], list[Any]] | str:
    """The shipped head, adapter and classifier, the prepared train split and the development posts, or
    the one-line reason they cannot be adapted."""
    from bot.core.framing.adapter import ADAPTER_FILE, Adapter, AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import ExampleError, data_hash, load_dev_posts, load_split
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.labels import LABELS
    from bot.core.framing.training import prepare

    shipped = ADAPTER_FILE.parent
    try:
        head = LinearHead.load(shipped / "head.safetensors")
        adapter = Adapter.load(shipped / "adapter.safetensors")
        classifier = FramingClassifier.load(0.5, settings.framing.max_chars, threads=settings.framing.threads,
                                            known_posts=False)
        train = prepare(load_split("train"))
        posts = load_dev_posts()
    except (ModelMissingError, AdapterError, HeadError, ExampleError) as exc:
        return str(exc)
    if head.crisis_threshold is None or head.urgent_threshold is None or head.dev_hash:
        return (f"{shipped / 'head.safetensors'} is not a model train-classifier made (it records no thresholds, "
                "or it has read the development posts): adapt only such a model")
    if data_hash(train) != head.data_hash:
        return (f"{shipped / 'head.safetensors'} was trained on other data than the train split here: "
                "adapt only a model trained on these lines")
    if any(post.label != "safe" and post.label not in LABELS for post in posts):
        return "a development post's label must be \"safe\" or one of the six labels"
    return head, adapter, classifier, train, posts
