"""``python -m bot export`` and ``python -m bot report`` as a researcher runs them."""

from __future__ import annotations

import asyncio
import csv
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.outcomes_data import T0, add_score, make_group, make_people, png_size, set_research_consent

ROOT = Path(__file__).resolve().parents[2]
GUILD = 71


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, timeout=120,
        env={**base, "PYTHONPATH": str(ROOT), **env}, cwd=ROOT, check=False,
    )


async def seed(services) -> None:
    people = await make_people(services, GUILD, 5, 9500)
    group_id = await make_group(services, GUILD, "Together", people)
    epds = services.outcomes.instruments["epds"]
    for person in people:
        await set_research_consent(services, GUILD, person.pseudonym, True)
        await add_score(services, GUILD, person.pseudonym, epds, total=13, at=T0, group_id=group_id)
        await add_score(services, GUILD, person.pseudonym, epds, total=8, at=T0 + timedelta(weeks=5),
                        group_id=group_id)


async def test_export_command_writes_csv_and_dictionary(services, env, tmp_path) -> None:
    await seed(services)
    out = tmp_path / "out" / "export.csv"
    result = await asyncio.to_thread(run_cli, "export", "--out", str(out), env=env)
    assert result.returncode == 0, result.stderr
    assert "Wrote 10 rows for 5 participants" in result.stdout
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {row["instrument"] for row in rows} == {"epds"} and len(rows) == 10
    assert (tmp_path / "out" / "export.csv.dictionary.md").exists()


async def test_report_command_prints_progress_per_stage(services, env, tmp_path) -> None:
    await seed(services)
    result = await asyncio.to_thread(run_cli, "report", "--out", str(tmp_path / "report"), env=env)
    assert result.returncode == 0, result.stderr
    stages = [line for line in result.stderr.splitlines() if line.startswith("[")]
    assert [line[:5] for line in stages] == ["[1/6]", "[2/6]", "[3/6]", "[4/6]", "[5/6]", "[6/6]"]
    assert (tmp_path / "report" / "summary.md").exists()
    width, height = png_size((tmp_path / "report" / "pre_post.png").read_bytes())
    assert width == 800 and 400 <= height <= 1600  # phone width; as tall as its panels need


def test_export_without_a_database_is_one_line(tmp_path) -> None:
    env = {"PEERBOT_BOT__DATA_DIR": str(tmp_path / "nothing-here")}
    result = run_cli("export", "--out", str(tmp_path / "x.csv"), env=env)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: there is no database at")
    assert not (tmp_path / "x.csv").exists()


def test_export_needs_out(tmp_path) -> None:
    result = run_cli("export", env={"PEERBOT_BOT__DATA_DIR": str(tmp_path)})
    assert result.returncode == 2 and "--out" in result.stderr
