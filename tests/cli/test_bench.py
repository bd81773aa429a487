import asyncio
import time

from bot.bench.checkins import BenchResult, LagTicker, report, run_benchmark
from tests.cli.test_main import run_cli


async def test_planning_benchmark_writes_one_row_per_member() -> None:
    result = await run_benchmark(500)
    assert result.members == result.rows == 500
    assert result.seconds < 2.0 and result.max_loop_lag < 1.0


async def test_the_lag_ticker_notices_a_blocked_loop() -> None:
    async with LagTicker(interval=0.001) as ticker:
        await asyncio.sleep(0.01)
        time.sleep(0.1)  # noqa: ASYNC251 - block the loop on purpose
        await asyncio.sleep(0.01)
    assert ticker.max_lag >= 0.09


def test_report_states_time_target_lag_and_pace() -> None:
    text = report(BenchResult(members=10_000, rows=10_000, seconds=0.5, max_loop_lag=0.004, send_rate=1.0))
    assert "0.500 s (within the 2 s target)" in text
    assert "4.0 ms" in text and "1 DM/s" in text and "2 h 46 min" in text


def test_bench_checkins_from_the_command_line(tmp_path) -> None:
    result = run_cli("bench", "checkins", "--members", "300", env={"HOME": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert "planned one period for 300 members" in result.stdout and "event-loop lag" in result.stdout
    assert "checkins" in run_cli("bench", "--help").stdout
