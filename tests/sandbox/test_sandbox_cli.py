"""The offline sandbox, run as a person would: a subprocess reading a script, checked by its transcript."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_sandbox(tmp_path: Path, script: str) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "script.txt"
    path.write_text(script, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PEERBOT_") and k != "DISCORD_TOKEN"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "sandbox", "--script", str(path), "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, check=False,
    )


def lines_for(result: subprocess.CompletedProcess[str], prefix: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if line.startswith(prefix)]


def test_wait_delivers_a_due_checkin(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "as Anna: hello\nas Anna: /consent\nas Anna: press 1\n"
                                   "mod: /checkins schedule phq9 weekly 19:00\nwait 7d\n")
    assert result.returncode == 0, result.stderr
    assert any("PHQ-9** · 1 of 9" in line for line in lines_for(result, "[dm:Anna]"))


def test_answers_complete_a_checkin_and_trends_write_a_chart(tmp_path: Path) -> None:
    answers = "".join(f"as Anna: answer {n}\n" for n in (2, 1, 1, 1, 1, 1, 1, 1, 1))
    script = ("as Anna: hi\nas Anna: /consent\nas Anna: press 1\nmod: /checkins schedule phq9 weekly 19:00\n"
              f"wait 12h\n{answers}wait 7d\n{answers}as Anna: /mytrends\n")
    result = run_sandbox(tmp_path, script)
    assert result.returncode == 0, result.stderr
    assert any("Your PHQ-9 score is 1 out of 27" in line for line in lines_for(result, "[dm:Anna]"))
    assert (tmp_path / "out" / "mytrends-anna.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_posts_appear_under_an_alias_never_the_name(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "as Anna: first time posting here\n")
    assert result.returncode == 0, result.stderr
    group = lines_for(result, "[#night-owls]")
    assert any("first time posting here" in line for line in group)
    assert not any("Anna" in line for line in group)


def test_report_reaches_the_moderator_log(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "as Anna: hello\nas Bea: /report 1 unkind\nmod: /mod flags\n")
    assert result.returncode == 0, result.stderr
    assert any("Report from a member" in line for line in lines_for(result, "[#mod-log]"))
    assert not any("Bea" in line for line in lines_for(result, "[#mod-log]"))


def test_bad_line_fails_naming_its_number(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "# fine\nas Anna: hello\nthis is not a line\nas Anna: never reached\n")
    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert not any("never reached" in line for line in result.stdout.splitlines() if line.startswith("["))


def test_a_members_mistake_is_shown_kindly_not_a_failure(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, "as Anna: /unshare 99\nmod: /mod warn Nobody be kind\n")
    assert result.returncode == 0, result.stderr
    assert any("can't find post" in line for line in lines_for(result, "[ephemeral:Anna]"))
    assert any("no member with the alias" in line for line in lines_for(result, "[ephemeral:mod]"))


def test_demo_script_runs_to_the_end(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, (ROOT / "config" / "sandbox" / "demo.txt").read_text(encoding="utf-8"))
    assert result.returncode == 0, result.stderr
    assert lines_for(result, "[#night-owls]") and lines_for(result, "[dm:Anna]")


CRISIS = "I can't do this anymore, I've been thinking everyone would be better off without me"
UPWARD = "everyone at baby group seems to cope so much better than me"
UPWARD_AGAIN = "all the other mums make it look easy and I'm so far behind them"


def test_crisis_post_gets_private_resources_and_a_moderator_alert_never_a_public_reply(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, f"as Cara: {CRISIS}\n")
    assert result.returncode == 0, result.stderr
    dms = "\n".join(lines_for(result, "[dm:Cara]"))
    assert "116 123" in dms and "999" in dms and "moderator" in dms
    alert = "\n".join(lines_for(result, "[#mod-log]"))
    assert "Crisis language" in alert and "Night owls" in alert and "https://discord.com/channels/" in alert
    group = lines_for(result, "[#night-owls]")
    assert any("better off without me" in line for line in group)  # her post is still relayed
    assert all(line.startswith("[#night-owls] ") and ":" in line for line in group[:1])
    assert not any("116 123" in line or "moderator" in line.lower() for line in group)


def test_crisis_with_closed_dms_is_shown_privately_in_the_server(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, f"as Cara: hi\nas Cara: /dms off\nwait 1m\nas Cara: {CRISIS}\n")
    assert result.returncode == 0, result.stderr
    assert not lines_for(result, "[dm:Cara]")
    assert any("116 123" in line for line in lines_for(result, "[ephemeral:Cara]"))


def test_crisis_alert_is_repeated_until_acknowledged(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, f"as Cara: {CRISIS}\nwait 25m\nmod: /mod ack 1\nwait 1h\n")
    assert result.returncode == 0, result.stderr
    realerts = [line for line in lines_for(result, "[#mod-log]") if "Re-alert" in line]
    assert len(realerts) == 2  # at 10 and 20 minutes, then none after the acknowledgement


def test_one_nudge_then_none_within_the_rate_limit(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, f"as Anna: {UPWARD}\nwait 1m\nas Anna: {UPWARD_AGAIN}\n")
    assert result.returncode == 0, result.stderr
    # Each nudge is one line of text, plus an opt-out line ("-# …") unless the text names /nudges off itself.
    nudges = [line for line in lines_for(result, "[dm:Anna]") if not line.startswith("[dm:Anna] -# ")]
    assert len(nudges) == 1, nudges
    assert len([line for line in lines_for(result, "[#night-owls]") if "**#" in line]) == 2


def test_nudges_off_is_respected(tmp_path: Path) -> None:
    result = run_sandbox(tmp_path, f"as Anna: hi\nas Anna: /nudges off\nwait 1m\nas Anna: {UPWARD}\n")
    assert result.returncode == 0, result.stderr
    assert not lines_for(result, "[dm:Anna]")
