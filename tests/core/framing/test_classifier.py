"""The real model on clear examples written for these tests (none are in the data files)."""

import json

import numpy as np
import pytest

from bot.core.framing.classifier import FramingClassifier
from bot.core.framing.examples import load_split
from bot.core.framing.labels import LABELS
from bot.core.framing.safety_net import SafetyNet
from bot.core.framing.tiers import crisis_tier
from bot.settings import load_settings

URGENT_THRESHOLD = load_settings(env={}).framing.urgent_threshold

CLEAR = [
    ("crisis", "I have decided to end my life tonight, I've got the tablets ready"),
    ("crisis", "I keep thinking my daughter would be better off if I was dead"),
    ("upward_comparison", "Every other mum at baby group has her life sorted and I'm the only one falling apart"),
    ("downward_comparison", "At least I'm not as bad as some of the mums in here, I shouldn't really complain"),
    ("isolation", "I feel so alone, nobody understands and I've got no one to talk to"),
    ("common_humanity", "Me too, you're definitely not alone, so many of us have felt exactly like this"),
    ("neutral", "What time does the baby clinic open on Saturdays?"),
]


def test_clear_examples_are_not_in_the_data_files() -> None:
    known = {e.text for split in ("train", "heldout") for e in load_split(split)}
    assert not {text for _, text in CLEAR} & known


@pytest.mark.parametrize(("label", "text"), CLEAR)
def test_clear_examples_get_their_label(classifier, label: str, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.label == label, result.scores
    assert set(result.scores) == set(LABELS)
    assert sum(result.scores.values()) == pytest.approx(1.0, abs=1e-6)


def test_the_safety_net_makes_crisis_even_when_the_model_does_not(classifier) -> None:
    text = "lovely walk with the pram today. kms"
    [result] = classifier.classify([text])
    assert result.net_fired
    assert result.label == "crisis"
    assert result.crisis_reason.startswith("crisis language (safety net: ")


def test_model_crisis_reason_names_the_model(classifier) -> None:
    [result] = classifier.classify(["I've written goodbye letters to everyone and I know how I'll do it"])
    assert result.label == "crisis"
    if not result.net_fired:
        assert result.crisis_reason == "crisis language (model)"


@pytest.mark.parametrize("text", [
    "",
    "   ",
    "😭😭😭💛🙏",
    "x" * 10_000,
    "Je me sens tellement seule depuis la naissance de mon bébé",
    "Ich schaffe das alles nicht, alle anderen Mütter sind besser als ich",
    "我今天很累",
])
def test_bad_or_odd_input_still_gets_a_label_and_six_scores(classifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.label in LABELS
    assert len(result.scores) == 6
    assert all(0.0 <= p <= 1.0 for p in result.scores.values())


def test_a_long_text_is_read_whole_by_the_model_and_the_net(classifier) -> None:
    filler = "We went to the park and fed the ducks, then had lunch at my mum's. " * 200
    [result] = classifier.classify([filler + "I want to kill myself."])
    assert len(filler) > classifier.max_chars
    assert result.net_fired and result.label == "crisis"
    assert result.scores["crisis"] >= classifier.crisis_threshold  # the model saw the end too


# An ordinary, cheerful feeding and sleep update (each sentence scores crisis < 0.01 on its own).
UPDATE_SENTENCES = [
    "Quick update from us this week!",
    "We had a six hour stretch of sleep on Tuesday night, which felt amazing.",
    "The health visitor weighed her on Monday and she is right on her curve.",
    "We went to the park with the pram and fed the ducks.",
    "My mum came round on Sunday and cooked a huge roast.",
    "She finished a whole bottle this morning and then napped for two hours.",
    "We've started a little bedtime routine with a story and a song.",
    "The new sleeping bag keeps her cosy and she settles much faster.",
    "We met friends at the café and she was as good as gold.",
    "She is holding her head up really well during tummy time.",
    "Her nappy rash has cleared up completely.",
    "We tried the swimming class and she loved the water.",
    "Grandad bought her a little rattle and she keeps grabbing it.",
    "Night feeds are down to just one, usually around three.",
    "She giggled for the first time yesterday and we all cheered.",
    "The sun was out so we had a picnic in the garden.",
]
CRISIS_LINES = [
    "I don't think I can keep myself safe tonight.",
    "I keep thinking my daughter would be better off if I was dead.",
    "I've written goodbye letters and I know how I'll do it.",
]


def ordinary_update(at_least: int = 3000) -> str:
    text, i = "", 0
    while len(text) < at_least:
        text += UPDATE_SENTENCES[i % len(UPDATE_SENTENCES)] + " "
        i += 1
    return text.strip()


@pytest.fixture(scope="module")
def model_alone(classifier) -> FramingClassifier:
    """The real model with a safety net that never fires: what the model finds on its own."""
    return FramingClassifier(classifier.encoder, classifier.head, SafetyNet([], [], None),
                             classifier.crisis_threshold, classifier.max_chars)


def test_the_model_alone_never_makes_the_ordinary_update_urgent(model_alone) -> None:
    # Once a known false alarm (README, issue 14): an earlier model put the long windows of this
    # update at 0.31-0.35, over the crisis threshold though every sentence alone is under 0.02 (the
    # session-10 model: every window at most 0.02). Whatever a model does, never "call 999".
    update = ordinary_update()
    assert len(update) >= 3000 and len(model_alone.windows(update)) >= 3
    [result] = model_alone.classify([update])
    assert not result.net_fired
    assert crisis_tier(result, URGENT_THRESHOLD) != "urgent"


@pytest.mark.parametrize("line", CRISIS_LINES)
def test_the_model_alone_finds_a_crisis_line_after_3000_characters(model_alone, line: str) -> None:
    update = ordinary_update()
    [result] = model_alone.classify([update + " " + line])
    assert not result.net_fired
    assert result.scores["crisis"] >= model_alone.crisis_threshold
    assert result.label == "crisis" and result.crisis_reason == "crisis language (model)"
    # The window holding the line decides; what the model saw before windowing (the first max_chars
    # characters) scores lower and would never have been urgent. From the model alone either tier
    # will do: both count as crisis (issue 14), and urgent is "the safety net, or a high
    # probability", which the next test asserts for the post as it is served. (Until session 10 this
    # asked the model alone for urgent; two retrains that cut hopeful false alarms put the first line
    # at worried from the model alone, while the net made that post urgent in service.)
    assert result.window == result.windows - 1
    assert crisis_tier(result, URGENT_THRESHOLD) in ("urgent", "worried")
    [truncated] = model_alone.probabilities([(update + " " + line)[:model_alone.max_chars]])
    assert truncated[LABELS.index("crisis")] < min(URGENT_THRESHOLD, result.scores["crisis"])


@pytest.mark.parametrize("line", CRISIS_LINES)
def test_a_crisis_line_after_3000_characters_is_urgent_as_served(classifier, line: str) -> None:
    [result] = classifier.classify([ordinary_update() + " " + line])
    assert result.label == "crisis"
    assert crisis_tier(result, URGENT_THRESHOLD) == "urgent"


def test_the_model_alone_finds_a_crisis_line_in_the_middle(model_alone) -> None:
    text = ordinary_update(1500) + " " + CRISIS_LINES[1] + " " + ordinary_update(1500)
    [result] = model_alone.classify([text])
    assert result.scores["crisis"] >= model_alone.crisis_threshold and result.label == "crisis"


@pytest.mark.parametrize("text", [text for _, text in CLEAR] + ["", "x" * 10_000, ordinary_update(900)])
def test_a_text_that_fits_one_window_scores_exactly_as_a_single_forward_pass(classifier, text: str) -> None:
    assert classifier.windows(text) == [text]
    expected = classifier.head.probabilities(classifier.encoder.encode([text]))[0]
    [result] = classifier.classify([text])
    assert [result.scores[label] for label in LABELS] == [float(p) for p in expected]


def test_long_text_scores_are_the_window_mean_except_crisis_the_window_maximum(classifier) -> None:
    text = ordinary_update() + " " + CRISIS_LINES[0]
    windows = classifier.windows(text)
    rows = classifier.head.probabilities(classifier.encoder.encode(windows))
    [result] = classifier.classify([text])
    crisis = LABELS.index("crisis")
    for k, label in enumerate(LABELS):
        expected = rows[:, k].max() if k == crisis else rows[:, k].mean()
        assert result.scores[label] == pytest.approx(float(expected), abs=1e-5)
    assert result.model_label == LABELS[int(np.argmax([result.scores[label] for label in LABELS]))]


def test_long_texts_in_one_batch_match_each_alone(classifier) -> None:
    texts = [ordinary_update() + " " + CRISIS_LINES[0], "Me too, so many of us feel this", ordinary_update(5000)]
    together = classifier.classify(texts)
    for text, result in zip(texts, together, strict=True):
        [alone] = classifier.classify([text])
        assert alone.label == result.label
        for label in LABELS:
            assert alone.scores[label] == pytest.approx(result.scores[label], abs=1e-4)


def test_a_lone_surrogate_does_not_fail_the_crisis_text_in_its_batch(classifier) -> None:
    odd, crisis = "hello \ud83d", "I have decided to end my life tonight, I've got the tablets ready"
    results = classifier.classify([odd, crisis, "a\ud83d\ude2db \udfff"])
    assert [r.label in LABELS for r in results] == [True, True, True]
    assert results[1].label == "crisis"
    [clean] = classifier.classify(["hello \ufffd"])
    assert results[0].scores == pytest.approx(clean.scores, abs=1e-5)


def test_one_text_that_cannot_be_scored_costs_no_other_text_its_result(classifier) -> None:
    crisis = "I have decided to end my life tonight, I've got the tablets ready"
    outcomes = classifier.classify_each([crisis, None, "Me too, you're not alone"])  # type: ignore[list-item]
    assert outcomes[0].label == "crisis" and outcomes[2].label == "common_humanity"
    assert isinstance(outcomes[1], Exception)
    with pytest.raises(AttributeError):
        classifier.classify([crisis, None])  # type: ignore[list-item]


class _FailsOn:
    """The real encoder, except that any forward pass including a window with `poison` raises."""

    def __init__(self, encoder: object, poison: str) -> None:
        self._encoder, self._poison = encoder, poison

    def token_spans(self, text: str) -> object:
        return self._encoder.token_spans(text)

    def encode(self, texts: list[str]) -> object:
        if any(self._poison in text for text in texts):
            raise RuntimeError("the model failed")
        return self._encoder.encode(texts)


def test_when_the_forward_pass_fails_each_text_is_scored_alone(classifier) -> None:
    poisoned = FramingClassifier(_FailsOn(classifier.encoder, "POISON"), classifier.head, classifier.net,
                                 classifier.crisis_threshold, classifier.max_chars)
    texts = ["I keep thinking my daughter would be better off if I was dead", "POISON",
             ordinary_update() + " POISON", "What time does the baby clinic open on Saturdays?"]
    outcomes = poisoned.classify_each(texts)
    assert [isinstance(o, RuntimeError) for o in outcomes] == [False, True, True, False]
    for text, outcome in zip(texts, outcomes, strict=True):
        if not isinstance(outcome, Exception):
            [expected] = classifier.classify([text])
            assert outcome.label == expected.label
            assert outcome.scores == pytest.approx(expected.scores, abs=1e-6)


def test_batch_results_match_single_results(classifier) -> None:
    texts = [text for _, text in CLEAR]
    batched = classifier.classify(texts)
    for text, together in zip(texts, batched, strict=True):
        [alone] = classifier.classify([text])
        assert alone.label == together.label
        assert alone.scores["crisis"] == pytest.approx(together.scores["crisis"], abs=1e-4)


def test_results_are_json_serialisable(classifier) -> None:
    [result] = classifier.classify(["hello"])
    json.dumps({"label": result.label, "scores": result.scores})
