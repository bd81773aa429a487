"""The sandbox's command line itself, run as a person would: a subprocess reading a script. Everything
else about the sandbox is tested in-process (test_sandbox_scripts.py), without loading the model again."""

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.sandbox.conftest import PlaySandbox

ROOT = Path(__file__).resolve().parents[2]


def run_sandbox(tmp_path: Path, script: str, *options: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERBOT_") and k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(path), "--out", str(tmp_path / "out"), *options],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=False,
    )


def lines_for(result: subprocess.CompletedProcess[str], prefix: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(prefix)]


def test_bad_line_fails_naming_its_number_before_anything_runs(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "# fine\nas Anna: hello\nthis is not a line\nas Anna: never reached\n")
    assert result.returncode == 1
    assert result.stderr.startswith("error: line 3: ")
    assert result.stdout == ""


def test_missing_script_and_data_that_is_a_file_are_refused(tmp_path: Path) -> None:
    missing = subprocess.run([sys.executable, "-m", "bot", "sandbox", "--script", str(tmp_path / "nope.txt")],
                             capture_output=True, text=True, timeout=120, cwd=ROOT, check=False)
    assert missing.returncode == 2 and "not found" in missing.stderr
    (tmp_path / "file").write_text("", encoding="utf-8")
    result = run_sandbox(tmp_path, "wait 1m\n", "--data", str(tmp_path / "file"))
    assert result.returncode == 2 and "is a file, not a folder" in result.stderr


async def test_demo_script_runs_to_the_end_and_data_kept_with_data_dir_carries_on(
    tmp_path: Path, play_sandbox: PlaySandbox
) -> None:
    data = tmp_path / "kept" / "sandbox"
    result = run_sandbox(tmp_path, (ROOT / "config" / "sandbox" / "demo.txt").read_text(encoding="utf-8"),
                         "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert lines_for(result, "[#night-owls]") and lines_for(result, "[dm:Anna]")
    assert (data / "sandbox-secret.key").is_file() and (data / "sandbox-state.json").is_file()
    assert any(data.glob("*.sqlite3"))

    # A second run in the same folder: the same members with the same aliases, her check-ins, the clock
    # where the first run stopped (the demo waited 12h and 7d from 09:00).
    again = await play_sandbox("as Anna: /mytrends\nas Anna: /alias show\nmod: /mod history @Anna\n", data_dir=data)
    assert again.code == 0, again.stderr
    assert again.stdout[0].startswith("  · continuing in") and "2026-03-09T" in again.stdout[0]
    alias = re.search(r"you are \*\*(.+?)\*\*", "\n".join(again.lines_for("[ephemeral:Anna]")))
    assert alias is not None, again.stdout
    assert any(line.startswith(f"[#night-owls] {alias[1]}: ") for line in lines_for(result, "[#night-owls]"))
    assert f"Case history: {alias[1]}" in "\n".join(again.lines_for("[ephemeral:mod]"))
    assert "haven't completed any check-ins" not in "\n".join(again.stdout)
