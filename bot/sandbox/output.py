"""How the sandbox shows what each person would see: one line per thing, prefixed by where."""

from __future__ import annotations

from collections.abc import Callable

from bot.core.notify import Note

Writer = Callable[[str], None]


class Screen:
    """Prints Notes with their place ("#peer-group", "dm:Anna", "ephemeral:Anna") and remembers the
    choices last shown to each person so `press N` can pick one."""

    def __init__(self, write: Writer) -> None:
        self._write = write
        self.last_choices: dict[str, list[tuple[str, str]]] = {}
        # Where those buttons were shown: the answer to a press appears in the same place.
        self.last_place: dict[str, str] = {}
        self.lines: list[str] = []

    def show(self, where: str, note: Note, *, person: str | None = None) -> None:
        prefix = f"[{where}]"
        for line in note.text.splitlines() or [""]:
            self._emit(f"{prefix} {line}".rstrip())
        if note.choices:
            numbered = "  ".join(f"({i}) {choice.label}" for i, choice in enumerate(note.choices, 1))
            self._emit(f"{prefix}   buttons: {numbered}")
            if person is not None:
                self.last_choices[person] = [(choice.id, choice.label) for choice in note.choices]
                self.last_place[person] = where

    def echo(self, line: str) -> None:
        """The input line itself, so a transcript reads as a conversation."""
        self._emit(f"» {line}")

    def reply(self, person: str, note: Note) -> None:
        """Show the result of pressing a button where the button was (a DM or her private view)."""
        self.show(self.last_place.get(person, f"dm:{person}"), note, person=person)

    def info(self, text: str) -> None:
        self._emit(f"  · {text}")

    def _emit(self, line: str) -> None:
        self.lines.append(line)
        self._write(line)
