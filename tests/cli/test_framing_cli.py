import json
import os
import shutil
import subprocess
import sys

from bot.core.framing.adapter import ADAPTER_FILE
from bot.core.framing.head import HEAD_FILE, LinearHead
from bot.core.framing.labels import LABELS
from bot.settings import load_settings
from tests.cli.test_main import ROOT, run_cli


def run_classify(stdin: bytes) -> subprocess.CompletedProcess[bytes]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    return subprocess.run([sys.executable, "-m", "bot", "classify"], input=stdin, capture_output=True,
                          timeout=300, cwd=ROOT, check=False, env={**base, "PYTHONPATH": str(ROOT)})


def test_classify_answers_every_line_and_survives_bad_ones() -> None:
    lines = ['{"text": "Me too, you are not alone in this"}', "not json", '{"nope": 1}', "",
             '{"text": ""}', json.dumps({"text": "😭" * 10}), '{"text": 5}']
    result = run_classify(("\n".join(lines) + "\n").encode())
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert len(out) == len(lines)
    assert out[0]["label"] == "common_humanity" and out[0]["text"] == "Me too, you are not alone in this"
    assert set(out[0]["scores"]) == set(LABELS)
    assert "error" in out[1] and "error" in out[2] and "error" in out[3] and "error" in out[6]
    assert out[4]["label"] in LABELS and out[5]["label"] in LABELS


def test_classify_survives_a_lone_surrogate_bad_utf8_and_deep_nesting() -> None:
    crisis = "I have decided to end my life tonight, I've got the tablets ready"
    lines = [json.dumps({"text": "Me too, you are not alone in this"}).encode(),
             b'{"text": "hello \\ud83d"}',  # the JSON escape of a lone surrogate
             json.dumps({"text": crisis}).encode(),
             b'{"text": "caf\xe9"}',  # Latin-1, not UTF-8
             b"[" * 100_000,
             json.dumps({"text": "Thank you 💛"}, ensure_ascii=False).encode()]
    result = run_classify(b"\n".join(lines) + b"\n")
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr
    out = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert len(out) == len(lines)
    assert out[0]["label"] == "common_humanity"
    assert out[1]["text"] == "hello \ud83d" and out[1]["label"] in LABELS and set(out[1]["scores"]) == set(LABELS)
    assert out[2]["text"] == crisis and out[2]["label"] == "crisis" and out[2]["tier"] == "urgent"
    assert out[0]["tier"] is None  # not crisis: no crisis response
    assert "UTF-8" in out[3]["error"] and "JSON" in out[4]["error"]
    assert out[5]["text"] == "Thank you 💛" and out[5]["label"] in LABELS


def test_classify_reads_a_long_post_whole() -> None:
    text = "We went to the park with the pram and fed the ducks. " * 60 + "I can't keep myself safe tonight."
    result = run_classify((json.dumps({"text": text}) + "\n").encode())
    [row] = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert row["label"] == "crisis"
    assert row["scores"]["crisis"] >= load_settings(env={}).framing.crisis_threshold  # the model, not only the net


def test_eval_classifier_prints_all_three_measurements(tmp_path) -> None:
    data = tmp_path / "mine.jsonl"
    data.write_text('{"text": "I want to kill myself", "label": "crisis"}\n'
                    '{"text": "Me too, so many of us feel this", "label": "common_humanity"}\n', encoding="utf-8")
    result = run_cli("eval-classifier", str(data))
    assert result.returncode == 0, result.stderr
    for heading in ("model + safety net (as deployed):", "safety net alone (crisis vs not):", "keyword baseline:",
                    "macro-F1", "targets:"):
        assert heading in result.stdout


def test_eval_classifier_refuses_a_bad_file(tmp_path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "hi", "label": "happy"}\n', encoding="utf-8")
    result = run_cli("eval-classifier", str(data))
    assert result.returncode == 2 and "label" in result.stderr


def test_eval_classifier_measures_a_candidate_on_the_heldout_split_alone(tmp_path) -> None:
    # The shipped files as a candidate: the same held-out figures, from the thresholds its head records.
    for name in ("adapter.safetensors", "head.safetensors"):
        shutil.copy(ADAPTER_FILE.parent / name, tmp_path / name)
    candidate = run_cli("eval-classifier", "--model", str(tmp_path), "--heldout-only")
    shipped = run_cli("eval-classifier")
    assert candidate.returncode == 0 == shipped.returncode, candidate.stderr + shipped.stderr
    assert "== independent set" not in candidate.stdout and "== independent set" in shipped.stdout
    assert "the independent set was not read" in candidate.stdout

    def deployed_crisis_line(output: str) -> str:
        return next(line for line in output.splitlines() if line.startswith("crisis (as deployed)"))

    assert deployed_crisis_line(candidate.stdout) == deployed_crisis_line(shipped.stdout)
    assert "held-out split (must not fall below" in candidate.stdout


def test_eval_classifier_refuses_a_candidate_without_thresholds_or_a_file_with_heldout_only(tmp_path) -> None:
    shutil.copy(ADAPTER_FILE, tmp_path / "adapter.safetensors")
    head = LinearHead.load(HEAD_FILE)
    LinearHead(head.labels, head.weights, head.bias, head.data_hash).save(tmp_path / "head.safetensors")
    result = run_cli("eval-classifier", "--model", str(tmp_path), "--heldout-only")
    assert result.returncode == 2 and "records no thresholds" in result.stderr and "Traceback" not in result.stderr
    missing = run_cli("eval-classifier", "--model", str(tmp_path / "nowhere"), "--heldout-only")
    assert missing.returncode == 2 and "train-classifier" in missing.stderr and "Traceback" not in missing.stderr
    both = run_cli("eval-classifier", "--heldout-only", str(tmp_path / "mine.jsonl"))
    assert both.returncode == 2 and "no FILE" in both.stderr


def test_train_classifier_refuses_a_bad_seed_or_epochs_before_training() -> None:
    for args, message in ((("--seed", "-1"), "--seed must be a whole number"), (("--epochs", "0"), "--epochs must be")):
        result = run_cli("train-classifier", *args)
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


def test_train_classifier_refuses_a_soup_part_it_cannot_make_honestly(tmp_path) -> None:
    alone = run_cli("train-classifier", "--out", str(tmp_path / "part"))
    assert alone.returncode == 2 and "go together" in alone.stderr
    over = run_cli("train-classifier", "--temperature-from", "config/framing", "--out", "config/framing")
    assert over.returncode == 2 and "never over it" in over.stderr
    head = LinearHead.load(HEAD_FILE)
    other = tmp_path / "other"
    other.mkdir()
    LinearHead(head.labels, head.weights, head.bias, "another data hash", head.temperature,
               head.crisis_threshold, head.urgent_threshold).save(other / "head.safetensors")
    foreign = run_cli("train-classifier", "--temperature-from", str(other), "--out", str(tmp_path / "part"))
    assert foreign.returncode == 2 and "other data" in foreign.stderr and "Traceback" not in foreign.stderr
    assert not (tmp_path / "part").exists()


def test_refit_head_refuses_to_write_over_the_model_or_to_refit_a_head_it_cannot(tmp_path) -> None:
    over = run_cli("refit-head", "--out", "config/framing")
    assert over.returncode == 2 and "folder of its own" in over.stderr and "Traceback" not in over.stderr
    head = LinearHead.load(HEAD_FILE)
    bare, foreign, refitted = tmp_path / "bare", tmp_path / "foreign", tmp_path / "refitted"
    for folder, made in ((bare, LinearHead(head.labels, head.weights, head.bias, head.data_hash)),
                         (foreign, LinearHead(head.labels, head.weights, head.bias, "another data hash",
                                              head.temperature, head.crisis_threshold, head.urgent_threshold)),
                         (refitted, LinearHead(head.labels, head.weights, head.bias, head.data_hash, 1.0,
                                               head.crisis_threshold, head.urgent_threshold, dev_hash="d"))):
        folder.mkdir()
        shutil.copy(ADAPTER_FILE, folder / "adapter.safetensors")
        made.save(folder / "head.safetensors")
    for anchor, message in ((bare, "records no thresholds"), (foreign, "other data"),
                            (refitted, "fitted on the development posts"), (tmp_path / "nowhere", "train-classifier")):
        result = run_cli("refit-head", "--anchor", str(anchor), "--out", str(tmp_path / "out"))
        assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_dev_thresholds_keep_the_anchors_operating_point_and_go_into_the_head(tmp_path, capsys) -> None:
    from bot.cli._framing import set_dev_thresholds
    from bot.core.framing.training import THRESHOLD_GRID, URGENT_GRID

    head = LinearHead.load(HEAD_FILE)
    candidate = tmp_path / "candidate"
    candidate.mkdir()
    shutil.copy(ADAPTER_FILE, candidate / "adapter.safetensors")
    LinearHead(head.labels, head.weights, head.bias, head.data_hash, head.temperature).save(
        candidate / "head.safetensors")
    dev = [("i have the tablets out and i'm going to take them all tonight", True),
           ("i want to die, i can't do this anymore", True), ("i've written letters to the kids", True),
           ("she finally slept through, feeling human again", False),
           ("anyone else's baby hate the car seat?", False)]
    settings = load_settings(env={})
    assert set_dev_thresholds(settings, HEAD_FILE.parent, candidate, "copy", dev=dev) == 0
    written = LinearHead.load(candidate / "head.safetensors")
    assert written.crisis_threshold in THRESHOLD_GRID and written.urgent_threshold in URGENT_GRID
    assert written.urgent_threshold >= written.crisis_threshold
    assert written.weights.tobytes() == head.weights.tobytes()  # only the thresholds were written
    out = capsys.readouterr().out
    assert "5 development posts (3 crises)" in out
    [found] = [line.split() for line in out.splitlines() if line.strip().startswith("crises found (of 3)")]
    assert int(found[-1]) >= int(found[-2])  # the copy finds at least what the anchor finds
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(ADAPTER_FILE, bare / "adapter.safetensors")
    LinearHead(head.labels, head.weights, head.bias, head.data_hash).save(bare / "head.safetensors")
    assert set_dev_thresholds(settings, bare, candidate, "copy", dev=dev) == 2
    assert "records no thresholds" in capsys.readouterr().err


def test_adapt_classifier_refuses_to_write_over_the_model_or_to_train_without_a_step(tmp_path) -> None:
    over = run_cli("adapt-classifier", "--out", "config/framing")
    assert over.returncode == 2 and "folder of its own" in over.stderr and "Traceback" not in over.stderr
    for option in (("--epochs", "0"), ("--rate", "0"), ("--rate", "2")):
        result = run_cli("adapt-classifier", "--out", str(tmp_path / "out"), *option)
        assert result.returncode == 2 and "--epochs must be" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_adapt_classifier_keeps_the_shipped_thresholds_only_when_asked() -> None:
    import numpy as np

    from bot.cli.adapt_classifier import _thresholds

    head = LinearHead.load(HEAD_FILE)
    # the candidate ranks every crisis far above every safe post: matched thresholds rise above the shipped
    is_crisis = np.array([True] * 20 + [False] * 20)
    anchor = np.where(is_crisis, 0.6, 0.1)
    candidate = np.where(is_crisis, 0.95, 0.01)
    net = np.zeros(40, dtype=bool)
    kept = _thresholds(True, anchor, candidate, net, is_crisis, head)
    matched = _thresholds(False, anchor, candidate, net, is_crisis, head)
    assert kept == (head.crisis_threshold, head.urgent_threshold)
    assert matched[0] > head.crisis_threshold and matched[1] > head.urgent_threshold


def test_build_neighbours_refuses_a_folder_that_does_not_exist_before_reading_anything(tmp_path) -> None:
    result = run_cli("build-neighbours", "--out", str(tmp_path / "missing" / "neighbours.safetensors"))
    assert result.returncode == 2 and "does not exist" in result.stderr and "Traceback" not in result.stderr
    assert "reading" not in result.stdout and not (tmp_path / "missing").exists()
