"""The labelled examples the framing head is trained and measured on.

`config/framing/<label>.jsonl` holds one example a line ({"text", "split", optional
"hard_negative_for"}) with a fixed 25 % held-out split that training never reads.
`config/framing/extra_train*.jsonl` (read in name order) hold extra training lines ({"text",
"label"}); they are always training data.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from bot.core.framing.labels import LABELS

EXAMPLES_DIR = Path(__file__).resolve().parents[3] / "config" / "framing"
EXTRA_TRAIN_FILES = "extra_train*.jsonl"
DEV_DIR = EXAMPLES_DIR / "dev"


@dataclass(frozen=True)
class Example:
    text: str
    label: str


class ExampleError(ValueError):
    """A data file is missing or has a bad line; the message names the file and line."""


def read_lines(path: Path) -> list[tuple[int, dict[str, object]]]:
    if not path.is_file():
        raise ExampleError(f"{path} not found")
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise ExampleError(f"{path}:{number}: not valid JSON") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ExampleError(f"{path}:{number}: needs a \"text\" string")
        rows.append((number, row))
    return rows


def load_split(split: str, directory: Path = EXAMPLES_DIR) -> list[Example]:
    """Every example of one split ("train" or "heldout"); "train" includes the extra_train files."""
    examples: list[Example] = []
    for label in LABELS:
        path = directory / f"{label}.jsonl"
        for number, row in read_lines(path):
            if row.get("split") not in ("train", "heldout"):
                raise ExampleError(f"{path}:{number}: \"split\" must be train or heldout")
            if row["split"] == split:
                examples.append(Example(str(row["text"]), label))
    if split == "train":
        for extra in sorted(directory.glob(EXTRA_TRAIN_FILES)):
            examples.extend(load_labelled(extra))
    return examples


def load_labelled(path: Path) -> list[Example]:
    """A JSON-lines file of {"text", "label"} (for extra training data or an outside test set)."""
    examples = []
    for number, row in read_lines(path):
        if row.get("label") not in LABELS:
            raise ExampleError(f"{path}:{number}: \"label\" must be one of {', '.join(LABELS)}")
        examples.append(Example(str(row["text"]), str(row["label"])))
    return examples


def data_hash(examples: list[Example]) -> str:
    """A fingerprint of the training data, stored with the head so a stale head is noticed."""
    digest = hashlib.sha256()
    for example in examples:
        digest.update(example.label.encode())
        digest.update(b"\x00")
        digest.update(example.text.encode())
        digest.update(b"\x01")
    return digest.hexdigest()


@dataclass(frozen=True)
class DevPost:
    text: str
    label: str  # "crisis", "safe" or one of the other labels
    file: str  # the file's name: posts of one file were written by one hand

    @property
    def is_crisis(self) -> bool:
        return self.label == "crisis"


def load_dev_posts(directory: Path = DEV_DIR) -> list[DevPost]:
    """The development posts (config/framing/dev/*.jsonl, {"text", "label", ...}), files in name order.

    Written by other hands for developing the safety net and the model; not an evaluation set. The
    encoder was never trained on them; `refit-head` fits a head on them (refit.py)."""
    posts = []
    for path in sorted(directory.glob("*.jsonl")):
        for number, row in read_lines(path):
            if not isinstance(row.get("label"), str):
                raise ExampleError(f"{path}:{number}: needs a \"label\" string")
            posts.append(DevPost(str(row["text"]), str(row["label"]), path.name))
    if not posts:
        raise ExampleError(f"no development posts in {directory}")
    return posts


def load_dev(directory: Path = DEV_DIR) -> list[tuple[str, bool]]:
    """The development posts as (text, is a crisis)."""
    return [(post.text, post.is_crisis) for post in load_dev_posts(directory)]
