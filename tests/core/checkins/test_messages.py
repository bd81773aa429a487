"""Check-in wording built from questionnaire names: never "Connection check-in check-in"."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.checkins.messages import checkin_name, consent_intro, reminder_note
from bot.core.instruments import load_instruments

INSTRUMENTS = load_instruments(Path(__file__).resolve().parents[3] / "config" / "questionnaires")


@pytest.mark.parametrize(("instrument_id", "expected"), [
    ("connection", "Connection check-in"),
    ("phq9", "PHQ-9 check-in"),
])
def test_checkin_name_says_check_in_once(instrument_id: str, expected: str) -> None:
    assert checkin_name(INSTRUMENTS[instrument_id]) == expected


@pytest.mark.parametrize("instrument_id", sorted(INSTRUMENTS))
def test_no_doubled_check_in_in_reminders_or_consent(instrument_id: str) -> None:
    instrument = INSTRUMENTS[instrument_id]
    texts = [reminder_note(1, instrument, None, "Europe/London").text,
             consent_intro("Night feeds", instrument), consent_intro("Night feeds", instrument, reminder=True)]
    for text in texts:
        assert "check-in check-in" not in text.casefold()
        assert checkin_name(instrument) in text


def test_the_connection_reminder_reads_naturally() -> None:
    text = reminder_note(1, INSTRUMENTS["connection"], None, "Europe/London").text
    assert text.startswith("A gentle reminder: your Connection check-in is still waiting for you.")
