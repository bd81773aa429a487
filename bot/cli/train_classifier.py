"""``python -m bot train-classifier``: rebuild the framing model from the train split, deterministically.

Fine-tunes the encoder's adapter with the head on the normalised train lines, calibrates it
(temperature scaling) and chooses the crisis and urgent thresholds by cross-validation on the train
split only (see bot/core/framing/training.py), writes config/framing/adapter.safetensors and
head.safetensors, and prints the cross-validation figures and then the held-out figures, read back
from the files just written.

A run takes hours on a 2-core machine. `--work DIR` keeps every finished step (each fold and the
final fine-tune) in DIR, and the same command run again resumes after the last finished one with
byte-identical results (bot/core/framing/work.py), so a run can span sessions or survive a reboot.
`--seed N` draws another model from the same data and recipe; with `--temperature-from DIR --out OUT`
only the final fine-tune is trained, as a part for soup-classifier (training.train_part).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bot.cli._common import fail, settings_or_exit

if TYPE_CHECKING:
    from bot.core.framing.examples import Example

NAME = "train-classifier"
HELP = "fine-tune the framing model on the train split (deterministic) and print held-out metrics"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--epochs", type=int, default=None, metavar="N",
                        help="fine-tuning epochs (default: the value in fine_tune.py; fewer only to try things out)")
    parser.add_argument("--work", type=Path, default=None, metavar="DIR",
                        help="keep each finished step in DIR and resume from it when run again")
    parser.add_argument("--seed", type=int, default=None, metavar="N",
                        help="training seed (default: the one in fine_tune.py); another seed trains another model "
                             "from the same data, deterministically: a part for soup-classifier")
    parser.add_argument("--temperature-from", type=Path, default=None, metavar="DIR",
                        help="train the final model alone, as a part for soup-classifier, calibrated with the "
                             "temperature of the model in DIR (trained on the same data); needs --out")
    parser.add_argument("--out", type=Path, default=None, metavar="DIR",
                        help="with --temperature-from: where to write the part (never config/framing)")


def run(args: argparse.Namespace) -> int:
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    from bot.core.framing.adapter import ADAPTER_FILE
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError, model_dir
    from bot.core.framing.examples import ExampleError, load_split
    from bot.core.framing.fine_tune import EPOCHS, SEED
    from bot.core.framing.head import HEAD_FILE
    from bot.core.framing.labels import LABELS
    from bot.core.framing.metrics import format_table, label_scores
    from bot.core.framing.safety_net import SafetyNet
    from bot.core.framing.training import FOLDS, MIN_CV_CRISIS_RECALL, URGENT_MIN_PRECISION, train

    epochs = EPOCHS if args.epochs is None else args.epochs
    seed = SEED if args.seed is None else args.seed
    if (problem := _bad_option(args, epochs, seed)) is not None:
        return fail(problem)
    try:
        examples = load_split("train")
        model_dir()
    except (ExampleError, ModelMissingError) as exc:
        return fail(str(exc))
    if args.work is not None:
        try:
            args.work.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            return fail(f"--work {args.work}: cannot use this folder ({exc.strerror or exc})")
    max_chars = settings.framing.max_chars
    if args.temperature_from is not None:
        return _train_part(args, examples, max_chars, epochs, seed)
    net = SafetyNet.from_file()
    print(f"fine-tuning on {len(examples)} train examples: {FOLDS} cross-validation folds, then the final model "
          f"({epochs} epochs each, seed {seed}; two to three hours on a 2-core machine"
          f"{'' if args.work else '; --work DIR lets a stopped run resume'})", flush=True)
    started = time.perf_counter()
    result = train(examples, [bool(net.check(e.text)) for e in examples], max_chars, epochs,
                   report=lambda line: print(line, flush=True), work=args.work, seed=seed)
    result.adapter.save(ADAPTER_FILE)
    result.head.save(HEAD_FILE)
    print(f"trained in {time.perf_counter() - started:.0f} s → {ADAPTER_FILE.name}, {HEAD_FILE.name}")
    print(f"{FOLDS}-fold CV on train, out-of-fold (crisis recall/precision of the model alone, then as deployed):")
    print("  threshold  model R  model P  deployed R  deployed P  macro-F1")
    for row in result.table:
        mark = "  ← chosen" if row is result.chosen else ""
        print(f"  {row.threshold:9.3f}  {row.model_crisis_recall:7.3f}  {row.model_crisis_precision:7.3f}  "
              f"{row.crisis_recall:10.3f}  {row.crisis_precision:10.3f}  {row.macro_f1:8.3f}{mark}")
    calibration = result.calibration
    print(f"calibration: temperature {calibration.temperature:.3f} fitted out of fold; negative log-likelihood "
          f"{calibration.nll_before:.3f} → {calibration.nll_after:.3f}, expected calibration error "
          f"{calibration.ece_before:.3f} → {calibration.ece_after:.3f} (the table above is calibrated)")
    print(f"crisis threshold {result.crisis_threshold:g}: the best deployed macro-F1 where the model alone finds "
          f"≥ {MIN_CV_CRISIS_RECALL} of the crisis lines")
    print("urgent tier, out of fold (crisis lines at or above / precision / lines at or above):")
    for urgent in result.urgent_table:
        mark = "  ← chosen" if urgent is result.urgent else ""
        print(f"  {urgent.threshold:9.2f}  {urgent.share_of_crisis:7.3f}  {urgent.precision:7.3f}  "
              f"{urgent.lines:6d}{mark}")
    print(f"urgent threshold {result.urgent_threshold:g}: the lowest from the crisis threshold where the precision "
          f"reaches {URGENT_MIN_PRECISION}")
    for key, tuned in (("crisis_threshold", result.crisis_threshold), ("urgent_threshold", result.urgent_threshold)):
        current = getattr(settings.framing, key)
        if abs(tuned - current) > 1e-9:
            print(f"note: framing.{key} is {current:g}; the tuned value is {tuned:g}: set it in config/settings.toml")
    heldout = load_split("heldout")
    # reads the files just written; the known posts were built for the model before, so they are left out
    classifier = FramingClassifier.load(result.crisis_threshold, max_chars, known_posts=False)
    results = classifier.classify([e.text for e in heldout])
    print(format_table(f"held-out ({len(heldout)}), model + safety net at threshold {result.crisis_threshold:g}:",
                       label_scores([e.label for e in heldout], [r.label for r in results], LABELS))
          + "\nnext: `python -m bot build-neighbours` (known posts belong to one model; the bot refuses old ones)")
    return 0


def _bad_option(args: argparse.Namespace, epochs: int, seed: int) -> str | None:
    if epochs < 1:
        return "--epochs must be at least 1"
    if not 0 <= seed < 2**32:
        return "--seed must be a whole number from 0 to 4294967295"
    if (args.temperature_from is None) != (args.out is None):
        return "--temperature-from and --out go together: they train a part for soup-classifier"
    return None


def _train_part(args: argparse.Namespace, examples: list[Example], max_chars: int, epochs: int, seed: int) -> int:
    from bot.core.framing.adapter import ADAPTER_FILE
    from bot.core.framing.examples import data_hash
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.training import prepare, train_part

    try:
        source = LinearHead.load(args.temperature_from / "head.safetensors")
    except HeadError as exc:
        return fail(str(exc))
    if source.data_hash != data_hash(prepare(examples)):
        return fail(f"--temperature-from {args.temperature_from}: that model was trained on other data than "
                    "today's train split; a part must share its data")
    if source.crisis_threshold is None:
        return fail(f"--temperature-from {args.temperature_from}: that head was not calibrated by train-classifier")
    out = args.out.resolve()
    if out == ADAPTER_FILE.parent.resolve():
        return fail("--out: a part is written beside the shipped model, never over it; choose another folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return fail(f"--out {args.out}: cannot use this folder ({exc.strerror or exc})")
    print(f"fine-tuning the final model alone on {len(examples)} train examples ({epochs} epochs, seed {seed}), "
          f"calibrated with temperature {source.temperature:g} from {args.temperature_from}", flush=True)
    started = time.perf_counter()
    adapter, head = train_part(examples, source.temperature, max_chars, epochs, seed,
                               report=lambda line: print(line, flush=True), work=args.work)
    try:
        adapter.save(out / "adapter.safetensors")
        head.save(out / "head.safetensors")
    except OSError as exc:
        return fail(f"--out {args.out}: cannot write there ({exc.strerror or exc})")
    print(f"trained in {time.perf_counter() - started:.0f} s → {out / 'adapter.safetensors'}, "
          f"{out / 'head.safetensors'} (no thresholds: soup-classifier sets a soup's)")
    return 0
