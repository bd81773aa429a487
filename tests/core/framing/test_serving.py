"""The served model (ONNX Runtime + tokenizers, no torch) against the training toolchain's (torch).

The real models, no mocks: the served encoder and the torch MiniLMEncoder, each with the committed
adapter, are loaded once for this module; the bot's classifier is the session's `classifier`.
"""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot.core.framing.adapter import Adapter
from bot.core.framing.encoder import MiniLMEncoder, model_dir
from bot.core.framing.examples import load_split
from bot.core.framing.labels import LABELS
from bot.core.framing.serving import (
    EXPORT_COMMAND,
    GRAPH_FILE,
    MANIFEST_FILE,
    WEIGHTS_DIR,
    OnnxEncoder,
    ServingModelError,
    file_sha256,
    token_batches,
)
from tests.cli.test_main import ROOT

LONG = ("We got home from the hospital on Tuesday and I haven't slept properly since. " * 30
        + "Sometimes I think everyone would be better off without me.")


@pytest.fixture(scope="module")
def served() -> OnnxEncoder:
    return OnnxEncoder.load(adapter=Adapter.load())


@pytest.fixture(scope="module")
def torch_encoder() -> MiniLMEncoder:
    return MiniLMEncoder.load(adapter=Adapter.load())


@pytest.fixture(scope="module")
def heldout() -> list[str]:
    return [e.text for e in load_split("heldout")]


def test_served_probabilities_agree_with_the_torch_model_on_the_heldout_split(classifier, torch_encoder,
                                                                               heldout) -> None:
    torch_classifier = copy.copy(classifier)
    torch_classifier.encoder = torch_encoder
    served_results, torch_results = classifier.classify(heldout), torch_classifier.classify(heldout)
    served = np.array([[r.scores[label] for label in LABELS] for r in served_results])
    reference = np.array([[r.scores[label] for label in LABELS] for r in torch_results])
    assert served.shape == reference.shape == (len(heldout), len(LABELS))
    assert (served.argmax(axis=1) == reference.argmax(axis=1)).all()
    assert float(np.abs(served - reference).max()) <= 1e-4
    # and so the deployed labels (the combination rule with the safety net) are the same
    assert [r.label for r in served_results] == [r.label for r in torch_results]


def test_served_features_are_the_torch_features(served, torch_encoder, heldout) -> None:
    texts = ["", "ok", LONG[:1500], *heldout[:40]]
    features = served.encode(texts)
    assert OnnxEncoder.dimension == 2688
    assert features.dtype == np.float32 and features.shape == (len(texts), 2688)
    assert float(np.abs(features - torch_encoder.encode(texts)).max()) <= 1e-5
    norms = np.linalg.norm(features.reshape(len(texts), OnnxEncoder.layers, 384), axis=2)
    assert np.allclose(norms, 1.0, atol=1e-5)  # each layer's pooled vector is L2-normalised in the graph


@pytest.mark.parametrize("text", ["", "Me too 💛 you're not alone", "can't sleep… again!!", "  spaced\tout\n", LONG])
def test_token_spans_are_the_transformers_tokenizers(served, torch_encoder, text) -> None:
    assert served.token_spans(text) == torch_encoder.token_spans(text)


def test_a_batch_is_read_as_each_text_alone(served) -> None:
    texts = ["short", LONG, "a bit longer than short, but not much", ""]
    together = served.encode(texts)
    alone = np.vstack([served.encode([text]) for text in texts])
    assert float(np.abs(together - alone).max()) <= 1e-5


@pytest.mark.parametrize("lengths", [[], [5], [3, 200, 7, 256, 9, 9, 100], [256] * 9, [2] * 700])
def test_token_batches_sort_by_length_and_keep_to_the_budget(lengths) -> None:
    batches = token_batches(lengths, budget=1024)
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    flat = [lengths[i] for batch in batches for i in batch]
    assert flat == sorted(flat)
    for batch in batches:
        assert len(batch) == 1 or len(batch) * max(lengths[i] for i in batch) <= 1024


def test_the_committed_weights_are_the_packages() -> None:
    # Training reads MiniLM from the package, serving from config/framing/minilm: the same bytes.
    for name in ("model.safetensors", "tokenizer.json"):
        assert file_sha256(WEIGHTS_DIR / name) == file_sha256(model_dir() / name)


def _copy_serving_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    weights = tmp_path / "minilm"
    weights.mkdir()
    for name in ("model.safetensors", "tokenizer.json"):
        (weights / name).symlink_to(WEIGHTS_DIR / name)
    graph, manifest = tmp_path / GRAPH_FILE.name, tmp_path / MANIFEST_FILE.name
    shutil.copyfile(GRAPH_FILE, graph)
    shutil.copyfile(MANIFEST_FILE, manifest)
    return weights, graph, manifest


def _load_error(weights: Path, graph: Path, manifest: Path) -> str:
    with pytest.raises(ServingModelError) as caught:
        OnnxEncoder.load(weights, graph_path=graph, manifest_path=manifest)
    message = str(caught.value)
    assert message.endswith(f"run `{EXPORT_COMMAND}`.") and "\n" not in message
    return message


def test_a_missing_graph_or_manifest_names_the_export_command(tmp_path: Path) -> None:
    weights, graph, manifest = _copy_serving_files(tmp_path)
    graph.unlink()
    assert "encoder.onnx is missing" in _load_error(weights, graph, manifest)
    manifest.unlink()
    assert "encoder.onnx.json is missing" in _load_error(weights, graph, manifest)


def test_a_changed_graph_is_refused(tmp_path: Path) -> None:
    weights, graph, manifest = _copy_serving_files(tmp_path)
    graph.write_bytes(graph.read_bytes() + b"\0")
    assert "does not match encoder.onnx.json" in _load_error(weights, graph, manifest)


def test_other_weights_are_refused(tmp_path: Path) -> None:
    weights, graph, manifest = _copy_serving_files(tmp_path)
    (weights / "model.safetensors").unlink()
    assert "MiniLM weights minilm/model.safetensors are missing" in _load_error(weights, graph, manifest)
    (weights / "model.safetensors").write_bytes(b"not the model")
    assert "are not the weights encoder.onnx.json names" in _load_error(weights, graph, manifest)


def test_a_weight_of_the_wrong_shape_is_refused(tmp_path: Path) -> None:
    weights, graph, manifest = _copy_serving_files(tmp_path)
    text = manifest.read_text(encoding="utf-8")
    name = "Attention_0_qkv_weight"
    row = next(line for line in text.splitlines() if line.strip().startswith(json.dumps(name)))
    manifest.write_text(text.replace(row, row.replace("[384, 1152]", "[384, 1151]")), encoding="utf-8")
    assert f"expects {name} of shape (384, 1151)" in _load_error(weights, graph, manifest)


NO_TORCH = """
import json, sys
from bot.__main__ import main
code = main(["classify"])
print(json.dumps({"code": code, "heavy": sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers"})}))
"""


def _run(script: str, stdin: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
           "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"), "PEERBOT_BOT__LOG_LEVEL": "WARNING"}
    return subprocess.run([sys.executable, "-c", script], input=stdin, capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=300, check=False)


def test_classifying_imports_neither_torch_nor_transformers(tmp_path: Path) -> None:
    texts = ["Everyone else seems to manage so much better than me",
             "I've written letters for everyone and I know where the tablets are",
             "What time is the baby clinic on Saturday?"]
    result = _run(NO_TORCH, "".join(json.dumps({"text": t}) + "\n" for t in texts), tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    *rows, report = result.stdout.strip().splitlines()
    assert [json.loads(row)["label"] for row in rows][1] == "crisis" and len(rows) == 3
    assert json.loads(report) == {"code": 0, "heavy": []}


def test_classify_without_the_graph_says_what_to_run(tmp_path: Path) -> None:
    script = ("from pathlib import Path\nimport bot.core.framing.serving as serving\n"
              f"serving.GRAPH_FILE = Path({str(tmp_path / 'gone.onnx')!r})\n" + NO_TORCH)
    result = _run(script, json.dumps({"text": "hello"}) + "\n", tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1])["code"] == 2
    assert result.stderr.strip() == ("error: The framing model cannot be served (gone.onnx is missing): "
                                     f"run `{EXPORT_COMMAND}`.")
