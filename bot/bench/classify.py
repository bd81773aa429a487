"""Framing classifier benchmark: single-message latency, batched throughput, peak memory, loop lag.

Loads the real model (MiniLM + head + safety net) as the bot does, then:
1. single messages one at a time (the latency a lone post sees): p50 / p95 / p99;
2. a burst of N messages (default 1,000) submitted at once to the async `FramingBatcher`, as when
   many posts arrive together: messages per second from first submit to last result, while a
   ticker task measures the event loop's largest lag (the loop must keep answering);
3. the safety net on its own: mean time per message over the texts, and one 10,000-character
   message (every net regex is linear, so long input must stay cheap);
4. the process's peak resident memory (ru_maxrss).
Texts are the labelled examples (all splits), so lengths are realistic.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import resource
import statistics
import time
from dataclasses import dataclass

from bot.bench.checkins import LagTicker

HELP = "time the framing classifier: latency, batched throughput, peak memory, event-loop lag"
TARGET_THROUGHPUT = 200.0
TARGET_P95_MS = 30.0
TARGET_LAG_MS = 50.0
TARGET_NET_MS = 0.2  # mean per typical message
LONG_MESSAGE_CHARS = 10_000


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


def report(result: ClassifyBench, batch_max: int, window_ms: int) -> str:
    def verdict(ok: bool) -> str:
        return "met" if ok else "NOT met"

    return "\n".join([
        "classify: the framing model on this machine (torch threads: 2)",
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
        f"  peak RSS: {result.peak_rss_mb:.0f} MB",
    ])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--singles", type=int, default=300, help="single messages timed one by one (default 300)")
    parser.add_argument("--burst", type=int, default=1000, help="messages in the burst (default 1000)")


def run(args: argparse.Namespace) -> int:
    from bot.cli._common import fail, settings_or_exit
    from bot.cli._framing import load_classifier
    from bot.core.framing.examples import load_split

    if args.singles < 1 or args.burst < 1:
        return fail("--singles and --burst must be at least 1")
    settings = settings_or_exit(log_to_file=False)
    if settings is None:
        return 2
    classifier = load_classifier(settings)
    if classifier is None:
        return 2
    texts = [e.text for split in ("train", "heldout") for e in load_split(split)]
    framing = settings.framing
    result = run_benchmark(classifier, texts, args.singles, args.burst, framing.batch_max, framing.batch_window_ms)
    print(report(result, framing.batch_max, framing.batch_window_ms))
    return 0 if result.met else 1
