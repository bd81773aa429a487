"""Check-ins timed from the birth in the sandbox: config/sandbox/birth.txt sets a birth week and a due
week and shows a postnatal:2,6 schedule firing at each mother's own weeks."""

from pathlib import Path

from tests.sandbox.conftest import PlaySandbox

SCRIPT = Path(__file__).resolve().parents[2] / "config" / "sandbox" / "birth.txt"
FIRST_ITEM = "**PHQ-9** · 1 of 9"


def first_items_after_each_wait(stdout: list[str]) -> list[tuple[str, list[str]]]:
    """(the wait line, who got the questionnaire's first item before the next script line) for every wait."""
    found: list[tuple[str, list[str]]] = []
    for line in stdout:
        if line.startswith("» wait"):
            found.append((line, []))
        elif line.startswith("» "):
            found.append(("", []))
        elif FIRST_ITEM in line and found:
            found[-1][1].append(line.split("]")[0] + "]")
    return [(wait, people) for wait, people in found if wait]


async def test_the_birth_script_fires_at_each_mothers_own_weeks(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox(SCRIPT.read_text(encoding="utf-8"))
    assert result.code == 0, result.stderr
    assert first_items_after_each_wait(result.stdout) == [
        ("» wait 7d", []),  # Monday 9 March, 9am: not yet
        ("» wait 10h", ["[dm:Anna]"]),  # 7pm: Anna's baby is 2 weeks old
        ("» wait 3w", ["[dm:Bea]"]),  # Monday 30 March: 2 weeks after Bea's due week
        ("» wait 1w", ["[dm:Anna]"]),  # Monday 6 April: Anna's week 6
    ]
    assert result.lines_for("[dm:Cara]") == []  # no week given: nothing, and never "missed"
    assert "[ephemeral:Anna] Saved. 💛 Born in the week of Monday 23 February 2026 (1 week ago)." in result.stdout
    assert any("at 2 and 6 weeks after birth, at 19:00 her own time" in line
               for line in result.lines_for("[ephemeral:mod]"))
    assert "[ephemeral:mod] • Night owls · PHQ-9: 3 completed, 0 missed, 0 open · completion 100%" in result.stdout


async def test_a_sentence_the_sandbox_cannot_read_as_a_week_is_answered_kindly(play_sandbox: PlaySandbox) -> None:
    result = await play_sandbox("as Anna: hello\nas Anna: /checkin baby when the cherry blossom falls\n")
    assert result.code == 0, result.stderr
    replies = result.lines_for("[ephemeral:Anna]")
    assert any("couldn't read" in line and "Nothing was changed" in line for line in replies)
