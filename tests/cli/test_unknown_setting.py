"""A typo in a setting's name stops a command at start with one line naming it, like a bad value does:
exit status 2 (fix something first, do not restart), no traceback, nothing started."""

from pathlib import Path

import pytest

from tests.cli.test_main import run_cli

TYPO = "PEERBOT_FRAMING__CRISIS_THRESHHOLD"


@pytest.mark.parametrize(
    "command",
    [("run",), ("sandbox", "--script", "config/sandbox/demo.txt"), ("migrate",)],
    ids=lambda command: command[0],
)
def test_an_unknown_environment_setting_stops_the_command_with_one_line(tmp_path: Path, command: tuple[str]) -> None:
    data = tmp_path / "data"
    result = run_cli(*command, env={"DISCORD_TOKEN": "a-token", TYPO: "0.3", "PEERBOT_BOT__DATA_DIR": str(data),
                                    "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret.key")})
    assert result.returncode == 2, result.stderr
    assert result.stderr == (f"error: invalid setting {TYPO}: unknown setting "
                             "(did you mean PEERBOT_FRAMING__CRISIS_THRESHOLD?)\n")
    assert result.stdout == ""
    assert not data.exists()  # nothing was started: no data folder, database or log
