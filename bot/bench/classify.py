"""Framing classifier benchmark: side by side with plain transformers, then latency, burst, memory, lag.

1. Side by side, each side a process of its own (so CPU seconds and peak memory are the whole
   process's, honestly apart), interleaved over --rounds, on the same ~300 realistic messages
   (a seeded sample of the labelled examples):
   - this project: `python -m bot classify` with the messages on stdin (the served model: ONNX
     Runtime, tokenizers, token-budget batches, windows, head and safety net);
   - the baseline: a plain transformers encoder over the same MiniLM weights (AutoModel, mean
     pooling, batches of 32 in arrival order), which needs requirements-train.txt;
   - the ratio of their CPU seconds (user + system), each side's peak RSS, and the cold start to
     the first label: wall time from starting `python -m bot classify` with one message to its
     first output line (the baseline's to its first vector, for comparison);
   - the bundled sandbox walk-through's peak RSS and wall time.
2. In this process, the classifier loaded as the bot loads it:
   - single messages one at a time (the latency a lone post sees): p50 / p95 / p99;
   - a burst of N messages (default 1,000) submitted at once to the async `FramingBatcher`:
     messages per second from first submit to last result, while a ticker task measures the
     event loop's largest lag (the loop must keep answering);
   - the safety net on its own: mean time per message, and one 10,000-character message;
   - this process's peak resident memory (ru_maxrss).
Targets (issue 15) are printed beside the figures; no test times anything.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bot.bench.checkins import LagTicker

HELP = "time the framing classifier: latency, batched throughput, peak memory, event-loop lag"
TARGET_THROUGHPUT = 200.0
TARGET_P95_MS = 30.0
TARGET_LAG_MS = 50.0
TARGET_NET_MS = 0.2  # mean per typical message
LONG_MESSAGE_CHARS = 10_000
# Issue 15's targets for the side-by-side run.
TARGET_CPU_RATIO = 0.40  # this project's CPU seconds ÷ the plain transformers encoder's
TARGET_CLASSIFY_RSS_MB = 300.0
TARGET_SANDBOX_RSS_MB = 350.0
TARGET_COLD_START_S = 3.0
MESSAGES = 300
SEED = 15
ROOT = Path(__file__).resolve().parents[2]
BASELINE_BATCH = 32

# The baseline, run as its own process: transformers as anyone would write it, over the same weights.
BASELINE = """
import json, os, sys
os.environ["HF_HUB_OFFLINE"] = "1"
import torch
from transformers import AutoModel, AutoTokenizer
from transformers.utils import logging
logging.set_verbosity_error()
logging.disable_progress_bar()
from bot.core.framing.encoder import model_dir
folder = str(model_dir())
tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
model = AutoModel.from_pretrained(folder, local_files_only=True).eval()
texts = [json.loads(line)["text"] for line in sys.stdin]
size = int(sys.argv[1])
with torch.inference_mode():
    for start in range(0, len(texts), size):
        batch = tokenizer(texts[start:start + size], padding=True, truncation=True, max_length=256,
                          return_tensors="pt")
        hidden = model(**batch).last_hidden_state
        mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        vectors = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        for vector in vectors:
            print(json.dumps(round(float(vector[0]), 6)), flush=True)
"""


@dataclass(frozen=True)
class ProcessRun:
    """One whole process: CPU seconds (user + system), peak RSS, wall time, lines written."""

    cpu_seconds: float
    peak_rss_mb: float
    wall_seconds: float
    first_line_seconds: float | None  # wall time from start to its first output line
    lines: int
    returncode: int


@dataclass(frozen=True)
class SideBySide:
    messages: int
    project: list[ProcessRun]  # `python -m bot classify`, one per round
    baseline: list[ProcessRun]  # plain transformers, one per round (empty: not installed)
    cold_start: ProcessRun  # `python -m bot classify` with one message
    baseline_cold_start: ProcessRun | None
    sandbox: ProcessRun | None

    @property
    def project_cpu(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.project)

    @property
    def baseline_cpu(self) -> float | None:
        return statistics.median(run.cpu_seconds for run in self.baseline) if self.baseline else None

    @property
    def cpu_ratio(self) -> float | None:
        baseline = self.baseline_cpu
        return self.project_cpu / baseline if baseline else None

    @property
    def project_peak_mb(self) -> float:
        return max(run.peak_rss_mb for run in self.project)

    @property
    def met(self) -> bool:
        ratio = self.cpu_ratio
        return ((ratio is None or ratio <= TARGET_CPU_RATIO) and self.project_peak_mb <= TARGET_CLASSIFY_RSS_MB
                and (self.cold_start.first_line_seconds or 0) <= TARGET_COLD_START_S
                and (self.sandbox is None or self.sandbox.peak_rss_mb <= TARGET_SANDBOX_RSS_MB))


def bench_messages(count: int = MESSAGES) -> list[str]:
    """A seeded sample of the labelled examples (train and held-out): realistic posts and lengths."""
    from bot.core.framing.examples import load_split

    texts = [e.text for split in ("train", "heldout") for e in load_split(split)]
    random.Random(SEED).shuffle(texts)
    return texts[:count]


def run_process(argv: list[str], stdin_text: str, env: dict[str, str]) -> ProcessRun:
    """Run argv to the end with stdin_text as its input; its own CPU and peak RSS come from wait4."""
    with tempfile.TemporaryFile("w+") as stdin, tempfile.TemporaryFile("w+") as stderr:
        stdin.write(stdin_text)
        stdin.seek(0)
        started = time.perf_counter()
        process = subprocess.Popen(argv, stdin=stdin, stdout=subprocess.PIPE, stderr=stderr, text=True,  # noqa: S603
                                   cwd=ROOT, env=env)
        first = None
        lines = 0
        assert process.stdout is not None
        for _ in process.stdout:
            if first is None:
                first = time.perf_counter() - started
            lines += 1
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        process.stdout.close()
        if process.returncode != 0:
            stderr.seek(0)
            raise RuntimeError(f"{' '.join(argv[:4])} exited with {process.returncode}: {stderr.read()[-2000:]}")
    # ru_maxrss is in kilobytes on Linux
    return ProcessRun(usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, wall, first, lines, process.returncode)


def baseline_available() -> bool:
    import importlib.util

    return all(importlib.util.find_spec(name) is not None for name in ("torch", "transformers"))


def side_by_side(texts: list[str], rounds: int = 2, sandbox: bool = True, baseline: bool = True) -> SideBySide:
    """Interleaved runs of `python -m bot classify` and the plain transformers baseline on texts (the
    baseline only when asked for and torch and transformers are installed)."""
    lines = "".join(json.dumps({"text": text}) + "\n" for text in texts)
    one = json.dumps({"text": texts[0]}) + "\n"
    with tempfile.TemporaryDirectory() as scratch:
        env = {**os.environ, "PEERBOT_BOT__DATA_DIR": str(Path(scratch) / "data"), "PEERBOT_BOT__LOG_LEVEL": "WARNING",
               "PYTHONPATH": str(ROOT)}
        classify = [sys.executable, "-m", "bot", "classify"]
        has_baseline = baseline and baseline_available()
        baseline_argv = [sys.executable, "-c", BASELINE, str(BASELINE_BATCH)]
        project_runs, baseline_runs = [], []
        for _ in range(rounds):
            project_runs.append(run_process(classify, lines, env))
            if has_baseline:
                baseline_runs.append(run_process(baseline_argv, lines, env))
        cold = run_process(classify, one, env)
        baseline_cold = run_process(baseline_argv, one, env) if has_baseline else None
        walk = None
        if sandbox:
            walk = run_process([sys.executable, "-m", "bot", "sandbox", "--script", "config/sandbox/demo.txt",
                                "--out", str(Path(scratch) / "out"), "--data", str(Path(scratch) / "sandbox")],
                               "", env)
    return SideBySide(len(texts), project_runs, baseline_runs, cold, baseline_cold, walk)


def report_side_by_side(result: SideBySide) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    project = result.project
    cold = result.cold_start.first_line_seconds or 0.0
    rows = [
        f"side by side, {result.messages} messages, each side its own process, {len(project)} interleaved round(s) "
        "(median CPU, largest peak):",
        f"  this project  (python -m bot classify: ONNX Runtime): CPU {result.project_cpu:.2f} s, "
        f"peak RSS {result.project_peak_mb:.0f} MB (≤ {TARGET_CLASSIFY_RSS_MB:g} MB: "
        f"{verdict(result.project_peak_mb <= TARGET_CLASSIFY_RSS_MB)}), wall "
        f"{statistics.median(run.wall_seconds for run in project):.1f} s",
    ]
    if result.baseline:
        ratio = result.cpu_ratio or 0.0
        rows += [
            f"  baseline      (transformers AutoModel, mean pooling, batches of {BASELINE_BATCH}): "
            f"CPU {result.baseline_cpu:.2f} s, peak RSS {max(r.peak_rss_mb for r in result.baseline):.0f} MB, wall "
            f"{statistics.median(run.wall_seconds for run in result.baseline):.1f} s",
            f"  CPU ratio: {ratio:.2f}× the baseline (≤ {TARGET_CPU_RATIO:.2f}×: {verdict(ratio <= TARGET_CPU_RATIO)})",
        ]
    else:
        rows.append("  baseline: not measured (it needs torch and transformers: pip install -r requirements-train.txt)")
    baseline_cold = result.baseline_cold_start
    rows.append(f"  cold start to the first label (python -m bot classify, one message): {cold:.2f} s wall "
                f"(≤ {TARGET_COLD_START_S:g} s: {verdict(cold <= TARGET_COLD_START_S)}), "
                f"{result.cold_start.cpu_seconds:.2f} s CPU"
                + (f"; baseline to its first vector: {baseline_cold.first_line_seconds or 0:.2f} s wall, "
                   f"{baseline_cold.cpu_seconds:.2f} s CPU" if baseline_cold else ""))
    walk = result.sandbox
    if walk is not None:
        rows.append(f"  sandbox walk-through (config/sandbox/demo.txt): peak RSS {walk.peak_rss_mb:.0f} MB "
                    f"(≤ {TARGET_SANDBOX_RSS_MB:g} MB: {verdict(walk.peak_rss_mb <= TARGET_SANDBOX_RSS_MB)}), "
                    f"CPU {walk.cpu_seconds:.2f} s, wall {walk.wall_seconds:.1f} s")
    return "\n".join(rows)


@dataclass(frozen=True)
class ClassifyBench:
    singles: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    burst: int
    burst_seconds: float
    batches: int
    max_loop_lag_ms: float
    net_mean_ms: float
    net_long_ms: float
    peak_rss_mb: float

    @property
    def throughput(self) -> float:
        return self.burst / self.burst_seconds

    @property
    def met(self) -> bool:
        return (self.throughput >= TARGET_THROUGHPUT and self.p95_ms <= TARGET_P95_MS
                and self.max_loop_lag_ms <= TARGET_LAG_MS and self.net_mean_ms <= TARGET_NET_MS)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _burst(classifier: object, texts: list[str], batch_max: int, window_ms: int) -> tuple[float, int, float]:
    from bot.core.framing.batcher import FramingBatcher

    batcher = FramingBatcher(classifier.classify, batch_max, window_ms)  # type: ignore[attr-defined]
    try:
        await batcher.classify("warm the worker thread")
        before = batcher.batches
        async with LagTicker() as ticker:
            started = time.perf_counter()
            await batcher.classify_many(texts)
            seconds = time.perf_counter() - started
        return seconds, batcher.batches - before, ticker.max_lag * 1000
    finally:
        await batcher.close()


def _time_net(net: object, texts: list[str]) -> tuple[float, float]:
    check = net.check  # type: ignore[attr-defined]
    started = time.perf_counter()
    for text in texts:
        check(text)
    mean_ms = (time.perf_counter() - started) * 1000 / len(texts)
    joined = " ".join(texts)
    long_text = (joined * (LONG_MESSAGE_CHARS // max(len(joined), 1) + 1))[:LONG_MESSAGE_CHARS]
    started = time.perf_counter()
    check(long_text)
    return mean_ms, (time.perf_counter() - started) * 1000


def run_benchmark(classifier: object, texts: list[str], singles: int, burst: int, batch_max: int,
                  window_ms: int) -> ClassifyBench:
    classify = classifier.classify  # type: ignore[attr-defined]
    pool = itertools.cycle(texts)
    for _ in range(10):
        classify([next(pool)])
    latencies = []
    for _ in range(singles):
        text = next(pool)
        started = time.perf_counter()
        classify([text])
        latencies.append((time.perf_counter() - started) * 1000)
    burst_texts = [next(pool) for _ in range(burst)]
    seconds, batches, lag_ms = asyncio.run(_burst(classifier, burst_texts, batch_max, window_ms))
    net_mean_ms, net_long_ms = _time_net(classifier.net, texts)  # type: ignore[attr-defined]
    return ClassifyBench(singles, statistics.median(latencies), _percentile(latencies, 0.95),
                         _percentile(latencies, 0.99), burst, seconds, batches, lag_ms, net_mean_ms, net_long_ms,
                         resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def report(result: ClassifyBench, batch_max: int, window_ms: int, threads: int = 1) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return "\n".join([
        f"in this process: the framing model as the bot loads it (ONNX Runtime, framing.threads = {threads})",
        f"  single message, {result.singles} one at a time: p50 {result.p50_ms:.1f} ms, p95 {result.p95_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms (p95 ≤ {TARGET_P95_MS:g} ms: {verdict(result.p95_ms <= TARGET_P95_MS)})",
        f"  burst of {result.burst:,} through the async batcher (batch_max {batch_max}, window {window_ms} ms): "
        f"{result.throughput:.0f} messages/s in {result.burst_seconds:.2f} s, {result.batches} forward passes "
        f"(≥ {TARGET_THROUGHPUT:g}/s: {verdict(result.throughput >= TARGET_THROUGHPUT)})",
        f"  largest event-loop lag during the burst: {result.max_loop_lag_ms:.1f} ms "
        f"(≤ {TARGET_LAG_MS:g} ms: {verdict(result.max_loop_lag_ms <= TARGET_LAG_MS)})",
        f"  safety net alone: {result.net_mean_ms:.3f} ms per message on average "
        f"(≤ {TARGET_NET_MS:g} ms: {verdict(result.net_mean_ms <= TARGET_NET_MS)}), "
        f"{result.net_long_ms:.1f} ms for one {LONG_MESSAGE_CHARS:,}-character message",
        f"  peak RSS of this benchmark process: {result.peak_rss_mb:.0f} MB",
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--singles", type=int, default=300, help="single messages timed one by one (default 300)")
    parser.add_argument("--burst", type=int, default=1000, help="messages in the burst (default 1000)")
    parser.add_argument("--messages", type=int, default=MESSAGES,
                        help=f"messages for the side-by-side run (default {MESSAGES})")
    parser.add_argument("--rounds", type=int, default=2,
                        help="interleaved rounds of the side-by-side run (default 2; 0 skips it)")


def run(args: argparse.Namespace) -> int:
    from bot.cli._common import fail, settings_or_exit
    from bot.cli._framing import load_classifier
    from bot.core.framing.examples import load_split

    if args.singles < 1 or args.burst < 1 or args.messages < 1 or args.rounds < 0:
        return fail("--singles, --burst and --messages must be at least 1, --rounds at least 0")
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    compared = None
    if args.rounds:
        print(f"side by side: {args.rounds} round(s) of {args.messages} messages, each side its own process …",
              flush=True)
        compared = side_by_side(bench_messages(args.messages), args.rounds)
        print(report_side_by_side(compared), flush=True)
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    texts = [e.text for split in ("train", "heldout") for e in load_split(split)]
    framing = settings.framing
    result = run_benchmark(classifier, texts, args.singles, args.burst, framing.batch_max, framing.batch_window_ms)
    print(report(result, framing.batch_max, framing.batch_window_ms, framing.threads))
    return 0 if result.met and (compared is None or compared.met) else 1
