"""The ``score`` CLI module: JSON on one stdout line and exit 0, or one ``error:`` line and exit 2."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import score

REPO = Path(__file__).resolve().parents[2]


def run_score(capsys: pytest.CaptureFixture[str], instrument: str, answers: str) -> tuple[int, str, str]:
    code = score.run(argparse.Namespace(instrument=instrument, answers=answers))
    out, err = capsys.readouterr()
    return code, out, err


def test_module_protocol() -> None:
    assert score.NAME == "score"
    assert isinstance(score.HELP, str)
    assert score.HELP
    assert "\n" not in score.HELP
    assert score.QUESTIONNAIRE_DIR == REPO / "config" / "questionnaires"


def test_add_arguments_parses_and_explains_positions() -> None:
    parser = argparse.ArgumentParser(prog="python -m bot score")
    score.add_arguments(parser)
    args = parser.parse_args(["epds", "0,1,2,3,0,1,2,3,0,3"])
    assert (args.instrument, args.answers) == ("epds", "0,1,2,3,0,1,2,3,0,3")
    help_text = parser.format_help()
    assert "0-based option positions" in help_text
    assert '"Almost always" is 4' in help_text
    assert "EPDS item 3's first option is 0" in help_text
    assert "connection, epds, gad2, gad7, phq2, phq9, scs_sf" in help_text


@pytest.mark.parametrize(
    ("instrument", "answers", "expected"),
    [
        # 0+1+2+3+0+1+2+3+1 = 13 → moderate; item 9 at 1 fires the safety rule
        (
            "phq9",
            "0,1,2,3,0,1,2,3,1",
            {"instrument": "phq9", "total": 13, "subscales": {}, "band": "moderate", "flags": ["phq9_item9_self_harm"]},
        ),
        # every EPDS first option: items 1, 2, 4 score 0, the seven reversed items 3 each = 21;
        # EPDS-3A = 3 + 0 + 3 = 6; item 10's first option scores 3 → flag
        (
            "epds",
            "0,0,0,0,0,0,0,0,0,0",
            {
                "instrument": "epds",
                "total": 21,
                "subscales": {"anxiety_epds3a": 6},
                "band": "probable depression",
                "flags": ["epds_item10_self_harm"],
            },
        ),
        # 9 + item 3 (position 2 → 1) = 10, exactly the "possible" cut-off; 3A = 1+3+0 = 4; item 10 at 3 scores 0
        (
            "epds",
            "3,3,2,3,3,3,3,3,3,3",
            {
                "instrument": "epds",
                "total": 10,
                "subscales": {"anxiety_epds3a": 4},
                "band": "possible depression",
                "flags": [],
            },
        ),
        # SCS-SF all "Almost always" (4): 6×5 + 6×(6 − 5) = 36 → 36/12 = 3.0; subscales as answered, 5.0
        (
            "scs_sf",
            "4,4,4,4,4,4,4,4,4,4,4,4",
            {
                "instrument": "scs_sf",
                "total": 3.0,
                "subscales": {
                    "self_kindness": 5.0,
                    "self_judgment": 5.0,
                    "common_humanity": 5.0,
                    "isolation": 5.0,
                    "mindfulness": 5.0,
                    "over_identification": 5.0,
                },
                "band": "moderate",
                "flags": [],
            },
        ),
        # spaces are tolerated: 1 + 2 = 3 → screen positive
        (
            "gad2",
            " 1, 2 ",
            {"instrument": "gad2", "total": 3, "subscales": {}, "band": "screen positive", "flags": []},
        ),
    ],
)
def test_scores_print_one_json_line(
    capsys: pytest.CaptureFixture[str], instrument: str, answers: str, expected: dict[str, object]
) -> None:
    code, out, err = run_score(capsys, instrument, answers)
    assert code == 0
    assert err == ""
    assert out.endswith("\n")
    assert out.count("\n") == 1
    assert json.loads(out) == expected


@pytest.mark.parametrize(
    ("instrument", "answers", "message_part"),
    [
        ("phq9", "1,2,x", "'x' is not one"),
        ("phq9", "", "whole numbers separated by commas"),
        ("phq9", "1,,2", "whole numbers separated by commas"),
        ("phq9", "0,0,0,0,0,0,0,0", "PHQ-9 has 9 items, so it needs 9 answers; got 8"),
        ("phq9", "0,0,0,0,0,0,0,0,0,0", "got 10"),
        ("phq9", "0,0,0,0,0,0,0,0,4", "PHQ-9 item 9 has 4 options, so its answer must be a position from 0 to 3"),
        ("gad7", "-1,0,0,0,0,0,0", "GAD-7 item 1 has 4 options"),
        ("scs_sf", "5,0,0,0,0,0,0,0,0,0,0,0", "from 0 to 4; got 5"),
        ("bdi", "0,1", "There is no questionnaire called 'bdi'; the known ones are: connection, epds"),
    ],
)
def test_bad_input_exits_2_with_one_error_line(
    capsys: pytest.CaptureFixture[str], instrument: str, answers: str, message_part: str
) -> None:
    code, out, err = run_score(capsys, instrument, answers)
    assert code == 2
    assert out == ""
    assert err.startswith("error: ")
    assert err.count("\n") == 1
    assert message_part in err


def test_runs_in_a_fresh_interpreter() -> None:
    # The same module driven from a separate process, as `python -m bot score` will drive it.
    program = (
        "import argparse, sys\n"
        "from bot.cli import score\n"
        "sys.exit(score.run(argparse.Namespace(instrument=sys.argv[1], answers=sys.argv[2])))\n"
    )
    ok = subprocess.run(
        [sys.executable, "-c", program, "gad7", "3,3,3,3,3,0,0"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    # 5×3 = 15 → severe
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout) == {"instrument": "gad7", "total": 15, "subscales": {}, "band": "severe", "flags": []}

    bad = subprocess.run(
        [sys.executable, "-c", program, "gad7", "3,3"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.splitlines() == ["error: GAD-7 has 7 items, so it needs 7 answers; got 2."]
