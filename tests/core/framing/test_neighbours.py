"""Known posts beside the model (bot/core/framing/neighbours.py): the real model's features, the real file."""

from __future__ import annotations

import numpy as np
import pytest

from bot.core.framing.adapter import ADAPTER_FILE
from bot.core.framing.classifier import FramingClassifier, combine
from bot.core.framing.encoder import ModelMissingError
from bot.core.framing.examples import Example, data_hash, load_dev_posts, load_split
from bot.core.framing.head import HEAD_FILE, LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.neighbours import (
    NEIGHBOURS_FILE,
    WORD_COLUMNS,
    Neighbours,
    NeighboursError,
    build,
    build_place,
    model_hash,
)
from bot.core.framing.safety_net import SafetyNet
from bot.core.framing.serving import OnnxEncoder
from bot.core.framing.training import prepare

CRISIS = LABELS.index("crisis")

# An ordinary goodbye the model alone calls crisis (it learned such words from crisis lines) that the known
# posts set aside; and crises from the model alone, which they must not. Most ordinary plans the model is sure
# of ("I've decided to stop breastfeeding", 0.99) sit among crises (19 of 20) and still stand.
SET_ASIDE = [
    "last day at the mother and baby unit tomorrow, saying goodbye to the staff",
]
STANDS = [
    "I have the pills out and I'm going to take them all tonight",
    "i cant do this anymore, everyone would be better off without me",
    "i keep thinking the baby would be better off with someone else and me gone for good",
]


def _random_features(rng: np.random.Generator, centre: np.ndarray, n: int) -> np.ndarray:
    return centre + 0.3 * rng.standard_normal((n, len(centre)))


@pytest.fixture(scope="module")
def toy() -> tuple[Neighbours, np.ndarray, np.ndarray]:
    """Two clusters in 300 dimensions: crises around one centre, safe posts around another."""
    rng = np.random.default_rng(0)
    crisis_centre, safe_centre = rng.standard_normal(300), rng.standard_normal(300)
    train = np.concatenate([_random_features(rng, crisis_centre, 150), _random_features(rng, safe_centre, 150)])
    train_crisis = np.array([True] * 150 + [False] * 150)
    known = np.concatenate([_random_features(rng, crisis_centre, 20), _random_features(rng, safe_centre, 40)])
    known_crisis = np.array([True] * 20 + [False] * 40)
    return (build(train, train_crisis, known, known_crisis, "model", "data", axes=32, word_columns=100),
            _random_features(rng, crisis_centre, 5), _random_features(rng, safe_centre, 5))


def test_a_post_among_crises_stands_and_one_among_safe_posts_is_set_aside(toy) -> None:
    neighbours, near_crises, near_safe = toy
    assert neighbours.crisis_neighbours(near_crises).tolist() == [[20, 20]] * 5
    assert neighbours.crisis_neighbours(near_safe).tolist() == [[0, 0]] * 5
    assert neighbours.crisis_neighbours(np.zeros((0, 300))).shape == (0, 2)
    assert neighbours.sets_aside(neighbours.crisis_neighbours(near_crises)).tolist() == [False] * 5
    assert neighbours.sets_aside(neighbours.crisis_neighbours(near_safe)).tolist() == [True] * 5


def test_a_call_is_set_aside_when_either_place_has_too_few_crises(toy) -> None:
    neighbours, _, _ = toy
    # by its words only when none of the nearest is a crisis: at "fewer than 2" it set aside five crises on fresh
    # hands (pending/README, session 25)
    assert (neighbours.by_model.min_crisis, neighbours.by_words.min_crisis) == (3, 1)
    assert neighbours.sets_aside([[3, 1], [20, 1], [3, 20]]).tolist() == [False, False, False]
    assert neighbours.sets_aside([[2, 20], [20, 0], [0, 0]]).tolist() == [True, True, True]


def test_the_words_place_reads_only_the_first_columns(toy) -> None:
    neighbours, near_crises, near_safe = toy
    # the words of a safe post with everything after them taken from a crisis: safe by its words only
    mixed = np.concatenate([near_safe[:, :100], near_crises[:, 100:]], axis=1)
    counts = neighbours.crisis_neighbours(mixed)
    assert counts[:, 1].tolist() == [0] * 5 and counts[:, 0].min() > 0
    assert neighbours.by_words.axes.shape == (100, 32) and neighbours.by_model.axes.shape == (300, 32)


def test_the_saved_file_gives_the_same_answers_and_the_same_bytes_twice(toy, tmp_path) -> None:
    neighbours, near_crises, near_safe = toy
    neighbours.save(tmp_path / "a.safetensors")
    neighbours.save(tmp_path / "b.safetensors")
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()
    loaded = Neighbours.load(tmp_path / "a.safetensors")
    # The axes are a transposed view after the SVD: written as laid out in memory they came back scrambled.
    assert np.allclose(loaded.by_model.axes, neighbours.by_model.axes, atol=1e-6)
    assert np.allclose(loaded.by_words.axes, neighbours.by_words.axes, atol=1e-6)
    both = np.concatenate([near_crises, near_safe])
    assert loaded.crisis_neighbours(both).tolist() == neighbours.crisis_neighbours(both).tolist()
    assert (loaded.model, loaded.data, loaded.k) == ("model", "data", 20)
    assert (loaded.by_model.min_crisis, loaded.by_model.columns) == (3, 0)
    assert (loaded.by_words.min_crisis, loaded.by_words.columns) == (1, 100)


def test_a_missing_or_broken_file_says_what_to_run(tmp_path) -> None:
    with pytest.raises(NeighboursError, match="build-neighbours"):
        Neighbours.load(tmp_path / "missing.safetensors")
    (tmp_path / "broken.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(NeighboursError, match="build-neighbours"):
        Neighbours.load(tmp_path / "broken.safetensors")
    assert issubclass(NeighboursError, ModelMissingError)  # every command's model error path catches it


def test_the_build_needs_labels_for_every_row(toy) -> None:
    with pytest.raises(ValueError, match="one crisis flag per row"):
        build(np.zeros((40, 8)), np.zeros(39, dtype=bool), np.zeros((1, 8)), np.zeros(1, dtype=bool), "m", "d", axes=4)


def test_the_shipped_file_belongs_to_the_shipped_model_and_data() -> None:
    neighbours = Neighbours.load(NEIGHBOURS_FILE)
    assert neighbours.model == model_hash(ADAPTER_FILE, HEAD_FILE), "run `python -m bot build-neighbours`"
    posts = load_dev_posts()
    current = data_hash(prepare(load_split("train")) + [Example(p.text, p.label) for p in posts])
    assert neighbours.data == current, "run `python -m bot build-neighbours`"
    assert len(neighbours.by_model.crisis) >= len(prepare(load_split("train"))) + len(posts)
    assert neighbours.by_words.columns == WORD_COLUMNS and neighbours.by_model.columns == 0


def test_a_file_built_for_another_model_is_refused(tmp_path, toy) -> None:
    neighbours, _, _ = toy
    (tmp_path / "head.safetensors").write_bytes(HEAD_FILE.read_bytes())
    neighbours.save(tmp_path / "neighbours.safetensors")
    with pytest.raises(NeighboursError, match="another adapter or head"):
        FramingClassifier.load(0.5, 2000, head_path=tmp_path / "head.safetensors")
    loaded = FramingClassifier.load(0.5, 2000, head_path=tmp_path / "head.safetensors", known_posts=False)
    assert loaded.neighbours is None


def test_the_words_place_reads_features_the_adapter_does_not_touch(classifier: FramingClassifier) -> None:
    plain = OnnxEncoder.load(adapter=None)  # the MiniLM without the fine-tuning
    texts = [SET_ASIDE[0], STANDS[0], "anyone know a good baby sling?"]
    served, untuned = classifier.encoder.encode(texts), plain.encode(texts)
    assert np.allclose(served[:, :WORD_COLUMNS], untuned[:, :WORD_COLUMNS], atol=1e-5)
    # the next hidden state comes after the first adapted layer: there the two differ
    assert not np.allclose(served[:, WORD_COLUMNS:2 * WORD_COLUMNS], untuned[:, WORD_COLUMNS:2 * WORD_COLUMNS],
                           atol=1e-3)


def test_the_shipped_classifier_reads_the_known_posts(classifier: FramingClassifier) -> None:
    assert classifier.neighbours is not None


@pytest.mark.parametrize("text", SET_ASIDE)
def test_an_ordinary_plan_the_model_calls_crisis_is_set_aside(classifier: FramingClassifier, text: str) -> None:
    [result] = classifier.classify([text])
    assert result.scores["crisis"] >= classifier.crisis_threshold and not result.net_fired  # the model alone: crisis
    assert result.set_aside and result.known_crises is not None and result.known_word_crises is not None
    assert classifier.neighbours.sets_aside([[result.known_crises, result.known_word_crises]])[0]
    assert result.label != "crisis" and result.label in LABELS


@pytest.mark.parametrize("text", STANDS)
def test_a_crisis_from_the_model_alone_stands(classifier: FramingClassifier, text: str) -> None:
    model_alone = FramingClassifier(classifier.encoder, classifier.head, SafetyNet([], [], None),
                                    classifier.crisis_threshold, classifier.max_chars, classifier.neighbours)
    [result] = model_alone.classify([text])
    assert result.label == "crisis" and not result.set_aside
    assert result.known_crises is not None and result.known_crises >= classifier.neighbours.by_model.min_crisis
    assert result.known_word_crises is not None
    assert result.known_word_crises >= classifier.neighbours.by_words.min_crisis


def test_the_safety_net_is_never_set_aside_and_only_model_calls_are_read(classifier: FramingClassifier) -> None:
    rng = np.random.default_rng(1)
    dim = classifier.encoder.encode(["hi"]).shape[1]
    # no known post is a crisis, so every call from the model alone is set aside
    safe_only = build(rng.standard_normal((40, dim)), np.zeros(40, dtype=bool), rng.standard_normal((2, dim)),
                      np.zeros(2, dtype=bool), "m", "d", axes=8)
    strict = FramingClassifier(classifier.encoder, classifier.head, classifier.net, classifier.crisis_threshold,
                               classifier.max_chars, safe_only)
    net_crisis, model_crisis, calm = strict.classify([
        "I'm going to end my life tonight",
        SET_ASIDE[0],
        "anyone know a good baby sling?",
    ])
    assert net_crisis.net_fired and net_crisis.label == "crisis" and net_crisis.known_crises is None
    assert model_crisis.set_aside and model_crisis.label != "crisis"
    assert (model_crisis.known_crises, model_crisis.known_word_crises) == (0, 0)
    assert calm.known_crises is None and calm.known_word_crises is None
    assert not calm.set_aside and calm.label != "crisis"


def test_a_call_that_stands_by_the_model_is_set_aside_by_its_words(classifier: FramingClassifier) -> None:
    rng = np.random.default_rng(2)
    # no known post is a crisis by its words; by the model the shipped place, where this crisis stands
    safe_words = build_place(rng.standard_normal((40, WORD_COLUMNS)), np.zeros(40, dtype=bool),
                             rng.standard_normal((2, WORD_COLUMNS)), np.zeros(2, dtype=bool), 2, WORD_COLUMNS, axes=8)
    known = Neighbours(classifier.neighbours.by_model, safe_words, "m", "d")
    model_alone = FramingClassifier(classifier.encoder, classifier.head, SafetyNet([], [], None),
                                    classifier.crisis_threshold, classifier.max_chars, known)
    [result] = model_alone.classify([STANDS[0]])
    assert result.known_crises >= classifier.neighbours.by_model.min_crisis and result.known_word_crises == 0
    assert result.set_aside and result.label != "crisis"


def test_combine_sets_aside_only_the_model_and_then_takes_the_likeliest_other_label() -> None:
    row = np.array([0.9, 0.01, 0.01, 0.05, 0.02, 0.01])
    assert combine(row, net_hit=False, crisis_threshold=0.5) == "crisis"
    assert combine(row, net_hit=False, crisis_threshold=0.5, set_aside=True) == "isolation"
    assert combine(row, net_hit=True, crisis_threshold=0.5, set_aside=True) == "crisis"


def test_the_known_posts_use_the_heads_own_features(classifier: FramingClassifier) -> None:
    head = LinearHead.load(HEAD_FILE)
    features = classifier.encoder.encode([SET_ASIDE[0]])
    [result] = classifier.classify([SET_ASIDE[0]])
    assert head.probabilities(features)[0, CRISIS] == pytest.approx(result.scores["crisis"], abs=1e-6)
    assert classifier.neighbours.crisis_neighbours(features)[0].tolist() == [result.known_crises,
                                                                             result.known_word_crises]


class _BrokenReading(Neighbours):
    def crisis_neighbours(self, features: np.ndarray) -> np.ndarray:
        raise MemoryError("no room")


class _BrokenRule(Neighbours):
    def sets_aside(self, counts: np.ndarray) -> np.ndarray:
        raise ValueError("bad counts")


@pytest.mark.parametrize("broken_kind", [_BrokenReading, _BrokenRule])
def test_when_the_known_posts_fail_every_crisis_call_of_the_model_stands(classifier: FramingClassifier,
                                                                         caplog, broken_kind) -> None:
    broken = broken_kind(**{f: getattr(classifier.neighbours, f) for f in ("by_model", "by_words", "model", "data")})
    failing = FramingClassifier(classifier.encoder, classifier.head, classifier.net, classifier.crisis_threshold,
                                classifier.max_chars, broken)
    [plan, calm] = failing.classify([SET_ASIDE[0], "anyone know a good baby sling?"])
    assert plan.label == "crisis" and not plan.set_aside and plan.known_crises is None
    assert calm.label != "crisis"
    assert "could not be read; 1 crisis calls from the model stand" in caplog.text
    assert SET_ASIDE[0] not in caplog.text  # never her words
