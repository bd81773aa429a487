"""The independent evaluation set (issue 14) and how eval-classifier reports it.

These tests read only the independent set and hand-made data; never the training files.
"""

import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bot.core.framing.examples import load_split
from bot.core.framing.independent import (
    CRISIS_KINDS,
    HARD_KINDS,
    INDEPENDENT_FILE,
    SAFE_KINDS,
    EvalFileError,
    EvalPost,
    Target,
    heldout_targets,
    independent_targets,
    load_posts,
    report,
)
from bot.core.framing.labels import LABELS
from bot.core.framing.metrics import kind_scores
from tests.cli.test_main import ROOT

STYLES = ("text-speak", "uk", "us", "au", "ie", "in", "typos", "long", "plain")
SENTENCE_END = re.compile(r"[.!?…]+(?:\s|$)")


@pytest.fixture(scope="module")
def posts() -> list[EvalPost]:
    return load_posts()


def test_the_set_loads_with_at_least_420_posts_of_four_fields(posts: list[EvalPost]) -> None:
    assert len(posts) >= 420
    for line in INDEPENDENT_FILE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        assert set(row) == {"text", "label", "kind", "style"}
        assert row["label"] in LABELS and row["text"].strip()
        assert row["kind"] in (*HARD_KINDS, "plain"), row["kind"]
        assert row["style"] in STYLES, row["style"]


def test_no_post_is_a_duplicate(posts: list[EvalPost]) -> None:
    lines = INDEPENDENT_FILE.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines))
    texts = Counter(" ".join(p.text.lower().split()) for p in posts)
    assert [t for t, n in texts.items() if n > 1] == []


def test_every_label_has_its_share(posts: list[EvalPost]) -> None:
    labels = Counter(p.label for p in posts)
    assert 100 <= labels["crisis"] <= 130
    for label in LABELS[1:]:
        assert labels[label] >= 55, label


def test_every_hard_case_kind_is_well_represented(posts: list[EvalPost]) -> None:
    kinds = Counter(p.kind for p in posts)
    for kind in SAFE_KINDS:
        assert kinds[kind] >= 20, kind
    assert kinds["textspeak_crisis"] >= 25 and kinds["buried_crisis"] >= 25
    assert kinds["harm_to_baby"] >= 15 and kinds["psychosis_risk"] >= 15
    # crisis kinds are crisis; hopeful posts are neutral or common humanity; safe kinds are mostly safe
    assert {p.label for p in posts if p.kind in CRISIS_KINDS} == {"crisis"}
    assert {p.label for p in posts if p.kind == "hope"} == {"neutral", "common_humanity"}
    for kind in SAFE_KINDS:
        of_kind = [p for p in posts if p.kind == kind]
        assert sum(p.label == "crisis" for p in of_kind) <= 0.1 * len(of_kind), kind
    assert sum(p.is_text_speak_crisis for p in posts) >= 25


def test_the_styles_are_real_chat_styles(posts: list[EvalPost]) -> None:
    styles = Counter(p.style for p in posts)
    for style in STYLES:
        assert styles[style] >= 20, style
    lengths = [len(p.text) for p in posts]
    assert sum(600 <= n <= 2500 for n in lengths) >= 40 and max(lengths) <= 2500
    several = [p for p in posts if len(SENTENCE_END.findall(p.text.strip())) >= 2]
    assert len(several) >= 0.45 * len(posts)
    buried = [p for p in posts if p.kind == "buried_crisis"]
    assert all(len(p.text) >= 500 for p in buried)


def test_the_training_loader_never_reads_the_eval_folder(tmp_path: Path) -> None:
    for label in LABELS:
        (tmp_path / f"{label}.jsonl").write_text(json.dumps({"text": f"a {label} line", "split": "train"}) + "\n",
                                                 encoding="utf-8")
    (tmp_path / "eval").mkdir()
    (tmp_path / "eval" / "independent.jsonl").write_text(
        json.dumps({"text": "an eval line", "label": "neutral", "kind": "plain", "style": "plain"}) + "\n",
        encoding="utf-8")
    texts = {e.text for split in ("train", "heldout") for e in load_split(split, tmp_path)}
    assert "an eval line" not in texts and len(texts) == len(LABELS)
    assert INDEPENDENT_FILE.parent.name == "eval" and INDEPENDENT_FILE.parent.parent.name == "framing"


def test_no_independent_post_is_also_a_training_or_held_out_line(posts: list[EvalPost]) -> None:
    def key(text: str) -> str:
        return " ".join(text.casefold().split())

    seen = {key(e.text) for split in ("train", "heldout") for e in load_split(split)}
    assert [p.text[:40] for p in posts if key(p.text) in seen] == []


def test_an_outside_file_may_leave_out_kind_and_style(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text('{"text": "hi", "label": "neutral"}\n\n{"text": "me too", "label": "common_humanity", '
                    '"kind": "hope"}\n', encoding="utf-8")
    assert load_posts(path) == [EvalPost("hi", "neutral"), EvalPost("me too", "common_humanity", "hope")]
    path.write_text('{"text": "hi", "label": "happy"}\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match=r"mine.jsonl:1: \"label\""):
        load_posts(path)
    path.write_text('{"text": "hi", "label": "neutral", "kind": 3}\n', encoding="utf-8")
    with pytest.raises(EvalFileError, match="kind"):
        load_posts(path)


# A tiny hand-made set: (post, predicted label).
TINY = [
    (EvalPost("hoping for a better night", "neutral", "hope", "plain"), "crisis"),  # false alarm
    (EvalPost("it gets better x", "common_humanity", "hope", "uk"), "common_humanity"),
    (EvalPost("things will get better", "neutral", "hope", "plain"), "common_humanity"),  # wrong, not an alarm
    (EvalPost("not suicidal just tired", "neutral", "negated_risk", "plain"), "neutral"),
    (EvalPost("i lied, i do think about it", "crisis", "negated_risk", "plain"), "crisis"),
    (EvalPost("pills out rn", "crisis", "textspeak_crisis", "text-speak"), "neutral"),  # missed
    (EvalPost("goodbye every1", "crisis", "textspeak_crisis", "text-speak"), "crisis"),
    (EvalPost("cba anymore, got a plan", "crisis", "plain", "text-speak"), "isolation"),  # missed, text-speak style
    (EvalPost("long cheerful update ... stockpiling", "crisis", "buried_crisis", "long"), "crisis"),
    (EvalPost("everyone copes better", "upward_comparison", "plain", "us"), "upward_comparison"),
    (EvalPost("the telly show", "neutral", "tv_news", "uk"), "crisis"),  # false alarm
]


def test_report_counts_each_kind_by_hand() -> None:
    posts, predicted = [p for p, _ in TINY], [q for _, q in TINY]
    result = report(posts, predicted)
    by_kind = {k.kind: k for k in result.kinds}
    assert [k.kind for k in result.kinds] == ["hope", "negated_risk", "tv_news", "textspeak_crisis",
                                              "buried_crisis", "plain"]  # hard kinds in order, then plain
    hope = by_kind["hope"]
    assert (hope.n, hope.right, hope.crisis, hope.safe, hope.false_alarms) == (3, 1, 0, 3, 1)
    assert hope.recall is None and hope.false_alarm_rate == pytest.approx(1 / 3)
    negated = by_kind["negated_risk"]
    assert (negated.n, negated.right, negated.crisis, negated.caught, negated.false_alarms) == (2, 2, 1, 1, 0)
    text_speak = by_kind["textspeak_crisis"]
    assert (text_speak.crisis, text_speak.caught, text_speak.safe) == (2, 1, 0)
    assert text_speak.recall == 0.5 and text_speak.false_alarm_rate is None
    assert (by_kind["tv_news"].false_alarms, by_kind["buried_crisis"].recall) == (1, 1.0)
    plain = by_kind["plain"]
    assert (plain.n, plain.right, plain.crisis, plain.caught, plain.safe) == (2, 1, 1, 0, 1)
    assert (result.hope_false_alarms.k, result.hope_false_alarms.n) == (1, 3)
    assert (result.text_speak_missed.k, result.text_speak_missed.n) == (2, 3)  # by kind or by style
    assert (result.safe_false_alarms.k, result.safe_false_alarms.n) == (2, 5)
    assert str(result.text_speak_missed) == "2 of 3 (0.667)"
    styles = {s.kind: s for s in result.styles}
    assert styles["text-speak"].n == 3 and styles["text-speak"].caught == 1
    # crisis: 5 true, 3 caught, 2 false alarms
    assert result.crisis.recall == pytest.approx(3 / 5) and result.crisis.precision == pytest.approx(3 / 5)
    targets = {t.name: t for t in independent_targets(result)}
    assert not targets["crisis recall"].met and not targets["hopeful posts labelled crisis"].met
    assert not targets["text-speak crises missed"].met
    assert "1 of 3 (0.333)" in targets["hopeful posts labelled crisis"].line()


def test_a_perfect_prediction_meets_every_target() -> None:
    posts = [p for p, _ in TINY] + [EvalPost("at least yours sleeps", "downward_comparison"),
                                    EvalPost("nobody understands", "isolation")]
    result = report(posts, [p.label for p in posts])
    assert result.macro_f1 == 1.0
    assert all(t.met for t in independent_targets(result))
    assert all(t.met for t in heldout_targets(result.scores))
    assert result.hope_false_alarms.k == 0 and result.text_speak_missed.k == 0


def test_targets_compare_at_the_printed_precision() -> None:
    assert Target("macro-F1", 0.90896, "≥", 0.909).met  # printed 0.909
    assert not Target("macro-F1", 0.9084, "≥", 0.909).met
    assert "NOT met" in Target("missed", 1, "=", 0, shown="1 of 4 (0.250)").line()


def test_kind_scores_order_and_mismatch() -> None:
    assert [k.kind for k in kind_scores(["neutral"] * 3, ["neutral"] * 3, ["b", "a", "z"], order=("z",))] == \
        ["z", "a", "b"]
    with pytest.raises(ValueError, match="predictions"):
        report([TINY[0][0]], [])


def test_measure_prints_the_kinds_from_stub_results(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.cli.eval_classifier import measure
    from bot.core.framing.classifier import FramingResult

    results = []
    for _, label in TINY:  # the deployed label; the model alone says crisis only for the textspeak goodbye
        scores = {name: 0.0 for name in LABELS}
        scores["crisis"] = 0.9 if label == "crisis" else 0.01
        model_label = label if label != "crisis" else "neutral"
        results.append(FramingResult(label, scores, model_label))
    results[6] = FramingResult("crisis", {**results[6].scores}, "crisis")
    deployed, alone = measure("tiny:", [p for p, _ in TINY], results, 0.5, kinds=True)
    out = capsys.readouterr().out
    assert "per hard-case kind (as deployed" in out and "per writing style (as deployed):" in out
    assert "hopeful posts (kind hope) labelled crisis: 1 of 3 (0.333) / 1 of 3 (0.333) / 0 of 3 (0.000)" in out
    assert "text-speak crises missed: 2 of 3 (0.667) / 2 of 3 (0.667) / 2 of 3 (0.667)" in out
    assert re.search(r"  hope +3 +1/3 0\.333 +- +1/3 0\.333", out)
    assert deployed.crisis.support == alone.crisis.support == 5 and alone.crisis.recall == pytest.approx(1 / 5)


def test_eval_classifier_prints_both_sets_and_the_targets() -> None:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    result = subprocess.run([sys.executable, "-m", "bot", "eval-classifier"], capture_output=True, text=True,
                            timeout=900, cwd=ROOT, env={**base, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "== held-out split:" in out and "== independent set: " in out
    assert out.index("== held-out split:") < out.index("== independent set: ") < out.index("targets:")
    lines = out.splitlines()
    assert lines.count("model + safety net (as deployed):") == 2 and lines.count("model alone (argmax):") == 2
    assert "per hard-case kind (as deployed" in out
    for kind in HARD_KINDS:
        assert f"  {kind} " in out, kind
    assert "hopeful posts (kind hope) labelled crisis:" in out and "text-speak crises missed:" in out
    assert "both sets side by side:" in out
    targets = out[out.index("targets:"):]
    assert "held-out split" in targets and "independent set" in targets
    for needle in ("(≥ 0.909:", "(≥ 0.951:", "(≥ 0.773:", "(≥ 0.970:", "(≥ 0.800:", "(≥ 0.880:"):
        assert needle in targets, needle
    assert targets.count("(= 0:") == 2
    assert len(re.findall(r": (?:met|NOT met)\)", targets)) == 8
    for post in load_posts()[:50]:  # aggregates only: no post's words are printed
        assert post.text not in out


def test_false_alarms_are_counted_by_the_response_tier_they_would_get() -> None:
    from bot.cli.eval_classifier import tier_lines
    from bot.core.framing.classifier import FramingResult
    from bot.core.framing.safety_net import SafetyNetHit

    def result(crisis: float, *, net: bool = False) -> FramingResult:
        scores = dict.fromkeys(LABELS, 0.0) | {"crisis": crisis}
        label = "crisis" if net or crisis >= 0.125 else "neutral"
        return FramingResult(label, scores, "neutral", (SafetyNetHit("suicide", "suicide.word"),) if net else ())

    posts = [EvalPost("a", "common_humanity", "hope"), EvalPost("b", "neutral", "hope"),
             EvalPost("c", "neutral", "negated_risk"), EvalPost("d", "crisis", "plain"), EvalPost("e", "neutral")]
    results = [result(0.7), result(0.2), result(0.01, net=True), result(0.99), result(0.3)]
    lines = tier_lines(posts, results, 0.6).splitlines()
    assert lines[1] == "  hopeful posts (kind hope): 2 of 2 labelled crisis: 1 urgent (0 by the safety net), 1 worried"
    assert lines[2].endswith("3 of 3 labelled crisis: 2 urgent (1 by the safety net), 1 worried")
    assert lines[3] == "  every post not crisis: 4 of 4 labelled crisis: 2 urgent (1 by the safety net), 2 worried"
    assert lines[4] == "  (crisis posts: 1 of 1 caught: 1 urgent, 0 worried)"
