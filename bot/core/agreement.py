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
