import json

from bot.core.framing.labels import LABELS
from tests.cli.test_main import ROOT, run_cli


def test_classify_answers_every_line_and_survives_bad_ones() -> None:
    lines = ['{"text": "Me too, you are not alone in this"}', "not json", '{"nope": 1}', "",
             '{"text": ""}', json.dumps({"text": "😭" * 10}), '{"text": 5}']
    import os
    import subprocess
    import sys

    base = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN" and not k.startswith("PEERBOT_")}
    result = subprocess.run([sys.executable, "-m", "bot", "classify"], input="\n".join(lines) + "\n",
                            capture_output=True, text=True, timeout=300, cwd=ROOT, check=False,
                            env={**base, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["label"] == "common_humanity" and out[0]["text"] == "Me too, you are not alone in this"
    assert set(out[0]["scores"]) == set(LABELS)
    assert "error" in out[1] and "error" in out[2] and "error" in out[3] and "error" in out[6]
    assert out[4]["label"] in LABELS and out[5]["label"] in LABELS


def test_eval_classifier_prints_all_three_measurements(tmp_path) -> None:
    data = tmp_path / "mine.jsonl"
    data.write_text('{"text": "I want to kill myself", "label": "crisis"}\n'
                    '{"text": "Me too, so many of us feel this", "label": "common_humanity"}\n', encoding="utf-8")
    result = run_cli("eval-classifier", str(data))
    assert result.returncode == 0, result.stderr
    for heading in ("model + safety net (as deployed):", "safety net alone (crisis vs not):", "keyword baseline:",
                    "macro-F1", "targets:"):
        assert heading in result.stdout


def test_eval_classifier_refuses_a_bad_file(tmp_path) -> None:
    data = tmp_path / "bad.jsonl"
    data.write_text('{"text": "hi", "label": "happy"}\n', encoding="utf-8")
    result = run_cli("eval-classifier", str(data))
    assert result.returncode == 2 and "label" in result.stderr
