"""A training run with a work folder resumes where it stopped, with byte-identical results."""

from pathlib import Path

import numpy as np

from bot.core.framing.adapter import Adapter
from bot.core.framing.examples import Example
from bot.core.framing.head import LinearHead
from bot.core.framing.training import FOLDS, TrainingResult, prepare, train, train_part
from bot.core.framing.work import WorkFolder
from tests.core.framing.test_head import TINY

LINES = TINY  # the six labels twice, as the fine-tuning test trains on
MAX_CHARS = 2000


def run(work: Path | None) -> tuple[TrainingResult, list[str]]:
    lines: list[str] = []
    result = train(LINES, [False] * len(LINES), MAX_CHARS, epochs=1, report=lines.append, work=work)
    return result, lines


def files(result: TrainingResult, folder: Path) -> tuple[bytes, bytes]:
    return saved(result.adapter, result.head, folder)


def saved(adapter: Adapter, head: LinearHead, folder: Path) -> tuple[bytes, bytes]:
    folder.mkdir(exist_ok=True)
    adapter.save(folder / "adapter.safetensors")
    head.save(folder / "head.safetensors")
    return (folder / "adapter.safetensors").read_bytes(), (folder / "head.safetensors").read_bytes()


def test_a_stopped_run_resumes_after_its_last_finished_step_with_the_same_files(tmp_path) -> None:
    work = tmp_path / "work"
    uninterrupted, _ = run(None)
    first, _ = run(work)
    expected = files(uninterrupted, tmp_path / "plain")
    assert files(first, tmp_path / "first") == expected

    (step_folder,) = work.iterdir()
    assert sorted(p.name for p in step_folder.iterdir()) == sorted(
        [f"fold-{n}.npy" for n in range(1, FOLDS + 1)] + ["final-adapter.safetensors", "final-head.npz"])
    # As if the run had been stopped during fold 3: that fold and everything after it are missing.
    for name in ("fold-3.npy", "fold-4.npy", "fold-5.npy", "final-head.npz"):
        (step_folder / name).unlink()
    resumed, report = run(work)
    assert files(resumed, tmp_path / "resumed") == expected
    assert resumed.chosen == uninterrupted.chosen and resumed.calibration == uninterrupted.calibration
    assert [line for line in report if "earlier run" in line] == [
        f"fold 1/{FOLDS}: finished in an earlier run, read from {step_folder}",
        f"fold 2/{FOLDS}: finished in an earlier run, read from {step_folder}",
    ]
    assert any(line.startswith("fold 3/5: epoch 1 done") for line in report)
    assert any(line.startswith("final: epoch 1 done") for line in report)

    # Everything finished: nothing is trained again.
    again, report = run(work)
    assert files(again, tmp_path / "again") == expected
    assert report == [f"fold {n}/{FOLDS}: finished in an earlier run, read from {step_folder}"
                      for n in range(1, FOLDS + 1)] + [f"final: finished in an earlier run, read from {step_folder}"]


def test_other_data_or_another_recipe_never_reuses_a_step(tmp_path) -> None:
    prepared = prepare(LINES)
    folder = WorkFolder.open(tmp_path, prepared, MAX_CHARS, 1, FOLDS)
    assert WorkFolder.open(tmp_path, prepared, MAX_CHARS, 1, FOLDS).path == folder.path
    changed = [*prepared[:-1], Example("anyone know a good baby carrier?", "neutral")]
    assert WorkFolder.open(tmp_path, changed, MAX_CHARS, 1, FOLDS).path != folder.path
    assert WorkFolder.open(tmp_path, prepared, MAX_CHARS, 2, FOLDS).path != folder.path
    assert WorkFolder.open(tmp_path, prepared, 500, 1, FOLDS).path != folder.path
    assert WorkFolder.open(tmp_path, prepared, MAX_CHARS, 1, FOLDS, seed=1).path != folder.path


def test_a_half_written_or_unreadable_step_is_done_again(tmp_path) -> None:
    folder = WorkFolder.open(tmp_path, prepare(LINES), MAX_CHARS, 1, FOLDS)
    (folder.path / "fold-1.npy").write_bytes(b"\x93NUMPY cut off")
    assert folder.fold(0) is None
    folder.save_fold(0, np.ones((3, 6)))
    assert np.array_equal(folder.fold(0), np.ones((3, 6)))
    assert not list(folder.path.glob(".*"))  # the temporary file was renamed into place
    (folder.path / "final-adapter.safetensors").write_bytes(b"broken")
    (folder.path / "final-head.npz").write_bytes(b"broken")
    assert folder.final() is None


def test_a_soup_part_is_the_final_step_calibrated_with_the_given_temperature(tmp_path) -> None:
    work = tmp_path / "work"
    full, _ = run(work)
    lines: list[str] = []
    adapter, head = train_part(LINES, full.calibration.temperature, MAX_CHARS, epochs=1, report=lines.append,
                               work=work)
    (step_folder,) = work.iterdir()
    assert lines == [f"final: finished in an earlier run, read from {step_folder}"]  # the same step, shared
    assert files(full, tmp_path / "full")[0] == saved(adapter, head, tmp_path / "part")[0]
    assert np.array_equal(head.weights, full.head.weights) and np.array_equal(head.bias, full.head.bias)
    assert head.temperature == full.head.temperature
    assert head.crisis_threshold is None and head.urgent_threshold is None  # a soup sets its own

    other, _ = train_part(LINES, 2.0, MAX_CHARS, epochs=1, seed=1)
    assert saved(other, head, tmp_path / "seed1")[0] != files(full, tmp_path / "full")[0]

