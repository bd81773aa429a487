"""``python -m bot eval-classifier [FILE]``: measure the framing classifier, the safety net and a baseline.

Without FILE it measures, in one run, two sets one after the other:
  * the held-out split (config/framing/<label>.jsonl, split "heldout"), written with the training data;
  * the independent set (config/framing/eval/independent.jsonl, see bot/core/framing/independent.py),
    written apart from the training data in real chat styles and frozen; never trained or tuned on.
For each: per-label precision/recall/F1 and macro-F1 of the model combined with the safety net as
deployed, and of the model alone; the safety net alone as crisis vs not crisis; the keyword
baseline; crisis recall and precision. For the independent set also, per hard-case kind and per
writing style, the share labelled right, crisis posts caught (recall) and safe posts labelled crisis
(false alarms); hopeful posts labelled crisis; text-speak crises missed. Then both sets side by
side, and the targets, each "met" or "NOT met".

With FILE (JSON lines of {"text", "label"}, optional "kind" and "style") it measures that file alone
as before, with the per-kind figures when the file names kinds, and the original targets line.

For a candidate model: `--model DIR` reads DIR/adapter.safetensors and DIR/head.safetensors (as
train-classifier or soup-classifier wrote them) with the two thresholds its head records, instead
of the shipped model and the settings. `--heldout-only` measures the held-out split alone and never
reads the independent set: a candidate's rule (config/framing/pending/README.md) is decided on the
held-out split before the independent figures are read.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import fail, settings_or_exit
from bot.core.framing.independent import (
    INDEPENDENT_FILE,
    PLAIN,
    SAFE_KINDS,
    EvalFileError,
    EvalPost,
    Report,
    format_targets,
    heldout_targets,
    independent_targets,
    load_posts,
    report,
)
from bot.core.framing.keywords import keyword_label
from bot.core.framing.labels import LABELS
from bot.core.framing.metrics import format_kind_table, format_table, label_scores

if TYPE_CHECKING:
    from bot.core.framing.classifier import FramingResult

NAME = "eval-classifier"
HELP = ("print precision/recall/F1 of the framing model, the safety net and a keyword baseline "
        "on the held-out split and the independent set")

TARGET_MACRO_F1 = 0.85
TARGET_CRISIS_RECALL = 0.95
TARGET_CRISIS_PRECISION = 0.70


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", nargs="?", type=Path,
                        help='JSON lines of {"text", "label"} (optional "kind", "style"); default: the held-out '
                             "split and the independent set")
    parser.add_argument("--model", type=Path, metavar="DIR", default=None,
                        help="a candidate: DIR/adapter.safetensors and DIR/head.safetensors, with the thresholds "
                             "its head records (default: the shipped model and the settings)")
    parser.add_argument("--heldout-only", action="store_true",
                        help="measure the held-out split alone; the independent set is not read")


def deployed_label(result: FramingResult) -> str:
    """The label as deployed; a result that carries a crisis tier (urgent or worried) counts as crisis."""
    return "crisis" if getattr(result, "tier", None) else result.label


def measure(title: str, posts: Sequence[EvalPost], results: Sequence[FramingResult], threshold: float, *,
            kinds: bool, urgent_threshold: float | None = None) -> tuple[Report, Report]:
    """Print the tables for one set; return its Reports (as deployed, model alone)."""
    truth = [p.label for p in posts]
    deployed = report(posts, [deployed_label(r) for r in results])
    alone = report(posts, [r.model_label for r in results])
    # The model with the crisis threshold but without the safety net: shows which of the two raises an alarm.
    no_net = report(posts, ["crisis" if r.scores["crisis"] >= threshold else r.model_label for r in results])
    print(title)
    print(format_table("model + safety net (as deployed):", deployed.scores))
    print(format_table("model alone (argmax):", alone.scores))
    crisis_truth = ["crisis" if t == "crisis" else "not_crisis" for t in truth]
    net_only = ["crisis" if r.net_fired else "not_crisis" for r in results]
    print(format_table("safety net alone (crisis vs not):", label_scores(crisis_truth, net_only,
                                                                          ("crisis", "not_crisis"))))
    print(format_table("keyword baseline:", label_scores(truth, [keyword_label(p.text) for p in posts], LABELS)))
    for name, labels in (("as deployed", [deployed_label(r) for r in results]),
                         ("model alone", [r.model_label for r in results])):
        caught = sum(t == "crisis" and p == "crisis" for t, p in zip(truth, labels, strict=True))
        flagged = sum(p == "crisis" for p in labels)
        crisis = (deployed if name == "as deployed" else alone).crisis
        print(f"crisis ({name}): recall {crisis.recall:.3f} ({caught} of {crisis.support} caught), "
              f"precision {crisis.precision:.3f} ({caught} of {flagged} labelled crisis)")
    if kinds:
        print(format_kind_table("per hard-case kind (as deployed; crisis caught = recall on crisis posts, "
                                "false alarms = posts not crisis but labelled crisis):", deployed.kinds))
        print(format_kind_table("per hard-case kind (model alone):", alone.kinds))
        print(format_kind_table("per writing style (as deployed):", deployed.styles, heading="style"))
        print("as deployed / model at the crisis threshold without the safety net / model alone (argmax):")
        for name, field in (("hopeful posts (kind hope) labelled crisis", "hope_false_alarms"),
                            ("text-speak crises missed", "text_speak_missed"),
                            (f"alarming-but-safe posts labelled crisis ({', '.join(SAFE_KINDS)})",
                             "safe_false_alarms")):
            print(f"  {name}: " + " / ".join(str(getattr(r, field)) for r in (deployed, no_net, alone)))
        if urgent_threshold is not None:
            print(tier_lines(posts, results, urgent_threshold))
    return deployed, alone


def tier_lines(posts: Sequence[EvalPost], results: Sequence[FramingResult], urgent_threshold: float) -> str:
    """Of the posts that are not crisis but were labelled crisis, how many got each response tier:
    the urgent one tells her to call 999 now and pings the moderators."""
    from bot.core.framing.tiers import crisis_tier

    lines = [f"false alarms by response tier (urgent from {urgent_threshold:g} or a safety-net hit):"]
    for name, wanted in (("hopeful posts (kind hope)", ("hope",)), ("alarming-but-safe posts", SAFE_KINDS),
                         ("every post not crisis", None)):
        chosen = [r for p, r in zip(posts, results, strict=True)
                  if p.label != "crisis" and (wanted is None or p.kind in wanted)]
        tiers = [crisis_tier(r, urgent_threshold) for r in chosen]
        urgent, worried = tiers.count("urgent"), tiers.count("worried")
        by_net = sum(r.net_fired for r in chosen)
        lines.append(f"  {name}: {urgent + worried} of {len(tiers)} labelled crisis: "
                     f"{urgent} urgent ({by_net} by the safety net), {worried} worried")
    crises = [r for p, r in zip(posts, results, strict=True) if p.label == "crisis"]
    tiers = [crisis_tier(r, urgent_threshold) for r in crises]
    lines.append(f"  (crisis posts: {len(tiers) - tiers.count(None)} of {len(tiers)} caught: "
                 f"{tiers.count('urgent')} urgent, {tiers.count('worried')} worried)")
    return "\n".join(lines)


def side_by_side(heldout: tuple[Report, Report], independent: tuple[Report, Report]) -> str:
    rows = [("macro-F1 (as deployed)", lambda d, a: d.macro_f1),
            ("crisis recall (as deployed)", lambda d, a: d.crisis.recall),
            ("crisis precision (as deployed)", lambda d, a: d.crisis.precision),
            ("macro-F1 (model alone)", lambda d, a: a.macro_f1),
            ("crisis recall (model alone)", lambda d, a: a.crisis.recall),
            ("crisis precision (model alone)", lambda d, a: a.crisis.precision)]
    lines = ["both sets side by side:", f"  {'':<32} {'held-out':>9} {'independent':>12}"]
    for name, get in rows:
        lines.append(f"  {name:<32} {get(*heldout):>9.3f} {get(*independent):>12.3f}")
    return "\n".join(lines)


def _outside_file(path: Path, classifier_threshold: float, results: Sequence[FramingResult],
                  posts: Sequence[EvalPost]) -> None:
    title = f"{len(posts)} examples from the {path}; crisis threshold {classifier_threshold:g}"
    deployed, _ = measure(title, posts, results, classifier_threshold, kinds=any(p.kind != PLAIN for p in posts))
    crisis, macro = deployed.crisis, deployed.macro_f1
    print(f"targets: macro-F1 {macro:.3f} (≥ {TARGET_MACRO_F1}: {'met' if macro >= TARGET_MACRO_F1 else 'NOT met'}); "
          f"crisis recall {crisis.recall:.3f} (≥ {TARGET_CRISIS_RECALL}: "
          f"{'met' if crisis.recall >= TARGET_CRISIS_RECALL else 'NOT met'}); crisis precision "
          f"{crisis.precision:.3f} (≥ {TARGET_CRISIS_PRECISION}: "
          f"{'met' if crisis.precision >= TARGET_CRISIS_PRECISION else 'NOT met'})")


def _candidate(folder: Path, max_chars: int, threads: int) -> tuple[object, float] | str:
    """(classifier, urgent threshold) of the candidate in folder, or the one-line reason it cannot be used."""
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.head import HeadError, LinearHead

    head_path, adapter_path = folder / "head.safetensors", folder / "adapter.safetensors"
    try:
        head = LinearHead.load(head_path)
        if head.crisis_threshold is None or head.urgent_threshold is None:
            return f"{head_path} records no thresholds: make it with train-classifier or soup-classifier"
        classifier = FramingClassifier.load(head.crisis_threshold, max_chars, head_path=head_path,
                                            adapter_path=adapter_path, threads=threads)
    except (ModelMissingError, HeadError) as exc:
        return str(exc)
    return classifier, head.urgent_threshold


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.cli._framing import load_classifier
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.examples import ExampleError, load_split

    if args.file and args.heldout_only:
        return fail("--heldout-only measures the held-out split: give no FILE with it")
    outside: list[EvalPost] = []
    heldout: list[EvalPost] = []
    independent: list[EvalPost] = []
    try:
        if args.file:
            outside = load_posts(args.file)
        else:
            heldout = [EvalPost(e.text, e.label) for e in load_split("heldout")]
            independent = [] if args.heldout_only else load_posts(INDEPENDENT_FILE)
    except (ExampleError, EvalFileError) as exc:
        return fail(str(exc))
    if not (outside or (heldout and (independent or args.heldout_only))):
        return fail("no examples to evaluate")
    urgent_threshold = settings.framing.urgent_threshold
    if args.model is not None:
        loaded = _candidate(args.model, settings.framing.max_chars, settings.framing.threads)
        if isinstance(loaded, str):
            return fail(loaded)
        classifier, urgent_threshold = loaded
        print(f"candidate model from {args.model} (thresholds recorded in its head)")
    else:
        classifier = load_classifier(settings)
        if classifier is None:
            return 2
    assert isinstance(classifier, FramingClassifier)

    if args.file:
        _outside_file(args.file, classifier.crisis_threshold, classifier.classify([p.text for p in outside]), outside)
        return 0
    if args.heldout_only:
        results = classifier.classify([p.text for p in heldout])
        print(f"crisis threshold {classifier.crisis_threshold:g}, urgent {urgent_threshold:g}")
        print()
        held = measure(f"== held-out split: {len(heldout)} examples (written with the training data); "
                       "the independent set was not read ==", heldout, results, classifier.crisis_threshold,
                       kinds=False)
        print()
        print(format_targets("held-out split (must not fall below the figures issue 14 started from):",
                             heldout_targets(held[0].scores)))
        return 0

    results = classifier.classify([p.text for p in heldout + independent])
    print(f"crisis threshold {classifier.crisis_threshold:g}")
    print()
    held = measure(f"== held-out split: {len(heldout)} examples (written with the training data) ==",
                   heldout, results[:len(heldout)], classifier.crisis_threshold, kinds=False)
    print()
    where = INDEPENDENT_FILE.relative_to(INDEPENDENT_FILE.parents[3])
    ind = measure(f"== independent set: {len(independent)} posts from {where} (written apart from the training "
                  "data, frozen; never trained or tuned on) ==", independent, results[len(heldout):],
                  classifier.crisis_threshold, kinds=True, urgent_threshold=urgent_threshold)
    print()
    print(side_by_side(held, ind))
    print()
    print("targets:")
    print(format_targets("  held-out split (must not fall below the figures issue 14 started from):",
                         heldout_targets(held[0].scores)))
    print(format_targets("  independent set (both crisis tiers count as crisis):", independent_targets(ind[0])))
    return 0
