"""What the core says to people, without knowing how it gets there.

Services return or send `Note`s: text plus optional choices (buttons). The Discord adapter turns a
Note into a message with a persistent view; the offline sandbox prints it as numbered choices.
Because both render the same Note, the sandbox shows exactly the text members see.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

Style = Literal["primary", "secondary", "success", "danger"]


@dataclass(frozen=True)
class Choice:
    """A button. `id` is the stable custom id the adapter routes back to a service."""

    id: str
    label: str
    style: Style = "secondary"


@dataclass(frozen=True)
class Note:
    text: str
    choices: tuple[Choice, ...] = field(default=())


class Notifier(Protocol):
    """Delivery of Notes outside the current interaction."""

    async def send_dm(self, guild_id: int, user_id: int, note: Note) -> bool:
        """Send a direct message; False when her DMs are closed or she left the server."""
        ...

    async def send_mod_log(self, guild_id: int, note: Note) -> bool:
        """Post in the server's moderator log channel; False when none is set or it is unreachable."""
        ...
