"""``python -m bot train-classifier``: rebuild the framing head from the train split, deterministically.

Chooses C and the crisis threshold by cross-validation on the train split only (see
bot/core/framing/training.py), writes config/framing/head.safetensors, and prints the
cross-validation figures and then the held-out figures of the new head.
"""

from __future__ import annotations

import argparse
import time

from bot.cli._common import fail, settings_or_exit

NAME = "train-classifier"
HELP = "train the framing head on the train split (deterministic) and print held-out metrics"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.core.framing.classifier import FramingClassifier, combine
    from bot.core.framing.encoder import MiniLMEncoder, ModelMissingError
    from bot.core.framing.examples import ExampleError, load_split
    from bot.core.framing.head import HEAD_FILE
    from bot.core.framing.labels import LABELS
    from bot.core.framing.metrics import format_table, label_scores
    from bot.core.framing.safety_net import SafetyNet
    from bot.core.framing.training import MIN_CV_CRISIS_RECALL, train

    try:
        examples = load_split("train")
        encoder = MiniLMEncoder()
    except (ExampleError, ModelMissingError) as exc:
        return fail(str(exc))
    net = SafetyNet.from_file()
    max_chars = settings.framing.max_chars
    started = time.perf_counter()
    features = encoder.encode([e.text[:max_chars] for e in examples])
    result = train(examples, features, [bool(net.check(e.text)) for e in examples])
    result.head.save(HEAD_FILE)
    print(f"trained on {len(examples)} train examples in {time.perf_counter() - started:.0f} s → {HEAD_FILE.name}")
    print(f"chosen by 5-fold CV on train: C = {result.c:g}, crisis threshold = {result.crisis_threshold:g} "
          f"(best macro-F1 with CV crisis recall ≥ {MIN_CV_CRISIS_RECALL})")
    print(f"CV (train): macro-F1 {result.cv_macro_f1:.3f}, crisis precision {result.cv_crisis_precision:.3f}, "
          f"recall {result.cv_crisis_recall:.3f}")
    if abs(result.crisis_threshold - settings.framing.crisis_threshold) > 1e-9:
        print(f"note: framing.crisis_threshold is {settings.framing.crisis_threshold:g}; the tuned value is "
              f"{result.crisis_threshold:g}: set it in config/settings.toml")
    heldout = load_split("heldout")
    classifier = FramingClassifier(encoder, result.head, net, result.crisis_threshold, max_chars)
    probabilities = classifier.probabilities([e.text for e in heldout])
    predicted = [combine(row, bool(net.check(e.text)), result.crisis_threshold)
                 for row, e in zip(probabilities, heldout, strict=True)]
    print(format_table(f"held-out ({len(heldout)}), model + safety net at threshold {result.crisis_threshold:g}:",
                       label_scores([e.label for e in heldout], predicted, LABELS)))
    return 0
