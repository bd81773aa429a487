"""The real model on clear examples written for these tests (none are in the data files)."""

import json

import pytest

from bot.core.framing.examples import load_split
from bot.core.framing.labels import LABELS

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


def test_long_text_is_truncated_for_the_model_but_the_net_reads_all_of_it(classifier) -> None:
    filler = "We went to the park and fed the ducks, then had lunch at my mum's. " * 200
    [result] = classifier.classify([filler + "I want to kill myself."])
    assert len(filler) > classifier.max_chars
    assert result.net_fired and result.label == "crisis"


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
