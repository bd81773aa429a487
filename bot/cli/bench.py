"""``python -m bot bench NAME``: run one benchmark and print its figures.

Each benchmark is a module in ``bot/bench/`` with ``HELP``, ``add_arguments(parser)`` and
``run(args) -> int``; add one by adding a line to BENCHMARKS.
"""

from __future__ import annotations

import argparse
import importlib

NAME = "bench"
HELP = "run a benchmark (checkins, classify) and print its timings"

BENCHMARKS = {
    "checkins": "bot.bench.checkins",
    "classify": "bot.bench.classify",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    subparsers = parser.add_subparsers(dest="benchmark", metavar="BENCHMARK", required=True)
    for name, module_name in BENCHMARKS.items():
        module = importlib.import_module(module_name)
        module.add_arguments(subparsers.add_parser(name, help=module.HELP, description=module.HELP))


def run(args: argparse.Namespace) -> int:
    return int(importlib.import_module(BENCHMARKS[args.benchmark]).run(args) or 0)
