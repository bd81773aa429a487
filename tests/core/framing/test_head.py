import numpy as np
import pytest

from bot.core.framing.examples import data_hash, load_split
from bot.core.framing.head import HEAD_FILE, HeadError, LinearHead, train_head
from bot.core.framing.labels import LABELS


def test_committed_head_was_trained_on_the_current_train_split() -> None:
    head = LinearHead.load(HEAD_FILE)
    assert head.labels == LABELS
    assert head.data_hash == data_hash(load_split("train")), "run `python -m bot train-classifier`"


def test_training_never_reads_held_out_lines() -> None:
    train = {e.text for e in load_split("train")}
    heldout = {e.text for e in load_split("heldout")}
    assert train and heldout and not train & heldout


def test_training_is_deterministic_and_saves_byte_identical_files(tmp_path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(60, 8))
    y = np.arange(60) % len(LABELS)
    first, second = train_head(x, y, 3.0, "h"), train_head(x, y, 3.0, "h")
    first.save(tmp_path / "a.safetensors")
    second.save(tmp_path / "b.safetensors")
    assert (tmp_path / "a.safetensors").read_bytes() == (tmp_path / "b.safetensors").read_bytes()
    loaded = LinearHead.load(tmp_path / "a.safetensors")
    assert np.allclose(loaded.probabilities(x), first.probabilities(x), atol=1e-5)


def test_missing_head_names_the_command(tmp_path) -> None:
    with pytest.raises(HeadError, match="train-classifier"):
        LinearHead.load(tmp_path / "none.safetensors")
