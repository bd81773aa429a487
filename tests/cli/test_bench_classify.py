from bot.bench.classify import report, run_benchmark
from tests.cli.test_main import run_cli


def test_classify_benchmark_measures_latency_throughput_lag_and_memory(classifier) -> None:
    texts = ["Me too, you're not alone", "What time is clinic?", "Everyone else copes better than me"]
    result = run_benchmark(classifier, texts, singles=20, burst=64, batch_max=32, window_ms=15)
    assert 0 < result.p50_ms <= result.p95_ms <= result.p99_ms
    assert result.burst == 64 and result.batches >= 2 and result.throughput > 0
    assert result.max_loop_lag_ms < 1000 and result.peak_rss_mb > 50
    assert result.net_mean_ms > 0 and result.net_long_ms > 0
    text = report(result, 32, 15)
    assert "messages/s" in text and "p95" in text and "event-loop lag" in text and "peak RSS" in text
    assert "safety net alone" in text and "10,000-character" in text


def test_bench_lists_classify() -> None:
    result = run_cli("bench", "--help")
    assert result.returncode == 0 and "classify" in result.stdout
