import sys

from bot.bench.classify import (
    BASELINE,
    ROOT,
    ProcessRun,
    SideBySide,
    bench_messages,
    report,
    report_side_by_side,
    run_benchmark,
    run_process,
    side_by_side,
)
from tests.cli.test_main import run_cli


def test_classify_benchmark_measures_latency_throughput_lag_and_memory(classifier) -> None:
    texts = ["Me too, you're not alone", "What time is clinic?", "Everyone else copes better than me"]
    result = run_benchmark(classifier, texts, singles=20, burst=64, batch_max=32, window_ms=15)
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms
    assert result.burst == 64 and result.batches >= 2 and result.throughput > 0
    assert result.max_loop_lag_ms < 1000 and result.peak_rss_mb > 50
    assert result.net_mean_ms > 0 and result.net_long_ms > 0
    text = report(result, 32, 15, threads=1)
    assert "messages/s" in text and "p95" in text and "event-loop lag" in text and "peak RSS" in text
    assert "ONNX Runtime, framing.threads = 1" in text
    assert "safety net alone" in text and "10,000-character" in text


def test_bench_lists_classify() -> None:
    result = run_cli("bench", "--help")
    assert result.returncode == 0 and "classify" in result.stdout


def test_the_side_by_side_run_measures_classify_as_a_process_of_its_own() -> None:
    texts = bench_messages(4)
    assert len(texts) == 4 and texts == bench_messages(4)  # the same messages every run
    result = side_by_side(texts, rounds=1, sandbox=False, baseline=False)
    [run] = result.project
    assert run.lines == 4 and run.cpu_seconds > 0 and run.peak_rss_mb > 50 and run.returncode == 0
    assert run.first_line_seconds is not None and 0 < run.first_line_seconds <= run.wall_seconds
    assert result.cold_start.lines == 1 and result.cold_start.first_line_seconds is not None
    assert result.baseline == [] and result.cpu_ratio is None
    assert "baseline: not measured" in report_side_by_side(result)


def test_the_baseline_writes_one_vector_per_message() -> None:
    lines = "".join(f'{{"text": "message {n}"}}\n' for n in range(3))
    run = run_process([sys.executable, "-c", BASELINE, "2"], lines, {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)})
    assert run.lines == 3 and run.cpu_seconds > 0 and run.peak_rss_mb > 50


def test_the_side_by_side_report_puts_the_targets_beside_the_figures() -> None:
    def process(cpu: float, peak: float, first: float | None = None) -> ProcessRun:
        return ProcessRun(cpu, peak, cpu + 1, first, 300, 0)

    result = SideBySide(300, [process(4.0, 250), process(6.0, 260)], [process(20.0, 550), process(22.0, 560)],
                        process(1.5, 240, first=2.0), process(9.0, 500, first=12.0), process(3.0, 290))
    assert result.cpu_ratio == 5.0 / 21.0 and result.met
    text = report_side_by_side(result)
    for figure in ("CPU 5.00 s", "peak RSS 260 MB (≤ 300 MB: met)", "CPU 21.00 s", "0.24× the baseline (≤ 0.40×: met)",
                   "2.00 s wall (≤ 3 s: met), 1.50 s CPU", "first vector: 12.00 s wall, 9.00 s CPU",
                   "peak RSS 290 MB (≤ 350 MB: met)"):
        assert figure in text, figure
    slow = SideBySide(300, [process(10.0, 320)], [process(20.0, 550)], process(1.5, 240, first=4.0), None, None)
    assert not slow.met and "0.50× the baseline (≤ 0.40×: NOT met)" in report_side_by_side(slow)
    assert "(≤ 300 MB: NOT met)" in report_side_by_side(slow) and "(≤ 3 s: NOT met)" in report_side_by_side(slow)
