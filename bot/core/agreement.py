"""The group agreement a member accepts before joining (text in config/agreement.md)."""

from __future__ import annotations

from pathlib import Path

from bot.core.groups import Group
from bot.core.notify import Choice, Note

AGREEMENT_FILE = Path(__file__).resolve().parents[2] / "config" / "agreement.md"


def accept_choice(group_id: int) -> Choice:
    return Choice(f"join:accept:{group_id}", "Accept and join", "success")


def later_choice(group_id: int) -> Choice:
    return Choice(f"join:later:{group_id}", "Not now", "secondary")


def agreement_text(group: Group, path: Path = AGREEMENT_FILE) -> str:
    template = path.read_text(encoding="utf-8").strip()
    return template.replace("{group}", group.name).replace("{focus}", group.focus)


def agreement_note(group: Group) -> Note:
    """The agreement with Accept / Not now buttons (persistent: they work after a restart)."""
    return Note(agreement_text(group), (accept_choice(group.id), later_choice(group.id)))


def welcome_text(group: Group, path: Path = AGREEMENT_FILE) -> str:
    """The welcome pinned in a new group's channel: who the group is for and the agreement itself.

    The agreement's own heading ("Before you join …") is left out: everyone reading the channel has
    already joined."""
    lines = agreement_text(group, path).splitlines()
    if lines and lines[0].startswith("**") and lines[0].endswith("**"):
        lines = lines[1:]
    body = "\n".join(lines).strip()
    return (f"**Welcome to “{group.name}”** 💛\n{group.description}\n\n"
            f"This is the group agreement everyone here accepted when joining:\n{body}")


WELCOME_NOT_POSTED = ("The group is ready, but I couldn't post the welcome with the group agreement in its "
                      "channel. {why}")
WELCOME_NOT_PINNED = ("The welcome with the group agreement is posted in the channel, but I couldn't pin it. "
                      "{why} You can also pin it by hand (⋯ on the message → Pin Message).")
