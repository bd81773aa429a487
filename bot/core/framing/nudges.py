"""Nudge texts (config/nudges.toml) and the words of the crisis message.

Sections: upward_comparison, downward_comparison, isolation (private nudges after a post) and
reflect (shown before a /share is relayed, above "Share as it is" and "Edit").
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from bot.core.framing.labels import NUDGE_LABELS

NUDGES_FILE = Path(__file__).resolve().parents[3] / "config" / "nudges.toml"
SECTIONS: tuple[str, ...] = (*NUDGE_LABELS, "reflect")
OPT_OUT_LINE = "If you'd rather not get these notes, /nudges off turns them off."
NUDGES_OFF_TEXT = ("Done: I won't send you those notes any more. If something you write sounds like you might be in "
                   "danger, I'll still send you support details privately.")
NUDGES_ON_TEXT = "Done: I'll send you a gentle note now and then after your posts. /nudges off stops them any time."


@dataclass(frozen=True)
class NudgeTexts:
    sections: dict[str, tuple[str, ...]]

    def texts(self, section: str) -> tuple[str, ...]:
        return self.sections[section]

    @classmethod
    def load(cls, path: Path = NUDGES_FILE) -> NudgeTexts:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sections: dict[str, tuple[str, ...]] = {}
        for section in SECTIONS:
            texts = data.get(section, {}).get("texts")
            if not isinstance(texts, list) or not texts or not all(isinstance(t, str) and t.strip() for t in texts):
                raise ValueError(f"{path.name}: [{section}] needs a non-empty list `texts`")
            sections[section] = tuple(t.strip() for t in texts)
        return cls(sections)


def with_opt_out(text: str) -> str:
    """Add the /nudges off line unless the text already mentions it."""
    return text if "/nudges off" in text else f"{text}\n-# {OPT_OUT_LINE}"


def crisis_message(resources_text: str) -> str:
    """Sent before anything else happens to her words, so it promises nothing about the post or the moderators."""
    return (
        "I'm really glad you told me how you're feeling. It sounds so hard right now, and you don't have to "
        "carry it alone.\n\n"
        "If things feel too much, please reach out now. These people are there for you:\n"
        f"{resources_text}\n\n"
        "-# This group is peer support, not a crisis service."
    )


def someone_else_message(resources_text: str) -> str:
    """She is telling about someone she knows who may be in danger: help for that person first, then her."""
    return (
        "That sounds really frightening, and you did the right thing saying it. 💛\n\n"
        f"{resources_text}\n\n"
        "These lines are there for you too, for how this is leaving you.\n"
        "-# This group is peer support, not a crisis service."
    )


def gentle_message(resources_text: str) -> str:
    """The *worried* tier: the model was unsure. Warm, no alarm, and the lines are still there."""
    return (
        "Thank you for sharing that. It sounds like a heavy time, and you don't have to carry it alone. 💛\n\n"
        "If it would help to talk to someone, these people are there for you:\n"
        f"{resources_text}\n\n"
        "-# If you're ever not safe, please call your local emergency number. This group is peer support, "
        "not a crisis service."
    )


MODERATORS_TOLD = "I've let the moderators know, so someone can check in with you. 💛"
