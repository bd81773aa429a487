import numpy as np
import pytest

from bot.core.framing.adapter import ADAPTER_FILE, Adapter, AdapterError
from bot.core.framing.classifier import FramingClassifier
from bot.core.framing.examples import Example, data_hash, load_split
from bot.core.framing.fine_tune import fine_tune
from bot.core.framing.head import HEAD_FILE, HeadError, LinearHead
from bot.core.framing.labels import LABELS
from bot.core.framing.training import THRESHOLD_GRID, URGENT_GRID, prepare
from bot.settings import load_settings

TINY = [Example(text, label) for text, label in [
    ("I don't want to be alive anymore", "crisis"),
    ("everyone else copes better than me", "upward_comparison"),
    ("at least mine sleeps, some have it worse", "downward_comparison"),
    ("I'm the only one who feels like this", "isolation"),
    ("me too, so many of us feel this", "common_humanity"),
    ("anyone know a good baby sling?", "neutral"),
] * 2]


def test_committed_head_and_adapter_were_trained_on_the_current_train_split() -> None:
    head = LinearHead.load(HEAD_FILE)
    adapter = Adapter.load(ADAPTER_FILE)
    current = data_hash(prepare(load_split("train")))
    assert head.labels == LABELS
    assert head.data_hash == current, "run `python -m bot train-classifier`"
    assert adapter.data_hash == current, "run `python -m bot train-classifier`"


def test_training_never_reads_held_out_lines() -> None:
    train = {e.text for e in load_split("train")}
    heldout = {e.text for e in load_split("heldout")}
    assert train and heldout and not train & heldout


def test_fine_tuning_is_deterministic_and_the_saved_files_reproduce_its_predictions(tmp_path) -> None:
    first_adapter, first_head, encoder = fine_tune(TINY, epochs=1)
    second_adapter, second_head, _ = fine_tune(TINY, epochs=1)
    first_adapter.save(tmp_path / "a1.safetensors")
    second_adapter.save(tmp_path / "a2.safetensors")
    first_head.save(tmp_path / "h1.safetensors")
    second_head.save(tmp_path / "h2.safetensors")
    assert (tmp_path / "a1.safetensors").read_bytes() == (tmp_path / "a2.safetensors").read_bytes()
    assert (tmp_path / "h1.safetensors").read_bytes() == (tmp_path / "h2.safetensors").read_bytes()
    other_seed, _, _ = fine_tune(TINY, epochs=1, seed=1)
    other_seed.save(tmp_path / "a3.safetensors")
    assert (tmp_path / "a3.safetensors").read_bytes() != (tmp_path / "a1.safetensors").read_bytes()
    # The adapter really changed the encoder (B starts at zero, so an untrained one would be all zeros).
    assert any(np.abs(b).max() > 0 for _, b in first_adapter.updates.values())

    texts = [e.text for e in TINY[:6]]
    expected = first_head.probabilities(encoder.encode(texts))
    loaded = FramingClassifier.load(0.5, 2000, head_path=tmp_path / "h1.safetensors",
                                    adapter_path=tmp_path / "a1.safetensors")
    assert np.allclose(loaded.probabilities(texts), expected, atol=1e-4)
    assert first_adapter.data_hash == first_head.data_hash == data_hash(TINY)


def test_missing_head_or_adapter_names_the_command(tmp_path) -> None:
    with pytest.raises(HeadError, match="train-classifier"):
        LinearHead.load(tmp_path / "none.safetensors")
    with pytest.raises(AdapterError, match="train-classifier"):
        Adapter.load(tmp_path / "none.safetensors")


def test_an_adapter_that_does_not_fit_the_model_is_refused(tmp_path) -> None:
    wrong = Adapter(8, 16.0, {"encoder.layer.0.attention.self.query": (np.zeros((10, 8)), np.zeros((8, 10)))}, "h")
    wrong.save(tmp_path / "wrong.safetensors")
    with pytest.raises(AdapterError, match="does not fit"):
        FramingClassifier.load(0.5, 2000, adapter_path=tmp_path / "wrong.safetensors")


def test_unreadable_files_name_the_command(tmp_path) -> None:
    (tmp_path / "broken.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(AdapterError, match=r"unreadable.*train-classifier"):
        Adapter.load(tmp_path / "broken.safetensors")
    with pytest.raises(HeadError, match=r"unreadable.*train-classifier"):
        LinearHead.load(tmp_path / "broken.safetensors")


def test_the_settings_carry_the_thresholds_chosen_with_the_committed_head() -> None:
    # out of fold by train-classifier, or on the development files by soup-classifier or refit-head:
    # either way a value of the grids, never one set by hand
    head = LinearHead.load(HEAD_FILE)
    framing = load_settings(env={}).framing
    assert head.crisis_threshold is not None and head.urgent_threshold is not None
    assert framing.crisis_threshold == head.crisis_threshold, "set framing.crisis_threshold to the head's value"
    assert framing.urgent_threshold == head.urgent_threshold, "set framing.urgent_threshold to the head's value"
    assert head.crisis_threshold in THRESHOLD_GRID and head.urgent_threshold in URGENT_GRID


def test_a_head_fitted_on_the_development_posts_says_so_and_others_keep_their_bytes(tmp_path) -> None:
    weights, bias = np.arange(12.0).reshape(2, 6), np.arange(6.0)
    plain = LinearHead(LABELS, weights, bias, "h", 1.5, 0.2, 0.5)
    plain.save(tmp_path / "plain.safetensors")
    assert LinearHead.load(tmp_path / "plain.safetensors").dev_hash is None
    assert b"dev_hash" not in (tmp_path / "plain.safetensors").read_bytes()  # train-classifier's bytes as before
    LinearHead(LABELS, weights, bias, "h", 1.0, 0.2, 0.5, dev_hash="d").save(tmp_path / "refit.safetensors")
    assert LinearHead.load(tmp_path / "refit.safetensors").dev_hash == "d"
