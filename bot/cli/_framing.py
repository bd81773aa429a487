"""Shared parts of the framing commands: load the classifier or print one clear line; set a candidate's
thresholds on the development files."""

from __future__ import annotations

from pathlib import Path

from bot.cli._common import fail
from bot.settings import Settings


def load_classifier(settings: Settings) -> object | None:
    """The FramingClassifier, or None after printing one `error:` line (model or head missing)."""
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.head import HeadError

    try:
        return FramingClassifier.load(settings.framing.crisis_threshold, settings.framing.max_chars,
                                      threads=settings.framing.threads)
    except (ModelMissingError, HeadError) as exc:
        fail(str(exc))
        return None


def set_dev_thresholds(settings: Settings, anchor: Path, candidate: Path, candidate_name: str,
                       dev: list[tuple[str, bool]] | None = None) -> int:
    """Give the candidate in `candidate` (adapter + head) the thresholds that keep the anchor model's
    operating point on the development files (soup.py; `dev`: other posts, for tests), rewrite its
    head with them and print what both find there. Exit status: 0, or 2 after one `error:` line.
    Reads no evaluation set."""
    from dataclasses import replace

    import numpy as np

    from bot.core.framing.adapter import AdapterError
    from bot.core.framing.classifier import FramingClassifier
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.examples import ExampleError, load_dev
    from bot.core.framing.head import HeadError, LinearHead
    from bot.core.framing.labels import LABELS
    from bot.core.framing.soup import soup_thresholds

    def crisis_scores(folder: Path) -> np.ndarray:
        classifier = FramingClassifier.load(0.5, settings.framing.max_chars, head_path=folder / "head.safetensors",
                                            adapter_path=folder / "adapter.safetensors",
                                            threads=settings.framing.threads, known_posts=False)
        return classifier.probabilities([text for text, _ in dev])[:, LABELS.index("crisis")]

    try:
        dev = load_dev() if dev is None else dev
        anchor_head = LinearHead.load(anchor / "head.safetensors")
        head = LinearHead.load(candidate / "head.safetensors")
        is_crisis = np.array([flag for _, flag in dev])
        print(f"scoring {len(dev)} development posts ({int(is_crisis.sum())} crises) with the anchor and the "
              f"{candidate_name}", flush=True)
        first, second = crisis_scores(anchor), crisis_scores(candidate)
        thresholds = soup_thresholds(first[is_crisis], second[is_crisis], anchor_head)
    except (ModelMissingError, AdapterError, HeadError, ExampleError, ValueError) as exc:
        return fail(str(exc))
    assert anchor_head.crisis_threshold is not None and anchor_head.urgent_threshold is not None
    try:
        replace(head, crisis_threshold=thresholds.crisis, urgent_threshold=thresholds.urgent).save(
            candidate / "head.safetensors")
    except OSError as exc:
        return fail(f"{candidate}: cannot write there ({exc.strerror or exc})")
    rows = [
        ("thresholds (crisis / urgent)", f"{anchor_head.crisis_threshold:g} / {anchor_head.urgent_threshold:g}",
         f"{thresholds.crisis:g} / {thresholds.urgent:g}"),
        (f"crises found (of {thresholds.crises})", thresholds.anchor_found, thresholds.found),
        ("crises at or above urgent", thresholds.anchor_urgent, thresholds.urgent_found),
        (f"safe posts called crisis (of {int((~is_crisis).sum())})",
         int((first[~is_crisis] >= anchor_head.crisis_threshold).sum()),
         int((second[~is_crisis] >= thresholds.crisis).sum())),
    ]
    print_candidate(["development files, model alone"], candidate_name, rows, candidate, thresholds.crisis,
                    thresholds.urgent)
    return 0


def print_candidate(titles: list[str], candidate_name: str, rows: list[tuple[str, object, object]], folder: Path,
                    crisis: float, urgent: float) -> None:
    """The anchor's and the candidate's figures side by side, and where the candidate was written."""
    print(f"  {titles[0]:40}{'anchor':>14}{candidate_name:>14}")
    for title in titles[1:]:
        print(f"  {title}")
    for name, a, b in rows:
        print(f"  {name:40}{a!s:>14}{b!s:>14}")
    print(f"wrote {folder / 'adapter.safetensors'} and {folder / 'head.safetensors'} "
          f"(framing.crisis_threshold {crisis:g}, framing.urgent_threshold {urgent:g})")


def deployed_rows(anchor_crisis: object, candidate_crisis: object, net_hits: object, is_crisis: object,
                  anchor: tuple[float, float], candidate: tuple[float, float]) -> list[tuple[str, object, object]]:
    """The rows print_candidate shows for two models on development posts, with the safety net: each
    model's crisis scores at its own (crisis, urgent) thresholds; a post the net reads counts as found."""
    import numpy as np

    net, crisis = np.asarray(net_hits, dtype=bool), np.asarray(is_crisis, dtype=bool)

    def called(scores: object, threshold: float, which: np.ndarray, with_net: bool = True) -> int:
        return int(((np.asarray(scores) >= threshold) | (net & with_net))[which].sum())

    first, second = np.asarray(anchor_crisis), np.asarray(candidate_crisis)
    return [
        ("thresholds (crisis / urgent)", f"{anchor[0]:g} / {anchor[1]:g}", f"{candidate[0]:g} / {candidate[1]:g}"),
        (f"crises found (of {int(crisis.sum())})", called(first, anchor[0], crisis),
         called(second, candidate[0], crisis)),
        ("crises at or above urgent", called(first, anchor[1], crisis), called(second, candidate[1], crisis)),
        (f"safe posts called crisis (of {int((~crisis).sum())})", called(first, anchor[0], ~crisis),
         called(second, candidate[0], ~crisis)),
        ("  by the model", called(first, anchor[0], ~crisis, with_net=False),
         called(second, candidate[0], ~crisis, with_net=False)),
    ]
