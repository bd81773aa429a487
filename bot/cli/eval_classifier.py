"""``python -m bot eval-classifier [FILE]``: measure the framing classifier, the safety net and a baseline.

On the held-out split (or a JSON-lines FILE of {"text", "label"}) it prints, in one run:
per-label precision/recall/F1 and macro-F1 of the model combined with the safety net as deployed
(and of the model alone), the safety net alone as crisis vs not crisis, and the keyword baseline;
then whether the targets are met.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.cli._common import fail, settings_or_exit

NAME = "eval-classifier"
HELP = "print precision/recall/F1 of the framing model, the safety net and a keyword baseline"

TARGET_MACRO_F1 = 0.85
TARGET_CRISIS_RECALL = 0.95
TARGET_CRISIS_PRECISION = 0.70


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", type=Path,
                        help='JSON lines of {"text", "label"} (default: the held-out split)')


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.cli._framing import load_classifier
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.examples import ExampleError, load_labelled, load_split
    from bot.core.framing.keywords import keyword_label
    from bot.core.framing.labels import LABELS
    from bot.core.framing.metrics import format_table, label_scores, macro_f1

    try:
        examples = load_labelled(args.file) if args.file else load_split("heldout")
    except ExampleError as exc:
        return fail(str(exc))
    if not examples:
        return fail("no examples to evaluate")
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    assert isinstance(classifier, FramingClassifier)
    truth = [e.label for e in examples]
    results = classifier.classify([e.text for e in examples])
    where = str(args.file) if args.file else "held-out split"
    print(f"{len(examples)} examples from the {where}; crisis threshold {classifier.crisis_threshold:g}")
    deployed = label_scores(truth, [r.label for r in results], LABELS)
    print(format_table("model + safety net (as deployed):", deployed))
    print(format_table("model alone (argmax):", label_scores(truth, [r.model_label for r in results], LABELS)))
    crisis_truth = ["crisis" if t == "crisis" else "not_crisis" for t in truth]
    net_only = ["crisis" if r.net_fired else "not_crisis" for r in results]
    print(format_table("safety net alone (crisis vs not):", label_scores(crisis_truth, net_only,
                                                                          ("crisis", "not_crisis"))))
    print(format_table("keyword baseline:", label_scores(truth, [keyword_label(e.text) for e in examples],
                                                         LABELS)))
    crisis = deployed[LABELS.index("crisis")]
    macro = macro_f1(deployed)
    print(f"targets: macro-F1 {macro:.3f} (≥ {TARGET_MACRO_F1}: {'met' if macro >= TARGET_MACRO_F1 else 'NOT met'}); "
          f"crisis recall {crisis.recall:.3f} (≥ {TARGET_CRISIS_RECALL}: "
          f"{'met' if crisis.recall >= TARGET_CRISIS_RECALL else 'NOT met'}); crisis precision "
          f"{crisis.precision:.3f} (≥ {TARGET_CRISIS_PRECISION}: "
          f"{'met' if crisis.precision >= TARGET_CRISIS_PRECISION else 'NOT met'})")
    return 0
