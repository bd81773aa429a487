import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str, env: dict[str, str] | None = None, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120,
        env={**base, "PYTHONPATH": str(ROOT), **(env or {})}, cwd=cwd, check=False,
    )


def test_help_lists_the_commands() -> None:
    result = run_cli("--help")
    assert result.returncode == 0
    for command in ("run", "migrate", "sync"):
        assert command in result.stdout


def test_run_without_token_prints_one_line_and_exits_2() -> None:
    result = run_cli("run")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "DISCORD_TOKEN" in lines[0] and "developers/applications" in lines[0]
    assert "Traceback" not in result.stderr


def test_invalid_setting_exits_2_naming_the_key(tmp_path: Path) -> None:
    result = run_cli("migrate", env={"PEERBOT_GROUPS__DEFAULT_SIZE": "lots", "PEERBOT_BOT__DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.strip() == "error: invalid setting groups.default_size: must be a number; got 'lots'"


def test_migrate_creates_then_is_a_no_op(tmp_path: Path) -> None:
    env = {"PEERBOT_BOT__DATA_DIR": str(tmp_path)}
    first = run_cli("migrate", env=env)
    assert first.returncode == 0 and "applied migrations" in first.stdout
    second = run_cli("migrate", env=env)
    assert second.returncode == 0 and "already at the latest version" in second.stdout
    assert (tmp_path / "peerbot.sqlite3").exists()


def test_run_help_documents_the_exit_codes() -> None:
    result = run_cli("run", "--help")
    assert result.returncode == 0
    assert "exit status:" in result.stdout
    for code, meaning in (("0", "stopped cleanly"), ("2", "do not restart"), ("75", "Discord could not be reached")):
        assert any(line.strip().startswith(code) and meaning in line for line in result.stdout.splitlines()), code
    assert "bot.connect_retries" in result.stdout
