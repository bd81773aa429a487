"""matplotlib (about 40 MB) is loaded only when a chart is drawn: not by `run` starting the bot, not by `classify`.

Each case runs in a fresh interpreter (this test process has long since imported matplotlib for the
chart tests) and prints the matplotlib modules it holds at the end. `run` goes through the real
start-up (settings, logging, database, model, every extension loaded by `setup_hook`), with only
Discord's login and connection replaced.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.cli.test_main import ROOT

REPORT = "import json, sys; print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] == 'matplotlib')))"

START_THE_BOT = f"""
import sys
from bot.__main__ import main
from bot.client import PeerBot

async def login(self, token):
    await self.setup_hook()  # what a real login does once Discord has answered

async def connect(self, *, reconnect=True):
    assert "cogs.outcomes" in self.extensions  # the cog that draws charts is loaded, not yet drawing
    await self.close()

PeerBot.login, PeerBot.connect = login, connect
code = main(["run"])
assert code == 0, code
{REPORT}
"""

DRAW_A_CHART = f"""
from bot.core.outcomes.charts import share_chart
assert share_chart("t", ["a"], {{"s": [0.5]}}).startswith(b"\\x89PNG")
{REPORT}
"""


def run_python(script: str, env: dict[str, str], stdin: str = "") -> list[str]:
    result = subprocess.run([sys.executable, "-c", script], input=stdin, capture_output=True, text=True,
                            timeout=300, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def clean_env(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    return {**base, "HOME": str(tmp_path), "PEERBOT_BOT__DATA_DIR": str(tmp_path / "data"),
            "PEERBOT_BOT__SECRET_KEY_FILE": str(tmp_path / "secret" / "peerbot.key")}


def test_starting_the_bot_does_not_import_matplotlib(tmp_path: Path) -> None:
    env = {**clean_env(tmp_path), "DISCORD_TOKEN": "a-token", "PEERBOT_BOT__LOG_LEVEL": "WARNING"}
    assert run_python(START_THE_BOT, env) == []


def test_classify_does_not_import_matplotlib(tmp_path: Path) -> None:
    script = "from bot.__main__ import main\nassert main(['classify']) == 0\n" + REPORT
    stdin = json.dumps({"text": "Some days I feel like the only one who finds this hard."}) + "\n"
    assert run_python(script, clean_env(tmp_path), stdin) == []


def test_drawing_a_chart_does_import_it(tmp_path: Path) -> None:
    # The check above can fail: the same probe sees matplotlib once a chart is drawn.
    assert "matplotlib" in run_python(DRAW_A_CHART, clean_env(tmp_path))
